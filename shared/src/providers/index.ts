/**
 * Every provider, by its descriptor. A provider is added here with one line (and its server part
 * in server/src/providers/<id>/descriptor.ts, which the compiler then asks for).
 */
import { aws } from './aws';
import { azure } from './azure';
import type { ProviderDescriptor, VaultLocation, VaultView } from './descriptor';
import { gcp } from './gcp';
import { hashicorp } from './hashicorp';
import { local } from './local';

/** In the order the `provider:` field lists them. */
export const providerDescriptors = [hashicorp, aws, azure, gcp, local] as const;

export type ProviderId = (typeof providerDescriptors)[number]['id'];

export const providerIds: readonly ProviderId[] = providerDescriptors.map((d) => d.id);

const byId: ReadonlyMap<string, ProviderDescriptor<ProviderId>> = new Map(providerDescriptors.map((d) => [d.id, d]));

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && byId.has(value);
}

/** The descriptor of a `provider:` value; undefined for an unknown or missing one. */
export function providerDescriptor(id: string | null | undefined): ProviderDescriptor<ProviderId> | undefined {
  return id === undefined || id === null ? undefined : byId.get(id);
}

/** Whether secrets of this provider live in engines at paths (attached with `engine` and `path`). */
export function hasEngines(id: string | null | undefined): boolean {
  return providerDescriptor(id)?.hasEngines === true;
}

/**
 * Where a vault is, for hover and completion. Without a known provider every field is kept
 * (none was refused as another provider's), and the first one given is shown.
 */
export function vaultLocation(vault: VaultView & { provider: string | undefined }): VaultLocation | undefined {
  const descriptor = providerDescriptor(vault.provider);
  if (descriptor) return descriptor.labels.location(vault);
  if (vault.address) return { value: vault.address };
  if (vault.region) return { value: vault.region, label: 'region' };
  if (vault.project) return { value: vault.project, label: 'project' };
  return undefined;
}

export type { ProviderDescriptor, VaultView } from './descriptor';
