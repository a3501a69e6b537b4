/**
 * Credentials in the extension host's environment, read as each provider's own tools read them.
 * In VS Code they are one more source the user approves per address (the same prompt, naming the
 * source): the language server never reads them itself, it gets them sealed like a stored one.
 */
import * as path from 'node:path';
import type { Credential, CredentialParams } from '../../shared/src/customMessages';

/** A credential found in the environment, and what the prompt calls its source. */
export interface EnvironmentCredential {
  credential: Credential;
  /** Stable id of the source, part of what the user approves: another source asks again. */
  id: string;
  /** For the prompt: "VAULT_TOKEN from the environment". */
  label: string;
}

/** Where the environment is read from (process.env and the file system; fakes in tests). */
export interface EnvironmentAccess {
  env: NodeJS.ProcessEnv;
  /** The user's home folder, if known. */
  home(): string | undefined;
  /** A small file's text (credential files are a few KiB); undefined when it is missing, unreadable or too large. */
  readFile(file: string): Promise<string | undefined>;
}

function text(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

async function hashicorp(params: CredentialParams, access: EnvironmentAccess): Promise<EnvironmentCredential | undefined> {
  const env = access.env;
  if (params.auth === 'approle') {
    const roleId = text(env.VAULT_ROLE_ID);
    const secretId = text(env.VAULT_SECRET_ID);
    return roleId && secretId
      ? { credential: { kind: 'approle', roleId, secretId }, id: 'env:VAULT_ROLE_ID+VAULT_SECRET_ID', label: 'VAULT_ROLE_ID and VAULT_SECRET_ID from the environment' }
      : undefined;
  }
  const token = text(env.VAULT_TOKEN);
  if (token) return { credential: { kind: 'token', token }, id: 'env:VAULT_TOKEN', label: 'VAULT_TOKEN from the environment' };
  const home = access.home();
  if (!home) return undefined;
  const fromFile = text(await access.readFile(path.join(home, '.vault-token')));
  return fromFile ? { credential: { kind: 'token', token: fromFile }, id: 'file:~/.vault-token', label: 'the token in ~/.vault-token' } : undefined;
}

/**
 * The AWS SDK's default chain, as far as it names a credential: an explicit profile (the vault
 * configuration's `profile`, else AWS_PROFILE) skips the environment keys, as the SDK's
 * defaultProvider does; otherwise the keys, otherwise the default profile of the shared files.
 * A profile is resolved by the SDK in the language server (shared files, SSO cache,
 * credential_process), with the file locations of this environment.
 */
async function aws(params: CredentialParams, access: EnvironmentAccess): Promise<EnvironmentCredential | undefined> {
  const env = access.env;
  const home = access.home();
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? (home && path.join(home, '.aws', 'credentials'));
  const configFile = env.AWS_CONFIG_FILE ?? (home && path.join(home, '.aws', 'config'));
  const profile = text(params.profile) ?? text(env.AWS_PROFILE);
  if (profile) {
    // A profile named in a vault configuration (a file of the repository) is a source only when the
    // user's own shared files define it: otherwise there is nothing to send, and nothing to ask.
    if (!(await definesProfile(access, credentialsFile, configFile, profile))) return undefined;
    return { credential: { kind: 'aws-profile', profile }, id: `aws-profile:${profile}`, label: `the AWS profile "${profile}" of your shared AWS files` };
  }
  const accessKeyId = text(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = text(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId && secretAccessKey) {
    const sessionToken = text(env.AWS_SESSION_TOKEN);
    return {
      credential: { kind: 'aws-keys', accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      id: 'env:AWS_ACCESS_KEY_ID',
      label: 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment',
    };
  }
  if (await definesProfile(access, credentialsFile, configFile, 'default')) {
    return { credential: { kind: 'aws-profile', profile: 'default' }, id: 'aws-profile:default', label: 'the default AWS profile of your shared AWS files' };
  }
  return undefined;
}

/**
 * Whether the shared files define `profile`: a `[name]` section in the credentials file, or a
 * `[profile name]` section (`[default]` for the default one) in the config file, as the SDK's
 * shared-ini-file-loader reads them (`getProfileName`, `loadSharedConfigFiles`).
 */
async function definesProfile(access: EnvironmentAccess, credentialsFile: string | undefined, configFile: string | undefined, profile: string): Promise<boolean> {
  const escaped = profile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const inCredentials = new RegExp(`^[ \\t]*\\[[ \\t]*${escaped}[ \\t]*\\]`, 'm');
  const inConfig = new RegExp(`^[ \\t]*\\[[ \\t]*${profile === 'default' ? '(?:profile[ \\t]+)?' : 'profile[ \\t]+'}${escaped}[ \\t]*\\]`, 'm');
  const credentials = credentialsFile ? await access.readFile(credentialsFile) : undefined;
  if (credentials !== undefined && inCredentials.test(credentials)) return true;
  const config = configFile ? await access.readFile(configFile) : undefined;
  return config !== undefined && inConfig.test(config);
}

/** EnvironmentCredential of @azure/identity, client-secret form. */
function azure(access: EnvironmentAccess): EnvironmentCredential | undefined {
  const env = access.env;
  const tenantId = text(env.AZURE_TENANT_ID);
  const clientId = text(env.AZURE_CLIENT_ID);
  const clientSecret = text(env.AZURE_CLIENT_SECRET);
  if (!tenantId || !clientId || !clientSecret) return undefined;
  const authorityHost = text(env.AZURE_AUTHORITY_HOST);
  return {
    credential: { kind: 'azure-client-secret', tenantId, clientId, clientSecret, ...(authorityHost ? { authorityHost } : {}) },
    id: 'env:AZURE_CLIENT_SECRET',
    label: 'the service principal of AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET from the environment',
  };
}

/**
 * Application Default Credentials, where google-auth-library looks: GOOGLE_APPLICATION_CREDENTIALS,
 * else gcloud's application_default_credentials.json (CLOUDSDK_CONFIG, %APPDATA%\gcloud on
 * Windows, ~/.config/gcloud elsewhere). The file's JSON is sent, not its path.
 */
async function gcp(access: EnvironmentAccess): Promise<EnvironmentCredential | undefined> {
  const env = access.env;
  const named = text(env.GOOGLE_APPLICATION_CREDENTIALS);
  const home = access.home();
  const gcloud = text(env.CLOUDSDK_CONFIG) ?? (process.platform === 'win32' && env.APPDATA ? path.join(env.APPDATA, 'gcloud') : home && path.join(home, '.config', 'gcloud'));
  const file = named ?? (gcloud ? path.join(gcloud, 'application_default_credentials.json') : undefined);
  if (!file) return undefined;
  const json = await access.readFile(file);
  if (json === undefined) return undefined;
  try {
    const parsed = JSON.parse(json) as unknown;
    if (parsed === null || typeof parsed !== 'object' || typeof (parsed as { type?: unknown }).type !== 'string') return undefined;
  } catch {
    return undefined;
  }
  return {
    credential: { kind: 'gcp-service-account', json },
    id: `adc:${file}`,
    label: `the Application Default Credentials in ${file}${named ? ' (GOOGLE_APPLICATION_CREDENTIALS)' : ''}`,
  };
}

/** The credential the environment holds for a vault, if any. Never throws. */
export async function environmentCredential(params: CredentialParams, access: EnvironmentAccess): Promise<EnvironmentCredential | undefined> {
  try {
    switch (params.provider) {
      case 'local': {
        const key = text(access.env.SECRETREFS_LOCAL_KEY);
        return key ? { credential: { kind: 'local-key', key }, id: 'env:SECRETREFS_LOCAL_KEY', label: 'SECRETREFS_LOCAL_KEY from the environment' } : undefined;
      }
      case 'hashicorp':
        return await hashicorp(params, access);
      case 'aws':
        return await aws(params, access);
      case 'azure':
        return azure(access);
      case 'gcp':
        return await gcp(access);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
