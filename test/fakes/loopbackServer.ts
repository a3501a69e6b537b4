/**
 * Scaffolding shared by the loopback fakes (FakeVault, AwsFake, AzureFake, GcpFake): each is a real
 * HTTP(S) server bound to 127.0.0.1 only, with a fault switch, a request log and a movable clock.
 * What differs between them — routing, wire formats, error bodies — stays in each fake.
 *
 * - {@link LoopbackServer}: binds 127.0.0.1 (rejecting any other host), tracks sockets, and stops
 *   by destroying every connection, including hanging and kept-alive ones.
 * - {@link FaultSwitch}: the `faults.set / clear / current / ready` API, with `times` (self-clearing)
 *   and `skip` (let the first N matching requests through) handled in {@link FaultSwitch.take}.
 * - {@link TransportFault}: faults of the connection rather than of a request, the same for every
 *   fake (`refused`, `tls`), applied by {@link LoopbackFake} to its {@link LoopbackServer}.
 * - {@link LoopbackFake}: base class of the fakes: `port`, `stop()`, `requests`, `countRequests()`,
 *   `resetCounts()`, `advanceTime()` and the faults switch.
 * - {@link readRequestBody}, {@link sleep}: request plumbing.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { generateSelfSignedCert } from './vault/selfSignedCert';

export const LOOPBACK_HOST = '127.0.0.1';

/** A timer that does not keep the process alive. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export interface LoopbackServerOptions {
  /** The fake's name, for error messages (`<name> only binds to 127.0.0.1`). */
  name: string;
  /** Only `127.0.0.1` is accepted; anything else makes start() reject. */
  host?: string;
  /** Port to listen on (default 0: any free port). */
  port?: number;
  /** Serve HTTPS with this key pair (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Handler of the server's `clientError` event (default: Node's). */
  onClientError?: (err: Error, socket: Socket) => void;
}

type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An HTTP(S) server on 127.0.0.1 that knows its sockets, so stop() never waits on a hanging one. */
export class LoopbackServer {
  readonly port: number;
  /** `http(s)://127.0.0.1:<port>`. */
  readonly url: string;
  private stopped = false;
  private listening = true;

  private constructor(
    private readonly server: http.Server,
    private readonly sockets: Set<Socket>,
    port: number,
    private readonly tls: LoopbackServerOptions['tls'],
    private readonly name: string,
  ) {
    this.port = port;
    this.url = `${tls ? 'https' : 'http'}://${LOOPBACK_HOST}:${port}`;
  }

  static async start(options: LoopbackServerOptions, onRequest: RequestHandler): Promise<LoopbackServer> {
    const host = options.host ?? LOOPBACK_HOST;
    if (host !== LOOPBACK_HOST) throw new Error(`${options.name} only binds to ${LOOPBACK_HOST} (asked for ${host})`);
    const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : http.createServer(onRequest);
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    if (options.onClientError) server.on('clientError', options.onClientError);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address() as AddressInfo;
    if (addr.address !== LOOPBACK_HOST) {
      server.close();
      throw new Error(`${options.name} bound to ${addr.address}, expected ${LOOPBACK_HOST}`);
    }
    return new LoopbackServer(server, sockets, addr.port, options.tls, options.name);
  }

  /** Closes the server and destroys every connection, including hanging and kept-alive ones. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.listening) return; // paused: closed already
    await this.close();
  }

  /** Stops listening and cuts every connection: connecting is refused (ECONNREFUSED) until resume(). */
  async pause(): Promise<void> {
    if (this.stopped || !this.listening) return;
    this.listening = false;
    await this.close();
  }

  /** Listens again on the same port after pause(). */
  async resume(): Promise<void> {
    if (this.stopped || this.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, LOOPBACK_HOST, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listening = true;
  }

  /**
   * HTTPS only: presents a self-signed certificate for 127.0.0.1 that no client trusts (`untrusted`
   * true) or the server's own again, and cuts every connection so that kept-alive ones do not carry
   * on with the previous certificate.
   */
  presentUntrustedCertificate(untrusted: boolean): void {
    if (!this.tls) throw new Error(`${this.name} serves plain HTTP: start it with \`tls\` to present an untrusted certificate`);
    const pair = untrusted ? untrustedPair() : this.tls;
    (this.server as https.Server).setSecureContext({ key: pair.key, cert: pair.cert });
    this.cutConnections();
  }

  private async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.cutConnections();
    await closed;
  }

