/**
 * Failure handling for the HashiCorp Vault provider: what node-vault rejects with is reduced to a
 * small, sanitized `VaultFailure`, and a `VaultFailure` becomes a `ProviderError` whose message and
 * details never carry a token, a secret id, a request header or a secret value.
 *
 * node-vault 0.12 rejects in two shapes:
 * - API errors, for every status other than 200/204: `{ message, response: { statusCode, body } }`.
 *   `body` is Vault's JSON (`{"errors": [...]}`, or the KV v2 envelope for a deleted version), or a
 *   raw string when the body was not JSON.
 * - transport errors from axios: `{ code, message, isAxiosError, config, request }` without a
 *   `response`. Their `config` holds the request headers (X-Vault-Token) and body (secret values),
 *   so such an error is only read for its `code` and is never kept, wrapped or logged.
 * - what the bounded transport refused (transport.ts): a redirect (status and Location) or an
 *   answer over the size cap.
 *
 * Vault's own error strings are untrusted text (some echo request input), so a message only quotes
 * one when it is a known fixed phrase (`safeVaultPhrase`).
 */
import { ProviderError, type ProviderErrorKind } from '../secretProvider';
import { transportCause } from '../transportErrors';
import { isVaultRefusal } from './transport';

/** Deletion state of a KV v2 version, read from the 404 envelope Vault sends for it. */
export interface KvVersionState {
  version?: number;
  /** RFC 3339 time; absent when the version is not deleted. */
  deletionTime?: string;
  destroyed: boolean;
}

/** A failed call, reduced to what is safe to keep. */
export interface VaultFailure {
  /** HTTP status when Vault (or something in front of it) answered. */
  status?: number;
  /** Vault's `errors` strings with Go multierror framing removed. Untrusted: see `safeVaultPhrase`. */
  messages: string[];
  /** Transport error code (ECONNREFUSED, ECONNABORTED, DEPTH_ZERO_SELF_SIGNED_CERT, ...). */
  code?: string;
  /** KV v2 version state from a 404 envelope (deleted / destroyed version). */
  kv?: KvVersionState;
  /** The answer's `warnings` (untrusted text, never quoted): see isKv2InvalidPath. */
  warnings?: string[];
  /** The call "succeeded" but the body was not the JSON object Vault always sends. */
  badBody?: boolean;
  /** A 3xx answer, not followed: its status and Location header (raw, bounded; see describeLocation). */
  redirect?: { status: number; location: string | undefined };
  /** The answer was larger than this many bytes and was dropped. */
  tooLargeBytes?: number;
}

