import type { Located, Problem } from '../model/types';
import type { SecretTarget } from '../references/resolve';
import { nearestNames } from '../text/nearest';

const nonDataPrefixes = ['metadata/', 'delete/', 'destroy/', 'undelete/', 'subkeys/'];

/** `unknown-engine` for an engine written apart (a connection's `engine:`) that the vault does not declare. */
export function checkDeclaredEngine(target: SecretTarget, problems: Problem[]): void {
  const engines = target.vault?.engines;
  if (target.provider !== 'hashicorp' || !engines || !target.engine || target.engineFact) return;
  const names = engines.map((e) => e.path);
  const near = nearestNames(target.engine.value, names, 1);
  problems.push({
    code: 'unknown-engine',
    span: target.engine.span,
    message: `Vault \`${target.vaultName.value}\` declares no engine \`${target.engine.value.slice(0, 80)}\`. Declared engines: ${names.join(', ') || 'none'}.`,
    ...(near.length ? { data: { fix: 'replace', start: target.engine.span.start, end: target.engine.span.end, text: near[0]!, title: `Change to \`${near[0]}\`` } } : {}),
  });
}

/** `unknown-engine` for a hashicorp path (`ENGINE/PATH`) that starts with no declared engine. */
export function checkInlineEngine(target: SecretTarget, path: Located<string>, problems: Problem[]): void {
  const engines = target.vault?.engines;
  if (target.provider !== 'hashicorp' || !engines || target.engineFact) return;
  const first = path.value.replace(/^\/+/, '').split('/')[0] ?? '';
  const start = path.span.start + (path.value.length - path.value.replace(/^\/+/, '').length);
  if (target.fixedEnd !== undefined) {
    // Before a template variable: only when no declared engine can still begin the path.
    const fixed = path.value.slice(start - path.span.start, target.fixedEnd - path.span.start);
    if (engines.some((e) => `${e.path}/`.startsWith(fixed))) return;
  }
  problems.push({
    code: 'unknown-engine',
    span: { start, end: start + Math.max(first.length, 1) },
    message: `The path does not start with an engine that vault \`${target.vaultName.value}\` declares (${engines.map((e) => e.path).join(', ') || 'none'}). Inline paths are ENGINE/PATH, e.g. secret/data/app.`,
  });
}

/** `engine-in-path`: `engine: secret` with `path: secret/data/x`. Returns the path after the repeated engine. */
export function checkEngineInPath(target: SecretTarget, problems: Problem[]): Located<string> | undefined {
  const { engine, secretPath } = target;
  if (!engine || !secretPath) return secretPath;
  const trimmed = secretPath.value.replace(/^\/+/, '');
  const lead = secretPath.value.length - trimmed.length;
  if (!trimmed.startsWith(`${engine.value}/`)) return secretPath;
  const start = secretPath.span.start + lead;
  const end = start + engine.value.length + 1;
  if (target.fixedEnd !== undefined && end > target.fixedEnd) return secretPath;
  problems.push({
    code: 'engine-in-path',
    span: { start, end },
    message: `The path repeats the engine \`${engine.value}\`: the secret path is relative to the engine, so write \`${trimmed.slice(engine.value.length + 1).slice(0, 80)}\`.`,
    data: { fix: 'replace', start: secretPath.span.start, end, text: '', title: `Remove the repeated engine \`${engine.value}/\`` },
  });
  const rest = trimmed.slice(engine.value.length + 1);
  return { value: rest, span: { start: end, end: secretPath.span.end } };
}

/**
 * KV v1/v2 `data/` checks of a path that must be the API path (`data/` rule `required`), run only
 * when the engine's KV version is known and the path's first segment is fixed (written before any
 * template variable). The rules `either` (the tool accepts both) and `forbidden` (the tool inserts
 * `data/`) report nothing here.
 */
export function checkDataPrefix(target: SecretTarget, path: Located<string>, problems: Problem[]): void {
  const version = target.engineFact?.kvVersion;
  if (target.provider !== 'hashicorp' || version === undefined || target.use.dataRule !== 'required') return;
  const trimmed = path.value.replace(/^\/+/, '');
  const start = path.span.start + (path.value.length - trimmed.length);
  if (target.fixedEnd !== undefined) {
    const slash = trimmed.indexOf('/');
    if (slash === -1 || start + slash >= target.fixedEnd) return;
  }
  const engine = target.engine?.value ?? 'the engine';
  const source = target.engineFact?.source === 'declared' ? 'declared as KV v' : 'KV v';
  if (version === 2) {
    if (trimmed.startsWith('data/')) return;
    const wrong = nonDataPrefixes.find((p) => trimmed.startsWith(p));
    if (wrong) {
      problems.push({
        code: 'kv2-non-data-path',
        span: { start, end: start + wrong.length },
        message: `\`${wrong}\` on KV v2 engine \`${engine}\` is an API for ${wrong === 'metadata/' ? 'metadata' : wrong === 'subkeys/' ? 'key names' : 'version management'}, not a readable secret: use \`data/\`.`,
        data: { fix: 'replace', start, end: start + wrong.length, text: 'data/', title: `Replace \`${wrong}\` with \`data/\`` },
      });
      return;
    }
    problems.push({
      code: 'kv2-missing-data-prefix',
      span: { start: path.span.start, end: Math.max(path.span.end, path.span.start + 1) },
      message: `Engine \`${engine}\` is ${source}2: the KV v2 API needs \`data/\` between engine and path, so write \`data/${trimmed.slice(0, 80)}\`.`,
      data: { fix: 'insert', offset: start, text: 'data/', title: 'Insert `data/` (KV v2)' },
    });
    return;
  }
  if (trimmed.startsWith('data/')) {
    problems.push({
      code: 'kv1-unexpected-data-prefix',
      span: { start, end: start + 'data/'.length },
      message: `Engine \`${engine}\` is ${source}1, which has no \`data/\` prefix; unless \`data\` is a real folder, remove it.`,
      data: { fix: 'replace', start, end: start + 'data/'.length, text: '', title: 'Remove `data/` (KV v1)' },
    });
  }
}
