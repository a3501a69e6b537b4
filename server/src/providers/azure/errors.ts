/**
 * Failure handling of the Azure Key Vault provider: whatever the SDK rejects with is reduced to a
 * small `AzureFailure` (status, fixed codes, transport code), and an `AzureFailure` becomes a
 * ProviderError whose message and details never carry a token, a client secret, a request header,
 * a response body or a secret value.
 *
 * The SDK rejects with:
 * - `RestError` (name "RestError"): `statusCode` and `code` (Key Vault's `error.code`) for HTTP
 *   errors; `code` = ECONNREFUSED / ECONNRESET / TLS codes ... for transport errors; `code` =
 *   PARSE_ERROR for a body that is not JSON. Its `message` may quote the response body (a parse
 *   error quotes it whole), so it is never read.
 * - `AbortError` when the deadline policy aborted the request.
 * - @azure/identity errors (`AuthenticationRequiredError`, `CredentialUnavailableError`, ...). They
 *   keep only a free-text message (MSAL's, quoting Entra's error description), which is never read:
 *   how the token request failed comes from the TokenRequestObserver (status, OAuth `error`,
 *   AADSTS numbers, transport code) instead.
 * - plain `Error`s from response deserialization (an id that is not a Key Vault URL...).
 */
import { ProviderError, type ProviderErrorKind } from '../secretProvider';
import { timedOutCause, transportCause } from '../transportErrors';
import { AccessTokenExpiredError, type AzureCredential, missingEnvironmentVariables } from './credentials';
import type { ErrorSummary, TokenRequestFailure } from './policies';

/** A failed call, reduced to what is safe to keep. */
export interface AzureFailure {
  /** HTTP status when Key Vault (or something in front of it) answered. */
  status?: number;
  summary: ErrorSummary;
  /** Transport error code (ECONNREFUSED, ECONNRESET, DEPTH_ZERO_SELF_SIGNED_CERT, ...). */
  transport?: string;
  timedOut?: boolean;
  /** A 2xx whose body is not JSON, or not the shape Key Vault sends. */
  badBody?: boolean;
  foreignOrigin?: boolean;
  /** The configured access token's expiry has passed (epoch ms). */
  tokenExpiredAt?: number;
  /**
   * @azure/identity could not produce a token: `unavailable` (CredentialUnavailableError: missing
   * configuration) plus, when a token request failed during the call, how it failed.
   */
  credential?: { unavailable: boolean; request?: TokenRequestFailure };
}

