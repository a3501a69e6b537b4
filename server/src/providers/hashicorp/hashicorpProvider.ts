/**
 * `provider: hashicorp` — HashiCorp Vault through the node-vault client (KV v1 and v2).
 *
 * Locators carry the engine (mount path, may contain slashes) and the secret's path inside it
 * WITHOUT the KV v2 `data/` prefix; the provider builds the API paths itself:
 *   KV v2: data `<engine>/data/<path>`, metadata `<engine>/metadata/<path>`, keys `<engine>/subkeys/<path>`
 *   KV v1: `<engine>/<path>`
 * The KV version of an engine is discovered once (mountInfo) and memoized for the provider's
 * lifetime; `mountInfo`, `engineVersion` and `listEngines` themselves always ask Vault.
 *
 * Values are only returned by `readValue`; `keys` prefers `subkeys` (no values on the wire) and,
 * when it has to read the data, keeps nothing but the key names.
 */
import {
  ProviderError,
  type EngineInfo,
  type SecretLocator,
  type SecretMetadata,
  type SecretProvider,
  type VersionInfo,
  type WriteResult,
} from '../secretProvider';
import { cutListing } from '../../../../shared/src/listing';
import { withDeadline } from '../sessionHelpers';
import { guardCall } from '../transportErrors';
import { type VaultFailure, isKv2InvalidPath, isNoRoute, isPermissionDenied, isUnsupportedPath, toProviderError } from './errors';
import {
  type RenewLookup,
  type RenewOutcome,
  type RenewTimers,
  type TokenEvent,
  TokenRenewer,
  defaultRenewTimers,
} from './tokenRenewer';
import { type CallResult, type HashicorpCredential, type VaultCall, VaultSession } from './vaultSession';

export interface HashicorpProviderOptions {
  /** The vault configuration's `name` (used in messages). */
  vaultName: string;
  /** http(s) URL of Vault. */
  address: string;
  namespace?: string;
  /** PEM text of the CA bundle (already read by the caller). Replaces the default trust store. */
  caCertificate?: string;
  tlsSkipVerify?: boolean;
  /** Per-request timeout. */
  timeoutMs: number;
  credential: HashicorpCredential;
  onTokenEvent?: (e: TokenEvent) => void;
  /** KV versions already known (e.g. declared under `engines:`), keyed by engine path. */
  kvVersions?: Record<string, 1 | 2>;
  /** Timer functions for auto-renewal (tests). Default: unref'd setTimeout. */
  renewTimers?: RenewTimers;
}

export type MountInfo =
  | {
      mounted: false;
      /** Set when the engine path lies inside another mount (e.g. `secret/app` inside `secret`). */
      enclosingMount?: string;
    }
  | { mounted: true; type: string; kvVersion?: 1 | 2; path: string };

export interface HashicorpTokenInfo {
  ttlSeconds: number;
  expireTime?: string;
  renewable: boolean;
  policies: string[];
  displayName?: string;
  explicitMaxTtlSeconds?: number;
}

interface Located {
  engine: string;
  path: string;
  version?: number;
  /** The KV version the caller assumed (the mount could not be looked up): no discovery. */
  assumed?: 1 | 2;
}

/** A LIST answer keeps at most this many names (the rest is reported as "first N of M shown"). */
export const MAX_LIST_KEYS = 1000;
/** One operation (all its requests) ends after this many times the request timeout. */
export const OPERATION_DEADLINE_FACTOR = 3;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const trimSlashes = (s: string): string => s.replace(/^\/+|\/+$/g, '');
/** A 404 that only says "nothing here": no engine-level text, no KV v2 envelope. */
const isBare404 = (f: VaultFailure): boolean => f.status === 404 && !isUnsupportedPath(f) && !isNoRoute(f) && !isKv2InvalidPath(f);
const isFallbackStatus = (f: VaultFailure): boolean =>
  isPermissionDenied(f) || f.status === 404 || f.status === 400 || f.status === 405;

function kvVersionOf(type: string, options: unknown): 1 | 2 | undefined {
  if (type !== 'kv' && type !== 'generic') return undefined;
  return isObject(options) && String(options.version) === '2' ? 2 : 1;
}

