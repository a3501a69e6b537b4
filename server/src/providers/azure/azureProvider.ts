/**
 * `provider: azure` — Azure Key Vault secrets through @azure/keyvault-secrets, loaded lazily.
 *
 * Locators: `{ path: <secret name>, version?: <version id> }` (no engines, no folders). Values are
 * only returned by `readValue`; `keys`/`describe` parse the value and keep nothing but key names;
 * `metadata` reads no value unless two versions tie for "latest" (same creation second).
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
import { type ListLimits, type Listing, listLimits, namesListing, versionsCutError } from '../listing';
import { guardCall } from '../transportErrors';
import { AzureSession, type AzureSessionOptions, type OperationContext } from './session';

export type AzureProviderOptions = AzureSessionOptions & {
  /** Page cap and deadline of the listings (default: listing.ts, 400 pages of 25, 30 s). */
  listLimits?: Partial<ListLimits>;
};

/** Keys and metadata of a secret from one value read and one versions listing. */
export interface AzureDescription {
  /** Key names of a JSON-object value; undefined when the value is not a JSON object or (disabled) unreadable. */
  keys: string[] | undefined;
  metadata: SecretMetadata;
  /** The read version is disabled: Key Vault refuses its value, so `keys` is undefined and `metadata.json` unknown. */
  disabled?: true;
}

type SecretProperties = import('@azure/keyvault-secrets').SecretProperties;

/** The facts of one version kept from the SDK's SecretProperties. */
interface VersionProps {
  version: string;
  createdOn?: Date;
  updatedOn?: Date;
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  tags?: Record<string, string>;
  contentType?: string;
}

interface Located {
  name: string;
  version?: string;
}

type Parsed = { json: true; object: Record<string, unknown> } | { json: false; text: string };

const NAME = /^[0-9A-Za-z-]{1,127}$/;
const VERSION = /^[0-9A-Za-z]{1,64}$/;
/** Key Vault's limit on a secret value. */
const MAX_VALUE_BYTES = 25 * 1024;
/** Key Vault's largest listing page (maxresults ≤ 25). */
const PAGE_SIZE = 25;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const iso = (d: Date | undefined): string | undefined => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined);
const time = (d: Date | undefined): number => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.getTime() : 0);
const sameVersion = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

function toProps(p: SecretProperties): VersionProps {
  if (typeof p.version !== 'string' || p.version === '') throw new Error('version missing');
  return {
    version: p.version,
    ...(p.createdOn ? { createdOn: p.createdOn } : {}),
    ...(p.updatedOn ? { updatedOn: p.updatedOn } : {}),
    ...(typeof p.enabled === 'boolean' ? { enabled: p.enabled } : {}),
    ...(p.notBefore ? { notBefore: p.notBefore } : {}),
    ...(p.expiresOn ? { expiresOn: p.expiresOn } : {}),
    ...(isObject(p.tags) ? { tags: Object.fromEntries(Object.entries(p.tags).map(([k, v]) => [k, String(v)])) } : {}),
    ...(typeof p.contentType === 'string' ? { contentType: p.contentType } : {}),
  };
}

function parseValue(value: string | undefined): Parsed {
  const text = value ?? '';
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return { json: true, object: parsed };
  } catch {
    // plain text
  }
  return { json: false, text };
}

/** The versions created last (several when they share a creation second). */
function latestOf(versions: VersionProps[]): VersionProps[] {
  let max = -1;
  let out: VersionProps[] = [];
  for (const v of versions) {
    const t = time(v.createdOn);
    if (t > max) {
      max = t;
      out = [v];
    } else if (t === max) out.push(v);
  }
  return out;
}

function versionInfo(v: VersionProps): VersionInfo {
  const createdTime = iso(v.createdOn);
  const expiresOn = iso(v.expiresOn);
  return {
    version: v.version,
    ...(createdTime ? { createdTime } : {}),
    ...(v.enabled === false ? { disabled: true } : {}),
    ...(expiresOn ? { expiresOn } : {}),
  };
}

/** Metadata of the selected version `sel`, with the version list (oldest first) when known. */
function buildMetadata(sel: VersionProps | undefined, versions: VersionProps[] | undefined, currentVersion: string | undefined): SecretMetadata {
  const sorted = versions ? [...versions].sort((a, b) => time(a.createdOn) - time(b.createdOn)) : [];
  const createdTime = iso(sel?.createdOn);
  const updatedTime = iso(sel?.updatedOn);
  const expiresOn = iso(sel?.expiresOn);
  const notBefore = iso(sel?.notBefore);
  return {
    versions: sorted.map(versionInfo),
    ...(currentVersion !== undefined ? { currentVersion } : {}),
    ...(createdTime ? { createdTime } : {}),
    ...(updatedTime ? { updatedTime } : {}),
    ...(sel?.tags ? { tags: { ...sel.tags } } : {}),
    ...(sel?.contentType !== undefined ? { contentType: sel.contentType } : {}),
    ...(sel?.enabled !== undefined ? { enabled: sel.enabled } : {}),
    ...(expiresOn ? { expiresOn } : {}),
    ...(notBefore ? { notBefore } : {}),
  };
}

