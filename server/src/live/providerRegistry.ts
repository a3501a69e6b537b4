import { createHash } from 'node:crypto';
import type { Credential } from '../../../shared/src/customMessages';
import { loadAws, loadAzure, loadGcp, loadHashicorp, loadLocal } from '../providers/loadProviders';
import type { SecretProvider } from '../providers/secretProvider';
import type { VaultFact } from '../service/facts/facts';
import type { LiveAccess } from '../service/facts/liveFacts';
import type { AddressTrust } from './addressTrust';
import type { CredentialSource } from './credentials';
import { unusableProvider } from './unusableProvider';
import { resolveTarget, vaultAddress, type VaultTarget } from './vaultTarget';

export { vaultAddress } from './vaultTarget';

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
  /**
   * Credentials from the environment (the CLI, other editors): only these addresses receive them;
   * another address is not contacted and the vault's access is `untrusted-address`. Absent when
   * every credential comes from the VS Code client, which asks the user about each address.
   */
  trust?: AddressTrust;
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
  /** The origin that was not contacted because it is not trusted. */
  untrusted?: string;
  entry: Promise<ProviderEntry | undefined>;
  resolved: ProviderEntry | undefined;
}

/** Providers that have live checks. */
const liveProviders = new Set(['hashicorp', 'local', 'aws', 'azure', 'gcp']);

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

  /** The address that was not contacted because it is not trusted (access `untrusted-address`). */
  untrustedAddress(vault: VaultFact): string | undefined {
    const slot = this.slots.get(vault.name);
    return slot && slot.fingerprint === fingerprint(vault, this.env) ? slot.untrusted : undefined;
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
    try {
      const resolved = await resolveTarget(vault, this.env);
      if (!resolved.ok) {
        slot.access = 'failed';
        this.options.log(`Vault "${vault.name}" cannot be used live: ${resolved.reason}`);
        return undefined;
      }
      const target = resolved.target;
      const credential = await this.options.credentials.get(vault, {
        address: target.origin,
        ...(target.tls ? { tls: target.tls } : {}),
      });
      if (!credential) {
        slot.access = 'no-credentials';
        return undefined;
      }
      // The gate: a credential from the environment goes only where the person running this trusts.
      if (this.options.trust && !this.options.trust.allows(vault.provider, target)) {
        slot.access = 'untrusted-address';
        slot.untrusted = target.origin;
        this.options.log(`Vault "${vault.name}" was not contacted: ${target.origin} is not a trusted address.`);
        return undefined;
      }
      // A CA file that cannot be used is said on every reference to the vault; Vault is not contacted.
      if (target.caProblem) {
        this.options.log(`Vault "${vault.name}": ${target.caProblem}`);
        slot.access = 'live';
        const unusable = unusableProvider(target.caProblem, vault.uri);
        slot.resolved = { provider: unusable, key: unusable.cacheKey ?? `unusable|${vault.uri}` };
        return slot.resolved;
      }
      const provider = await this.instantiate(vault, target, credential);
      if (!provider) {
        slot.access = 'no-credentials';
        return undefined;
      }
      slot.access = 'live';
      slot.resolved = { provider, key: provider.cacheKey ?? `${vault.provider}|${target.url ?? target.origin}|${vault.namespace ?? ''}|${identity(credential)}` };
      return slot.resolved;
    } catch (error) {
      slot.access = 'failed';
      this.options.log(`Vault "${vault.name}" cannot be used live: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** The provider for a credential, given only the parsed address (`target.url`), never the text as written. */
  private async instantiate(vault: VaultFact, target: VaultTarget, credential: Credential): Promise<ProviderEntry['provider'] | undefined> {
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
        ...(target.url !== undefined ? { endpoint: target.url } : {}),
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
            ? {
                kind: 'client-secret' as const,
                tenantId: credential.tenantId,
                clientId: credential.clientId,
                clientSecret: credential.clientSecret,
                ...(credential.authorityHost ? { authorityHost: credential.authorityHost } : {}),
              }
            : credential.kind === 'provider-default'
              ? { kind: 'environment' as const }
              : undefined;
      if (!azure || target.url === undefined) return undefined;
      const { AzureProvider } = await loadAzure();
      return new AzureProvider({ vaultName: vault.name, vaultUrl: target.url, timeoutMs: this.options.timeoutMs(), credential: azure, ...this.testingOptions('azure') });
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
        ...(target.url !== undefined ? { endpoint: target.url } : {}),
        timeoutMs: this.options.timeoutMs(),
        credential: gcp,
        ...this.testingOptions('gcp'),
      });
    }
    if ((credential.kind !== 'token' && credential.kind !== 'approle') || target.url === undefined) return undefined;
    const { HashicorpProvider } = await loadHashicorp();
    // The CA read once by resolveTarget: the bytes whose hash the credential was released for.
    const caCertificate = target.caCertificate;
    if (vault.connection.tlsSkipVerify) {
      this.options.warn(`Vault "${vault.name}" skips TLS certificate verification (tls_skip_verify: true): its identity is not checked.`);
    }
    const provider = new HashicorpProvider({
      vaultName: vault.name,
      address: target.url,
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
