import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Credential } from '../../../shared/src/customMessages';
import { loadAws, loadAzure, loadGcp, loadHashicorp, loadLocal } from '../providers/loadProviders';
import type { SecretProvider } from '../providers/secretProvider';
import type { VaultFact } from '../service/facts/facts';
import type { LiveAccess } from '../service/facts/liveFacts';
import { caCertificatePath, readCaCertificate } from './caCertificate';
import type { CredentialSource } from './credentials';
import { unusableProvider } from './unusableProvider';

/** What some providers offer beyond SecretProvider. */
export interface ProviderExtras {
  mountInfo?: (path: string) => Promise<{ mounted: boolean; type?: string; kvVersion?: 1 | 2; path?: string; enclosingMount?: string }>;
  tokenInfo?: () => Promise<{ ttlSeconds: number; renewable: boolean; policies: string[]; expireTime?: string }>;
  /** Cloud providers: key names (undefined = not JSON) and metadata from one value read. */
  describe?: (locator: import('../providers/secretProvider').SecretLocator) => Promise<{ keys: string[] | undefined; metadata: import('../providers/secretProvider').SecretMetadata }>;
  /** Set by a provider whose facts are its own, never shared with another vault at the same address. */
  cacheKey?: string;
}

export interface ProviderEntry {
  provider: SecretProvider & ProviderExtras;
  /** Identity of (provider, address, namespace, credential): cache keys start with it. */
  key: string;
}

export interface RegistryOptions {
  credentials: CredentialSource;
  timeoutMs: () => number;
  env?: NodeJS.ProcessEnv;
  log: (message: string) => void;
  /** A token that can no longer be renewed, or similar news for the user. */
  warn: (message: string) => void;
  /** Per provider, options for talking to loopback fakes in tests. */
  testing?: Record<string, Record<string, unknown>>;
}

interface Slot {
  fingerprint: string;
  access: LiveAccess;
  entry: Promise<ProviderEntry | undefined>;
  resolved: ProviderEntry | undefined;
}

/** Providers that have live checks. */
const liveProviders = new Set(['hashicorp', 'local', 'aws', 'azure', 'gcp']);

/**
 * Where a vault's credentials are sent: hashicorp `url` (else VAULT_ADDR), azure `vault_url`, the
 * aws or gcp `endpoint` (else the provider's public endpoint), '' for the local vault.
 */
export function vaultAddress(vault: VaultFact, env: NodeJS.ProcessEnv): string {
  switch (vault.provider) {
    case 'hashicorp':
      return vault.address ?? env.VAULT_ADDR ?? '';
    case 'aws':
      return vault.connection.endpoint ?? `https://secretsmanager.${vault.region ?? env.AWS_REGION ?? 'us-east-1'}.amazonaws.com`;
    case 'gcp':
      return vault.connection.endpoint ?? 'https://secretmanager.googleapis.com';
    default:
      return vault.address ?? '';
  }
}

function fingerprint(vault: VaultFact, env: NodeJS.ProcessEnv): string {
  return JSON.stringify([vault.provider, vaultAddress(vault, env), vault.namespace, vault.connection, vault.uri]);
}

function identity(credential: Credential): string {
  return createHash('sha256').update(JSON.stringify(credential)).digest('hex').slice(0, 16);
}

/**
 * One provider instance per vault configuration, created on first use with its credential and
 * replaced when the configuration changes. Knows why a vault has no live access.
 */
