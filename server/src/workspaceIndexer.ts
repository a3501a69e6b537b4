import { pathToFileURL } from 'node:url';
import type { Settings } from '../../shared/src/settings';
import { analyzeDocument } from './service/analyzeDocument';
import type { WorkspaceIndex } from './service/facts/workspaceIndex';
import type { DocumentAnalysis, DocumentKind } from './service/model/types';
import type { FileClassifier } from './workspace/fileClassifier';
import { readAhead, readTextFile } from './workspace/readTextFile';
import { walkFolder } from './workspace/walkFolder';
import { folderPath } from './workspaceFolders';

/** Keeps the workspace index in step with the files on disk (open documents take precedence). */
export class WorkspaceIndexer {
  constructor(
    private readonly index: WorkspaceIndex,
    private readonly isOpen: (uri: string) => boolean,
    private readonly kindOf: (uri: string) => DocumentKind | undefined,
  ) {}

  /** Reads every vault configuration and connection of a folder. Returns how many files were read. */
  async indexFolder(folderUri: string, classifier: FileClassifier, settings: Settings): Promise<number> {
    const root = folderPath(folderUri);
    if (!root) return 0;
    const files = await walkFolder(root, classifier);
    const reads = readAhead(files.map((f) => f.path), settings.files.maxSizeKb);
    for (const [i, file] of files.entries()) {
      const uri = pathToFileURL(file.path).toString();
      const read = await reads.get(i);
      // An open document is indexed from the editor's text, not the disk.
      if (this.isOpen(uri)) continue;
      if (read.ok) this.record(uri, read.text, file.kind, settings);
      else this.index.remove(uri);
    }
    return files.length;
  }

  /** Re-reads one file from disk, unless it is open in the editor. */
  async indexFile(uri: string, kind: DocumentKind | undefined, settings: Settings): Promise<void> {
    if (this.isOpen(uri)) return;
    const resolvedKind = kind ?? this.kindOf(uri);
    const path = folderPath(uri);
    if (!resolvedKind || !path) {
      this.index.remove(uri);
      return;
    }
    const read = await readTextFile(path, settings.files.maxSizeKb);
    if (!read.ok) {
      this.index.remove(uri);
      return;
    }
    this.record(uri, read.text, resolvedKind, settings);
  }

  record(uri: string, text: string, kind: DocumentKind, settings: Settings): void {
    this.recordAnalysis(analyzeDocument(uri, text, kind, { maxSizeKb: settings.files.maxSizeKb }), text);
  }

  /** Records a document already analysed (an open document: the language service's analysis). */
  recordAnalysis(analysis: DocumentAnalysis, text: string): void {
    if (analysis.kind === 'vault-config') this.index.setVaultConfig(analysis, text);
    else this.index.setConnection(analysis);
  }
}
