/**
 * The connection to one Vault: a node-vault client loaded lazily on first use, per-session HTTP(S)
 * agents, and the client token (a configured token, or one obtained by AppRole login and kept in
 * memory only).
 *
 * Isolation from the process environment: node-vault falls back to VAULT_ADDR, VAULT_TOKEN,
 * VAULT_NAMESPACE, VAULT_PREFIX and VAULT_SKIP_VERIFY whenever an option is missing or empty, so the
 * endpoint is always passed, and token, namespace and path prefix are set on the client after it is
 * created (the token travels per request as a header, the client-level token stays unset). Its
 * `debug` hook (which prints request bodies when DEBUG=node-vault) is replaced by a no-op.
 *
 * Requests go through `boundedTransport` (transport.ts): no redirect is followed (so neither the
 * token nor an AppRole login body ever goes to the address a 3xx names), every answer is capped
 * at 4 MiB while it streams in, and each exchange has one deadline.
 *
 * Agents do not keep connections alive: a pooled socket that the server (or a proxy) dropped in the
 * meantime would fail the next request with ECONNRESET, and Vault calls here are infrequent.
 */
import http from 'node:http';
import https from 'node:https';
import type NodeVault from 'node-vault';
import { ProviderError } from '../secretProvider';
import { RetryingLazy, withDeadline } from '../sessionHelpers';
import { type VaultFailure, isInvalidToken, toFailure } from './errors';
import { boundedTransport } from './transport';

export type HashicorpCredential =
  | { kind: 'token'; token: string }
  | { kind: 'approle'; roleId: string; secretId: string; /** Default `approle`. */ mount?: string };

export interface VaultSessionOptions {
  vaultName: string;
  address: string;
  namespace?: string;
  caCertificate?: string;
  tlsSkipVerify?: boolean;
  timeoutMs: number;
  credential: HashicorpCredential;
  /** Called after every successful AppRole login; `first` is false for a re-login. */
  onLogin?: (first: boolean) => void;
}

export interface VaultCall {
  method: 'read' | 'list' | 'write';
  /** API path without `/v1/`, unencoded, e.g. `secret/data/app/db`. */
  apiPath: string;
  query?: Record<string, string | number>;
  body?: Record<string, unknown>;
  /** Accept an empty body (204 No Content) as success. */
  allowEmpty?: boolean;
}

export type CallResult =
  | { ok: true; body: Record<string, unknown> | undefined }
  | { ok: false; failure: VaultFailure; apiPath: string; phase: 'login' | 'request' };

type VaultClient = NodeVault.client;
type VaultFactory = typeof NodeVault;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const trimSlashes = (s: string): string => s.replace(/^\/+|\/+$/g, '');
/** Grace period over the client timeout for the overall deadline of one call. */
const DEADLINE_MARGIN_MS = 1000;
/** What a call that ran past its deadline rejects with: an ETIMEDOUT-coded error (see toFailure). */
const deadlineError = (): Error => Object.assign(new Error('deadline exceeded'), { code: 'ETIMEDOUT' });

