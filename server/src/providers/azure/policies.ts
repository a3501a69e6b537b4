/**
 * Pipeline policies the provider adds to the SDK clients (Key Vault and, for identity-based
 * credentials, the Entra token client):
 *
 * - `deadlinePolicy` (per call, before the retry and authentication policies): aborts one logical
 *   request — its retries, the 401 challenge round trip and the token acquisition included — after
 *   `timeoutMs`. It is a policy rather than an `abortSignal` option because the SDK fetches listing
 *   pages after the first without the caller's options.
 * - `guardPolicy` (per attempt, after signing, right before the socket): refuses any request to an
 *   origin other than the vault's (a `nextLink` or redirect elsewhere would otherwise carry the
 *   bearer token), drops Retry-After on 429/503 so throttling fails fast instead of sleeping past
 *   the deadline, and records a sanitized summary of every error body (codes only, never text) so
 *   failures can be told apart even where the SDK drops the body (listing pages).
 * - `boundedResponsePolicy` (per attempt, on both clients, closest to the socket): no redirect is
 *   followed and no body over MAX_RESPONSE_BYTES is read (see below).
 * - `TokenRequestObserver.policy` (per call, on the Entra token client): the deadline above, plus a
 *   record of how the last token request failed (transport code, timeout, status, OAuth `error` and
 *   AADSTS numbers). @azure/identity rethrows MSAL failures as errors that keep only a free-text
 *   message, so this record is what tells "Entra unreachable" from "Entra refused the secret".
 */
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import { RedirectRefused, ResponseTooLarge, declaredTooLarge, isRedirectStatus, isTransportRefusal, readCapped, type TransportRefusal } from '../responseLimits';

type PolicyConfig = NonNullable<SecretClientOptions['additionalPolicies']>[number];
export type PipelinePolicy = PolicyConfig['policy'];
type PipelineRequest = Parameters<PipelinePolicy['sendRequest']>[0];

/** What a Key Vault error body said, reduced to fixed codes. */
export interface ErrorSummary {
  /** `error.code`, e.g. SecretNotFound, Forbidden, Unauthorized, Throttled. */
  code?: string;
  /** `error.innererror.code`, e.g. ForbiddenByRbac, AccessDenied, ForbiddenByFirewall, SecretDisabled. */
  innerCode?: string;
  /** The 403 says the secret (version) is disabled. */
  disabled?: boolean;
  /** The 409 says the secret is deleted but recoverable. */
  deletedButRecoverable?: boolean;
}

/** Thrown by the guard policy instead of sending a request to a foreign origin. */
export class ForeignOriginError extends Error {
  constructor() {
    super('Refused to send a request outside the vault origin.');
    this.name = 'AzureForeignOrigin';
  }
}

const CODE = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;
const RETRY_AFTER_HEADERS = ['retry-after', 'retry-after-ms', 'x-ms-retry-after-ms'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `text` parsed as JSON; undefined when it is empty or not JSON. */
function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function summarizeErrorBody(text: string | undefined): ErrorSummary {
  const body = parseJson(text);
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  if (!error) return {};
  const code = typeof error.code === 'string' && CODE.test(error.code) ? error.code : undefined;
  const inner = isObject(error.innererror) ? error.innererror : undefined;
  const innerCode = inner && typeof inner.code === 'string' && CODE.test(inner.code) ? inner.code : undefined;
  // Decided by the inner error code only; Key Vault's message is never read.
  const disabled = innerCode === 'SecretDisabled';
  const deletedButRecoverable = innerCode === 'ObjectIsDeletedButRecoverable';
  return {
    ...(code ? { code } : {}),
    ...(innerCode ? { innerCode } : {}),
    ...(disabled ? { disabled } : {}),
    ...(deletedButRecoverable ? { deletedButRecoverable } : {}),
  };
}

export function deadlinePolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'secretRefsDeadline',
    async sendRequest(request, next) {
      const controller = new AbortController();
      const outer = request.abortSignal;
      const onOuterAbort = (): void => controller.abort();
      if (outer?.aborted) controller.abort();
      else outer?.addEventListener('abort', onOuterAbort);
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      request.abortSignal = controller.signal;
      if (!(request.timeout > 0) || request.timeout > timeoutMs) request.timeout = timeoutMs;
      try {
        return await next(request);
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onOuterAbort);
      }
    },
  };
}

export function guardPolicy(origin: string, summaries: WeakMap<object, ErrorSummary>): PipelinePolicy {
  return {
    name: 'secretRefsGuard',
    async sendRequest(request, next) {
      let target: string;
      try {
        target = new URL(request.url).origin;
      } catch {
        throw new ForeignOriginError();
      }
      if (target !== origin) throw new ForeignOriginError();
      const response = await next(request);
      if (response.status === 429 || response.status === 503) {
        for (const h of RETRY_AFTER_HEADERS) response.headers.delete(h);
      }
      if (response.status >= 400) record(summaries, request, summarizeErrorBody(response.bodyAsText ?? undefined));
      return response;
    },
  };
}