function checkSegments(value: string, what: string, vaultName: string): void {
  if (value.split('/').some((s) => s === '.' || s === '..')) {
    throw new ProviderError('invalid-request', `The ${what} for Vault "${vaultName}" must not contain "." or ".." segments.`);
  }
}

export class HashicorpProvider implements SecretProvider {
  readonly vaultName: string;
  private readonly session: VaultSession;
  private readonly renewer: TokenRenewer;
  private readonly onTokenEvent: ((e: TokenEvent) => void) | undefined;
  private readonly kvVersions = new Map<string, Promise<1 | 2>>();
  private autoRenewWanted = false;

  constructor(options: HashicorpProviderOptions) {
    this.vaultName = options.vaultName;
    this.onTokenEvent = options.onTokenEvent;
    this.session = new VaultSession({
      vaultName: options.vaultName,
      address: options.address,
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      ...(options.caCertificate !== undefined ? { caCertificate: options.caCertificate } : {}),
      ...(options.tlsSkipVerify !== undefined ? { tlsSkipVerify: options.tlsSkipVerify } : {}),
      timeoutMs: options.timeoutMs,
      credential: options.credential,
      onLogin: (first) => this.loggedIn(first),
    });
    for (const [engine, version] of Object.entries(options.kvVersions ?? {})) {
      this.kvVersions.set(trimSlashes(engine), Promise.resolve(version));
    }
    this.renewer = new TokenRenewer({
      lookupSelf: () => this.lookupForRenewal(),
      renewSelf: () => this.renewSelf(),
      emit: (e) => this.emit(e),
      timers: options.renewTimers ?? defaultRenewTimers,
    });
  }

  // ================================================================ engines

  /**
   * Where `engine` is mounted, via `sys/internal/ui/mounts/<engine>` (what the Vault CLI uses),
   * falling back to `sys/mounts` when that endpoint is denied or unavailable. `{ mounted: false }`
   * means Vault says there is no such mount; permission-denied means it cannot be told.
   */
  async mountInfo(engine: string): Promise<MountInfo> {
    return this.guard(`looking up the mount of "${trimSlashes(engine ?? '')}"`, async () => {
      const e = this.engineName(engine);
      const uiPath = `sys/internal/ui/mounts/${e}`;
      const ui = await this.session.call({ method: 'read', apiPath: uiPath });
      if (ui.ok) {
        const data = this.objectField(ui.body, 'data', uiPath);
        const type = typeof data.type === 'string' ? data.type : '';
        const path = typeof data.path === 'string' && data.path !== '' ? trimSlashes(data.path) : e;
        if (path !== e) return { mounted: false, enclosingMount: path };
        const kvVersion = kvVersionOf(type, data.options);
        return { mounted: true, type, path: e, ...(kvVersion ? { kvVersion } : {}) };
      }
      if (!isFallbackStatus(ui.failure)) throw this.toError(ui);
      const table = await this.call({ method: 'read', apiPath: 'sys/mounts' }).catch((err: unknown) => {
        if (err instanceof ProviderError && err.kind === 'permission-denied' && isPermissionDenied(ui.failure)) {
          throw new ProviderError(
            'permission-denied',
            `Vault "${this.vaultName}" does not let this token see whether "${e}" is mounted (HTTP 403 from ${uiPath} and sys/mounts).`,
            { apiPath: uiPath },
          );
        }
        throw err;
      });
      const mounts = this.mountTable(table);
      const entry = mounts.get(`${e}/`);
      if (entry) {
        const type = typeof entry.type === 'string' ? entry.type : '';
        const kvVersion = kvVersionOf(type, entry.options);
        return { mounted: true, type, path: e, ...(kvVersion ? { kvVersion } : {}) };
      }
      let enclosing: string | undefined;
      for (const p of mounts.keys()) if (`${e}/`.startsWith(p) && (!enclosing || p.length > enclosing.length)) enclosing = p;
      return enclosing ? { mounted: false, enclosingMount: trimSlashes(enclosing) } : { mounted: false };
    });
  }

  /** KV version of a mounted KV engine; undefined when not mounted or not KV (see mountInfo to tell). */
  async engineVersion(engine: string): Promise<1 | 2 | undefined> {
    const info = await this.mountInfo(engine);
    return info.mounted ? info.kvVersion : undefined;
  }

