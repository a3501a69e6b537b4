/**
 * Failure handling for the AWS Secrets Manager provider: whatever the SDK rejects with is reduced to
 * a small `AwsFailure` (the SDK error itself is dropped), and an `AwsFailure` becomes a
 * `ProviderError` whose message and details never hold a credential, a request header or a value.
 *
 * What the SDK (3.1164) rejects with:
 * - service errors: `name` = the AWS error type (`ResourceNotFoundException`...), `$metadata.httpStatusCode`,
 *   `$fault`, `message` (AWS's text; untrusted, may echo input). Decisions come from the type and
 *   the status, and from DescribeSecret's fields (DeletedDate, VersionIdsToStages) in awsProvider.ts;
 *   the text is read only where AWS gives no field for a fact (see `toFailure`), and never shown;
 * - bodies that are not JSON (200 or error status): a `SyntaxError` with `$metadata` and a hidden
 *   `$response` holding the raw body (which could be a secret value, so it is never read);
 * - transport: Node errors with `code` (ECONNREFUSED, ENOTFOUND, ECONNRESET renamed TimeoutError,
 *   ETIMEDOUT from the request timeout, TLS codes), `AbortError` from our deadline;
 * - credential resolution: `CredentialsProviderError` (no credentials in the default chain),
 *   `TokenProviderError` (the SSO token provider: an SSO session that expired or never started).
 */
import { ProviderError, type ProviderErrorKind } from '../secretProvider';
import { SOCKET_FAULTS, transportCause as sharedTransportCause, timedOutCause } from '../transportErrors';

export type AwsOperation = 'ListSecrets' | 'DescribeSecret' | 'GetSecretValue' | 'ListSecretVersionIds' | 'PutSecretValue';

/** A failed call, reduced to what is safe to keep. */
export interface AwsFailure {
  /** AWS error type (from `__type` / x-amzn-ErrorType), for service errors. */
  type?: string;
  /** HTTP status when Secrets Manager (or something in front of it) answered. */
  status?: number;
  /** Transport error code (ECONNREFUSED, ETIMEDOUT, ...). */
  code?: string;
  /** The request or the whole call timed out. */
  timedOut?: boolean;
  /** The response body could not be parsed as AWS JSON. */
  badBody?: boolean;
  /** The SDK found no credentials (CredentialsProviderError). */
  noCredentials?: boolean;
  /**
   * ResourceNotFoundException whose text says a version of an existing secret is missing ("can't
   * find the specified secret value for VersionId / staging label"). Text only: used solely when
   * DescribeSecret cannot tell whether the secret exists (see AwsProvider.valueError).
   */
  versionMissing?: boolean;
  /** Credential scoped to the wrong region ("Credential should be scoped to a valid region"). Text only. */
  wrongRegion?: boolean;
  /** SSO credentials failed (the session expired or was never started). */
  sso?: boolean;
  /** An AccessDeniedException about KMS ("Access to KMS is not allowed"). Text only. */
  kmsDenied?: boolean;
  /** The IAM action an AccessDeniedException names, when it names one (`secretsmanager:GetSecretValue`). */
  deniedAction?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const TYPE_RE = /^[A-Za-z][A-Za-z0-9_.]{0,99}$/;
const CODE_RE = /^[A-Z][A-Z0-9_]{1,63}$/;
const ACTION_RE = /\b((?:secretsmanager|kms):[A-Za-z]{1,64})\b/;

/** Reduces whatever the SDK rejected with to an `AwsFailure`; the original error is not kept. */
export function toFailure(err: unknown): AwsFailure {
  if (!isObject(err)) return {};
  const e = err as Record<string, unknown>;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  const meta = isObject(e.$metadata) ? e.$metadata : undefined;
  const status = typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
  const code = typeof e.code === 'string' && CODE_RE.test(e.code) ? e.code : undefined;

  if (name === 'TokenProviderError') return { noCredentials: true, sso: true };
  if (name === 'CredentialsProviderError') {
    // Text only: the SDK's SSO credential provider throws the same error type as the others
    // (@aws-sdk/credential-provider-sso: "The SSO session associated with this profile ...").
    return { noCredentials: true, ...(/\bSSO\b/i.test(message) ? { sso: true } : {}) };
  }
  if (name === 'AbortError' || name === 'TimeoutError' || code === 'ETIMEDOUT') {
    // ECONNRESET / EPIPE are renamed TimeoutError by the Node handler; keep them apart.
    if (code === 'ECONNRESET' || code === 'EPIPE') return { code };
    return { timedOut: true, ...(code ? { code } : {}) };
  }
  if (status === undefined) return code ? { code } : {};
  // A body that is not JSON (or not the shape the protocol expects).
  if (name === 'SyntaxError' || (typeof e.$fault !== 'string' && !('__type' in e))) return { status, badBody: true };

  const failure: AwsFailure = { status };
  const type = typeof e.__type === 'string' ? e.__type.split('#').pop()!.split(':')[0]! : name;
  if (TYPE_RE.test(type)) failure.type = type;
  // AWS gives no field for the facts below; each is read from the text of one error type only,
  // and only to choose words and remedies, never to decide a secret's state.
  if (failure.type === 'ResourceNotFoundException' && /can.t find the specified secret value for (VersionId|staging label)/i.test(message)) {
    failure.versionMissing = true;
  }
  if (failure.type === 'InvalidSignatureException' && /scoped to (a valid|correct|the correct) region/i.test(message)) failure.wrongRegion = true;
  if (failure.type === 'AccessDeniedException') {
    const action = ACTION_RE.exec(message)?.[1];
    if (action) failure.deniedAction = action;
    else if (/\bKMS\b/.test(message)) failure.kmsDenied = true;
  }
  return failure;
}

const UNAUTHENTICATED = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'RequestExpired',
  'AuthFailure',
]);
const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'Throttling']);
const SERVER = new Set(['InternalServiceError', 'InternalFailure', 'ServiceUnavailable', 'ServiceUnavailableException']);