/** What was being done, for the message. */
export interface FailureContext {
  vaultName: string;
  /** Host of the vault URL, e.g. myvault.vault.azure.net. */
  host: string;
  origin: string;
  operation: 'get' | 'list' | 'versions' | 'set';
  secret?: string;
  version?: string;
  timeoutMs: number;
  credential: AzureCredential['kind'];
  authorityHost?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const TRANSPORT_CODE = /^(E[A-Z0-9_]{2,40}|ERR_[A-Z0-9_]{2,60}|[A-Z][A-Z0-9_]{2,60})$/;
const IDENTITY_ERRORS = new Set(['AuthenticationError', 'CredentialUnavailableError', 'AggregateAuthenticationError', 'AuthenticationRequiredError']);

function transportCodeOf(e: Record<string, unknown>): string | undefined {
  const code = e.code;
  if (typeof code === 'string' && code !== 'REQUEST_SEND_ERROR' && code !== 'PARSE_ERROR' && TRANSPORT_CODE.test(code)) return code;
  return undefined;
}

/**
 * Reduces whatever the SDK rejected with; the original error is dropped. `tokenRequest`: how a
 * token request failed during the call (see TokenRequestObserver).
 */
export function toFailure(err: unknown, summaries: WeakMap<object, ErrorSummary>, tokenRequest?: TokenRequestFailure): AzureFailure {
  if (err instanceof AccessTokenExpiredError) return { summary: {}, tokenExpiredAt: err.expiresOnTimestamp };
  if (!isObject(err)) return { summary: {}, badBody: true };
  const name = typeof err.name === 'string' ? err.name : '';
  if (name === 'AzureForeignOrigin') return { summary: {}, foreignOrigin: true };
  if (name === 'AzureDeadline' && tokenRequest) return { summary: {}, credential: { unavailable: false, request: tokenRequest } };
  if (name === 'AbortError' || name === 'AzureDeadline') return { summary: {}, timedOut: true };
  if (IDENTITY_ERRORS.has(name)) {
    return { summary: {}, credential: { unavailable: name === 'CredentialUnavailableError', ...(tokenRequest ? { request: tokenRequest } : {}) } };
  }
  if (name === 'RestError') {
    const request = err.request;
    const summary = (isObject(request) && summaries.get(request)) || {};
    const status = typeof err.statusCode === 'number' ? err.statusCode : undefined;
    if (status !== undefined && (status >= 300 || status < 200)) {
      const fromDetails = isObject(err.details) && isObject(err.details.error) ? err.details.error : undefined;
      const merged: ErrorSummary = { ...summary };
      if (!merged.code && fromDetails && typeof fromDetails.code === 'string' && /^[A-Za-z]{1,64}$/.test(fromDetails.code)) merged.code = fromDetails.code;
      return { status, summary: merged };
    }
    if (err.code === 'PARSE_ERROR') return { summary: {}, badBody: true };
    const transport = transportCodeOf(err);
    if (transport) return { summary: {}, transport };
    // A RestError without status or transport code: the SDK could not page / read the body.
    return { summary: {}, badBody: true };
  }
  const transport = transportCodeOf(err);
  if (transport && typeof err.syscall === 'string') return { summary: {}, transport };
  // Deserialization failures (TypeError, "Invalid secret identifier ...") and anything else.
  return { summary: {}, badBody: true };
}

/** The caller's missing permission, per operation and authorization model. */
export function missingPermission(operation: FailureContext['operation'], innerCode: string | undefined): string {
  const write = operation === 'set';
  const policyPermission = operation === 'get' ? 'Get' : write ? 'Set' : 'List';
  const role = write ? 'Key Vault Secrets Officer' : 'Key Vault Secrets User';
  if (innerCode === 'ForbiddenByRbac') return `the ${role} role (Azure RBAC)`;
  if (innerCode === 'AccessDenied') return `an access policy with the secret ${policyPermission} permission`;
  return `the ${role} role (or an access policy with ${policyPermission})`;
}

function what(ctx: FailureContext): string {
  switch (ctx.operation) {
    case 'get':
      return ctx.version ? `reading version ${ctx.version} of secret "${ctx.secret}"` : `reading secret "${ctx.secret}"`;
    case 'list':
      return 'listing secrets';
    case 'versions':
      return `listing the versions of secret "${ctx.secret}"`;
    case 'set':
      return `writing secret "${ctx.secret}"`;
  }
}

export function apiPathOf(ctx: Pick<FailureContext, 'operation' | 'secret' | 'version'>): string {
  switch (ctx.operation) {
    case 'list':
      return 'secrets';
    case 'versions':
      return `secrets/${ctx.secret}/versions`;
    default:
      return ctx.version ? `secrets/${ctx.secret}/${ctx.version}` : `secrets/${ctx.secret}`;
  }
}

function credentialMessage(f: NonNullable<AzureFailure['credential']>, ctx: FailureContext): { kind: ProviderErrorKind; message: string; cause?: string } {
  const vault = `Key Vault "${ctx.vaultName}"`;
  const entra = `Microsoft Entra ID${ctx.authorityHost ? ` at ${ctx.authorityHost}` : ''}`;
  const r = f.request;
  if (r?.timedOut || r?.transport) {
    const cause = r.timedOut ? timedOutCause(ctx.timeoutMs) : transportCause(r.transport, ctx.timeoutMs);
    return { kind: 'unreachable', message: `${entra} is unreachable while getting a token for ${vault}: ${cause}.`, cause };
  }
  if (r?.status !== undefined && (r.status === 429 || r.status >= 500)) {
    const cause = r.status === 429 ? 'throttled (429)' : `${r.status} from Microsoft Entra ID`;
    return { kind: 'unreachable', message: `${entra} is unavailable while getting a token for ${vault}: ${cause}.`, cause };
  }
  if (r?.badBody) {
    return { kind: 'bad-response', message: `${entra} sent a token response for ${vault} that is not JSON.` };
  }
  if (r?.status !== undefined) {
    const codes = [r.error, ...(r.aadsts ?? []).map((c) => `AADSTS${c}`)].filter(Boolean).join(', ');
    return {
      kind: 'unauthenticated',
      message: `${entra} refused a token for ${vault} (HTTP ${r.status}${codes ? `, ${codes}` : ''}): check the tenant id, client id and client secret.`,
    };
  }
  if (f.unavailable && ctx.credential === 'environment') {
    const missing = missingEnvironmentVariables();
    const list = missing.length > 0 ? ` (not set: ${missing.join(', ')})` : '';
    return {
      kind: 'unauthenticated',
      message: `No Azure credential in the environment for ${vault}: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET must be set${list}.`,
    };
  }
  return { kind: 'unauthenticated', message: `No token could be obtained for ${vault} from ${entra}: check the tenant id, client id and client secret.` };
}

/** Maps a failure to a ProviderError with a short message (see the table in index.ts). */
export function toProviderError(f: AzureFailure, ctx: FailureContext): ProviderError {
  const vault = `Key Vault "${ctx.vaultName}"`;
  const apiPath = apiPathOf(ctx);
  const make = (kind: ProviderErrorKind, message: string, cause?: string): ProviderError =>
    new ProviderError(kind, message, { apiPath, ...(cause ? { cause } : {}) });

  if (f.tokenExpiredAt !== undefined) {
    return make('unauthenticated', `The access token for ${vault} expired at ${new Date(f.tokenExpiredAt).toISOString()}; sign in again.`);
  }
  if (f.credential) {
    const c = credentialMessage(f.credential, ctx);
    return make(c.kind, c.message, c.cause);
  }
  if (f.foreignOrigin) {
    return make('bad-response', `${vault} pointed a request for ${apiPath} outside ${ctx.origin}; it was not sent.`);
  }
  if (f.timedOut) {
    const cause = timedOutCause(ctx.timeoutMs);
    return make('unreachable', `${vault} at ${ctx.origin} is unreachable: ${cause}.`, cause);
  }
  if (f.transport) {
    const cause = transportCause(f.transport, ctx.timeoutMs);
    return make('unreachable', `${vault} at ${ctx.origin} is unreachable: ${cause}.`, cause);
  }
  if (f.badBody || f.status === undefined) {
    return make('bad-response', `${vault} sent a response for ${apiPath} that is not the JSON Key Vault sends.`);
  }
  const status = f.status;
  const code = f.summary.code ? `, ${f.summary.code}` : '';
  if (status === 429) return make('unreachable', `${vault} at ${ctx.origin} is unavailable: throttled (429).`, 'throttled (429)');
  if (status >= 500) {
    const cause = `${status} from Key Vault`;
    return make('unreachable', `${vault} at ${ctx.origin} is unavailable: ${cause}${code}.`, cause);
  }
  if (status === 401) {
    return make(
      'unauthenticated',
      `${vault} rejected the access token (HTTP 401): it is expired, revoked, or issued for another tenant or resource. Sign in again.`,
    );
  }
  if (status === 403) {
    if (f.summary.disabled) {
      return make('invalid-request', `${vault}: secret "${ctx.secret}"${ctx.version ? ` version ${ctx.version}` : ''} is disabled; Key Vault does not read disabled secrets (HTTP 403).`, 'secret disabled');
    }
    if (f.summary.innerCode === 'ForbiddenByFirewall') {
      return make(
        'permission-denied',
        `${vault} refused ${what(ctx)} from this network address (HTTP 403, firewall): allow it in the networking settings of ${ctx.host}.`,
        'firewall',
      );
    }
    return make('permission-denied', `${vault} denied ${what(ctx)} (HTTP 403): the caller needs ${missingPermission(ctx.operation, f.summary.innerCode)} on ${ctx.host}.`);
  }
  if (status === 404) {
    if (ctx.operation === 'get' && ctx.version) {
      return make('version-not-found', `${vault}: secret "${ctx.secret}" has no version ${ctx.version} (HTTP 404).`);
    }
    if (ctx.secret) return make('not-found', `${vault} has no secret "${ctx.secret}" (HTTP 404).`);
    return make('not-found', `${vault} answered ${apiPath} with HTTP 404: is ${ctx.origin} a Key Vault URL?`);
  }
  if (status === 409 && f.summary.deletedButRecoverable) {
    return make('deleted', `${vault}: secret "${ctx.secret}" is deleted but recoverable; recover or purge it before writing (HTTP 409).`);
  }
  if (status >= 400) return make('invalid-request', `${vault} rejected ${what(ctx)} (HTTP ${status}${code}).`);
  return make('bad-response', `${vault} answered ${apiPath} with an unexpected HTTP ${status}.`);
}
