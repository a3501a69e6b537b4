import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';

export type SeverityName = 'error' | 'warning' | 'info' | 'hint';

/** One problem, with the file as shown to the user. */
export interface Finding {
  file: string;
  diagnostic: Diagnostic;
}

/** The shape of each element of the JSON output. */
export interface JsonFinding {
  file: string;
  range: Range;
  severity: SeverityName;
  code: string;
  message: string;
}

/** A diagnostic without a severity is an error, as the LSP specification lets clients assume. */
export function severityName(severity: DiagnosticSeverity | undefined): SeverityName {
  switch (severity) {
    case DiagnosticSeverity.Warning:
      return 'warning';
    case DiagnosticSeverity.Information:
      return 'info';
    case DiagnosticSeverity.Hint:
      return 'hint';
    default:
      return 'error';
  }
}

/** `absolute` relative to `cwd` when it lies inside it, otherwise unchanged. */
export function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  if (relative === '') return '.';
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return absolute;
  return relative;
}

function codeOf(diagnostic: Diagnostic): string {
  return diagnostic.code === undefined ? 'unknown' : String(diagnostic.code);
}

/** Messages are kept on one line so that every output line is exactly one finding. */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Orders findings by file, then position, then code, so output is stable across runs. */
export function sortFindings(findings: Finding[]): Finding[] {
  const cmp = (a: number, b: number) => a - b;
  return [...findings].sort((a, b) => {
    if (a.file !== b.file) return a.file < b.file ? -1 : 1;
    const ra = a.diagnostic.range.start;
    const rb = b.diagnostic.range.start;
    return cmp(ra.line, rb.line) || cmp(ra.character, rb.character) || codeOf(a.diagnostic).localeCompare(codeOf(b.diagnostic));
  });
}

/** `file:line:col: severity code message` per finding, 1-based line and column, newline-terminated. */
export function formatText(findings: Finding[]): string {
  return findings
    .map(({ file, diagnostic: d }) => {
      const { line, character } = d.range.start;
      return `${file}:${line + 1}:${character + 1}: ${severityName(d.severity)} ${codeOf(d)} ${oneLine(d.message)}\n`;
    })
    .join('');
}

export function toJsonFindings(findings: Finding[]): JsonFinding[] {
  return findings.map(({ file, diagnostic: d }) => ({
    file,
    range: { start: { ...d.range.start }, end: { ...d.range.end } },
    severity: severityName(d.severity),
    code: codeOf(d),
    message: d.message,
  }));
}

export function formatJson(findings: Finding[]): string {
  return `${JSON.stringify(toJsonFindings(findings), null, 2)}\n`;
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * The summary line, e.g. `3 errors, 2 warnings in 7 files (12 checked)`; infos and hints are
 * named only when there are some, and a clean run reads `no problems (12 files checked)`.
 */
export function formatSummary(findings: Finding[], checkedFiles: number): string {
  if (findings.length === 0) return `no problems (${count(checkedFiles, 'file')} checked)\n`;
  const by: Record<SeverityName, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) by[severityName(f.diagnostic.severity)]++;
  const parts = [count(by.error, 'error'), count(by.warning, 'warning')];
  if (by.info > 0) parts.push(count(by.info, 'info', 'infos'));
  if (by.hint > 0) parts.push(count(by.hint, 'hint'));
  const files = new Set(findings.map((f) => f.file)).size;
  return `${parts.join(', ')} in ${count(files, 'file')} (${checkedFiles} checked)\n`;
}

export function hasErrors(findings: Finding[]): boolean {
  return findings.some((f) => severityName(f.diagnostic.severity) === 'error');
}
