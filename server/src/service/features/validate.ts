import type { Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnosticCodes, diagnosticSource } from '../diagnostics/codes';
import { checkConnection } from '../diagnostics/connectionChecks';
import { isSuppressed } from '../diagnostics/suppression';
import type { WorkspaceFacts } from '../facts/facts';
import type { DocumentAnalysis, Problem } from '../model/types';

/** All problems of a document: its own, and those that need the workspace's facts. */
export function collectProblems(analysis: DocumentAnalysis, facts: WorkspaceFacts): Problem[] {
  const problems = [...analysis.problems];
  if (!analysis.trusted) return problems;
  const vaults = facts.vaults(analysis.uri);
  if (analysis.vault?.name) {
    const name = analysis.vault.name;
    const others = (vaults.byName.get(name.value) ?? []).filter((v) => v.uri !== analysis.uri);
    if (others.length > 0) {
      problems.push({
        code: 'duplicate-vault',
        span: name.span,
        message: `Another vault configuration in this workspace folder is also named \`${name.value}\` (${others.map((o) => fileName(o.uri)).join(', ')}): rename one.`,
      });
    }
  }
  if (analysis.connection) checkConnection(analysis.connection, vaults, problems);
  return problems;
}

function fileName(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}

/** Problems as LSP diagnostics, without suppressed or disabled codes, in document order. */
export function toDiagnostics(document: TextDocument, analysis: DocumentAnalysis, problems: Problem[], disabled: readonly string[]): Diagnostic[] {
  const off = new Set(disabled);
  const diagnostics: Diagnostic[] = [];
  for (const problem of problems) {
    if (off.has(problem.code)) continue;
    const range = { start: document.positionAt(problem.span.start), end: document.positionAt(problem.span.end) };
    if (isSuppressed(analysis.suppressions, range.start.line, problem.code)) continue;
    diagnostics.push({
      range,
      severity: problem.severity ?? diagnosticCodes[problem.code].severity,
      code: problem.code,
      source: diagnosticSource,
      message: problem.message,
    });
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return diagnostics;
}
