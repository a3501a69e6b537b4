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
 * - plain `Error`s of the SDK itself, whose only content is a library message (never read):
 *   - its refusal of the vault's 401 challenge (keyvault-common verifyChallengeResource,
 *     parseWWWAuthenticateHeader): challenge.ts applies the same rules to the raw 401 first and
 *     throws `AzureChallengeRefused` with the facts (the resource host the challenge names);
 *   - failures reading an answer (an id that is not a Key Vault URL, a body the deserializer
 *     rejects): told apart by the answer log, which saw a 2xx during the call;
 *   - anything else before Key Vault answered (e.g. the token cycler's "Failed to refresh access
 *     token"): reported as a client library failure, with the error's name.
 */
import { ProviderError, type ProviderErrorKind } from '../secretProvider';
import { timedOutCause, transportCause } from '../transportErrors';
import { AccessTokenExpiredError, type AzureCredential, missingEnvironmentVariables } from './credentials';
import { type AnswerLog, type ChallengeRefusal, ChallengeRefusedError } from './challenge';
import type { ErrorSummary, TokenRequestFailure } from './policies';

/** A failed call, reduced to what is safe to keep. */
export interface AzureFailure {
  /** HTTP status when Key Vault (or something in front of it) answered. */
  status?: number;
  summary: ErrorSummary;
  /** Transport error code (ECONNREFUSED, ECONNRESET, DEPTH_ZERO_SELF_SIGNED_CERT, ...). */
  transport?: string;
  timedOut?: boolean;
  /** A 2xx whose body is not JSON, or not the shape Key Vault sends (the SDK could not read it). */
  badBody?: boolean;
  /** The vault's 401 challenge is one the Azure SDK refuses (see challenge.ts). */
  challenge?: ChallengeRefusal;
  /** For a 401: whether the request carried a token, and whether the 401 carried a usable challenge. */
  unauthorized?: { tokenSent: boolean; challenged: boolean };
  /** The SDK failed before Key Vault answered, with an error that is not a REST error (its name). */
  library?: string;
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
export function toFailure(
  err: unknown,
  summaries: WeakMap<object, ErrorSummary>,
  tokenRequest?: TokenRequestFailure,
  answers?: { answers: AnswerLog; since: number },
): AzureFailure {
  if (err instanceof AccessTokenExpiredError) return { summary: {}, tokenExpiredAt: err.expiresOnTimestamp };
  if (err instanceof ChallengeRefusedError) return { summary: {}, challenge: err.refusal };
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
      const seen = status === 401 && isObject(request) ? answers?.answers.challenges.get(request) : undefined;
      return { status, summary: merged, ...(seen ? { unauthorized: { tokenSent: seen.tokenSent, challenged: seen.challenged } } : {}) };
    }
    if (err.code === 'PARSE_ERROR') return { summary: {}, badBody: true };
    const transport = transportCodeOf(err);
    if (transport) return { summary: {}, transport };
    // A RestError without status or transport code: the SDK could not page / read the body.
    return { summary: {}, badBody: true };
  }
  const transport = transportCodeOf(err);
  if (transport && typeof err.syscall === 'string') return { summary: {}, transport };
  // Not a REST error: the SDK's reading of an answer (one arrived during the call), or a failure of
  // the library before any answer. Its message is never read.
  if (answers && !answers.answers.answeredSince(answers.since)) return { summary: {}, library: /^[A-Za-z]{1,40}$/.test(name) ? name : 'Error' };
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
  if (f.challenge) {
    const c = challengeMessage(f.challenge, ctx);
    return make('invalid-request', `${vault}: ${c}`, c);
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
  if (f.library) {
    const cause = `the Azure Key Vault client library failed before Key Vault answered (${f.library})`;
    return make('unreachable', `${vault}: ${cause}.`, cause);
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
  if (status === 401 && f.unauthorized && !f.unauthorized.tokenSent && !f.unauthorized.challenged) {
    const cause = `${ctx.host} answered 401 without a Key Vault challenge (WWW-Authenticate: Bearer authorization=..., resource=...), so no token was sent: is vault_url the vault's address, https://<name>.vault.azure.net?`;
    return make('bad-response', `${vault}: ${cause}`, cause);
  }
  if (status === 401) {
    return make(
      'unauthenticated',
      `${vault} rejected the access token (HTTP 401): it is expired, revoked, or issued for another tenant or resource. Sign in again.`,
    );
  }
  if (status === 403) {
    // Key Vault: 403 {"error":{"code":"Forbidden","message":"Operation get is not allowed on a
    // disabled secret.","innererror":{"code":"SecretDisabled"}}} — the inner code decides.
    if (f.summary.innerCode === 'SecretDisabled') {
      const command = `az keyvault secret set-attributes --vault-name ${vaultNameOf(ctx.host)} --name ${ctx.secret ?? 'NAME'}${ctx.version ? ` --version ${ctx.version}` : ''} --enabled true`;
      return make(
        'disabled',
        `${vault}: secret "${ctx.secret}"${ctx.version ? ` version ${ctx.version}` : ''} is disabled; Key Vault does not read disabled secrets (HTTP 403, SecretDisabled). Enable it with \`${command}\`, or pin an enabled version.`,
        'secret disabled',
      );
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
  if (status === 404 && f.summary.code !== undefined && f.summary.code !== 'SecretNotFound') {
    // Key Vault names a missing secret or version SecretNotFound; another 404 is not about the secret.
    const cause = `404 from Key Vault (${f.summary.code})`;
    return make('unreachable', `${vault} at ${ctx.origin} answered ${apiPath} with HTTP 404 (${f.summary.code}), not SecretNotFound: is ${ctx.origin} a Key Vault URL?`, cause);
  }
  if (status === 404 && f.summary.code === undefined) {
    const cause = `404 from ${ctx.host} without a Key Vault error`;
    return make('unreachable', `${vault}: ${ctx.origin} answered ${apiPath} with HTTP 404 without a Key Vault error: is vault_url a Key Vault URL (https://<name>.vault.azure.net)?`, cause);
  }
  if (status === 404) {
    if (ctx.operation === 'get' && ctx.version) {
      return make('version-not-found', `${vault}: secret "${ctx.secret}" has no version ${ctx.version} (HTTP 404).`);
    }
    if (ctx.secret) return make('not-found', `${vault} has no secret "${ctx.secret}" (HTTP 404).`);
    return make('not-found', `${vault} answered ${apiPath} with HTTP 404: is ${ctx.origin} a Key Vault URL?`);
  }
  // 409 {"error":{"code":"Conflict",...,"innererror":{"code":"ObjectIsDeletedButRecoverable" | "ObjectIsBeingRecovered"}}}
  if (status === 409 && f.summary.innerCode === 'ObjectIsDeletedButRecoverable') {
    const name = vaultNameOf(ctx.host);
    return make(
      'deleted',
      `${vault}: secret "${ctx.secret}" is deleted but recoverable, and its name cannot be reused (HTTP 409, ObjectIsDeletedButRecoverable): recover it with \`az keyvault secret recover --vault-name ${name} --name ${ctx.secret}\`, or purge it with \`az keyvault secret purge --vault-name ${name} --name ${ctx.secret}\`.`,
    );
  }
  if (status === 409 && f.summary.innerCode === 'ObjectIsBeingRecovered') {
    const cause = 'secret being recovered (409)';
    return make('unreachable', `${vault}: secret "${ctx.secret}" is being recovered; Key Vault refuses other changes until that ends (HTTP 409, ObjectIsBeingRecovered). Try again shortly.`, cause);
  }
  if (status >= 400) return make('invalid-request', `${vault} rejected ${what(ctx)} (HTTP ${status}${code}).`);
  return make('bad-response', `${vault} answered ${apiPath} with an unexpected HTTP ${status}.`);
}

/** The vault name of a Key Vault host (`NAME.vault.azure.net`, 3-24 characters), for `az` commands; else `VAULT`. */
function vaultNameOf(host: string): string {
  return /^([A-Za-z0-9-]{3,24})\.(vault|managedhsm)\./i.exec(host)?.[1] ?? 'VAULT';
}

/**
 * The real cause of a challenge the Azure SDK refuses, with the remedy (see challenge.ts for the
 * SDK's rule): the vault URL's host must lie under the domain the vault names in its challenge.
 */
function challengeMessage(c: ChallengeRefusal, ctx: FailureContext): string {
  switch (c.reason) {
    case 'resource':
      return (
        `the Azure SDK sends a token only to a host under the domain the vault's 401 challenge names (${c.resourceHost}), ` +
        `and ${ctx.host} is not under it, so no token was sent and nothing was read. Set vault_url to the vault's own address, ` +
        `https://<name>.${c.resourceHost} (Azure: .vault.azure.net; Azure China: .vault.azure.cn; Azure US Government: .vault.usgovcloudapi.net); ` +
        `a private endpoint keeps that name, while a custom domain, an IP address or a proxy cannot be used`
      );
    case 'scope':
      return `${ctx.host} answered 401 with a challenge whose resource is not a URL, which the Azure SDK does not answer: is vault_url the vault's address, https://<name>.vault.azure.net?`;
    case 'authorization':
      return `${ctx.host} answered 401 with a challenge whose authority (authorization=) is not a URL, which the Azure SDK does not answer: is vault_url the vault's address, https://<name>.vault.azure.net?`;
  }
}
