/**
 * A test guard against connections leaving the machine: while installed, `net.Socket#connect` to
 * anything but a loopback address is blocked (the socket is destroyed with an EHOSTUNREACH error on
 * the next tick, once the caller has attached its 'error' listener) and the host is recorded in
 * `violations`, which the test asserts empty (or as expected).
 *
 * Usage: `const guard = new NetworkGuard(); before(() => guard.install()); after(() => guard.uninstall());`
 */
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1', 'localhost']);

export interface NetworkGuardOptions {
  /** Let Unix-domain / named-pipe connections through (default true); false blocks them as `unix:<path>`. */
  allowUnixSockets?: boolean;
}

/**
 * Where a `Socket#connect` call goes: a host name, or `unix:<path>` for a local socket. Its
 * arguments are `(options[, cb])`, `(port[, host][, cb])`, `(path[, cb])`, or net's internal
 * normalized `[options, cb]` array.
 */
export function connectTarget(args: unknown[]): string {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; path?: unknown };
    if (typeof o.path === 'string' && o.path !== '') return `unix:${o.path}`;
    return typeof o.host === 'string' ? o.host : 'localhost';
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) return typeof args[1] === 'string' ? args[1] : 'localhost';
  return typeof first === 'string' ? `unix:${first}` : 'unknown';
}

export class NetworkGuard {
  /** Hosts of the blocked connections, in order. */
  readonly violations: string[] = [];
  private original: typeof net.Socket.prototype.connect | undefined;

  constructor(private readonly options: NetworkGuardOptions = {}) {}

  install(): void {
    if (this.original) return;
    const original = (this.original = net.Socket.prototype.connect);
    const violations = this.violations;
    const allowUnix = this.options.allowUnixSockets ?? true;
    net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
      const target = connectTarget(args);
      const allowed = LOOPBACK.has(target) || (allowUnix && target.startsWith('unix:'));
      if (!allowed) {
        violations.push(target);
        process.nextTick(() => this.destroy(Object.assign(new Error(`test guard: blocked connection to ${target} (not loopback)`), { code: 'EHOSTUNREACH' })));
        return this;
      }
      return (original as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof net.Socket.prototype.connect;
  }

  uninstall(): void {
    if (!this.original) return;
    net.Socket.prototype.connect = this.original;
    this.original = undefined;
  }
}
