import type { LiveError, LiveFacts, LiveSecret } from '../facts/liveFacts';
import type { SecretLocator } from '../../../../shared/src/secretModel';
import type { SecretUse } from '../formats/facts';
import type { Located, Problem } from '../model/types';
import { locatorKey, pinText, readApiPath, secretLocator } from '../references/locator';
import type { ResolvedRead, SecretTarget } from '../references/resolve';
import { nearestNames } from '../text/nearest';
import { assumedReadProblems } from './unverifiedEngine';

/** The API path in backquotes, with the pin when one is read (`` `api/key` (staging label AWSPREVIOUS) ``). */
function pinnedPath(target: SecretTarget, locator: SecretLocator): string {
  const pin = pinText(locator);
  return `\`${readApiPath(target, locator)}\`${pin ? ` (${pin})` : ''}`;
}

/** `unknown-engine` when the secret manager says the engine is not a mount of its own. */
export function checkLiveEngine(target: SecretTarget, problems: Problem[]): boolean {
  const live = target.liveMount;
  if (!target.engine || live?.state !== 'ok') return false;
  const m = live.value;
  if (m.mounted && m.path === target.engine.value) return false;
  const inside = m.mounted ? m.path : m.enclosingMount;
  const hint = inside ? ` The path lies inside the engine \`${inside}\`.` : '';
  problems.push({
    code: 'unknown-engine',
    span: target.engine.span,
    message: `No engine is mounted at \`${target.engine.value.slice(0, 80)}\` on vault \`${target.vaultName.value}\`.${hint}`,
  });
  return true;
}

/** `unknown-engine` for a path whose first segments name no mount, as the secret manager says. */
export function checkLiveInPathEngine(target: SecretTarget, path: Located<string>, problems: Problem[]): void {
  const live = target.liveMount;
  if (live?.state !== 'ok' || (live.value.mounted && target.engine)) return;
  problems.push({
    code: 'unknown-engine',
    span: path.span,
    message: `No engine of vault \`${target.vaultName.value}\` holds this path. Inline paths are ENGINE/PATH, e.g. secret/data/app.`,
  });
}

/**
 * A mount lookup that failed because the credentials were rejected or the server could not be
 * reached says so on the vault name: without it, nothing else would be asked and the reference
 * would look fine. (A lookup merely not allowed by policy says nothing here: the secret is then
 * read as written, see unverifiedEngine.ts.)
 */
export function checkLiveAccess(target: SecretTarget, problems: Problem[]): void {
  const live = target.liveMount;
  if (live?.state !== 'error') return;
  const vault = `\`${target.vaultName.value}\``;
  if (live.error.kind === 'unauthenticated') {
    problems.push({ code: 'permission-denied', span: target.vaultName.span, message: `Permission denied: vault ${vault} rejected the credentials (an invalid or expired token): sign in again.` });
  } else if (live.error.kind === 'unreachable' || live.error.kind === 'bad-response') {
    problems.push({ code: 'vault-unreachable', span: target.vaultName.span, message: `Vault ${vault} could not be checked: ${live.error.cause ?? live.error.message}` });
  }
}

/**
 * `untrusted-address`: a credential from the environment was not sent because the vault's address
 * is not trusted. Says where it would have gone and how to trust it.
 */
export function untrustedAddressProblem(vaultName: string, origin: string, span: Located<unknown>['span']): Problem {
  const where = origin.slice(0, 200);
  return {
    code: 'untrusted-address',
    span,
    message:
      `Vault \`${vaultName.slice(0, 80)}\` was not contacted: ${where} is not a trusted address, so no credential from the environment was sent there. ` +
      `If you trust it, pass \`--trust-address ${where}\`, add it to SECRETREFS_TRUSTED_ADDRESSES, or (language server) list it in the \`trustedAddresses\` initialization option. ` +
      'VAULT_ADDR and the cloud providers\' own endpoints are trusted.',
  };
}

/** `untrusted-address` once per vault in a document, on the first place that names the vault. */
export function checkUntrustedAddresses(targets: readonly SecretTarget[], live: LiveFacts, problems: Problem[]): void {
  const reported = new Set<string>();
  for (const target of targets) {
    const vault = target.vault;
    if (!vault?.enabled || reported.has(vault.uri) || live.access(vault) !== 'untrusted-address') continue;
    const origin = live.untrustedAddress?.(vault);
    if (origin === undefined) continue;
    reported.add(vault.uri);
    problems.push(untrustedAddressProblem(target.vaultName.value, origin, target.vaultName.span));
  }
}

