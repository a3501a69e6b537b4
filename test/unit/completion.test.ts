import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TestWorkspace } from '../helpers/workspace';

const oracle = `name: oracle
vault_secrets:
  - vault: prod
    engine: secret
    path: data/oracle
value:
  user: vault.secret(user)
  password: vault.secret(password)
`;

describe('completion', () => {
  it('offers vault names with provider and address after `vault:`', () => {
    const ws = new TestWorkspace();
    const position = ws.setWithCursor('c.connection.yaml', 'name: c\nvault_secrets:\n  - vault: |\n');
    const items = ws.service.complete(ws.doc('c.connection.yaml'), 'connection', position, ws.index).items;
    assert.deepEqual(items.map((i) => i.label).sort(), ['prod', 'prod-aws']);
    assert.equal(items.find((i) => i.label === 'prod')!.detail, 'hashicorp · https://vault.example.com:8200');
  });

  it('offers the declared engines after `engine:`', () => {
    const ws = new TestWorkspace();
    const labels = ws.complete('c.connection.yaml', 'name: c\nvault_secrets:\n  - vault: prod\n    engine: |\n');
    assert.deepEqual(labels, ['secret', 'legacy', 'team/kv']);
  });

  it('offers data/ first on a KV v2 path, nothing on KV v1', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.complete('c.connection.yaml', 'name: c\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: |\n'), ['data/']);
    assert.deepEqual(ws.complete('d.connection.yaml', 'name: c\nvault_secrets:\n  - vault: prod\n    engine: legacy\n    path: |\n'), []);
  });

  it('offers keys already used for the same secret elsewhere in the workspace', () => {
    const ws = new TestWorkspace();
    ws.set('oracle.connection.yaml', oracle);
    const labels = ws.complete('c.connection.yaml', 'name: c\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/oracle\nvalue:\n  u: vault.secret(|)\n');
    assert.deepEqual(labels.slice(0, 3), ['password', 'user', '*']);
  });

  it('matches inline references and attachments as one secret', () => {
    const ws = new TestWorkspace();
    ws.set('oracle.connection.yaml', oracle);
    assert.deepEqual(ws.complete('c.connection.yaml', 'name: c\nvalue:\n  u: vault.secret(prod:secret/data/oracle.|)\n'), ['password', 'user', '*']);
  });

  it('completes the inline form: vault names, engines with data/, then keys', () => {
    const ws = new TestWorkspace();
    const names = ws.complete('c.connection.yaml', 'name: c\nvalue:\n  u: vault.secret(|\n');
    assert.ok(names.includes('prod:') && names.includes('prod-aws:'));
    const engines = ws.complete('c.connection.yaml', 'name: c\nvalue:\n  u: vault.secret(prod:|\n');
    assert.deepEqual(engines, ['secret/', 'legacy/', 'team/kv/']);
    const ws2 = new TestWorkspace();
    const position = ws2.setWithCursor('c.connection.yaml', 'name: c\nvalue:\n  u: vault.secret(prod:|\n');
    const secret = ws2.service.complete(ws2.doc('c.connection.yaml'), 'connection', position, ws2.index).items.find((i) => i.label === 'secret/')!;
    assert.equal((secret.textEdit as { newText: string }).newText, 'secret/data/');
    assert.deepEqual(ws.complete('c.connection.yaml', 'name: c\nvalue:\n  u: vault.secret(prod:team/kv/|\n'), ['data/']);
  });

  it('offers aliases when several secrets are attached, then that secret\'s keys', () => {
    const ws = new TestWorkspace();
    ws.set('other.connection.yaml', 'name: o\nvalue: vault.secret(prod-aws:payments/key.token)\n');
    const attachments = 'name: c\nvault_secrets:\n  - vault: prod\n    alias: db\n    engine: secret\n    path: data/db\n  - vault: prod-aws\n    alias: api\n    secret: payments/key\nvalue:\n';
    const labels = ws.complete('c.connection.yaml', `${attachments}  k: vault.secret(|)\n`);
    assert.deepEqual(labels.slice(0, 2).sort(), ['api.', 'db.']);
    assert.deepEqual(ws.complete('c.connection.yaml', `${attachments}  k: vault.secret(api.|)\n`), ['token', '*']);
  });

  it('offers a vault.secret(...) snippet and ready references in values', () => {
    const ws = new TestWorkspace();
    ws.set('oracle.connection.yaml', oracle);
    const labels = ws.complete('c.connection.yaml', 'name: c\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/oracle\nvalue:\n  user: |\n');
    assert.deepEqual(labels.sort(), ['vault.secret(...)', 'vault.secret(password)', 'vault.secret(user)']);
  });

  it('offers connection and attachment field names that are not yet present', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.complete('c.connection.yaml', 'name: c\n|\n'), ['connector_type', 'description', 'vault_secrets', 'value', 'auth', 'owner', 'expires']);
    const fields = ws.complete('d.connection.yaml', 'name: c\nvault_secrets:\n  - vault: prod\n    |\n');
    assert.deepEqual(fields.sort(), ['alias', 'engine', 'path', 'version']);
    const aws = ws.complete('e.connection.yaml', 'name: c\nvault_secrets:\n  - vault: prod-aws\n    |\n');
    assert.deepEqual(aws.sort(), ['alias', 'secret', 'version', 'version_stage']);
  });

  it('offers vault configuration fields for the provider, and enum values', () => {
    const ws = new TestWorkspace({});
    const fields = ws.complete('x.vault.yaml', 'name: x\nprovider: aws\n|\n');
    assert.ok(fields.includes('region') && fields.includes('profile'));
    assert.ok(!fields.includes('url') && !fields.includes('name'));
    assert.deepEqual(ws.complete('y.vault.yaml', 'name: y\nprovider: |\n'), ['hashicorp', 'aws', 'azure', 'gcp', 'local']);
    assert.deepEqual(ws.complete('z.vault.yaml', 'name: z\nprovider: hashicorp\nauth: |\n'), ['token', 'approle']);
    assert.deepEqual(ws.complete('w.vault.yaml', 'name: w\nprovider: hashicorp\nengines:\n  secret:\n    version: |\n'), ['1', '2']);
    assert.deepEqual(ws.complete('v.vault.yaml', 'name: v\nprovider: hashicorp\nenabled: |\n'), ['true', 'false']);
  });

  it('offers nothing inside comments', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.complete('c.connection.yaml', 'name: c\n# vault: |\n'), []);
  });
});
