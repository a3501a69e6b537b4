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

export const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const aliasPattern = /^[A-Za-z_][A-Za-z0-9_-]*$/;
