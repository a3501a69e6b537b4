/**
 * Failure handling for the Google Cloud Secret Manager provider. Whatever the SDK rejects with is
 * reduced to a small, sanitized `GcpFailure`; a `GcpFailure` becomes a `ProviderError` whose message
 * and details never carry a key, a token, a request header or a secret value.
 *
 * With the REST transport (`fallback: true`) the SDK rejects in these shapes:
 * - `GaxiosError` from the auth client's `fetch` for every non-2xx answer: `{ status, response:
 *   { status, data }, config }`; Google's JSON error is in `data` or, for the streamed responses the
 *   SDK asks for, only as the error's `message` text. `config` holds the request
 *   headers (Authorization) and body (a new version's payload), so such an error is only read for
 *   its HTTP status, the error body's `status` name and the request URL's host and path.
 * - `GaxiosError` without a response for transport failures: `code` ECONNREFUSED, ECONNRESET,
 *   ENOTFOUND, TLS codes..., or an `AbortError` when the transport timeout fired.
 * - `GoogleError` (`code` = gRPC status number) when an auth client returns non-2xx responses
 *   instead of throwing (the SDK then decodes Google's JSON error itself).
 * - `SyntaxError` or "malformed response" errors when a 2xx body is not the JSON the API sends.
 * - google-auth-library errors before any request: no Application Default Credentials, a key JSON
 *   it cannot use, a token endpoint or metadata server that failed.
 *
 * Google's error messages are not quoted, and not read: decisions come from the HTTP status, the
 * canonical status name (NOT_FOUND...), the gRPC code, and the `google.rpc.ErrorInfo` detail
 * (`reason`, `domain`, `metadata`: IAM_PERMISSION_DENIED with the permission, SERVICE_DISABLED
 * with the service and project, ACCESS_TOKEN_SCOPE_INSUFFICIENT...). A FAILED_PRECONDITION on
 * AccessSecretVersion is resolved by the provider from the version's `state` (ListSecretVersions
 * or GetSecretVersion), not from the "is in DISABLED state" text. The only texts read are
 * google-auth-library's own errors before any request, which carry no code (see `toFailure`).
 */
import { ProviderError, type ProviderErrorKind } from '../secretProvider';
import { TRANSPORT_FAULTS, type TransportFault, transportCause as sharedTransportCause, timedOutCause } from '../transportErrors';

/** A failed call, reduced to what is safe to keep. */
export interface GcpFailure {
  /** HTTP status when Secret Manager (or something in front of it) answered. */
  httpStatus?: number;
  /** Canonical status name (NOT_FOUND, PERMISSION_DENIED, ...) from the body or the gRPC code. */
  status?: string;
  /** Transport error code (ECONNREFUSED, ECONNRESET, ENOTFOUND, CERT_*...). */
  code?: string;
  /** The transport timeout or the call deadline fired. */
  timedOut?: boolean;
  /** The `google.rpc.ErrorInfo` detail, when the error carries one (sanitized). */
  errorInfo?: ErrorInfo;
  /**
   * The failure happened while getting credentials, not at Secret Manager: `token` (token
   * endpoint / metadata server), `no-adc` (no Application Default Credentials), `adc-file` (the
   * file GOOGLE_APPLICATION_CREDENTIALS names cannot be read), `bad-key` (unusable key JSON).
   */
  auth?: 'token' | 'no-adc' | 'adc-file' | 'bad-key';
  /** The call "succeeded" but the body was not what the API sends. */
  badBody?: boolean;
}

/** gRPC status names by number (google.rpc.Code). */
const GRPC_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;
const STATUS_NAMES = new Set<string>(GRPC_NAMES);

/** The HTTP status Google maps each canonical status to (for messages of GoogleErrors). */
const HTTP_OF: Record<string, number> = {
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
};

