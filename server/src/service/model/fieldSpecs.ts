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

/** Fields of a vault configuration (`*.vault.yaml`). The JSON Schema in schemas/ says the same. */
export const vaultConfigFields: Record<string, FieldSpec> = {
  name: { type: 'name', required: true, doc: 'Name that connections use to refer to this vault configuration; unique within the workspace folder.' },
  provider: { type: 'enum', required: true, values: ['hashicorp', 'aws', 'azure', 'gcp', 'local'], doc: 'The secret manager: hashicorp, aws, azure, gcp or local.' },
  enabled: { type: 'boolean', doc: 'When false, references to this vault are reported and it is never contacted. Default true.' },
  description: { type: 'string', doc: 'Free text describing the vault configuration.' },
  owner: { type: 'string', doc: 'The team or person responsible for it.' },
  url: { type: 'url', providers: ['hashicorp'], doc: 'Address of the Vault server, e.g. https://vault.example.com:8200. VAULT_ADDR is used when absent.' },
  namespace: { type: 'string', providers: ['hashicorp'], doc: 'Vault Enterprise namespace (sent as X-Vault-Namespace).' },
  ca_certificate: { type: 'string', providers: ['hashicorp'], doc: 'PEM file of the CA that signed the Vault certificate, relative to this file.' },
  auth: { type: 'enum', values: ['token', 'approle'], providers: ['hashicorp'], doc: 'How to authenticate: token or approle. Default token.' },
  auth_mount: { type: 'string', providers: ['hashicorp'], doc: 'Mount path of the AppRole auth method. Default approle.' },
  auto_renew: { type: 'boolean', providers: ['hashicorp'], doc: 'Renew the token before it expires, until its max TTL.' },
  tls_skip_verify: { type: 'boolean', providers: ['hashicorp'], doc: 'Skip TLS certificate verification (unsafe; reported as a warning when used).' },
  engines: { type: 'engines', providers: ['hashicorp'], doc: 'Engine (mount) paths and their type and KV version, declared so that paths can be checked offline.' },
  region: { type: 'string', required: true, providers: ['aws'], doc: 'AWS region of the secrets, e.g. eu-west-1.' },
  profile: { type: 'string', providers: ['aws'], doc: 'Named profile from the shared AWS config files.' },
  endpoint: { type: 'url', providers: ['aws', 'gcp'], doc: 'Custom service endpoint (LocalStack, a private endpoint).' },
  vault_url: { type: 'url', required: true, providers: ['azure'], doc: 'The Key Vault URL, e.g. https://my-vault.vault.azure.net.' },
  project: { type: 'string', required: true, providers: ['gcp'], doc: 'The Google Cloud project ID that holds the secrets.' },
};

/** Fields that hold credentials: never allowed in a vault configuration. */
export const credentialFields: readonly string[] = ['token', 'secret_id', 'password', 'secret_access_key', 'client_secret', 'private_key'];

export const engineFields: Record<string, FieldSpec> = {
  type: { type: 'enum', values: ['kv'], doc: 'Engine type; only kv (key/value) is checked. Default kv.' },
  version: { type: 'enum', values: ['1', '2'], required: true, doc: 'KV version: 2 needs data/ between engine and secret path.' },
};

export const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const aliasPattern = /^[A-Za-z_][A-Za-z0-9_-]*$/;