/**
 * The short cause of a transport failure (`details.cause`). The SDK's timeouts arrive as
 * `timedOut` (toFailure turns ETIMEDOUT into it), so codes are read with the socket table only:
 * ECONNABORTED and ESOCKETTIMEDOUT are no client timeouts with this SDK and stay
 * `network error (<code>)`.
 */
export function transportCause(f: AwsFailure, timeoutMs: number): string {
  if (f.timedOut) return timedOutCause(timeoutMs);
  return sharedTransportCause(f.code, timeoutMs, SOCKET_FAULTS);
}

/** Where a failure happened, for the message. */
export interface FailureContext {
  vaultName: string;
  /** `region us-east-1` or `http://127.0.0.1:4566` (a custom endpoint's origin). */
  where: string;
  operation: AwsOperation;
  /** The secret's name, when the call was about one secret. */
  secret?: string;
  timeoutMs: number;
  /** The configured profile (for the no-credentials message). */
  profile?: string;
}

/** The IAM action a call needs. */
export const actionOf = (op: AwsOperation): string => `secretsmanager:${op}`;

/**
 * Maps a failure to a ProviderError (see the table in index.ts). ResourceNotFoundException is
 * `not-found` here; the provider turns it into `version-not-found` when it knows the secret exists.
 */
export function toProviderError(f: AwsFailure, ctx: FailureContext): ProviderError {
  const vault = `AWS vault "${ctx.vaultName}"`;
  const action = actionOf(ctx.operation);
  const what = ctx.secret !== undefined ? `secret "${ctx.secret}"` : 'the secret list';
  const make = (kind: ProviderErrorKind, message: string, extra: { cause?: string } = {}): ProviderError =>
    new ProviderError(kind, message, { apiPath: action, ...extra });

  if (f.noCredentials) {
    const source = ctx.profile !== undefined ? `profile "${ctx.profile}"` : 'the environment, shared config files, SSO or instance metadata';
    const hint = f.sso
      ? ` The SSO session may have expired: run \`aws sso login${ctx.profile !== undefined ? ` --profile ${ctx.profile}` : ''}\`.`
      : ' Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (see `aws configure`).';
    return make('unauthenticated', `${vault}: no AWS credentials could be loaded from ${source}.${hint}`);
  }
  const status = f.status;
  if (status === undefined) {
    const cause = transportCause(f, ctx.timeoutMs);
    return make('unreachable', `${vault}: Secrets Manager (${ctx.where}) is unreachable: ${cause}.`, { cause });
  }
  const type = f.type;
  if (f.badBody) {
    if (status >= 500 || status === 429 || status === 404) {
      const cause = status === 429 ? 'throttled (429)' : `${status} from Secrets Manager`;
      return make('unreachable', `${vault}: Secrets Manager (${ctx.where}) is unavailable: ${cause}.`, { cause });
    }
    if (status === 403) {
      return make('permission-denied', `${vault}: access to ${what} was denied (HTTP 403 without an AWS error; a proxy or endpoint policy?).`);
    }
    return make('bad-response', `${vault}: Secrets Manager answered ${ctx.operation} with a body that is not AWS JSON (HTTP ${status}).`);
  }
  if (type !== undefined && THROTTLED.has(type)) {
    const cause = status === 429 ? 'throttled (429)' : `throttled (${type})`;
    return make('unreachable', `${vault}: Secrets Manager (${ctx.where}) is throttling requests: ${cause}.`, { cause });
  }
  if (status === 429) {
    return make('unreachable', `${vault}: Secrets Manager (${ctx.where}) is throttling requests: throttled (429).`, { cause: 'throttled (429)' });
  }
  if (status >= 500 || (type !== undefined && SERVER.has(type))) {
    const cause = `${status} from Secrets Manager`;
    return make('unreachable', `${vault}: Secrets Manager (${ctx.where}) is unavailable: ${cause}${type ? ` (${type})` : ''}.`, { cause });
  }
  if (type !== undefined && UNAUTHENTICATED.has(type)) {
    const hint = f.wrongRegion
      ? ' The credential is scoped to another region than the endpoint expects: check `region` in the vault configuration.'
      : ' Check the access key (`aws sts get-caller-identity`), or renew the session.';
    return make('unauthenticated', `${vault}: AWS rejected the credentials (${type}, HTTP ${status}).${hint}`);
  }
  if (type === 'AccessDeniedException' || (type === undefined && status === 403)) {
    if (f.kmsDenied) {
      return make(
        'permission-denied',
        `${vault}: access to ${what} was denied by KMS: the caller lacks kms:Decrypt on the secret's KMS key (AccessDeniedException); grant it in the key policy or an IAM policy.`,
      );
    }
    const missing = f.deniedAction ?? action;
    return make(
      'permission-denied',
      `${vault}: access to ${what} was denied; the caller lacks ${missing} (${type ?? `HTTP ${status}`}). Grant it in an IAM policy${ctx.secret !== undefined ? " or the secret's resource policy" : ''}.`,
    );
  }
  if (type === 'DecryptionFailure') {
    return make('permission-denied', `${vault}: Secrets Manager cannot decrypt ${what} with its KMS key; the caller may lack kms:Decrypt on that key (DecryptionFailure).`);
  }
  if (type === 'ResourceNotFoundException' || (type === undefined && status === 404)) {
    return make('not-found', `${vault} has no ${what} (ResourceNotFoundException).`);
  }
  return make('invalid-request', `${vault}: Secrets Manager rejected ${ctx.operation} for ${what} (${type ?? `HTTP ${status}`}).`);
}
