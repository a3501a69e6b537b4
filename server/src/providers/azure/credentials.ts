/**
 * Credentials of the Azure Key Vault provider. `access-token` is a bearer token the client already
 * holds (e.g. from VS Code's Microsoft sign-in); `client-secret` and `environment` go through
 * @azure/identity (ClientSecretCredential, EnvironmentCredential), loaded only for those kinds.
 */
import type { SecretClient } from '@azure/keyvault-secrets';

export type AzureCredential =
  | {
      kind: 'access-token';
      /** A bearer token for https://vault.azure.net. */
      token: string;
      /** Epoch milliseconds; after it the token is refused locally (unauthenticated) without a call. */
      expiresOnTimestamp?: number;
    }
  | {
      kind: 'client-secret';
      tenantId: string;
      clientId: string;
      clientSecret: string;
      /** Entra authority host (sovereign clouds, tests); default https://login.microsoftonline.com. */
      authorityHost?: string;
    }
  /** EnvironmentCredential: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET (and AZURE_AUTHORITY_HOST). */
  | { kind: 'environment' };

/** `TokenCredential` of @azure/core-auth, taken from the SDK's own signature. */
export type TokenCredential = ConstructorParameters<typeof SecretClient>[1];
type AccessToken = NonNullable<Awaited<ReturnType<TokenCredential['getToken']>>>;

/** Thrown by the access-token credential when the token's known expiry has passed. */
export class AccessTokenExpiredError extends Error {
  constructor(readonly expiresOnTimestamp: number) {
    super('The access token has expired.');
    this.name = 'AzureAccessTokenExpired';
  }
}

/**
 * The scopes a Key Vault's 401 challenge names (`resource` + `/.default`) in each cloud: public,
 * China, US Government, Germany. @azure/keyvault-common's challenge policy asks the credential for
 * a token for whatever scope the challenge names, after checking only that the vault's host name
 * ends with `.<the resource's host>` (keyVaultAuthenticationPolicy.js, handleChallenge and
 * verifyChallengeResource): a server at `x.example` naming `resource="https://example"` passes. So
 * the credential itself refuses every scope that is not Key Vault's.
 */
export const KEY_VAULT_SCOPES: ReadonlySet<string> = new Set([
  'https://vault.azure.net/.default',
  'https://vault.azure.cn/.default',
  'https://vault.usgovcloudapi.net/.default',
  'https://vault.microsoftazure.de/.default',
]);
/** The scope of the token VS Code's Microsoft sign-in gets (client/src/credentials.ts). */
export const PUBLIC_KEY_VAULT_SCOPE = 'https://vault.azure.net/.default';

/** Thrown instead of a token for a scope that is not Key Vault's. */
export class ScopeRefusedError extends Error {
  constructor(readonly scope: string) {
    super('A token was asked for a resource other than Key Vault.');
    this.name = 'AzureScopeRefused';
  }
}

/** A credential that hands out tokens for `allowed` scopes only (compared without case). */
export class KeyVaultOnlyCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly allowed: ReadonlySet<string>,
  ) {}

  getToken(...args: Parameters<TokenCredential['getToken']>): ReturnType<TokenCredential['getToken']> {
    const [scopes] = args;
    const list = typeof scopes === 'string' ? [scopes] : [...scopes];
    const foreign = list.find((s) => !this.allowed.has(s.toLowerCase()));
    if (foreign !== undefined || list.length === 0) return Promise.reject(new ScopeRefusedError(foreign ?? ''));
    return this.inner.getToken(...args);
  }
}

/** Lifetime assumed for a token without a known expiry (the SDK refreshes ahead of expiry). */
const ASSUMED_LIFETIME_MS = 60 * 60 * 1000;

/** A TokenCredential that hands out the one token it was given. */
export class StaticTokenCredential implements TokenCredential {
  constructor(
    private readonly token: string,
    private readonly expiresOnTimestamp: number | undefined,
  ) {}

  async getToken(): Promise<AccessToken> {
    const now = Date.now();
    if (this.expiresOnTimestamp !== undefined && this.expiresOnTimestamp <= now) {
      throw new AccessTokenExpiredError(this.expiresOnTimestamp);
    }
    return { token: this.token, expiresOnTimestamp: this.expiresOnTimestamp ?? now + ASSUMED_LIFETIME_MS, tokenType: 'Bearer' };
  }
}

/** The environment variables EnvironmentCredential needs for a client secret, and which are unset. */
export const ENVIRONMENT_VARIABLES = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'] as const;
export function missingEnvironmentVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  return ENVIRONMENT_VARIABLES.filter((name) => !env[name]);
}

/** Strings that must never appear in a message (last-resort redaction). */
export function credentialSecrets(credential: AzureCredential): string[] {
  switch (credential.kind) {
    case 'access-token':
      return [credential.token];
    case 'client-secret':
      return [credential.clientSecret];
    case 'environment':
      return process.env.AZURE_CLIENT_SECRET ? [process.env.AZURE_CLIENT_SECRET] : [];
  }
}
