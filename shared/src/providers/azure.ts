/** `provider: azure`: Azure Key Vault. */
import { parseAddress } from '../addresses';
import { addressFromText, envText, httpUrlProblem, isText } from './common';
import type { ProviderDescriptor } from './descriptor';

/** Scope of the Azure Key Vault data plane, asked from VS Code's Microsoft authentication provider. */
export const azureKeyVaultScope = 'https://vault.azure.net/user_impersonation';

export const azure: ProviderDescriptor<'azure'> = {
  id: 'azure',
  title: 'Azure Key Vault',
  fields: [{ name: 'vault_url', type: 'url', required: true, doc: 'The Key Vault URL, e.g. https://my-vault.vault.azure.net.' }],
  addressField: 'vault_url',
  credentialFields: ['client_secret'],
  tls: false,
  sendsCredentials: true,

  displayAddress: (vault) => vault.address ?? '',
  target(vault) {
    if (vault.address !== undefined) return addressFromText(vault.address, 'file', 'The `vault_url` of the vault configuration');
    return { ok: false, reason: 'It has no `vault_url`.' };
  },
  // The vault URL's host: a key vault is one host (https on 443).
  identity(where) {
    if (where.address === undefined) return undefined;
    const parsed = parseAddress(where.address);
    return parsed.ok ? parsed.host : undefined;
  },

  hasEngines: false,
  versionKind: 'id',
  stages: false,
  createWithCas: false,

  labels: {
    location: (vault) => (vault.address ? { value: vault.address } : undefined),
    store: (vault) => ({ type: 'azure_key_vault', location: vault.address ?? '' }),
    noPermissionCheck: 'Azure Key Vault offers no permission check.',
    writeTarget: (locator) => `azure: ${locator.path}`,
  },

  credentials: {
    stored: {
      'azure-token': (v) => (isText(v.token) ? { kind: 'azure-token', token: v.token } : undefined),
      'azure-client-secret': (v) =>
        isText(v.tenantId) && isText(v.clientId) && isText(v.clientSecret)
          ? { kind: 'azure-client-secret', tenantId: v.tenantId, clientId: v.clientId, clientSecret: v.clientSecret }
          : undefined,
      'azure-microsoft': (v) => (isText(v.account) ? { kind: 'azure-microsoft', account: v.account } : { kind: 'azure-microsoft' }),
    },
    /** EnvironmentCredential of @azure/identity, client-secret form. */
    async environment(_params, reader) {
      const env = reader.env;
      const tenantId = envText(env.AZURE_TENANT_ID);
      const clientId = envText(env.AZURE_CLIENT_ID);
      const clientSecret = envText(env.AZURE_CLIENT_SECRET);
      if (!tenantId || !clientId || !clientSecret) return undefined;
      const authorityHost = envText(env.AZURE_AUTHORITY_HOST);
      return {
        credential: { kind: 'azure-client-secret', tenantId, clientId, clientSecret, ...(authorityHost ? { authorityHost } : {}) },
        id: 'env:AZURE_CLIENT_SECRET',
        label: 'the service principal of AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET from the environment',
      };
    },
    signIn: {
      placeHolder: 'Azure credentials',
      methods: [
        {
          id: 'microsoft',
          label: 'Microsoft account (built-in sign-in)',
          detail: "VS Code's Microsoft sign-in; the token is fetched afresh for every request",
          steps: [{ kind: 'microsoft-account', answer: 'account', scope: azureKeyVaultScope }],
          credential: (a) => ({ kind: 'azure-microsoft', account: a.account! }),
        },
        {
          id: 'sp',
          label: 'Service principal',
          detail: 'A tenant ID, client ID and client secret',
          steps: [
            { kind: 'text', answer: 'tenantId', prompt: 'Directory (tenant) ID', what: 'the tenant ID' },
            { kind: 'text', answer: 'clientId', prompt: 'Application (client) ID', what: 'the client ID' },
            { kind: 'secret', answer: 'clientSecret', prompt: 'Client secret', what: 'the client secret' },
          ],
          credential: (a) => ({ kind: 'azure-client-secret', tenantId: a.tenantId!, clientId: a.clientId!, clientSecret: a.clientSecret! }),
        },
      ],
    },
  },

  configure: {
    steps: [
      {
        kind: 'text',
        answer: 'vaultUrl',
        prompt: 'Key Vault URL',
        placeHolder: 'https://my-vault.vault.azure.net',
        required: 'the Key Vault URL',
        check: (t) => httpUrlProblem(t, true),
      },
    ],
    write(answers, file) {
      file.field('vault_url', typeof answers.vaultUrl === 'string' ? answers.vaultUrl : undefined);
    },
  },
};
