import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Problem } from '../model/types';
import { showControls } from '../../../../shared/src/text/controls';

function overlaps(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function sameStart(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character;
}

/**
 * Quick fixes for the problems under `range`. Fixes come from the problems of the document as it
 * is now, matched to the diagnostics the client sent, so a stale diagnostic never edits the wrong text.
 */
export function codeActions(document: TextDocument, range: Range, problems: Problem[], sent: readonly Diagnostic[], moveCommand = false): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const problem of problems) {
    if (!problem.data) continue;
    const problemRange = { start: document.positionAt(problem.span.start), end: document.positionAt(problem.span.end) };
    if (!overlaps(problemRange, range)) continue;
    const diagnostic = sent.find((d) => d.code === problem.code && sameStart(d.range, problemRange));
    if (sent.length > 0 && !diagnostic) continue;
    const diagnostics = diagnostic ? [diagnostic] : [];
    const make = (title: string, edit: TextEdit, preferred: boolean): CodeAction => ({
      // Titles name keys and paths from files and servers: a control or bidi character is spelled out.
      title: showControls(title, 300),
      kind: CodeActionKind.QuickFix,
      diagnostics,
      isPreferred: preferred,
      edit: { changes: { [document.uri]: [edit] } },
    });
    const data = problem.data;
    switch (data.fix) {
      case 'insert': {
        const at = document.positionAt(data.offset);
        actions.push(make(data.title, { range: { start: at, end: at }, newText: data.text }, true));
        break;
      }
      case 'replace':
        actions.push(make(data.title, { range: { start: document.positionAt(data.start), end: document.positionAt(data.end) }, newText: data.text }, true));
        break;
      case 'move-to-vault':
        if (!moveCommand) break;
        actions.push({
          title: 'Move to vault...',
          kind: CodeActionKind.QuickFix,
          diagnostics,
          isPreferred: true,
          command: {
            title: 'Move to vault...',
            command: 'secretRefs.moveToVault',
            arguments: [{ uri: document.uri, version: document.version, range: problemRange, key: data.key }],
          },
        });
        break;
      case 'rename-vault':
        data.candidates.forEach((name, i) => {
          const edit = { range: { start: document.positionAt(data.start), end: document.positionAt(data.end) }, newText: name };
          actions.push(make(`Change to \`${name}\``, edit, i === 0));
        });
        break;
    }
  }
  return actions;
}