  /** Secret engines visible to the token (`sys/internal/ui/mounts`, else `sys/mounts`), sorted by path. */
  async listEngines(): Promise<EngineInfo[]> {
    return this.guard('listing the engines', async () => {
      const apiPath = 'sys/internal/ui/mounts';
      const ui = await this.session.call({ method: 'read', apiPath });
      let mounts: Map<string, Record<string, unknown>>;
      if (ui.ok) {
        const data = this.objectField(ui.body, 'data', apiPath);
        mounts = new Map(Object.entries(isObject(data.secret) ? data.secret : {}).filter((kv): kv is [string, Record<string, unknown>] => isObject(kv[1])));
      } else {
        if (!isFallbackStatus(ui.failure)) throw this.toError(ui);
        mounts = this.mountTable(await this.call({ method: 'read', apiPath: 'sys/mounts' }));
      }
      const engines: EngineInfo[] = [];
      for (const [p, entry] of mounts) {
        const type = typeof entry.type === 'string' ? entry.type : '';
        const kvVersion = kvVersionOf(type, entry.options);
        engines.push({ path: trimSlashes(p), type, ...(kvVersion ? { kvVersion } : {}) });
      }
      return engines.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    });
  }

  // ================================================================ secrets

  /** Names directly under `folder` (sub-folders end with `/`); [] for an empty or unknown folder. */
  async list(engine: string | undefined, folder: string): Promise<string[]> {
    return this.guard(`listing ${trimSlashes(engine ?? '')}/${folder ?? ''}`, async () => {
      const e = this.engineName(engine);
      let f = (folder ?? '').replace(/^\/+/, '');
      if (f !== '' && !f.endsWith('/')) f += '/';
      checkSegments(f, 'folder', this.vaultName);
      const version = await this.kvVersion(e);
      const apiPath = version === 2 ? `${e}/metadata/${f}` : `${e}/${f}`;
      const r = await this.session.call({ method: 'list', apiPath });
      if (!r.ok) {
        // An empty folder is a bare 404 (sdk/logical/response_util.go RespondErrorCommon).
        if (isBare404(r.failure)) return [];
        throw this.toError(r);
      }
      const keys = this.objectField(r.body, 'data', apiPath).keys;
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw this.badResponse(apiPath);
      const names = keys as string[];
      return names.length > MAX_LIST_KEYS ? cutListing(names.slice(0, MAX_LIST_KEYS), names.length) : [...names];
    });
  }

  async metadata(secret: SecretLocator): Promise<SecretMetadata> {
    return this.guard(`reading the metadata of ${this.label(secret)}`, async () => {
      const s = this.locate(secret);
      if ((await this.versionFor(s)) === 1) {
        await this.readV1(s); // existence check; the values are dropped here
        return { versions: [] };
      }
      return this.metadataV2(s);
    });
  }

  /**
   * Key names of a secret (the pinned or the current version). KV v2 uses `subkeys` (no values on
   * the wire); when that endpoint is missing (404 "unsupported path", 405) or denied, it reads the
   * data and keeps only the key names.
   */
  async keys(secret: SecretLocator): Promise<string[]> {
    return this.guard(`reading the keys of ${this.label(secret)}`, async () => {
      const s = this.locate(secret);
      if ((await this.versionFor(s)) === 1) return Object.keys(await this.readV1(s));
      const apiPath = `${s.engine}/subkeys/${s.path}`;
      const r = await this.session.call({
        method: 'read',
        apiPath,
        query: { depth: 1, ...(s.version !== undefined ? { version: s.version } : {}) },
      });
      if (r.ok) {
        const subkeys = this.objectField(r.body, 'data', apiPath).subkeys;
        if (!isObject(subkeys)) throw this.badResponse(apiPath);
        return Object.keys(subkeys);
      }
      const f = r.failure;
      // No subkeys endpoint: a KV plugin older than subkeys answers through its catch-all path
      // (the "Invalid path" warning); something in front of Vault may say "unsupported path" or 405.
      let fallback = isUnsupportedPath(f) || isKv2InvalidPath(f) || f.status === 405 || isPermissionDenied(f);
      if (!fallback && isNoRoute(f)) throw this.toError(r);
      if (!fallback && f.status === 404) {
        if (f.kv) throw this.versionError(s, f);
        // A bare 404: find out from the metadata; read the data only if it says the version is live.
        const state = await this.versionState(s);
        if (state !== 'live' && state !== 'unknown') throw state;
        fallback = true;
      }
      if (!fallback) throw this.toError(r);
      return Object.keys(await this.readDataV2(s));
    });
  }

