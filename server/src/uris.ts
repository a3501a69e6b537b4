import { fileURLToPath, pathToFileURL } from 'node:url';

/** One spelling per file URI, so the editor's URIs and those made from disk paths compare equal. */
export function normalizeUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return pathToFileURL(fileURLToPath(uri)).toString();
  } catch {
    return uri;
  }
}
