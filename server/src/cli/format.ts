import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { oneLine as plainLine, showControls } from '../../../shared/src/text/controls';

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

/**
 * Messages are kept on one line so that every output line is exactly one finding, and hold no
 * control or bidi character: they quote file content and server answers, and a terminal would
 * obey an escape sequence or a carriage return in them.
 */
function oneLine(message: string): string {
  return plainLine(message.replace(/\s*[\r\n]+\s*/g, ' '), 4000);
}

/**
 * A file name for a terminal: a control or bidi character in it is spelled out (`\x1B`,
 * `\u{202E}`), so the name stays recognisable and cannot rewrite the screen.
 */
export function terminalPath(file: string): string {
  return showControls(file, 4096);
}

/** Characters JSON.stringify leaves raw that a terminal or an editor acts on: DEL, C1, line separators, bidi controls. */
const rawInJson = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `value` as indented JSON safe to print: JSON.stringify escapes C0 controls, and the characters
 * it leaves raw (DEL, C1, U+2028/9, bidi controls) are written as `\uXXXX` escapes, which only
 * occur inside strings and decode to the same value.
 */
export function terminalJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(rawInJson, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
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
      return `${terminalPath(file)}:${line + 1}:${character + 1}: ${severityName(d.severity)} ${oneLine(codeOf(d))} ${oneLine(d.message)}\n`;
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
  return terminalJson(toJsonFindings(findings));
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
