import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addressProblem, parseAddress, type TlsSettings } from '../../../shared/src/addresses';
import type { VaultFact } from '../service/facts/facts';
import { caCertificatePath, readCaCertificate } from './caCertificate';

/**
 * Where a vault's credentials are sent, as written: hashicorp `url` (else VAULT_ADDR), azure
 * `vault_url`, the aws or gcp `endpoint` (else the provider's public endpoint), '' for the local
 * vault. For display (inventory, troubleshooting); decisions use `resolveTarget`.
 */
export function vaultAddress(vault: VaultFact, env: NodeJS.ProcessEnv): string {
  switch (vault.provider) {
    case 'hashicorp':
      return vault.address ?? env.VAULT_ADDR ?? '';
    case 'aws':
      return vault.connection.endpoint ?? `https://secretsmanager.${vault.region ?? env.AWS_REGION ?? 'us-east-1'}.amazonaws.com`;
    case 'gcp':
      return vault.connection.endpoint ?? 'https://secretmanager.googleapis.com';
    default:
      return vault.address ?? '';
  }
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
  source: 'file' | 'VAULT_ADDR' | 'provider' | 'none';
  /** HashiCorp Vault: the TLS settings requests use. */
  tls?: TlsSettings;
  /** HashiCorp Vault: the CA certificate's content, read once (the bytes hashed into `tls`). */
  caCertificate?: string;
  /** HashiCorp Vault: why the CA certificate file cannot be used (the vault is then not contacted). */
  caProblem?: string;
}

export type TargetResult = { ok: true; target: VaultTarget } | { ok: false; reason: string };

/** An AWS region as it appears in a host name (the SDK's own check is a valid host label). */
const awsRegion = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function fromText(text: string, source: VaultTarget['source'], what: string): TargetResult {
  const parsed = parseAddress(text);
  if (!parsed.ok) return { ok: false, reason: `${what} is not used: ${addressProblem(parsed)}.` };
  return { ok: true, target: { origin: parsed.origin, url: parsed.url, source } };
}

function addressOf(vault: VaultFact, env: NodeJS.ProcessEnv): TargetResult {
  switch (vault.provider) {
    case 'local':
      return { ok: true, target: { origin: '', url: undefined, source: 'none' } };
    case 'hashicorp':
      if (vault.address !== undefined) return fromText(vault.address, 'file', 'The `url` of the vault configuration');
      if (env.VAULT_ADDR) return fromText(env.VAULT_ADDR, 'VAULT_ADDR', 'VAULT_ADDR');
      return { ok: false, reason: 'It has no address: no `url` in the vault configuration and no VAULT_ADDR in the environment.' };
    case 'azure':
      if (vault.address !== undefined) return fromText(vault.address, 'file', 'The `vault_url` of the vault configuration');
      return { ok: false, reason: 'It has no `vault_url`.' };
    case 'aws': {
      if (vault.connection.endpoint !== undefined) return fromText(vault.connection.endpoint, 'file', 'The `endpoint` of the vault configuration');
      const region = vault.region ?? env.AWS_REGION ?? 'us-east-1';
      if (!awsRegion.test(region)) return { ok: false, reason: 'Its `region` is not an AWS region name.' };
      // The SDK builds secretsmanager.<region>.<partition DNS suffix>; shown with the commercial suffix.
      return { ok: true, target: { origin: `https://secretsmanager.${region}.amazonaws.com`, url: undefined, source: 'provider' } };
    }
    case 'gcp':
      if (vault.connection.endpoint !== undefined) return fromText(vault.connection.endpoint, 'file', 'The `endpoint` of the vault configuration');
      return { ok: true, target: { origin: 'https://secretmanager.googleapis.com', url: undefined, source: 'provider' } };
    default:
      return { ok: false, reason: 'Its provider has no live checks.' };
  }
}

/** The origin a vault's credential would go to; '' for the local vault and for a missing or invalid address. */
export function vaultOrigin(vault: VaultFact, env: NodeJS.ProcessEnv): string {
  const result = addressOf(vault, env);
  return result.ok ? result.target.origin : '';
}

/**
 * The origin, the address for the provider and (HashiCorp Vault) the TLS settings with the CA
 * certificate read once, bounded (`caCertificate.ts`). A CA file that cannot be used is
 * `caProblem`: the vault is then not contacted, and every reference says why.
 */
export async function resolveTarget(vault: VaultFact, env: NodeJS.ProcessEnv): Promise<TargetResult> {
  const result = addressOf(vault, env);
  if (!result.ok || vault.provider !== 'hashicorp') return result;
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
