/**
 * The request handler the AWS client sends through: the SDK's own NodeHttpHandler (@smithy/node-
 * http-handler), wrapped so that every answer is checked before the SDK reads it.
 *
 * - NodeHttpHandler.handle() issues one `http(s).request` and resolves with whatever status came
 *   back (dist-cjs/index.js, NodeHttpHandler#handle): Node's http client never follows a redirect,
 *   and neither does the SDK, whose JSON protocol deserializer turns any status ≥ 300 into an
 *   error. So no signed request is ever re-sent elsewhere; a 3xx would only surface as an
 *   unreadable error. Here it becomes a RedirectRefused naming where it pointed.
 * - The handler hands the SDK the socket's stream as the body, which the SDK collects whole
 *   (@smithy/core protocols collectBody → streamCollector). Here the body is read first with the
 *   cap of MAX_RESPONSE_BYTES (a declared Content-Length over it is refused unread), and the SDK
 *   gets the bytes.
 *
 * The refusals carry no SDK error type, status or `code` the SDK's retry strategy knows, so they
 * are not retried (@smithy/util-retry: only throttling, transient and server errors are).
 */
import { Readable } from 'node:stream';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { RedirectRefused, ResponseTooLarge, declaredTooLarge, isRedirectStatus, readCapped } from '../responseLimits';

type Handle = NodeHttpHandler['handle'];
type HandleRequest = Parameters<Handle>[0];

function urlOf(request: HandleRequest): string {
  const port = request.port !== undefined ? `:${request.port}` : '';
  return `${request.protocol}//${request.hostname}${port}${request.path}`;
}

export class BoundedHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  constructor(
    private readonly inner: NodeHttpHandler,
    private readonly maxBytes: number,
  ) {}

  async handle(request: HandleRequest, options?: Parameters<Handle>[1]): ReturnType<Handle> {
    const out = await this.inner.handle(request, options);
    const response = out.response;
    const body = response.body as (Readable & { destroy: (e?: Error) => void }) | undefined;
    const status = response.statusCode;
    if (isRedirectStatus(status)) {
      body?.destroy();
      throw new RedirectRefused(status, response.headers.location, urlOf(request));
    }
    if (declaredTooLarge(response.headers['content-length'], this.maxBytes)) {
      body?.destroy();
      throw new ResponseTooLarge(this.maxBytes);
    }
    if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      response.body = Readable.from([await readCapped(body, this.maxBytes)]);
    }
    return out;
  }

  updateHttpClientConfig(...args: Parameters<NodeHttpHandler['updateHttpClientConfig']>): void {
    this.inner.updateHttpClientConfig(...args);
  }

  httpHandlerConfigs(): ReturnType<NodeHttpHandler['httpHandlerConfigs']> {
    return this.inner.httpHandlerConfigs();
  }

  destroy(): void {
    this.inner.destroy();
  }
}
