/**
 * A loopback "attacker": an HTTP(S) server that a hostile repository or secret manager points the
 * product at. It answers what a test tells it to (by default 200 `{}`), records every request, and
 * counts the credentials it received, so a security test ends with `credentialsReceived() === 0`.
 *
 * A credential is recognised two ways:
 * - by the canaries the test planted (a token, a secret id, an AWS secret key, a private key…):
 *   any occurrence in the request line, a header or the body;
 * - by shape, whatever the value: the headers that carry credentials to each provider
 *   (`X-Vault-Token`, `Authorization`, AWS SigV4's `X-Amz-Security-Token`), and an AppRole login
 *   body (`role_id` / `secret_id`).
 *
 * A request Node's HTTP parser refuses (Vault's `LIST` verb is not in its method table) is
 * recorded from the bytes that arrived, and answered 400.
 */
import type http from 'node:http';
import type { Socket } from 'node:net';
import { LoopbackServer, readRequestBody } from '../fakes/loopbackServer';

export interface AttackerRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface AttackerReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Answers a request; the default answers 200 `{}` (JSON). */
export type AttackerResponder = (req: AttackerRequest) => AttackerReply | Promise<AttackerReply>;

const credentialHeaders = ['x-vault-token', 'authorization', 'x-amz-security-token', 'proxy-authorization'];

export class Attacker {
  readonly requests: AttackerRequest[] = [];
  private responder: AttackerResponder = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' });

  private constructor(
    private readonly server: LoopbackServer,
    private readonly canaries: string[],
  ) {}

  /** `canaries`: credential values the test planted; any occurrence counts as received. */
  static async start(options: { canaries?: string[]; tls?: { key: string | Buffer; cert: string | Buffer } } = {}): Promise<Attacker> {
    let self: Attacker | undefined;
    const server = await LoopbackServer.start(
      { name: 'attacker', ...(options.tls ? { tls: options.tls } : {}), onClientError: (err, socket) => self?.recordUnparsed(err, socket) },
      (req, res) => {
        void self!.handle(req, res);
      },
    );
    self = new Attacker(server, (options.canaries ?? []).filter((c) => c !== ''));
    return self;
  }

  /** `http(s)://127.0.0.1:<port>`. */
  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  /** Sets how the attacker answers from now on. */
  respond(responder: AttackerResponder): void {
    this.responder = responder;
  }

  /** Requests that carried a credential: a planted canary anywhere, or a credential header or body. */
  credentialRequests(): AttackerRequest[] {
    return this.requests.filter((r) => this.carriesCredential(r));
  }

  credentialsReceived(): number {
    return this.credentialRequests().length;
  }

  /** Which planted canaries arrived, anywhere in any request. */
  canariesReceived(): string[] {
    return this.canaries.filter((c) => this.requests.some((r) => serialize(r).includes(c)));
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private carriesCredential(r: AttackerRequest): boolean {
    const text = serialize(r);
    if (this.canaries.some((c) => text.includes(c))) return true;
    if (credentialHeaders.some((h) => r.headers[h] !== undefined)) return true;
    return /"(role_id|secret_id)"\s*:/.test(r.body);
  }

  /** A request the HTTP parser refused: recorded from its first bytes (request line, headers, body start). */
  private recordUnparsed(err: Error, socket: Socket): void {
    const raw = (err as Error & { rawPacket?: Buffer }).rawPacket;
    if (raw && raw.length > 0) {
      const text = raw.toString('latin1');
      const headEnd = text.indexOf('\r\n\r\n');
      const lines = (headEnd < 0 ? text : text.slice(0, headEnd)).split('\r\n');
      const [method = '', url = ''] = (lines.shift() ?? '').split(' ');
      const headers: http.IncomingHttpHeaders = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      this.requests.push({ method, url, headers, body: headEnd < 0 ? '' : text.slice(headEnd + 4) });
    }
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readRequestBody(req, 1024 * 1024, () => {
      res.writeHead(413).end();
    });
    if (body === undefined) return;
    const request: AttackerRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString('utf8') };
    this.requests.push(request);
    let reply: AttackerReply;
    try {
      reply = await this.responder(request);
    } catch {
      reply = { status: 500 };
    }
    if (res.destroyed) return;
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(reply.body ?? '');
  }
}

function serialize(r: AttackerRequest): string {
  return `${r.method} ${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`;
}
