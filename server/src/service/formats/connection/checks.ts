import type { Problem } from '../../model/types';
import type { FormatCheckContext, UseCheckContext } from '../format';
import { checkAuthFields, checkCredentialExpiry, checkHardcodedCredentials } from './credentialChecks';
import type { Attachment, ConnectionModel } from './types';

/**
 * The fields of an attached secret against its vault's provider: `engine` and `path` for
 * HashiCorp Vault, `secret` for the others, `version_stage` for AWS only. (Inline references have
 * no fields of their own.)
 */
export function checkAttachmentFields({ analysis, index, target, problems }: UseCheckContext<ConnectionModel>): void {
  const attachment = analysis.model.attachments[index];
  if (!attachment?.vault) return;
  const provider = target.provider;
  const hashicorpShape = attachment.engine !== undefined || attachment.path !== undefined;
  if (provider === undefined) {
    if (!hashicorpShape && !attachment.secret) {
      problems.push({ code: 'invalid-config', span: attachment.span, message: 'An attached secret needs `engine` and `path` (HashiCorp Vault) or `secret` (other providers).' });
    } else if (hashicorpShape && attachment.secret) {
      problems.push({ code: 'invalid-config', span: attachment.secret.span, message: 'Use either `engine` and `path` (HashiCorp Vault) or `secret` (other providers), not both.' });
    }
    return;
  }
  if (provider === 'hashicorp') {
    if (attachment.secret) {
      problems.push({ code: 'invalid-config', span: attachment.secret.span, message: `Vault \`${target.vaultName.value}\` is HashiCorp Vault: attach with \`engine\` and \`path\`, not \`secret\`.` });
    }
    for (const [field, value] of [['engine', attachment.engine], ['path', attachment.path]] as const) {
      if (!value) problems.push({ code: 'invalid-config', span: attachment.vault.span, message: `A HashiCorp Vault secret needs \`${field}\`${field === 'path' ? ' (the secret path inside the engine, e.g. data/oracle)' : ' (the mount path, e.g. secret)'}.` });
    }
    if (attachment.versionStage) {
      problems.push({ code: 'invalid-config', span: attachment.versionStage.span, message: '`version_stage` is for AWS Secrets Manager; HashiCorp Vault pins with `version`.' });
    }
    return;
  }
  for (const field of ['engine', 'path'] as const) {
    const value = attachment[field];
    if (value) problems.push({ code: 'invalid-config', span: value.span, message: `\`${field}\` is for HashiCorp Vault; vault \`${target.vaultName.value}\` uses provider ${provider}: name the secret with \`secret\`.` });
  }
  if (!attachment.secret) {
    problems.push({ code: 'invalid-config', span: attachment.vault.span, message: `A secret from a ${provider} vault needs \`secret\`: the secret's name.` });
  }
  if (attachment.versionStage && provider !== 'aws') {
    problems.push({ code: 'invalid-config', span: attachment.versionStage.span, message: '`version_stage` is for AWS Secrets Manager only.' });
  }
}

/**
 * The connection's own checks with workspace facts: aliases, unused attachments, credentials. (A
 * reference that reads no attachment carries its problem in its read, reported where it stands.)
 */
export function checkConnection({ uri, analysis, facts, options, problems }: FormatCheckContext<ConnectionModel>): void {
  const model = analysis.model;
  checkAliases(model.attachments, problems);
  const used = new Set<number>();
  for (const read of analysis.reads) if (read.use !== undefined) used.add(read.use);
  checkUnused(model.attachments, used, problems);
  checkAuthFields(model, problems);
  checkCredentialExpiry(model, options.now, options.expiryWarningDays, problems);
  if (options.hardcoded) checkHardcodedCredentials(model, options.hardcoded, facts.secretScan?.(uri), problems);
}

function checkUnused(attachments: readonly Attachment[], used: ReadonlySet<number>, problems: Problem[]): void {
  attachments.forEach((attachment, index) => {
    if (used.has(index) || !attachment.vault) return;
    const what = attachment.path ? `${attachment.engine?.value ?? '?'}/${attachment.path.value}` : attachment.secret?.value ?? 'this secret';
    problems.push({
      code: 'unused-secret',
      span: attachment.vault.span,
      message: `No reference reads the attached secret \`${what.slice(0, 80)}\`${attachment.alias ? ` (alias \`${attachment.alias.value}\`)` : ''}: use it with vault.secret(...) or remove it.`,
    });
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