function statusOfHttp(http: number): string | undefined {
  switch (http) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return http >= 500 ? 'INTERNAL' : undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const CODE_RE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** The predefined Secret Manager role that grants a permission (IAM roles reference), when one is usual. */
function roleOf(permission: string): string | undefined {
  if (permission === 'secretmanager.versions.access') return 'roles/secretmanager.secretAccessor';
  if (permission === 'secretmanager.versions.add') return 'roles/secretmanager.secretVersionAdder';
  if (/^secretmanager\.(secrets\.(get|list)|versions\.(get|list))$/.test(permission)) return 'roles/secretmanager.viewer';
  return undefined;
}

/** `details.cause` of a FAILED_PRECONDITION, which the provider resolves from the version's state. */
export const FAILED_PRECONDITION = 'refused in its current state (FAILED_PRECONDITION)';

/** Thrown by the provider's own deadline around a call. */
export class DeadlineError extends Error {
  constructor() {
    super('deadline exceeded');
    this.name = 'DeadlineError';
  }
}

/** What a `google.rpc.ErrorInfo` says, reduced to values that are safe to show. */
export interface ErrorInfo {
  /** UPPER_SNAKE_CASE, e.g. IAM_PERMISSION_DENIED, SERVICE_DISABLED. */
  reason: string;
  domain?: string;
  /** metadata.permission (IAM_PERMISSION_DENIED). */
  permission?: string;
  /** metadata.service (SERVICE_DISABLED), e.g. secretmanager.googleapis.com. */
  service?: string;
  /** metadata.consumer (SERVICE_DISABLED), e.g. projects/123456789012. */
  consumer?: string;
}

const REASON_RE = /^[A-Z][A-Z0-9_]{1,63}$/;
const DOMAIN_RE = /^[a-z0-9.-]{1,100}$/;
const PERMISSION_RE = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+){2,3}$/;
const CONSUMER_RE = /^projects\/[a-z0-9-]{1,64}$/;

/** An ErrorInfo from `{reason, domain, metadata}` (gax GoogleError fields or a JSON detail). */
function errorInfoOf(reason: unknown, domain: unknown, metadata: unknown): ErrorInfo | undefined {
  if (typeof reason !== 'string' || !REASON_RE.test(reason)) return undefined;
  const meta = isObject(metadata) ? metadata : {};
  const str = (v: unknown, re: RegExp): string | undefined => (typeof v === 'string' && re.test(v) ? v : undefined);
  const d = str(domain, DOMAIN_RE);
  const permission = str(meta.permission, PERMISSION_RE);
  const service = str(meta.service, DOMAIN_RE);
  const consumer = str(meta.consumer, CONSUMER_RE);
  return { reason, ...(d ? { domain: d } : {}), ...(permission ? { permission } : {}), ...(service ? { service } : {}), ...(consumer ? { consumer } : {}) };
}

/** The ErrorInfo among a Status's `details` (`@type: type.googleapis.com/google.rpc.ErrorInfo`). */
function errorInfoOfDetails(details: unknown): ErrorInfo | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    if (isObject(d) && d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo') return errorInfoOf(d.reason, d.domain, d.metadata);
  }
  return undefined;
}

/** `{"error": {"code", "status", "message", "details"}}` (as text or parsed) → status name and ErrorInfo. */
function readErrorBody(data: unknown): { status?: string; errorInfo?: ErrorInfo } {
  let body: unknown = data;
  if (typeof data === 'string') {
    try {
      body = JSON.parse(data);
    } catch {
      return {};
    }
  }
  if (Array.isArray(body)) body = body.find((b) => isObject(b) && 'error' in b);
  if (!isObject(body) || !isObject(body.error)) return {};
  const e = body.error;
  const status = typeof e.status === 'string' && STATUS_NAMES.has(e.status) ? e.status : undefined;
  const errorInfo = errorInfoOfDetails(e.details);
  return { ...(status ? { status } : {}), ...(errorInfo ? { errorInfo } : {}) };
}

/** Path of a request URL, when it can be read; never the query. */
function urlParts(url: unknown): { pathname: string } | undefined {
  try {
    const u = url instanceof URL ? url : typeof url === 'string' ? new URL(url) : undefined;
    return u ? { pathname: u.pathname } : undefined;
  } catch {
    return undefined;
  }
}

function transportCode(e: Record<string, unknown>): string | undefined {
  for (const candidate of [e, e.cause, e.error]) {
    if (!isObject(candidate) && !(candidate instanceof Error)) continue;
    const code = (candidate as Record<string, unknown>).code;
    if (typeof code === 'string' && CODE_RE.test(code)) return code;
  }
  return undefined;
}

function isAbort(e: Record<string, unknown>): boolean {
  for (const candidate of [e, e.cause, e.error]) {
    if (!isObject(candidate) && !(candidate instanceof Error)) continue;
    const c = candidate as Record<string, unknown>;
    if (c.name === 'AbortError' || c.name === 'TimeoutError' || c.code === 'ABORT_ERR' || c.type === 'aborted') return true;
  }
  return false;
}

