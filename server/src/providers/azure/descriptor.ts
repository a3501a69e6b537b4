/** `provider: azure`, server part: its own endpoints, the environment's service principal for the CLI, and the provider itself. */
import type { ProviderRuntime } from '../providerRuntime';

/**
 * Key Vault DNS suffixes of the Azure clouds (AzureKeyVaultDnsSuffix of Azure PowerShell's
 * Get-AzEnvironment: AzureCloud, AzureChinaCloud, AzureUSGovernment, AzureGermanCloud).
 */
const azureSuffixes = ['vault.azure.net', 'vault.azure.cn', 'vault.usgovcloudapi.net', 'vault.microsoftazure.de'];

const label = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const escape = (s: string) => s.replace(/\./g, '\\.');
const azureHost = new RegExp(`^${label}\\.(?:${azureSuffixes.map(escape).join('|')})$`);

export const azureRuntime: ProviderRuntime = {
  ownEndpoint: (host) => azureHost.test(host),

  /** @azure/identity's EnvironmentCredential, when its variables are set (never a managed identity endpoint). */
  async environmentCredential(_vault, env) {
    const configured = Boolean(env.AZURE_TENANT_ID && env.AZURE_CLIENT_ID && (env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH));
    return configured ? { kind: 'provider-default' } : undefined;
  },

  async create({ vault, url, credential, timeoutMs, testing }) {
    const azure =
      credential.kind === 'azure-token'
        ? { kind: 'access-token' as const, token: credential.token, ...(credential.expiresOnTimestamp ? { expiresOnTimestamp: credential.expiresOnTimestamp } : {}) }
        : credential.kind === 'azure-client-secret'
          ? {
              kind: 'client-secret' as const,
              tenantId: credential.tenantId,
              clientId: credential.clientId,
              clientSecret: credential.clientSecret,
              ...(credential.authorityHost ? { authorityHost: credential.authorityHost } : {}),
            }
          : credential.kind === 'provider-default'
            ? { kind: 'environment' as const }
            : undefined;
    if (!azure || url === undefined) return undefined;
    const { AzureProvider } = await import('./index');
    return new AzureProvider({ vaultName: vault.name, vaultUrl: url, timeoutMs, credential: azure, ...(testing ? { testing } : {}) });
  },
};
