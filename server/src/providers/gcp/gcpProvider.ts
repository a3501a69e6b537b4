/**
 * `provider: gcp` — Google Cloud Secret Manager through @google-cloud/secret-manager (REST
 * transport), loaded lazily on first use.
 *
 * Locators: `{ path: <secret id>, version?: <positive integer> | 'latest' }` in the vault's
 * project; no engines, no folders. Values are only returned by `readValue`; `keys` and `describe`
 * read the value, keep the top-level key names of a JSON object and drop the rest at once (the
 * payload buffer is zeroed).
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
import { type ListLimits, type Listing, listLimits, namesListing, readPages, versionsCutError } from '../listing';
import { guardCall, redactError } from '../transportErrors';
import {
  type SecretFact,
  type VersionFact,
  buildMetadata,
  isObject,
  readSecret,
  readVersion,
  secretIdOf,
  versionInfos,
  versionNumberOf,
} from './convert';
import { crc32c } from './crc32c';
import { FAILED_PRECONDITION, toProviderError } from './errors';
import { type CallResult, type GcpCall, type GcpCredential, GcpSession, type GcpTesting } from './gcpSession';

export interface GcpProviderOptions {
  /** The vault configuration's `name` (used in messages). */
  vaultName: string;
  /** Project id (or number) that holds the secrets. */
  project: string;
  /** host[:port] or an https URL of the Secret Manager API; default secretmanager.googleapis.com. */
  endpoint?: string;
  /** Per-request timeout. */
  timeoutMs: number;
  credential: GcpCredential;
  /** Tests only: an auth client that never reaches a metadata server, plain http, a port. */
  testing?: GcpTesting;
  /** Page cap and deadline of the listings (default: listing.ts, 40 pages of 250 secrets, 30 s). */
  listLimits?: Partial<ListLimits>;
}

/** What `describe` returns: key names (undefined = not a JSON object, or not readable) and metadata. */
export interface GcpDescribeResult {
  /** Top-level keys of a JSON-object value; undefined when the value is not a JSON object or the version is disabled/destroyed. */
  keys: string[] | undefined;
  metadata: SecretMetadata;
  /**
   * Set when the value was read but the metadata could not be (e.g. the caller may access versions
   * but lacks secretmanager.secrets.get): `metadata` then holds only what the read told.
   */
  metadataError?: ProviderError;
}

/** What `write` returns. */
export interface GcpWriteResult extends WriteResult {
  version: number;
  /**
   * With `cas`: the new version is not `cas + 1`, so someone else added a version between the
   * check and the add (Secret Manager has no conditional add). The write happened anyway.
   */
  casRaced?: true;
}

/** IAM permissions `capabilities` tests on a secret. */
export const GCP_SECRET_PERMISSIONS = [
  'secretmanager.versions.access',
  'secretmanager.versions.add',
  'secretmanager.versions.list',
  'secretmanager.secrets.get',
] as const;

interface Located {
  id: string;
  /** `projects/<p>/secrets/<id>` */
  secretName: string;
  version: number | 'latest';
  /** `projects/<p>/secrets/<id>/versions/<v>` */
  versionName: string;
}

interface Payload {
  /** The version read (from the response's name). */
  version: number | undefined;
  data: Buffer;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: ProviderError };

const SECRET_ID_RE = /^[A-Za-z0-9_-]{1,255}$/;
const PROJECT_RE = /^[A-Za-z0-9][A-Za-z0-9.:_-]{0,127}$/;
/** 250 secrets of the largest size (≈30 KB each) keep a page under the response cap (responseLimits.ts). */
const LIST_PAGE_SIZE = 250;
/** A version is ≈0.5 KB: 1000 per page stay far under the response cap. */
const VERSIONS_PAGE_SIZE = 1000;
/** Credentials shorter than this stay in messages (8 here; the other providers use the shared default, 6). */
const MIN_REDACTED_LENGTH = 8;

function bytesOf(v: unknown): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === 'string') return Buffer.from(v, 'base64');
  if (v === undefined || v === null) return Buffer.alloc(0);
  return undefined;
}

function crcOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  if (isObject(v) && typeof v.low === 'number') return Number(String(v));
  return undefined;
}

