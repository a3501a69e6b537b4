// The provider descriptors against what the product says elsewhere about each provider: the vault
// configuration JSON Schema, the README's table of fields, the field specs the service checks
// with; and the addresses that identify a vault of each provider.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { providerDescriptor, providerDescriptors, providerIds } from '../../shared/src/providers';
import { credentialFields, vaultConfigFields } from '../../server/src/service/model/fieldSpecs';
import { attachmentFields } from '../../server/src/service/formats/connection/fields';

const root = path.resolve(__dirname, '../..');

interface Conditional {
  if: { properties: { provider: { const: string } } };
  then: { properties?: Record<string, false>; required?: string[] };
}

const schema = JSON.parse(readFileSync(path.join(root, 'schemas', 'vault-config.schema.json'), 'utf8')) as {
  properties: Record<string, { enum?: string[] }>;
  allOf: Conditional[];
};

describe('provider descriptors', () => {
  it('list the providers the JSON Schema lists, in the same order', () => {
    assert.deepEqual(schema.properties.provider!.enum, [...providerIds]);
    assert.deepEqual(vaultConfigFields.provider!.values, [...providerIds]);
  });

  it('give each provider exactly the fields and required fields the JSON Schema allows it', () => {
    const every = new Set(providerDescriptors.flatMap((d) => d.fields.map((f) => f.name)));
    for (const descriptor of providerDescriptors) {
      const rule = schema.allOf.find((c) => c.if.properties.provider.const === descriptor.id);
      assert.ok(rule, `the schema has a rule for ${descriptor.id}`);
      const own = new Set(descriptor.fields.map((f) => f.name));
      assert.deepEqual(Object.keys(rule.then.properties ?? {}).sort(), [...every].filter((f) => !own.has(f)).sort(), `fields refused for ${descriptor.id}`);
      assert.deepEqual([...(rule.then.required ?? [])].sort(), descriptor.fields.filter((f) => f.required).map((f) => f.name).sort(), `required for ${descriptor.id}`);
      for (const field of own) assert.ok(schema.properties[field], `the schema describes ${field}`);
    }
  });

  it('agree on a field that several providers have, which the service checks as one', () => {
    for (const name of ['endpoint']) {
      const specs = providerDescriptors.flatMap((d) => d.fields.filter((f) => f.name === name));
      assert.ok(specs.length > 1);
      for (const spec of specs) assert.deepEqual(spec, specs[0]);
      assert.deepEqual(vaultConfigFields[name]!.providers, providerDescriptors.filter((d) => d.fields.some((f) => f.name === name)).map((d) => d.id));
    }
  });

  it('name each address field among their own fields, and a credential field nowhere as a field', () => {
    for (const descriptor of providerDescriptors) {
      if (descriptor.addressField !== undefined) {
        assert.equal(descriptor.fields.find((f) => f.name === descriptor.addressField)?.type, 'url', descriptor.id);
      }
      assert.equal(descriptor.sendsCredentials, descriptor.addressField !== undefined, `${descriptor.id}: an address exactly when a credential travels`);
    }
    for (const field of credentialFields) assert.equal(vaultConfigFields[field], undefined, field);
  });

  it('attach by engine and path exactly where secrets live in engines, by name elsewhere', () => {
    assert.deepEqual(attachmentFields.engine!.providers, providerDescriptors.filter((d) => d.hasEngines).map((d) => d.id));
    assert.deepEqual(attachmentFields.secret!.providers, providerDescriptors.filter((d) => !d.hasEngines).map((d) => d.id));
    assert.deepEqual(attachmentFields.version_stage!.providers, providerDescriptors.filter((d) => d.stages).map((d) => d.id));
  });

  it('each have a row in the README\'s table of vault configuration fields', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| provider | fields |'));
    for (const descriptor of providerDescriptors) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${descriptor.id}\` |`));
      assert.ok(row, `a row for ${descriptor.id}`);
      for (const field of descriptor.fields) assert.ok(row.includes(`\`${field.name}\``), `${descriptor.id} row names ${field.name}`);
    }
  });
});

describe('a vault named by its address', () => {
  const identity = (id: string, where: Parameters<NonNullable<ReturnType<typeof providerDescriptor>>['identity']>[0]) => providerDescriptor(id)!.identity(where);

  it('HashiCorp Vault: the normalised origin', () => {
    assert.equal(identity('hashicorp', { address: 'HTTPS://Vault.Example.com:443/' }), 'https://vault.example.com');
    assert.equal(identity('hashicorp', { address: 'https://vault.example.com:8200/v1' }), 'https://vault.example.com:8200');
    assert.notEqual(identity('hashicorp', { address: 'http://vault.example.com' }), identity('hashicorp', { address: 'https://vault.example.com' }));
    assert.equal(identity('hashicorp', { address: 'https://vault.example.com:8200@evil.example' }), undefined, 'user info identifies nothing');
    assert.equal(identity('hashicorp', {}), undefined);
  });

  it('AWS: the endpoint, else the region\'s endpoint', () => {
    assert.equal(identity('aws', { region: 'eu-west-1' }), 'https://secretsmanager.eu-west-1.amazonaws.com');
    assert.equal(identity('aws', { region: 'eu-west-1', endpoint: 'http://localhost:4566/' }), 'http://localhost:4566');
    assert.notEqual(identity('aws', { region: 'eu-west-1' }), identity('aws', { region: 'eu-central-1' }));
    assert.equal(identity('aws', { region: 'evil.example/x' }), undefined);
  });

  it('Azure: the vault URL\'s host; GCP: the project; the local vault: none', () => {
    assert.equal(identity('azure', { address: 'https://Team.vault.azure.net/' }), 'team.vault.azure.net');
    assert.equal(identity('azure', { address: 'https://team.vault.azure.net:443' }), 'team.vault.azure.net');
    assert.equal(identity('gcp', { project: 'acme-prod', endpoint: 'https://secretmanager.googleapis.com' }), 'acme-prod');
    assert.equal(identity('gcp', {}), undefined);
    assert.equal(identity('local', { address: 'https://x' }), undefined);
  });
});
