/** `provider: aws`, server part: its own endpoints, the SDK's default chain for the CLI, and the provider itself. */
import { join } from 'node:path';
import { fileExists } from '../environmentFiles';
import type { ProviderRuntime } from '../providerRuntime';

/**
 * DNS suffixes of the AWS partitions (dnsSuffix and dualStackDnsSuffix of @aws-sdk/core
 * util-endpoints lib/aws/partitions.js: aws, aws-cn, aws-us-gov, aws-iso*, aws-eusc). The Secrets
 * Manager endpoint ruleset of @aws-sdk/client-secrets-manager builds
 * `secretsmanager[-fips].<region>.<suffix>` from them (GovCloud is `us-gov-*` under amazonaws.com).
 */
const awsSuffixes = [
  'amazonaws.com',
  'amazonaws.com.cn',
  'amazonaws.eu',
  'c2s.ic.gov',
  'sc2s.sgov.gov',
  'cloud.adc-e.uk',
  'csp.hci.ic.gov',
  'api.aws',
  'api.amazonwebservices.com.cn',
  'api.amazonwebservices.eu',
  'api.aws.ic.gov',
  'api.aws.hci.ic.gov',
  'api.aws.scloud',
  'api.cloud-aws.adc-e.uk',
];

const label = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const escape = (s: string) => s.replace(/\./g, '\\.');
const awsHost = new RegExp(`^secretsmanager(?:-fips)?\\.${label}\\.(?:${awsSuffixes.map(escape).join('|')})$`);

export const awsRuntime: ProviderRuntime = {
  ownEndpoint: (host) => awsHost.test(host),

  /**
   * The SDK's default chain, used only when it has something to find: keys or a profile in the
   * environment, a web identity token, or the shared files; never a cloud metadata server.
   */
  async environmentCredential(_vault, env, home) {
    const dir = home();
    const configured = Boolean(
      (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) ||
        env.AWS_PROFILE ||
        env.AWS_WEB_IDENTITY_TOKEN_FILE ||
        (dir && ((await fileExists(join(dir, '.aws', 'credentials'))) || (await fileExists(join(dir, '.aws', 'config'))))),
    );
    return configured ? { kind: 'provider-default' } : undefined;
  },

  async create({ vault, url, credential, timeoutMs, env }) {
    if (credential.kind !== 'aws-keys' && credential.kind !== 'aws-profile' && credential.kind !== 'provider-default') return undefined;
    const { AwsProvider } = await import('./index');
    const profile = credential.kind === 'aws-profile' ? credential.profile : vault.connection.profile;
    return new AwsProvider({
      vaultName: vault.name,
      region: vault.region ?? env.AWS_REGION ?? '',
      ...(profile ? { profile } : {}),
      ...(url !== undefined ? { endpoint: url } : {}),
      timeoutMs,
      ...(credential.kind === 'aws-keys'
        ? { credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey, ...(credential.sessionToken ? { sessionToken: credential.sessionToken } : {}) } }
        : {}),
    });
  },
};
