/**
 * Key Vault's 401 challenge, read the way @azure/keyvault-common 2.1 reads it, so that a vault the
 * SDK refuses is reported with its real cause instead of a plain `Error` whose only content is a
 * library message.
 *
 * The SDK's rules (keyvault-common `parseWWWAuthenticate.ts` parseWWWAuthenticateHeader and
 * `keyVaultAuthenticationPolicy.ts` verifyChallengeResource / handleChallenge):
 * - On a 401 with `WWW-Authenticate`, the header is split on `,? +`; `key="value"` pairs of
 *   authorization, authorization_url, resource, scope, tenantId, claims, error are kept. An
 *   `authorization` value that is not a URL is refused ("The challenge authorization URI ... is
 *   invalid").
 * - The token scope is `resource + "/.default"`, else `scope`; without either the 401 is returned
 *   as is (no token is requested).
 * - Unless `disableChallengeResourceVerification`, the scope must be a URL ("The challenge contains
 *   invalid scope ...") whose host H satisfies: the request's host ends with `.H` ("The challenge
 *   resource 'H' does not match the requested domain ..."). Key Vault names the resource of its
 *   cloud: vault.azure.net, vault.azure.cn, vault.usgovcloudapi.net, vault.microsoftazure.de,
 *   managedhsm.azure.net...; a vault URL under another host (a custom domain, a proxy, an IP
 *   address) is refused before any token is requested.
 *
 * `challengePolicy` applies the same rules to the raw 401 (it runs closer to the wire than the
 * SDK's authentication policy) and throws a `ChallengeRefusedError` with the facts, so the provider
 * never has to read the SDK's message. It also records, per request, whether a token was sent, so
 * a 401 can be told apart: a token refused, or no usable challenge (not Key Vault).
 */
import type { PipelinePolicy } from './policies';

export type ChallengeRefusal =
  /** The challenge's resource (scope) host does not contain the vault host: H is that host. */
  | { reason: 'resource'; resourceHost: string }
  /** The challenge's resource or scope is not a URL. */
  | { reason: 'scope' }
  /** The challenge's `authorization` (the Entra authority) is not a URL. */
  | { reason: 'authorization' };

/** Thrown by challengePolicy instead of letting the SDK refuse the challenge. */
export class ChallengeRefusedError extends Error {
  constructor(readonly refusal: ChallengeRefusal) {
    super('The vault challenge was refused.');
    this.name = 'AzureChallengeRefused';
  }
}

/** What one request's 401 showed. */
export interface ChallengeRecord {
  /** The request carried an Authorization header (a token was sent). */
  tokenSent: boolean;
  /** The 401 carried a challenge the SDK can answer (a resource or a scope). */
  challenged: boolean;
}

const PROPERTIES = new Set(['authorization', 'authorization_url', 'resource', 'scope', 'tenantId', 'claims', 'error']);

/** The key="value" pairs of a WWW-Authenticate header, split as the SDK splits them. */
export function parseChallenge(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(/,? +/)) {
    if (!/\w="/.test(part)) continue;
    const [key, ...rest] = part.split('=');
    if (key !== undefined && PROPERTIES.has(key)) out[key] = rest.join('=').slice(1, -1);
  }
  return out;
}

/** A host name fit for a message (letters, digits, dots, dashes; at most 253), else undefined. */
export function safeHost(host: string): string | undefined {
  return /^[A-Za-z0-9.-]{1,253}$/.test(host) ? host.toLowerCase() : undefined;
}

/** Why the SDK would refuse this challenge for a request to `requestHost`; undefined when it would answer it. */
export function challengeRefusal(header: string, requestHost: string): ChallengeRefusal | undefined {
  const parsed = parseChallenge(header);
  if (parsed.authorization !== undefined) {
    try {
      new URL(parsed.authorization);
    } catch {
      return { reason: 'authorization' };
    }
  }
  const scope = parsed.resource ? `${parsed.resource}/.default` : parsed.scope;
  if (!scope) return undefined;
  let host: string;
  try {
    host = new URL(scope).hostname;
  } catch {
    return { reason: 'scope' };
  }
  if (requestHost.endsWith(`.${host}`)) return undefined;
  return { reason: 'resource', resourceHost: safeHost(host) ?? '(not a host name)' };
}

/** What the challenge policy saw: each 401 (by request object), and when Key Vault last answered 2xx. */
export class AnswerLog {
  readonly challenges = new WeakMap<object, ChallengeRecord>();
  /** Date.now() of the last 2xx answer. */
  lastOkAt = 0;

  /** Whether a 2xx answer arrived at or after `since`: a failure after it is the client library's reading of it. */
  answeredSince(since: number): boolean {
    return this.lastOkAt >= since;
  }
}

/**
 * Per attempt, right before the socket: records how each 401 looked and when a 2xx arrived, and
 * refuses a challenge the SDK would refuse (when `verify`), with the facts.
 */
export function challengePolicy(verify: boolean, log: AnswerLog): PipelinePolicy {
  const seen = log.challenges;
  return {
    name: 'secretRefsChallenge',
    async sendRequest(request, next) {
      const tokenSent = request.headers.has('authorization');
      const response = await next(request);
      if (response.status >= 200 && response.status < 300) log.lastOkAt = Date.now();
      if (response.status !== 401) return response;
      const header = response.headers.get('www-authenticate');
      const parsed = header ? parseChallenge(header) : {};
      seen.set(request, { tokenSent, challenged: Boolean(parsed.resource || parsed.scope) });
      if (header && verify) {
        let requestHost = '';
        try {
          requestHost = new URL(request.url).hostname;
        } catch {
          // the guard policy refuses such a URL before it is sent
        }
        const refusal = challengeRefusal(header, requestHost);
        // Without verification the SDK still refuses an authorization that is not a URL.
        if (refusal) throw new ChallengeRefusedError(refusal);
      } else if (header) {
        const refusal = challengeRefusal(header, '');
        if (refusal?.reason === 'authorization') throw new ChallengeRefusedError(refusal);
      }
      return response;
    },
  };
}