  /** The secret's data (explicit preview only). */
  async readValue(secret: SecretLocator): Promise<Record<string, unknown>> {
    return this.guard(`reading ${this.label(secret)}`, async () => {
      const s = this.locate(secret);
      if ((await this.versionFor(s)) === 1) return this.readV1(s);
      return this.readDataV2(s);
    });
  }

  /** Writes a new version (KV v2, with check-and-set when `cas` is given) or replaces the secret (KV v1, version 0). */
  async write(secret: SecretLocator, data: Record<string, string>, cas?: number): Promise<WriteResult> {
    return this.guard(`writing ${this.label(secret)}`, async () => {
      const s = this.locate({ ...secret, version: undefined });
      if (!isObject(data)) throw new ProviderError('invalid-request', `Secret data for Vault "${this.vaultName}" must be an object.`);
      if (cas !== undefined && (!Number.isInteger(cas) || cas < 0)) {
        throw new ProviderError('invalid-request', 'The check-and-set version must be a non-negative integer.');
      }
      if ((await this.kvVersion(s.engine)) === 1) {
        if (cas !== undefined) {
          throw new ProviderError('invalid-request', `KV v1 engine "${s.engine}" of Vault "${this.vaultName}" has no check-and-set.`);
        }
        await this.call({ method: 'write', apiPath: `${s.engine}/${s.path}`, body: { ...data }, allowEmpty: true });
        return { version: 0 };
      }
      const apiPath = `${s.engine}/data/${s.path}`;
      const body = await this.call({ method: 'write', apiPath, body: { data: { ...data }, ...(cas !== undefined ? { options: { cas } } : {}) } });
      const version = this.objectField(body, 'data', apiPath).version;
      if (typeof version !== 'number') throw this.badResponse(apiPath);
      return { version };
    });
  }

  /** The token's capabilities on an API path (`sys/capabilities-self`). */
  async capabilities(apiPath: string): Promise<string[]> {
    return this.guard('reading the token\'s capabilities', async () => {
      const p = (apiPath ?? '').replace(/^\/+/, '');
      if (p === '') throw new ProviderError('invalid-request', 'An API path is required.');
      const endpoint = 'sys/capabilities-self';
      const body = await this.call({ method: 'write', apiPath: endpoint, body: { paths: [p] } });
      const data = isObject(body?.data) ? body.data : {};
      const caps = data[p] ?? data.capabilities ?? body?.[p] ?? body?.capabilities;
      if (!Array.isArray(caps) || !caps.every((c) => typeof c === 'string')) throw this.badResponse(endpoint);
      return [...(caps as string[])];
    });
  }

  // ================================================================ token

  /** The token's TTL, renewability and policies (`auth/token/lookup-self`); never the token. */
  async tokenInfo(): Promise<HashicorpTokenInfo> {
    return this.guard('looking up the token', async () => {
      const apiPath = 'auth/token/lookup-self';
      const data = this.objectField(await this.call({ method: 'read', apiPath }), 'data', apiPath);
      const ttl = typeof data.ttl === 'number' ? data.ttl : Number(data.ttl);
      if (!Number.isFinite(ttl)) throw this.badResponse(apiPath);
      const policies = Array.isArray(data.policies) ? data.policies.filter((p): p is string => typeof p === 'string') : [];
      return {
        ttlSeconds: ttl,
        ...(typeof data.expire_time === 'string' && data.expire_time !== '' ? { expireTime: data.expire_time } : {}),
        renewable: data.renewable === true,
        policies,
        ...(typeof data.display_name === 'string' ? { displayName: data.display_name } : {}),
        ...(typeof data.explicit_max_ttl === 'number' ? { explicitMaxTtlSeconds: data.explicit_max_ttl } : {}),
      };
    });
  }

  /**
   * Starts renewing the token at ~2/3 of its TTL until its max TTL (see TokenRenewer). Never
   * rejects: when the initial lookup fails, a `cannot-renew` event (code `renew-failed`) says so.
   * An AppRole re-login restarts the cycle for the new token. No-op while already running.
   */
  async startAutoRenew(): Promise<void> {
    this.autoRenewWanted = true;
    await this.renewer.start();
  }

