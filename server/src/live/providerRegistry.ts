import { createHash } from 'node:crypto';
import type { Credential } from '../../../shared/src/customMessages';
import { providerRuntime } from '../providers/runtimes';
import type { LiveProvider } from '../providers/secretProvider';
import type { VaultFact } from '../service/facts/facts';
import type { LiveAccess } from '../service/facts/liveFacts';
import type { AddressTrust } from './addressTrust';
import type { CredentialSource } from './credentials';
import { unusableProvider } from './unusableProvider';
import { resolveTarget, vaultAddress, type VaultTarget } from './vaultTarget';

export { vaultAddress } from './vaultTarget';

export interface ProviderEntry {
  provider: LiveProvider;
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
    if (!providerRuntime(vault.provider)) return 'unsupported';
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
    if (!providerRuntime(vault.provider)) return Promise.resolve(undefined);
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
    const runtime = providerRuntime(vault.provider);
    if (!runtime) return undefined;
    return runtime.create({
      vault,
      url: target.url,
      // The CA read once by resolveTarget: the bytes whose hash the credential was released for.
      caCertificate: target.caCertificate,
      credential,
      timeoutMs: this.options.timeoutMs(),
      env: this.env,
      warn: (message) => this.options.warn(message),
      // Options only tests set (loopback fakes over plain HTTP): never from a workspace file.
      testing: vault.provider ? this.options.testing?.[vault.provider] : undefined,
    });
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
