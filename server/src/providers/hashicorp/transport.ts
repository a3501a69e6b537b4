/**
 * The HTTP transport node-vault sends every request through (node-vault's `request-promise`
 * option: `defaults(rpDefaults)` returns the function it calls with each request's options).
 *
 * node-vault 0.12's own transport is an axios instance that follows up to 21 redirects with every
 * header it was given (axios' follow-redirects drops `Authorization` and `Cookie` on a change of
 * host, not `X-Vault-Token`), re-posts a 307/308 body (an AppRole login's role and secret ids) to
 * the redirect's target, and buffers a response body of any size. This one, also axios:
 * - follows no redirect (`maxRedirects: 0`): any 3xx rejects with a `VaultRefusal` of kind
 *   `redirect` naming the status and where it pointed; nothing is sent to that address;
 * - reads the body as a stream and stops at `maxBytes` (decompressed bytes), rejecting with a
 *   `VaultRefusal` of kind `too-large`, so a 1 GB answer never sits in memory;
 * - ends the whole exchange (connect, headers and body) at `timeoutMs` with an ETIMEDOUT-coded
 *   error, so a server that drips its body cannot keep a request open.
 *
 * Everything else is as node-vault's transport: the status and the JSON body (a raw string when it
 * is not JSON) are handed back, non-2xx answers included, for node-vault to turn into its errors.
 */
import axios, { type AxiosResponse } from 'axios';
import type http from 'node:http';
import type https from 'node:https';
import type { Readable } from 'node:stream';

/**
 * The most a Vault answer may hold: 4 MiB. A KV secret is limited by Vault's storage backends to
 * far less (Consul's default entry limit is 512 KiB; integrated storage's default
 * `max_entry_size` is 1 MiB), and a LIST of 50,000 keys of 60 characters is about 3.2 MiB.
 */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** An answer the transport refused to take: a redirect, or a body over the size cap. */
export type VaultRefusal =
  | { vaultRefusal: 'redirect'; status: number; location: string | undefined }
  | { vaultRefusal: 'too-large'; limitBytes: number };

export function isVaultRefusal(value: unknown): value is VaultRefusal {
  return typeof value === 'object' && value !== null && typeof (value as { vaultRefusal?: unknown }).vaultRefusal === 'string';
}

/** What node-vault passes for each request (the parts used here). */
interface RequestOptions {
  method: string;
  uri: string;
  headers?: Record<string, string>;
  /** The JSON body of a write (`true` from node-vault's defaults means "JSON, no body"). */
  json?: unknown;
}

/** What node-vault expects back. */
interface TransportResponse {
  statusCode: number;
  body: unknown;
  request: { path: string };
}

export interface BoundedTransportOptions {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  /** Deadline of one whole exchange: connection, headers and body. */
  timeoutMs: number;
  maxBytes?: number;
}

const timeoutError = (): Error => Object.assign(new Error('deadline exceeded'), { code: 'ETIMEDOUT' });

/** Reads a body up to `maxBytes`; past it, destroys the stream and rejects with `too-large`. */
function readCapped(stream: Readable, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (error: unknown, value?: Buffer): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      if (error !== undefined) {
        stream.destroy();
        reject(error);
      } else resolve(value!);
    };
    const onAbort = (): void => finish(timeoutError());
    signal.addEventListener('abort', onAbort);
    stream.on('data', (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += buf.length;
      if (total > maxBytes) {
        finish({ vaultRefusal: 'too-large', limitBytes: maxBytes } satisfies VaultRefusal);
        return;
      }
      chunks.push(buf);
    });
    stream.on('end', () => finish(undefined, Buffer.concat(chunks)));
    stream.on('error', (e: unknown) => finish(signal.aborted ? timeoutError() : e));
    stream.on('close', () => finish(signal.aborted ? timeoutError() : Object.assign(new Error('socket closed'), { code: 'ECONNRESET' })));
    if (signal.aborted) onAbort();
  });
}

function parseBody(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function pathOf(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return uri;
  }
}

/** The object node-vault takes as its `request-promise` option. */
export function boundedTransport(options: BoundedTransportOptions): { defaults: (rpDefaults: unknown) => (req: RequestOptions) => Promise<TransportResponse> } {
  const maxBytes = options.maxBytes ?? MAX_RESPONSE_BYTES;
  const instance = axios.create({
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'stream',
    maxContentLength: -1,
    httpAgent: options.httpAgent,
    httpsAgent: options.httpsAgent,
    timeout: options.timeoutMs,
  });

  const send = async (req: RequestOptions): Promise<TransportResponse> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    timer.unref();
    try {
      let response: AxiosResponse<Readable>;
      try {
        response = await instance.request<Readable>({
          method: req.method,
          url: req.uri,
          headers: { ...(req.headers ?? {}) },
          ...(req.json !== null && typeof req.json === 'object' ? { data: req.json } : {}),
          signal: controller.signal,
        });
      } catch (e) {
        if (controller.signal.aborted) throw timeoutError();
        throw e;
      }
      const status = response.status;
      if (status >= 300 && status < 400) {
        response.data.destroy();
        const location = response.headers.location;
        throw { vaultRefusal: 'redirect', status, location: typeof location === 'string' ? location : undefined } satisfies VaultRefusal;
      }
      const raw = await readCapped(response.data, maxBytes, controller.signal);
      return { statusCode: status, body: parseBody(raw.toString('utf8')), request: { path: pathOf(req.uri) } };
    } finally {
      clearTimeout(timer);
    }
  };

  return { defaults: () => send };
}
