/**
 * The HTTP transport of the GCP provider, below google-auth-library and the SDK: every request of
 * the auth client (the Secret Manager calls of the REST transport, and the token requests) goes
 * through `boundedFetch`, handed to gaxios as its `fetchImplementation`.
 *
 * Why: gaxios 7 fetches with node-fetch 3 (gaxios.js, Gaxios#getFetch), whose default `redirect`
 * is `follow` (up to 20): it re-sends the request to the Location, keeping the Authorization
 * header when the target has the same host name on any port, or is a subdomain
 * (node-fetch src/index.js, isDomainOrSubdomain), and re-sending a POST body (a new version's
 * payload, a token request's assertion) on 307 / 308. And it reads every body whole: gax reads an
 * answer with `response.arrayBuffer()` (google-gax fallbackServiceStub.js), and gaxios collects an
 * error body chunk by chunk without a limit (gaxios.js, Gaxios#_request).
 *
 * So `boundedFetch` sends with `redirect: 'manual'` and turns any 3xx into a RedirectRefused naming
 * the Location, refuses a declared Content-Length over MAX_RESPONSE_BYTES, and reads the body with
 * that cap before gaxios sees it (a ResponseTooLarge when more arrives).
 */
import { RedirectRefused, ResponseTooLarge, declaredTooLarge, isRedirectStatus, readCapped } from '../responseLimits';

type NodeFetch = typeof import('node-fetch');
let nodeFetch: Promise<NodeFetch> | undefined;
const loadNodeFetch = (): Promise<NodeFetch> => (nodeFetch ??= import('node-fetch'));

/** A fetch for gaxios' `fetchImplementation`: no redirect followed, no body over `maxBytes` read. */
export function boundedFetch(maxBytes: number): (url: unknown, init?: Record<string, unknown>) => Promise<unknown> {
  return async (url, init = {}) => {
    const { default: fetch, Response } = await loadNodeFetch();
    const target = url instanceof URL ? url.href : String(url);
    const res = await fetch(target, { ...(init as Parameters<typeof fetch>[1]), redirect: 'manual' });
    const body = res.body as (NodeJS.ReadableStream & { destroy?: (e?: Error) => void }) | null;
    if (isRedirectStatus(res.status)) {
      body?.destroy?.();
      throw new RedirectRefused(res.status, res.headers.get('location') ?? undefined, target);
    }
    if (declaredTooLarge(res.headers.get('content-length'), maxBytes)) {
      body?.destroy?.();
      throw new ResponseTooLarge(maxBytes, target);
    }
    const bytes = body ? await readCapped(body as AsyncIterable<unknown> & { destroy?: (e?: Error) => void }, maxBytes, target) : Buffer.alloc(0);
    return new Response(bytes, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

interface GaxiosLike {
  defaults: Record<string, unknown>;
  request: unknown;
}
const isGaxios = (v: unknown): v is GaxiosLike =>
  typeof v === 'object' && v !== null && typeof (v as GaxiosLike).defaults === 'object' && typeof (v as GaxiosLike).request === 'function';

/**
 * Puts `fetchImplementation` (and the timeout) into the defaults of every gaxios instance an auth
 * client sends with: its own `transporter`, and those it keeps apart. google-auth-library gives
 * each client the `transporterOptions` of its options, but not every helper: an external account's
 * STS exchange (`stsCredential`, a `new Gaxios()` in oauth2common.js) and an impersonated
 * credential's source client (googleauth.js, fromImpersonatedJSON) make their own.
 */
export function boundTransporters(client: unknown, defaults: Record<string, unknown>, depth = 0): void {
  if (typeof client !== 'object' || client === null || depth > 3) return;
  const c = client as { transporter?: unknown; stsCredential?: unknown; sourceClient?: unknown; client?: unknown };
  if (isGaxios(c.transporter)) Object.assign(c.transporter.defaults, defaults);
  if (c.stsCredential) boundTransporters(c.stsCredential, defaults, depth + 1);
  if (c.sourceClient) boundTransporters(c.sourceClient, defaults, depth + 1);
}