  stopAutoRenew(): void {
    this.autoRenewWanted = false;
    this.renewer.stop();
  }

  dispose(): void {
    this.autoRenewWanted = false;
    this.renewer.stop();
    this.session.dispose();
  }

  // ================================================================ internals: KV

  private async readV1(s: Located): Promise<Record<string, unknown>> {
    if (s.version !== undefined) {
      throw new ProviderError('invalid-request', `KV v1 engine "${s.engine}" of Vault "${this.vaultName}" has no versions.`);
    }
    const apiPath = `${s.engine}/${s.path}`;
    const data = this.objectField(await this.call({ method: 'read', apiPath }), 'data', apiPath);
    return data;
  }

  private async readDataV2(s: Located): Promise<Record<string, unknown>> {
    const apiPath = `${s.engine}/data/${s.path}`;
    const r = await this.session.call({ method: 'read', apiPath, ...(s.version !== undefined ? { query: { version: s.version } } : {}) });
    if (!r.ok) {
      if (!isBare404(r.failure) && !r.failure.kv) throw this.toError(r);
      if (r.failure.kv) throw this.versionError(s, r.failure);
      const state = await this.versionState(s);
      throw state instanceof ProviderError ? state : this.notFound(s);
    }
    const outer = this.objectField(r.body, 'data', apiPath);
    const data = outer.data;
    if (isObject(data)) return data;
    // Read as written with KV v2 assumed, a KV v1 engine with a folder named `data` answers with
    // the secret itself (no data/metadata envelope).
    if (s.assumed === 2 && !('metadata' in outer)) return outer;
    throw this.badResponse(apiPath);
  }

  private async metadataV2(s: Located): Promise<SecretMetadata> {
    const apiPath = `${s.engine}/metadata/${s.path}`;
    const r = await this.session.call({ method: 'read', apiPath });
    if (!r.ok) throw isBare404(r.failure) ? this.notFound(s) : this.toError(r);
    const d = this.objectField(r.body, 'data', apiPath);
    const versions: VersionInfo[] = [];
    if (isObject(d.versions)) {
      for (const [key, v] of Object.entries(d.versions)) {
        const n = Number(key);
        if (!Number.isInteger(n) || !isObject(v)) continue;
        versions.push({
          version: n,
          ...(typeof v.created_time === 'string' ? { createdTime: v.created_time } : {}),
          ...(typeof v.deletion_time === 'string' && v.deletion_time !== '' ? { deletionTime: v.deletion_time } : {}),
          destroyed: v.destroyed === true,
        });
      }
    }
    versions.sort((a, b) => (a.version as number) - (b.version as number));
    const custom: Record<string, string> = {};
    if (isObject(d.custom_metadata)) for (const [k, v] of Object.entries(d.custom_metadata)) custom[k] = String(v);
    return {
      versions,
      ...(typeof d.current_version === 'number' ? { currentVersion: d.current_version } : {}),
      ...(typeof d.created_time === 'string' ? { createdTime: d.created_time } : {}),
      ...(typeof d.updated_time === 'string' ? { updatedTime: d.updated_time } : {}),
      ...(isObject(d.custom_metadata) ? { customMetadata: custom } : {}),
      ...(typeof d.max_versions === 'number' ? { maxVersions: d.max_versions } : {}),
      ...(typeof d.cas_required === 'boolean' ? { casRequired: d.cas_required } : {}),
    };
  }

  /**
   * What the metadata says about the requested version after a bare 404: the error to report, or
   * `live` (the version exists and is readable), or `unknown` (the metadata cannot be read).
   */
  private async versionState(s: Located): Promise<ProviderError | 'live' | 'unknown'> {
    let meta: SecretMetadata;
    try {
      meta = await this.metadataV2(s);
    } catch (e) {
      if (e instanceof ProviderError && e.kind === 'not-found') return e.details.reason ? e : this.notFound(s);
      return 'unknown';
    }
    const current = typeof meta.currentVersion === 'number' ? meta.currentVersion : 0;
    const wanted = s.version ?? current;
    const entry = meta.versions.find((v) => v.version === wanted);
    if (!entry) {
      if (s.version === undefined) return this.notFound(s);
      return new ProviderError(
        'version-not-found',
        `Vault "${this.vaultName}": ${this.display(s)} has no version ${s.version} (current version: ${current}).`,
        { apiPath: `${s.engine}/data/${s.path}` },
      );
    }
    if (entry.destroyed) return this.versionError(s, { messages: [], status: 404, kv: { version: wanted, destroyed: true } });
    if (entry.deletionTime) {
      return this.versionError(s, { messages: [], status: 404, kv: { version: wanted, destroyed: false, deletionTime: entry.deletionTime } });
    }
    return 'live';
  }

