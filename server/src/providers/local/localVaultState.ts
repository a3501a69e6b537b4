/**
 * The decrypted content of a local vault and its KV v2 semantics (versions, check-and-set, soft
 * delete, destroy, undelete, max_versions pruning). Pure: no I/O, the clock is passed in.
 *
 * Secrets are kept in a Map (names are user input; a plain object would be open to `__proto__`).
 * Error messages name secrets and versions, never values.
 */
import { ProviderError, type SecretMetadata } from '../secretProvider';

export const DEFAULT_MAX_VERSIONS = 10;

export interface StoredVersion {
  version: number;
  createdTime: string;
  /** ISO time of a soft delete; absent when not deleted. */
  deletionTime?: string;
  destroyed?: boolean;
  /** Absent once destroyed. */
  data?: Record<string, string>;
}

export interface StoredSecret {
  createdTime: string;
  updatedTime: string;
  /** 0 while the secret only has metadata. */
  currentVersion: number;
  maxVersions: number;
  casRequired: boolean;
  customMetadata: Record<string, string>;
  /** Kept versions, ascending. */
  versions: StoredVersion[];
}

export type VaultState = Map<string, StoredSecret>;

export interface MetadataPatch {
  /** 0 restores the default (10). Lowering it prunes old versions at once. */
  maxVersions?: number;
  casRequired?: boolean;
  /** Replaces the custom metadata. */
  customMetadata?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Validation of caller input

/** Throws `invalid-request` unless `name` is a usable secret name (segments separated by `/`). */
export function checkSecretName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new ProviderError('invalid-request', 'A secret name is required.');
  if (name.length > 1024) throw new ProviderError('invalid-request', 'The secret name is longer than 1024 characters.');
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new ProviderError('invalid-request', 'The secret name contains a control character.');
  const segments = name.split('/');
  if (segments.some((s) => s.length === 0)) {
    throw new ProviderError('invalid-request', `The secret name "${name}" must not start or end with "/" or contain "//".`);
  }
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new ProviderError('invalid-request', `The secret name "${name}" must not contain "." or ".." segments.`);
  }
}

/** A version pin: undefined = current; otherwise a positive integer (number or decimal string). */
export function parseVersionPin(version: number | string | undefined): number | undefined {
  if (version === undefined) return undefined;
  const n = typeof version === 'number' ? version : /^[0-9]+$/.test(version) ? Number(version) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ProviderError('invalid-request', `A local vault version must be a positive integer (got ${JSON.stringify(String(version))}).`);
  }
  return n;
}

/** Checks secret data: a record of string values. Never echoes a value. */
export function checkData(data: Record<string, string>): Record<string, string> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ProviderError('invalid-request', 'Secret data must be an object of string values.');
  }
  const entries = Object.entries(data);
  for (const [key, value] of entries) {
    if (key.length === 0) throw new ProviderError('invalid-request', 'Secret data has an empty key name.');
    if (typeof value !== 'string') throw new ProviderError('invalid-request', `The value of key "${key}" must be a string.`);
  }
  return Object.fromEntries(entries);
}

function checkStringRecord(record: Record<string, string>, what: string): Record<string, string> {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new ProviderError('invalid-request', `${what} must be an object of string values.`);
  }
  const entries = Object.entries(record);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw new ProviderError('invalid-request', `${what}: the value of "${key}" must be a string.`);
  }
  return Object.fromEntries(entries);
}

// ---------------------------------------------------------------------------------------------
// Queries

function notFound(vault: string, name: string): ProviderError {
  return new ProviderError('not-found', `The local vault "${vault}" has no secret "${name}".`);
}

export function getSecret(state: VaultState, vault: string, name: string): StoredSecret {
  const secret = state.get(name);
  if (!secret) throw notFound(vault, name);
  return secret;
}

/** The readable version `pin` (or the current one) of a secret, with its data. */
export function readVersion(
  state: VaultState,
  vault: string,
  name: string,
  pin: number | undefined,
): { version: number; createdTime: string; data: Record<string, string> } {
  const secret = getSecret(state, vault, name);
  if (secret.currentVersion === 0 && pin === undefined) throw notFound(vault, name);
  const wanted = pin ?? secret.currentVersion;
  const stored = secret.versions.find((v) => v.version === wanted);
  if (!stored) {
    const oldest = secret.versions[0]?.version;
    const kept = oldest === undefined ? 'no versions are kept' : `versions ${oldest} to ${secret.currentVersion} are kept`;
    throw new ProviderError('version-not-found', `Secret "${name}" in the local vault "${vault}" has no version ${wanted} (${kept}).`);
  }
  if (stored.destroyed || !stored.data) {
    throw new ProviderError('destroyed', `Version ${wanted} of secret "${name}" in the local vault "${vault}" was destroyed; its data is gone.`);
  }
  if (stored.deletionTime) {
    throw new ProviderError(
      'deleted',
      `Version ${wanted} of secret "${name}" in the local vault "${vault}" was deleted on ${stored.deletionTime}; undelete it to read it again.`,
      { deletionTime: stored.deletionTime },
    );
  }
  return { version: wanted, createdTime: stored.createdTime, data: { ...stored.data } };
}