/** Secret Manager API paths (`/v1/projects/<p>/secrets...`), as opposed to token endpoints. */
const API_PATH_RE = /^\/v1\/projects\/[^/]+\/secrets(?:[/:]|$)/;

/**
 * Reduces whatever the SDK rejected with to a `GcpFailure`; the original error is dropped.
 * A failed request whose URL is not a Secret Manager API path was a credential request (token
 * endpoint, metadata server, IAM credentials, STS).
 */
export function toFailure(err: unknown): GcpFailure {
  if (err instanceof DeadlineError) return { timedOut: true };
  if (!isObject(err) && !(err instanceof Error)) return { badBody: true };
  const e = err as Record<string, unknown>;
  const config = isObject(e.config) ? e.config : undefined;
  const where = urlParts(config?.url);
  const atApi = !where || API_PATH_RE.test(where.pathname);
  const auth = atApi ? {} : { auth: 'token' as const };

  const response = e.response;
  if (isObject(response) && typeof response.status === 'number') {
    // gaxios keeps the error body in `response.data`, or (for the streamed responses the SDK asks
    // for) only in the error's message, which is then the body text.
    let body = readErrorBody(response.data);
    if (body.status === undefined) body = readErrorBody(e.message);
    const { status, errorInfo } = body;
    return {
      httpStatus: response.status,
      ...(status ? { status } : {}),
      ...(errorInfo && atApi ? { errorInfo } : {}),
      ...auth,
    };
  }
  if (isAbort(e)) return { timedOut: true, ...auth };
  const message = typeof e.message === 'string' ? e.message : '';
  // google-auth-library's own failures (before any request) are plain Errors with no code: only
  // their text tells them apart (google-auth-library googleauth.ts / jwtclient.ts); an unreadable
  // file also has a `code`.
  if (/Could not load the default credentials|Unable to detect a Project Id/.test(message)) return { auth: 'no-adc' };
  if (/GOOGLE_APPLICATION_CREDENTIALS|does not exist, or it is not a file|file path is invalid/.test(message)) return { auth: 'adc-file' };
  if (/client_email|private_key|incoming JSON object|credential_source|refresh_token|Must pass in a JSON object/i.test(message)) {
    return { auth: 'bad-key' };
  }
  const code = transportCode(e);
  if (code) return { code, ...auth };
  if (typeof e.code === 'number' && Number.isInteger(e.code) && GRPC_NAMES[e.code] !== undefined && e.code !== 0) {
    // A GoogleError decoded by the SDK from an error body.
    const status = GRPC_NAMES[e.code];
    const errorInfo = errorInfoOf(e.reason, e.domain, e.errorInfoMetadata) ?? errorInfoOfDetails(e.statusDetails);
    return { status, ...(errorInfo ? { errorInfo } : {}) };
  }
  // Text only (no code): google-gax's REST fallback rejects a 2xx it cannot decode with these
  // words, and undici's fetch rejects a broken connection as TypeError "fetch failed" when its
  // `cause` carries no code (transportCode reads the cause's code first).
  if (err instanceof SyntaxError || /malformed|null response|Received null/i.test(message)) return { badBody: true };
  if (e.name === 'TypeError' && /fetch failed/.test(message)) return { code: 'ECONNRESET' };
  return { badBody: true };
}

/**
 * The shared table plus three codes of the fetch transport (undici / streams): a connect timeout,
 * and a socket error or a stream closed early, both read as a reset.
 */
const GCP_TRANSPORT_FAULTS: ReadonlyMap<string, TransportFault> = new Map<string, TransportFault>([
  ...TRANSPORT_FAULTS,
  ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
  ['UND_ERR_SOCKET', 'reset'],
  ['ERR_STREAM_PREMATURE_CLOSE', 'reset'],
]);

/** The short cause of a transport failure (`details.cause`). */
export function transportCause(code: string | undefined, timeoutMs: number): string {
  return sharedTransportCause(code, timeoutMs, GCP_TRANSPORT_FAULTS);
}

/** What a failed call was about, for the message. */
export interface FailureContext {
  vaultName: string;
  /** host[:port] of the Secret Manager endpoint. */
  origin: string;
  /** The resource of the call, e.g. `projects/p/secrets/s/versions/latest`. */
  resource: string;
  /** The IAM permission the call needs, e.g. `secretmanager.versions.access` ('' = none in particular). */
  permission: string;
  timeoutMs: number;
}

