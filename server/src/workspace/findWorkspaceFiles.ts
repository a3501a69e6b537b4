import { stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { DocumentKind } from '../service/model/types';
import type { FileClassifier } from './fileClassifier';
import { describeError } from './readTextFile';
import { walkFolder } from './walkFolder';

export interface FoundWorkspaceFile {
  path: string;
  kind: DocumentKind;
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

/** A file named explicitly is checked even when it matches no pattern: its name decides its kind. */
function classifyGiven(classifier: FileClassifier, file: string, folder: string): DocumentKind {
  const rel = relative(folder, file).split(sep).join('/');
  return classifier.kindOf(rel) ?? (/\.vault\.ya?ml$/i.test(file) ? 'vault-config' : 'connection');
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
  const add = (path: string, kind: DocumentKind, folder: string, support: boolean) => {
    if (found.has(path)) return;
    if (found.size >= maxFiles) limitReached = true;
    else found.set(path, { path, kind, folder, support });
  };
  // Only what is still within the limit is listed: a folder of a million files is not walked to
  // its end. A walk that stopped early (it found more than there was room for) reached the limit.
  const walk = async (folder: string, wanted: DocumentKind | undefined, support: boolean) => {
    const room = Math.max(0, maxFiles - found.size);
    const listed = await walkFolder(folder, classifier, wanted, room);
    if (listed.length > room) limitReached = true;
    for (const file of listed.slice(0, room)) add(file.path, file.kind, folder, support);
  };
  for (const dir of dirs) await walk(dir, undefined, false);
  const extraFolders = new Set<string>();
  for (const file of files) {
    const folder = dirs.find((d) => isInside(file, d)) ?? (isInside(file, cwd) ? cwd : dirname(file));
    add(file, classifyGiven(classifier, file, folder), folder, false);
    if (!dirs.includes(folder)) extraFolders.add(folder);
  }
  for (const folder of extraFolders) await walk(folder, 'vault-config', true);
  return { files: [...found.values()], limitReached };
}