/**
 * Redirects and body size, below the SDK. @typespec/ts-http-runtime's NodeHttpClient reads every
 * body whole into `bodyAsText` (nodeHttpClient.js, sendRequest → streamToText) unless the request
 * asks for a stream; its redirectPolicy follows 300/301/302 (GET, HEAD), 303 and 307 up to 20 times
 * within the origin (policies/redirectPolicy.js). Both clients are built with
 * `redirectOptions.maxRetries = 0`, and this policy, the last before the socket:
 * - asks for the body as a stream (`streamResponseStatusCodes` = every status) and reads it with a
 *   cap of `maxBytes` (a declared Content-Length over the cap is refused unread), then hands the
 *   text on as `bodyAsText`, as the client would have;
 * - turns any 3xx into a RedirectRefused, so no policy above it can follow it.
 * A refusal is not a system error, so the retry policy throws it without retrying.
 */
export function boundedResponsePolicy(maxBytes: number): PipelinePolicy {
  return {
    name: 'secretRefsBoundedResponse',
    async sendRequest(request, next) {
      request.streamResponseStatusCodes = new Set([Number.POSITIVE_INFINITY]);
      const response = await next(request);
      const stream = response.readableStreamBody as (NodeJS.ReadableStream & { destroy?: (e?: Error) => void }) | undefined;
      if (isRedirectStatus(response.status)) {
        stream?.destroy?.();
        throw new RedirectRefused(response.status, response.headers.get('location') ?? undefined, request.url);
      }
      if (declaredTooLarge(response.headers.get('content-length'), maxBytes)) {
        stream?.destroy?.();
        throw new ResponseTooLarge(maxBytes);
      }
      if (stream) {
        response.bodyAsText = (await readCapped(stream as AsyncIterable<unknown> & { destroy?: (e?: Error) => void }, maxBytes)).toString('utf8');
        delete response.readableStreamBody;
      }
      return response;
    },
  };
}

function record(summaries: WeakMap<object, ErrorSummary>, request: PipelineRequest, summary: ErrorSummary): void {
  summaries.set(request, summary);
}

/** How the last failed token request failed (codes only). */
export interface TokenRequestFailure {
  /** Date.now() when recorded. */
  at: number;
  status?: number;
  transport?: string;
  timedOut?: boolean;
  /** OAuth `error`, e.g. invalid_client, unauthorized_client, invalid_tenant. */
  error?: string;
  /** AADSTS numbers from `error_codes`. */
  aadsts?: number[];
  /** A 2xx whose body is not JSON. */
  badBody?: boolean;
  /** The token endpoint answered with a redirect (not followed) or a body over the cap. */
  refusal?: TransportRefusal;
}

function isJson(text: string | undefined): boolean {
  try {
    JSON.parse(text ?? '');
    return true;
  } catch {
    return false;
  }
}

const OAUTH_ERROR = /^[a-z_]{3,40}$/;
const ERRNO = /^[A-Z][A-Z0-9_]{2,60}$/;

export function summarizeOAuthBody(text: string | undefined): Pick<TokenRequestFailure, 'error' | 'aadsts'> {
  const body = parseJson(text);
  if (!isObject(body)) return {};
  const error = typeof body.error === 'string' && OAUTH_ERROR.test(body.error) ? body.error : undefined;
  const codes = Array.isArray(body.error_codes)
    ? body.error_codes.filter((c): c is number => typeof c === 'number' && Number.isInteger(c) && c > 0).slice(0, 3)
    : [];
  return { ...(error ? { error } : {}), ...(codes.length > 0 ? { aadsts: codes } : {}) };
}

export class TokenRequestObserver {
  last: TokenRequestFailure | undefined;

  /** The failure recorded at or after `since` (Date.now() at the start of the failed call). */
  since(since: number): TokenRequestFailure | undefined {
    return this.last && this.last.at >= since ? this.last : undefined;
  }

  policy(timeoutMs: number): PipelinePolicy {
    const deadline = deadlinePolicy(timeoutMs);
    return {
      name: 'secretRefsTokenObserver',
      sendRequest: async (request, next) => {
        try {
          const response = await deadline.sendRequest(request, next);
          if (response.status >= 400) this.last = { at: Date.now(), status: response.status, ...summarizeOAuthBody(response.bodyAsText ?? undefined) };
          else if (!isJson(response.bodyAsText ?? undefined)) this.last = { at: Date.now(), status: response.status, badBody: true };
          else this.last = undefined;
          return response;
        } catch (e) {
          const err = isObject(e) ? e : {};
          if (isTransportRefusal(e)) this.last = { at: Date.now(), refusal: e };
          else if (err.name === 'AbortError') this.last = { at: Date.now(), timedOut: true };
          else if (err.code === 'PARSE_ERROR') this.last = { at: Date.now(), badBody: true };
          else if (typeof err.code === 'string' && ERRNO.test(err.code) && err.code !== 'REQUEST_SEND_ERROR' && err.code !== 'PARSE_ERROR') this.last = { at: Date.now(), transport: err.code };
          else if (typeof err.statusCode === 'number') this.last = { at: Date.now(), status: err.statusCode };
          else this.last = { at: Date.now() };
          throw e;
        }
      },
    };
  }
}
