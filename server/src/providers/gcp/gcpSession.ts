/**
 * The connection to Secret Manager for one vault: a `SecretManagerServiceClient` loaded lazily on
 * first use, over the REST transport (`fallback: true`), and every call bounded in time.
 *
 * Transport: with `fallback: true` google-gax sends each RPC as JSON over HTTP/1.1 through the auth
 * client's `fetch(url, init)` (see google-gax build/src/fallbackServiceStub.js). The auth client is
 * the SDK's own GoogleAuth (service account key JSON passed as `credentials`, or Application
 * Default Credentials), or `testing.authClient`: any object with `getRequestHeaders()` (which the
 * SDK checks for) and `fetch(url, init)` (which it calls).
 *
 * Time bounds: in fallback mode gax passes its per-call `timeout` as a gRPC deadline that the REST
 * stub ignores, and the SDK's retry settings for AccessSecretVersion retry 429/503 for up to 600 s.
 * So every call goes with `retry: null`, the auth client's HTTP transport (gaxios) gets
 * `timeout: timeoutMs` (an abort signal per request), and the provider races each call against its
 * own deadline of timeoutMs + 500 ms (which also covers credential discovery). Idempotent reads are
 * tried once more after a stale-connection reset or a 503 that came back within timeoutMs, so the
 * worst case stays under 2 × timeoutMs + 1 s.
 *
 * Credentials (auth.ts): the auth client is built here and handed to the SDK as `authClient`. A
 * service account key signs a self-signed JWT (no token endpoint is contacted), for Google's own
 * endpoints as the SDK would, and for any other endpoint with that endpoint as its only audience;
 * credentials that only give an OAuth access token are not sent to an endpoint that is not Google's.
 * Every request goes through boundedFetch (transport.ts): no redirect is followed, no body over
 * MAX_RESPONSE_BYTES is read. Logging of google-gax / google-auth-library (GOOGLE_SDK_NODE_LOGGING,
 * which would print request and response bodies, secret payloads included, to stderr or stdout)
 * is switched off when the SDK is loaded.
 */
import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { findTransportRefusal, refusalError } from '../responseLimits';
import { ProviderError } from '../secretProvider';
import { RetryingLazy, withDeadline } from '../sessionHelpers';
import { type SdkAuthClient, createAuthClient } from './auth';
import { DeadlineError, type GcpFailure, isTransient, toFailure } from './errors';

export type GcpCredential =
  | { kind: 'service-account'; /** The key JSON (kept in the editor's secret storage). */ json: string }
  | { kind: 'adc' };

export interface GcpTesting {
  /** Used as the SDK's `authClient` instead of GoogleAuth (tests). */
  authClient?: unknown;
  protocol?: 'http';
  port?: number;
}

export interface GcpSessionOptions {
  vaultName: string;
  /** The vault's project (given to the auth library, which would otherwise look one up). */
  project?: string;
  /** host[:port] or an https URL; default: the SDK's (secretmanager.googleapis.com). */
  endpoint?: string;
  timeoutMs: number;
  credential: GcpCredential;
  testing?: GcpTesting;
}

export type SmClient = SecretManagerServiceClient;

/** Options passed with every call. */
export interface CallOpts {
  timeout: number;
  retry: null;
  autoPaginate?: boolean;
}

export interface GcpCall<T> {
  /** The resource of the call, for messages, e.g. `projects/p/secrets/s`. */
  resource: string;
  /** The IAM permission the call needs. */
  permission: string;
  /** Safe to send twice (reads). */
  idempotent: boolean;
  run: (client: SmClient, options: CallOpts) => Promise<T>;
}

export type CallResult<T> = { ok: true; value: T } | { ok: false; failure: GcpFailure; resource: string; permission: string };

/** The SDK's default endpoint, for messages. */
const DEFAULT_HOST = 'secretmanager.googleapis.com';
const DEADLINE_MARGIN_MS = 500;
const deadlineError = (): Error => new DeadlineError();

interface Endpoint {
  /** undefined = the SDK's default. */
  host: string | undefined;
  port: number | undefined;
  protocol: 'https' | 'http';
}

function parseEndpoint(endpoint: string | undefined, testing: GcpTesting): Endpoint {
  const raw = (endpoint ?? '').trim();
  let host: string | undefined;
  let port: number | undefined;
  if (raw !== '') {
    const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
    const url = new URL(hasScheme ? raw : `https://${raw}`);
    const allowed = testing.protocol === 'http' ? ['https:', 'http:'] : ['https:'];
    if (!allowed.includes(url.protocol)) throw new Error('scheme');
    if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new Error('extra');
    host = url.hostname;
    if (host === '') throw new Error('host');
    if (url.port !== '') port = Number(url.port);
  }
  if (testing.port !== undefined) port = testing.port;
  return { host, port, protocol: testing.protocol === 'http' ? 'http' : 'https' };
}