function errorProblem(error: LiveError, target: SecretTarget, locator: SecretLocator, span: Located<unknown>['span']): Problem {
  const where = `\`${readApiPath(target, locator)}\``;
  const vault = `\`${target.vaultName.value}\``;
  switch (error.kind) {
    case 'not-found':
      return { code: 'secret-not-found', span, message: `Vault ${vault} has no secret at ${where}.` };
    case 'deleted':
      return {
        code: 'secret-deleted',
        span,
        message: `The ${locator.version ? `version ${locator.version}` : 'current version'} of ${where} was deleted${error.deletionTime ? ` on ${error.deletionTime}` : ''}; undelete it or pin another version.`,
      };
    case 'destroyed':
      // A destroyed GCP version is secret-disabled, as its metadata says when it can be read.
      if (target.provider === 'gcp') return { code: 'secret-disabled', span, message: error.message };
      return { code: 'secret-destroyed', span, message: `The ${locator.version ? `version ${locator.version}` : 'current version'} of ${where} was destroyed and cannot be read; pin another version or write a new one.` };
    case 'version-not-found': {
      const pin = pinText(locator);
      return { code: 'version-not-found', span, message: pin ? `${where} has no ${pin}.` : `${where} has no current version.` };
    }
    case 'disabled':
      // The secret (or the read version) exists, but its state forbids reading it: the provider's
      // message says which state and how to leave it, in the provider's words.
      return { code: 'secret-disabled', span, message: error.message };
    case 'permission-denied': {
      const path = error.apiPath ?? readApiPath(target, locator);
      if (target.provider !== 'hashicorp') return { code: 'permission-denied', span, message: `Permission denied on ${where}: ${error.message}` };
      return {
        code: 'permission-denied',
        span,
        message: `Permission denied: the credentials for vault ${vault} lack the \`read\` capability on \`${path}\`. A policy that grants it: path "${path}" { capabilities = ["read"] }`,
      };
    }
    case 'unauthenticated':
      return { code: 'permission-denied', span, message: `Permission denied: vault ${vault} rejected the credentials (an invalid or expired token): sign in again.` };
    default:
      return { code: 'vault-unreachable', span, message: `Vault ${vault} could not be checked: ${error.cause ?? error.message}` };
  }
}

export interface LiveSecretCheck {
  target: SecretTarget;
  /** The use whose pins are read (`version`, `version_stage`). */
  use: SecretUse;
  /** Where a problem with the secret itself is shown. */
  span: Located<unknown>['span'];
}

export interface LiveCheckOptions {
  now: number;
  expiryWarningDays: number;
}

const day = 24 * 60 * 60 * 1000;

