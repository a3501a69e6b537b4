// Validates the JSON Schemas in schemas/ with Ajv (strict mode) against the example workspace and
// against tables of small valid and invalid documents.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { allDiagnosticCodes } from '../../server/src/service/diagnostics/codes';

const root = path.resolve(__dirname, '../..');
const examplesDir = path.join(root, 'examples');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

const DIAGNOSTIC_CODES = new Set<string>(allDiagnosticCodes);
const CREDENTIAL_FIELDS = ['token', 'secret_id', 'password', 'secret_access_key', 'client_secret', 'private_key'];

function loadSchema(name: string): Schema {
  return JSON.parse(readFileSync(path.join(root, 'schemas', name), 'utf8')) as Schema;
}

/** Ajv in full strict mode, knowing the annotation keywords that VS Code / the YAML extension read. */
function createAjv(): Ajv {
  const ajv = new Ajv({ strict: true, strictTypes: true, strictTuples: true, strictRequired: true, allErrors: true });
  const annotations: Array<[string, Schema]> = [
    ['markdownDescription', { type: 'string' }],
    ['deprecationMessage', { type: 'string' }],
    ['patternErrorMessage', { type: 'string' }],
    ['doNotSuggest', { type: 'boolean' }],
    ['enumDescriptions', { type: 'array', items: { type: 'string' } }],
    ['markdownEnumDescriptions', { type: 'array', items: { type: 'string' } }],
    [
      'defaultSnippets',
      {
        type: 'array',
        items: {
          type: 'object',
          required: ['label', 'body'],
          additionalProperties: false,
          properties: { label: { type: 'string' }, description: { type: 'string' }, markdownDescription: { type: 'string' }, body: {} },
        },
      },
    ],
  ];
  for (const [keyword, metaSchema] of annotations) ajv.addKeyword({ keyword, metaSchema });
  return ajv;
}

const ajv = createAjv();
const vaultSchema = loadSchema('vault-config.schema.json');
const connectionSchema = loadSchema('connection.schema.json');
const validateVault = ajv.compile(vaultSchema);
const validateConnection = ajv.compile(connectionSchema);

function errorsOf(validate: ValidateFunction, doc: unknown): ErrorObject[] {
  return validate(doc) ? [] : [...(validate.errors ?? [])];
}

function describeErrors(errors: ErrorObject[]): string {
  return errors.map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('; ');
}

