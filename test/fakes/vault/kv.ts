/**
 * In-memory KV secrets engine (version 1 and version 2) with the HTTP semantics of Vault's kv
 * plugin: version metadata, soft delete (404 carrying the metadata), destroy, check-and-set,
 * max_versions trimming, subkeys and folder listing.
 */
import {
  type Operation,
  type Reply,
  badRequest,
  noContent,
  notFound,
  ok,
  unsupportedOperation,
  unsupportedPath,
} from './replies';

export interface KvRequest {
  op: Operation;
  /** Path inside the mount, e.g. `data/app/db`, `metadata/app/` (list paths end with `/`). */
  subPath: string;
  body: Record<string, unknown>;
  query: URLSearchParams;
  contentType: string | undefined;
}

interface KvVersion {
  data: Record<string, unknown> | null;
  createdTime: string;
  /** RFC 3339 time, or '' when not deleted (Vault's wire format). */
  deletionTime: string;
  destroyed: boolean;
}

interface KvEntry {
  versions: Map<number, KvVersion>;
  currentVersion: number;
  oldestVersion: number;
  createdTime: string;
  updatedTime: string;
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfter: number;
  customMetadata: Record<string, string> | null;
}

/** Vault's kv v1 reads report the mount's default lease TTL (768h). */
const KV1_LEASE_SECONDS = 2764800;
const DEFAULT_MAX_VERSIONS = 10;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const clone = <T>(v: T): T => structuredClone(v);

function listKeys(allKeys: Iterable<string>, prefix: string): string[] {
  const out = new Set<string>();
  for (const key of allKeys) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    if (rest === '') continue;
    const slash = rest.indexOf('/');
    out.add(slash < 0 ? rest : rest.slice(0, slash + 1));
  }
  return [...out].sort();
}

function listReply(keys: string[]): Reply {
  // Vault's HTTP layer turns an empty list into a bare 404.
  return keys.length === 0 ? notFound() : ok({ keys });
}

function parseVersions(body: Record<string, unknown>): number[] | Reply {
  const raw = body.versions;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : raw === undefined ? [] : [raw];
  const versions = list.map((v) => Number(v)).filter((v) => Number.isInteger(v) && v > 0);
  if (versions.length === 0) return badRequest('no version number provided');
  return versions;
}

export class KvEngine {
  readonly v1 = new Map<string, Record<string, unknown>>();
  readonly v2 = new Map<string, KvEntry>();
  /** Engine-level config (`<mount>/config`). */
  readonly config = { maxVersions: 0, casRequired: false, deleteVersionAfter: 0 };

  constructor(
    readonly version: 1 | 2,
    private readonly now: () => Date,
  ) {}

  private iso(): string {
    return this.now().toISOString();
  }

  /** Existence check used to pick `create` vs `update` for POST/PUT, like Vault's ExistenceCheck. */
  exists(subPath: string): boolean {
    if (this.version === 1) return this.v1.has(subPath);
    const m = /^(data|metadata)\/(.+)$/.exec(subPath);
    if (m) return this.v2.has(m[2]!);
    return true; // paths without an existence check are always "update"
  }

  // ---------------------------------------------------------------- setup helpers (tests)

  putV1(path: string, data: Record<string, unknown>): void {
    this.v1.set(path, clone(data));
  }

  putV2(path: string, data: Record<string, unknown>, customMetadata?: Record<string, string>): number {
    const entry = this.entryFor(path);
    if (customMetadata) entry.customMetadata = { ...customMetadata };
    return this.addVersion(path, entry, data);
  }

  entry(path: string): KvEntry | undefined {
    return this.v2.get(path);
  }

  entryFor(path: string): KvEntry {
    let entry = this.v2.get(path);
    if (!entry) {
      const t = this.iso();
      entry = {
        versions: new Map(),
        currentVersion: 0,
        oldestVersion: 0,
        createdTime: t,
        updatedTime: t,
        maxVersions: 0,
        casRequired: false,
        deleteVersionAfter: 0,
        customMetadata: null,
      };
      this.v2.set(path, entry);
    }
    return entry;
  }