export class ProviderRegistry {
  private readonly slots = new Map<string, Slot>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: RegistryOptions) {
    this.env = options.env ?? process.env;
  }

  access(vault: VaultFact): LiveAccess {
    if (!liveProviders.has(vault.provider ?? '')) return 'unsupported';
    const slot = this.slots.get(vault.name);
    return slot && slot.fingerprint === fingerprint(vault, this.env) ? slot.access : 'pending';
  }

  /** The provider already made for this configuration of the vault, if any. */
  peek(vault: VaultFact): ProviderEntry | undefined {
    const slot = this.slots.get(vault.name);
    return slot && slot.fingerprint === fingerprint(vault, this.env) ? slot.resolved : undefined;
  }

  /** The provider for a vault, or undefined when it has no live access (see `access`). */
  get(vault: VaultFact): Promise<ProviderEntry | undefined> {
    if (!liveProviders.has(vault.provider ?? '')) return Promise.resolve(undefined);
    const print = fingerprint(vault, this.env);
    const slot = this.slots.get(vault.name);
    if (slot && slot.fingerprint === print) return slot.entry;
    if (slot) this.disposeSlot(slot);
    const created: Slot = { fingerprint: print, access: 'pending', entry: Promise.resolve(undefined), resolved: undefined };
    created.entry = this.create(vault, created);
    this.slots.set(vault.name, created);
    return created.entry;
  }

  private async create(vault: VaultFact, slot: Slot): Promise<ProviderEntry | undefined> {
    const address = vaultAddress(vault, this.env);
    try {
      const credential = await this.options.credentials.get(vault, address);
      if (!credential) {
        slot.access = 'no-credentials';
        return undefined;
      }
      const provider = await this.instantiate(vault, address, credential);
      if (!provider) {
        slot.access = 'no-credentials';
        return undefined;
      }
      slot.access = 'live';
      slot.resolved = { provider, key: provider.cacheKey ?? `${vault.provider}|${address}|${vault.namespace ?? ''}|${identity(credential)}` };
      return slot.resolved;
    } catch (error) {
      slot.access = 'failed';
      this.options.log(`Vault "${vault.name}" cannot be used live: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private async instantiate(vault: VaultFact, address: string, credential: Credential): Promise<ProviderEntry['provider'] | undefined> {
    if (vault.provider === 'local') {
      if (credential.kind !== 'local-key') return undefined;
      const { LocalVaultProvider } = await loadLocal();
      return new LocalVaultProvider({ name: vault.name, key: credential.key, env: this.env });
    }
    if (vault.provider === 'aws') {
      if (credential.kind !== 'aws-keys' && credential.kind !== 'aws-profile' && credential.kind !== 'provider-default') return undefined;
      const { AwsProvider } = await loadAws();
      const profile = credential.kind === 'aws-profile' ? credential.profile : vault.connection.profile;
      return new AwsProvider({
        vaultName: vault.name,
        region: vault.region ?? this.env.AWS_REGION ?? '',
        ...(profile ? { profile } : {}),
        ...(vault.connection.endpoint ? { endpoint: vault.connection.endpoint } : {}),
        timeoutMs: this.options.timeoutMs(),
        ...(credential.kind === 'aws-keys'
          ? { credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey, ...(credential.sessionToken ? { sessionToken: credential.sessionToken } : {}) } }
          : {}),
      });
    }
    if (vault.provider === 'azure') {
      const azure =
        credential.kind === 'azure-token'
          ? { kind: 'access-token' as const, token: credential.token, ...(credential.expiresOnTimestamp ? { expiresOnTimestamp: credential.expiresOnTimestamp } : {}) }
          : credential.kind === 'azure-client-secret'
            ? { kind: 'client-secret' as const, tenantId: credential.tenantId, clientId: credential.clientId, clientSecret: credential.clientSecret }
            : credential.kind === 'provider-default'
              ? { kind: 'environment' as const }
              : undefined;
      if (!azure || !vault.address) return undefined;
      const { AzureProvider } = await loadAzure();
      return new AzureProvider({ vaultName: vault.name, vaultUrl: vault.address, timeoutMs: this.options.timeoutMs(), credential: azure, ...this.testingOptions('azure') });
    }
    if (vault.provider === 'gcp') {
      const gcp =
        credential.kind === 'gcp-service-account'
          ? { kind: 'service-account' as const, json: credential.json }
          : credential.kind === 'provider-default'
            ? { kind: 'adc' as const }
            : undefined;
      if (!gcp || !vault.project) return undefined;
      const { GcpProvider } = await loadGcp();
      return new GcpProvider({
        vaultName: vault.name,
        project: vault.project,
        ...(vault.connection.endpoint ? { endpoint: vault.connection.endpoint } : {}),
        timeoutMs: this.options.timeoutMs(),
        credential: gcp,
        ...this.testingOptions('gcp'),
      });
    }
    if ((credential.kind !== 'token' && credential.kind !== 'approle') || !address) return undefined;
    const { HashicorpProvider } = await loadHashicorp();
    // A CA file that cannot be used is said on every reference to the vault; Vault is not contacted.
    const ca = caCertificatePath(vault.connection.caCertificate, dirname(fileURLToPath(vault.uri)), this.env);
    const caRead = ca ? await readCaCertificate(ca.path) : undefined;
    if (ca && caRead && !caRead.ok) {
      const cause = `its CA certificate file (${ca.shown}) cannot be used: ${caRead.reason}. Name a PEM file of at most 1 MiB.`;
      this.options.log(`Vault "${vault.name}": ${cause}`);
      return unusableProvider(cause, vault.uri);
    }
    const caCertificate = caRead?.ok ? caRead.pem : undefined;
    if (vault.connection.tlsSkipVerify) {
      this.options.warn(`Vault "${vault.name}" skips TLS certificate verification (tls_skip_verify: true): its identity is not checked.`);
    }
    const provider = new HashicorpProvider({
      vaultName: vault.name,
      address,
      namespace: vault.namespace ?? this.env.VAULT_NAMESPACE,
      caCertificate,
      tlsSkipVerify: vault.connection.tlsSkipVerify === true,
      timeoutMs: this.options.timeoutMs(),
      credential:
        credential.kind === 'approle'
          ? { kind: 'approle', roleId: credential.roleId, secretId: credential.secretId, mount: vault.connection.authMount }
          : { kind: 'token', token: credential.token },
      onTokenEvent: (event: { kind: string; reason?: string }) => {
        if (event.kind === 'cannot-renew') this.options.warn(`The token of vault "${vault.name}" can no longer be renewed: ${event.reason}`);
      },
    });
    if (vault.connection.autoRenew) provider.startAutoRenew();
    return provider;
  }

  /** Options only tests set (loopback fakes over plain HTTP): never from a workspace file. */
  private testingOptions(provider: string): { testing?: Record<string, unknown> } {
    const testing = this.options.testing?.[provider];
    return testing ? { testing } : {};
  }

  private disposeSlot(slot: Slot): void {
    void slot.entry.then((entry) => entry?.provider.dispose());
  }

  /** Drops every provider (settings changed, cache reset, shutdown). */
  clear(): void {
    for (const slot of this.slots.values()) this.disposeSlot(slot);
    this.slots.clear();
  }
}
