/**
 * "Preview value" code lenses on `vault.secret(...)` references, when
 * `secretRefs.preview.codeLens` is on. A lens only runs the Preview Secret Value command, which
 * asks for confirmation before anything is read.
 */
import type * as vscode from 'vscode';
import { commandIds } from './constants';
import { SimpleEmitter, type VscodeTypes } from './host';
import type { PreviewArgs } from './commands/preview';
import { referencesInText } from './references';

export class ReferenceCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new SimpleEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly types: Pick<VscodeTypes, 'Range' | 'CodeLens'>,
    private readonly enabled: () => boolean,
  ) {}

  /** The setting changed: VS Code asks for the lenses again. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.enabled()) return [];
    const uri = document.uri.toString();
    return referencesInText(document.getText()).map((ref) => {
      const args: PreviewArgs = { uri, line: ref.line, character: ref.start };
      return new this.types.CodeLens(new this.types.Range(ref.line, ref.start, ref.line, ref.end), {
        title: 'Preview value',
        tooltip: `Show the value of ${ref.text} (asks for confirmation first)`,
        command: commandIds.previewSecret,
        arguments: [args],
      });
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