  softDelete(path: string, versions: number[]): void {
    const entry = this.v2.get(path);
    if (!entry) return;
    const t = this.iso();
    for (const n of versions) {
      const v = entry.versions.get(n);
      if (v && !v.destroyed && v.deletionTime === '') v.deletionTime = t;
    }
  }

  undelete(path: string, versions: number[]): void {
    const entry = this.v2.get(path);
    if (!entry) return;
    for (const n of versions) {
      const v = entry.versions.get(n);
      if (v && !v.destroyed) v.deletionTime = '';
    }
  }

  destroy(path: string, versions: number[]): void {
    const entry = this.v2.get(path);
    if (!entry) return;
    for (const n of versions) {
      const v = entry.versions.get(n);
      if (v) {
        v.destroyed = true;
        v.data = null;
      }
    }
  }

  private addVersion(path: string, entry: KvEntry, data: Record<string, unknown>): number {
    const t = this.iso();
    entry.currentVersion += 1;
    entry.versions.set(entry.currentVersion, { data: clone(data), createdTime: t, deletionTime: '', destroyed: false });
    entry.updatedTime = t;
    if (!this.v2.has(path)) this.v2.set(path, entry);
    this.trim(entry);
    return entry.currentVersion;
  }

  /** Drops the oldest versions beyond max_versions (key setting, else engine config, else 10). */
  trim(entry: KvEntry): void {
    const max = entry.maxVersions || this.config.maxVersions || DEFAULT_MAX_VERSIONS;
    if (entry.versions.size <= max) return;
    const versionToDelete = entry.currentVersion - max;
    for (let i = entry.oldestVersion; i <= versionToDelete; i++) entry.versions.delete(i);
    entry.oldestVersion = versionToDelete + 1;
  }

  // ---------------------------------------------------------------- HTTP

  handle(req: KvRequest): Reply {
    return this.version === 1 ? this.handleV1(req) : this.handleV2(req);
  }

  private handleV1(req: KvRequest): Reply {
    const path = req.subPath;
    switch (req.op) {
      case 'list':
        return listReply(listKeys(this.v1.keys(), path));
      case 'read': {
        const data = this.v1.get(path);
        if (!data) return notFound();
        return ok(clone(data), { lease_duration: KV1_LEASE_SECONDS, mount_type: 'kv' });
      }
      case 'write':
        if (path === '' || path.endsWith('/')) return unsupportedPath();
        if (Object.keys(req.body).length === 0) return badRequest('missing data fields');
        this.v1.set(path, clone(req.body));
        return noContent();
      case 'delete':
        this.v1.delete(path);
        return noContent();
      default:
        return unsupportedOperation();
    }
  }

  private versionMetadata(entry: KvEntry, n: number, v: KvVersion): Record<string, unknown> {
    return {
      created_time: v.createdTime,
      custom_metadata: entry.customMetadata ? { ...entry.customMetadata } : null,
      deletion_time: v.deletionTime,
      destroyed: v.destroyed,
      version: n,
    };
  }

