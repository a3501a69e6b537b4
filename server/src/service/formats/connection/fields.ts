import { providerDescriptors } from '../../../../../shared/src/providers';
import type { FieldSpec } from '../../model/fieldSpecs';
import type { Provider } from '../../model/types';

/** Providers whose secrets live in engines (attached with `engine` and `path`), by name (with `secret`), with staging labels. */
const withEngines: readonly Provider[] = providerDescriptors.filter((d) => d.hasEngines).map((d) => d.id);
const byName: readonly Provider[] = providerDescriptors.filter((d) => !d.hasEngines).map((d) => d.id);
const withStages: readonly Provider[] = providerDescriptors.filter((d) => d.stages).map((d) => d.id);

/** Top-level fields of a connection (`*.connection.yaml`). */
export const connectionFields: Record<string, FieldSpec> = {
  name: { type: 'string', required: true, doc: 'Name of the connection.' },
  connector_type: { type: 'string', doc: 'The kind of system this connection reaches, e.g. SQLORACLE.' },
  description: { type: 'string', doc: 'Free text describing the connection.' },
  vault_secrets: { type: 'attachments', doc: 'Secrets attached to this connection; vault.secret(KEY) reads their keys.' },
  value: { type: 'any', doc: 'The connection settings. Any scalar may hold vault.secret(...) references.' },
  auth: { type: 'enum', values: ['basic', 'api_key', 'aws', 'oauth2'], doc: 'How the connection authenticates; each kind needs its fields under `value`.' },
  owner: { type: 'string', doc: 'The team or person responsible for the credentials.' },
  expires: { type: 'date', doc: 'When the credentials expire (YYYY-MM-DD); reported as expiring within secretRefs.live.expiryWarningDays.' },
};

/** Fields each `auth` kind needs (required) or may have (optional) under `value`. */
export const authFields: Record<string, { required: readonly string[]; optional: readonly string[] }> = {
  basic: { required: ['username', 'password'], optional: [] },
  api_key: { required: ['key'], optional: ['header'] },
  aws: { required: ['access_key_id', 'secret_access_key', 'region'], optional: ['session_token'] },
  oauth2: { required: ['client_id', 'client_secret', 'token_url'], optional: ['scopes'] },
};

/** Fields of one attached secret under `vault_secrets`. */
export const attachmentFields: Record<string, FieldSpec> = {
  vault: { type: 'string', required: true, doc: 'Name of a vault configuration in this workspace folder.' },
  alias: { type: 'alias', doc: 'Name used as vault.secret(ALIAS.KEY) when several secrets are attached.' },
  engine: { type: 'string', providers: withEngines, doc: 'Engine (mount) path, e.g. secret. May contain slashes.' },
  path: { type: 'string', providers: withEngines, doc: 'Secret path inside the engine. KV v2 needs the data/ prefix: data/oracle.' },
  secret: { type: 'string', providers: byName, doc: 'Name of the secret.' },
  version: { type: 'version', doc: 'Pins a version: a positive integer (Vault KV v2, local, GCP; GCP also "latest"), or a version ID (AWS, Azure).' },
  version_stage: { type: 'string', providers: withStages, doc: 'AWS staging label, e.g. AWSCURRENT (the default) or AWSPREVIOUS.' },
};
