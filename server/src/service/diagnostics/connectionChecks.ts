import type { VaultSet } from '../facts/facts';
import type { LiveFacts } from '../facts/liveFacts';
import type { Attachment, ConnectionModel, Problem } from '../model/types';
import { resolveReference, targetOfAttachment, type ResolvedReference } from '../references/resolve';
import { checkLiveAccess, checkLiveSecrets, checkUntrustedAddresses, type LiveCheckOptions, type LiveSecretCheck } from './liveChecks';
import { checkAttachment } from './attachmentChecks';
import { checkDataPrefix, checkInlineEngine } from './pathChecks';
import { checkUnverifiedInline } from './unverifiedEngine';
import { checkVaultName } from './vaultNameChecks';

/** Resolves every reference of a connection against its attachments and the vaults. */
export function resolveAll(connection: ConnectionModel, vaults: VaultSet, live?: LiveFacts): ResolvedReference[] {
  const memo = new Map();
  return connection.references.map((reference) => resolveReference(reference, connection, vaults, live, memo));
}

/** The checks of a connection that need workspace facts: attachments, references, unused secrets. */
export function checkConnection(connection: ConnectionModel, vaults: VaultSet, problems: Problem[], live?: LiveFacts, options: LiveCheckOptions = { now: Date.now(), expiryWarningDays: 14 }): void {
  checkAliases(connection.attachments, problems);
  for (const attachment of connection.attachments) checkAttachment(attachment, vaults, problems, live);
  const used = new Set<Attachment>();
  const resolvedAll = resolveAll(connection, vaults, live);
  for (const resolved of resolvedAll) {
    if (resolved.problem) problems.push(resolved.problem);
    if (resolved.attachment) used.add(resolved.attachment);
    const inline = resolved.reference.inline;
    if (inline && resolved.target) {
      if (!checkVaultName(inline.vault, vaults, problems)) continue;
      if (resolved.target.liveMount?.state === 'ok') checkLiveInlineEngine(resolved.target, inline.path, problems);
      else checkInlineEngine(resolved.target, inline.path, problems);
      checkLiveAccess(resolved.target, problems);
      checkUnverifiedInline(resolved.target, inline.path, live, problems);
      if (resolved.target.secretPath) checkDataPrefix(resolved.target, resolved.target.secretPath, problems);
    }
  }
  // A target with an offline problem (unknown vault or engine, wrong data/ prefix) has no locator
  // and is never asked for.
  if (live) {
    const checks = liveChecks(connection, resolvedAll, vaults, live);
    checkUntrustedAddresses(checks.map((c) => c.target), live, problems);
    checkLiveSecrets(checks, resolvedAll, live, problems, options);
  }
  for (const attachment of connection.attachments) {
    if (used.has(attachment) || !attachment.vault) continue;
    const what = attachment.path ? `${attachment.engine?.value ?? '?'}/${attachment.path.value}` : attachment.secret?.value ?? 'this secret';
    problems.push({
      code: 'unused-secret',
      span: attachment.vault.span,
      message: `No reference reads the attached secret \`${what.slice(0, 80)}\`${attachment.alias ? ` (alias \`${attachment.alias.value}\`)` : ''}: use it with vault.secret(...) or remove it.`,
    });
  }
}

function liveChecks(connection: ConnectionModel, resolved: ResolvedReference[], vaults: VaultSet, live: LiveFacts): LiveSecretCheck[] {
  const checks: LiveSecretCheck[] = [];
  for (const attachment of connection.attachments) {
    const target = targetOfAttachment(attachment, vaults, live);
    const span = attachment.path?.span ?? attachment.secret?.span;
    if (target && span) checks.push({ target, attachment, span });
  }
  for (const r of resolved) {
    if (r.reference.inline && r.target) checks.push({ target: r.target, attachment: undefined, span: r.reference.inline.path.span });
  }
  return checks;
}

/** An inline path whose first segments name no mount, as the secret manager says. */
function checkLiveInlineEngine(target: ResolvedReference['target'] & object, path: ConnectionModel['references'][number]['argument'], problems: Problem[]): void {
  const live = target.liveMount;
  if (live?.state !== 'ok' || (live.value.mounted && target.engine)) return;
  problems.push({
    code: 'unknown-engine',
    span: path.span,
    message: `No engine of vault \`${target.vaultName.value}\` holds this path. Inline paths are ENGINE/PATH, e.g. secret/data/app.`,
  });
}

function checkAliases(attachments: readonly Attachment[], problems: Problem[]): void {
  const seen = new Set<string>();
  for (const attachment of attachments) {
    const alias = attachment.alias;
    if (!alias) continue;
    if (seen.has(alias.value)) {
      problems.push({ code: 'invalid-config', span: alias.span, message: `Alias \`${alias.value}\` is used by another attached secret: aliases must be unique.` });
    }
    seen.add(alias.value);
  }
}