  private handleV2(req: KvRequest): Reply {
    const { op, subPath, body, query } = req;
    if (subPath === 'config') {
      if (op === 'read') {
        return ok({
          cas_required: this.config.casRequired,
          delete_version_after: '0s',
          max_versions: this.config.maxVersions,
        });
      }
      if (op === 'write') {
        if (body.max_versions !== undefined) this.config.maxVersions = Number(body.max_versions) || 0;
        if (body.cas_required !== undefined) this.config.casRequired = body.cas_required === true || body.cas_required === 'true';
        return noContent();
      }
      return unsupportedOperation();
    }
    const m = /^(data|metadata|delete|undelete|destroy|subkeys)\/(.*)$/.exec(subPath);
    if (!m) return unsupportedPath();
    const kind = m[1]!;
    const path = m[2]!;
    // `data/` and friends need a secret name; only metadata/ accepts a folder (for LIST).
    if (kind !== 'metadata' && (path === '' || path.endsWith('/'))) return unsupportedPath();

    switch (kind) {
      case 'data':
        if (op === 'read') return this.readData(path, query);
        if (op === 'write') return this.writeData(path, body);
        if (op === 'patch') return this.patchData(path, body, req.contentType);
        if (op === 'delete') {
          const entry = this.v2.get(path);
          if (entry && entry.currentVersion > 0) this.softDelete(path, [entry.currentVersion]);
          return noContent();
        }
        return unsupportedOperation();
      case 'metadata':
        if (op === 'list') return listReply(listKeys(this.v2.keys(), path));
        if (path === '' || path.endsWith('/')) return op === 'read' ? notFound() : unsupportedPath();
        if (op === 'read') return this.readMetadata(path);
        if (op === 'write' || op === 'patch') return this.writeMetadata(path, body, op === 'patch');
        if (op === 'delete') {
          this.v2.delete(path);
          return noContent();
        }
        return unsupportedOperation();
      case 'subkeys':
        if (op !== 'read') return unsupportedOperation();
        return this.readSubkeys(path, query);
      default: {
        if (op !== 'write') return unsupportedOperation();
        const versions = parseVersions(body);
        if (!Array.isArray(versions)) return versions;
        if (kind === 'delete') this.softDelete(path, versions);
        else if (kind === 'undelete') this.undelete(path, versions);
        else this.destroy(path, versions);
        return noContent();
      }
    }
  }

  private pickVersion(path: string, query: URLSearchParams): { entry: KvEntry; n: number; v: KvVersion } | Reply {
    const entry = this.v2.get(path);
    if (!entry) return notFound();
    const raw = query.get('version');
    let n = entry.currentVersion;
    if (raw !== null && raw !== '') {
      const parsed = Number(raw);
      if (!Number.isInteger(parsed)) return badRequest(`error converting input ${raw} for field "version"`);
      if (parsed > 0) n = parsed;
    }
    const v = entry.versions.get(n);
    if (!v) return notFound();
    return { entry, n, v };
  }

  private readData(path: string, query: URLSearchParams): Reply {
    const picked = this.pickVersion(path, query);
    if ('status' in picked) return picked;
    const { entry, n, v } = picked;
    const metadata = this.versionMetadata(entry, n, v);
    if (v.destroyed || v.deletionTime !== '') {
      // Vault answers 404 but still sends the envelope with data: null and the version metadata.
      return ok({ data: null, metadata }, { mount_type: 'kv' }, 404);
    }
    return ok({ data: clone(v.data), metadata }, { mount_type: 'kv' });
  }

  private checkCas(entry: KvEntry | undefined, body: Record<string, unknown>): Reply | undefined {
    const options = isPlainObject(body.options) ? body.options : undefined;
    const current = entry?.currentVersion ?? 0;
    if (options && 'cas' in options) {
      const cas = Number(options.cas);
      if (!Number.isInteger(cas)) return badRequest('error parsing check-and-set parameter');
      if (cas !== current) return badRequest('check-and-set parameter did not match the current version');
    } else if (this.config.casRequired || entry?.casRequired) {
      return badRequest('check-and-set parameter required for this call');
    }
    return undefined;
  }

  private writeData(path: string, body: Record<string, unknown>): Reply {
    if (!('data' in body) || body.data === null) return badRequest('no data provided');
    if (!isPlainObject(body.data)) return badRequest(`error converting input for field "data": expected a map`);
    const existing = this.v2.get(path);
    const casError = this.checkCas(existing, body);
    if (casError) return casError;
    const entry = existing ?? this.entryFor(path);
    const n = this.addVersion(path, entry, body.data);
    const v = entry.versions.get(n)!;
    return ok(this.versionMetadata(entry, n, v), { mount_type: 'kv' });
  }

