/**
 * In-memory KV secrets engine (version 1 and version 2) with the HTTP semantics of Vault's kv
 * plugin: version metadata, soft delete (404 carrying the metadata), destroy, check-and-set,
 * max_versions trimming, subkeys and folder listing.
 *
 * Sources (hashicorp/vault-plugin-secrets-kv): backend.go (the paths, in the order the framework
 * tries them, `pathInvalid` last), path_data.go (pathDataRead / pathDataWrite / pathDataDelete,
 * KeyMetadata.AddVersion, validateCheckAndSetOption), path_metadata.go (pathMetadataRead /
 * pathMetadataWrite / pathMetadataList), path_subkeys.go (pathSubkeysRead, removeValues),
 * path_delete.go and path_destroy.go, passthrough.go (KV v1). A 404 that the plugin builds with
 * `logical.RespondWithStatusCode` is the whole response envelope marshalled inside the plugin, so
 * its `mount_type` is "" (the router sets it only on responses it marshals itself).
 */
import { type Operation, type Reply, badRequest, noContent, notFound, ok, unsupportedOperation } from './replies';

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
  // path_delete.go pathDeleteWrite / pathUndeleteWrite, path_destroy.go pathDestroyWrite.
  if (versions.length === 0) return badRequest('No version number provided');
  return versions;
}

/** A 404 built with logical.RespondWithStatusCode inside the plugin: the envelope, mount_type "". */
function pluginNotFound(data: unknown, warnings: string[] | null = null): Reply {
  return ok(data, { warnings, mount_type: '' }, 404);
}

const CLI_VERB: Record<Operation, string> = { write: 'put', patch: 'patch', read: 'get', list: 'list', delete: 'delete' };

/**
 * backend.go pathInvalid: the catch-all of a KV v2 mount, for any path the real endpoints do not
 * match (a path without `data/`, `data/` with nothing after it, a LIST under `data/`...): 404,
 * `data: null` and one warning, no `errors`.
 */
function invalidKv2Path(op: Operation, subPath: string): Reply {
  if (['metadata', 'data', 'delete', 'undelete', 'destroy'].includes(subPath)) {
    return pluginNotFound(null, ['Non-listing operations on the root of a K/V v2 mount are not supported.']);
  }
  return pluginNotFound(null, [
    `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${CLI_VERB[op]}' for this operation.`,
  ]);
}

export class KvEngine {
  readonly v1 = new Map<string, Record<string, unknown>>();
  readonly v2 = new Map<string, KvEntry>();
  /** Engine-level config (`<mount>/config`). */
  readonly config = { maxVersions: 0, casRequired: false, deleteVersionAfter: 0 };

  constructor(
    readonly version: 1 | 2,
    private readonly now: () => Date,
    /** False for a KV plugin older than the subkeys endpoint (Vault before 1.10): subkeys/ falls to pathInvalid. */
    private readonly subkeys = true,
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

  /**
   * path_data.go KeyMetadata.AddVersion: the new version, then the sliding window of
   * max(key max_versions, engine max_versions) or 10: once current - oldest reaches it, versions
   * oldest..current-max go and oldest becomes current-max+1 (so after the 10th write of a key,
   * oldest_version is 1).
   */
  private addVersion(path: string, entry: KvEntry, data: Record<string, unknown>): number {
    const t = this.iso();
    entry.currentVersion += 1;
    entry.versions.set(entry.currentVersion, { data: clone(data), createdTime: t, deletionTime: '', destroyed: false });
    entry.updatedTime = t;
    if (!this.v2.has(path)) this.v2.set(path, entry);
    const max = Math.max(entry.maxVersions, this.config.maxVersions) || DEFAULT_MAX_VERSIONS;
    if (entry.currentVersion - entry.oldestVersion >= max) {
      const versionToDelete = entry.currentVersion - max;
      for (let i = entry.oldestVersion; i <= versionToDelete; i++) entry.versions.delete(i);
      entry.oldestVersion = versionToDelete + 1;
    }
    return entry.currentVersion;
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
        // passthrough.go handleWrite.
        if (path === '') return badRequest('missing path');
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
    const m = (this.subkeys ? /^(data|metadata|delete|undelete|destroy|subkeys)\/(.*)$/ : /^(data|metadata|delete|undelete|destroy)\/(.*)$/).exec(subPath);
    if (!m) return invalidKv2Path(op, subPath);
    const kind = m[1]!;
    const path = m[2]!;
    // `data/` takes a name that does not end with `/` (matchAllNoTrailingSlashRegex); the other
    // patterns match anything, an empty name included.
    if (kind === 'data' && (path === '' || path.endsWith('/'))) return invalidKv2Path(op, subPath);

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
        if (path === '' && (op === 'write' || op === 'patch')) return badRequest('missing path');
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
      return pluginNotFound({ data: null, metadata });
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
      return pluginNotFound(this.versionMetadata(entry, entry.currentVersion, current));
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

  /**
   * path_metadata.go pathMetadataWrite: no known field → nothing at all (204, no key created);
   * the fields are set as given (custom_metadata replaced whole); neither updated_time nor the
   * versions change (a lower max_versions trims at the next write, in AddVersion).
   */
  private writeMetadata(path: string, body: Record<string, unknown>, patch: boolean): Reply {
    if (patch && !this.v2.has(path)) return notFound();
    const known = ['max_versions', 'cas_required', 'delete_version_after', 'custom_metadata'].some((k) => body[k] !== undefined);
    if (!known) return noContent();
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
    return noContent();
  }

  private readSubkeys(path: string, query: URLSearchParams): Reply {
    const picked = this.pickVersion(path, query);
    if ('status' in picked) return picked;
    const { entry, n, v } = picked;
    const metadata = this.versionMetadata(entry, n, v);
    if (v.destroyed || v.deletionTime !== '') return pluginNotFound({ subkeys: null, metadata });
    const depthRaw = query.get('depth');
    const maxDepth = depthRaw === null || depthRaw === '' ? 0 : Number(depthRaw);
    // A TypeInt field: text that is not a number is refused; any number is taken (a negative one
    // makes every key a leaf, like removeValues does).
    if (!Number.isInteger(maxDepth)) return badRequest(`error converting input ${depthRaw} for field "depth"`);
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
