/**
 * Plain functions behind `secretrefs local put|get|list`. Each opens the vault, does one thing and
 * closes it. The key comes from `options.key`, else from `SECRETREFS_LOCAL_KEY` in `options.env`.
 */
import { ProviderError, type WriteResult } from '../secretProvider';
import { resolveLocalKey, type LocalVaultKey, type ScryptCost } from './localVaultCrypto';
import { LocalVaultProvider, type LocalSecretVersion } from './localVaultProvider';

export interface LocalCommandOptions {
  /** The key; default `SECRETREFS_LOCAL_KEY` from `env`. */
  key?: LocalVaultKey;
  /** Directory of vault files; default `$SECRETREFS_LOCAL_DIR` or `~/.secretrefs/local`. */
  dir?: string;
  /** Environment for the key and the default directory (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** scrypt cost for a new passphrase-protected file (tests). */
  scryptCost?: ScryptCost;
}

function openVault(vaultName: string, options: LocalCommandOptions): LocalVaultProvider {
  const env = options.env ?? process.env;
  const key = options.key ?? resolveLocalKey(env);
  if (key === undefined || key === '') {
    throw new ProviderError('unauthenticated', `No key for the local vault "${vaultName}": set SECRETREFS_LOCAL_KEY to its passphrase or 32-byte key (base64 or hex).`);
  }
  return new LocalVaultProvider({
    name: vaultName,
    key,
    env,
    ...(options.dir !== undefined ? { dir: options.dir } : {}),
    ...(options.scryptCost ? { scryptCost: options.scryptCost } : {}),
  });
}

async function withVault<T>(vaultName: string, options: LocalCommandOptions, run: (vault: LocalVaultProvider) => Promise<T>): Promise<T> {
  const vault = openVault(vaultName, options);
  try {
    return await run(vault);
  } finally {
    vault.dispose();
  }
}

/** `secretrefs local put VAULT NAME key=value...`: writes a new version (`cas` as in KV v2). */
export function localPut(
  vaultName: string,
  secretName: string,
  data: Record<string, string>,
  options: LocalCommandOptions & { cas?: number } = {},
): Promise<WriteResult & { version: number; filePath: string }> {
  return withVault(vaultName, options, async (vault) => {
    const { version } = await vault.write({ path: secretName }, data, options.cas);
    return { version: version as number, filePath: vault.filePath };
  });
}

/** `secretrefs local get VAULT NAME [--version N]`: one version with its data. */
export function localGet(
  vaultName: string,
  secretName: string,
  options: LocalCommandOptions & { version?: number } = {},
): Promise<LocalSecretVersion> {
  return withVault(vaultName, options, (vault) =>
    vault.readVersion({ path: secretName, ...(options.version !== undefined ? { version: options.version } : {}) }),
  );
}

/** `secretrefs local list VAULT [FOLDER]`: names directly under the folder (sub-folders end with `/`). */
export function localList(vaultName: string, folder = '', options: LocalCommandOptions = {}): Promise<string[]> {
  return withVault(vaultName, options, (vault) => vault.list(undefined, folder));
}
