import { addressProblem, parseAddress } from '../../../shared/src/addresses';
import { providerDescriptor } from '../../../shared/src/providers';
import { providerRuntime } from '../providers/runtimes';
import type { Provider } from '../service/model/types';
import type { VaultTarget } from './vaultTarget';

/** The environment variable that names trusted addresses, comma-separated. */
export const trustedAddressesEnv = 'SECRETREFS_TRUSTED_ADDRESSES';

/** Whether `origin` is the provider's own public endpoint (https, port 443), as its descriptor's server part says. */
export function isProviderEndpoint(provider: Provider | undefined, origin: string): boolean {
  const parsed = parseAddress(origin);
  if (!parsed.ok || parsed.scheme !== 'https' || parsed.port !== 443) return false;
  return providerRuntime(provider)?.ownEndpoint?.(parsed.host) === true;
}

/** An address from a trust list that is not a plain http(s) address, and why. */
export interface RejectedAddress {
  text: string;
  problem: string;
}

/** Parses trusted addresses into origins; what cannot be parsed is returned separately, never guessed. */
export function parseTrustedAddresses(texts: readonly string[]): { origins: string[]; rejected: RejectedAddress[] } {
  const origins: string[] = [];
  const rejected: RejectedAddress[] = [];
  for (const text of texts) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    const parsed = parseAddress(trimmed);
    if (parsed.ok) origins.push(parsed.origin);
    // User info may be a password: it is never repeated.
    else rejected.push({ text: parsed.reason === 'user-info' ? 'an address with user info' : trimmed, problem: addressProblem(parsed) });
  }
  return { origins, rejected };
}

/** SECRETREFS_TRUSTED_ADDRESSES, split on commas. */
export function trustedAddressesFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env[trustedAddressesEnv] ?? '').split(',');
}

/**
 * Which addresses receive credentials from the environment (the CLI, and the language server in
 * editors other than VS Code): the provider's own endpoint (including when the vault
 * configuration names none), the address in VAULT_ADDR, and the addresses the person running the
 * product named (`--trust-address`, SECRETREFS_TRUSTED_ADDRESSES, the `trustedAddresses`
 * initialization option). Any other address from a file is not contacted. The local vault sends
 * nothing anywhere.
 */
export class AddressTrust {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
  }

  /** From VAULT_ADDR, SECRETREFS_TRUSTED_ADDRESSES and `extra`; entries that do not parse are reported through `reject`. */
  static from(env: NodeJS.ProcessEnv, extra: readonly string[], reject: (address: RejectedAddress, from: string) => void): AddressTrust {
    const fromEnv = parseTrustedAddresses(trustedAddressesFromEnv(env));
    for (const r of fromEnv.rejected) reject(r, trustedAddressesEnv);
    const fromExtra = parseTrustedAddresses(extra);
    for (const r of fromExtra.rejected) reject(r, 'trusted addresses');
    const vaultAddr = env.VAULT_ADDR ? parseTrustedAddresses([env.VAULT_ADDR]).origins : [];
    return new AddressTrust([...vaultAddr, ...fromEnv.origins, ...fromExtra.origins]);
  }

  allows(provider: Provider | undefined, target: VaultTarget): boolean {
    // A provider that sends nothing anywhere (the local vault) needs no trusted address.
    if (providerDescriptor(provider)?.sendsCredentials === false || target.source === 'none') return true;
    if (target.source === 'VAULT_ADDR' || target.source === 'provider') return true;
    return this.origins.has(target.origin) || isProviderEndpoint(provider, target.origin);
  }
}
