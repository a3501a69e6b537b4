import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TlsSettings } from '../../../shared/src/addresses';
import type { Credential } from '../../../shared/src/customMessages';
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
 * The usual environment of each provider, as their own CLIs read it: `VAULT_TOKEN`, then
 * `~/.vault-token`; `VAULT_ROLE_ID` and `VAULT_SECRET_ID` for AppRole; `SECRETREFS_LOCAL_KEY`; the
 * cloud SDKs' own discovery. Used only where no VS Code client holds the credentials (the CLI,
 * other editors), and then only for trusted addresses (see AddressTrust and ProviderRegistry).
 */
export function environmentCredentials(
  env: NodeJS.ProcessEnv = process.env,
  home: () => string | undefined = () => env.HOME ?? (env === process.env ? homedir() : undefined),
): CredentialSource {
  return {
    async get(vault) {
      if (vault.provider === 'local') {
        const key = env.SECRETREFS_LOCAL_KEY;
        return key ? { kind: 'local-key', key } : undefined;
      }
      if (vault.provider === 'aws' || vault.provider === 'azure' || vault.provider === 'gcp') {
        return (await cloudDefaultsConfigured(vault, env, home())) ? { kind: 'provider-default' } : undefined;
      }
      if (vault.provider !== 'hashicorp') return undefined;
      if (vault.connection.auth === 'approle') {
        const roleId = env.VAULT_ROLE_ID;
        const secretId = env.VAULT_SECRET_ID;
        return roleId && secretId ? { kind: 'approle', roleId, secretId } : undefined;
      }
      if (env.VAULT_TOKEN) return { kind: 'token', token: env.VAULT_TOKEN };
      const dir = home();
      if (!dir) return undefined;
      try {
        const token = (await readFile(join(dir, '.vault-token'), 'utf8')).trim();
        return token ? { kind: 'token', token } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the SDK's own credential discovery has something to find: environment variables or the
 * shared files, not merely a `profile` named in the vault configuration. Without this check an
 * SDK would probe further (a cloud metadata server), which a developer machine does not have and
 * which must never be contacted from tests.
 */
async function cloudDefaultsConfigured(vault: VaultFact, env: NodeJS.ProcessEnv, home: string | undefined): Promise<boolean> {
  switch (vault.provider) {
    case 'aws':
      return Boolean(
        (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) ||
          env.AWS_PROFILE ||
          env.AWS_WEB_IDENTITY_TOKEN_FILE ||
          (home && ((await exists(join(home, '.aws', 'credentials'))) || (await exists(join(home, '.aws', 'config'))))),
      );
    case 'azure':
      return Boolean(env.AZURE_TENANT_ID && env.AZURE_CLIENT_ID && (env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH));
    case 'gcp':
      return Boolean(env.GOOGLE_APPLICATION_CREDENTIALS || (home && (await exists(join(home, '.config', 'gcloud', 'application_default_credentials.json')))));
    default:
      return false;
  }
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
