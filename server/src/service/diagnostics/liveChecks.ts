import type { LiveError, LiveFacts, LiveSecret } from '../facts/liveFacts';
import type { SecretLocator } from '../../../../shared/src/secretModel';
import type { Attachment, Located, Problem } from '../model/types';
import type { ResolvedReference, SecretTarget } from '../references/resolve';
import { nearestNames } from '../text/nearest';
import { assumedReadProblems, kvAssumption } from './unverifiedEngine';

/**
 * The locator of the secret an attachment reads, with every pin the attachment writes (`version`,
 * AWS `version_stage`); for an inline reference (no attachment) or a question about the secret as
 * a whole (its versions, its stages), the secret unpinned. Diagnostics, hover, completion,
 * inventory, preview and Move to Vault all build their locator here, so each asks the secret
 * manager about the version the reference reads.
 */
export function secretLocator(target: SecretTarget, attachment: Attachment | undefined): SecretLocator | undefined {
  return locatorOf(target, attachment?.version?.value, attachment?.versionStage?.value);
}

/** A key that tells two locators apart (engine, path, version, stage). */
export function locatorKey(locator: SecretLocator): string {
  return `${locator.engine ?? ''}|${locator.path}|${String(locator.version ?? '')}|${locator.stage ?? ''}`;
}

/** What pins a locator, for messages: `version 3`, `staging label AWSPREVIOUS`, or undefined. */
export function pinText(locator: SecretLocator): string | undefined {
  if (locator.version !== undefined) return `version ${String(locator.version).slice(0, 80)}`;
  if (locator.stage !== undefined) return `staging label ${locator.stage.slice(0, 80)}`;
  return undefined;
}

/**
 * The secret a target reads, as a provider locator: hashicorp engine and path without `data/`
 * (only once the path has passed the `data/` checks), local by name. Undefined when there is
 * nothing to ask (another provider, an unknown engine, a path already reported). Callers go
 * through `secretLocator`.
 */
function locatorOf(target: SecretTarget, version: unknown, stage?: string): SecretLocator | undefined {
  const pin = typeof version === 'number' && Number.isInteger(version) && version > 0 ? version : undefined;
  if (target.provider === 'local' && target.secretName) return { path: target.secretName.value, ...(pin ? { version: pin } : {}) };
  if ((target.provider === 'aws' || target.provider === 'azure') && target.secretName) {
    const id = typeof version === 'string' && version.trim() !== '' ? version : undefined;
    return { path: target.secretName.value, ...(id ? { version: id } : {}), ...(target.provider === 'aws' && stage && !id ? { stage } : {}) };
  }
  if (target.provider === 'gcp' && target.secretName) {
    const number = pin ?? (typeof version === 'string' && /^[1-9][0-9]*$/.test(version) ? Number(version) : undefined);
    return { path: target.secretName.value, ...(number ? { version: number } : {}) };
  }
  if (target.provider !== 'hashicorp' || !target.engine || !target.secretPath) return undefined;
  if (!target.engineFact?.kvVersion) {
    // The server would not tell the KV version: read the path as written (see unverifiedEngine.ts).
    const assumed = kvAssumption(target);
    if (!assumed) return undefined;
    const inside = assumed.version === 2 ? assumed.path.slice('data/'.length) : assumed.path;
    if (inside === '' || inside.endsWith('/')) return undefined;
    return { engine: target.engine.value, path: inside, kvVersion: assumed.version, ...(pin && assumed.version === 2 ? { version: pin } : {}) };
  }
  let path = target.secretPath.value.replace(/^\/+/, '');
  if (path.startsWith(`${target.engine.value}/`)) path = path.slice(target.engine.value.length + 1);
  if (target.engineFact.kvVersion === 2) {
    if (!path.startsWith('data/')) return undefined;
    path = path.slice('data/'.length);
  }
  if (path === '' || path.endsWith('/')) return undefined;
  return { engine: target.engine.value, path, ...(pin && target.engineFact.kvVersion === 2 ? { version: pin } : {}) };
}

/** The Vault API path a read of this locator goes to, as policies name it. */
export function readApiPath(target: SecretTarget, locator: SecretLocator): string {
  if (target.provider === 'gcp') return `projects/${target.vault?.project ?? '?'}/secrets/${locator.path}/versions/${locator.version ?? 'latest'}`;
  if (target.provider !== 'hashicorp') return locator.path;
  return (target.engineFact?.kvVersion ?? locator.kvVersion) === 2 ? `${locator.engine}/data/${locator.path}` : `${locator.engine}/${locator.path}`;
}

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
  /** The attachment that reads the secret, with its pins; undefined for an inline reference. */
  attachment: Attachment | undefined;
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
export function checkLiveSecrets(checks: LiveSecretCheck[], references: ResolvedReference[], live: LiveFacts, problems: Problem[], options: LiveCheckOptions): void {
  const unreachableReported = new Set<string>();
  const keysById = new Map<string, LiveSecret>();
  const seen = new Set<string>();
  for (const { target, span, attachment } of checks) {
    const locator = secretLocator(target, attachment);
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
  for (const resolved of references) {
    const { target, key } = resolved;
    if (!target || !key || key.value === '*') continue;
    const locator = secretLocator(target, resolved.attachment);
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
