/**
 * The connection to one Key Vault: a SecretClient (and, for identity-based credentials, an
 * @azure/identity credential) created lazily on first use, with short retries and every step
 * bounded in time.
 *
 * Time bounds: the deadline policy aborts each logical HTTP request after `timeoutMs` (retries,
 * the 401 challenge and the token request included); `step()` additionally races every awaited SDK
 * step against `2 × timeoutMs`, because MSAL's token requests cannot be aborted from outside.
 * Retries: at most 1, after ~100 ms (5xx, 408, connection errors); 429 is not retried.
 *
 * Transport (policies.ts): no redirect is followed by either client (`redirectOptions.maxRetries`
 * 0, and boundedResponsePolicy refuses every 3xx), no body over MAX_RESPONSE_BYTES is read, and a
 * listing stops at its page cap and deadline (listing.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { SecretClient, SecretClientOptions } from '@azure/keyvault-secrets';
import { type ListLimits, type ListingCut, readAllPages } from '../listing';
import { MAX_RESPONSE_BYTES, findTransportRefusal, refusalError } from '../responseLimits';
import { ProviderError } from '../secretProvider';
import { RetryingLazy } from '../sessionHelpers';
import {
  type AzureCredential,
  KEY_VAULT_SCOPES,
  KeyVaultOnlyCredential,
  PUBLIC_KEY_VAULT_SCOPE,
  ScopeRefusedError,
  StaticTokenCredential,
  type TokenCredential,
  credentialSecrets,
} from './credentials';
import { AnswerLog, challengePolicy } from './challenge';
import { type AzureFailure, type FailureContext, toFailure, toProviderError } from './errors';
import { type ErrorSummary, TokenRequestObserver, boundedResponsePolicy, deadlinePolicy, guardPolicy } from './policies';

export interface AzureTestingOptions {
  /** Allow an http:// vault URL (loopback fakes). */
  allowInsecureConnection?: boolean;
  /** Skip the SDK's check that the 401 challenge's resource matches the vault host. */
  disableChallengeResourceVerification?: boolean;
  /**
   * PEM certificate(s) to trust for the vault and the authority host (self-signed loopback fakes).
   * Note: a custom trust store bypasses HTTPS_PROXY.
   */
  caCertificate?: string;
}

export interface AzureSessionOptions {
  vaultName: string;
  vaultUrl: string;
  timeoutMs: number;
  credential: AzureCredential;
  testing?: AzureTestingOptions;
}

export type OperationContext = Pick<FailureContext, 'operation' | 'secret' | 'version'>;

class DeadlineError extends Error {
  constructor() {
    super('deadline exceeded');
    this.name = 'AzureDeadline';
  }
}

const RETRY_OPTIONS = { maxRetries: 1, retryDelayInMs: 100, maxRetryDelayInMs: 400 };

export class AzureSession {
  readonly vaultName: string;
  readonly timeoutMs: number;
  /** scheme://host[:port] of the vault ('' when the URL is invalid). */
  readonly origin: string;
  readonly host: string;
  readonly credentialKind: AzureCredential['kind'];
  private readonly credential: AzureCredential;
  private readonly testing: AzureTestingOptions;
  private readonly configError: ProviderError | undefined;
  private readonly summaries = new WeakMap<object, ErrorSummary>();
  private readonly tokenRequests = new TokenRequestObserver();
  private readonly answers = new AnswerLog();
  private readonly agents: Array<http.Agent | https.Agent> = [];
  private readonly lazyClient = new RetryingLazy(() => this.createClient());
  private disposed = false;

