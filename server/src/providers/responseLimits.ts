/**
 * What the cloud providers (aws, azure, gcp) refuse at the transport, below their SDKs:
 *
 * - **Redirects.** No 3xx is followed: a redirect would carry the request again, with its
 *   credential (a bearer token, a SigV4 signature, a token request's client secret or assertion)
 *   or a secret value being written, to wherever the server names. The 3xx becomes an `unreachable`
 *   ProviderError that names where it pointed (origin and path only, escaped, bounded).
 * - **Large bodies.** Every response body is read with a cap of {@link MAX_RESPONSE_BYTES}, counted
 *   while it streams in (a declared Content-Length over the cap is refused before reading), so a
 *   hostile or broken server cannot make the process hold more than the cap per response.
 *
 * Each SDK gets these through its own hook (see each provider's session); this module holds the
 * errors they raise and the messages they become. Each provider bundle includes its own copy, so
 * the errors are recognised by `name`, not `instanceof`, where they may cross an SDK.
 */
import { ProviderError } from './secretProvider';

/**
 * Largest response body a cloud provider reads: 8 MiB. The largest legitimate answers are far
 * below it: a secret value is at most 64 KiB (AWS, GCP; 25 KiB on Azure), JSON-escaped at most
 * 6 times that; a listing page holds at most 100 AWS secrets (≈25 KB each with 50 tags and a
 * 2 KB description: 2.5 MB), 25 Key Vault items, or the 250 Secret Manager secrets the provider
 * asks for (≈30 KB each with 64 labels and 16 KiB of annotations: 7.5 MB).
 */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

const MiB = 1024 * 1024;
export const shownSize = (bytes: number): string => (bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`);

/** A 3xx that was not followed. */
export class RedirectRefused extends Error {
  constructor(
    readonly status: number,
    /** The Location header as received (untrusted text), if any. */
    readonly location: string | undefined,
    /** The URL of the request that was redirected, to resolve a relative Location. */
    readonly requestUrl: string,
  ) {
    super(`redirect (HTTP ${status}) not followed`);
    this.name = 'SecretRefsRedirectRefused';
  }
}

/** A response body over the cap (by its Content-Length, or counted while reading). */
export class ResponseTooLarge extends Error {
  constructor(
    readonly limit: number,
    /** The URL of the request whose answer was too large, when known. */
    readonly requestUrl?: string,
  ) {
    super(`response body larger than ${shownSize(limit)}`);
    this.name = 'SecretRefsResponseTooLarge';
  }
}

export type TransportRefusal = RedirectRefused | ResponseTooLarge;

/** Whether `e` is one of the refusals above (by name: it may come from another bundle's copy). */
export function isTransportRefusal(e: unknown): e is TransportRefusal {
  if (!(e instanceof Error)) return false;
  return e.name === 'SecretRefsRedirectRefused' || e.name === 'SecretRefsResponseTooLarge';
}

/** The refusal in `e` or in its `cause` / `error` chain (SDKs wrap what their transport threw). */
export function findTransportRefusal(e: unknown): TransportRefusal | undefined {
  let current: unknown = e;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (isTransportRefusal(current)) return current;
    const c = current as { cause?: unknown; error?: unknown; originalError?: unknown };
    current = c.cause ?? c.error ?? c.originalError;
  }
  return undefined;
}

export const isRedirectStatus = (status: number): boolean => status >= 300 && status < 400;

const MAX_SHOWN = 160;

/** Text with every character outside printable ASCII written as \uXXXX, cut to `max` characters. */
function escapedText(text: string, max: number): string {
  const escaped = text.slice(0, max).replace(/[^\x20-\x7e]|[`\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > max ? `${escaped}…` : escaped;
}

/**
 * Where a Location points, as safe text: the origin and path of the URL it resolves to (never its
 * user info, query or fragment, which may hold tokens), percent-encoded by URL parsing and cut to
 * 160 characters; an unparsable Location is shown escaped and cut.
 */
export function describeLocation(location: string | undefined, requestUrl: string): string {
  if (location === undefined || location.trim() === '') return 'no Location';
  try {
    const u = new URL(location, requestUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return `"${escapedText(`${u.protocol}…`, 40)}"`;
    return escapedText(`${u.origin}${u.pathname}`, MAX_SHOWN);
  } catch {
    return `"${escapedText(location, 80)}"`;
  }
}

/**
 * The ProviderError of a refusal. `who` names the service and vault, e.g.
 * `AWS vault "prod": Secrets Manager (region us-east-1)`; `apiPath` is kept in details.
 */
export function refusalError(refusal: TransportRefusal, who: string, apiPath?: string): ProviderError {
  const details = apiPath !== undefined ? { apiPath } : {};
  if (refusal instanceof ResponseTooLarge || refusal.name === 'SecretRefsResponseTooLarge') {
    const size = shownSize((refusal as ResponseTooLarge).limit);
    return new ProviderError('unreachable', `${who} sent a response larger than ${size}; it was cut off unread.`, {
      ...details,
      cause: `response larger than ${size}`,
    });
  }
  const r = refusal as RedirectRefused;
  const target = describeLocation(r.location, r.requestUrl);
  const cause = `redirect (HTTP ${r.status}) to ${target} not followed`;
  return new ProviderError(
    'unreachable',
    `${who} answered with a redirect (HTTP ${r.status}) to ${target}. Redirects are not followed, so no credential or value went there; name the address that answers directly in the vault configuration.`,
    { ...details, cause },
  );
}

/**
 * Reads a Node stream to its end with a cap: rejects with ResponseTooLarge (destroying the stream,
 * which closes the connection) as soon as more than `limit` bytes have arrived. At most `limit`
 * bytes and one chunk are held.
 */
export async function readCapped(
  stream: AsyncIterable<unknown> & { destroy?: (e?: Error) => void },
  limit: number,
  requestUrl?: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > limit) {
      stream.destroy?.(); // closes the connection; no 'error' event that nobody would listen to
      throw new ResponseTooLarge(limit, requestUrl);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/** Whether a declared Content-Length is over `limit`. */
export function declaredTooLarge(contentLength: string | null | undefined, limit: number): boolean {
  if (contentLength === null || contentLength === undefined) return false;
  const n = Number(contentLength);
  return Number.isFinite(n) && n > limit;
}
