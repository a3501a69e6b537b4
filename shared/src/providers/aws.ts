/** `provider: aws`: AWS Secrets Manager. */
import { addressFromText, envText, isText, noSpaces, originOrUndefined } from './common';
import type { EnvironmentCredential, EnvironmentReader, ProviderDescriptor } from './descriptor';

/** An AWS region as it appears in a host name (the SDK's own check is a valid host label). */
const awsRegion = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** The regional endpoint the SDK builds, secretsmanager.<region>.<partition DNS suffix>, shown with the commercial suffix. */
const regionalEndpoint = (region: string) => `https://secretsmanager.${region}.amazonaws.com`;

export const aws: ProviderDescriptor<'aws'> = {
  id: 'aws',
  title: 'AWS Secrets Manager',
  fields: [
    { name: 'region', type: 'string', required: true, doc: 'AWS region of the secrets, e.g. eu-west-1.' },
    { name: 'profile', type: 'string', doc: 'Named profile from the shared AWS config files.' },
    { name: 'endpoint', type: 'url', doc: 'Custom service endpoint (LocalStack, a private endpoint).' },
  ],
  addressField: 'endpoint',
  credentialFields: ['secret_access_key'],
  tls: false,
  sendsCredentials: true,

  displayAddress: (vault, env) => vault.connection.endpoint ?? regionalEndpoint(vault.region ?? env.AWS_REGION ?? 'us-east-1'),
  target(vault, env) {
    if (vault.connection.endpoint !== undefined) return addressFromText(vault.connection.endpoint, 'file', 'The `endpoint` of the vault configuration');
    const region = vault.region ?? env.AWS_REGION ?? 'us-east-1';
    if (!awsRegion.test(region)) return { ok: false, reason: 'Its `region` is not an AWS region name.' };
    return { ok: true, origin: regionalEndpoint(region), url: undefined, source: 'provider' };
  },
  // The endpoint's origin, else the region's endpoint: one region of Secrets Manager is one store.
  identity(where) {
    if (where.endpoint !== undefined) return originOrUndefined(where.endpoint);
    return where.region !== undefined && awsRegion.test(where.region) ? regionalEndpoint(where.region) : undefined;
  },

  hasEngines: false,
  versionKind: 'id',
  stages: true,
  createWithCas: false,

  labels: {
    location: (vault) => (vault.region ? { value: vault.region, label: 'region' } : undefined),
    store: (vault) => ({ type: 'aws_secrets_manager', location: vault.region ?? '' }),
    noPermissionCheck: 'AWS Secrets Manager offers no cheap permission check (it would take iam:SimulatePrincipalPolicy).',
    writeTarget: (locator) => `aws: ${locator.path}`,
  },

  credentials: {
    stored: {
      'aws-keys': (v) => {
        if (!isText(v.accessKeyId) || !isText(v.secretAccessKey)) return undefined;
        return isText(v.sessionToken)
          ? { kind: 'aws-keys', accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey, sessionToken: v.sessionToken }
          : { kind: 'aws-keys', accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey };
      },
      'aws-profile': (v) => (isText(v.profile) ? { kind: 'aws-profile', profile: v.profile } : undefined),
    },
    requestParams: (vault) => (vault.connection.profile ? { profile: vault.connection.profile } : {}),
    environment,
    signIn: {
      placeHolder: 'AWS credentials',
      methods: [
        {
          id: 'keys',
          label: 'Access key',
          detail: 'An access key ID and secret access key, with an optional session token',
          steps: [
            { kind: 'text', answer: 'accessKeyId', prompt: 'AWS access key ID', what: 'the access key ID', placeHolder: 'AKIA…' },
            { kind: 'secret', answer: 'secretAccessKey', prompt: 'AWS secret access key', what: 'the secret access key' },
            { kind: 'optional-secret', answer: 'sessionToken', prompt: 'AWS session token (leave empty if you have none)' },
          ],
          credential: (a) =>
            a.sessionToken
              ? { kind: 'aws-keys', accessKeyId: a.accessKeyId!, secretAccessKey: a.secretAccessKey!, sessionToken: a.sessionToken }
              : { kind: 'aws-keys', accessKeyId: a.accessKeyId!, secretAccessKey: a.secretAccessKey! },
        },
        {
          id: 'profile',
          label: 'Profile',
          detail: 'A named profile of the shared AWS config and credentials files',
          steps: [{ kind: 'text', answer: 'profile', prompt: 'AWS profile name', what: 'a profile name', placeHolder: 'default' }],
          credential: (a) => ({ kind: 'aws-profile', profile: a.profile! }),
        },
      ],
    },
  },

  configure: {
    steps: [
      {
        kind: 'text',
        answer: 'region',
        prompt: 'AWS region of the secrets',
        placeHolder: 'eu-west-1',
        required: 'a region',
        check: (t) => (/^[a-z]{2}(-[a-z]+)+-\d+$/.test(t) ? undefined : 'Enter a region such as eu-west-1.'),
      },
      { kind: 'text', answer: 'profile', prompt: 'Named AWS profile (leave empty for the default chain)', placeHolder: 'default', check: noSpaces },
    ],
    write(answers, file) {
      file.field('region', typeof answers.region === 'string' ? answers.region : undefined);
      file.field('profile', typeof answers.profile === 'string' ? answers.profile : undefined);
    },
  },
};

