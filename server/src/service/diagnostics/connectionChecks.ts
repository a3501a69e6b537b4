import type { VaultSet } from '../facts/facts';
import type { Attachment, ConnectionModel, Problem } from '../model/types';
import { resolveReference, type ResolvedReference } from '../references/resolve';
import { checkAttachment } from './attachmentChecks';
import { checkDataPrefix, checkInlineEngine } from './pathChecks';
import { checkVaultName } from './vaultNameChecks';

/** Resolves every reference of a connection against its attachments and the vaults. */
export function resolveAll(connection: ConnectionModel, vaults: VaultSet): ResolvedReference[] {
  return connection.references.map((reference) => resolveReference(reference, connection, vaults));
}

/** The checks of a connection that need workspace facts: attachments, references, unused secrets. */
export function checkConnection(connection: ConnectionModel, vaults: VaultSet, problems: Problem[]): void {
  checkAliases(connection.attachments, problems);
  for (const attachment of connection.attachments) checkAttachment(attachment, vaults, problems);
  const used = new Set<Attachment>();
  for (const resolved of resolveAll(connection, vaults)) {
    if (resolved.problem) problems.push(resolved.problem);
    if (resolved.attachment) used.add(resolved.attachment);
    const inline = resolved.reference.inline;
    if (inline && resolved.target) {
      if (!checkVaultName(inline.vault, vaults, problems)) continue;
      checkInlineEngine(resolved.target, inline.path, problems);
      if (resolved.target.secretPath) checkDataPrefix(resolved.target, resolved.target.secretPath, problems);
    }
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
