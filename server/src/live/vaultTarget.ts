import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TlsSettings } from '../../../shared/src/addresses';
import type { AddressSource } from '../../../shared/src/providers/descriptor';
import { providerDescriptor } from '../../../shared/src/providers';
import type { VaultFact } from '../service/facts/facts';
import { caCertificatePath, readCaCertificate } from './caCertificate';

/**
 * Where a vault's credentials are sent, as written: hashicorp `url` (else VAULT_ADDR), azure
 * `vault_url`, the aws or gcp `endpoint` (else the provider's public endpoint), '' for the local
 * vault. For display (inventory, troubleshooting); decisions use `resolveTarget`.
 */
export function vaultAddress(vault: VaultFact, env: NodeJS.ProcessEnv): string {
  return providerDescriptor(vault.provider)?.displayAddress(vault, env) ?? vault.address ?? '';
}

/** Where a vault's credential goes, once parsed; what approvals and trust decide on. */
export interface VaultTarget {
  /** `scheme://host[:port]`; '' for the local vault, which sends nothing anywhere. */
  origin: string;
  /**
   * The address handed to the provider, rebuilt from the parsed URL (no user info); undefined
   * when the provider's SDK picks its own public endpoint (aws and gcp without `endpoint`).
   */
  url: string | undefined;
  /** Where the address came from: the vault configuration, VAULT_ADDR, or the provider's own endpoint. */
  source: AddressSource;
  /** HashiCorp Vault: the TLS settings requests use. */
  tls?: TlsSettings;
  /** HashiCorp Vault: the CA certificate's content, read once (the bytes hashed into `tls`). */
  caCertificate?: string;
  /** HashiCorp Vault: why the CA certificate file cannot be used (the vault is then not contacted). */
  caProblem?: string;
}

export type TargetResult = { ok: true; target: VaultTarget } | { ok: false; reason: string };

/** Each provider's descriptor says where its credential goes. */
function addressOf(vault: VaultFact, env: NodeJS.ProcessEnv): TargetResult {
  const descriptor = providerDescriptor(vault.provider);
  if (!descriptor) return { ok: false, reason: 'Its provider has no live checks.' };
  const found = descriptor.target(vault, env);
  return found.ok ? { ok: true, target: { origin: found.origin, url: found.url, source: found.source } } : found;
}

/** The origin a vault's credential would go to; '' for the local vault and for a missing or invalid address. */
export function vaultOrigin(vault: VaultFact, env: NodeJS.ProcessEnv): string {
  const result = addressOf(vault, env);
  return result.ok ? result.target.origin : '';
}

/**
 * The origin, the address for the provider and, where the vault configuration's TLS settings
 * apply (HashiCorp Vault), the TLS settings with the CA certificate read once, bounded
 * (`caCertificate.ts`). A CA file that cannot be used is
 * `caProblem`: the vault is then not contacted, and every reference says why.
 */
export async function resolveTarget(vault: VaultFact, env: NodeJS.ProcessEnv): Promise<TargetResult> {
  const result = addressOf(vault, env);
  if (!result.ok || !providerDescriptor(vault.provider)?.tls) return result;
  const target = result.target;
  const tls: TlsSettings = { skipVerify: vault.connection.tlsSkipVerify === true };
  const ca = caCertificatePath(vault.connection.caCertificate, dirname(fileURLToPath(vault.uri)), env);
  if (ca) {
    const read = await readCaCertificate(ca.path);
    tls.caFile = vault.connection.caCertificate ?? env.VAULT_CACERT;
    if (read.ok) {
      tls.caSha256 = createHash('sha256').update(read.pem, 'utf8').digest('hex');
      target.caCertificate = read.pem;
    } else {
      target.caProblem = `its CA certificate file (${ca.shown}) cannot be used: ${read.reason}. Name a PEM file of at most 1 MiB.`;
    }
  }
  target.tls = tls;
  return result;
}