  private cutConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.server.closeAllConnections?.();
  }
}

let untrusted: { key: string; cert: string } | undefined;

/** A self-signed key pair for 127.0.0.1 made for nobody to trust (made once per process). */
function untrustedPair(): { key: string; cert: string } {
  untrusted ??= generateSelfSignedCert();
  if (!untrusted) throw new Error('the openssl CLI is needed to make an untrusted certificate');
  return untrusted;
}

/**
 * Faults of the connection rather than of a request, understood by every fake:
 * - `refused`: the fake stops listening and cuts every connection, so connecting fails with
 *   ECONNREFUSED (a closed port); clearing it listens again on the same port.
 * - `tls`: an HTTPS fake presents a self-signed certificate that no client trusts instead of its
 *   own (and cuts open connections); clearing it presents its own again.
 * No request reaches the fake's handler through them, so `times`, `skip` and request filters
 * (path, operation) do not apply. They take effect once `faults.ready()` has resolved.
 */
export type TransportFault = { kind: 'refused' } | { kind: 'tls' };
type TransportKind = TransportFault['kind'];

function transportKindOf(fault: unknown): TransportKind | undefined {
  const kind = (fault as { kind?: unknown } | undefined)?.kind;
  return kind === 'refused' || kind === 'tls' ? kind : undefined;
}

/** What every fake's fault shares: a self-clearing count and (optionally) a number to let through. */
export interface FaultLimits {
  /** Only the next N matching requests are affected, then the fault clears itself. */
  times?: number;
  /** Let the first N matching requests through. */
  skip?: number;
}

/**
 * The `faults` switch of a fake: one fault at a time, applied to the requests it matches, or, for
 * a {@link TransportFault}, to the connections (see `onChange`).
 */
export class FaultSwitch<F extends FaultLimits> {
  private fault: F | undefined;
  private transition: Promise<void> = Promise.resolve();
  private transitionError: unknown;

  /** `onChange`: applies the fault now installed (transport faults); its work is awaited by ready(). */
  constructor(private readonly onChange?: (fault: F | undefined) => Promise<void>) {}

  /** Installs a copy of `fault` (its `times` / `skip` count down on the copy); undefined clears. */
  set(fault: F | undefined): void {
    this.fault = fault ? { ...fault } : undefined;
    this.changed();
  }

  clear(): void {
    this.fault = undefined;
    this.changed();
  }

  get current(): F | undefined {
    return this.fault;
  }

  /** Resolves once the latest set() / clear() has taken effect on the connections (transport faults). */
  async ready(): Promise<void> {
    await this.transition;
    const error = this.transitionError;
    this.transitionError = undefined;
    if (error !== undefined) throw error;
  }

  private changed(): void {
    const onChange = this.onChange;
    if (!onChange) return;
    const fault = this.fault;
    this.transition = this.transition
      .then(() => onChange(fault))
      .catch((e: unknown) => {
        this.transitionError = e;
      });
  }

  /**
   * The fault to apply to a request, if it `matches` it: counts `skip` down first (nothing applies
   * meanwhile), then `times` (clearing the switch when it reaches 0).
   */
  take(matches: (fault: F) => boolean): F | undefined {
    const fault = this.fault;
    if (!fault || transportKindOf(fault) !== undefined || !matches(fault)) return undefined;
    if (fault.skip !== undefined && fault.skip > 0) {
      fault.skip -= 1;
      return undefined;
    }
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.fault = undefined;
    }
    return fault;
  }
}

/** Base of the loopback fakes: the server's lifetime, the request log, faults and the clock. */
export abstract class LoopbackFake<R, F extends FaultLimits> {
  readonly port: number;
  /** Every request received, in order (kept until resetCounts()). */
  readonly requests: R[] = [];
  /** Request faults, and the {@link TransportFault}s `refused` and `tls` (await `faults.ready()`). */
  readonly faults = new FaultSwitch<F>((fault) => this.applyTransport(transportKindOf(fault)));
  private clockOffsetMs = 0;
  private transport: TransportKind | undefined;

