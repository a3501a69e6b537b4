/** `provider: hashicorp`, server part: the environment's token for the CLI, and the provider itself. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderRuntime } from '../providerRuntime';

export const hashicorpRuntime: ProviderRuntime = {
  /** As the vault CLI reads them: VAULT_TOKEN, then ~/.vault-token; VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole. */
  async environmentCredential(vault, env, home) {
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

  async create({ vault, url, caCertificate, credential, timeoutMs, env, warn }) {
    if ((credential.kind !== 'token' && credential.kind !== 'approle') || url === undefined) return undefined;
    const { HashicorpProvider } = await import('./index');
    if (vault.connection.tlsSkipVerify) {
      warn(`Vault "${vault.name}" skips TLS certificate verification (tls_skip_verify: true): its identity is not checked.`);
    }
    const provider = new HashicorpProvider({
      vaultName: vault.name,
      address: url,
      namespace: vault.namespace ?? env.VAULT_NAMESPACE,
      caCertificate,
      tlsSkipVerify: vault.connection.tlsSkipVerify === true,
      timeoutMs,
      credential:
        credential.kind === 'approle'
          ? { kind: 'approle', roleId: credential.roleId, secretId: credential.secretId, mount: vault.connection.authMount }
          : { kind: 'token', token: credential.token },
      onTokenEvent: (event: { kind: string; reason?: string }) => {
        if (event.kind === 'cannot-renew') warn(`The token of vault "${vault.name}" can no longer be renewed: ${event.reason}`);
      },
    });
    if (vault.connection.autoRenew) provider.startAutoRenew();
    return provider;
  },
};
