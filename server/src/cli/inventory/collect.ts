/**
 * `secretrefs inventory`: what the files say about vaults and secrets, and (live) what the secret
 * managers say about them. Every vault configuration, the engines or stores it uses, every
 * referenced secret (attachments and inline references alike) with the connections that read it,
 * and with live access the secret's owner, expiry, rotation and the caller's permissions on it.
 *
 * Never a value: key names only, metadata only. Live facts come through the same LiveFacts store
 * as `check --live`, whose providers read key names without keeping values.
 */
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Settings } from '../../../../shared/src/settings';
import { createLiveFacts } from '../../live/createLiveFacts';
import type { LiveFactsStore } from '../../live/liveFactsStore';
import type { DocumentAnalysis } from '../../service/documentAnalysis';
import { WorkspaceIndex } from '../../service/facts/workspaceIndex';
import { formatOf } from '../../service/formats/registry';
import { createLanguageService } from '../../service/languageService';
import { createFileClassifier } from '../../workspace/fileClassifier';
import { findWorkspaceFiles, kindOfRead, type FoundWorkspaceFile } from '../../workspace/findWorkspaceFiles';
import { readTextFile } from '../../workspace/readTextFile';
import { SecretDrafts } from './drafts';
import { inventoryFormatVersion, type Inventory, type InventoryConnection, type InventoryResult } from './types';
import { vaultEntries, type InventoryFile } from './vaults';

export type { Inventory, InventoryResult } from './types';

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
  file: FoundWorkspaceFile;
  /** Read only to resolve vault names of a file given alone. */
  support: boolean;
  analysis: DocumentAnalysis | undefined;
}

/** The files read, analysed and indexed as `check` reads them, and the files skipped (binary, too large). */
interface ReadFiles {
  entries: Entry[];
  index: WorkspaceIndex;
  skipped: Inventory['skipped'];
  limitReached: boolean;
}

/** The inventory of the files and folders given. */
export async function collectInventory(paths: string[], settings: Settings, cwd = process.cwd(), options: CollectInventoryOptions = {}): Promise<InventoryResult> {
  const display = options.display ?? ((p: string) => p);
  const env = options.env ?? process.env;
  const unreadable: InventoryResult['unreadable'] = [];
  const files = await readFiles(paths, settings, cwd, unreadable, display);
  const live = options.live
    ? createLiveFacts({ settings: () => settings, trusted: () => true, onFactsChanged: () => undefined, log: () => undefined, warn: () => undefined, env, trustedAddresses: options.trustedAddresses ?? [] })
    : undefined;
  try {
    let inventory = snapshot(files, live, env, display);
    if (live) {
      // Each round asks for what the previous one missed (a provider, then mounts, then secrets and capabilities).
      for (let round = 0; round < 8 && live.pending() > 0; round++) {
        await live.settle(settings.live.timeoutSeconds * 1000 + 2000);
        inventory = snapshot(files, live, env, display);
      }
    }
    return { inventory, unreadable, ...(files.limitReached ? { limitReached: true } : {}) };
  } finally {
    live?.dispose();
  }
}

/** Finds the files the way `check` does (each folder is a workspace folder; a file alone resolves names from its folder), reads and indexes them. */
async function readFiles(paths: string[], settings: Settings, cwd: string, unreadable: InventoryResult['unreadable'], display: (path: string) => string): Promise<ReadFiles> {
  const classifier = createFileClassifier(settings);
  const found = await findWorkspaceFiles(paths, classifier, cwd, unreadable, settings.files.maxFiles);
  const folderByUri = new Map<string, string>();
  const index = new WorkspaceIndex((uri) => folderByUri.get(uri) ?? '');
  const service = createLanguageService({ settings });
  const entries: Entry[] = [];
  const skipped: Inventory['skipped'] = [];
  for (const file of found.files) {
    const uri = pathToFileURL(file.path).toString();
    folderByUri.set(uri, file.folder);
    const read = await readTextFile(file.path, settings.files.maxSizeKb);
    // A file found by the walk that only its text could classify says nothing unless a format claims it.
    const byText = file.kind === undefined && file.fallback === undefined;
    const kind = read.ok ? kindOfRead(file, read.text, classifier) : undefined;
    if (byText && !kind) continue;
    const entry: Entry = { file, support: file.support, analysis: undefined };
    entries.push(entry);
    if (!read.ok) {
      if (read.code === 'missing') unreadable.push({ path: file.path, message: read.message });
      else if (!file.support) skipped.push({ file: display(file.path), reason: read.message.split('\n')[0] ?? read.code });
      continue;
    }
    entry.analysis = service.analyze(TextDocument.create(uri, 'yaml', 1, read.text), kind!);
    index.record(entry.analysis, read.text);
  }
  // Past the file limit some vault configurations were not read: no name is then "unknown".
  index.setComplete(!found.limitReached);
  return { entries, index, skipped, limitReached: found.limitReached };
}

/** The inventory as the facts stand now: the secrets each document names, then the vault configurations. */
function snapshot(files: ReadFiles, live: LiveFactsStore | undefined, env: NodeJS.ProcessEnv, display: (path: string) => string): Inventory {
  const { entries, index, skipped } = files;
  const drafts = new SecretDrafts(display);
  const connections: InventoryConnection[] = [];
  for (const { file, analysis } of entries) {
    if (!analysis?.format || analysis.kind === 'vault-config') continue;
    connections.push(drafts.addDocument(formatOf(analysis.kind), analysis.format, file.path, file.folder, index.vaults(analysis.uri), live));
  }
  drafts.finish(live);
  const secrets = [...drafts.byKey.values()];
  const inventoryFiles: InventoryFile[] = entries.map(({ file, analysis }) => ({ path: file.path, folder: file.folder, uri: analysis?.uri, support: file.support }));
  const vaults = vaultEntries(index, inventoryFiles, secrets, live, env, display);
  const allSecrets = secrets.map((d) => d.secret).sort((a, b) => a.folder.localeCompare(b.folder) || a.id.localeCompare(b.id));
  connections.sort((a, b) => a.file.localeCompare(b.file));
  const folders = [...new Set(entries.filter((e) => !e.support).map((e) => display(e.file.folder)))].sort();
  return { format: inventoryFormatVersion, live: live !== undefined, folders, vaults, secrets: allSecrets, connections, skipped: [...skipped].sort((a, b) => a.file.localeCompare(b.file)) };
}
