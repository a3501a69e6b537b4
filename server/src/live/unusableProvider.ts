import { ProviderError } from '../providers/secretProvider';
import type { ProviderEntry } from './providerRegistry';

/**
 * A provider for a vault that cannot be contacted as configured (e.g. its CA certificate file is
 * refused): every lookup fails with the same `unreachable` error, so each reference to the vault
 * gets a `vault-unreachable` diagnostic that says why, the way an unreachable server does.
 * Nothing is ever sent anywhere.
 */
export function unusableProvider(cause: string, vaultUri: string): ProviderEntry['provider'] {
  const fail = (): Promise<never> => Promise.reject(new ProviderError('unreachable', cause, { cause }));
  return {
    listEngines: fail,
    engineVersion: fail,
    list: fail,
    metadata: fail,
    keys: fail,
    readValue: fail,
    write: fail,
    capabilities: fail,
    mountInfo: fail,
    tokenInfo: fail,
    dispose: () => undefined,
    // Another vault at the same address may well be usable: its facts are not these.
    cacheKey: `unusable|${vaultUri}`,
  };
}
