/**
 * The one interface every secret manager implements. The language service never sees a provider:
 * the server asks providers for facts and hands the facts to the service.
 *
 * No method returns a secret value except `readValue`, which exists only for an explicit preview.
 */

import type { EngineInfo, NotFoundReason, ProviderErrorKind, SecretLocator, SecretMetadata } from '../../../shared/src/secretModel';

/** The shapes of secrets, versions and failures live in the neutral module that the language service reads too. */
export type { EngineInfo, NotFoundReason, ProviderErrorKind, SecretLocator, SecretMetadata, VersionInfo } from '../../../shared/src/secretModel';

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
      reason?: NotFoundReason;
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

/** What some providers offer beyond SecretProvider. */
export interface ProviderExtras {
  mountInfo?: (path: string) => Promise<{ mounted: boolean; type?: string; kvVersion?: 1 | 2; path?: string; enclosingMount?: string }>;
  tokenInfo?: () => Promise<{ ttlSeconds: number; renewable: boolean; policies: string[]; expireTime?: string }>;
  /** Cloud providers: key names (undefined = not JSON) and metadata from one value read. */
  describe?: (locator: SecretLocator) => Promise<{ keys: string[] | undefined; metadata: SecretMetadata }>;
  /** Set by a provider whose facts are its own, never shared with another vault at the same address. */
  cacheKey?: string;
}

/** A provider as the server holds it. */
export type LiveProvider = SecretProvider & ProviderExtras;

/**
 * Whether `error` is a ProviderError. Checked by shape, not `instanceof`: each provider is a
 * bundle of its own (loaded lazily), so its ProviderError class is not the server's.
 */
export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof Error && error.name === 'ProviderError' && typeof (error as Partial<ProviderError>).kind === 'string';
}
