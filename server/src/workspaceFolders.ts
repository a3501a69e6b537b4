import { fileURLToPath } from 'node:url';

/** The workspace folders of the session; a document belongs to the deepest folder that holds it. */
export class WorkspaceFolders {
  private folders: string[] = [];

  set(uris: readonly string[]): void {
    this.folders = uris.map((u) => (u.endsWith('/') ? u.slice(0, -1) : u)).sort((a, b) => b.length - a.length);
  }

  add(uri: string): void {
    this.set([...this.folders, uri]);
  }

  remove(uri: string): void {
    const clean = uri.endsWith('/') ? uri.slice(0, -1) : uri;
    this.set(this.folders.filter((f) => f !== clean));
  }

  all(): readonly string[] {
    return this.folders;
  }

  /** The folder's URI, or '' for a document outside every folder. */
  folderOf(uri: string): string {
    return this.folders.find((f) => uri.startsWith(`${f}/`)) ?? '';
  }

  /** The document's path relative to its folder, for pattern matching (absolute when outside). */
  relativePath(uri: string): string {
    const folder = this.folderOf(uri);
    if (folder) return decodeURIComponent(uri.slice(folder.length + 1));
    try {
      return fileURLToPath(uri);
    } catch {
      return decodeURIComponent(uri.replace(/^[a-z]+:\/*/i, ''));
    }
  }
}

export function folderPath(uri: string): string | undefined {
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