/** The value as a JSON object, or undefined when it is not one. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

async function attempt<T>(fn: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (e instanceof ProviderError) return { ok: false, error: e };
    throw e;
  }
}

export class GcpProvider implements SecretProvider {
  readonly vaultName: string;
  readonly project: string;
  private readonly session: GcpSession;
  private readonly projectError: ProviderError | undefined;
  private readonly limits: ListLimits;
  private readonly versionLimits: ListLimits;

  constructor(options: GcpProviderOptions) {
    this.limits = listLimits(LIST_PAGE_SIZE, options.listLimits);
    this.versionLimits = listLimits(VERSIONS_PAGE_SIZE, options.listLimits);
    this.vaultName = options.vaultName;
    this.project = (options.project ?? '').trim();
    this.projectError = PROJECT_RE.test(this.project)
      ? undefined
      : new ProviderError('invalid-request', `Vault "${options.vaultName}" needs a Google Cloud project id.`);
    this.session = new GcpSession({
      vaultName: options.vaultName,
      ...(this.project !== '' ? { project: this.project } : {}),
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      timeoutMs: options.timeoutMs,
      credential: options.credential,
      ...(options.testing ? { testing: options.testing } : {}),
    });
  }

  // ================================================================ no engines

  async listEngines(): Promise<EngineInfo[]> {
    return [];
  }

  async engineVersion(_engine: string): Promise<1 | 2 | undefined> {
    return undefined;
  }

  // ================================================================ listing

  /**
   * All secret ids of the project, sorted (ListSecrets, page after page). There are no folders in
   * Secret Manager: `engine` and `folder` are ignored. A listing stops at the page cap or the
   * deadline (see listing.ts) with the ids read so far and a `cut` saying so.
   */
  async list(_engine: string | undefined, _folder: string): Promise<Listing> {
    return this.guard(async () => {
      this.checkProject();
      const parent = `projects/${this.project}`;
      const read = await this.listAllPages(
        parent,
        'secretmanager.secrets.list',
        (token) => (c, o) => c.listSecrets({ parent, pageSize: LIST_PAGE_SIZE, ...(token ? { pageToken: token } : {}) }, { ...o, autoPaginate: false }),
        (item) => (isObject(item) ? secretIdOf(item.name) : undefined),
        this.limits,
      );
      const listing = namesListing(read);
      const ids = [...new Set(listing)].sort();
      return listing.cut ? Object.assign(ids, { cut: listing.cut }) : ids;
    });
  }

  /** The versions of a secret (every page of ListSecretVersions), oldest first, with states and aliases. */
  async listVersions(secret: SecretLocator | string): Promise<VersionInfo[]> {
    return this.guard(async () => {
      const l = this.locate(typeof secret === 'string' ? { path: secret } : { ...secret, version: undefined });
      const [s, versions] = await Promise.all([attempt(() => this.fetchSecret(l)), attempt(() => this.fetchVersions(l))]);
      if (!versions.ok) throw versions.error.kind === 'not-found' ? this.noSecret(l) : versions.error;
      return versionInfos(versions.value, s.ok ? s.value.aliases : {});
    });
  }

  // ================================================================ facts

  /**
   * Labels (as tags), annotations (as customMetadata), createTime, expireTime (expiresOn), rotation,
   * versions with states and aliases; `enabled` is the state of the version a reference reads (the
   * pinned one, else the latest). Needs secretmanager.secrets.get and secretmanager.versions.list.
   */
  async metadata(secret: SecretLocator): Promise<SecretMetadata> {
    return this.guard(async () => {
      const l = this.locate(secret);
      const [s, versions] = await Promise.all([attempt(() => this.fetchSecret(l)), attempt(() => this.fetchVersions(l))]);
      if (!s.ok) throw s.error;
      if (!versions.ok) throw versions.error;
      return buildMetadata(s.value, versions.value, l.version);
    });
  }

  /** Top-level key names of a JSON-object value; [] for anything else. Reads the value. */
  async keys(secret: SecretLocator): Promise<string[]> {
    return this.guard(async () => {
      const l = this.locate(secret);
      const payload = await this.readPayload(l);
      return this.keysOf(payload) ?? [];
    });
  }

  /**
   * Keys and metadata with one value read and one metadata read (GetSecret + ListSecretVersions),
   * sent in parallel.
   * - A JSON-object value: `keys` = its top-level keys, `metadata.json` = true.
   * - Any other value: `keys` undefined, `metadata.json` = false.
   * - A disabled or destroyed read version: `keys` undefined, `metadata.json` undefined,
   *   `metadata.enabled` = false (and the version's `disabled` / `destroyed` flag).
   * - Value read but metadata denied or failed: minimal metadata and `metadataError`.
   * Errors: not-found (no secret), version-not-found (no such version / no versions yet),
   * permission-denied (secretmanager.versions.access), unreachable, ...
   */
  async describe(secret: SecretLocator): Promise<GcpDescribeResult> {
    return this.guard(async () => {
      const l = this.locate(secret);
      const [read, s, versions] = await Promise.all([
        attempt(() => this.accessRaw(l)),
        attempt(() => this.fetchSecret(l)),
        attempt(() => this.fetchVersions(l)),
      ]);
      if (!s.ok && s.error.kind === 'not-found') throw this.noSecret(l);
      if (!read.ok) {
        let err = read.error;
        if (err.kind === 'not-found') throw s.ok ? this.noVersion(l, versions.ok ? versions.value : undefined) : this.noSecretOrVersion(l);
        if (err.details.cause === FAILED_PRECONDITION) err = await this.stateError(l, err, versions.ok ? versions.value : undefined);
        if ((err.kind === 'disabled' || err.kind === 'destroyed') && s.ok && versions.ok) {
          const metadata = buildMetadata(s.value, versions.value, l.version);
          metadata.enabled = false;
          return { keys: undefined, metadata };
        }
        throw err;
      }
      const payload = read.value;
      const keys = this.keysOf(payload);
      const json = keys !== undefined;
      const readNumber = payload.version ?? (l.version === 'latest' ? undefined : l.version);
      if (s.ok && versions.ok) {
        const metadata = buildMetadata(s.value, versions.value, readNumber ?? l.version);
        metadata.json = json;
        if (metadata.enabled === undefined) metadata.enabled = true;
        return { keys, metadata };
      }
      const metadataError = !s.ok ? s.error : !versions.ok ? versions.error : undefined;
      const base: SecretMetadata = s.ok ? buildMetadata(s.value, undefined, l.version) : { versions: [] };
      const metadata: SecretMetadata = {
        ...base,
        ...(l.version === 'latest' && readNumber !== undefined ? { currentVersion: readNumber } : {}),
        enabled: true,
        json,
      };
      const cleaned = metadataError ? redactError(metadataError, this.session.sensitiveStrings, MIN_REDACTED_LENGTH) : undefined;
      return { keys, metadata, ...(cleaned ? { metadataError: cleaned } : {}) };
    });
  }

  /** The value (explicit preview only): the parsed object of a JSON-object value, else the text. */
  async readValue(secret: SecretLocator): Promise<Record<string, unknown> | string> {
    return this.guard(async () => {
      const l = this.locate(secret);
      const payload = await this.readPayload(l);
      const text = payload.data.toString('utf8');
      payload.data.fill(0);
      return jsonObject(text) ?? text;
    });
  }

  // ================================================================ writing

  /**
   * Adds a new version holding JSON.stringify(data) (AddSecretVersion); old versions are never
   * disabled or destroyed, and the secret must exist already.
   *
   * `cas`: the latest version number the writer saw (0 = the secret has no versions yet). It is
   * compared with the current latest version (GetSecretVersion "latest") before adding; a different
   * number fails with cas-conflict and nothing is written. Secret Manager has no conditional
   * AddSecretVersion, so this is not atomic: a version added by someone else between the check and
   * the add is not prevented; it is detected afterwards (version numbers are sequential) and
   * reported as `casRaced: true` on the result.
   */
  async write(secret: SecretLocator, data: Record<string, string>, cas?: number): Promise<GcpWriteResult> {
    return this.guard(async () => {
      const l = this.locate({ ...secret, version: undefined });
      if (!isObject(data)) throw new ProviderError('invalid-request', `Secret data for vault "${this.vaultName}" must be an object.`);
      if (cas !== undefined && (!Number.isInteger(cas) || cas < 0)) {
        throw new ProviderError('invalid-request', 'The check-and-set version must be a non-negative integer.');
      }
      if (cas !== undefined) {
        const latest = await this.latestVersion(l);
        if (latest !== cas) {
          throw new ProviderError(
            'cas-conflict',
            `Secret ${l.secretName} (vault "${this.vaultName}") changed: its latest version is ${latest}, not ${cas}.`,
            { apiPath: l.secretName },
          );
        }
      }
      const payload = Buffer.from(JSON.stringify({ ...data }), 'utf8');
      const checksum = crc32c(payload);
      const r = await this.session.call({
        resource: l.secretName,
        permission: 'secretmanager.versions.add',
        idempotent: false,
        run: (c, o) => c.addSecretVersion({ parent: l.secretName, payload: { data: payload, dataCrc32c: checksum } }, o),
      });
      payload.fill(0);
      if (!r.ok) {
        const err = this.toError(r);
        if (err.kind === 'not-found') {
          throw new ProviderError(
            'not-found',
            `Vault "${this.vaultName}" has no secret ${l.secretName}; a write adds a version to an existing secret only.`,
            { apiPath: l.secretName },
          );
        }
        throw err;
      }
      const version = isObject(r.value[0]) ? versionNumberOf(r.value[0].name) : undefined;
      if (version === undefined) throw this.badResponse(l.secretName);
      return cas !== undefined && version !== cas + 1 ? { version, casRaced: true } : { version };
    });
  }

  /**
   * The IAM permissions the caller has on a secret (TestIamPermissions with
   * GCP_SECRET_PERMISSIONS): `path` is a secret id or `projects/<p>/secrets/<id>`.
   */
  async capabilities(path: string): Promise<string[]> {
    return this.guard(async () => {
      this.checkProject();
      const p = (path ?? '').trim();
      const project = /^projects\/([^/]+)\//.exec(p)?.[1];
      if (project !== undefined && project !== this.project) {
        throw new ProviderError('invalid-request', `${p.slice(0, 120)} is not in project ${this.project} of vault "${this.vaultName}".`);
      }
      const l = this.locate({ path: secretIdOf(p) ?? p });
      const [res] = await this.call({
        resource: l.secretName,
        permission: '',
        idempotent: true,
        run: (c, o) => c.testIamPermissions({ resource: l.secretName, permissions: [...GCP_SECRET_PERMISSIONS] }, o),
      });
      const granted = isObject(res) && Array.isArray(res.permissions) ? res.permissions : undefined;
      if (!granted || !granted.every((p) => typeof p === 'string')) throw this.badResponse(l.secretName);
      return (GCP_SECRET_PERMISSIONS as readonly string[]).filter((p) => granted.includes(p));
    });
  }

  dispose(): void {
    this.session.dispose();
  }

  // ================================================================ internals: reads

  private async fetchSecret(l: Located): Promise<SecretFact> {
    const [s] = await this.call({
      resource: l.secretName,
      permission: 'secretmanager.secrets.get',
      idempotent: true,
      run: (c, o) => c.getSecret({ name: l.secretName }, o),
    });
    const fact = readSecret(s);
    if (!fact) throw this.badResponse(l.secretName);
    return fact;
  }

  /** Every version of a secret; a listing stopped by the page cap or deadline is an error (partial version facts would be wrong). */
  private async fetchVersions(l: Located): Promise<VersionFact[]> {
    const read = await this.listAllPages(
      l.secretName,
      'secretmanager.versions.list',
      (token) => (c, o) =>
        c.listSecretVersions({ parent: l.secretName, pageSize: VERSIONS_PAGE_SIZE, ...(token ? { pageToken: token } : {}) }, { ...o, autoPaginate: false }),
      readVersion,
      this.versionLimits,
    );
    if (read.cut) throw versionsCutError(read.cut, `Vault "${this.vaultName}"`, l.id, l.secretName);
    return read.items;
  }

  /**
   * The items of a paged list call, one page per call (`page(token)` builds the call for a page),
   * each read with `read`, until the last page, the page cap or the deadline (`limits`). A page
   * that is not a list, an item `read` rejects or a page token seen before (a server that loops)
   * is a bad response for `resource`.
   */
  private listAllPages<T>(
    resource: string,
    permission: string,
    page: (token: string | undefined) => GcpCall<readonly [unknown, unknown, unknown]>['run'],
    read: (item: unknown) => T | undefined,
    limits: ListLimits,
  ): ReturnType<typeof readPages<T>> {
    return readPages<T>(
      limits,
      async (pageToken) => {
        const [items, , raw] = await this.call({ resource, permission, idempotent: true, run: page(pageToken) });
        if (!Array.isArray(items)) throw this.badResponse(resource);
        const out: T[] = [];
        for (const item of items) {
          const v = read(item);
          if (v === undefined) throw this.badResponse(resource);
          out.push(v);
        }
        const next = isObject(raw) && typeof raw.nextPageToken === 'string' && raw.nextPageToken !== '' ? raw.nextPageToken : undefined;
        return { items: out, next };
      },
      () => this.badResponse(resource),
    );
  }

  /** The latest version number (0 when the secret has no versions); not-found when there is no secret. */
  private async latestVersion(l: Located): Promise<number> {
    const latestName = `${l.secretName}/versions/latest`;
    const r = await this.session.call({
      resource: l.secretName,
      permission: 'secretmanager.versions.get',
      idempotent: true,
      run: (c, o) => c.getSecretVersion({ name: latestName }, o),
    });
    if (r.ok) {
      const n = isObject(r.value[0]) ? versionNumberOf(r.value[0].name) : undefined;
      if (n === undefined) throw this.badResponse(l.secretName);
      return n;
    }
    const err = this.toError(r);
    if (err.kind !== 'not-found') throw err;
    await this.fetchSecret(l).catch((e: unknown) => {
      throw e instanceof ProviderError && e.kind === 'not-found' ? this.noSecret(l) : e;
    });
    return 0;
  }

  /** AccessSecretVersion with the checksum verified; errors mapped but not refined. */
  private async accessRaw(l: Located): Promise<Payload> {
    const [res] = await this.call({
      resource: l.secretName,
      permission: 'secretmanager.versions.access',
      idempotent: true,
      run: (c, o) => c.accessSecretVersion({ name: l.versionName }, o),
    });
    if (!isObject(res)) throw this.badResponse(l.versionName);
    const payload = isObject(res.payload) ? res.payload : {};
    const data = bytesOf(payload.data);
    if (!data) throw this.badResponse(l.versionName);
    const expected = crcOf(payload.dataCrc32c);
    if (expected !== undefined && crc32c(data) !== expected) {
      data.fill(0);
      throw new ProviderError(
        'bad-response',
        `The value of ${l.versionName} (vault "${this.vaultName}") failed its CRC32C check: it was corrupted in transit.`,
        { apiPath: l.versionName },
      );
    }
    return { version: versionNumberOf(res.name), data };
  }

  /**
   * AccessSecretVersion; a NOT_FOUND is told apart (no secret / no such version) with GetSecret, a
   * FAILED_PRECONDITION by the version's state.
   */
  private async readPayload(l: Located): Promise<Payload> {
    try {
      return await this.accessRaw(l);
    } catch (e) {
      if (e instanceof ProviderError && e.details.cause === FAILED_PRECONDITION) throw await this.stateError(l, e, undefined);
      if (!(e instanceof ProviderError) || e.kind !== 'not-found') throw e;
      const s = await attempt(() => this.fetchSecret(l));
      if (s.ok) throw this.noVersion(l, undefined);
      if (s.error.kind === 'not-found') throw this.noSecret(l);
      throw this.noSecretOrVersion(l);
    }
  }

  private keysOf(payload: Payload): string[] | undefined {
    const text = payload.data.toString('utf8');
    payload.data.fill(0);
    const obj = jsonObject(text);
    return obj ? Object.keys(obj) : undefined;
  }

  /**
   * A FAILED_PRECONDITION of AccessSecretVersion, resolved from the read version's `state`
   * (service.proto: access needs an ENABLED version): DISABLED → `disabled`, DESTROYED →
   * `destroyed`. The state comes from `versions` (ListSecretVersions) when at hand, else from
   * GetSecretVersion; when neither can be read, the message says what could not be learned.
   */
  private async stateError(l: Located, original: ProviderError, versions: readonly VersionFact[] | undefined): Promise<ProviderError> {
    let number = l.version === 'latest' ? undefined : l.version;
    let state = versions && (number === undefined ? [...versions].sort((a, b) => b.version - a.version)[0] : versions.find((v) => v.version === number));
    let refused: ProviderError | undefined;
    if (!state) {
      const r = await this.session.call({
        resource: l.versionName,
        permission: 'secretmanager.versions.get',
        idempotent: true,
        run: (c, o) => c.getSecretVersion({ name: l.versionName }, o),
      });
      if (r.ok) state = readVersion(r.value[0]);
      else refused = this.toError(r);
    }
    number ??= state?.version;
    const which = l.version === 'latest' ? `The latest version${number !== undefined ? ` (${number})` : ''} of ${l.secretName}` : `Version ${l.version} of ${l.secretName}`;
    const apiPath = l.versionName;
    const enable = `\`gcloud secrets versions enable ${number ?? 'VERSION'} --secret=${l.id} --project=${this.project}\``;
    if (state?.state === 'DESTROYED') {
      return new ProviderError(
        'destroyed',
        `${which} (vault "${this.vaultName}") was destroyed${state.destroyTime ? ` on ${state.destroyTime}` : ''}; its data is gone. Pin an enabled version, or add one with \`gcloud secrets versions add ${l.id} --project=${this.project}\`.`,
        { apiPath },
      );
    }
    if (state?.state === 'DISABLED') {
      return new ProviderError(
        'disabled',
        `${which} (vault "${this.vaultName}") is disabled${state.scheduledDestroyTime ? ` and scheduled for destruction on ${state.scheduledDestroyTime}` : ''}; Secret Manager does not read disabled versions. Enable it with ${enable}, or pin another version.`,
        { apiPath },
      );
    }
    if (state) return original;
    const why = refused?.kind === 'permission-denied' ? 'GetSecretVersion was denied (grant secretmanager.versions.get)' : 'GetSecretVersion failed';
    return new ProviderError(
      'disabled',
      `${which} (vault "${this.vaultName}") cannot be read in its current state (FAILED_PRECONDITION): Secret Manager reads only ENABLED versions; its state could not be learned: ${why}. If it is disabled, enable it with ${enable}.`,
      { apiPath },
    );
  }

  private noSecret(l: Located): ProviderError {
    return new ProviderError('not-found', `Vault "${this.vaultName}" has no secret ${l.secretName} (NOT_FOUND, HTTP 404).`, { apiPath: l.secretName });
  }

  private noVersion(l: Located, versions: readonly VersionFact[] | undefined): ProviderError {
    const latest = versions?.reduce((max, v) => Math.max(max, v.version), 0);
    if (l.version === 'latest' || latest === 0) {
      return new ProviderError('version-not-found', `Secret ${l.secretName} (vault "${this.vaultName}") has no versions yet.`, {
        apiPath: l.versionName,
      });
    }
    return new ProviderError(
      'version-not-found',
      `Secret ${l.secretName} (vault "${this.vaultName}") has no version ${l.version}${latest ? ` (latest: ${latest})` : ''}.`,
      { apiPath: l.versionName },
    );
  }

  private noSecretOrVersion(l: Located): ProviderError {
    return new ProviderError(
      'not-found',
      `Vault "${this.vaultName}" has no secret ${l.secretName}, or it has no ${l.version === 'latest' ? 'versions' : `version ${l.version}`} (NOT_FOUND, HTTP 404).`,
      { apiPath: l.versionName },
    );
  }

  // ================================================================ internals: plumbing

  private async call<T>(req: GcpCall<T>): Promise<T> {
    const r = await this.session.call(req);
    if (!r.ok) throw this.toError(r);
    return r.value;
  }

  private toError(r: Extract<CallResult<unknown>, { ok: false }>): ProviderError {
    return toProviderError(r.failure, {
      vaultName: this.vaultName,
      origin: this.session.origin,
      resource: r.resource,
      permission: r.permission,
      timeoutMs: this.session.timeoutMs,
    });
  }

  private badResponse(resource: string): ProviderError {
    return new ProviderError('bad-response', `Secret Manager sent an unexpected response for ${resource} (vault "${this.vaultName}").`, {
      apiPath: resource,
    });
  }

  private checkProject(): void {
    if (this.projectError) throw this.projectError;
  }

  private locate(secret: SecretLocator): Located {
    this.checkProject();
    const id = (secret?.path ?? '').trim();
    if (!SECRET_ID_RE.test(id)) {
      throw new ProviderError(
        'invalid-request',
        `"${id.slice(0, 80)}" is not a Secret Manager secret name (letters, digits, - and _, at most 255).`,
      );
    }
    let version: number | 'latest' = 'latest';
    const v = secret.version;
    if (v !== undefined && v !== '' && v !== 'latest') {
      const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n) || n < 1) {
        throw new ProviderError('invalid-request', `A Secret Manager version must be a positive integer or "latest".`);
      }
      version = n;
    }
    const secretName = `projects/${this.project}/secrets/${id}`;
    return { id, secretName, version, versionName: `${secretName}/versions/${version}` };
  }

  /**
   * Every public method runs in here: ProviderErrors pass (with credentials redacted as a last line
   * of defence); anything else (a bug, an unexpected shape) becomes a bare bad-response error.
   */
  private guard<T>(fn: () => Promise<T>): Promise<T> {
    return guardCall(fn, {
      sensitive: () => this.session.sensitiveStrings,
      unexpected: `Unexpected failure talking to Secret Manager for vault "${this.vaultName}".`,
      minLength: MIN_REDACTED_LENGTH,
    });
  }
}
