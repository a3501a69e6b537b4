/**
 * `provider: local` — the embedded vault that works with nothing installed. Secrets are stored by
 * name (names may contain `/`) with KV v2 semantics in one encrypted file per vault configuration,
 * outside the workspace (see localVaultStore.ts).
 *
 * A local vault has no engines: `listEngines()` is [] and `engineVersion()` is undefined for any
 * engine. Locators use `path` for the secret's name and must not carry an `engine`.
 * The local user owns the file, so `capabilities()` grants everything.
 */
import {
  ProviderError,
  type EngineInfo,
  type SecretLocator,
  type SecretMetadata,
  type SecretProvider,
  type WriteResult,
} from '../secretProvider';
import type { LocalVaultKey, ScryptCost } from './localVaultCrypto';
import {
  applyWrite,
  checkSecretName,
  deleteSecret,
  destroy,
  getSecret,
  listNames,
  parseVersionPin,
  readVersion,
  softDelete,
  toMetadata,
  undelete,
  updateMetadata,
  type MetadataPatch,
} from './localVaultState';
import { LocalVaultStore, localVaultFilePath } from './localVaultStore';

export interface LocalVaultProviderOptions {
  /** The vault configuration's `name`; the file name is derived from it. */
  name: string;
  /** 32-byte key (bytes, or base64/base64url/hex string) or a passphrase. Without it only a missing (empty) vault can be read. */
  key?: LocalVaultKey;
  /** Directory of vault files; default `$SECRETREFS_LOCAL_DIR` or `~/.secretrefs/local`. */
  dir?: string;
  /** Environment used to resolve the default directory (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** scrypt cost for a new passphrase-protected file (default N=2^17, r=8, p=1). Tests use a cheap cost. */
  scryptCost?: ScryptCost;
  /** How long a write waits for another process's lock (default 10 s). */
  lockTimeoutMs?: number;
  /** Age after which a lock file is considered abandoned (default 30 s). */
  lockStaleMs?: number;
  /** Share the in-process write queue with other instances on the same file (default true; tests only). */
  sharedQueue?: boolean;
}

/** One readable version of a secret. */
export interface LocalSecretVersion {
  version: number;
  createdTime: string;
  data: Record<string, string>;
}

const ALL_CAPABILITIES = ['create', 'read', 'update', 'delete', 'list'] as const;

export class LocalVaultProvider implements SecretProvider {
  readonly name: string;
  private readonly store: LocalVaultStore;

  constructor(options: LocalVaultProviderOptions) {
    this.name = options.name;
    this.store = new LocalVaultStore({
      vaultName: options.name,
      filePath: localVaultFilePath(options.name, options.dir, options.env ?? process.env),
      ...(options.key !== undefined ? { key: options.key } : {}),
      ...(options.scryptCost ? { scryptCost: options.scryptCost } : {}),
      ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
      ...(options.lockStaleMs !== undefined ? { lockStaleMs: options.lockStaleMs } : {}),
      ...(options.sharedQueue !== undefined ? { sharedQueue: options.sharedQueue } : {}),
    });
  }

  /** Absolute path of this vault's file. */
  get filePath(): string {
    return this.store.filePath;
  }

  async listEngines(): Promise<EngineInfo[]> {
    return [];
  }

  /** Always undefined: a local vault has no engines (mounts). */
  async engineVersion(_engine: string): Promise<1 | 2 | undefined> {
    return undefined;
  }

  /** Names directly under `folder` (sub-folders end with `/`), sorted; [] for an unknown folder. */
  async list(engine: string | undefined, folder: string): Promise<string[]> {
    this.checkNoEngine(engine);
    return listNames(await this.store.read(), folder ?? '');
  }

  async metadata(secret: SecretLocator): Promise<SecretMetadata> {
    const name = this.secretName(secret);
    return toMetadata(getSecret(await this.store.read(), this.name, name));
  }

  /** Key names of the pinned (or current) version, without values. */
  async keys(secret: SecretLocator): Promise<string[]> {
    return Object.keys((await this.readVersion(secret)).data);
  }

  async readValue(secret: SecretLocator): Promise<Record<string, unknown>> {
    return (await this.readVersion(secret)).data;
  }

  /** The pinned (or current) version with its number and data. */
  async readVersion(secret: SecretLocator): Promise<LocalSecretVersion> {
    const name = this.secretName(secret);
    const pin = parseVersionPin(secret.version);
    return readVersion(await this.store.read(), this.name, name, pin);
  }

  /** Writes a new version; `cas` = the version last seen, 0 = must not exist. `secret.version` is ignored. */
  async write(secret: SecretLocator, data: Record<string, string>, cas?: number): Promise<WriteResult> {
    const name = this.secretName(secret);
    const version = await this.store.mutate((state, now) => applyWrite(state, this.name, name, data, cas, now));
    return { version };
  }

  /** Soft-deletes versions (default: the current version). */
  async delete(secret: SecretLocator, versions?: number[]): Promise<void> {
    const name = this.secretName(secret);
    await this.store.mutate((state, now) => softDelete(state, this.name, name, versions, now));
  }

  /** Restores soft-deleted versions. */
  async undelete(secret: SecretLocator, versions: number[]): Promise<void> {
    const name = this.secretName(secret);
    await this.store.mutate((state, now) => undelete(state, this.name, name, versions, now));
  }

  /** Permanently removes the data of versions. */
  async destroy(secret: SecretLocator, versions: number[]): Promise<void> {
    const name = this.secretName(secret);
    await this.store.mutate((state, now) => destroy(state, this.name, name, versions, now));
  }

  /** Removes the secret, all its versions and its metadata. */
  async deleteMetadata(secret: SecretLocator): Promise<void> {
    const name = this.secretName(secret);
    await this.store.mutate((state) => deleteSecret(state, this.name, name));
  }

  /** Sets max_versions, cas_required and/or custom_metadata (creates the metadata like Vault does). */
  async updateMetadata(secret: SecretLocator, patch: MetadataPatch): Promise<void> {
    const name = this.secretName(secret);
    await this.store.mutate((state, now) => updateMetadata(state, this.name, name, patch, now));
  }

  /** The local user owns the vault file: every capability on every path. */
  async capabilities(_apiPath: string): Promise<string[]> {
    return [...ALL_CAPABILITIES];
  }

  dispose(): void {
    this.store.dispose();
  }

  private checkNoEngine(engine: string | undefined): void {
    if (engine !== undefined && engine !== '') {
      throw new ProviderError('invalid-request', `The local vault "${this.name}" has no engines; refer to secrets by name only.`);
    }
  }

  private secretName(secret: SecretLocator): string {
    this.checkNoEngine(secret.engine);
    checkSecretName(secret.path);
    return secret.path;
  }
}
