/**
 * The inventory's secrets, gathered from the documents that name them: each use (a connection's
 * attachment, an inline reference) and each key read, grouped by secret and by the reading file.
 */
import { sep } from 'node:path';
import type { LiveFacts } from '../../service/facts/liveFacts';
import type { VaultSet } from '../../service/facts/vaults';
import type { FormatAnalysis, SecretUse } from '../../service/formats/facts';
import type { ReferenceFormat } from '../../service/formats/format';
import { apiPath, resolveReads, targetsOf, type SecretTarget } from '../../service/references/resolve';
import { liveOfPinnedUse, liveOfSecret } from './live';
import type { InventoryConnection, InventorySecret, InventoryUse } from './types';
import { hasEngines } from '../../../../shared/src/providers';

export interface SecretDraft {
  target: SecretTarget;
  secret: InventorySecret;
  /** By reading file. */
  uses: Map<string, InventoryUse>;
  /** The use named apart in each reading file, for the version it pins. */
  pins: Map<string, SecretUse>;
}

/** The secrets found so far, by folder and identity. */
export class SecretDrafts {
  readonly byKey = new Map<string, SecretDraft>();

  constructor(private readonly display: (path: string) => string) {}

  /** The draft of a target's secret in a folder, made on first sight. */
  draftFor(target: SecretTarget, folder: string): SecretDraft {
    const key = `${folder}\0${target.id}`;
    let draft = this.byKey.get(key);
    if (!draft) {
      draft = { target, secret: secretEntry(target, this.display(folder)), uses: new Map(), pins: new Map() };
      this.byKey.set(key, draft);
    }
    return draft;
  }

  /** A file's use of a secret, made on first sight. */
  useOf(draft: SecretDraft, documentName: string, file: string): InventoryUse {
    let use = draft.uses.get(file);
    if (!use) {
      use = { connection: documentName, file: this.display(file), keys: [], via: [] };
      draft.uses.set(file, use);
    }
    return use;
  }

  /**
   * Adds what one document names: its uses (with their pins, for those named apart) and its key
   * reads. Returns the document as the inventory lists it.
   */
  addDocument(format: ReferenceFormat, analysis: FormatAnalysis, path: string, folder: string, vaults: VaultSet, live: LiveFacts | undefined): InventoryConnection {
    const described = format.describe?.(analysis) ?? {};
    const name = described.name || path.split(sep).pop() || path;
    const used = new Set<string>();
    const targets = targetsOf(analysis, vaults, live);
    analysis.uses.forEach((use, i) => {
      const target = targets[i];
      if (!target) return;
      const draft = this.draftFor(target, folder);
      used.add(draft.secret.id);
      const entry = this.useOf(draft, name, path);
      const via = use.form === 'apart' ? 'attachment' : 'inline';
      if (!entry.via.includes(via)) entry.via.push(via);
      if (use.form === 'apart') notePins(entry, draft, use, path);
    });
    for (const { read, target } of resolveReads(analysis, targets)) {
      if (!target) continue;
      const draft = this.draftFor(target, folder);
      used.add(draft.secret.id);
      const entry = this.useOf(draft, name, path);
      if (read.key && read.key.value !== '') entry.keys.push(read.key.value);
    }
    return {
      name,
      file: this.display(path),
      folder: this.display(folder),
      ...(described.owner ? { owner: described.owner } : {}),
      ...(described.expires ? { expires: described.expires } : {}),
      secrets: sortedUnique(used),
    };
  }

  /** Sorts each secret's uses and keys, and (live) adds what the secret managers say. */
  finish(live: LiveFacts | undefined): void {
    for (const draft of this.byKey.values()) {
      const s = draft.secret;
      for (const use of draft.uses.values()) {
        use.keys = sortedUnique(use.keys);
        use.via.sort();
      }
      s.connections = [...draft.uses.values()].sort((a, b) => a.file.localeCompare(b.file) || a.connection.localeCompare(b.connection));
      s.keys = sortedUnique(s.connections.flatMap((u) => u.keys));
      if (!live) continue;
      Object.assign(s, liveOfSecret(live, draft.target));
      for (const [file, use] of draft.uses) {
        const pinned = liveOfPinnedUse(live, draft.target, draft.pins.get(file));
        if (pinned) use.live = pinned;
      }
    }
  }
}

/** A use's alias and pins, as written. */
function notePins(entry: InventoryUse, draft: SecretDraft, use: SecretUse, path: string): void {
  if (use.alias) entry.alias = use.alias.value;
  const version = use.version?.value;
  if (typeof version === 'string' || typeof version === 'number') entry.version = version;
  if (use.stage) entry.versionStage = use.stage.value;
  draft.pins.set(path, use);
}

/** A secret as the inventory first lists it (`VAULT:PATH`, its engine and API path), before uses and live facts. */
function secretEntry(target: SecretTarget, folder: string): InventorySecret {
  const vaultName = target.vaultName.value;
  const rest = target.id.slice(target.id.indexOf('|') + 1);
  const engines = hasEngines(target.provider);
  const engine = engines ? target.engine?.value : undefined;
  const inside = engines && target.secretPath ? target.secretPath.value.replace(/^\/+/, '') : undefined;
  const named = !engines && target.provider !== undefined ? (target.secretName?.value ?? rest) : undefined;
  const api = engines ? apiPath(target) : undefined;
  return {
    id: `${vaultName}:${rest}`,
    vault: vaultName,
    provider: target.provider ?? null,
    ...(engine !== undefined ? { engine } : {}),
    ...(engines ? { path: inside ?? rest } : {}),
    ...(named !== undefined ? { name: named } : {}),
    ...(engines && target.engineFact?.kvVersion ? { kvVersion: target.engineFact.kvVersion } : {}),
    ...(api ? { apiPath: api } : {}),
    folder,
    keys: [],
    connections: [],
  };
}

export function sortedUnique<T extends string>(values: Iterable<T>): T[] {
  return [...new Set(values)].sort();
}