export function toMetadata(secret: StoredSecret): SecretMetadata {
  return {
    currentVersion: secret.currentVersion,
    createdTime: secret.createdTime,
    updatedTime: secret.updatedTime,
    versions: secret.versions.map((v) => ({
      version: v.version,
      createdTime: v.createdTime,
      ...(v.deletionTime ? { deletionTime: v.deletionTime } : {}),
      destroyed: v.destroyed === true,
    })),
    customMetadata: { ...secret.customMetadata },
    maxVersions: secret.maxVersions,
    casRequired: secret.casRequired,
  };
}

/** Normalises a folder: '' for the top, otherwise without a leading '/' and with a trailing '/'. */
export function normalizeFolder(folder: string): string {
  const trimmed = folder.replace(/^\/+/, '');
  if (trimmed === '') return '';
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/** Names directly under `folder`, like a Vault LIST: sub-folders end with '/'. Sorted. */
export function listNames(state: VaultState, folder: string): string[] {
  const prefix = normalizeFolder(folder);
  const out = new Set<string>();
  for (const name of state.keys()) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const slash = rest.indexOf('/');
    out.add(slash < 0 ? rest : rest.slice(0, slash + 1));
  }
  out.delete('');
  return [...out].sort();
}

// ---------------------------------------------------------------------------------------------
// Mutations (in place)

function prune(secret: StoredSecret): void {
  const max = secret.maxVersions > 0 ? secret.maxVersions : DEFAULT_MAX_VERSIONS;
  const oldestKept = secret.currentVersion - max + 1;
  secret.versions = secret.versions.filter((v) => v.version >= oldestKept);
}

/**
 * Writes a new version (KV v2 semantics). `cas` is the version the writer last saw, 0 = the secret
 * must not exist yet. Returns the new version number.
 */
export function applyWrite(
  state: VaultState,
  vault: string,
  name: string,
  data: Record<string, string>,
  cas: number | undefined,
  now: string,
): number {
  checkSecretName(name);
  const clean = checkData(data);
  if (cas !== undefined && (!Number.isSafeInteger(cas) || cas < 0)) {
    throw new ProviderError('invalid-request', `The check-and-set version must be a non-negative integer (got ${String(cas)}).`);
  }
  const existing = state.get(name);
  const current = existing?.currentVersion ?? 0;
  if (existing?.casRequired && cas === undefined) {
    throw new ProviderError('invalid-request', `Secret "${name}" in the local vault "${vault}" requires check-and-set: give the version you last read.`);
  }
  if (cas !== undefined && cas !== current) {
    const expected = cas === 0 ? 'expected it not to exist' : `expected version ${cas}`;
    const actual = current === 0 ? 'it does not exist' : `its current version is ${current}`;
    throw new ProviderError('cas-conflict', `Check-and-set failed for secret "${name}" in the local vault "${vault}": ${expected}, but ${actual}.`);
  }
  const secret: StoredSecret = existing ?? {
    createdTime: now,
    updatedTime: now,
    currentVersion: 0,
    maxVersions: DEFAULT_MAX_VERSIONS,
    casRequired: false,
    customMetadata: {},
    versions: [],
  };
  const version = current + 1;
  secret.currentVersion = version;
  secret.updatedTime = now;
  secret.versions.push({ version, createdTime: now, data: clean });
  prune(secret);
  state.set(name, secret);
  return version;
}

function targetVersions(secret: StoredSecret, versions: number[] | undefined, vault: string, name: string, what: string): number[] {
  if (versions === undefined) {
    if (secret.currentVersion === 0) throw notFound(vault, name);
    return [secret.currentVersion];
  }
  if (!Array.isArray(versions) || versions.length === 0) {
    throw new ProviderError('invalid-request', `Give the versions to ${what}.`);
  }
  for (const v of versions) parseVersionPin(v);
  return versions;
}

/** Soft-deletes versions (default: the current one). Missing, destroyed or already deleted versions are left as they are. */
export function softDelete(state: VaultState, vault: string, name: string, versions: number[] | undefined, now: string): void {
  const secret = getSecret(state, vault, name);
  const targets = new Set(targetVersions(secret, versions, vault, name, 'delete'));
  for (const v of secret.versions) {
    if (targets.has(v.version) && !v.destroyed && !v.deletionTime) v.deletionTime = now;
  }
  secret.updatedTime = now;
}

/** Undoes a soft delete of versions. Destroyed versions stay destroyed. */
export function undelete(state: VaultState, vault: string, name: string, versions: number[], now: string): void {
  const secret = getSecret(state, vault, name);
  const targets = new Set(targetVersions(secret, versions, vault, name, 'undelete'));
  for (const v of secret.versions) {
    if (targets.has(v.version) && !v.destroyed) delete v.deletionTime;
  }
  secret.updatedTime = now;
}

