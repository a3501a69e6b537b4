/**
 * The secret store of the fake Key Vault: secrets with versions, per-version attributes (enabled,
 * nbf, exp, created, updated as epoch seconds), content type and tags, and the soft-deleted state.
 *
 * Key Vault facts reproduced here:
 * - Secret names are case-insensitive (`^[0-9a-zA-Z-]{1,127}$`); the name keeps the casing it was
 *   created with. Version ids are 32 lowercase hex characters, compared case-insensitively.
 * - Every PUT creates a new version; the latest version is the one created last. Tags, content type
 *   and attributes belong to a version (a new version does not inherit them).
 * - A soft-deleted secret is invisible to GET/LIST (404) and blocks PUT with 409 until purged or recovered.
 */
import { randomBytes } from 'node:crypto';

export interface VersionRecord {
  /** 32 hex characters. */
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  /** Epoch seconds. */
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

export interface SecretRecord {
  name: string;
  /** In creation order: the last one is the latest. */
  versions: VersionRecord[];
  deleted?: { deletedDate: number; scheduledPurgeDate: number };
}

export interface VersionAttributes {
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
}

export const NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION_PATTERN = /^[0-9a-fA-F]{32}$/;

const toEpoch = (d: Date | undefined): number | undefined => (d === undefined ? undefined : Math.floor(d.getTime() / 1000));

export class SecretStore {
  private readonly secrets = new Map<string, SecretRecord>();

  constructor(private readonly nowSeconds: () => number) {}

  static newVersionId(): string {
    return randomBytes(16).toString('hex');
  }

  static isVersionId(v: string): boolean {
    return VERSION_PATTERN.test(v);
  }

  /** The secret, deleted or not. */
  record(name: string): SecretRecord | undefined {
    return this.secrets.get(name.toLowerCase());
  }

  /** The secret when it exists and is not soft-deleted. */
  live(name: string): SecretRecord | undefined {
    const r = this.record(name);
    return r && !r.deleted ? r : undefined;
  }

  /** Live secrets sorted by name (case-insensitive), like Key Vault's listing. */
  liveSecrets(): SecretRecord[] {
    return [...this.secrets.values()]
      .filter((r) => !r.deleted && r.versions.length > 0)
      .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
  }

  latest(r: SecretRecord): VersionRecord | undefined {
    return r.versions[r.versions.length - 1];
  }

  findVersion(r: SecretRecord, version: string): VersionRecord | undefined {
    const v = version.toLowerCase();
    return r.versions.find((x) => x.version === v);
  }

  /** Adds a version (creating the secret); throws when the secret is soft-deleted. */
  addVersion(name: string, value: string, attrs: VersionAttributes = {}, versionId?: string): VersionRecord {
    let r = this.record(name);
    if (r?.deleted) throw new Error(`secret ${name} is soft-deleted`);
    if (!r) {
      r = { name, versions: [] };
      this.secrets.set(name.toLowerCase(), r);
    }
    const now = this.nowSeconds();
    const rec: VersionRecord = {
      version: (versionId ?? SecretStore.newVersionId()).toLowerCase(),
      value,
      enabled: attrs.enabled ?? true,
      created: now,
      updated: now,
      ...(attrs.contentType !== undefined ? { contentType: attrs.contentType } : {}),
      ...(attrs.tags !== undefined ? { tags: { ...attrs.tags } } : {}),
      ...(attrs.notBefore !== undefined ? { nbf: toEpoch(attrs.notBefore)! } : {}),
      ...(attrs.expiresOn !== undefined ? { exp: toEpoch(attrs.expiresOn)! } : {}),
    };
    r.versions.push(rec);
    return rec;
  }

  /** Changes attributes of a version (default: the latest), like PATCH /secrets/{name}/{version}. */
  updateVersion(name: string, version: string | undefined, patch: VersionAttributes & { notBefore?: Date | null; expiresOn?: Date | null }): void {
    const r = this.live(name);
    if (!r) throw new Error(`no secret ${name}`);
    const v = version === undefined ? this.latest(r) : this.findVersion(r, version);
    if (!v) throw new Error(`no version ${version} of ${name}`);
    if (patch.enabled !== undefined) v.enabled = patch.enabled;
    if (patch.contentType !== undefined) v.contentType = patch.contentType;
    if (patch.tags !== undefined) v.tags = { ...patch.tags };
    if (patch.notBefore === null) delete v.nbf;
    else if (patch.notBefore !== undefined) v.nbf = toEpoch(patch.notBefore)!;
    if (patch.expiresOn === null) delete v.exp;
    else if (patch.expiresOn !== undefined) v.exp = toEpoch(patch.expiresOn)!;
    v.updated = this.nowSeconds();
  }

  softDelete(name: string): void {
    const r = this.live(name);
    if (!r) throw new Error(`no secret ${name}`);
    const now = this.nowSeconds();
    r.deleted = { deletedDate: now, scheduledPurgeDate: now + 90 * 24 * 3600 };
  }

  recover(name: string): void {
    const r = this.record(name);
    if (r) delete r.deleted;
  }

  purge(name: string): void {
    this.secrets.delete(name.toLowerCase());
  }
}
