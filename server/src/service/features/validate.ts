import type { Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnosticCodes, diagnosticSource } from '../diagnostics/codes';
import { checkConnection } from '../diagnostics/connectionChecks';
import { isSuppressed } from '../diagnostics/suppression';
import type { VaultFact, WorkspaceFacts } from '../facts/facts';
import type { LiveFacts } from '../facts/liveFacts';
import { untrustedAddressProblem, type LiveCheckOptions } from '../diagnostics/liveChecks';
import { checkAuthFields, checkCredentialExpiry, checkHardcodedCredentials } from '../diagnostics/credentialChecks';
import type { Settings } from '../../../../shared/src/settings';
import type { DocumentAnalysis, Problem, VaultConfigModel } from '../model/types';
import { showControls } from '../../../../shared/src/text/controls';

/** All problems of a document: its own, and those that need the workspace's facts. */
export interface ProblemOptions extends LiveCheckOptions {
  hardcoded?: Settings['hardcodedCredentials'];
}

export function collectProblems(analysis: DocumentAnalysis, facts: WorkspaceFacts, options: ProblemOptions = { now: Date.now(), expiryWarningDays: 14 }): Problem[] {
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
  const self = analysis.vault?.name ? vaults.byName.get(analysis.vault.name.value)?.find((v) => v.uri === analysis.uri) : undefined;
  if (analysis.vault && self && facts.live) {
    checkDeclaredEngines(analysis.vault, self, facts.live, problems);
    checkUntrustedAddress(analysis.vault, self, facts.live, problems);
  }
  if (analysis.connection) {
    checkConnection(analysis.connection, vaults, problems, facts.live, options);
    checkAuthFields(analysis.connection, problems);
    checkCredentialExpiry(analysis.connection, options.now, options.expiryWarningDays, problems);
    if (options.hardcoded) checkHardcodedCredentials(analysis.connection, options.hardcoded, facts.secretScan?.(analysis.uri), problems);
  }
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
      // Plain text, but it quotes files and servers and reaches terminals and logs: controls are spelled out.
      message: showControls(problem.message, 4000),
    });
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return diagnostics;
}

/** `untrusted-address` on the address a vault configuration names (else its name). */
function checkUntrustedAddress(vault: VaultConfigModel, fact: VaultFact, live: LiveFacts, problems: Problem[]): void {
  if (!vault.enabled || !vault.name || live.access(fact) !== 'untrusted-address') return;
  const origin = live.untrustedAddress?.(fact);
  if (origin !== undefined) problems.push(untrustedAddressProblem(vault.name.value, origin, vault.addressSpan ?? vault.name.span));
}

/** `declared-engine-mismatch`: an engine declaration that the live server contradicts. */
function checkDeclaredEngines(vault: VaultConfigModel, fact: VaultFact, live: LiveFacts, problems: Problem[]): void {
  if (vault.provider !== 'hashicorp' || !vault.enabled || !vault.engines) return;
  if (live.access(fact) !== 'live') return;
  for (const engine of vault.engines) {
    const mount = live.mount(fact, engine.path);
    if (mount?.state !== 'ok') continue;
    const m = mount.value;
    if (!m.mounted || m.path !== engine.path) {
      problems.push({ code: 'declared-engine-mismatch', span: engine.span, message: `No engine is mounted at \`${engine.path}\` on the server.` });
    } else if (engine.version !== undefined && m.kvVersion !== engine.version) {
      const actual = m.type === 'kv' || m.kvVersion ? `KV v${m.kvVersion ?? 1}` : `a ${m.type ?? 'non-KV'} engine`;
      problems.push({
        code: 'declared-engine-mismatch',
        span: engine.span,
        message: `\`${engine.path}\` is declared as KV v${engine.version}, but the server mounts ${actual} there; the server's version is used.`,
      });
    }
  }
}
