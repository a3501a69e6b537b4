import { opendir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { DocumentKind } from '../service/documentAnalysis';
import type { FileClassifier } from './fileClassifier';

export interface FoundFile {
  path: string;
  /** Relative to the walked folder, with `/`. */
  relativePath: string;
  /** Undefined when only the file's text can tell (`FileClassifier.classify`): read it, then `kindWithText`. */
  kind: DocumentKind | undefined;
}

/**
 * Lists the vault configurations and reference-format documents below `root` (and the files only
 * their text can classify), skipping excluded folders. Symbolic links are not followed, so a link
 * cycle cannot trap the walk, and nothing outside `root` is listed whatever the patterns say (they
 * are matched against paths relative to `root`). With `wanted`, only files of that kind by their
 * path. The walk goes breadth first and stops once it has found more than `limit` files: the caller
 * sees `limit + 1` files (the `limit` nearest the root, in path order, then one more) and knows the
 * limit was reached without the whole tree being listed.
 */
export async function walkFolder(root: string, classifier: FileClassifier, wanted?: DocumentKind, limit = Number.POSITIVE_INFINITY): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const pending = [root];
  walk: for (let next = 0; next < pending.length; next++) {
    const dir = pending[next]!;
    pending[next] = ''; // Visited: its path is no longer kept.
    let entries;
    try {
      entries = await opendir(dir);
    } catch {
      continue;
    }
    for await (const entry of entries) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split(sep).join('/');
      if (entry.isDirectory()) {
        if (!classifier.isExcluded(rel)) pending.push(path);
      } else if (entry.isFile()) {
        const kind = classifier.classify(rel);
        if (kind === 'by-text' ? !wanted : kind && (!wanted || kind === wanted)) found.push({ path, relativePath: rel, kind: kind === 'by-text' ? undefined : kind });
        // Leaving the loop closes the directory handle.
        if (found.length > limit) break walk;
      }
    }
  }
  const byPath = (a: FoundFile, b: FoundFile) => a.path.localeCompare(b.path);
  if (found.length <= limit) return found.sort(byPath);
  return [...found.slice(0, limit).sort(byPath), ...found.slice(limit)];
}
