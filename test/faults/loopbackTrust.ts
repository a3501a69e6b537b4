/**
 * Trust for a test certificate where the product has no CA option of its own: the AWS and GCP
 * SDKs trust the machine's store, which a user extends with NODE_EXTRA_CA_CERTS (read once, at
 * process start, so a test cannot set it for itself). While installed, `tls.connect` calls to
 * 127.0.0.1 on one of `ports` that name no `ca` of their own get `ca: cert`, as if the
 * certificate were in the store. Every other connection is left alone, including those of clients
 * that pass their own `ca` (HashiCorp's `ca_certificate`, Azure's testing option).
 *
 * Usage: `const trust = new LoopbackTrust(pair.cert); trust.install(); trust.allow(fake.port); ... trust.uninstall();`
 */
import tls from 'node:tls';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export class LoopbackTrust {
  private original: typeof tls.connect | undefined;
  /** Connections that were given the certificate (a test can assert the trust was used). */
  trusted = 0;

  private readonly ports = new Set<number>();

  constructor(private readonly cert: string) {}

  /** Trusts the certificate for connections to 127.0.0.1:`port`. */
  allow(port: number): void {
    this.ports.add(port);
  }

  install(): void {
    if (this.original) return;
    const original = (this.original = tls.connect);
    const { cert, ports } = this;
    const self = this;
    tls.connect = function trustingConnect(this: unknown, ...args: unknown[]) {
      const first = args[0];
      if (typeof first === 'object' && first !== null) {
        const o = first as tls.ConnectionOptions;
        const port = Number(o.port);
        if (o.ca === undefined && LOOPBACK.has(o.host ?? 'localhost') && ports.has(port)) {
          self.trusted++;
          args[0] = { ...o, ca: cert };
        }
      }
      return (original as (...a: unknown[]) => tls.TLSSocket).apply(this, args);
    } as typeof tls.connect;
  }

  uninstall(): void {
    if (!this.original) return;
    tls.connect = this.original;
    this.original = undefined;
  }
}
