import { stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
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
import type { DocumentKind } from '../service/model/types';
import { createFileClassifier, type FileClassifier } from './fileClassifier';
import { describeError, readTextFile } from './readTextFile';
import { walkFolder } from './walkFolder';

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
}

interface Entry {
  path: string;
  kind: DocumentKind;
  folder: string;
  document: TextDocument | undefined;
  failure: Diagnostic | undefined;
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/**
 * Checks files and folders the way the editor does. Each folder given is a workspace folder; a
 * file given alone belongs to the folder given that holds it, else to the current directory
 * (when inside it), else to its own directory, and vault configurations are read from there.
 */
export interface CheckPathsOptions {
  /** Check against the secret managers too, with credentials from `env`. */
  live?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function checkPaths(paths: string[], settings: Settings, cwd = process.cwd(), options: CheckPathsOptions = {}): Promise<CheckResult> {
  const classifier = createFileClassifier(settings);
  const unreadable: CheckResult['unreadable'] = [];
  const dirs: string[] = [];
  const files: string[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    try {
      const info = await stat(path);
      if (info.isDirectory()) dirs.push(path);
      else files.push(path);
    } catch (error) {
      unreadable.push({ path: given, message: describeError(error) });
    }
  }
  const entries = new Map<string, Entry>();
  const add = (path: string, kind: DocumentKind, folder: string) => {
    if (entries.has(path)) return;
    entries.set(path, { path, kind, folder, document: undefined, failure: undefined });
  };
  for (const dir of dirs) {
    for (const found of await walkFolder(dir, classifier)) add(found.path, found.kind, dir);
  }
  const extraFolders = new Set<string>();
  for (const file of files) {
    const folder = dirs.find((d) => isInside(file, d)) ?? (isInside(file, cwd) ? cwd : dirname(file));
    const kind = classifyGiven(classifier, file, folder);
    add(file, kind, folder);
    if (!dirs.includes(folder)) extraFolders.add(folder);
  }
  for (const folder of extraFolders) {
    for (const found of await walkFolder(folder, classifier, 'vault-config')) add(found.path, found.kind, folder);
  }

  const folderByUri = new Map<string, string>();
  const index = new WorkspaceIndex((uri) => folderByUri.get(uri) ?? '');
  const service = createLanguageService({ settings });
  for (const entry of entries.values()) {
    const uri = pathToFileURL(entry.path).toString();
    folderByUri.set(uri, entry.folder);
    const read = await readTextFile(entry.path, settings.files.maxSizeKb);
    if (!read.ok) {
      if (read.code === 'missing') unreadable.push({ path: entry.path, message: read.message });
      else entry.failure = failure(read.code, read.message);
      continue;
    }
    entry.document = TextDocument.create(uri, 'yaml', 1, read.text);
    const analysis = service.analyze(entry.document, entry.kind);
    if (entry.kind === 'vault-config') index.setVaultConfig(analysis, read.text);
    else index.setConnection(analysis);
  }
  index.setComplete(true);

  const live = options.live
    ? createLiveFacts({ settings: () => settings, trusted: () => true, onFactsChanged: () => undefined, log: () => undefined, warn: () => undefined, env: options.env ?? process.env })
    : undefined;
  const scans = new Map<string, SecretScanFinding[]>();
  if (settings.hardcodedCredentials.enabled) {
    const { scanForSecrets } = await loadSecretScan();
    for (const entry of entries.values()) {
      if (entry.document && entry.kind === 'connection') scans.set(entry.document.uri, await scanForSecrets(entry.path, entry.document.getText()));
    }
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
      for (const entry of entries.values()) if (entry.document) service.validate(entry.document, entry.kind, facts);
      if (live.pending() === 0) break;
      await live.settle(settings.live.timeoutSeconds * 1000 + 2000);
    }
  }

  const reports: FileReport[] = [];
  const shown = new Set(files);
  for (const entry of entries.values()) {
    // Vault configurations read only to resolve names of a file given alone are not reported.
    if (extraFolders.has(entry.folder) && !shown.has(entry.path)) continue;
    const uri = pathToFileURL(entry.path).toString();
    const disabled = new Set(settings.diagnostics.disabled);
    if (entry.failure) {
      reports.push({ path: entry.path, uri, diagnostics: disabled.has(String(entry.failure.code)) ? [] : [entry.failure] });
    } else if (entry.document) {
      reports.push({ path: entry.path, uri, diagnostics: service.validate(entry.document, entry.kind, facts) });
    }
  }
  reports.sort((a, b) => a.path.localeCompare(b.path));
  live?.dispose();
  return { files: reports, unreadable };
}

/** A file named explicitly is checked even when it matches no pattern: its name decides its kind. */
function classifyGiven(classifier: FileClassifier, file: string, folder: string): DocumentKind {
  const rel = relative(folder, file).split(sep).join('/');
  return classifier.kindOf(rel) ?? (/\.vault\.ya?ml$/i.test(file) ? 'vault-config' : 'connection');
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
