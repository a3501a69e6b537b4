import { stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { DocumentKind } from '../service/documentAnalysis';
import type { FileClassifier } from './fileClassifier';
import { describeError } from './readTextFile';
import { walkFolder } from './walkFolder';

export interface FoundWorkspaceFile {
  path: string;
  /** Relative to `folder`, with `/`. */
  relativePath: string;
  /** Undefined when only the file's text can tell: see `kindOfRead`. */
  kind: DocumentKind | undefined;
  /** A file given by name: its kind when its text claims none. */
  fallback?: DocumentKind;
  /** The workspace folder the file belongs to: vault names resolve within it. */
  folder: string;
  /**
   * True for a vault configuration read only to resolve the names of a file given alone: it is
   * not itself reported.
   */
  support: boolean;
}

export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/**
 * A file named explicitly is checked even when it matches no pattern: its name decides its kind (a
 * vault configuration, else a connection), unless a format that tests the text claims it.
 */
function classifyGiven(classifier: FileClassifier, file: string, rel: string): Pick<FoundWorkspaceFile, 'kind' | 'fallback'> {
  const kind = classifier.classify(rel);
  const byName: DocumentKind = /\.vault\.ya?ml$/i.test(file) ? 'vault-config' : 'connection';
  if (kind === 'by-text') return { kind: undefined, fallback: byName };
  return { kind: kind ?? byName };
}

/** The kind of a file of the run once its text is read; undefined: no kind claims it (it is not checked). */
export function kindOfRead(file: FoundWorkspaceFile, text: string, classifier: FileClassifier): DocumentKind | undefined {
  return file.kind ?? classifier.kindOf(file.relativePath, text) ?? file.fallback;
}

export interface FoundWorkspaceFiles {
  files: FoundWorkspaceFile[];
  /** More files matched than `maxFiles`: only the first `maxFiles` (in path order) are in `files`. */
  limitReached: boolean;
}

/**
 * The files of a CLI run, grouped the way the editor groups them. Each folder given is a
 * workspace folder; a file given alone belongs to the folder given that holds it, else to the
 * current directory (when inside it), else to its own directory, whose vault configurations are
 * then read too (as `support` files). Paths that cannot be read are added to `unreadable`.
 * At most `maxFiles` files are returned (those of the folders first, in path order).
 */
export async function findWorkspaceFiles(
  paths: string[],
  classifier: FileClassifier,
  cwd: string,
  unreadable: { path: string; message: string }[],
  maxFiles = Number.POSITIVE_INFINITY,
): Promise<FoundWorkspaceFiles> {
  const dirs: string[] = [];
  const files: string[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    try {
      if ((await stat(path)).isDirectory()) dirs.push(path);
      else files.push(path);
    } catch (error) {
      unreadable.push({ path: given, message: describeError(error) });
    }
  }
  const found = new Map<string, FoundWorkspaceFile>();
  let limitReached = false;
  const add = (file: FoundWorkspaceFile) => {
    if (found.has(file.path)) return;
    if (found.size >= maxFiles) limitReached = true;
    else found.set(file.path, file);
  };
  // Only what is still within the limit is listed: a folder of a million files is not walked to
  // its end. A walk that stopped early (it found more than there was room for) reached the limit.
  const walk = async (folder: string, wanted: DocumentKind | undefined, support: boolean) => {
    const room = Math.max(0, maxFiles - found.size);
    const listed = await walkFolder(folder, classifier, wanted, room);
    if (listed.length > room) limitReached = true;
    for (const file of listed.slice(0, room)) add({ ...file, folder, support });
  };
  for (const dir of dirs) await walk(dir, undefined, false);
  const extraFolders = new Set<string>();
  for (const file of files) {
    const folder = dirs.find((d) => isInside(file, d)) ?? (isInside(file, cwd) ? cwd : dirname(file));
    const rel = relative(folder, file).split(sep).join('/');
    add({ path: file, relativePath: rel, ...classifyGiven(classifier, file, rel), folder, support: false });
    if (!dirs.includes(folder)) extraFolders.add(folder);
  }
  for (const folder of extraFolders) await walk(folder, 'vault-config', true);
  return { files: [...found.values()], limitReached };
}
