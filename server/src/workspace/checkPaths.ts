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
import { createFileClassifier, type FileClassifier } from './fileClassifier';
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
  path: string;
  uri: string;
  kind: DocumentKind;
  support: boolean;
  /** Undefined when the file could not be read (`failure` says why, or it vanished). */
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
  const found = await findWorkspaceFiles(paths, classifier, cwd, unreadable, settings.files.maxFiles);
  const folderByUri = new Map<string, string>();
  const index = new WorkspaceIndex((uri) => folderByUri.get(uri) ?? '');
  const service = createLanguageService({ settings });
  const entries = await readEntries(found.files, settings, classifier, unreadable, (entry, folder, analyzed) => {
    folderByUri.set(entry.uri, folder);
    if (analyzed) index.record(service.analyze(analyzed, entry.kind), analyzed.getText());
  });
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
  const scans = await secretScans(entries, settings);
  const facts: WorkspaceFacts = {
    vaults: (uri) => index.vaults(uri),
    keysUsed: (uri, id) => index.keysUsed(uri, id),
    live,
    secretScan: (uri) => scans.get(uri),
  };
  if (live) {
    // Each round asks for what the previous one missed (a provider, then mounts, then secrets).
    for (let round = 0; round < 6; round++) {
      for (const entry of entries) if (entry.document) service.validate(entry.document, entry.kind, facts);
      if (live.pending() === 0) break;
      await live.settle(settings.live.timeoutSeconds * 1000 + 2000);
    }
  }
  const reports = reportsOf(entries, (entry, document) => service.validate(document, entry.kind, facts), settings);
  live?.dispose();
  return { files: reports, unreadable, ...(found.limitReached ? { limitReached: true } : {}) };
}

/**
 * Reads the files found (a few ahead), gives each its kind (a file only its text can classify is
 * kept only when a format claims it), and hands each to `record` as it is read.
 */
async function readEntries(
  files: readonly FoundWorkspaceFile[],
  settings: Settings,
  classifier: FileClassifier,
  unreadable: CheckResult['unreadable'],
  record: (entry: Entry, folder: string, document: TextDocument | undefined) => void,
): Promise<Entry[]> {
  const entries: Entry[] = [];
  const reads = readAhead(files.map((f) => f.path), settings.files.maxSizeKb);
  for (const [i, file] of files.entries()) {
    const uri = pathToFileURL(file.path).toString();
    const read = await reads.get(i);
    const kind = read.ok ? kindOfRead(file, read.text, classifier) : (file.kind ?? file.fallback);
    // A file found by the walk that only its text could classify says nothing unless a format claims it.
    if (!kind) continue;
    const entry: Entry = { path: file.path, uri, kind, support: file.support, document: undefined, failure: undefined };
    entries.push(entry);
    if (read.ok) entry.document = TextDocument.create(uri, 'yaml', 1, read.text);
    else if (read.code === 'missing') unreadable.push({ path: file.path, message: read.message });
    else entry.failure = failure(read.code, read.message);
    record(entry, file.folder, entry.document);
  }
  return entries;
}

/** secretlint's findings on the documents of formats that check for hard-coded credentials, when enabled. */
async function secretScans(entries: readonly Entry[], settings: Settings): Promise<Map<string, SecretScanFinding[]>> {
  if (!settings.hardcodedCredentials.enabled) return new Map();
  const { scanManyForSecrets } = await loadSecretScan();
  const scanned = entries.flatMap((e) => (e.document && e.kind !== 'vault-config' && formatOf(e.kind).scansForSecrets ? [{ key: e.uri, text: e.document.getText() }] : []));
  return scanManyForSecrets(scanned);
}

/** One report per file given (not those read only for vault names), in path order. */
function reportsOf(entries: readonly Entry[], validate: (entry: Entry, document: TextDocument) => Diagnostic[], settings: Settings): FileReport[] {
  const reports: FileReport[] = [];
  const disabled = new Set(settings.diagnostics.disabled);
  for (const entry of entries) {
    if (entry.support) continue;
    if (entry.failure) {
      reports.push({ path: entry.path, uri: entry.uri, diagnostics: disabled.has(String(entry.failure.code)) ? [] : [entry.failure] });
    } else if (entry.document) {
      reports.push({ path: entry.path, uri: entry.uri, diagnostics: validate(entry, entry.document) });
    }
  }
  // The order localeCompare gives, with one collator instead of one per comparison.
  const collator = new Intl.Collator();
  return reports.sort((a, b) => collator.compare(a.path, b.path));
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