  protected constructor(protected readonly loopback: LoopbackServer) {
    this.port = loopback.port;
  }

  /** Closes the server and destroys every connection, including hanging ones. */
  stop(): Promise<void> {
    return this.loopback.stop();
  }

  /** Moves the fake's clock forward (timestamps, token and secret expiry). */
  advanceTime(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  /** Puts the server in the state a transport fault asks for (undefined: healthy). */
  private async applyTransport(want: TransportKind | undefined): Promise<void> {
    if (want === this.transport) return;
    if (this.transport === 'refused') await this.loopback.resume();
    if (this.transport === 'tls') this.loopback.presentUntrustedCertificate(false);
    this.transport = undefined;
    if (want === 'refused') await this.loopback.pause();
    if (want === 'tls') this.loopback.presentUntrustedCertificate(true);
    this.transport = want;
  }

  countRequests(predicate: (r: R) => boolean = () => true): number {
    return this.requests.filter(predicate).length;
  }

  resetCounts(): void {
    this.requests.length = 0;
  }

  /** The fake's clock, in epoch milliseconds. */
  protected nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  protected now(): Date {
    return new Date(this.nowMs());
  }
}

/**
 * Reads a request body of at most `maxBytes`; past that, calls `onTooLarge` (which answers 413)
 * and resolves undefined, as it does when the client goes away.
 */
export async function readRequestBody(req: http.IncomingMessage, maxBytes: number, onTooLarge: () => void): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        onTooLarge();
        return undefined;
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    return undefined; // client went away
  }
  return Buffer.concat(chunks);
}

/**
 * Transport faults of a hostile or broken server that every fake can play, besides its own:
 * - {@link RedirectFault}: a 3xx with a `Location` (e.g. to a loopback attacker), the way a
 *   misconfigured proxy or a hostile server answers; the client must not follow it with a credential.
 * - {@link HugeBodyFault}: an answer whose body is `bytes` long, streamed in chunks as the client
 *   reads them (never held in the fake's memory), with or without a Content-Length header.
 * - {@link EndlessPagesFault}: each fake answers its listings with a well-formed page and a new,
 *   never-seen page token or link every time, so a client that follows tokens never stops.
 */
export interface RedirectFault {
  kind: 'redirect';
  status: 301 | 302 | 303 | 307 | 308;
  location: string;
}
export interface HugeBodyFault {
  kind: 'huge';
  /** Length of the body (e.g. 1 GiB). */
  bytes: number;
  /** HTTP status (default 200). */
  status?: number;
  /** Send a Content-Length header (default false: chunked, so only counting while reading tells). */
  declareLength?: boolean;
}
export interface EndlessPagesFault {
  kind: 'endlessPages';
}

/** Answers with the redirect `fault` (an empty body). */
export function sendRedirect(res: http.ServerResponse, fault: RedirectFault): void {
  if (res.destroyed) return;
  res.writeHead(fault.status, { Location: fault.location, 'Content-Length': '0' });
  res.end();
}

const FILL_CHUNK = Buffer.alloc(64 * 1024, 0x20);

/**
 * Streams a body of `fault.bytes` bytes: `prefix` (e.g. the start of a JSON document the client
 * expects), then spaces. Writes wait for the socket to drain, so the fake holds one chunk at a time,
 * and stop as soon as the client goes away.
 */
export async function sendHugeBody(res: http.ServerResponse, fault: HugeBodyFault, contentType: string, prefix = ''): Promise<void> {
  if (res.destroyed) return;
  const head = Buffer.from(prefix, 'utf8');
  res.writeHead(fault.status ?? 200, {
    'Content-Type': contentType,
    ...(fault.declareLength ? { 'Content-Length': String(Math.max(fault.bytes, head.length)) } : {}),
  });
  let left = Math.max(fault.bytes - head.length, 0);
  if (!res.write(head)) await drained(res);
  while (left > 0 && !res.destroyed) {
    const chunk = left >= FILL_CHUNK.length ? FILL_CHUNK : FILL_CHUNK.subarray(0, left);
    left -= chunk.length;
    if (!res.write(chunk)) await drained(res);
  }
  if (!res.destroyed) res.end();
}

/** Resolves when `res` can take more data, or has closed. */
function drained(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
