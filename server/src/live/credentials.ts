import { homedir } from 'node:os';
import type { TlsSettings } from '../../../shared/src/addresses';
import type { Credential } from '../../../shared/src/customMessages';
import { providerRuntime } from '../providers/runtimes';
import type { VaultFact } from '../service/facts/facts';

/** Where a credential would be sent: the parsed origin ('' for the local vault) and the TLS settings. */
export interface CredentialTarget {
  address: string;
  tls?: TlsSettings;
}

/** Where a credential for a vault configuration comes from. Never logs or returns it elsewhere. */
export interface CredentialSource {
  /** A source may refuse an address its owner has not approved. */
  get(vault: VaultFact, target: CredentialTarget): Promise<Credential | undefined>;
}

/**
 * The usual environment of each provider, as their own CLIs read it (each provider's server part
 * says how): `VAULT_TOKEN`, then `~/.vault-token`; `VAULT_ROLE_ID` and `VAULT_SECRET_ID` for
 * AppRole; `SECRETREFS_LOCAL_KEY`; the cloud SDKs' own discovery, only when it has something to
 * find (never a cloud metadata server, which a developer machine does not have and tests must
 * never contact). Used only where no VS Code client holds the credentials (the CLI, other
 * editors), and then only for trusted addresses (see AddressTrust and ProviderRegistry).
 */
export function environmentCredentials(
  env: NodeJS.ProcessEnv = process.env,
  home: () => string | undefined = () => env.HOME ?? (env === process.env ? homedir() : undefined),
): CredentialSource {
  return {
    async get(vault) {
      return providerRuntime(vault.provider)?.environmentCredential(vault, env, home);
    },
  };
}

/** The first source that has a credential wins. */
export function firstCredential(...sources: CredentialSource[]): CredentialSource {
  return {
    async get(vault, target) {
      for (const source of sources) {
        const credential = await source.get(vault, target);
        if (credential) return credential;
      }
      return undefined;
    },
  };
}