function listExampleFiles(dir = examplesDir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listExampleFiles(full));
    else if (/\.(vault|connection)\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

const relative = (file: string): string => path.relative(examplesDir, file).split(path.sep).join('/');
const readYaml = (file: string): unknown => parse(readFileSync(file, 'utf8'));

/** `# expect: CODE[, CODE]` comments in an example file, as {line (1-based), code}. */
function expectMarkers(file: string): Array<{ line: number; code: string }> {
  const out: Array<{ line: number; code: string }> = [];
  readFileSync(file, 'utf8').split('\n').forEach((text, index) => {
    const match = /#\s*expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$/.exec(text);
    if (match) for (const code of match[1]!.split(/\s*,\s*/)) out.push({ line: index + 1, code });
  });
  return out;
}

describe('schemas', () => {
  it('are draft-07 and compile under Ajv strict mode', () => {
    for (const schema of [vaultSchema, connectionSchema]) {
      assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
      assert.equal(ajv.validateSchema(schema), true, describeErrors(ajv.errors ?? []));
    }
  });

  it('document every field with description and markdownDescription', () => {
    const check = (where: string, properties: Json | undefined): void => {
      assert.ok(properties && typeof properties === 'object' && !Array.isArray(properties), `${where} has properties`);
      for (const [name, sub] of Object.entries(properties)) {
        assert.ok(sub && typeof sub === 'object' && !Array.isArray(sub), `${where}.${name} is a schema object`);
        assert.equal(typeof sub.description, 'string', `${where}.${name} has a description`);
        assert.equal(typeof sub.markdownDescription, 'string', `${where}.${name} has a markdownDescription`);
      }
    };
    check('vault-config', vaultSchema.properties);
    check('connection', connectionSchema.properties);
    const items = (connectionSchema.properties as { vault_secrets: { items: Schema } }).vault_secrets.items;
    check('connection.vault_secrets[]', items.properties);
  });

  it('describe credential fields as belonging in SecretStorage or the environment', () => {
    const properties = vaultSchema.properties as Record<string, Schema>;
    for (const field of CREDENTIAL_FIELDS) {
      const sub = properties[field];
      assert.ok(sub, `${field} is declared`);
      assert.match(String(sub.description), /credential/i);
      assert.match(String(sub.markdownDescription), /credential-in-config/);
      assert.match(`${String(sub.description)} ${String(sub.deprecationMessage)}`, /SecretStorage|environment/);
    }
  });
});

describe('example workspace', () => {
  const files = listExampleFiles();
  const schemaInvalid: Record<string, string> = {
    'vaults/broken/leaky.vault.yaml': '/token',
    'vaults/broken/staging.vault.yaml': '/region',
    'connections/broken/credentials.connection.yaml': '/value',
  };

  it('has vault configurations and connections', () => {
    assert.ok(files.filter((f) => f.endsWith('.vault.yaml')).length >= 4);
    assert.ok(files.filter((f) => f.endsWith('.connection.yaml')).length >= 5);
  });

  for (const file of files) {
    const name = relative(file);
    const validate = name.endsWith('.vault.yaml') ? validateVault : validateConnection;
    const badPath = schemaInvalid[name];
    if (badPath) {
      it(`${name} is rejected at ${badPath}`, () => {
        const errors = errorsOf(validate, readYaml(file));
        assert.ok(errors.length > 0, 'should not validate');
        assert.ok(errors.some((e) => e.instancePath === badPath), describeErrors(errors));
      });
    } else {
      it(`${name} validates`, () => {
        const errors = errorsOf(validate, readYaml(file));
        assert.deepEqual(errors, [], describeErrors(errors));
      });
    }
  }

  it('expected-diagnostics.json lists every file and matches the # expect: comments', () => {
    const expected = JSON.parse(readFileSync(path.join(examplesDir, 'expected-diagnostics.json'), 'utf8')) as {
      files: Record<string, Array<{ line: number; code: string }>>;
    };
    assert.deepEqual(Object.keys(expected.files).sort(), files.map(relative));
    for (const file of files) {
      const name = relative(file);
      assert.deepEqual(expected.files[name], expectMarkers(file), name);
      for (const { code } of expected.files[name] ?? []) assert.ok(DIAGNOSTIC_CODES.has(code), `${name}: unknown code ${code}`);
    }
  });

  it('broken-on-purpose files live under broken/, good files produce no diagnostics', () => {
    for (const file of files) {
      const name = relative(file);
      const markers = expectMarkers(file);
      assert.equal(name.includes('/broken/'), markers.length > 0, `${name}: broken/ <=> has # expect: comments`);
    }
  });
});

interface Case {
  name: string;
  doc: unknown;
  /** instancePath expected among the errors (for invalid cases). */
  at?: string;
}

function runTable(title: string, validate: ValidateFunction, valid: Case[], invalid: Case[]): void {
  describe(title, () => {
    for (const c of valid) {
      it(`accepts: ${c.name}`, () => {
        const errors = errorsOf(validate, c.doc);
        assert.deepEqual(errors, [], describeErrors(errors));
      });
    }
    for (const c of invalid) {
      it(`rejects: ${c.name}`, () => {
        const errors = errorsOf(validate, c.doc);
        assert.ok(errors.length > 0, 'should not validate');
        if (c.at !== undefined) assert.ok(errors.some((e) => e.instancePath === c.at), `expected an error at ${c.at}: ${describeErrors(errors)}`);
      });
    }
  });
}

const hashicorp = { name: 'prod', provider: 'hashicorp' };
const aws = { name: 'prod-aws', provider: 'aws', region: 'eu-central-1' };

runTable(
  'vault configuration schema',
  validateVault,
  [
    { name: 'minimal hashicorp', doc: hashicorp },
    {
      name: 'full hashicorp',
      doc: {
        ...hashicorp, enabled: true, description: 'd', owner: 'o', url: 'http://127.0.0.1:8200', namespace: 'team-a',
        ca_certificate: 'certs/ca.pem', auth: 'approle', auth_mount: 'approle', auto_renew: true, tls_skip_verify: true,
        engines: { secret: { type: 'kv', version: 2 }, legacy: { version: 1 }, 'team/kv': { type: 'kv', version: 2 } },
      },
    },
    { name: 'aws with profile and endpoint', doc: { ...aws, profile: 'p', endpoint: 'http://localhost:4566' } },
    { name: 'azure', doc: { name: 'az', provider: 'azure', vault_url: 'https://x.vault.azure.net' } },
    { name: 'gcp with endpoint', doc: { name: 'g', provider: 'gcp', project: 'acme-prod', endpoint: 'https://secretmanager.googleapis.com' } },
    { name: 'local', doc: { name: 'local', provider: 'local', enabled: false } },
    { name: 'name with dots, dashes, underscores', doc: { name: '1prod.eu_west-2', provider: 'local' } },
  ],
  [
    { name: 'missing name', doc: { provider: 'hashicorp' }, at: '' },
    { name: 'missing provider', doc: { name: 'prod' }, at: '' },
    { name: 'unknown provider', doc: { name: 'prod', provider: 'vault' }, at: '/provider' },
    { name: 'name starting with a dash', doc: { name: '-prod', provider: 'local' }, at: '/name' },
    { name: 'name with a colon', doc: { name: 'prod:eu', provider: 'local' }, at: '/name' },
    { name: 'unknown field', doc: { ...hashicorp, adress: 'https://vault.example.com' }, at: '' },
    { name: 'enabled as a string', doc: { ...hashicorp, enabled: 'yes' }, at: '/enabled' },
    { name: 'url that is not http(s)', doc: { ...hashicorp, url: 'vault.example.com:8200' }, at: '/url' },
    { name: 'unknown auth method', doc: { ...hashicorp, auth: 'userpass' }, at: '/auth' },
    { name: 'aws field on a hashicorp vault', doc: { ...hashicorp, region: 'eu-central-1' }, at: '/region' },
    { name: 'azure field on a hashicorp vault', doc: { ...hashicorp, vault_url: 'https://x.vault.azure.net' }, at: '/vault_url' },
    { name: 'hashicorp field on an aws vault', doc: { ...aws, url: 'https://vault.example.com' }, at: '/url' },
    { name: 'engines on an aws vault', doc: { ...aws, engines: { secret: { version: 2 } } }, at: '/engines' },
    { name: 'any provider field on a local vault', doc: { name: 'l', provider: 'local', endpoint: 'http://localhost:1' }, at: '/endpoint' },
    { name: 'aws without region', doc: { name: 'a', provider: 'aws' }, at: '' },
    { name: 'azure without vault_url', doc: { name: 'a', provider: 'azure' }, at: '' },
    { name: 'azure with an http vault_url', doc: { name: 'a', provider: 'azure', vault_url: 'http://x.vault.azure.net' }, at: '/vault_url' },
    { name: 'gcp without project', doc: { name: 'g', provider: 'gcp' }, at: '' },
    { name: 'bad engine version 3', doc: { ...hashicorp, engines: { secret: { type: 'kv', version: 3 } } }, at: '/engines/secret/version' },
    { name: 'engine version as a string', doc: { ...hashicorp, engines: { secret: { type: 'kv', version: '2' } } }, at: '/engines/secret/version' },
    { name: 'engine without version', doc: { ...hashicorp, engines: { secret: { type: 'kv' } } }, at: '/engines/secret' },
    { name: 'engine of another type', doc: { ...hashicorp, engines: { pki: { type: 'pki', version: 1 } } }, at: '/engines/pki/type' },
    { name: 'engine with an unknown field', doc: { ...hashicorp, engines: { secret: { version: 2, max_versions: 5 } } }, at: '/engines/secret' },
    { name: 'engine path with a leading slash', doc: { ...hashicorp, engines: { '/secret': { version: 2 } } }, at: '/engines' },
    ...CREDENTIAL_FIELDS.flatMap((field) => [
      { name: `credential field ${field} (hashicorp)`, doc: { ...hashicorp, [field]: 'not-a-real-value' }, at: `/${field}` },
      { name: `credential field ${field} (aws)`, doc: { ...aws, [field]: 'not-a-real-value' }, at: `/${field}` },
    ]),
  ],
);

const connection = (vault_secrets: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'oracle',
  vault_secrets,
  value: { user: 'vault.secret(user)' },
  ...extra,
});
const hashiAttachment = { vault: 'prod', engine: 'secret', path: 'data/oracle' };
const namedAttachment = { vault: 'prod-aws', secret: 'payments/api-key' };

