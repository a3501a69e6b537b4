import type { VaultSet } from '../facts/facts';
import type { LiveFacts } from '../facts/liveFacts';
import type { Attachment, Problem } from '../model/types';
import { targetOfAttachment } from '../references/resolve';
import { checkLiveAccess, checkLiveEngine } from './liveChecks';
import { checkDataPrefix, checkDeclaredEngine, checkEngineInPath } from './pathChecks';
import { checkUnverifiedEngine } from './unverifiedEngine';
import { checkVaultName } from './vaultNameChecks';

/** Checks one attached secret: its vault, its shape for the vault's provider, its path and version. */
export function checkAttachment(attachment: Attachment, vaults: VaultSet, problems: Problem[], live?: LiveFacts): void {
  if (!attachment.vault) return;
  checkVaultName(attachment.vault, vaults, problems);
  const target = targetOfAttachment(attachment, vaults, live);
  if (!target) return;
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
    if (target.liveMount?.state === 'ok') checkLiveEngine(target, problems);
    else checkDeclaredEngine(target, problems);
    checkLiveAccess(target, problems);
    checkUnverifiedEngine(target, live, problems);
    const rest = checkEngineInPath(target, problems);
    if (rest) checkDataPrefix(target, rest, problems);
    checkHashicorpVersion(attachment, target.engineFact?.kvVersion, problems);
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
  checkProviderVersion(attachment, provider, problems);
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function checkHashicorpVersion(attachment: Attachment, kvVersion: 1 | 2 | undefined, problems: Problem[]): void {
  const version = attachment.version;
  if (!version) return;
  if (!isPositiveInteger(version.value)) {
    problems.push({ code: 'invalid-version', span: version.span, message: 'A KV v2 version pin is a positive integer, e.g. `version: 3`.' });
  } else if (kvVersion === 1) {
    problems.push({ code: 'invalid-version', span: version.span, message: 'KV v1 keeps no versions: remove `version`, or move the secret to a KV v2 engine.' });
  }
}

function checkProviderVersion(attachment: Attachment, provider: string, problems: Problem[]): void {
  const version = attachment.version;
  if (!version) return;
  const value = version.value;
  const fail = (message: string) => problems.push({ code: 'invalid-version', span: version.span, message });
  switch (provider) {
    case 'gcp':
      if (!isPositiveInteger(value) && value !== 'latest' && !(typeof value === 'string' && /^[1-9][0-9]*$/.test(value))) {
        fail('A Secret Manager version is a positive integer or `latest`.');
      }
      return;
    case 'local':
      if (!isPositiveInteger(value)) fail('A local vault version is a positive integer.');
      return;
    case 'aws':
      if (typeof value !== 'string' || value.trim() === '') fail('An AWS version is a version ID (text, a UUID); to pick a label use `version_stage`.');
      return;
    case 'azure':
      if (typeof value !== 'string' || value.trim() === '') fail('An Azure Key Vault version is its version ID (text).');
      return;
  }
}
