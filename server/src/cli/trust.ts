import { parseTrustedAddresses, trustedAddressesEnv, trustedAddressesFromEnv } from '../live/addressTrust';

/**
 * SECRETREFS_TRUSTED_ADDRESSES checked before a live run: an entry that is not an http(s) address
 * is a mistake to fix (exit status 2), never a silent gap in what is trusted.
 */
export function trustedAddressesEnvProblem(env: NodeJS.ProcessEnv): string | undefined {
  const { rejected } = parseTrustedAddresses(trustedAddressesFromEnv(env));
  const first = rejected[0];
  return first ? `${trustedAddressesEnv}: "${first.text.slice(0, 200)}" is not used: ${first.problem}` : undefined;
}
