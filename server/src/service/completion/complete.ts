import type { CompletionList, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../documentAnalysis';
import type { WorkspaceFacts } from '../facts/facts';
import { formatOf } from '../formats/registry';
import { lineContext } from './lineContext';
import { vaultConfigItems } from './vaultConfigCompletion';

export interface CompletionOptions {
  snippets: boolean;
}

/** Completion at `offset` of a vault configuration, or of a reference format's document (its `complete`). */
export function complete(document: TextDocument, analysis: DocumentAnalysis, offset: number, facts: WorkspaceFacts, options: CompletionOptions): CompletionList {
  if (analysis.kind === 'vault-config') {
    const rangeFrom = (start: number): Range => ({ start: document.positionAt(start), end: document.positionAt(offset) });
    return { isIncomplete: false, items: vaultConfigItems(lineContext(document.getText(), offset), analysis, offset, rangeFrom) };
  }
  const items = formatOf(analysis.kind).complete?.({ document, analysis: analysis.format, offset, facts, snippets: options.snippets }) ?? [];
  return { isIncomplete: false, items };
}
