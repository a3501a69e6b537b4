/** `provider: local`, server part: the key from the environment, and the local vault itself. */
import type { ProviderRuntime } from '../providerRuntime';

export const localRuntime: ProviderRuntime = {
  async environmentCredential(_vault, env) {
    const key = env.SECRETREFS_LOCAL_KEY;
    return key ? { kind: 'local-key', key } : undefined;
  },

  async create({ vault, credential, env }) {
    if (credential.kind !== 'local-key') return undefined;
    const { LocalVaultProvider } = await import('./index');
    return new LocalVaultProvider({ name: vault.name, key: credential.key, env });
  },
};