/** Where a failure happened, for the message. */
export interface FailureContext {
  vaultName: string;
  /** scheme://host:port of the Vault address (never user info). */
  origin: string;
  /** API path of the failed call, without `/v1/` and query, e.g. `secret/data/oracle`. */
  apiPath: string;
  timeoutMs: number;
  /** `login`: the AppRole login itself failed. */
  phase: 'login' | 'request';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `"2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"` → `['permission denied', 'invalid token']`. */
export function splitMultiError(text: string): string[] {
  if (!/^\d+ errors? occurred:/.test(text)) return [text.trim()];
  return text
    .split('\n')
    .filter((line) => line.startsWith('\t* '))
    .map((line) => line.slice(3).trim());
}

function kvStateOf(body: unknown): KvVersionState | undefined {
  if (!isObject(body) || !isObject(body.data) || !isObject(body.data.metadata)) return undefined;
  const m = body.data.metadata;
  const deletionTime = typeof m.deletion_time === 'string' && m.deletion_time !== '' ? m.deletion_time : undefined;
  const destroyed = m.destroyed === true;
  if (!deletionTime && !destroyed) return undefined;
  return {
    ...(typeof m.version === 'number' ? { version: m.version } : {}),
    ...(deletionTime ? { deletionTime } : {}),
    destroyed,
  };
}

/** Reduces whatever node-vault rejected with to a `VaultFailure`; the original error is dropped. */
export function toFailure(err: unknown): VaultFailure {
  if (isVaultRefusal(err)) {
    if (err.vaultRefusal === 'too-large') return { messages: [], tooLargeBytes: err.limitBytes };
    return { messages: [], redirect: { status: err.status, location: err.location?.slice(0, 2048) } };
  }
  if (!isObject(err) && !(err instanceof Error)) return { messages: [] };
  const e = err as Record<string, unknown>;
  const response = e.response;
  if (isObject(response) && typeof response.statusCode === 'number') {
    const body = response.body;
    const messages: string[] = [];
    if (isObject(body) && Array.isArray(body.errors)) {
      for (const m of body.errors) if (typeof m === 'string') messages.push(...splitMultiError(m));
    }
    const kv = kvStateOf(body);
    const warnings = isObject(body) && Array.isArray(body.warnings) ? body.warnings.filter((w): w is string => typeof w === 'string').slice(0, 8) : [];
    return { status: response.statusCode, messages, ...(kv ? { kv } : {}), ...(warnings.length ? { warnings } : {}) };
  }
  const code = typeof e.code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(e.code) ? e.code : undefined;
  return { messages: [], ...(code ? { code } : {}) };
}

/*
 * What a failure means. Vault's answers carry a status and, for errors, only `errors: [text]`: no
 * error code. So the status decides wherever it can (403 permission, 404 absence, 400 invalid
 * request, 429/5xx availability; the KV v2 version state from the 404 envelope's metadata), and the
 * cases below, which share a status with another meaning, are told apart by the fixed text Vault
 * produces for them (after multierror framing is removed, see splitMultiError). Each cites the
 * source of its text; test/providers/hashicorpErrors.test.ts gives several forms of each.
 */

/**
 * 403 with "invalid token": the token is unknown, expired or revoked, not merely without a policy.
 * Text: sdk/logical/error.go ErrInvalidToken ("invalid token"), appended to ErrPermissionDenied
 * by vault/request_handling.go CheckToken and fetchACLTokenEntryAndEntity, framed by go-multierror
 * ("2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n").
 */
export const isInvalidToken = (f: VaultFailure): boolean => f.status === 403 && f.messages.includes('invalid token');
export const isPermissionDenied = (f: VaultFailure): boolean => f.status === 403 && !isInvalidToken(f);
/**
 * 404 "unsupported path": the mount exists but its engine has no such endpoint (a non-KV engine,
 * sys/ or auth/). Text: sdk/logical/error.go ErrUnsupportedPath, from the framework's router
 * (sdk/framework/backend.go HandleRequest), framed by go-multierror. A bare 404 (`errors: []`) is
 * an absent secret instead.
 */
export const isUnsupportedPath = (f: VaultFailure): boolean => f.status === 404 && f.messages.includes('unsupported path');
/**
 * 404 "no handler for route": no engine is mounted where the path starts (only a token whose
 * policy allows the path gets this far: the ACL check comes first). Text: vault/router.go
 * routeCommon, `no handler for route %q. route entry not found.` (or `... route entry found, but
 * backend is nil.` while a mount is set up).
 */
export const isNoRoute = (f: VaultFailure): boolean => f.status === 404 && f.messages.some((m) => m.startsWith('no handler for route '));
/**
 * 404 with `data: null`, no `errors` and a warning from the KV v2 plugin's catch-all path: the
 * engine is KV v2 and the path is none of its endpoints (typically a secret path without `data/`).
 * Text: hashicorp/vault-plugin-secrets-kv backend.go pathInvalid, "Invalid path for a versioned
 * K/V secrets engine. ... use 'vault kv get' for this operation." or, for the bare root of an
 * endpoint, "Non-listing operations on the root of a K/V v2 mount are not supported."
 */
export const isKv2InvalidPath = (f: VaultFailure): boolean =>
  f.status === 404 &&
  f.messages.length === 0 &&
  (f.warnings ?? []).some((w) => w.startsWith('Invalid path for a versioned K/V secrets engine') || w.startsWith('Non-listing operations on the root of a K/V v2 mount'));
/**
 * 400 from a check-and-set write. Text: vault-plugin-secrets-kv path_data.go
 * validateCheckAndSetOption: "check-and-set parameter did not match the current version",
 * "check-and-set parameter required for this call" (and "error parsing check-and-set parameter",
 * an invalid request).
 */
export const casFailure = (f: VaultFailure): 'mismatch' | 'required' | undefined => {
  if (f.status !== 400) return undefined;
  if (f.messages.some((m) => m.startsWith('check-and-set parameter required'))) return 'required';
  if (f.messages.some((m) => m.startsWith('check-and-set parameter did not match'))) return 'mismatch';
  return undefined;
};

/** Vault messages that are fixed phrases (no echoed input), safe to quote in a message. */
const SAFE_PHRASES: RegExp[] = [
  /^permission denied$/,
  /^invalid token$/,
  /^unsupported path$/,
  /^unsupported operation$/,
  /^check-and-set parameter did not match the current version$/,
  /^check-and-set parameter required for this call$/,
  /^invalid role or secret ID$/,
  /^invalid role ID$/,
  /^invalid secret id$/,
  /^missing (role_id|secret_id|data fields|client token)$/,
  /^no data provided$/,
  /^lease is not renewable$/,
  /^past the max TTL, cannot renew$/,
  /^Vault is sealed$/,
  /^internal error$/,
  /^rate limit quota exceeded$/,
  /^local node not active but active cluster node not found$/,
];

export function safeVaultPhrase(f: VaultFailure): string | undefined {
  for (const m of f.messages) {
    // 429 bodies read `request path "x": rate limit quota exceeded`; keep only the fixed tail.
    const text = m.replace(/^request path "[^"]*": /, '');
    if (SAFE_PHRASES.some((re) => re.test(text))) return text;
  }
  return undefined;
}

const withPhrase = (status: number, f: VaultFailure): string => {
  const phrase = safeVaultPhrase(f);
  return phrase ? `HTTP ${status}: ${phrase}` : `HTTP ${status}`;
};

/**
 * Where a redirect pointed, as text that is safe to show: the Location resolved against the Vault
 * address, reduced to scheme, host, port and path (no user info, query or fragment; the URL
 * parser percent-encodes the rest), at most 160 characters. A Location that is not an http(s)
 * address is described, not quoted.
 */
export function describeLocation(location: string | undefined, origin: string): string {
  if (location === undefined || location.trim() === '') return 'no address (the answer had no Location header)';
  let url: URL;
  try {
    url = new URL(location.trim(), origin === '' ? undefined : `${origin}/`);
  } catch {
    return 'an address that is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'an address that is not http(s)';
  const text = `${url.protocol}//${url.host}${url.pathname}`.replace(/[^\x21-\x7e]/g, '').replace(/`/g, '%60');
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

const MIB = 1024 * 1024;

/** Maps a failure to a ProviderError with a short message (see the table in index.ts). */
export function toProviderError(f: VaultFailure, ctx: FailureContext): ProviderError {
  const vault = `Vault "${ctx.vaultName}"`;
  const apiPath = ctx.apiPath;
  const make = (kind: ProviderErrorKind, message: string, extra: { cause?: string; deletionTime?: string } = {}): ProviderError =>
    new ProviderError(kind, message, { apiPath, ...extra });

  if (f.redirect) {
    // Vault's standby nodes answer 307 with the active node's address (vault/http/handler.go
    // respondStandby) when they cannot forward the request themselves.
    const where = describeLocation(f.redirect.location, ctx.origin);
    const standby =
      f.redirect.status === 307
        ? 'a Vault standby node redirects this way to the active node: set the vault\'s `url` to the active node or to the load balancer in front of the cluster'
        : 'set the vault\'s `url` to the address Vault itself answers on (for example https:// where http:// is written)';
    const cause = `it answered with a redirect (HTTP ${f.redirect.status}) to \`${where}\`, which is not followed, so nothing was sent there; ${standby}`;
    return make('unreachable', `${vault} at ${ctx.origin} answered ${apiPath} with a redirect (HTTP ${f.redirect.status}) to \`${where}\`: redirects are never followed, so no token or login was sent there. ${standby[0]!.toUpperCase()}${standby.slice(1)}.`, { cause });
  }
  if (f.tooLargeBytes !== undefined) {
    const size = f.tooLargeBytes % MIB === 0 ? `${f.tooLargeBytes / MIB} MiB` : `${f.tooLargeBytes} bytes`;
    const cause = `it answered ${apiPath} with more than ${size}, more than any answer of Vault's API this product reads; the answer was dropped`;
    return make('unreachable', `${vault} at ${ctx.origin} answered ${apiPath} with more than ${size}; the answer was dropped unread.`, { cause });
  }
  if (f.badBody) {
    return make('bad-response', `${vault} sent a response for ${apiPath} that is not a JSON object.`);
  }
  const status = f.status;
  if (status === undefined) {
    const cause = transportCause(f.code, ctx.timeoutMs);
    return make('unreachable', `${vault} at ${ctx.origin} is unreachable: ${cause}.`, { cause });
  }
  if (status === 429 || status >= 500) {
    const cause = `Vault answered ${status}`;
    const phrase = safeVaultPhrase(f);
    return make('unreachable', `${vault} at ${ctx.origin} is unavailable: ${cause}${phrase ? ` (${phrase})` : ''}.`, { cause });
  }
  if (ctx.phase === 'login' && (status === 400 || status === 401 || status === 403)) {
    return make('unauthenticated', `${vault} rejected the AppRole login at ${apiPath} (${withPhrase(status, f)}).`);
  }
  if (isInvalidToken(f) || status === 401) {
    return make('unauthenticated', `${vault} rejected the token as invalid or expired (HTTP ${status}).`);
  }
  if (status === 403) {
    return make('permission-denied', `${vault} denied access to ${apiPath} (${withPhrase(status, f)}).`);
  }
  if (status === 404) {
    if (f.kv?.destroyed) {
      return make('destroyed', `${vault}: version ${f.kv.version ?? '?'} at ${apiPath} was destroyed (HTTP 404).`);
    }
    if (f.kv?.deletionTime) {
      return make('deleted', `${vault}: version ${f.kv.version ?? '?'} at ${apiPath} was deleted at ${f.kv.deletionTime} (HTTP 404).`, {
        deletionTime: f.kv.deletionTime,
      });
    }
    if (isNoRoute(f)) {
      return new ProviderError('not-found', `${vault} has no engine mounted where ${apiPath} starts (HTTP 404: no handler for route).`, { apiPath, reason: 'no-mount' });
    }
    if (isKv2InvalidPath(f)) {
      return new ProviderError('not-found', `${vault}: ${apiPath} is not a path of the KV v2 API (HTTP 404): the engine is KV v2, whose secrets are read under data/.`, {
        apiPath,
        reason: 'kv2-path',
      });
    }
    return make('not-found', `${vault} has nothing at ${apiPath} (HTTP 404).`);
  }
  const cas = casFailure(f);
  if (cas) {
    const required = cas === 'required';
    return make(
      'cas-conflict',
      required
        ? `${vault} requires check-and-set for ${apiPath}: pass the version last seen (HTTP 400).`
        : `${vault} refused the write to ${apiPath}: the secret changed since the version last seen (HTTP 400).`,
    );
  }
  if (status >= 400) {
    return make('invalid-request', `${vault} rejected the request to ${apiPath} (${withPhrase(status, f)}).`);
  }
  return make('bad-response', `${vault} answered ${apiPath} with an unexpected HTTP ${status}.`);
}
