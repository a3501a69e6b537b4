import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { Settings } from '../../../shared/src/settings';
import { diagnosticSource } from '../service/diagnostics/codes';
import { WorkspaceIndex } from '../service/facts/workspaceIndex';
import type { SecretScanFinding, WorkspaceFacts } from '../service/facts/facts';
import { loadSecretScan } from '../providers/loadProviders';
import { createLiveFacts } from '../live/createLiveFacts';
import { createLanguageService } from '../service/languageService';
import type { DocumentKind } from '../service/documentAnalysis';
import { createFileClassifier } from './fileClassifier';
import { readAhead } from './readTextFile';
import { findWorkspaceFiles, kindOfRead, type FoundWorkspaceFile } from './findWorkspaceFiles';
import { formatOf } from '../service/formats/registry';

export interface FileReport {
  /** Absolute file system path. */
  path: string;
  uri: string;
  diagnostics: Diagnostic[];
}

export interface CheckResult {
  files: FileReport[];
  /** Given paths that do not exist or cannot be read. */
  unreadable: { path: string; message: string }[];
  /** More files matched than `settings.files.maxFiles`: only that many were read and checked. */
  limitReached?: boolean;
}

interface Entry {
  file: FoundWorkspaceFile;
  path: string;
  /** Known once the file is read (a file only its text can classify); undefined: not checked. */
  kind: DocumentKind | undefined;
  folder: string;
  support: boolean;
  document: TextDocument | undefined;
  failure: Diagnostic | undefined;
}


/**
 * Checks files and folders the way the editor does. Each folder given is a workspace folder; a
 * file given alone belongs to the folder given that holds it, else to the current directory
 * (when inside it), else to its own directory, and vault configurations are read from there.
 */
export interface CheckPathsOptions {
  /** Check against the secret managers too, with credentials from `env` (for trusted addresses only, see AddressTrust). */
  live?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Origins trusted besides VAULT_ADDR, SECRETREFS_TRUSTED_ADDRESSES and the providers' own endpoints (`--trust-address`). */
  trustedAddresses?: readonly string[];
}

export async function checkPaths(paths: string[], settings: Settings, cwd = process.cwd(), options: CheckPathsOptions = {}): Promise<CheckResult> {
  const classifier = createFileClassifier(settings);
  const unreadable: CheckResult['unreadable'] = [];
  const entries = new Map<string, Entry>();
  const found = await findWorkspaceFiles(paths, classifier, cwd, unreadable, settings.files.maxFiles);
  for (const file of found.files) entries.set(file.path, { file, path: file.path, kind: file.kind, folder: file.folder, support: file.support, document: undefined, failure: undefined });

  const folderByUri = new Map<string, string>();
  const index = new WorkspaceIndex((uri) => folderByUri.get(uri) ?? '');
  const service = createLanguageService({ settings });
  const list = [...entries.values()];
  const reads = readAhead(list.map((e) => e.path), settings.files.maxSizeKb);
  const uris = new Map<Entry, string>();
  for (const [i, entry] of list.entries()) {
    const uri = pathToFileURL(entry.path).toString();
    uris.set(entry, uri);
    folderByUri.set(uri, entry.folder);
    const read = await reads.get(i);
    // A file found by the walk that only its text could classify says nothing when it cannot be read.
    const byText = entry.kind === undefined && entry.file.fallback === undefined;
    if (!read.ok && byText) {
      entries.delete(entry.path);
      continue;
    }
    if (!read.ok) {
      if (read.code === 'missing') unreadable.push({ path: entry.path, message: read.message });
      else entry.failure = failure(read.code, read.message);
      continue;
    }
    entry.kind = kindOfRead(entry.file, read.text, classifier);
    // A file only its text could classify, and that no format claims, is not checked.
    if (!entry.kind) {
      entries.delete(entry.path);
      continue;
    }
    entry.document = TextDocument.create(uri, 'yaml', 1, read.text);
    index.record(service.analyze(entry.document, entry.kind), read.text);
  }
  // Past the file limit some vault configurations were not read: no name is then "unknown".
  index.setComplete(!found.limitReached);

  const live = options.live
    ? createLiveFacts({
        settings: () => settings,
        trusted: () => true,
        onFactsChanged: () => undefined,
        log: () => undefined,
        warn: () => undefined,
        env: options.env ?? process.env,
        trustedAddresses: options.trustedAddresses ?? [],
      })
    : undefined;
  let scans = new Map<string, SecretScanFinding[]>();
  if (settings.hardcodedCredentials.enabled) {
    const { scanManyForSecrets } = await loadSecretScan();
    const scanned = [...entries.values()].flatMap((e) => (e.document && e.kind && e.kind !== 'vault-config' && formatOf(e.kind).scansForSecrets ? [{ key: e.document.uri, text: e.document.getText() }] : []));
    scans = await scanManyForSecrets(scanned);
  }
  const facts: WorkspaceFacts = {
    vaults: (uri) => index.vaults(uri),
    keysUsed: (uri, id) => index.keysUsed(uri, id),
    live,
    secretScan: (uri) => scans.get(uri),
  };
  if (live) {
    // Each round asks for what the previous one missed (a provider, then mounts, then secrets).
    for (let round = 0; round < 6; round++) {
      for (const entry of entries.values()) if (entry.document && entry.kind) service.validate(entry.document, entry.kind, facts);
      if (live.pending() === 0) break;
      await live.settle(settings.live.timeoutSeconds * 1000 + 2000);
    }
  }

  const reports: FileReport[] = [];
  const disabled = new Set(settings.diagnostics.disabled);
  for (const entry of entries.values()) {
    // Vault configurations read only to resolve names of a file given alone are not reported.
    if (entry.support) continue;
    const uri = uris.get(entry) ?? pathToFileURL(entry.path).toString();
    if (entry.failure) {
      reports.push({ path: entry.path, uri, diagnostics: disabled.has(String(entry.failure.code)) ? [] : [entry.failure] });
    } else if (entry.document && entry.kind) {
      reports.push({ path: entry.path, uri, diagnostics: service.validate(entry.document, entry.kind, facts) });
    }
  }
  // The order localeCompare gives, with one collator instead of one per comparison.
  const collator = new Intl.Collator();
  reports.sort((a, b) => collator.compare(a.path, b.path));
  live?.dispose();
  return { files: reports, unreadable, ...(found.limitReached ? { limitReached: true } : {}) };
}


function failure(code: 'unreadable-file' | 'file-too-large', message: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: code === 'unreadable-file' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code,
    source: diagnosticSource,
    message,
  };
}