  private versionError(s: Located, f: VaultFailure): ProviderError {
    const apiPath = `${s.engine}/data/${s.path}`;
    const version = f.kv?.version ?? s.version;
    const which = version !== undefined ? `version ${version} of ${this.display(s)}` : this.display(s);
    if (f.kv?.destroyed) return new ProviderError('destroyed', `Vault "${this.vaultName}": ${which} was destroyed (HTTP 404).`, { apiPath });
    const deletionTime = f.kv?.deletionTime;
    return new ProviderError(
      'deleted',
      `Vault "${this.vaultName}": ${which} was deleted${deletionTime ? ` at ${deletionTime}` : ''} (HTTP 404).`,
      { apiPath, ...(deletionTime ? { deletionTime } : {}) },
    );
  }

  private notFound(s: Located): ProviderError {
    return new ProviderError('not-found', `Vault "${this.vaultName}" has no secret ${this.display(s)} (HTTP 404).`, {
      apiPath: `${s.engine}/data/${s.path}`,
    });
  }

  /** `secret/data/oracle`: the way users write a KV v2 path. */
  private display(s: Located): string {
    return `${s.engine}/data/${s.path}`;
  }

  private kvVersion(engine: string): Promise<1 | 2> {
    let known = this.kvVersions.get(engine);
    if (!known) {
      known = this.discoverKvVersion(engine);
      this.kvVersions.set(engine, known);
      known.catch(() => this.kvVersions.delete(engine));
    }
    return known;
  }

  private async discoverKvVersion(engine: string): Promise<1 | 2> {
    const info = await this.mountInfo(engine);
    if (!info.mounted) {
      const inside = info.enclosingMount ? ` ("${engine}" lies inside the engine "${info.enclosingMount}")` : '';
      throw new ProviderError('not-found', `No engine is mounted at "${engine}" in Vault "${this.vaultName}"${inside}.`, {
        apiPath: `sys/internal/ui/mounts/${engine}`,
      });
    }
    if (info.kvVersion === undefined) {
      throw new ProviderError('invalid-request', `Engine "${engine}" of Vault "${this.vaultName}" is a ${info.type || 'non-KV'} engine, not KV.`);
    }
    return info.kvVersion;
  }

  private mountTable(body: Record<string, unknown> | undefined): Map<string, Record<string, unknown>> {
    // sys/mounts answers the table under `data` and, for older clients, at the top level too.
    const source = isObject(body?.data) ? body.data : (body ?? {});
    const out = new Map<string, Record<string, unknown>>();
    for (const [k, v] of Object.entries(source)) if (k.endsWith('/') && isObject(v)) out.set(k, v);
    return out;
  }

  // ================================================================ internals: token

  private async lookupForRenewal(): Promise<RenewLookup> {
    const info = await this.tokenInfo();
    return { ttlSeconds: info.ttlSeconds, renewable: info.renewable, ...(info.expireTime ? { expireTime: info.expireTime } : {}) };
  }

  private async renewSelf(): Promise<RenewOutcome> {
    return this.guard('renewing the token', async () => {
      const apiPath = 'auth/token/renew-self';
      const body = await this.call({ method: 'write', apiPath, body: {} });
      const auth = body?.auth;
      if (!isObject(auth) || typeof auth.lease_duration !== 'number') throw this.badResponse(apiPath);
      const warnings = Array.isArray(body?.warnings) ? body.warnings.filter((w): w is string => typeof w === 'string') : [];
      return { ttlSeconds: auth.lease_duration, renewable: auth.renewable !== false, warnings };
    });
  }

  private loggedIn(first: boolean): void {
    this.emit({ kind: 'login', method: 'approle', relogin: !first });
    if (!first && this.autoRenewWanted) {
      // A new token: renew that one from now on.
      this.renewer.stop();
      void this.renewer.start();
    }
  }

