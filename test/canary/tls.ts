/**
 * TLS for the loopback fakes when a product process is spawned without test hooks: a throwaway
 * self-signed certificate (openssl CLI) for 127.0.0.1 and the given host names, trusted by the
 * spawned processes through NODE_EXTRA_CA_CERTS, and a TLS-terminating forwarder for fakes that
 * only speak plain HTTP (GcpFake). The forwarder keeps what the fake answered, so tokens a fake
 * issues can be added to the needles.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';

export interface CertificatePair {
  key: string;
  cert: string;
  certFile: string;
}

/** Writes key.pem and cert.pem into `dir` (a folder the test owns) and returns them. */
export function makeCertificate(dir: string, hostNames: string[]): CertificatePair {
  const keyFile = join(dir, 'tls-key.pem');
  const certFile = join(dir, 'tls-cert.pem');
  const san = ['IP:127.0.0.1', ...hostNames.map((h) => `DNS:${h}`)].join(',');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', `subjectAltName=${san}`,
    ],
    { stdio: 'ignore', timeout: 10_000 },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/**
 * A forwarder on 127.0.0.1 to a plain TCP port, speaking TLS itself when given a certificate;
 * records every byte the upstream answered.
 */
export class Forwarder {
  readonly answered: Buffer[] = [];
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly pair?: CertificatePair,
  ) {}

  /** `https://127.0.0.1:<port>` with a certificate, else `http://…`. */
  get origin(): string {
    return `${this.pair ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const onClient = (client: net.Socket) => {
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      upstream.on('data', (chunk: Buffer) => this.answered.push(chunk));
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    };
    const server = this.pair ? tls.createServer({ key: this.pair.key, cert: this.pair.cert }, onClient) : net.createServer(onClient);
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Values of `"field":"…"` in recorded HTTP answers (e.g. the tokens an AppRole login issued). */
export function harvestJsonStrings(chunks: readonly Buffer[], field: string): string[] {
  const text = Buffer.concat(chunks).toString('latin1');
  const out = new Set<string>();
  const re = new RegExp(`"${field}"\\s*:\\s*"([^"]{8,})"`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) out.add(m[1]!);
  return [...out];
}