/** Percent-encodes each segment of an API path (slashes stay). */
export function encodeApiPath(apiPath: string): string {
  return apiPath
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

export class VaultSession {
  readonly vaultName: string;
  readonly timeoutMs: number;
  /** scheme://host:port, for messages; '' when the address is invalid. */
  readonly origin: string;
  private readonly endpoint: string | undefined;
  private readonly configError: ProviderError | undefined;
  private readonly namespace: string | undefined;
  private readonly credential: HashicorpCredential;
  private readonly loginPath: string | undefined;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly onLogin: ((first: boolean) => void) | undefined;
  private readonly lazyClient = new RetryingLazy(() => this.createClient());
  private token: string | undefined;
  private loginPromise: Promise<CallResult & { token?: string }> | undefined;
  private logins = 0;
  private disposed = false;

  constructor(options: VaultSessionOptions) {
    this.vaultName = options.vaultName;
    this.timeoutMs = Number.isFinite(options.timeoutMs) && options.timeoutMs > 0 ? Math.round(options.timeoutMs) : 10_000;
    this.credential = options.credential;
    this.onLogin = options.onLogin;
    const ns = trimSlashes(options.namespace ?? '');
    this.namespace = ns === '' ? undefined : ns;
    this.loginPath =
      options.credential.kind === 'approle' ? `auth/${trimSlashes(options.credential.mount ?? '') || 'approle'}/login` : undefined;

    let origin = '';
    let endpoint: string | undefined;
    let configError: ProviderError | undefined;
    try {
      const url = new URL(options.address);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      origin = `${url.protocol}//${url.host}`;
      endpoint = options.address.trim().replace(/\/+$/, '');
    } catch {
      configError = new ProviderError('invalid-request', `Vault "${options.vaultName}" has no valid http(s) address.`);
    }
    if (!configError && options.credential.kind === 'token' && options.credential.token === '') {
      configError = new ProviderError('unauthenticated', `No token is configured for Vault "${options.vaultName}".`);
    }
    if (!configError && options.credential.kind === 'approle' && (!options.credential.roleId || !options.credential.secretId)) {
      configError = new ProviderError('unauthenticated', `The AppRole role id or secret id of Vault "${options.vaultName}" is missing.`);
    }
    this.origin = origin;
    this.endpoint = endpoint;
    this.configError = configError;

    this.httpAgent = new http.Agent({ keepAlive: false });
    this.httpsAgent = new https.Agent({
      keepAlive: false,
      rejectUnauthorized: options.tlsSkipVerify !== true,
      ...(options.caCertificate ? { ca: options.caCertificate } : {}),
    });
  }

  /** Credentials held by this session (for last-resort redaction of messages). */
  get sensitiveStrings(): string[] {
    const out: string[] = [];
    if (this.credential.kind === 'token') out.push(this.credential.token);
    else out.push(this.credential.secretId, this.credential.roleId);
    if (this.token) out.push(this.token);
    return out;
  }

  /** Sends one call, logging in first (AppRole) and once more when Vault says the token is invalid. */
  async call(req: VaultCall): Promise<CallResult> {
    const client = await this.client();
    let auth = await this.currentToken(client);
    if (!auth.ok) return auth;
    let result = await this.send(client, req, auth.token);
    if (!result.ok && isInvalidToken(result.failure) && this.credential.kind === 'approle') {
      if (this.token === auth.token) this.token = undefined;
      auth = await this.currentToken(client);
      if (!auth.ok) return auth;
      result = await this.send(client, req, auth.token);
    }
    return result;
  }

  dispose(): void {
    this.disposed = true;
    this.token = undefined;
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  // ------------------------------------------------------------------ internals

  private checkUsable(): void {
    if (this.disposed) throw new ProviderError('invalid-request', `The provider of Vault "${this.vaultName}" was disposed.`);
    if (this.configError) throw this.configError;
  }

  private client(): Promise<VaultClient> {
    this.checkUsable();
    return this.lazyClient.get();
  }

  private async createClient(): Promise<VaultClient> {
    let factory: VaultFactory;
    try {
      const mod = (await import('node-vault')) as unknown as { default?: VaultFactory } & VaultFactory;
      factory = typeof mod.default === 'function' ? mod.default : mod;
    } catch {
      throw new ProviderError('unreachable', `The Vault client library could not be loaded for Vault "${this.vaultName}".`, {
        cause: 'client library unavailable',
      });
    }
    const config: NodeVault.VaultOptions = {
      endpoint: this.endpoint!,
      apiVersion: 'v1',
      debug: () => undefined,
      // Every request goes through the bounded transport: no redirect followed, a size cap on
      // every answer, one deadline per exchange (see transport.ts).
      'request-promise': boundedTransport({ httpAgent: this.httpAgent, httpsAgent: this.httpsAgent, timeoutMs: this.timeoutMs }),
      ...(this.namespace ? { namespace: this.namespace } : {}),
    };
    const client = factory(config);
    // Whatever node-vault picked up from VAULT_* variables is overridden here.
    const mutable = client as unknown as { token: string | undefined; namespace: string | undefined; pathPrefix: string };
    mutable.token = undefined;
    mutable.namespace = this.namespace;
    mutable.pathPrefix = '';
    return client;
  }

  private async currentToken(client: VaultClient): Promise<{ ok: true; token: string } | Extract<CallResult, { ok: false }>> {
    if (this.credential.kind === 'token') return { ok: true, token: this.credential.token };
    if (this.token) return { ok: true, token: this.token };
    if (!this.loginPromise) {
      this.loginPromise = this.login(client).finally(() => {
        this.loginPromise = undefined;
      });
    }
    const r = await this.loginPromise;
    if (!r.ok) return r;
    return { ok: true, token: r.token! };
  }

  private async login(client: VaultClient): Promise<CallResult & { token?: string }> {
    const cred = this.credential as Extract<HashicorpCredential, { kind: 'approle' }>;
    const apiPath = this.loginPath!;
    const r = await this.send(client, { method: 'write', apiPath, body: { role_id: cred.roleId, secret_id: cred.secretId } }, undefined);
    if (!r.ok) return { ...r, phase: 'login' };
    const auth = r.body?.auth;
    const token = isObject(auth) && typeof auth.client_token === 'string' ? auth.client_token : '';
    if (token === '') return { ok: false, failure: { messages: [], badBody: true }, apiPath, phase: 'login' };
    this.checkUsable();
    this.token = token;
    this.logins += 1;
    try {
      this.onLogin?.(this.logins === 1);
    } catch {
      // a listener's failure is not the login's
    }
    return { ok: true, body: undefined, token };
  }

  private async send(client: VaultClient, req: VaultCall, token: string | undefined): Promise<CallResult> {
    this.checkUsable();
    let path = encodeApiPath(req.apiPath);
    if (req.query) {
      const q = Object.entries(req.query)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
      if (q) path += `?${q}`;
    }
    const requestOptions = { headers: token ? { 'X-Vault-Token': token } : {} };
    let body: unknown;
    try {
      const pending: Promise<unknown> =
        req.method === 'read'
          ? client.read(path, requestOptions)
          : req.method === 'list'
            ? client.list(path, requestOptions)
            : client.write(path, req.body ?? {}, requestOptions);
      body = await withDeadline(pending, this.timeoutMs + DEADLINE_MARGIN_MS, deadlineError);
    } catch (e) {
      return { ok: false, failure: toFailure(e), apiPath: req.apiPath, phase: 'request' };
    }
    if (isObject(body)) return { ok: true, body };
    if (req.allowEmpty && (body === '' || body === undefined || body === null)) return { ok: true, body: undefined };
    return { ok: false, failure: { messages: [], badBody: true }, apiPath: req.apiPath, phase: 'request' };
  }
}
