import { pathToFileURL } from 'node:url';
import type { Settings } from '../../shared/src/settings';
import { analyzeDocument } from './service/analyzeDocument';
import type { WorkspaceIndex } from './service/facts/workspaceIndex';
import type { DocumentAnalysis, DocumentKind } from './service/documentAnalysis';
import type { FileClassifier } from './workspace/fileClassifier';
import { readAhead, readTextFile } from './workspace/readTextFile';
import { walkFolder } from './workspace/walkFolder';
import { folderPath } from './workspaceFolders';

/**
 * Keeps the workspace index in step with the files on disk (open documents take precedence).
 * At most `settings.files.maxFiles` files are read from disk in all workspace folders together;
 * files past that limit are not read, and `limitReached` says so.
 */
export class WorkspaceIndexer {
  /** The files read from disk (normalized URIs): what counts against the limit. */
  private readonly onDisk = new Set<string>();
  private reached = false;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly isOpen: (uri: string) => boolean,
    /** A file's kind from its URI, and its text when given (formats that test the text). */
    private readonly kindOf: (uri: string, text?: string) => DocumentKind | undefined,
    /** Whether a file lies inside a workspace folder: nothing else is read from disk. */
    private readonly isInWorkspace: (uri: string) => boolean = () => true,
    /** Whether only a file's text can tell its kind (it is then read, and `kindOf` asked with the text). */
    private readonly byText: (uri: string) => boolean = () => false,
  ) {}

  /** Whether more files matched than the limit allows since the last `reset`. */
  get limitReached(): boolean {
    return this.reached;
  }

  /** Before indexing every folder again. */
  reset(): void {
    this.onDisk.clear();
    this.reached = false;
  }

  /**
   * Reads every vault configuration and reference-format document of a folder (and the files only
   * their text can classify), within the limit. Returns how many files were read.
   */
  async indexFolder(folderUri: string, classifier: FileClassifier, settings: Settings): Promise<number> {
    const root = folderPath(folderUri);
    if (!root) return 0;
    const room = Math.max(0, settings.files.maxFiles - this.onDisk.size);
    const listed = await walkFolder(root, classifier, undefined, room);
    if (listed.length > room) this.reached = true;
    const files = listed.slice(0, room);
    const reads = readAhead(files.map((f) => f.path), settings.files.maxSizeKb);
    for (const [i, file] of files.entries()) {
      const uri = pathToFileURL(file.path).toString();
      this.onDisk.add(uri);
      const read = await reads.get(i);
      // An open document is indexed from the editor's text, not the disk.
      if (this.isOpen(uri)) continue;
      const kind = read.ok ? (file.kind ?? classifier.kindOf(file.relativePath, read.text)) : undefined;
      if (read.ok && kind) this.record(uri, read.text, kind, settings);
      else this.index.remove(uri);
    }
    return files.length;
  }

  /**
   * Re-reads one file from disk, unless it is open in the editor. A file outside every workspace
   * folder, or a new file once the limit is reached, is not read.
   */
  async indexFile(uri: string, kind: DocumentKind | undefined, settings: Settings): Promise<void> {
    if (this.isOpen(uri)) return;
    const resolvedKind = kind ?? this.kindOf(uri);
    const path = folderPath(uri);
    if ((!resolvedKind && !this.byText(uri)) || !path || !this.isInWorkspace(uri)) {
      this.index.remove(uri);
      this.onDisk.delete(uri);
      return;
    }
    if (!this.onDisk.has(uri) && this.onDisk.size >= settings.files.maxFiles) {
      this.reached = true;
      return;
    }
    this.onDisk.add(uri);
    const read = await readTextFile(path, settings.files.maxSizeKb);
    const readKind = read.ok ? (resolvedKind ?? this.kindOf(uri, read.text)) : undefined;
    if (!read.ok || !readKind) {
      this.index.remove(uri);
      return;
    }
    this.record(uri, read.text, readKind, settings);
  }

  /** A file deleted from disk. */
  forget(uri: string): void {
    this.index.remove(uri);
    this.onDisk.delete(uri);
  }

  record(uri: string, text: string, kind: DocumentKind, settings: Settings): void {
    this.recordAnalysis(analyzeDocument(uri, text, kind, { maxSizeKb: settings.files.maxSizeKb }), text);
  }

  /** Records a document already analysed (an open document: the language service's analysis). */
  recordAnalysis(analysis: DocumentAnalysis, text: string): void {
    this.index.record(analysis, text);
  }
}
