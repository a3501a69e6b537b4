/** `provider: gcp`: Google Cloud Secret Manager. */
import { addressFromText, envText, isText, noSpaces } from './common';
import type { EnvironmentCredential, EnvironmentReader, ProviderDescriptor } from './descriptor';

/** The public endpoint of Secret Manager (the SDK's default `apiEndpoint`). */
const publicEndpoint = 'https://secretmanager.googleapis.com';

/** Why a file is not a service-account key, or undefined when it is one. Never quotes the file. */
export function serviceAccountKeyProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'it is not valid JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'it is not a JSON object';
  const key = parsed as Record<string, unknown>;
  if (typeof key.client_email !== 'string' || key.client_email === '') return 'it has no client_email';
  if (typeof key.private_key !== 'string' || key.private_key === '') return 'it has no private_key';
  if (key.type !== undefined && key.type !== 'service_account') return 'its type is not service_account';
  return undefined;
}

export const gcp: ProviderDescriptor<'gcp'> = {
  id: 'gcp',
  title: 'Google Cloud Secret Manager',
  fields: [
    { name: 'project', type: 'string', required: true, doc: 'The Google Cloud project ID that holds the secrets.' },
    { name: 'endpoint', type: 'url', doc: 'Custom service endpoint (LocalStack, a private endpoint).' },
  ],
  addressField: 'endpoint',
  credentialFields: ['private_key'],
  tls: false,
  sendsCredentials: true,

  displayAddress: (vault) => vault.connection.endpoint ?? publicEndpoint,
  target(vault) {
    if (vault.connection.endpoint !== undefined) return addressFromText(vault.connection.endpoint, 'file', 'The `endpoint` of the vault configuration');
    return { ok: true, origin: publicEndpoint, url: undefined, source: 'provider' };
  },
  // The project: Secret Manager is one global service, its secrets are the project's.
  identity: (where) => (where.project !== undefined && where.project.trim() !== '' ? where.project.trim() : undefined),

  hasEngines: false,
  versionKind: 'number-or-latest',
  stages: false,
  createWithCas: false,

  labels: {
    location: (vault) => (vault.project ? { value: vault.project, label: 'project' } : undefined),
    store: (vault) => ({ type: 'gcp_secret_manager', location: `projects/${vault.project ?? ''}` }),
    permissionPath: (vault, locator) => `projects/${vault.project ?? '?'}/secrets/${locator.path}`,
    writeTarget: (locator) => `gcp: ${locator.path}`,
  },

  credentials: {
    stored: {
      'gcp-service-account': (v) => (isText(v.json) ? { kind: 'gcp-service-account', json: v.json } : undefined),
    },
    environment: (_params, reader) => applicationDefaultCredentials(reader),
    signIn: {
      methods: [
        {
          id: 'key-file',
          label: 'Service-account key',
          steps: [
            {
              kind: 'key-file',
              answer: 'json',
              openLabel: 'Import Key',
              filters: { 'Service-account key (JSON)': ['json'] },
              maxBytes: 64 * 1024,
              what: 'a Google Cloud service-account key',
              problem: serviceAccountKeyProblem,
            },
          ],
          credential: (a) => ({ kind: 'gcp-service-account', json: a.json! }),
        },
      ],
    },
  },

  configure: {
    steps: [{ kind: 'text', answer: 'project', prompt: 'Google Cloud project ID that holds the secrets', placeHolder: 'my-project', required: 'a project ID', check: noSpaces }],
    write(answers, file) {
      file.field('project', typeof answers.project === 'string' ? answers.project : undefined);
    },
  },
};

/**
 * Application Default Credentials, where google-auth-library looks: GOOGLE_APPLICATION_CREDENTIALS,
 * else gcloud's application_default_credentials.json (CLOUDSDK_CONFIG, %APPDATA%\gcloud on
 * Windows, ~/.config/gcloud elsewhere). The file's JSON is sent, not its path.
 */
async function applicationDefaultCredentials(reader: EnvironmentReader): Promise<EnvironmentCredential | undefined> {
  const env = reader.env;
  const named = envText(env.GOOGLE_APPLICATION_CREDENTIALS);
  const home = reader.home();
  const gcloud = envText(env.CLOUDSDK_CONFIG) ?? (reader.platform === 'win32' && env.APPDATA ? reader.join(env.APPDATA, 'gcloud') : home && reader.join(home, '.config', 'gcloud'));
  const file = named ?? (gcloud ? reader.join(gcloud, 'application_default_credentials.json') : undefined);
  if (!file) return undefined;
  const json = await reader.readFile(file);
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
