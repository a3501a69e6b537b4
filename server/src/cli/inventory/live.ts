/**
 * What the secret managers say of an inventoried secret (with --live): metadata (owner, expiry,
 * rotation, key names), the caller's permissions, and the version a use pins. Never a value.
 */
import type { SecretLocator, SecretMetadata } from '../../providers/secretProvider';
import type { LiveAccess, LiveFacts } from '../../service/facts/liveFacts';
import type { VaultFact } from '../../service/facts/vaults';
import type { SecretUse } from '../../service/formats/facts';
import { readApiPath, secretLocator } from '../../service/references/locator';
import type { SecretTarget } from '../../service/references/resolve';
import type { InventoryPermissions, InventoryRotation, InventorySecret, InventorySecretLive, InventoryUseLive } from './types';
import { providerDescriptor } from '../../../../shared/src/providers';

const expiryKeys = ['expiry', 'expires', 'expiration', 'expires_at', 'expires_on', 'expiry_date', 'expiration_date'];
const rotationKeys = ['rotation', 'rotation_policy', 'rotation_period'];

function pick(labels: Record<string, string>, names: readonly string[]): string | undefined {
  const lower = new Map(Object.entries(labels).map(([k, v]) => [k.toLowerCase(), v]));
  for (const name of names) {
    const value = lower.get(name);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** Owner, expiry and rotation from what the secret manager says; the labels it comes from. */
function fromMetadata(m: SecretMetadata): { owner?: string; expires?: string; rotation?: InventoryRotation; labels: Record<string, string> } {
  const labels = { ...(m.tags ?? {}), ...(m.customMetadata ?? {}) };
  const owner = pick(labels, ['owner']);
  const expires = m.expiresOn ?? pick(labels, expiryKeys);
  let rotation: InventoryRotation | undefined;
  if (m.rotation) {
    rotation = { enabled: m.rotation.enabled, ...(m.rotation.nextRotation ? { nextRotation: m.rotation.nextRotation } : {}), ...(m.rotation.period ? { period: m.rotation.period } : {}) };
  } else {
    const policy = pick(labels, rotationKeys);
    if (policy !== undefined) rotation = { policy };
  }
  return { ...(owner !== undefined ? { owner } : {}), ...(expires !== undefined ? { expires } : {}), ...(rotation ? { rotation } : {}), labels };
}

/** Where the caller's permissions on a secret are asked: the path policies name, or the resource its provider's descriptor names. */
function permissionPath(vault: VaultFact, target: SecretTarget, locator: SecretLocator): string {
  return providerDescriptor(vault.provider)?.labels.permissionPath?.(vault, locator) ?? readApiPath(target, locator);
}

function permissionsOf(live: LiveFacts, vault: VaultFact, target: SecretTarget, locator: SecretLocator): InventoryPermissions | undefined {
  const path = permissionPath(vault, target, locator);
  const caps = live.capabilities(vault, path);
  if (!caps) return undefined;
  if (caps.state === 'error') return { state: 'error', error: caps.error.message };
  // A provider without a permission check answers none: that says nothing.
  const reason = providerDescriptor(vault.provider)?.labels.noPermissionCheck;
  if (caps.value.length === 0 && reason !== undefined) return { state: 'unknown', reason };
  return { state: 'ok', path, capabilities: [...caps.value].sort() };
}

const accessReasons: Partial<Record<LiveAccess, string>> = {
  'no-credentials': 'no credentials for this vault in the environment',
  'untrusted-address': 'its address is not trusted: the credential from the environment was not sent (--trust-address)',
  off: 'the vault configuration is disabled',
  unsupported: 'this provider has no live access',
  failed: 'the vault could not be set up',
  pending: 'the secret manager did not answer in time',
  untrusted: 'live checks are not allowed',
};

/** Live facts of the version a use pins (version or stage); undefined when it pins none. */
export function liveOfPinnedUse(live: LiveFacts, target: SecretTarget, use: SecretUse | undefined): InventoryUseLive | undefined {
  const vault = target.vault;
  const locator = use && secretLocator(target, use);
  if (!vault || !vault.enabled || !locator || (locator.version === undefined && locator.stage === undefined)) return undefined;
  const access = live.access(vault);
  if (access !== 'live') return { state: 'unavailable', reason: accessReasons[access] ?? access };
  const fact = live.secret(vault, locator);
  if (!fact) return { state: 'unavailable', reason: accessReasons.pending! };
  if (fact.state === 'error') return { state: 'error', reason: fact.error.message, errorKind: fact.error.kind };
  return { state: 'ok', ...(fact.value.keys ? { keys: [...fact.value.keys].sort() } : {}) };
}

export function liveOfSecret(live: LiveFacts, target: SecretTarget): Partial<InventorySecret> {
  const vault = target.vault;
  if (!vault) return { live: { state: 'unavailable', reason: 'no single vault configuration has this name' } };
  if (!vault.enabled) return { live: { state: 'unavailable', reason: accessReasons.off! } };
  const access = live.access(vault);
  if (access !== 'live') return { live: { state: 'unavailable', reason: accessReasons[access] ?? access } };
  const locator = secretLocator(target, undefined);
  if (!locator) return { live: { state: 'unavailable', reason: 'the path cannot be read as written (see `secretrefs check`), or its engine is not known' } };
  const fact = live.secret(vault, locator);
  const permissions = permissionsOf(live, vault, target, locator);
  const withPermissions = permissions ? { permissions } : {};
  if (!fact) return { live: { state: 'unavailable', reason: accessReasons.pending!, ...withPermissions } };
  if (fact.state === 'error') return { live: { state: 'error', reason: fact.error.message, errorKind: fact.error.kind, ...withPermissions } };
  const m = fact.value.metadata;
  const details = m ? fromMetadata(m) : undefined;
  const secretLive: InventorySecretLive = {
    state: 'ok',
    ...(m?.currentVersion !== undefined ? { currentVersion: m.currentVersion } : {}),
    ...(m?.createdTime ? { createdTime: m.createdTime } : {}),
    ...(m?.updatedTime ? { updatedTime: m.updatedTime } : {}),
    ...(fact.value.keys ? { keys: [...fact.value.keys].sort() } : {}),
    ...(details && Object.keys(details.labels).length > 0 ? { labels: details.labels } : {}),
    ...withPermissions,
  };
  return {
    ...(details?.owner !== undefined ? { owner: details.owner } : {}),
    ...(details?.expires !== undefined ? { expires: details.expires } : {}),
    ...(details?.rotation ? { rotation: details.rotation } : {}),
    live: secretLive,
  };
}