  private patchData(path: string, body: Record<string, unknown>, contentType: string | undefined): Reply {
    if (!contentType || !contentType.toLowerCase().startsWith('application/merge-patch+json')) {
      return { status: 415, body: { errors: [`PATCH requires Content-Type of application/merge-patch+json, provided ${contentType ?? ''}`] } };
    }
    if (!isPlainObject(body.data)) return badRequest('no data provided');
    const entry = this.v2.get(path);
    if (!entry) return notFound();
    const casError = this.checkCas(entry, body);
    if (casError) return casError;
    const current = entry.versions.get(entry.currentVersion);
    if (!current) return notFound();
    if (current.destroyed || current.deletionTime !== '') {
      return ok(this.versionMetadata(entry, entry.currentVersion, current), {}, 404);
    }
    const merged = mergePatch(clone(current.data ?? {}), body.data) as Record<string, unknown>;
    const n = this.addVersion(path, entry, merged);
    return ok(this.versionMetadata(entry, n, entry.versions.get(n)!), { mount_type: 'kv' });
  }

  private readMetadata(path: string): Reply {
    const entry = this.v2.get(path);
    if (!entry) return notFound();
    const versions: Record<string, unknown> = {};
    for (const [n, v] of [...entry.versions].sort((a, b) => a[0] - b[0])) {
      versions[String(n)] = { created_time: v.createdTime, deletion_time: v.deletionTime, destroyed: v.destroyed };
    }
    return ok(
      {
        cas_required: entry.casRequired,
        created_time: entry.createdTime,
        current_version: entry.currentVersion,
        custom_metadata: entry.customMetadata ? { ...entry.customMetadata } : null,
        delete_version_after: '0s',
        max_versions: entry.maxVersions,
        oldest_version: entry.oldestVersion,
        updated_time: entry.updatedTime,
        versions,
      },
      { mount_type: 'kv' },
    );
  }

  private writeMetadata(path: string, body: Record<string, unknown>, patch: boolean): Reply {
    if (patch && !this.v2.has(path)) return notFound();
    const entry = this.entryFor(path);
    if (body.max_versions !== undefined) entry.maxVersions = Number(body.max_versions) || 0;
    if (body.cas_required !== undefined) entry.casRequired = body.cas_required === true || body.cas_required === 'true';
    if (body.custom_metadata !== undefined) {
      if (!isPlainObject(body.custom_metadata)) return badRequest('custom_metadata validation failed: expected a map');
      const next: Record<string, string> = patch && entry.customMetadata ? { ...entry.customMetadata } : {};
      for (const [k, v] of Object.entries(body.custom_metadata)) {
        if (v === null && patch) delete next[k];
        else next[k] = String(v);
      }
      entry.customMetadata = next;
    }
    entry.updatedTime = this.iso();
    this.trim(entry);
    return noContent();
  }

  private readSubkeys(path: string, query: URLSearchParams): Reply {
    const picked = this.pickVersion(path, query);
    if ('status' in picked) return picked;
    const { entry, n, v } = picked;
    const metadata = this.versionMetadata(entry, n, v);
    if (v.destroyed || v.deletionTime !== '') return ok({ subkeys: null, metadata }, { mount_type: 'kv' }, 404);
    const depthRaw = query.get('depth');
    const maxDepth = depthRaw === null || depthRaw === '' ? 0 : Number(depthRaw);
    if (!Number.isInteger(maxDepth) || maxDepth < 0) return badRequest('depth must be a non-negative integer');
    return ok({ subkeys: stripValues(v.data ?? {}, maxDepth, 1), metadata }, { mount_type: 'kv' });
  }
}

/** Replaces leaves (non-maps and empty maps) with null; maps at `maxDepth` become leaves too. */
function stripValues(obj: Record<string, unknown>, maxDepth: number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const descend = isPlainObject(v) && Object.keys(v).length > 0 && (maxDepth === 0 || depth < maxDepth);
    out[k] = descend ? stripValues(v as Record<string, unknown>, maxDepth, depth + 1) : null;
  }
  return out;
}

/** RFC 7396 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}