runTable(
  'connection schema',
  validateConnection,
  [
    { name: 'name only', doc: { name: 'oracle' } },
    { name: 'hashicorp attachment', doc: connection([hashiAttachment], { connector_type: 'SQLORACLE', description: 'd' }) },
    { name: 'hashicorp attachment with version and alias', doc: connection([{ ...hashiAttachment, alias: 'db', version: 3 }]) },
    { name: 'nested engine path', doc: connection([{ vault: 'prod', engine: 'team/kv', path: 'data/ci/deploy' }]) },
    { name: 'aws attachment with version id and stage', doc: connection([{ ...namedAttachment, version: 'a1b2c3d4-0000-4000-8000-000000000000', version_stage: 'AWSCURRENT' }]) },
    { name: 'gcp attachment with version "latest"', doc: connection([{ vault: 'gcp', secret: 'db-password', version: 'latest' }]) },
    { name: 'local attachment with integer version', doc: connection([{ vault: 'local', secret: 'dev/postgres', version: 2 }]) },
    { name: 'two attachments with aliases', doc: connection([{ ...hashiAttachment, alias: 'db' }, { ...namedAttachment, alias: 'api' }]) },
    { name: 'value as a scalar', doc: { name: 'x', value: 'vault.secret(prod:secret/data/x.y)' } },
    { name: 'value as a list', doc: { name: 'x', value: ['a', 1, null, { k: 'vault.secret(k)' }] } },
    { name: 'empty value', doc: { name: 'x', value: null } },
    { name: 'empty vault_secrets', doc: { name: 'x', vault_secrets: [] } },
  ],
  [
    { name: 'missing name', doc: { value: {} }, at: '' },
    { name: 'name not a string', doc: { name: 42 }, at: '/name' },
    { name: 'unknown top-level field', doc: { name: 'x', vault_secret: [] }, at: '' },
    { name: 'vault_secrets not a list', doc: { name: 'x', vault_secrets: hashiAttachment }, at: '/vault_secrets' },
    { name: 'attachment without vault', doc: connection([{ engine: 'secret', path: 'data/oracle' }]), at: '/vault_secrets/0' },
    { name: 'hashicorp attachment without engine', doc: connection([{ vault: 'prod', path: 'data/oracle' }]), at: '/vault_secrets/0' },
    { name: 'hashicorp attachment without path', doc: connection([{ vault: 'prod', engine: 'secret' }]), at: '/vault_secrets/0' },
    { name: 'attachment with neither engine/path nor secret', doc: connection([{ vault: 'prod' }]), at: '/vault_secrets/0' },
    { name: 'attachment mixing engine and secret', doc: connection([{ ...hashiAttachment, secret: 'oracle' }]), at: '/vault_secrets/0' },
    { name: 'attachment mixing path and secret', doc: connection([{ vault: 'prod', path: 'data/oracle', secret: 'oracle' }]), at: '/vault_secrets/0' },
    { name: 'version_stage on a hashicorp attachment', doc: connection([{ ...hashiAttachment, version_stage: 'AWSCURRENT' }]), at: '/vault_secrets/0' },
    { name: 'hashicorp version as a string', doc: connection([{ ...hashiAttachment, version: '3' }]), at: '/vault_secrets/0/version' },
    { name: 'version 0', doc: connection([{ ...hashiAttachment, version: 0 }]), at: '/vault_secrets/0/version' },
    { name: 'negative version', doc: connection([{ ...namedAttachment, version: -1 }]), at: '/vault_secrets/0/version' },
    { name: 'unknown attachment field', doc: connection([{ ...hashiAttachment, key: 'password' }]), at: '/vault_secrets/0' },
    { name: 'credential in an attachment', doc: connection([{ ...hashiAttachment, token: 'not-a-real-token' }]), at: '/vault_secrets/0' },
    { name: 'alias starting with a digit', doc: connection([{ ...hashiAttachment, alias: '1db' }]), at: '/vault_secrets/0/alias' },
    { name: 'alias with a dot', doc: connection([{ ...hashiAttachment, alias: 'db.main' }]), at: '/vault_secrets/0/alias' },
    { name: 'invalid vault name', doc: connection([{ ...hashiAttachment, vault: 'prod:eu' }]), at: '/vault_secrets/0/vault' },
    { name: 'empty engine', doc: connection([{ ...hashiAttachment, engine: '' }]), at: '/vault_secrets/0/engine' },
  ],
);
