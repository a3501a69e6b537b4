/**
 * The one interface every secret manager implements. The language service never sees a provider:
 * the server asks providers for facts and hands the facts to the service.
 *
 * No method returns a secret value except `readValue`, which exists only for an explicit preview.
 */

/** Where a secret lives. hashicorp: engine + path (path inside the engine, WITHOUT `data/`); others: name. */
export interface SecretLocator {
  engine?: string;
  /** hashicorp: the secret's path inside the engine without the KV v2 `data/` prefix; others: the secret's name. */
  path: string;
  /** A version pin: a positive integer (KV v2, local, GCP) or a version id (AWS, Azure). */
  version?: number | string;
  /** AWS: a staging label (AWSCURRENT when neither version nor stage is given). */
  stage?: string;
  /**
   * hashicorp: the KV version to read with, assumed from the path as written (`data/...` → 2,
   * else 1), when the engine's mount and KV version could not be learned from the server.
   */
  kvVersion?: 1 | 2;
}

export interface EngineInfo {
  path: string;
  type: string;
  /** KV version for kv engines. */
  kvVersion?: 1 | 2;
}

export interface VersionInfo {
  version: number | string;
  createdTime?: string;
  deletionTime?: string;
  destroyed?: boolean;
  /** Azure: the version is disabled; GCP: state DISABLED. */
  disabled?: boolean;
  /** AWS staging labels of this version (AWSCURRENT, AWSPREVIOUS...). */
  stages?: string[];
  /** Azure expiresOn / GCP expireTime of this version, ISO 8601. */
  expiresOn?: string;
}

export interface SecretMetadata {
  currentVersion?: number | string;
  createdTime?: string;
  updatedTime?: string;
  versions: VersionInfo[];
  customMetadata?: Record<string, string>;
  maxVersions?: number;
  casRequired?: boolean;
  /** Cloud providers: description, tags or labels, content type. */
  description?: string;
  tags?: Record<string, string>;
  contentType?: string;
  /** False when the secret (Azure) or the read version (GCP) is disabled. */
  enabled?: boolean;
  /** When the secret (or the read version) expires, ISO 8601 (Azure expiresOn, GCP expireTime). */
  expiresOn?: string;
  notBefore?: string;
  /** AWS: the secret is scheduled for deletion on this date. */
  deletionDate?: string;
  lastChangedDate?: string;
  lastAccessedDate?: string;
  rotation?: { enabled: boolean; nextRotation?: string; period?: string };
  /** Whether the value is a JSON object whose keys `keys()` returns; false for plain text. */
  json?: boolean;
}

export type ProviderErrorKind =
  | 'not-found'
  | 'deleted'
  | 'destroyed'
  /**
   * The secret (or the version read) exists but its state forbids reading it: an AWS secret
   * scheduled for deletion, a disabled Azure secret, a disabled GCP version. The message says which
   * state and the provider's way out.
   */
  | 'disabled'
  | 'version-not-found'
  | 'permission-denied'
  | 'unauthenticated'
  | 'unreachable'
  | 'cas-conflict'
  | 'invalid-request'
  | 'bad-response'
  | 'wrong-key';

/** A failure of a provider, with a message that never holds a secret value or credential. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: {
      apiPath?: string;
      deletionTime?: string;
      cause?: string;
      /** hashicorp, kind not-found: what the 404 said: no engine mounted there, or a KV v2 path without data/. */
      reason?: 'no-mount' | 'kv2-path';
    } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface WriteResult {
  version: number | string;
  /**
   * Set by providers without a conditional write when another version was added between their
   * check-and-set check and the write: the write landed, but it may hide someone else's change.
   */
  casRaced?: true;
}

export interface SecretProvider {
  /** Engines (mounts) the caller can see; [] for providers without engines. */
  listEngines(): Promise<EngineInfo[]>;
  /** The KV version of one engine, or undefined when it is not a KV engine / not mounted. */
  engineVersion(engine: string): Promise<1 | 2 | undefined>;
  /**
   * Names directly under `folder` (folders end with `/`). For providers without folders: all secret
   * names. A cloud provider's listing that its page cap or deadline stopped returns the names read
   * so far with a `cut` property saying so (see listing.ts).
   */
  list(engine: string | undefined, folder: string): Promise<string[]>;
  metadata(secret: SecretLocator): Promise<SecretMetadata>;
  /** Key names of a secret, without values. */
  keys(secret: SecretLocator): Promise<string[]>;
  /** The secret's data. Only for an explicit preview requested by the user. */
  readValue(secret: SecretLocator): Promise<Record<string, unknown> | string>;
  /** Writes a new version. `cas`: the version the writer last saw (0 = must not exist; a version id where versions are ids). */
  write(secret: SecretLocator, data: Record<string, string>, cas?: number | string): Promise<WriteResult>;
  /** The caller's capabilities on an API path (e.g. `secret/data/oracle`). */
  capabilities(apiPath: string): Promise<string[]>;
  dispose(): void;
}

/**
 * Whether `error` is a ProviderError. Checked by shape, not `instanceof`: each provider is a
 * bundle of its own (loaded lazily), so its ProviderError class is not the server's.
 */
export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof Error && error.name === 'ProviderError' && typeof (error as Partial<ProviderError>).kind === 'string';
}