/** Permanently removes the data of versions; their metadata stays, marked destroyed. */
export function destroy(state: VaultState, vault: string, name: string, versions: number[], now: string): void {
  const secret = getSecret(state, vault, name);
  const targets = new Set(targetVersions(secret, versions, vault, name, 'destroy'));
  for (const v of secret.versions) {
    if (targets.has(v.version)) {
      v.destroyed = true;
      delete v.data;
    }
  }
  secret.updatedTime = now;
}

/** Removes a secret with all its versions and metadata. */
export function deleteSecret(state: VaultState, vault: string, name: string): void {
  getSecret(state, vault, name);
  state.delete(name);
}

/** Updates (or creates, like Vault) a secret's metadata. */
export function updateMetadata(state: VaultState, _vault: string, name: string, patch: MetadataPatch, now: string): void {
  checkSecretName(name);
  if (patch.maxVersions !== undefined && (!Number.isSafeInteger(patch.maxVersions) || patch.maxVersions < 0)) {
    throw new ProviderError('invalid-request', `max_versions must be a non-negative integer (got ${String(patch.maxVersions)}).`);
  }
  const custom = patch.customMetadata === undefined ? undefined : checkStringRecord(patch.customMetadata, 'Custom metadata');
  let secret = state.get(name);
  if (!secret) {
    secret = { createdTime: now, updatedTime: now, currentVersion: 0, maxVersions: DEFAULT_MAX_VERSIONS, casRequired: false, customMetadata: {}, versions: [] };
    state.set(name, secret);
  }
  if (patch.maxVersions !== undefined) secret.maxVersions = patch.maxVersions === 0 ? DEFAULT_MAX_VERSIONS : patch.maxVersions;
  if (patch.casRequired !== undefined) secret.casRequired = patch.casRequired === true;
  if (custom !== undefined) secret.customMetadata = custom;
  secret.updatedTime = now;
  prune(secret);
}

// ---------------------------------------------------------------------------------------------
// Serialisation of the decrypted content

interface SerializedState {
  secrets: Array<{ name: string } & StoredSecret>;
}

export function serializeState(state: VaultState): string {
  const out: SerializedState = { secrets: [...state].map(([name, secret]) => ({ name, ...secret })) };
  return JSON.stringify(out);
}

function isRecordOfStrings(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

function isIso(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length < 64;
}

/** Parses decrypted content; returns a description of the first problem instead of throwing. */
export function parseState(text: string): VaultState | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'the decrypted content is not JSON';
  }
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as SerializedState).secrets)) return 'the decrypted content has no secret list';
  const state: VaultState = new Map();
  for (const [i, item] of (doc as SerializedState).secrets.entries()) {
    const where = `secret #${i + 1}`;
    if (item === null || typeof item !== 'object') return `${where} is not an object`;
    const { name, createdTime, updatedTime, currentVersion, maxVersions, casRequired, customMetadata, versions } = item;
    if (typeof name !== 'string' || name.length === 0) return `${where} has no name`;
    if (state.has(name)) return `${where} repeats a name`;
    if (!isIso(createdTime) || !isIso(updatedTime)) return `${where} has invalid times`;
    if (!Number.isSafeInteger(currentVersion) || currentVersion < 0) return `${where} has an invalid current version`;
    if (!Number.isSafeInteger(maxVersions) || maxVersions < 1) return `${where} has an invalid max_versions`;
    if (typeof casRequired !== 'boolean') return `${where} has an invalid cas_required`;
    if (!isRecordOfStrings(customMetadata)) return `${where} has invalid custom metadata`;
    if (!Array.isArray(versions)) return `${where} has no version list`;
    const kept: StoredVersion[] = [];
    for (const v of versions as unknown[]) {
      if (v === null || typeof v !== 'object') return `${where} has an invalid version`;
      const { version, createdTime: vc, deletionTime, destroyed, data } = v as StoredVersion;
      if (!Number.isSafeInteger(version) || version < 1 || version > currentVersion) return `${where} has an invalid version number`;
      if (kept.length > 0 && version <= kept[kept.length - 1]!.version) return `${where} has versions out of order`;
      if (!isIso(vc)) return `${where} has a version with an invalid time`;
      if (deletionTime !== undefined && !isIso(deletionTime)) return `${where} has a version with an invalid deletion time`;
      if (destroyed !== undefined && typeof destroyed !== 'boolean') return `${where} has a version with an invalid destroyed flag`;
      if (destroyed !== true && !isRecordOfStrings(data)) return `${where} has a version without data`;
      kept.push({
        version,
        createdTime: vc,
        ...(deletionTime !== undefined ? { deletionTime } : {}),
        ...(destroyed ? { destroyed: true } : {}),
        ...(destroyed !== true && data ? { data: Object.fromEntries(Object.entries(data)) } : {}),
      });
    }
    state.set(name, {
      createdTime,
      updatedTime,
      currentVersion,
      maxVersions,
      casRequired,
      customMetadata: Object.fromEntries(Object.entries(customMetadata)),
      versions: kept,
    });
  }
  return state;
}
