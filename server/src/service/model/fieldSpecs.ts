import { providerDescriptors, providerIds } from '../../../../shared/src/providers';
import type { Provider } from './types';

export type FieldType = 'string' | 'boolean' | 'url' | 'name' | 'engines' | 'enum' | 'any' | 'attachments' | 'alias' | 'version' | 'date';

export interface FieldSpec {
  type: FieldType;
  doc: string;
  required?: boolean;
  /** Only valid for these providers; all when absent. */
  providers?: readonly Provider[];
  values?: readonly string[];
}

/** `a, b or c`. */
function inWords(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/**
 * The fields of every provider's descriptor, in the order of the descriptors: a field two
 * providers have (`endpoint`) is one spec valid for both.
 */
function providerFields(): Record<string, FieldSpec> {
  const fields: Record<string, FieldSpec> = {};
  for (const descriptor of providerDescriptors) {
    for (const field of descriptor.fields) {
      const known = fields[field.name];
      if (known) {
        known.providers = [...(known.providers ?? []), descriptor.id];
        continue;
      }
      fields[field.name] = {
        type: field.type,
        ...(field.required ? { required: true } : {}),
        providers: [descriptor.id],
        ...(field.values ? { values: field.values } : {}),
        doc: field.doc,
      };
    }
  }
  return fields;
}

/** Fields of a vault configuration (`*.vault.yaml`). The JSON Schema in schemas/ says the same. */
export const vaultConfigFields: Record<string, FieldSpec> = {
  name: { type: 'name', required: true, doc: 'Name that connections use to refer to this vault configuration; unique within the workspace folder.' },
  provider: { type: 'enum', required: true, values: providerIds, doc: `The secret manager: ${inWords(providerIds)}.` },
  enabled: { type: 'boolean', doc: 'When false, references to this vault are reported and it is never contacted. Default true.' },
  description: { type: 'string', doc: 'Free text describing the vault configuration.' },
  owner: { type: 'string', doc: 'The team or person responsible for it.' },
  ...providerFields(),
};

/** Fields that hold credentials, `password` and each provider's: never allowed in a vault configuration. */
export const credentialFields: readonly string[] = ['password', ...providerDescriptors.flatMap((d) => d.credentialFields)];

export const engineFields: Record<string, FieldSpec> = {
  type: { type: 'enum', values: ['kv'], doc: 'Engine type; only kv (key/value) is checked. Default kv.' },
  version: { type: 'enum', values: ['1', '2'], required: true, doc: 'KV version: 2 needs data/ between engine and secret path.' },
};

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

/** Providers whose secrets live in engines (attached with `engine` and `path`), by name (with `secret`), with staging labels. */
const withEngines: readonly Provider[] = providerDescriptors.filter((d) => d.hasEngines).map((d) => d.id);
const byName: readonly Provider[] = providerDescriptors.filter((d) => !d.hasEngines).map((d) => d.id);
const withStages: readonly Provider[] = providerDescriptors.filter((d) => d.stages).map((d) => d.id);

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

export const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const aliasPattern = /^[A-Za-z_][A-Za-z0-9_-]*$/;