const isKind = (e: unknown, kind: ProviderError['kind'], cause?: string): e is ProviderError =>
  e instanceof ProviderError && e.kind === kind && (cause === undefined || e.details.cause === cause);
const isDisabled = (e: unknown): boolean => isKind(e, 'disabled');
/** A 403 that another call with other permissions may get past (not the firewall, not a disabled secret). */
const isPolicyDenial = (e: unknown): boolean => isKind(e, 'permission-denied') && (e as ProviderError).details.cause !== 'firewall';

export class AzureProvider implements SecretProvider {
  readonly vaultName: string;
  private readonly session: AzureSession;
  private readonly limits: ListLimits;

  constructor(options: AzureProviderOptions) {
    this.vaultName = options.vaultName;
    this.session = new AzureSession(options);
    this.limits = listLimits(PAGE_SIZE, options.listLimits);
  }

  async listEngines(): Promise<EngineInfo[]> {
    return [];
  }

  async engineVersion(_engine: string): Promise<1 | 2 | undefined> {
    return undefined;
  }

  /**
   * Every secret name of the vault (page after page), sorted; a non-empty `folder` keeps the names
   * starting with it. A listing stops at the page cap or the deadline (see listing.ts) with the
   * names read so far and a `cut` saying so.
   */
  async list(_engine: string | undefined, folder: string): Promise<Listing> {
    return this.guard(async () => {
      const read = await this.session.runPaged(
        { operation: 'list' },
        (c) => c.listPropertiesOfSecrets().byPage(),
        (p: SecretProperties) => {
          if (typeof p.name !== 'string' || p.name === '') throw new Error('name missing');
          return p.name;
        },
        this.limits,
      );
      const listing = namesListing(read);
      const prefix = folder ?? '';
      const names = [...new Set(listing.filter((n) => n.startsWith(prefix)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return listing.cut ? Object.assign(names, { cut: listing.cut }) : names;
    });
  }

  /** Facts of the pinned (or latest) version and the version list, from the versions listing (no value read). */
  async metadata(secret: SecretLocator): Promise<SecretMetadata> {
    return this.guard(async () => {
      const s = this.locate(secret);
      let versions: VersionProps[];
      try {
        versions = await this.listVersions(s);
      } catch (e) {
        if (!isPolicyDenial(e)) throw e;
        return this.metadataFromRead(s); // may read but not list: the read version's own facts
      }
      if (versions.length === 0) throw this.notFound(s);
      if (s.version !== undefined) {
        const sel = versions.find((v) => sameVersion(v.version, s.version));
        if (!sel) throw this.versionNotFound(s);
        return buildMetadata(sel, versions, await this.currentOf(s, versions));
      }
      const current = await this.currentOf(s, versions);
      return buildMetadata(versions.find((v) => v.version === current), versions, current);
    });
  }

  /** Key names of the pinned (or latest) version's JSON value; [] when the value is not a JSON object. */
  async keys(secret: SecretLocator): Promise<string[]> {
    return this.guard(async () => {
      const s = this.locate(secret);
      const { parsed } = await this.read(s);
      return parsed.json ? Object.keys(parsed.object) : [];
    });
  }

  /**
   * Keys and metadata with one value read and one versions listing (run in parallel). A disabled
   * version yields `disabled: true`, `metadata.enabled: false` and `keys: undefined` instead of an error.
   */
  async describe(secret: SecretLocator): Promise<AzureDescription> {
    return this.guard(async () => {
      const s = this.locate(secret);
      const [readResult, listResult] = await Promise.allSettled([
        this.read(s, false).then(({ props, parsed }) => ({ props, keys: parsed.json ? Object.keys(parsed.object) : undefined })),
        this.listVersions(s),
      ]);
      const versions = listResult.status === 'fulfilled' ? listResult.value : undefined;
      let disabled = false;
      if (readResult.status === 'rejected') {
        const e = readResult.reason;
        if (isDisabled(e)) disabled = true;
        else if (isKind(e, 'not-found') || isKind(e, 'version-not-found')) {
          if (versions !== undefined) throw versions.length > 0 && s.version !== undefined ? this.versionNotFound(s) : this.notFound(s);
          throw s.version !== undefined ? await this.missingVersionError(s, e as ProviderError) : e;
        } else throw e;
      }
      const read = readResult.status === 'fulfilled' ? readResult.value : undefined;
      if (listResult.status === 'rejected' && !isPolicyDenial(listResult.reason)) throw listResult.reason;

      let metadata: SecretMetadata;
      if (versions === undefined || versions.length === 0) {
        // Listing denied (or not yet consistent): the read version's own facts.
        metadata = read
          ? buildMetadata(read.props, undefined, s.version === undefined ? read.props.version : undefined)
          : { versions: [], enabled: false };
      } else {
        const pinned = s.version !== undefined ? versions.find((v) => sameVersion(v.version, s.version)) : undefined;
        if (s.version !== undefined && !pinned && !read) throw this.versionNotFound(s);
        const current = s.version === undefined && read ? read.props.version : await this.currentOf(s, versions, disabled);
        const sel = read?.props ?? pinned ?? versions.find((v) => v.version === current);
        metadata = buildMetadata(sel, versions, current);
      }
      if (disabled) {
        metadata.enabled = false;
        return { keys: undefined, metadata, disabled: true };
      }
      metadata.json = read!.keys !== undefined;
      return { keys: read!.keys, metadata };
    });
  }

  /** The value of the pinned (or latest) version: the parsed JSON object, or the plain string. Preview only. */
  async readValue(secret: SecretLocator): Promise<Record<string, unknown> | string> {
    return this.guard(async () => {
      const { parsed } = await this.read(this.locate(secret));
      return parsed.json ? parsed.object : parsed.text;
    });
  }

  /**
   * Writes `JSON.stringify(data)` as a NEW version (content type application/json); old versions
   * are never deleted or changed, and tags/expiry of earlier versions are not copied.
   *
   * Check-and-set (Key Vault has no conditional write, so this is a check before the write, not
   * atomic — a writer in between is not detected, but its version stays in the history):
   * - `cas` = 0: the secret must not exist yet (else cas-conflict);
   * - `cas` = a version id (string): the latest version must be that one (else cas-conflict);
   * - `cas` = a positive number: ignored (Azure version ids are not numbers).
   */
  async write(secret: SecretLocator, data: Record<string, string>, cas?: number | string): Promise<WriteResult> {
    return this.guard(async () => {
      const s = this.locate({ path: secret.path });
      if (!isObject(data)) throw new ProviderError('invalid-request', `Secret data for Key Vault "${this.vaultName}" must be an object.`);
      if (typeof cas === 'number' && (!Number.isInteger(cas) || cas < 0)) {
        throw new ProviderError('invalid-request', 'The check-and-set version must be a non-negative integer or a version id.');
      }
      if (typeof cas === 'string' && cas !== '' && !VERSION.test(cas)) {
        throw new ProviderError('invalid-request', 'The check-and-set version id is not a Key Vault version id.');
      }
      const value = JSON.stringify(data);
      if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) {
        throw new ProviderError('invalid-request', `The secret is larger than Key Vault's 25 KB limit for a value.`);
      }
      if (cas === 0 || (typeof cas === 'string' && cas !== '')) await this.checkCas(s, cas);
      const op: OperationContext = { operation: 'set', secret: s.name };
      const result = await this.session.run(op, (c) => c.setSecret(s.name, value, { contentType: 'application/json' }));
      const version = result.properties?.version;
      if (typeof version !== 'string' || version === '') throw this.session.toError(new Error('no version'), op);
      return { version };
    });
  }

  /** Key Vault has no cheap capability check. */
  async capabilities(_apiPath: string): Promise<string[]> {
    return [];
  }

  dispose(): void {
    this.session.dispose();
  }

  // ================================================================ internals

  /** Reads the pinned (or latest) version and parses its value at once; the raw value is not kept. */
  private async read(s: Located, resolveMissing = true): Promise<{ props: VersionProps; parsed: Parsed }> {
    const op: OperationContext = { operation: 'get', secret: s.name, ...(s.version ? { version: s.version } : {}) };
    try {
      return await this.session.run(op, async (c) => {
        const secret = await c.getSecret(s.name, s.version ? { version: s.version } : {});
        return { props: toProps(secret.properties), parsed: parseValue(secret.value) };
      });
    } catch (e) {
      if (resolveMissing && s.version !== undefined && isKind(e, 'version-not-found')) throw await this.missingVersionError(s, e);
      throw e;
    }
  }

  /** Every version of a secret; a listing stopped by the page cap or deadline is an error (partial version facts would be wrong). */
  private async listVersions(s: Located): Promise<VersionProps[]> {
    const read = await this.session.runPaged(
      { operation: 'versions', secret: s.name },
      (c) => c.listPropertiesOfSecretVersions(s.name).byPage(),
      toProps,
      this.limits,
    );
    if (read.cut) throw versionsCutError(read.cut, `Key Vault "${this.vaultName}"`, s.name, `secrets/${s.name}/versions`);
    return read.items;
  }

  /** Metadata when listing is denied: the read version's facts, or `enabled: false` for a disabled one. */
  private async metadataFromRead(s: Located): Promise<SecretMetadata> {
    try {
      const { props } = await this.read(s);
      return buildMetadata(props, undefined, s.version === undefined ? props.version : undefined);
    } catch (e) {
      if (isDisabled(e)) return { versions: [], enabled: false };
      throw e;
    }
  }

  /**
   * The latest version id from a listing: the one created last; when several share the creation
   * second, a read of the latest version decides (its value is dropped unread).
   */
  private async currentOf(s: Located, versions: VersionProps[], knownDisabled = false): Promise<string | undefined> {
    const latest = latestOf(versions);
    if (latest.length <= 1 || knownDisabled) return latest[latest.length - 1]?.version;
    try {
      const { props } = await this.read({ name: s.name });
      return props.version;
    } catch {
      return latest[latest.length - 1]?.version;
    }
  }

  /** After a 404 for a pinned version: version-not-found when the secret exists, else not-found. */
  private async missingVersionError(s: Located, original: ProviderError): Promise<ProviderError> {
    try {
      await this.session.run({ operation: 'get', secret: s.name }, (c) => c.getSecret(s.name).then(() => undefined));
      return this.versionNotFound(s);
    } catch (e) {
      if (isKind(e, 'not-found')) return this.notFound(s);
      if (isDisabled(e)) return this.versionNotFound(s);
      return original;
    }
  }

  private async checkCas(s: Located, cas: number | string): Promise<void> {
    let latest: string[];
    try {
      const { props } = await this.read({ name: s.name });
      latest = [props.version];
    } catch (e) {
      if (isKind(e, 'not-found')) latest = [];
      else if (isDisabled(e)) latest = latestOf(await this.listVersions(s)).map((v) => v.version);
      else throw e;
    }
    const vault = `Key Vault "${this.vaultName}"`;
    if (cas === 0) {
      if (latest.length > 0) {
        throw new ProviderError('cas-conflict', `${vault} refused the write: secret "${s.name}" already exists (latest version ${latest[latest.length - 1]}).`, {
          apiPath: `secrets/${s.name}`,
        });
      }
      return;
    }
    if (!latest.some((v) => sameVersion(v, String(cas)))) {
      const now = latest.length > 0 ? `the latest version is now ${latest[latest.length - 1]}` : 'the secret no longer exists';
      throw new ProviderError('cas-conflict', `${vault} refused the write to secret "${s.name}": ${now}, not ${cas}.`, { apiPath: `secrets/${s.name}` });
    }
  }

  private notFound(s: Located): ProviderError {
    return new ProviderError('not-found', `Key Vault "${this.vaultName}" has no secret "${s.name}" (HTTP 404).`, { apiPath: `secrets/${s.name}` });
  }

  private versionNotFound(s: Located): ProviderError {
    return new ProviderError('version-not-found', `Key Vault "${this.vaultName}": secret "${s.name}" has no version ${s.version} (HTTP 404).`, {
      apiPath: `secrets/${s.name}/${s.version}`,
    });
  }

  private locate(secret: SecretLocator): Located {
    const name = (secret?.path ?? '').trim();
    if (!NAME.test(name)) {
      throw new ProviderError(
        'invalid-request',
        `"${name.slice(0, 140)}" is not a Key Vault secret name (1-127 letters, digits and dashes) for Key Vault "${this.vaultName}".`,
      );
    }
    const v = secret.version;
    if (v === undefined || v === '') return { name };
    if (typeof v !== 'string') {
      throw new ProviderError('invalid-request', `Key Vault versions are version ids (32 hexadecimal characters), not numbers.`);
    }
    if (!VERSION.test(v)) throw new ProviderError('invalid-request', `"${v.slice(0, 80)}" is not a Key Vault version id.`);
    return { name, version: v };
  }

  /**
   * Every public method runs in here: ProviderErrors pass (with credentials redacted as a last line
   * of defence); anything else (a bug, an unexpected shape) becomes a bare bad-response error.
   */
  private guard<T>(fn: () => Promise<T>): Promise<T> {
    return guardCall(fn, {
      sensitive: () => this.session.sensitiveStrings,
      unexpected: `Unexpected failure talking to Key Vault "${this.vaultName}".`,
    });
  }
}