  constructor(options: AzureSessionOptions) {
    this.vaultName = options.vaultName;
    this.timeoutMs = Number.isFinite(options.timeoutMs) && options.timeoutMs > 0 ? Math.round(options.timeoutMs) : 10_000;
    this.credential = options.credential;
    this.credentialKind = options.credential.kind;
    this.testing = options.testing ?? {};
    let origin = '';
    let host = '';
    let configError: ProviderError | undefined;
    try {
      const url = new URL(options.vaultUrl);
      const insecureOk = url.protocol === 'http:' && this.testing.allowInsecureConnection === true;
      if (url.protocol !== 'https:' && !insecureOk) throw new Error('scheme');
      if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) throw new Error('shape');
      origin = url.origin;
      host = url.host;
    } catch {
      configError = new ProviderError('invalid-request', `Key Vault "${options.vaultName}" has no valid vault URL (https://<name>.vault.azure.net).`);
    }
    if (!configError) configError = this.checkCredential(options.credential);
    this.origin = origin;
    this.host = host;
    this.configError = configError;
  }

  /** Credentials held by this session (for last-resort redaction of messages). */
  get sensitiveStrings(): string[] {
    return credentialSecrets(this.credential);
  }

  /** Runs one SDK call (one bounded step); failures become ProviderErrors described by `op`. */
  async run<T>(op: OperationContext, fn: (client: SecretClient) => Promise<T>): Promise<T> {
    const client = await this.client();
    const started = Date.now();
    try {
      return await this.step(fn(client));
    } catch (e) {
      throw this.toError(e, op, started);
    }
  }

  /**
   * Collects the pages of a listing (the SDK follows `nextLink`; the guard policy refuses one to
   * another origin) until the last, the page cap or the deadline (`limits`); each page is one
   * bounded step, so a long listing is not cut short by the per-call deadline.
   */
  async runPaged<T, R>(
    op: OperationContext,
    pages: (client: SecretClient) => AsyncIterableIterator<T[]>,
    map: (item: T) => R,
    limits: ListLimits,
  ): Promise<{ items: R[]; cut?: Omit<ListingCut, 'message'> }> {
    const client = await this.client();
    const started = Date.now();
    try {
      const it = pages(client);
      return await readAllPages<R>(limits, {
        next: async () => {
          const r = await this.step(it.next());
          return r.done ? undefined : r.value.map(map);
        },
      });
    } catch (e) {
      throw this.toError(e, op, started);
    }
  }

  /** The reduced failure of an SDK rejection; `since`: when the failed call started. */
  failureOf(e: unknown, since = Date.now()): AzureFailure {
    return toFailure(e, this.summaries, this.tokenRequests.since(since), { answers: this.answers, since });
  }

  toError(e: unknown, op: OperationContext, since?: number): ProviderError {
    if (e instanceof ProviderError) return e;
    if (e instanceof ScopeRefusedError) {
      const scope = e.scope.replace(/[^\x21-\x7e]/g, '?').slice(0, 100);
      return new ProviderError(
        'unreachable',
        `Key Vault "${this.vaultName}" (${this.origin}) asked for a token for "${scope}", which is not Key Vault's; no token was sent. Check that the vault URL names a Key Vault.`,
        { cause: 'asked for a token for another resource; none sent' },
      );
    }
    const refusal = findTransportRefusal(e);
    if (refusal) return refusalError(refusal, `Key Vault "${this.vaultName}" (${this.origin})`);
    const tokenRefusal = this.tokenRequests.since(since ?? Date.now())?.refusal;
    if (tokenRefusal) {
      let authority = 'the authority host';
      try {
        authority = new URL(tokenRefusal.requestUrl ?? '').origin;
      } catch {
        // a response-size refusal has no URL: the authority host stays unnamed
      }
      return refusalError(tokenRefusal, `Key Vault "${this.vaultName}": Microsoft Entra ID (${authority})`);
    }
    return toProviderError(this.failureOf(e, since), this.context(op));
  }

  context(op: OperationContext): FailureContext {
    const authorityHost = this.credential.kind === 'client-secret' ? this.credential.authorityHost : process.env.AZURE_AUTHORITY_HOST;
    return {
      vaultName: this.vaultName,
      host: this.host,
      origin: this.origin,
      timeoutMs: this.timeoutMs,
      credential: this.credentialKind,
      ...(authorityHost ? { authorityHost } : {}),
      ...op,
    };
  }

  /** Races one awaited SDK step against the backstop deadline (2 × timeoutMs). */
  step<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineError()), this.timeoutMs * 2);
    });
    work.catch(() => undefined); // a step abandoned at the deadline may still reject later
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  dispose(): void {
    this.disposed = true;
    this.lazyClient.reset();
    for (const a of this.agents) a.destroy();
    this.agents.length = 0;
  }

  // ------------------------------------------------------------------ internals

  private checkCredential(c: AzureCredential): ProviderError | undefined {
    const vault = `Key Vault "${this.vaultName}"`;
    switch (c.kind) {
      case 'access-token':
        return typeof c.token === 'string' && c.token !== '' ? undefined : new ProviderError('unauthenticated', `No access token is configured for ${vault}; sign in to Azure.`);
      case 'client-secret':
        if (!c.tenantId || !c.clientId || !c.clientSecret) {
          return new ProviderError('unauthenticated', `The tenant id, client id or client secret for ${vault} is missing.`);
        }
        if (!/^[0-9A-Za-z.-]+$/.test(c.tenantId)) return new ProviderError('invalid-request', `The tenant id for ${vault} is not valid.`);
        if (c.authorityHost !== undefined) {
          try {
            if (new URL(c.authorityHost).protocol !== 'https:') throw new Error('scheme');
          } catch {
            return new ProviderError('invalid-request', `The authority host for ${vault} must be an https URL.`);
          }
        }
        return undefined;
      case 'environment':
        return undefined;
      default:
        return new ProviderError('invalid-request', `Unknown credential kind for ${vault}.`);
    }
  }

  private client(): Promise<SecretClient> {
    if (this.disposed) return Promise.reject(new ProviderError('invalid-request', `The provider of Key Vault "${this.vaultName}" was disposed.`));
    if (this.configError) return Promise.reject(this.configError);
    return this.lazyClient.get();
  }

  private async createClient(): Promise<SecretClient> {
    let sdk: typeof import('@azure/keyvault-secrets');
    try {
      sdk = await import('@azure/keyvault-secrets');
    } catch {
      throw new ProviderError('unreachable', `The Azure Key Vault client library could not be loaded for Key Vault "${this.vaultName}".`, {
        cause: 'client library unavailable',
      });
    }
    const credential = await this.createCredential();
    const ca = this.testing.caCertificate;
    let agent: http.Agent | undefined;
    if (ca !== undefined) {
      agent = this.origin.startsWith('https:') ? new https.Agent({ keepAlive: true, ca }) : new http.Agent({ keepAlive: true });
      this.agents.push(agent);
    }
    const options: SecretClientOptions = {
      retryOptions: RETRY_OPTIONS,
      redirectOptions: { maxRetries: 0 },
      additionalPolicies: [
        { policy: deadlinePolicy(this.timeoutMs), position: 'perCall' },
        { policy: guardPolicy(this.origin, this.summaries), position: 'perRetry' },
        { policy: challengePolicy(this.testing.disableChallengeResourceVerification !== true, this.answers), position: 'perRetry' },
        { policy: boundedResponsePolicy(MAX_RESPONSE_BYTES), position: 'perRetry' },
      ],
      ...(agent ? { agent } : {}),
      ...(this.testing.allowInsecureConnection ? { allowInsecureConnection: true } : {}),
      ...(this.testing.disableChallengeResourceVerification ? { disableChallengeResourceVerification: true } : {}),
    };
    const client = new sdk.SecretClient(this.origin, credential, options);
    if (this.disposed) throw new ProviderError('invalid-request', `The provider of Key Vault "${this.vaultName}" was disposed.`);
    return client;
  }

  /**
   * The credential, handing out tokens for Key Vault's scope only (see KEY_VAULT_SCOPES): the token
   * of VS Code's sign-in (issued for https://vault.azure.net) for that scope alone, identity
   * credentials for Key Vault in any cloud.
   */
  private async createCredential(): Promise<TokenCredential> {
    const c = this.credential;
    if (c.kind === 'access-token') {
      return new KeyVaultOnlyCredential(new StaticTokenCredential(c.token, c.expiresOnTimestamp), new Set([PUBLIC_KEY_VAULT_SCOPE]));
    }
    return new KeyVaultOnlyCredential(await this.createIdentityCredential(), KEY_VAULT_SCOPES);
  }

  private async createIdentityCredential(): Promise<TokenCredential> {
    const c = this.credential;
    if (c.kind === 'access-token') throw new Error('not an identity credential');
    let identity: typeof import('@azure/identity');
    try {
      identity = await import('@azure/identity');
    } catch {
      throw new ProviderError('unreachable', `The Azure identity library could not be loaded for Key Vault "${this.vaultName}".`, {
        cause: 'client library unavailable',
      });
    }
    const ca = this.testing.caCertificate;
    let agent: https.Agent | undefined;
    if (ca !== undefined) {
      agent = new https.Agent({ keepAlive: true, ca });
      this.agents.push(agent);
    }
    const authorityHost = c.kind === 'client-secret' ? c.authorityHost : process.env.AZURE_AUTHORITY_HOST;
    const common = {
      retryOptions: RETRY_OPTIONS,
      // No redirect of a token request (its body holds the client secret) is followed.
      redirectOptions: { maxRetries: 0 },
      additionalPolicies: [
        { policy: this.tokenRequests.policy(this.timeoutMs), position: 'perCall' as const },
        { policy: boundedResponsePolicy(MAX_RESPONSE_BYTES), position: 'perRetry' as const },
      ],
      loggingOptions: { allowLoggingAccountIdentifiers: false, enableUnsafeSupportLogging: false },
      // A custom authority host (sovereign cloud, Azure Stack, tests) is trusted as configured.
      ...(authorityHost ? { authorityHost, disableInstanceDiscovery: true } : {}),
      ...(agent ? { agent } : {}),
    };
    try {
      if (c.kind === 'client-secret') return new identity.ClientSecretCredential(c.tenantId, c.clientId, c.clientSecret, common);
      return new identity.EnvironmentCredential(common);
    } catch {
      // e.g. a tenant id with characters Entra does not allow (the library's message is not kept)
      throw new ProviderError('unauthenticated', `The Azure credential for Key Vault "${this.vaultName}" is not valid: check the tenant id and client id.`);
    }
  }
}
