/**
 * `secretrefs check --format sarif`: the findings as a SARIF 2.1.0 log that code-scanning tools
 * accept. One run; one rule per diagnostic code (id = the code); one result per finding.
 *
 * Regions: LSP ranges are 0-based with UTF-16 columns; SARIF's are 1-based, and its default
 * `columnKind` (stated explicitly here) is UTF-16 code units too, so a column only moves by one.
 * SARIF's `endColumn` is the column after the region, as LSP's exclusive end character.
 *
 * Never a snippet of the file: a finding may sit on a literal credential.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { allDiagnosticCodes, diagnosticCodes, type DiagnosticCode } from '../service/diagnostics/codes';
import { plainMessage } from '../../../shared/src/text/plain';
import { severityName, terminalJson, type Finding } from './format';
import { diagnosticHelp, fallbackHelp, plainText } from './sarifHelp';

export type SarifLevel = 'error' | 'warning' | 'note';

export const sarifSchemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';
export const srcRoot = '%SRCROOT%';

export interface SarifMessage {
  text: string;
  markdown?: string;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
  index?: number;
}

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: SarifLevel;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: SarifArtifactLocation; region: SarifRegion } }[];
  partialFingerprints: Record<string, string>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: { driver: { name: string; fullName: string; version: string; semanticVersion: string; rules: SarifRule[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { level: SarifLevel; message: { text: string } }[] }[];
    originalUriBaseIds: Record<string, { uri: string; description?: { text: string } }>;
    artifacts: { location: SarifArtifactLocation; roles: string[]; sourceLanguage: string }[];
    results: SarifResult[];
    columnKind: 'utf16CodeUnits';
  }[];
}

export interface SarifInput {
  /** Findings with `file` as displayed (relative to `cwd` when inside it, else absolute). */
  findings: Finding[];
  /** Every file checked, as displayed, so that clean files are listed as artifacts too. */
  checkedFiles: string[];
  /** Paths that could not be read, with why (they make the run unsuccessful). */
  unreadable: { file: string; message: string }[];
  cwd: string;
  toolVersion: string;
}

/** error → error, warning → warning, information and hint → note. */
export function sarifLevel(severity: DiagnosticSeverity | undefined): SarifLevel {
  const name = severityName(severity);
  return name === 'error' ? 'error' : name === 'warning' ? 'warning' : 'note';
}

/** `kv2-missing-data-prefix` → `Kv2MissingDataPrefix`. */
export function ruleName(code: string): string {
  return code
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export function sarifRules(): SarifRule[] {
  return allDiagnosticCodes.map((code) => {
    const { severity, summary } = diagnosticCodes[code] as { severity: DiagnosticSeverity; summary: string };
    const fix = diagnosticHelp[code as DiagnosticCode] ?? fallbackHelp;
    const markdown = `${summary}\n\n**How to fix:** ${fix}\n\nSuppress one line with \`# secretrefs-disable-next-line ${code}\` above it, or everywhere with \`--disable ${code}\`.`;
    return {
      id: code,
      name: ruleName(code),
      shortDescription: { text: plainText(summary) },
      fullDescription: { text: plainText(`${summary} ${fix}`), markdown: `${summary} ${fix}` },
      help: { text: plainText(markdown), markdown },
      defaultConfiguration: { level: sarifLevel(severity) },
      properties: { tags: ['secretrefs', summary.startsWith('Live:') ? 'live' : 'offline'] },
    };
  });
}

/** 1-based SARIF region of a 0-based LSP range; columns stay UTF-16 code units. */
export function sarifRegion(range: Range): SarifRegion {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

/**
 * A displayed file as an artifact location: a path inside `cwd` becomes a relative URI reference
 * against `%SRCROOT%` (forward slashes, each segment percent-encoded); any other an absolute file URI.
 */
export function artifactLocation(file: string): SarifArtifactLocation {
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: srcRoot };
}

function codeOf(diagnostic: Diagnostic): string {
  return diagnostic.code === undefined ? 'unknown' : String(diagnostic.code);
}

/**
 * A plain text SARIF message on one line, without controls, in which no embedded link
 * `[text](target)` can form (SARIF 2.1.0 §3.11.6: a viewer renders one, and its target may be
 * any URI): the message quotes file content.
 */
function oneLine(message: string): string {
  return plainMessage(message, 4000);
}

/** A stable identity of a finding that survives lines moving: code, file, message, occurrence. */
function fingerprint(code: string, uri: string, message: string, occurrence: number): string {
  return `${createHash('sha256').update(`${code}\0${uri}\0${message}`).digest('hex').slice(0, 32)}:${occurrence}`;
}

export function buildSarif(input: SarifInput): SarifLog {
  const rules = sarifRules();
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const files = [...new Set([...input.checkedFiles, ...input.findings.map((f) => f.file)])].sort();
  const artifactIndex = new Map(files.map((f, i) => [f, i]));
  const seen = new Map<string, number>();
  const results: SarifResult[] = input.findings.map(({ file, diagnostic }) => {
    const code = codeOf(diagnostic);
    const location = { ...artifactLocation(file), index: artifactIndex.get(file)! };
    const text = oneLine(diagnostic.message) || code;
    const key = `${code}\0${location.uri}\0${text}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    const index = ruleIndex.get(code);
    return {
      ruleId: code,
      ...(index === undefined ? {} : { ruleIndex: index }),
      level: sarifLevel(diagnostic.severity),
      message: { text },
      locations: [{ physicalLocation: { artifactLocation: location, region: sarifRegion(diagnostic.range) } }],
      partialFingerprints: { 'secretrefsFinding/v1': fingerprint(code, location.uri, text, occurrence) },
    };
  });
  const root = pathToFileURL(input.cwd).href;
  return {
    $schema: sarifSchemaUri,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'secretrefs', fullName: 'Secret References', version: input.toolVersion, semanticVersion: input.toolVersion, rules },
        },
        invocations: [
          {
            executionSuccessful: input.unreadable.length === 0,
            ...(input.unreadable.length > 0
              ? { toolExecutionNotifications: input.unreadable.map((u) => ({ level: 'error' as const, message: { text: oneLine(`cannot read "${u.file}": ${u.message}`) } })) }
              : {}),
          },
        ],
        originalUriBaseIds: { [srcRoot]: { uri: root.endsWith('/') ? root : `${root}/`, description: { text: 'The directory secretrefs ran in.' } } },
        artifacts: files.map((file) => ({ location: artifactLocation(file), roles: ['analysisTarget'], sourceLanguage: 'yaml' })),
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}

export function formatSarif(input: SarifInput): string {
  return terminalJson(buildSarif(input));
}
