import { opendir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { DocumentKind } from '../service/model/types';
import type { FileClassifier } from './fileClassifier';

export interface FoundFile {
  path: string;
  kind: DocumentKind;
}

/**
 * Lists the vault configurations and connections below `root`, skipping excluded folders.
 * Symbolic links are not followed, so a link cycle cannot trap the walk.
 */
export async function walkFolder(root: string, classifier: FileClassifier, wanted?: DocumentKind): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
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
        const kind = classifier.kindOf(rel);
        if (kind && (!wanted || kind === wanted)) found.push({ path, kind });
      }
    }
  }
  found.sort((a, b) => a.path.localeCompare(b.path));
  return found;
}
