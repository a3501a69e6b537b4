/** `provider: hashicorp`: HashiCorp Vault (and OpenBao), KV v1 and v2 engines. */
import { addressFromText, envText, httpUrlProblem, isText, noSpaces, originOrUndefined } from './common';
import type { EnvironmentCredential, ProviderDescriptor } from './descriptor';

export const hashicorp: ProviderDescriptor<'hashicorp'> = {
  id: 'hashicorp',
  title: 'HashiCorp Vault',
  fields: [
    { name: 'url', type: 'url', doc: 'Address of the Vault server, e.g. https://vault.example.com:8200. VAULT_ADDR is used when absent.' },
    { name: 'namespace', type: 'string', doc: 'Vault Enterprise namespace (sent as X-Vault-Namespace).' },
    { name: 'ca_certificate', type: 'string', doc: 'PEM file of the CA that signed the Vault certificate, relative to this file.' },
    { name: 'auth', type: 'enum', values: ['token', 'approle'], doc: 'How to authenticate: token or approle. Default token.' },
    { name: 'auth_mount', type: 'string', doc: 'Mount path of the AppRole auth method. Default approle.' },
    { name: 'auto_renew', type: 'boolean', doc: 'Renew the token before it expires, until its max TTL.' },
    { name: 'tls_skip_verify', type: 'boolean', doc: 'Skip TLS certificate verification (unsafe; reported as a warning when used).' },
    { name: 'engines', type: 'engines', doc: 'Engine (mount) paths and their type and KV version, declared so that paths can be checked offline.' },
  ],
  addressField: 'url',
  credentialFields: ['token', 'secret_id'],
  tls: true,
  sendsCredentials: true,

  displayAddress: (vault, env) => vault.address ?? env.VAULT_ADDR ?? '',
  target(vault, env) {
    if (vault.address !== undefined) return addressFromText(vault.address, 'file', 'The `url` of the vault configuration');
    if (env.VAULT_ADDR) return addressFromText(env.VAULT_ADDR, 'VAULT_ADDR', 'VAULT_ADDR');
    return { ok: false, reason: 'It has no address: no `url` in the vault configuration and no VAULT_ADDR in the environment.' };
  },
  // The normalised origin: `https://Vault.example.com:443/` and `https://vault.example.com` are one server.
  identity: (where) => originOrUndefined(where.address),
  missingAddress: 'No `url` in the vault configuration and no VAULT_ADDR in the environment.',

  hasEngines: true,
  versionKind: 'number',
  stages: false,
  createWithCas: true,

  labels: {
    location: (vault) => (vault.address ? { value: vault.address } : undefined),
    writeTarget: (locator, kvVersion) => `/v1/${locator.engine}/${kvVersion === 2 ? 'data/' : ''}${locator.path}`,
  },

  credentials: {
    stored: {
      token: (v) => (isText(v.token) ? { kind: 'token', token: v.token } : undefined),
      approle: (v) => (isText(v.roleId) && isText(v.secretId) ? { kind: 'approle', roleId: v.roleId, secretId: v.secretId } : undefined),
    },
    requestParams: (vault) => ({ auth: vault.connection.auth ?? 'token' }),
    /** VAULT_TOKEN, else ~/.vault-token, as the vault CLI reads them; AppRole from VAULT_ROLE_ID and VAULT_SECRET_ID. */
    async environment(params, reader): Promise<EnvironmentCredential | undefined> {
      const env = reader.env;
      if (params.auth === 'approle') {
        const roleId = envText(env.VAULT_ROLE_ID);
        const secretId = envText(env.VAULT_SECRET_ID);
        return roleId && secretId
          ? { credential: { kind: 'approle', roleId, secretId }, id: 'env:VAULT_ROLE_ID+VAULT_SECRET_ID', label: 'VAULT_ROLE_ID and VAULT_SECRET_ID from the environment' }
          : undefined;
      }
      const token = envText(env.VAULT_TOKEN);
      if (token) return { credential: { kind: 'token', token }, id: 'env:VAULT_TOKEN', label: 'VAULT_TOKEN from the environment' };
      const home = reader.home();
      if (!home) return undefined;
      const fromFile = envText(await reader.readFile(reader.join(home, '.vault-token')));
      return fromFile ? { credential: { kind: 'token', token: fromFile }, id: 'file:~/.vault-token', label: 'the token in ~/.vault-token' } : undefined;
    },
    signIn: {
      placeHolder: 'How does this vault configuration authenticate (its `auth` field)?',
      methods: [
        {
          id: 'token',
          label: 'Token',
          detail: 'A Vault token (auth: token, the default)',
          steps: [{ kind: 'secret', answer: 'token', prompt: 'Vault token', what: 'the token' }],
          credential: (a) => ({ kind: 'token', token: a.token! }),
        },
        {
          id: 'approle',
          label: 'AppRole',
          detail: 'A role ID and a secret ID (auth: approle)',
          steps: [
            { kind: 'text', answer: 'roleId', prompt: 'AppRole role ID', what: 'the role ID' },
            { kind: 'secret', answer: 'secretId', prompt: 'AppRole secret ID', what: 'the secret ID' },
          ],
          credential: (a) => ({ kind: 'approle', roleId: a.roleId!, secretId: a.secretId! }),
        },
      ],
    },
  },

  configure: {
    steps: [
      { kind: 'text', answer: 'url', prompt: 'Vault address (leave empty to use VAULT_ADDR)', placeHolder: 'https://vault.example.com:8200', check: (t) => httpUrlProblem(t, false) },
      {
        kind: 'pick',
        answer: 'auth',
        placeHolder: 'How to authenticate',
        choices: [
          { id: 'token', label: 'token', detail: 'Sign in with a Vault token (the default)' },
          { id: 'approle', label: 'approle', detail: 'Sign in with an AppRole role ID and secret ID' },
        ],
      },
      { kind: 'text', answer: 'namespace', prompt: 'Vault Enterprise namespace (leave empty for none)', placeHolder: 'team-a', check: noSpaces },
      { kind: 'engines', answer: 'engines' },
    ],
    write(answers, file) {
      file.field('url', text(answers.url));
      file.field('namespace', text(answers.namespace));
      file.line(`auth: ${text(answers.auth) ?? 'token'}`);
      const engines = Array.isArray(answers.engines) ? answers.engines : [];
      if (engines.length > 0) {
        file.line('engines:');
        for (const engine of engines) file.line(`  ${file.scalar(engine.path)}: { type: kv, version: ${engine.version} }`);
      }
    },
  },
};

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