/** Backquoted shell text for a message: a name as written, cut short, backquotes dropped. */
function shellArg(text: string): string {
  return text.replace(/`/g, '').slice(0, 120);
}

/**
 * Why a secret that exists cannot be read, in its provider's words, with the remedy its own tools
 * offer: AWS a secret scheduled for deletion (DescribeSecret DeletedDate), Azure a disabled
 * secret or version, GCP a version that is disabled, scheduled for destruction or destroyed.
 * Undefined when the metadata says the secret is readable.
 */
function unreadableMessage(target: SecretTarget, locator: SecretLocator, m: LiveSecret['metadata'] & object): string | undefined {
  const where = `\`${readApiPath(target, locator)}\``;
  const name = shellArg(locator.path);
  if (target.provider === 'aws') {
    if (!m.deletionDate) return m.enabled === false ? `${where} cannot be read in its current state.` : undefined;
    return `${where} is scheduled for deletion on ${m.deletionDate}: Secrets Manager does not read it until it is restored. Restore it with \`aws secretsmanager restore-secret --secret-id ${name}\`, or attach another secret.`;
  }
  if (target.provider === 'gcp') {
    const readNumber = typeof locator.version === 'number' ? locator.version : m.currentVersion;
    const read = m.versions.find((v) => v.version === readNumber);
    const which = locator.version !== undefined ? `version ${locator.version}` : `the latest version${readNumber !== undefined ? ` (${readNumber})` : ''}`;
    const enable = `\`gcloud secrets versions enable ${readNumber ?? 'VERSION'} --secret=${name}\``;
    if (read?.destroyed) {
      return `${which} of ${where} was destroyed${read.deletionTime ? ` on ${read.deletionTime}` : ''}: its data is gone. Pin an enabled version, or add a new one with \`gcloud secrets versions add ${name}\`.`;
    }
    if (m.enabled !== false) return undefined;
    if (m.deletionDate) return `${which} of ${where} is disabled and scheduled for destruction on ${m.deletionDate}: enable it with ${enable} (which cancels the destruction), or pin another version.`;
    return `${which} of ${where} is disabled: Secret Manager does not read disabled versions. Enable it with ${enable}, or pin an enabled version.`;
  }
  if (m.enabled !== false) return undefined;
  if (target.provider === 'azure') {
    const vault = azureVaultName(target.vault?.address);
    const which = locator.version !== undefined ? `version ${String(locator.version).slice(0, 40)} of ${where}` : where;
    const command = `\`az keyvault secret set-attributes --vault-name ${vault ?? 'VAULT'} --name ${name}${locator.version !== undefined ? ` --version ${shellArg(String(locator.version))}` : ''} --enabled true\``;
    return `${which} is disabled: Key Vault does not read disabled secrets. Enable it with ${command}, or pin an enabled version.`;
  }
  return `${where} is disabled${locator.version ? ` (version ${locator.version})` : ''}: it cannot be read.`;
}

/** The vault name of an Azure vault URL (`https://NAME.vault.azure.net`), for `az` commands. */
function azureVaultName(address: string | undefined): string | undefined {
  try {
    return /^([A-Za-z0-9-]{3,24})\.(vault|managedhsm)\./i.exec(new URL(address ?? '').hostname)?.[1];
  } catch {
    return undefined;
  }
}

/** secret-disabled, secret-expired, secret-expiring from the metadata of a readable secret. */
function stateProblems(target: SecretTarget, locator: SecretLocator, secret: LiveSecret, span: Located<unknown>['span'], options: LiveCheckOptions): Problem[] {
  const m = secret.metadata;
  if (!m) return [];
  const where = `\`${readApiPath(target, locator)}\``;
  const unreadable = unreadableMessage(target, locator, m);
  if (unreadable) return [{ code: 'secret-disabled', span, message: unreadable }];
  if (m.expiresOn) {
    const at = Date.parse(m.expiresOn);
    if (!Number.isNaN(at) && at <= options.now) return [{ code: 'secret-expired', span, message: `${where} expired on ${m.expiresOn}.` }];
    if (!Number.isNaN(at) && at - options.now <= options.expiryWarningDays * day) {
      const days = Math.max(0, Math.ceil((at - options.now) / day));
      return [{ code: 'secret-expiring', span, message: `${where} expires on ${m.expiresOn} (in ${days} day${days === 1 ? '' : 's'}).` }];
    }
  }
  return [];
}

/**
 * Checks targets against what the secret manager said: missing, deleted, destroyed, version,
 * permission, reachability (once per vault and document), then the keys references read.
 */
export function checkLiveSecrets(checks: LiveSecretCheck[], reads: readonly ResolvedRead[], live: LiveFacts, problems: Problem[], options: LiveCheckOptions): void {
  const unreachableReported = new Set<string>();
  const keysById = new Map<string, LiveSecret>();
  const seen = new Set<string>();
  for (const { target, span, use } of checks) {
    const locator = secretLocator(target, use);
    if (!locator || !target.vault?.enabled) continue;
    const key = `${target.id}|${locatorKey(locator)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const fact = live.secret(target.vault, locator);
    if (!fact) continue;
    if (fact.state === 'ok') {
      keysById.set(key, fact.value);
      problems.push(...stateProblems(target, locator, fact.value, span, options));
      continue;
    }
    const assumed = locator.kvVersion !== undefined ? assumedReadProblems(fact.error, target, locator, span, readApiPath(target, locator)) : {};
    if (assumed.extra) problems.push(assumed.extra);
    const problem = assumed.replace ?? errorProblem(fact.error, target, locator, span);
    if (problem.code === 'vault-unreachable') {
      if (unreachableReported.has(target.vaultName.value)) continue;
      unreachableReported.add(target.vaultName.value);
      problem.span = target.vaultName.span;
    }
    problems.push(problem);
  }
  for (const { read, use, target } of reads) {
    const key = read.key;
    if (!target || !key || key.value === '*') continue;
    const locator = secretLocator(target, use);
    if (!locator) continue;
    const secret = keysById.get(`${target.id}|${locatorKey(locator)}`);
    if (secret?.metadata?.json === false) {
      problems.push({
        code: 'not-json',
        span: key.span,
        message: `${pinnedPath(target, locator)} holds plain text, not JSON, so it has no key \`${key.value.slice(0, 80)}\`: read it whole with \`*\`.`,
        data: { fix: 'replace', start: key.span.start, end: key.span.end, text: '*', title: 'Read the whole secret (`*`)' },
      });
      continue;
    }
    const keys = secret?.keys;
    if (!keys || keys.includes(key.value)) continue;
    const near = nearestNames(key.value, keys, 1);
    problems.push({
      code: 'unknown-key',
      span: key.span,
      message: `${pinnedPath(target, locator)} has no key \`${key.value.slice(0, 80)}\`.${near.length ? ` Did you mean \`${near[0]}\`?` : ''} Keys: ${keys.slice(0, 20).join(', ') || 'none'}.`,
      ...(near.length ? { data: { fix: 'replace', start: key.span.start, end: key.span.end, text: near[0]!, title: `Change to \`${near[0]}\`` } } : {}),
    });
  }
}