/** String values of a key JSON that must never appear in a message. */
function keySecrets(json: unknown): string[] {
  if (typeof json !== 'object' || json === null) return [];
  const out: string[] = [];
  for (const field of ['private_key', 'private_key_id', 'client_secret', 'refresh_token']) {
    const v = (json as Record<string, unknown>)[field];
    if (typeof v === 'string' && v !== '') {
      out.push(v);
      // A PEM key may be quoted by its body lines too.
      if (field === 'private_key') for (const line of v.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) out.push(line);
    }
  }
  return out;
}

export class GcpSession {
  readonly vaultName: string;
  readonly timeoutMs: number;
  /** host[:port] for messages. */
  readonly origin: string;
  private readonly project: string | undefined;
  private readonly endpoint: Endpoint | undefined;
  private readonly configError: ProviderError | undefined;
  private readonly credentials: Record<string, unknown> | undefined;
  private readonly credentialKind: GcpCredential['kind'];
  private readonly testing: GcpTesting;
  private readonly secrets: string[];
  private readonly lazyClient = new RetryingLazy(() => this.createClient());
  private disposed = false;

  constructor(options: GcpSessionOptions) {
    this.vaultName = options.vaultName;
    this.project = options.project;
    this.timeoutMs = Number.isFinite(options.timeoutMs) && options.timeoutMs > 0 ? Math.round(options.timeoutMs) : 10_000;
    this.testing = options.testing ?? {};
    this.credentialKind = options.credential?.kind;
    let configError: ProviderError | undefined;
    let endpoint: Endpoint | undefined;
    try {
      endpoint = parseEndpoint(options.endpoint, this.testing);
    } catch {
      configError = new ProviderError(
        'invalid-request',
        `The endpoint of vault "${options.vaultName}" must be a host name, host:port or an https URL without a path.`,
      );
    }
    let credentials: Record<string, unknown> | undefined;
    let secrets: string[] = [];
    const cred = options.credential;
    if (cred?.kind === 'service-account') {
      try {
        const parsed: unknown = JSON.parse(cred.json);
        secrets = keySecrets(parsed);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as Record<string, unknown>).type !== 'string') {
          throw new Error('shape');
        }
        credentials = parsed as Record<string, unknown>;
      } catch {
        configError ??= new ProviderError('unauthenticated', `The service account key of vault "${options.vaultName}" is not a Google Cloud key JSON.`);
      }
      if (typeof cred.json === 'string' && cred.json.length >= 8) secrets.push(cred.json);
    } else if (cred?.kind !== 'adc') {
      configError ??= new ProviderError('unauthenticated', `No credentials are configured for vault "${options.vaultName}".`);
    }
    this.endpoint = endpoint;
    this.configError = configError;
    this.credentials = credentials;
    this.secrets = secrets;
    const port = endpoint?.port;
    const host = endpoint?.host ?? DEFAULT_HOST;
    const shownHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    this.origin = port !== undefined && !(endpoint?.protocol === 'https' && port === 443) ? `${shownHost}:${port}` : shownHost;
  }

  /** Credentials held by this session (for last-resort redaction of messages). */
  get sensitiveStrings(): string[] {
    return [...this.secrets];
  }

  /** Runs one call (with one more try for an idempotent read after a transient failure). */
  async call<T>(req: GcpCall<T>): Promise<CallResult<T>> {
    let client: SmClient;
    try {
      client = await this.getClient();
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      this.throwIfRefused(e, req.resource);
      return { ok: false, failure: toFailure(e), resource: req.resource, permission: req.permission };
    }
    const started = Date.now();
    let result = await this.once(client, req);
    if (!result.ok && req.idempotent && isTransient(result.failure) && Date.now() - started < this.timeoutMs) {
      this.checkUsable();
      result = await this.once(client, req);
    }
    return result;
  }

  /**
   * Drops the client. `close()` is not called: the REST stub holds nothing to release (its
   * keep-alive agent is shared by the SDK module), and close() initializes a locations client whose
   * failure would surface as an unhandled rejection.
   */
  dispose(): void {
    this.disposed = true;
    this.lazyClient.reset();
  }

  // ------------------------------------------------------------------ internals

  private checkUsable(): void {
    if (this.disposed) throw new ProviderError('invalid-request', `The provider of vault "${this.vaultName}" was disposed.`);
    if (this.configError) throw this.configError;
  }

  private getClient(): Promise<SmClient> {
    this.checkUsable();
    return this.lazyClient.get();
  }

  private async createClient(): Promise<SmClient> {
    let Client: typeof SecretManagerServiceClient;
    try {
      const mod = (await import('@google-cloud/secret-manager')) as unknown as {
        SecretManagerServiceClient?: typeof SecretManagerServiceClient;
        default?: { SecretManagerServiceClient?: typeof SecretManagerServiceClient };
      };
      const found = mod.SecretManagerServiceClient ?? mod.default?.SecretManagerServiceClient;
      if (!found) throw new Error('missing export');
      Client = found;
    } catch {
      throw new ProviderError('unreachable', `The Secret Manager client library could not be loaded for vault "${this.vaultName}".`, {
        cause: 'client library unavailable',
      });
    }
    await silenceSdkLogging();
    this.checkUsable();
    const ep = this.endpoint!;
    const authClient: unknown = this.testing.authClient ?? (await withDeadline(this.createAuth(ep), this.timeoutMs + DEADLINE_MARGIN_MS, deadlineError));
    this.checkUsable();
    const auth = { authClient };
    const options = {
      fallback: true,
      ...(ep.host !== undefined ? { apiEndpoint: ep.host } : {}),
      ...(ep.port !== undefined ? { port: ep.port } : {}),
      ...(ep.protocol === 'http' ? { protocol: 'http' } : {}),
      ...auth,
    };
    const client = new Client(options as ConstructorParameters<typeof SecretManagerServiceClient>[0]);
    // Each SDK method starts with `this.initialize().catch(err => { throw err; })`, a floating
    // promise: if creating the stub (getting the auth client) fails, every call would also raise an
    // unhandledRejection. So the stub is created here first, and a client whose stub failed is
    // dropped (the next call builds a new one) and never used.
    await withDeadline(client.initialize(), this.timeoutMs + DEADLINE_MARGIN_MS, deadlineError);
    this.checkUsable();
    return client;
  }

  /** The auth client (auth.ts); its gaxios instances get the per-request timeout and the bounded fetch. */
  private createAuth(ep: Endpoint): Promise<SdkAuthClient> {
    return createAuthClient({
      credentials: this.credentialKind === 'service-account' ? this.credentials : undefined,
      projectId: this.project,
      endpoint: ep,
      timeoutMs: this.timeoutMs,
      unboundCredential: (type) =>
        new ProviderError(
          'invalid-request',
          `Vault "${this.vaultName}": ${this.origin} is not a Google endpoint, and the Application Default Credentials (${type}) give an OAuth access token that every Google API accepts, so none is sent there. Use a service account key for this vault (its token is bound to the endpoint), or Google's endpoint.`,
        ),
    });
  }

  private async once<T>(client: SmClient, req: GcpCall<T>): Promise<CallResult<T>> {
    this.checkUsable();
    try {
      const value = await withDeadline(req.run(client, { timeout: this.timeoutMs, retry: null }), this.timeoutMs + DEADLINE_MARGIN_MS, deadlineError);
      return { ok: true, value };
    } catch (e) {
      if (e instanceof ProviderError) throw e;
      this.throwIfRefused(e, req.resource);
      return { ok: false, failure: toFailure(e), resource: req.resource, permission: req.permission };
    }
  }

  /** A redirect or an oversized answer (transport.ts) becomes an `unreachable` error naming it. */
  private throwIfRefused(e: unknown, resource: string): void {
    const refusal = findTransportRefusal(e);
    if (!refusal) return;
    let who = `Vault "${this.vaultName}": Secret Manager (${this.origin})`;
    try {
      const url = refusal.requestUrl !== undefined ? new URL(refusal.requestUrl) : undefined;
      if (url && !url.pathname.startsWith('/v1/')) who = `Vault "${this.vaultName}": the Google token endpoint (${url.origin})`;
    } catch {
      // keep Secret Manager
    }
    throw refusalError(refusal, who, resource);
  }
}

let loggingSilenced: Promise<void> | undefined;

/** Turns off google-logging-utils output (it would print payloads when GOOGLE_SDK_NODE_LOGGING is set). */
function silenceSdkLogging(): Promise<void> {
  loggingSilenced ??= (async () => {
    try {
      const gax = (await import('google-gax')) as unknown as { loggingUtils?: { setBackend?: (b: null) => void } };
      gax.loggingUtils?.setBackend?.(null);
    } catch {
      // google-gax always comes with the SDK; without it there is nothing to silence.
    }
  })();
  return loggingSilenced;
}
