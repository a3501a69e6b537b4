/**
 * What the language service, the providers and the live facts say about secrets, in one neutral
 * module that imports nothing of either side: the service reads these shapes from `LiveFacts`,
 * providers return them, and the server's live layer carries them from one to the other.
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

/** hashicorp, kind not-found: what the 404 said: no engine mounted there, or a KV v2 path without data/. */
export type NotFoundReason = 'no-mount' | 'kv2-path';
