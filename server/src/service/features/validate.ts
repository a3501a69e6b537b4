import type { Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnosticCodes, diagnosticSource } from '../diagnostics/codes';
import { checkFormatDocument } from '../diagnostics/documentChecks';
import type { ProblemOptions } from '../diagnostics/problemOptions';
import { isSuppressed } from '../diagnostics/suppression';
import { checkVaultConfig } from '../diagnostics/vaultConfigChecks';
import type { DocumentAnalysis } from '../documentAnalysis';
import type { WorkspaceFacts } from '../facts/facts';
import { formatOf } from '../formats/registry';
import type { Problem } from '../model/types';
import { showControls } from '../../../../shared/src/text/controls';

/** All problems of a document: its own, and those that need the workspace's facts. */
export function collectProblems(analysis: DocumentAnalysis, facts: WorkspaceFacts, options: ProblemOptions = { now: Date.now(), expiryWarningDays: 14 }): Problem[] {
  const problems = [...analysis.problems];
  if (!analysis.trusted) return problems;
  if (analysis.vault) checkVaultConfig(analysis.uri, analysis.vault, facts.vaults(analysis.uri), facts.live, problems);
  if (analysis.format && analysis.kind !== 'vault-config') checkFormatDocument(formatOf(analysis.kind), analysis.uri, analysis.format, facts, options, problems);
  // One finding per code and place, however many checks reached it (a vault that rejects the
  // token is seen by its mount lookup and by its secret lookup).
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}|${p.span.start}|${p.span.end}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
      // Plain text, but it quotes files and servers and reaches terminals and logs: controls are spelled out.
      message: showControls(problem.message, 4000),
    });
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return diagnostics;
}
