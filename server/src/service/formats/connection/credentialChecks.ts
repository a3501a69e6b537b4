import type { Settings } from '../../../../../shared/src/settings';
import type { SecretScanFinding } from '../../facts/facts';
import type { Problem, Span } from '../../model/types';
import { authFields } from './fields';
import type { ConnectionModel } from './types';

const day = 24 * 60 * 60 * 1000;

/** `missing-credential-field`: an `auth` kind whose fields are not all under `value`. */
export function checkAuthFields(connection: ConnectionModel, problems: Problem[]): void {
  const auth = connection.auth;
  const spec = auth && authFields[auth.value];
  if (!auth || !spec) return;
  const missing = spec.required.filter((field) => !connection.valueKeys.has(field));
  if (missing.length === 0) return;
  problems.push({
    code: 'missing-credential-field',
    span: auth.span,
    message: `\`auth: ${auth.value}\` needs ${missing.map((m) => `\`${m}\``).join(', ')} under \`value\`${spec.optional.length ? ` (optional: ${spec.optional.join(', ')})` : ''}; use vault.secret(...) for the secret ones.`,
  });
}

/** `credential-expired` and `credential-expiring` from the connection's `expires` date. */
export function checkCredentialExpiry(connection: ConnectionModel, now: number, warningDays: number, problems: Problem[]): void {
  const expires = connection.expires;
  if (!expires) return;
  const at = Date.parse(expires.value);
  if (Number.isNaN(at)) return;
  const owner = connection.owner ? ` Ask ${connection.owner.value} to renew them.` : '';
  if (at <= now) {
    problems.push({ code: 'credential-expired', span: expires.span, message: `The credentials of this connection expired on ${expires.value}.${owner}` });
  } else if (at - now <= warningDays * day) {
    const days = Math.ceil((at - now) / day);
    problems.push({ code: 'credential-expiring', span: expires.span, message: `The credentials of this connection expire on ${expires.value} (in ${days} day${days === 1 ? '' : 's'}).${owner}` });
  }
}

const templates = [/\$\{\{[\s\S]*?\}\}/, /\{\{[\s\S]*?\}\}/, /\$\{[^}]*\}/, /^\$[A-Z_][A-Z0-9_]*$/];

function isCredentialKey(key: string, names: readonly string[]): boolean {
  const k = key.toLowerCase();
  return names.some((n) => {
    const name = n.toLowerCase();
    // `db_password`, `github_token`; not `token_url` or `password_policy`.
    return k === name || k.endsWith(`_${name}`) || k.endsWith(`-${name}`);
  });
}

function inside(span: Span, spans: readonly Span[]): boolean {
  return spans.some((s) => span.start < s.end && s.start < span.end);
}

/**
 * `hardcoded-credential`: literals in credential-named fields, and secrets found in the text by
 * secretlint's recommended rules (`scan`). References, template syntax and empty values are
 * skipped. The message never repeats the value.
 */
export function checkHardcodedCredentials(
  connection: ConnectionModel,
  settings: Settings['hardcodedCredentials'],
  scan: readonly SecretScanFinding[] | undefined,
  problems: Problem[],
): void {
  if (!settings.enabled) return;
  const off = new Set(settings.disabledRules);
  const references = connection.references.map((r) => r.span);
  const reported: Span[] = [];
  if (!off.has('credential-field')) {
    for (const scalar of connection.credentialScalars) {
      const text = scalar.text.trim();
      if (text === '' || text.includes('vault.secret(') || templates.some((t) => t.test(text))) continue;
      if (!isCredentialKey(scalar.key, settings.fieldNames)) continue;
      reported.push(scalar.span);
      problems.push({
        code: 'hardcoded-credential',
        span: scalar.span,
        message: `\`${scalar.key.slice(0, 60)}\` holds a literal credential: keep it in a vault and write vault.secret(KEY) here.`,
        data: { fix: 'move-to-vault', start: scalar.span.start, end: scalar.span.end, key: scalar.key },
      });
    }
  }
  for (const finding of scan ?? []) {
    if (off.has(finding.ruleId)) continue;
    const span = { start: finding.start, end: finding.end };
    if (inside(span, references) || inside(span, reported)) continue;
    if (templates.some((t) => t.test(finding.text))) continue;
    reported.push(span);
    problems.push({
      code: 'hardcoded-credential',
      span,
      message: `A hard-coded ${finding.kind} (found by ${finding.ruleId}): keep it in a vault and write vault.secret(KEY) here.`,
      data: { fix: 'move-to-vault', start: span.start, end: span.end, key: finding.kind.replace(/[^A-Za-z0-9]+/g, '_') },
    });
  }
}