  private emit(e: TokenEvent): void {
    try {
      this.onTokenEvent?.(e);
    } catch {
      // a listener's failure is not the provider's
    }
  }

  // ================================================================ internals: plumbing

  /** Runs a call and returns its body, or throws the mapped ProviderError. */
  private async call(req: VaultCall): Promise<Record<string, unknown> | undefined> {
    const r = await this.session.call(req);
    if (!r.ok) throw this.toError(r);
    return r.body;
  }

  private toError(r: Extract<CallResult, { ok: false }>): ProviderError {
    return toProviderError(r.failure, {
      vaultName: this.vaultName,
      origin: this.session.origin,
      apiPath: r.apiPath,
      timeoutMs: this.session.timeoutMs,
      phase: r.phase,
    });
  }

  private badResponse(apiPath: string): ProviderError {
    return new ProviderError('bad-response', `Vault "${this.vaultName}" sent an unexpected response for ${apiPath}.`, { apiPath });
  }

  private objectField(body: Record<string, unknown> | undefined, field: string, apiPath: string): Record<string, unknown> {
    const v = body?.[field];
    if (!isObject(v)) throw this.badResponse(apiPath);
    return v;
  }

  private engineName(engine: string | undefined): string {
    const e = trimSlashes(engine ?? '');
    if (e === '') throw new ProviderError('invalid-request', `An engine (mount path) is required for Vault "${this.vaultName}".`);
    checkSegments(e, 'engine', this.vaultName);
    return e;
  }

  private locate(secret: SecretLocator): Located {
    const engine = this.engineName(secret.engine);
    const path = (secret.path ?? '').replace(/^\/+/, '');
    if (path === '' || path.endsWith('/')) {
      throw new ProviderError('invalid-request', `A secret path (not a folder) is required for Vault "${this.vaultName}".`);
    }
    checkSegments(path, 'secret path', this.vaultName);
    let version: number | undefined;
    if (secret.version !== undefined && secret.version !== '') {
      const n = typeof secret.version === 'number' ? secret.version : /^\d+$/.test(secret.version) ? Number(secret.version) : NaN;
      if (!Number.isInteger(n) || n < 1) {
        throw new ProviderError('invalid-request', `A Vault version must be a positive integer.`);
      }
      version = n;
    }
    const assumed = secret.kvVersion === 1 || secret.kvVersion === 2 ? secret.kvVersion : undefined;
    return { engine, path, ...(version !== undefined ? { version } : {}), ...(assumed ? { assumed } : {}) };
  }

  /** The KV version to read `s` with: the one the caller assumed, else the engine's (discovered once). */
  private versionFor(s: Located): Promise<1 | 2> {
    return s.assumed !== undefined ? Promise.resolve(s.assumed) : this.kvVersion(s.engine);
  }

  /** `"app/db" in engine "secret"`, for messages; never throws. */
  private label(secret: SecretLocator): string {
    const engine = trimSlashes(secret?.engine ?? '').slice(0, 100);
    const path = String(secret?.path ?? '').replace(/^\/+/, '').slice(0, 100);
    return `"${path}" in engine "${engine}"`;
  }

  /**
   * Every public method runs in here: ProviderErrors pass (with credentials redacted as a last line
   * of defence); anything else (a bug, an unexpected shape) becomes a bare bad-response error. The
   * whole operation (a mount lookup, sub-keys, metadata, data: at most six requests) ends after
   * OPERATION_DEADLINE_FACTOR times the request timeout with an `unreachable` error saying what
   * did not finish.
   */
  private guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const deadlineMs = OPERATION_DEADLINE_FACTOR * this.session.timeoutMs;
    const overdue = (): ProviderError => {
      const cause = `${what} did not finish within ${deadlineMs / 1000} s (${OPERATION_DEADLINE_FACTOR} times the request timeout)`;
      return new ProviderError('unreachable', `Vault "${this.vaultName}" at ${this.session.origin}: ${cause}.`, { cause });
    };
    return guardCall(() => withDeadline(fn(), deadlineMs, overdue), {
      sensitive: () => this.session.sensitiveStrings,
      unexpected: `Unexpected failure talking to Vault "${this.vaultName}".`,
    });
  }
}
