/**
 * `secretrefs inventory`: what the files say about vaults and secrets, and (live) what the secret
 * managers say about them. Every vault configuration, the engines or stores it uses, every
 * referenced secret (attachments and inline references alike) with the connections that read it,
 * and with live access the secret's owner, expiry, rotation and the caller's permissions on it.
 *
 * Never a value: key names only, metadata only. Live facts come through the same LiveFacts store
 * as `check --live`, whose providers read key names without keeping values.
 */
import { sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { hasEngines, providerDescriptor } from '../../../shared/src/providers';
import type { Settings } from '../../../shared/src/settings';
import { createLiveFacts } from '../live/createLiveFacts';
import type { LiveFactsStore } from '../live/liveFactsStore';
import { vaultAddress } from '../live/providerRegistry';
import type { SecretLocator, SecretMetadata } from '../providers/secretProvider';
import { readApiPath, secretLocator } from '../service/diagnostics/liveChecks';
import type { VaultFact } from '../service/facts/facts';
import type { LiveAccess, LiveFacts } from '../service/facts/liveFacts';
import { WorkspaceIndex } from '../service/facts/workspaceIndex';
import { createLanguageService } from '../service/languageService';
import type { Attachment, DocumentAnalysis, DocumentKind, Provider } from '../service/model/types';
import { apiPath, resolveReference, targetOfAttachment, type SecretTarget } from '../service/references/resolve';
import { createFileClassifier, type FileClassifier } from './fileClassifier';
import { readTextFile } from './readTextFile';
import { findWorkspaceFiles } from './findWorkspaceFiles';

/** Version of the inventory JSON shape; raised when a field changes meaning or goes away. */
export const inventoryFormatVersion = 1;

export interface InventoryEngine {
  /** The engine (mount) path. */
  path: string;
  type?: string;
  kvVersion?: 1 | 2;
  /** Declared under `engines:` in the vault configuration. */
  declared: boolean;
  /** Read by some attachment or inline reference. */
  used: boolean;
  /** Live: what the server says about this mount. */
  live?: { state: 'ok'; mounted: boolean; type?: string; kvVersion?: 1 | 2 } | { state: 'error'; error: string };
}

export interface InventoryVault {
  name: string;
  provider: Provider | null;
  /** Where credentials are sent: hashicorp url (else VAULT_ADDR), azure vault_url, aws/gcp endpoint. */
  address?: string;
  namespace?: string;
  region?: string;
  project?: string;
  description?: string;
  owner?: string;
  enabled: boolean;
  file: string;
  folder: string;
  /** Another vault configuration of the same folder has this name (`duplicate-vault`). */
  duplicate: boolean;
  /** hashicorp: declared engines and engines seen in attachments and inline references. */
  engines: InventoryEngine[];
  /** aws, azure, gcp, local: the store that holds the secrets. */
  store?: { type: string; location: string };
  /** Ids of the referenced secrets in this vault. */
  secrets: string[];
  /** With --live: whether the secret manager could be used, and if not why. */
  live?: { access: LiveAccess };
}

export interface InventoryUse {
  /** The connection's `name` (its file name when it has none). */
  connection: string;
  file: string;
  /** Keys read (`*` for the whole secret), sorted. */
  keys: string[];
  /** Attached under `vault_secrets` and/or named by inline references. */
  via: ('attachment' | 'inline')[];
  alias?: string;
  /** A version pin of the attachment, as written. */
  version?: string | number;
  versionStage?: string;
  /**
   * Live, only when the attachment pins a version or stage: what the secret manager says about the
   * version this connection reads (the secret's own `live` is about its current version).
   */
  live?: InventoryUseLive;
}

export interface InventoryUseLive {
  state: 'ok' | 'error' | 'unavailable';
  reason?: string;
  errorKind?: string;
  /** Key names of the pinned version (never values). */
  keys?: string[];
}

export type InventoryPermissions =
  | { state: 'ok'; path: string; capabilities: string[] }
  | { state: 'unknown'; reason: string }
  | { state: 'error'; error: string };

export interface InventoryRotation {
  enabled?: boolean;
  nextRotation?: string;
  period?: string;
  /** A rotation policy written in custom metadata or tags. */
  policy?: string;
}

export interface InventorySecretLive {
  state: 'ok' | 'error' | 'unavailable';
  /** Why there are no live facts (state unavailable) or what went wrong (state error). */
  reason?: string;
  errorKind?: string;
  currentVersion?: string | number;
  createdTime?: string;
  updatedTime?: string;
  /** Key names the secret has (never values). */
  keys?: string[];
  /** Custom metadata (Vault, local) or tags/labels (cloud). */
  labels?: Record<string, string>;
  permissions?: InventoryPermissions;
}

export interface InventorySecret {
  /** `VAULT:PATH` as in an inline reference: `prod:secret/data/oracle`, `prod-aws:payments/api-key`. */
  id: string;
  vault: string;
  /** Null when no single vault configuration of that name exists in the folder. */
  provider: Provider | null;
  /** hashicorp: the engine, when known (declared, live, or named by an attachment). */
  engine?: string;
  /** hashicorp: the path inside the engine (the full path when the engine is not known). */
  path?: string;
  /** aws, azure, gcp, local: the secret's name. */
  name?: string;
  kvVersion?: 1 | 2;
  /** hashicorp: the HTTP API path as written, e.g. `/v1/secret/data/oracle`. */
  apiPath?: string;
  folder: string;
  /** Every key read by any connection, sorted. */
  keys: string[];
  connections: InventoryUse[];
  /** Live, from the secret's metadata: custom_metadata `owner` (Vault, local), tag or label `owner` (cloud). */
  owner?: string;
  /** Live: Azure expiresOn, GCP expireTime, or custom_metadata / tag `expiry` (or `expires`, `expiration`...). */
  expires?: string;
  rotation?: InventoryRotation;
  live?: InventorySecretLive;
}

export interface InventoryConnection {
  name: string;
  file: string;
  folder: string;
  owner?: string;
  expires?: string;
  /** Ids of the secrets it reads or attaches. */
  secrets: string[];
}

export interface Inventory {
  format: typeof inventoryFormatVersion;
  live: boolean;
  folders: string[];
  vaults: InventoryVault[];
  secrets: InventorySecret[];
  connections: InventoryConnection[];
  /** Files found but not inventoried (binary, too large). */
  skipped: { file: string; reason: string }[];
}

export interface InventoryResult {
  inventory: Inventory;
  /** Given paths that do not exist or cannot be read. */
  unreadable: { path: string; message: string }[];
  /** More files matched than `settings.files.maxFiles`: only that many were read. */
  limitReached?: boolean;
}

export interface CollectInventoryOptions {
  /** Ask the secret managers too, with credentials from `env` (for trusted addresses only). */
  live?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Origins trusted besides VAULT_ADDR, SECRETREFS_TRUSTED_ADDRESSES and the providers' own endpoints. */
  trustedAddresses?: readonly string[];
  /** How a path is shown (default: as is). */
  display?: (absolutePath: string) => string;
}

interface Entry {
  path: string;
  kind: DocumentKind;
  folder: string;
  /** Read only to resolve vault names of a file given alone. */
  support: boolean;
  analysis: DocumentAnalysis | undefined;
}



/** Finds the files the way `check` does: each folder is a workspace folder; a file alone resolves names from its folder. */
async function findEntries(
  paths: string[],
  classifier: FileClassifier,
  cwd: string,
  unreadable: InventoryResult['unreadable'],
  maxFiles: number,
): Promise<{ entries: Map<string, Entry>; limitReached: boolean }> {
  const entries = new Map<string, Entry>();
  const found = await findWorkspaceFiles(paths, classifier, cwd, unreadable, maxFiles);
  for (const file of found.files) entries.set(file.path, { ...file, analysis: undefined });
  return { entries, limitReached: found.limitReached };
}

const expiryKeys = ['expiry', 'expires', 'expiration', 'expires_at', 'expires_on', 'expiry_date', 'expiration_date'];
const rotationKeys = ['rotation', 'rotation_policy', 'rotation_period'];

function pick(labels: Record<string, string>, names: readonly string[]): string | undefined {
  const lower = new Map(Object.entries(labels).map(([k, v]) => [k.toLowerCase(), v]));
  for (const name of names) {
    const value = lower.get(name);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** Owner, expiry and rotation from what the secret manager says; the labels it comes from. */
function fromMetadata(m: SecretMetadata): { owner?: string; expires?: string; rotation?: InventoryRotation; labels: Record<string, string> } {
  const labels = { ...(m.tags ?? {}), ...(m.customMetadata ?? {}) };
  const owner = pick(labels, ['owner']);
  const expires = m.expiresOn ?? pick(labels, expiryKeys);
  let rotation: InventoryRotation | undefined;
  if (m.rotation) {
    rotation = { enabled: m.rotation.enabled, ...(m.rotation.nextRotation ? { nextRotation: m.rotation.nextRotation } : {}), ...(m.rotation.period ? { period: m.rotation.period } : {}) };
  } else {
    const policy = pick(labels, rotationKeys);
    if (policy !== undefined) rotation = { policy };
  }
  return { ...(owner !== undefined ? { owner } : {}), ...(expires !== undefined ? { expires } : {}), ...(rotation ? { rotation } : {}), labels };
}

/** Where the caller's permissions on a secret are asked: the path policies name, or the resource its provider's descriptor names. */
function permissionPath(vault: VaultFact, target: SecretTarget, locator: SecretLocator): string {
  return providerDescriptor(vault.provider)?.labels.permissionPath?.(vault, locator) ?? readApiPath(target, locator);
}

function permissionsOf(live: LiveFacts, vault: VaultFact, target: SecretTarget, locator: SecretLocator): InventoryPermissions | undefined {
  const path = permissionPath(vault, target, locator);
  const caps = live.capabilities(vault, path);
  if (!caps) return undefined;
  if (caps.state === 'error') return { state: 'error', error: caps.error.message };
  // A provider without a permission check answers none: that says nothing.
  const reason = providerDescriptor(vault.provider)?.labels.noPermissionCheck;
  if (caps.value.length === 0 && reason !== undefined) return { state: 'unknown', reason };
  return { state: 'ok', path, capabilities: [...caps.value].sort() };
}

interface SecretDraft {
  target: SecretTarget;
  secret: InventorySecret;
  uses: Map<string, InventoryUse>;
  /** The attachment of each use (by file), for the version it pins. */
  attachments: Map<string, Attachment>;
}

function sortedUnique<T extends string>(values: Iterable<T>): T[] {
  return [...new Set(values)].sort();
}

function withoutLeadingSlashes(path: string): string {
  return path.replace(/^\/+/, '');
}

/** The inventory of the files and folders given. */
export async function collectInventory(paths: string[], settings: Settings, cwd = process.cwd(), options: CollectInventoryOptions = {}): Promise<InventoryResult> {
  const display = options.display ?? ((p: string) => p);
  const env = options.env ?? process.env;
  const classifier = createFileClassifier(settings);
  const unreadable: InventoryResult['unreadable'] = [];
  const { entries, limitReached } = await findEntries(paths, classifier, cwd, unreadable, settings.files.maxFiles);

  const folderByUri = new Map<string, string>();
  const index = new WorkspaceIndex((uri) => folderByUri.get(uri) ?? '');
  const service = createLanguageService({ settings });
  const skipped: Inventory['skipped'] = [];
  for (const entry of entries.values()) {
    const uri = pathToFileURL(entry.path).toString();
    folderByUri.set(uri, entry.folder);
    const read = await readTextFile(entry.path, settings.files.maxSizeKb);
    if (!read.ok) {
      if (read.code === 'missing') unreadable.push({ path: entry.path, message: read.message });
      else if (!entry.support) skipped.push({ file: display(entry.path), reason: read.message.split('\n')[0] ?? read.code });
      continue;
    }
    const analysis = service.analyze(TextDocument.create(uri, 'yaml', 1, read.text), entry.kind);
    entry.analysis = analysis;
    if (entry.kind === 'vault-config') index.setVaultConfig(analysis, read.text);
    else index.setConnection(analysis);
  }
  // Past the file limit some vault configurations were not read: no name is then "unknown".
  index.setComplete(!limitReached);

  const live = options.live
    ? createLiveFacts({ settings: () => settings, trusted: () => true, onFactsChanged: () => undefined, log: () => undefined, warn: () => undefined, env, trustedAddresses: options.trustedAddresses ?? [] })
    : undefined;
  try {
    let inventory = snapshot(entries, index, live, env, display, skipped);
    if (live) {
      // Each round asks for what the previous one missed (a provider, then mounts, then secrets and capabilities).
      for (let round = 0; round < 8 && live.pending() > 0; round++) {
        await live.settle(settings.live.timeoutSeconds * 1000 + 2000);
        inventory = snapshot(entries, index, live, env, display, skipped);
      }
    }
    return { inventory, unreadable, ...(limitReached ? { limitReached: true } : {}) };
  } finally {
    live?.dispose();
  }
}

function snapshot(
  entries: Map<string, Entry>,
  index: WorkspaceIndex,
  live: LiveFactsStore | undefined,
  env: NodeJS.ProcessEnv,
  display: (path: string) => string,
  skipped: Inventory['skipped'],
): Inventory {
  const secrets = new Map<string, SecretDraft>();
  const connections: InventoryConnection[] = [];

  const secretFor = (target: SecretTarget, folder: string): SecretDraft => {
    const key = `${folder}\0${target.id}`;
    let draft = secrets.get(key);
    if (!draft) {
      const vaultName = target.vaultName.value;
      const rest = target.id.slice(target.id.indexOf('|') + 1);
      const engines = hasEngines(target.provider);
      const engine = engines ? target.engine?.value : undefined;
      const inside = engines && target.secretPath ? withoutLeadingSlashes(target.secretPath.value) : undefined;
      const named = !engines && target.provider !== undefined ? (target.secretName?.value ?? rest) : undefined;
      const api = engines ? apiPath(target) : undefined;
      const secret: InventorySecret = {
        id: `${vaultName}:${rest}`,
        vault: vaultName,
        provider: target.provider ?? null,
        ...(engine !== undefined ? { engine } : {}),
        ...(engines ? { path: inside ?? rest } : {}),
        ...(named !== undefined ? { name: named } : {}),
        ...(engines && target.engineFact?.kvVersion ? { kvVersion: target.engineFact.kvVersion } : {}),
        ...(api ? { apiPath: api } : {}),
        folder: display(folder),
        keys: [],
        connections: [],
      };
      draft = { target, secret, uses: new Map(), attachments: new Map() };
      secrets.set(key, draft);
    }
    return draft;
  };

  const useOf = (draft: SecretDraft, connectionName: string, file: string): InventoryUse => {
    let use = draft.uses.get(file);
    if (!use) {
      use = { connection: connectionName, file: display(file), keys: [], via: [] };
      draft.uses.set(file, use);
    }
    return use;
  };

  for (const entry of entries.values()) {
    const analysis = entry.analysis;
    const model = analysis?.connection;
    if (!analysis || !model) continue;
    const vaults = index.vaults(analysis.uri);
    const name = model.name?.value || entry.path.split(sep).pop() || entry.path;
    const used = new Set<string>();
    for (const attachment of model.attachments) {
      const target = targetOfAttachment(attachment, vaults, live);
      if (!target) continue;
      const draft = secretFor(target, entry.folder);
      used.add(draft.secret.id);
      const use = useOf(draft, name, entry.path);
      if (!use.via.includes('attachment')) use.via.push('attachment');
      if (attachment.alias) use.alias = attachment.alias.value;
      const version = attachment.version?.value;
      if (typeof version === 'string' || typeof version === 'number') use.version = version;
      if (attachment.versionStage) use.versionStage = attachment.versionStage.value;
      draft.attachments.set(entry.path, attachment);
    }
    for (const reference of model.references) {
      const resolved = resolveReference(reference, model, vaults, live);
      if (!resolved.target) continue;
      const draft = secretFor(resolved.target, entry.folder);
      used.add(draft.secret.id);
      const use = useOf(draft, name, entry.path);
      if (reference.inline && !use.via.includes('inline')) use.via.push('inline');
      if (resolved.key && resolved.key.value !== '') use.keys.push(resolved.key.value);
    }
    connections.push({
      name,
      file: display(entry.path),
      folder: display(entry.folder),
      ...(model.owner?.value ? { owner: model.owner.value } : {}),
      ...(model.expires?.value ? { expires: model.expires.value } : {}),
      secrets: sortedUnique(used),
    });
  }

  // Live facts of each secret: metadata (owner, expiry, rotation, key names) and permissions.
  for (const draft of secrets.values()) {
    const s = draft.secret;
    for (const use of draft.uses.values()) {
      use.keys = sortedUnique(use.keys);
      use.via.sort();
    }
    s.connections = [...draft.uses.values()].sort((a, b) => a.file.localeCompare(b.file) || a.connection.localeCompare(b.connection));
    s.keys = sortedUnique(s.connections.flatMap((u) => u.keys));
    if (live) {
      Object.assign(s, liveOfSecret(live, draft.target));
      for (const [file, use] of draft.uses) {
        const pinned = liveOfPinnedUse(live, draft.target, draft.attachments.get(file));
        if (pinned) use.live = pinned;
      }
    }
  }

  // Vault configurations: those of the folders given, and those used by the files given alone.
  const usedVaults = new Set([...secrets.values()].map((d) => d.target.vault?.uri).filter((u): u is string => u !== undefined));
  const givenUris = new Set([...entries.values()].filter((e) => !e.support && e.analysis).map((e) => e.analysis!.uri));
  const vaults: InventoryVault[] = [];
  for (const { folder, fact } of index.allVaults()) {
    if (!givenUris.has(fact.uri) && !usedVaults.has(fact.uri)) continue;
    const entry = [...entries.values()].find((e) => e.analysis?.uri === fact.uri);
    const sameName = index.vaults(fact.uri).byName.get(fact.name) ?? [];
    const mine = [...secrets.values()].filter((d) => d.target.vault?.uri === fact.uri);
    const address = vaultAddress(fact, env);
    const vault: InventoryVault = {
      name: fact.name,
      provider: fact.provider ?? null,
      ...(address ? { address } : {}),
      ...(fact.namespace ? { namespace: fact.namespace } : {}),
      ...(fact.region ? { region: fact.region } : {}),
      ...(fact.project ? { project: fact.project } : {}),
      ...(fact.description ? { description: fact.description } : {}),
      ...(fact.owner ? { owner: fact.owner } : {}),
      enabled: fact.enabled,
      file: display(entry?.path ?? fileURLToPath(fact.uri)),
      folder: display(entry?.folder ?? folder),
      duplicate: sameName.length > 1,
      engines: hasEngines(fact.provider) ? enginesOf(fact, mine, live) : [],
      ...(storeOf(fact) ? { store: storeOf(fact)! } : {}),
      secrets: sortedUnique(mine.map((d) => d.secret.id)),
      ...(live ? { live: { access: live.access(fact) } } : {}),
    };
    vaults.push(vault);
  }
  vaults.sort((a, b) => a.folder.localeCompare(b.folder) || a.name.localeCompare(b.name) || a.file.localeCompare(b.file));

  const allSecrets = [...secrets.values()].map((d) => d.secret).sort((a, b) => a.folder.localeCompare(b.folder) || a.id.localeCompare(b.id));
  connections.sort((a, b) => a.file.localeCompare(b.file));
  const folders = sortedUnique([...entries.values()].filter((e) => !e.support).map((e) => display(e.folder)));
  return { format: inventoryFormatVersion, live: live !== undefined, folders, vaults, secrets: allSecrets, connections, skipped: [...skipped].sort((a, b) => a.file.localeCompare(b.file)) };
}

/** The store that holds a vault's secrets, as its provider's descriptor names it (none for engines). */
function storeOf(fact: VaultFact): InventoryVault['store'] {
  return providerDescriptor(fact.provider)?.labels.store?.(fact);
}

function enginesOf(fact: VaultFact, secrets: SecretDraft[], live: LiveFacts | undefined): InventoryEngine[] {
  const byPath = new Map<string, InventoryEngine>();
  for (const e of fact.engines ?? []) {
    byPath.set(e.path, { path: e.path, ...(e.type ? { type: e.type } : {}), ...(e.kvVersion ? { kvVersion: e.kvVersion } : {}), declared: true, used: false });
  }
  for (const d of secrets) {
    const path = d.target.engine?.value;
    if (path === undefined) continue;
    const engine = byPath.get(path) ?? { path, declared: false, used: false };
    engine.used = true;
    if (!engine.kvVersion && d.target.engineFact?.kvVersion) {
      engine.kvVersion = d.target.engineFact.kvVersion;
      if (d.target.engineFact.type) engine.type = d.target.engineFact.type;
    }
    byPath.set(path, engine);
  }
  if (live && fact.enabled) {
    for (const engine of byPath.values()) {
      const mount = live.mount(fact, engine.path);
      if (mount?.state === 'ok') {
        const m = mount.value;
        const mounted = m.mounted && m.path === engine.path;
        engine.live = { state: 'ok', mounted, ...(mounted && m.type ? { type: m.type } : {}), ...(mounted && m.kvVersion ? { kvVersion: m.kvVersion } : {}) };
      } else if (mount?.state === 'error') {
        engine.live = { state: 'error', error: mount.error.message };
      }
    }
  }
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

const accessReasons: Partial<Record<LiveAccess, string>> = {
  'no-credentials': 'no credentials for this vault in the environment',
  'untrusted-address': 'its address is not trusted: the credential from the environment was not sent (--trust-address)',
  off: 'the vault configuration is disabled',
  unsupported: 'this provider has no live access',
  failed: 'the vault could not be set up',
  pending: 'the secret manager did not answer in time',
  untrusted: 'live checks are not allowed',
};

/** Live facts of the version an attachment pins (version or stage); undefined when it pins none. */
function liveOfPinnedUse(live: LiveFacts, target: SecretTarget, attachment: Attachment | undefined): InventoryUseLive | undefined {
  const vault = target.vault;
  const locator = attachment && secretLocator(target, attachment);
  if (!vault || !vault.enabled || !locator || (locator.version === undefined && locator.stage === undefined)) return undefined;
  const access = live.access(vault);
  if (access !== 'live') return { state: 'unavailable', reason: accessReasons[access] ?? access };
  const fact = live.secret(vault, locator);
  if (!fact) return { state: 'unavailable', reason: accessReasons.pending! };
  if (fact.state === 'error') return { state: 'error', reason: fact.error.message, errorKind: fact.error.kind };
  return { state: 'ok', ...(fact.value.keys ? { keys: [...fact.value.keys].sort() } : {}) };
}

function liveOfSecret(live: LiveFacts, target: SecretTarget): Partial<InventorySecret> {
  const vault = target.vault;
  if (!vault) return { live: { state: 'unavailable', reason: 'no single vault configuration has this name' } };
  if (!vault.enabled) return { live: { state: 'unavailable', reason: accessReasons.off! } };
  const access = live.access(vault);
  if (access !== 'live') return { live: { state: 'unavailable', reason: accessReasons[access] ?? access } };
  const locator = secretLocator(target, undefined);
  if (!locator) return { live: { state: 'unavailable', reason: 'the path cannot be read as written (see `secretrefs check`), or its engine is not known' } };
  const fact = live.secret(vault, locator);
  const permissions = permissionsOf(live, vault, target, locator);
  const withPermissions = permissions ? { permissions } : {};
  if (!fact) return { live: { state: 'unavailable', reason: accessReasons.pending!, ...withPermissions } };
  if (fact.state === 'error') return { live: { state: 'error', reason: fact.error.message, errorKind: fact.error.kind, ...withPermissions } };
  const m = fact.value.metadata;
  const details = m ? fromMetadata(m) : undefined;
  const secretLive: InventorySecretLive = {
    state: 'ok',
    ...(m?.currentVersion !== undefined ? { currentVersion: m.currentVersion } : {}),
    ...(m?.createdTime ? { createdTime: m.createdTime } : {}),
    ...(m?.updatedTime ? { updatedTime: m.updatedTime } : {}),
    ...(fact.value.keys ? { keys: [...fact.value.keys].sort() } : {}),
    ...(details && Object.keys(details.labels).length > 0 ? { labels: details.labels } : {}),
    ...withPermissions,
  };
  return {
    ...(details?.owner !== undefined ? { owner: details.owner } : {}),
    ...(details?.expires !== undefined ? { expires: details.expires } : {}),
    ...(details?.rotation ? { rotation: details.rotation } : {}),
    live: secretLive,
  };
}
