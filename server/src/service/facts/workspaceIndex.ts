import type { Position } from 'vscode-languageserver-types';
import type { DocumentAnalysis } from '../documentAnalysis';
import { targetOf, type SecretTarget } from '../references/resolve';
import type { VaultFact, VaultSet, WorkspaceFacts } from './facts';

/** A secret a document names apart from its key reads (a connection's attachment), by vault name. */
export interface AttachedSecret {
  vault: string;
  engine: string | undefined;
  path: string | undefined;
  secret: string | undefined;
}

const emptyVaults: VaultSet = { complete: true, byName: new Map() };

/**
 * The vault configurations and the reference formats' documents of a workspace, grouped by
 * workspace folder. Pure data: the server and the CLI feed it analyses of the files they read.
 */
export class WorkspaceIndex implements WorkspaceFacts {
  private readonly vaultsByUri = new Map<string, { folder: string; fact: VaultFact }>();
  private readonly keysByUri = new Map<string, { folder: string; keys: Map<string, Set<string>>; attached: AttachedSecret[] }>();
  private readonly setCache = new Map<string, VaultSet>();
  private complete = false;

  /**
   * @param folderOf the workspace folder of a document ('' when outside every folder)
   * @param normalize one spelling per document, so the editor's URI and one made from a disk path
   *   name the same entry; facts keep the URI they were recorded with
   */
  constructor(
    private readonly folderOf: (uri: string) => string,
    private readonly normalize: (uri: string) => string = (uri) => uri,
  ) {}

  /** Records a vault configuration (or forgets it when the analysis holds none). */
  setVaultConfig(analysis: DocumentAnalysis, text: string): void {
    this.remove(analysis.uri);
    const model = analysis.vault;
    if (!model?.name || model.name.value === '') return;
    const folder = this.folderOf(analysis.uri);
    const fact: VaultFact = {
      name: model.name.value,
      provider: model.provider,
      enabled: model.enabled,
      description: model.description,
      owner: model.owner,
      address: model.provider === 'azure' ? model.vaultUrl : model.url,
      region: model.region,
      project: model.project,
      namespace: model.namespace,
      engines: model.engines?.map((e) => ({ path: e.path, type: e.type, kvVersion: e.version, source: 'declared' as const })),
      uri: analysis.uri,
      connection: model.connection,
      nameRange: { start: positionAt(text, model.name.span.start), end: positionAt(text, model.name.span.end) },
    };
    this.vaultsByUri.set(this.normalize(analysis.uri), { folder, fact });
    this.setCache.delete(folder);
  }

  /** Records a document's analysis: a vault configuration, or a format's document. */
  record(analysis: DocumentAnalysis, text: string): void {
    if (analysis.kind === 'vault-config') this.setVaultConfig(analysis, text);
    else this.setReferences(analysis);
  }

  /** Records which keys a format's document reads from which secrets, and the secrets it names apart. */
  setReferences(analysis: DocumentAnalysis): void {
    this.remove(analysis.uri);
    const facts = analysis.format;
    if (!facts) return;
    const keys = new Map<string, Set<string>>();
    // Identities do not depend on the vault configurations: each use's target is worked out once, without them.
    const targets = new Map<number, SecretTarget | undefined>();
    for (const read of facts.reads) {
      if (read.use === undefined || !read.key || read.key.value === '*') continue;
      if (!targets.has(read.use)) targets.set(read.use, targetOf(facts.uses[read.use]!, emptyVaults));
      const target = targets.get(read.use);
      if (!target) continue;
      const set = keys.get(target.id) ?? new Set<string>();
      set.add(read.key.value);
      keys.set(target.id, set);
    }
    const attached: AttachedSecret[] = facts.uses.flatMap((use) =>
      use.form === 'apart' && use.vault?.by === 'name' ? [{ vault: use.vault.name.value, engine: use.engine?.value, path: use.path?.value, secret: use.name?.value }] : [],
    );
    this.keysByUri.set(this.normalize(analysis.uri), { folder: this.folderOf(analysis.uri), keys, attached });
  }

  /** Every vault configuration, with its folder. */
  allVaults(): { folder: string; fact: VaultFact }[] {
    return [...this.vaultsByUri.values()];
  }

  /** The secrets the documents of a folder name apart (connections' attachments), for troubleshooting a vault. */
  attachedSecrets(folder: string, vault: string): AttachedSecret[] {
    const seen = new Map<string, AttachedSecret>();
    for (const entry of this.keysByUri.values()) {
      if (entry.folder !== folder) continue;
      for (const a of entry.attached) if (a.vault === vault) seen.set(JSON.stringify(a), a);
    }
    return [...seen.values()];
  }

  remove(uri: string): void {
    uri = this.normalize(uri);
    const vault = this.vaultsByUri.get(uri);
    if (vault) {
      this.vaultsByUri.delete(uri);
      this.setCache.delete(vault.folder);
    }
    this.keysByUri.delete(uri);
  }

  /** Marks whether every file of the workspace has been read; until then no name is "unknown". */
  setComplete(complete: boolean): void {
    this.complete = complete;
    this.setCache.clear();
  }

  vaults(uri: string): VaultSet {
    const folder = this.folderOf(uri);
    const cached = this.setCache.get(folder);
    if (cached) return cached;
    const byName = new Map<string, VaultFact[]>();
    for (const entry of this.vaultsByUri.values()) {
      if (entry.folder !== folder) continue;
      const list = byName.get(entry.fact.name) ?? [];
      list.push(entry.fact);
      byName.set(entry.fact.name, list);
    }
    for (const list of byName.values()) list.sort((a, b) => a.uri.localeCompare(b.uri));
    const set: VaultSet = { complete: this.complete, byName };
    this.setCache.set(folder, set);
    return set;
  }

  keysUsed(uri: string, secretId: string): readonly string[] {
    const folder = this.folderOf(uri);
    const keys = new Set<string>();
    for (const entry of this.keysByUri.values()) {
      if (entry.folder !== folder) continue;
      for (const key of entry.keys.get(secretId) ?? []) keys.add(key);
    }
    return [...keys].sort();
  }

  /** How many vault configurations and reference-format documents (`connections`) are indexed. */
  counts(): { vaultConfigs: number; connections: number } {
    return { vaultConfigs: this.vaultsByUri.size, connections: this.keysByUri.size };
  }
}

/** Line and character of an offset, counting UTF-16 units like LSP. */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}
