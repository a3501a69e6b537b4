/** `provider: gcp`, server part: its own endpoint, Application Default Credentials for the CLI, and the provider itself. */
import { join } from 'node:path';
import { fileExists } from '../environmentFiles';
import type { ProviderRuntime } from '../providerRuntime';

/** The public endpoint of Secret Manager (the SDK's default `apiEndpoint`). */
const gcpHost = 'secretmanager.googleapis.com';

export const gcpRuntime: ProviderRuntime = {
  ownEndpoint: (host) => host === gcpHost,

  /** Application Default Credentials, when there is a file to find (never the metadata server). */
  async environmentCredential(_vault, env, home) {
    const dir = home();
    const configured = Boolean(env.GOOGLE_APPLICATION_CREDENTIALS || (dir && (await fileExists(join(dir, '.config', 'gcloud', 'application_default_credentials.json')))));
    return configured ? { kind: 'provider-default' } : undefined;
  },

  async create({ vault, url, credential, timeoutMs, testing }) {
    const gcp =
      credential.kind === 'gcp-service-account'
        ? { kind: 'service-account' as const, json: credential.json }
        : credential.kind === 'provider-default'
          ? { kind: 'adc' as const }
          : undefined;
    if (!gcp || !vault.project) return undefined;
    const { GcpProvider } = await import('./index');
    return new GcpProvider({
      vaultName: vault.name,
      project: vault.project,
      ...(url !== undefined ? { endpoint: url } : {}),
      timeoutMs,
      credential: gcp,
      ...(testing ? { testing } : {}),
    });
  },
};
