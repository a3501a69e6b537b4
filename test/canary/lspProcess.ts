/**
 * The built language server (dist/server.js --stdio) in a child process, driven by a JSON-RPC
 * client that keeps every raw byte in both directions (what `trace.server: verbose` would show),
 * stderr, every notification, every request the server made and every answer it gave.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export interface LspProcessOptions {
  serverJs: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Node options before the script (e.g. `--require` of the network shim). */
  execArgv?: string[];
  /** Answers the server's requests to the client, by method; unknown methods are answered with null. */
  onRequest?: (method: string, params: unknown) => unknown;
  /** Sees every notification from the server (they are all kept in `notifications` too). */
  onNotification?: (method: string, params: unknown) => void;
}

export interface Exchange {
  method: string;
  params: unknown;
  result?: unknown;
  error?: string;
}

/** `promise`, or a failure naming `what` after `ms`. */
export async function deadline<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export class LspProcess {
  /** Client → server bytes. */
  readonly toServer: Buffer[] = [];
  /** Server → client bytes. */
  readonly fromServer: Buffer[] = [];
  stderr = '';
  readonly notifications: { method: string; params: unknown }[] = [];
  /** Requests the server sent to the client, with what the client answered. */
  readonly serverRequests: Exchange[] = [];
  /** Requests the client sent, with the server's answers. */
  readonly clientRequests: Exchange[] = [];
  readonly connection: MessageConnection;
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly wakers = new Set<() => void>();

  constructor(options: LspProcessOptions) {
    this.child = spawn(process.execPath, [...(options.execArgv ?? []), options.serverJs, '--stdio'], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => (this.stderr += chunk));
    const fromServer = new PassThrough();
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.fromServer.push(chunk);
      fromServer.write(chunk);
    });
    this.child.stdout!.on('end', () => fromServer.end());
    const toServer = new PassThrough();
    toServer.on('data', (chunk: Buffer) => {
      this.toServer.push(Buffer.from(chunk));
      if (this.child.stdin!.writable) this.child.stdin!.write(chunk);
    });
    this.child.stdin!.on('error', () => undefined);
    this.connection = createMessageConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(toServer));
    this.connection.onError(() => undefined);
    this.connection.onNotification((method, params) => {
      this.notifications.push({ method, params });
      options.onNotification?.(method, params);
      for (const wake of this.wakers) wake();
    });
    this.connection.onRequest(async (method, params) => {
      const exchange: Exchange = { method, params };
      this.serverRequests.push(exchange);
      try {
        exchange.result = (await options.onRequest?.(method, params)) ?? null;
      } catch (error) {
        exchange.error = String(error);
        exchange.result = null;
      }
      return exchange.result;
    });
    this.connection.listen();
  }

  /** A request with a deadline; failures (error answers) are recorded and returned as undefined. */
  async request<T>(method: string, params?: unknown, ms = 15_000): Promise<T | undefined> {
    const exchange: Exchange = { method, params };
    this.clientRequests.push(exchange);
    try {
      const result = await deadline(`${method} ${JSON.stringify(params)?.slice(0, 120)}`, this.connection.sendRequest<T>(method, params), ms);
      exchange.result = result;
      return result;
    } catch (error) {
      exchange.error = error instanceof Error ? error.message : String(error);
      if (/timed out/.test(exchange.error)) throw error;
      return undefined;
    }
  }

  /** A request whose failure (an error answer or no answer in time) rejects, as a language client's does. */
  async call<T>(method: string, params?: unknown, ms = 15_000): Promise<T> {
    const exchange: Exchange = { method, params };
    this.clientRequests.push(exchange);
    try {
      const result = await deadline(method, this.connection.sendRequest<T>(method, params), ms);
      exchange.result = result;
      return result;
    } catch (error) {
      exchange.error = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  notify(method: string, params?: unknown): void {
    void this.connection.sendNotification(method, params);
  }

  /** Resolves once `probe` returns a value, re-checked after each notification and every 50 ms. */
  waitFor<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      let interval: NodeJS.Timeout | undefined;
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        this.wakers.delete(check);
        clearInterval(interval);
        clearTimeout(timer);
      };
      const check = () => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (value !== undefined) {
          done();
          resolve(value);
        }
      };
      timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      interval = setInterval(check, 50);
      this.wakers.add(check);
      check();
    });
  }

  /** shutdown + exit, then waits for the process (killing it if it lingers). */
  async stop(): Promise<void> {
    if (!this.exit) {
      await this.request('shutdown', undefined, 5000).catch(() => undefined);
      this.notify('exit');
      await deadline('server exit', this.exited, 5000).catch(() => {
        this.child.kill();
      });
    }
    await this.exited;
    this.connection.dispose();
  }
}

/** Splits raw LSP bytes into JSON-RPC messages (tolerating a truncated tail). */
export function parseFrames(raw: Buffer): unknown[] {
  const messages: unknown[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const headerEnd = raw.indexOf('\r\n\r\n', offset, 'ascii');
    if (headerEnd === -1) break;
    const m = /content-length: *(\d+)/i.exec(raw.subarray(offset, headerEnd).toString('ascii'));
    if (!m) break;
    const start = headerEnd + 4;
    const end = start + Number(m[1]);
    if (end > raw.length) break;
    messages.push(JSON.parse(raw.subarray(start, end).toString('utf8')));
    offset = end;
  }
  return messages;
}