/** Whether the failure is worth one more try for an idempotent read (stale socket, 503). */
export function isTransient(f: GcpFailure): boolean {
  if (f.auth || f.timedOut) return false;
  if (f.code === 'ECONNRESET' || f.code === 'EPIPE' || f.code === 'UND_ERR_SOCKET') return true;
  return f.httpStatus === 503 || (f.httpStatus === undefined && f.status === 'UNAVAILABLE');
}

export function statusName(f: GcpFailure): string | undefined {
  return f.status ?? (f.httpStatus !== undefined ? statusOfHttp(f.httpStatus) : undefined);
}

/** `HTTP 404` / `NOT_FOUND, HTTP 404` for messages. */
function statusText(f: GcpFailure): string {
  const name = statusName(f);
  const http = f.httpStatus ?? (name ? HTTP_OF[name] : undefined);
  if (name && http) return `${name}, HTTP ${http}`;
  return name ?? (http ? `HTTP ${http}` : 'no status');
}

/** Maps a failure to a ProviderError (see the table in index.ts). */
export function toProviderError(f: GcpFailure, ctx: FailureContext): ProviderError {
  const vault = `vault "${ctx.vaultName}"`;
  const apiPath = ctx.resource;
  const make = (kind: ProviderErrorKind, message: string, cause?: string): ProviderError =>
    new ProviderError(kind, message, { apiPath, ...(cause ? { cause } : {}) });

  if (f.auth === 'no-adc') {
    return make(
      'unauthenticated',
      `No Application Default Credentials were found for ${vault}: set GOOGLE_APPLICATION_CREDENTIALS to a key file or run "gcloud auth application-default login".`,
    );
  }
  if (f.auth === 'adc-file') {
    return make(
      'unauthenticated',
      `The credentials file named by GOOGLE_APPLICATION_CREDENTIALS cannot be read or is not a key JSON (${vault}).`,
    );
  }
  if (f.auth === 'bad-key') {
    return make('unauthenticated', `The credentials of ${vault} are not a usable Google Cloud key JSON.`);
  }
  if (f.badBody) {
    return make('bad-response', `Secret Manager sent a response for ${apiPath} (${vault}) that is not what the API returns.`);
  }
  if (f.auth === 'token') {
    if (f.timedOut || f.httpStatus === undefined) {
      const cause = f.timedOut ? timedOutCause(ctx.timeoutMs) : transportCause(f.code, ctx.timeoutMs);
      return make('unreachable', `Could not get an access token for ${vault}: ${cause}.`, cause);
    }
    if (f.httpStatus === 429 || f.httpStatus >= 500) {
      const cause = f.httpStatus === 429 ? 'throttled (429)' : `${f.httpStatus} from the token endpoint`;
      return make('unreachable', `Could not get an access token for ${vault}: ${cause}.`, cause);
    }
    return make('unauthenticated', `The token endpoint rejected the credentials of ${vault} (HTTP ${f.httpStatus}).`);
  }
  if (f.timedOut) {
    const cause = timedOutCause(ctx.timeoutMs);
    return make('unreachable', `Secret Manager for ${vault} at ${ctx.origin} is unreachable: ${cause}.`, cause);
  }
  const name = statusName(f);
  if (name === undefined && f.httpStatus === undefined) {
    const cause = transportCause(f.code, ctx.timeoutMs);
    return make('unreachable', `Secret Manager for ${vault} at ${ctx.origin} is unreachable: ${cause}.`, cause);
  }
  const st = statusText(f);
  const info = f.errorInfo;
  // ErrorInfo reasons Google's APIs share (google.rpc.ErrorInfo, domain googleapis.com): they name
  // a cause that is not the secret's permission.
  if (info?.reason === 'SERVICE_DISABLED') {
    const project = info.consumer?.slice('projects/'.length);
    const cause = `the Secret Manager API is not enabled${project ? ` in project ${project}` : ''}`;
    return make(
      'invalid-request',
      `${cause} (${vault}, SERVICE_DISABLED): enable it with \`gcloud services enable ${info.service ?? 'secretmanager.googleapis.com'}${project ? ` --project=${project}` : ''}\`.`,
      `${cause}: run \`gcloud services enable ${info.service ?? 'secretmanager.googleapis.com'}${project ? ` --project=${project}` : ''}\``,
    );
  }
  if (info?.reason === 'BILLING_DISABLED') {
    const cause = 'billing is disabled for the project';
    return make('invalid-request', `Secret Manager refused ${apiPath} (${vault}): ${cause} (BILLING_DISABLED).`, cause);
  }
  if (info?.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') {
    return make(
      'unauthenticated',
      `The access token of ${vault} lacks the OAuth scope Secret Manager needs (https://www.googleapis.com/auth/cloud-platform) (${st}, ACCESS_TOKEN_SCOPE_INSUFFICIENT).`,
    );
  }
  if (info?.reason === 'ACCESS_TOKEN_EXPIRED') {
    return make('unauthenticated', `The access token of ${vault} has expired (${st}, ACCESS_TOKEN_EXPIRED): sign in again or refresh the credentials.`);
  }
  if (info?.reason === 'CREDENTIALS_MISSING') {
    return make('unauthenticated', `No credential reached Secret Manager for ${vault} (${st}, CREDENTIALS_MISSING): sign in, or set GOOGLE_APPLICATION_CREDENTIALS.`);
  }
  if (info?.reason === 'SECURITY_POLICY_VIOLATED') {
    return make(
      'permission-denied',
      `A VPC Service Controls perimeter refused ${apiPath} for ${vault} (${st}, SECURITY_POLICY_VIOLATED): call from inside the perimeter, or ask for an ingress rule.`,
      'VPC Service Controls',
    );
  }
  if (info?.reason === 'CONSUMER_INVALID' || info?.reason === 'CONSUMER_SUSPENDED') {
    const project = info.consumer?.slice('projects/'.length);
    const cause = `the project${project ? ` ${project}` : ''} ${info.reason === 'CONSUMER_SUSPENDED' ? 'is suspended' : 'does not exist or cannot be used'}`;
    return make('invalid-request', `Secret Manager refused ${apiPath} (${vault}): ${cause} (${info.reason}); check \`project\` in the vault configuration.`, cause);
  }
  switch (name) {
    case 'UNAUTHENTICATED':
      return make('unauthenticated', `Secret Manager rejected the credentials of ${vault} as invalid or expired (${st}).`);
    case 'PERMISSION_DENIED': {
      // IAM_PERMISSION_DENIED names the permission that was checked; else the call's own.
      const permission = info?.reason === 'IAM_PERMISSION_DENIED' && info.permission ? info.permission : ctx.permission;
      return make(
        'permission-denied',
        permission
          ? `Permission denied for ${vault}: needs ${permission} on ${apiPath} (${st})${roleOf(permission) ? `; the role ${roleOf(permission)} grants it` : ''}.`
          : `Permission denied for ${vault} on ${apiPath} (${st}).`,
      );
    }
    case 'NOT_FOUND':
      return make('not-found', `Secret Manager (${vault}) has nothing at ${apiPath} (${st}).`);
    case 'FAILED_PRECONDITION':
      // The provider resolves it for AccessSecretVersion from the version's state.
      return make('invalid-request', `Secret Manager (${vault}) refused the request for ${apiPath} in its current state (${st}).`, FAILED_PRECONDITION);
    case 'RESOURCE_EXHAUSTED': {
      const cause = 'throttled (429)';
      return make('unreachable', `Secret Manager for ${vault} at ${ctx.origin} is unavailable: ${cause}.`, cause);
    }
    case 'UNAVAILABLE':
    case 'INTERNAL':
    case 'UNKNOWN':
    case 'DEADLINE_EXCEEDED':
    case 'DATA_LOSS':
    case 'UNIMPLEMENTED': {
      const cause = `${f.httpStatus ?? name} from Secret Manager`;
      return make('unreachable', `Secret Manager for ${vault} at ${ctx.origin} is unavailable: ${cause}.`, cause);
    }
    default:
      break;
  }
  if (f.httpStatus !== undefined && f.httpStatus >= 500) {
    const cause = `${f.httpStatus} from Secret Manager`;
    return make('unreachable', `Secret Manager for ${vault} at ${ctx.origin} is unavailable: ${cause}.`, cause);
  }
  if (name !== undefined || (f.httpStatus !== undefined && f.httpStatus >= 400)) {
    return make('invalid-request', `Secret Manager (${vault}) rejected the request for ${apiPath} (${st}).`);
  }
  return make('bad-response', `Secret Manager (${vault}) answered ${apiPath} with an unexpected ${st}.`);
}