/**
 * The AWS SDK's default chain, as far as it names a credential: an explicit profile (the vault
 * configuration's `profile`, else AWS_PROFILE) skips the environment keys, as the SDK's
 * defaultProvider does; otherwise the keys, otherwise the default profile of the shared files.
 * A profile is resolved by the SDK in the language server (shared files, SSO cache,
 * credential_process), with the file locations of this environment.
 */
async function environment(params: { profile?: string }, reader: EnvironmentReader): Promise<EnvironmentCredential | undefined> {
  const env = reader.env;
  const home = reader.home();
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? (home && reader.join(home, '.aws', 'credentials'));
  const configFile = env.AWS_CONFIG_FILE ?? (home && reader.join(home, '.aws', 'config'));
  const profile = envText(params.profile) ?? envText(env.AWS_PROFILE);
  if (profile) {
    // A profile named in a vault configuration (a file of the repository) is a source only when the
    // user's own shared files define it: otherwise there is nothing to send, and nothing to ask.
    if (!(await definesProfile(reader, credentialsFile, configFile, profile))) return undefined;
    return { credential: { kind: 'aws-profile', profile }, id: `aws-profile:${profile}`, label: `the AWS profile "${profile}" of your shared AWS files` };
  }
  const accessKeyId = envText(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = envText(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId && secretAccessKey) {
    const sessionToken = envText(env.AWS_SESSION_TOKEN);
    return {
      credential: { kind: 'aws-keys', accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      id: 'env:AWS_ACCESS_KEY_ID',
      label: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment',
    };
  }
  if (await definesProfile(reader, credentialsFile, configFile, 'default')) {
    return { credential: { kind: 'aws-profile', profile: 'default' }, id: 'aws-profile:default', label: 'the default AWS profile of your shared AWS files' };
  }
  return undefined;
}

/**
 * Whether the shared files define `profile`: a `[name]` section in the credentials file, or a
 * `[profile name]` section (`[default]` for the default one) in the config file, as the SDK's
 * shared-ini-file-loader reads them (`getProfileName`, `loadSharedConfigFiles`).
 */
async function definesProfile(reader: EnvironmentReader, credentialsFile: string | undefined, configFile: string | undefined, profile: string): Promise<boolean> {
  const escaped = profile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const inCredentials = new RegExp(`^[ \\t]*\\[[ \\t]*${escaped}[ \\t]*\\]`, 'm');
  const inConfig = new RegExp(`^[ \\t]*\\[[ \\t]*${profile === 'default' ? '(?:profile[ \\t]+)?' : 'profile[ \\t]+'}${escaped}[ \\t]*\\]`, 'm');
  const credentials = credentialsFile ? await reader.readFile(credentialsFile) : undefined;
  if (credentials !== undefined && inCredentials.test(credentials)) return true;
  const config = configFile ? await reader.readFile(configFile) : undefined;
  return config !== undefined && inConfig.test(config);
}
