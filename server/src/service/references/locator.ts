import type { SecretLocator } from '../../../../shared/src/secretModel';
import { kvAssumption } from '../diagnostics/unverifiedEngine';
import type { SecretUse } from '../formats/facts';
import { readPath } from './dataRule';
import type { SecretTarget } from './resolve';

/**
 * The locator of the secret a use reads, with every pin the use writes (`version`, AWS
 * `version_stage`); without `pinned` (a question about the secret as a whole: its versions, its
 * stages), the secret unpinned. Diagnostics, hover, completion, inventory, preview and Move to
 * Vault all build their locator here, so each asks the secret manager about the version the
 * reference reads.
 */
export function secretLocator(target: SecretTarget, pinned?: SecretUse): SecretLocator | undefined {
  return locatorOf(target, pinned?.version?.value, pinned?.stage?.value);
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
 * nothing to ask (another provider, an unknown engine, a path already reported, a path with a
 * template variable). Callers go through `secretLocator`.
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
  if (target.provider !== 'hashicorp' || !target.engine || !target.secretPath || target.fixedEnd !== undefined) return undefined;
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
    const read = readPath(path, target.use.dataRule, 2);
    if (!read.startsWith('data/')) return undefined;
    path = read.slice('data/'.length);
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
