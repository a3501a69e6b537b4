import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TestWorkspace, connection } from '../helpers/workspace';

const attach = (engine: string, path: string, extra = '') => `vault_secrets:\n  - vault: prod\n    engine: ${engine}\n    path: ${path}\n${extra}`;

describe('connection diagnostics', () => {
  it('accepts the seed example: a KV v2 secret under data/', () => {
    const ws = new TestWorkspace();
    const text = connection(`${attach('secret', 'data/oracle')}value:\n  user: vault.secret(user)\n  password: vault.secret(password)\n`);
    assert.deepEqual(ws.validate('c.connection.yaml', text), []);
  });

  it('reports kv2-missing-data-prefix on the path with the fix named in the message', () => {
    const ws = new TestWorkspace();
    const [d] = ws.validate('c.connection.yaml', connection(`${attach('secret', 'oracle')}value: vault.secret(user)\n`));
    assert.equal(d!.code, 'kv2-missing-data-prefix');
    assert.equal(d!.severity, 1);
    assert.match(d!.message, /KV v2 API needs `data\/` between engine and path/);
    assert.deepEqual(d!.range, { start: { line: 4, character: 10 }, end: { line: 4, character: 16 } });
  });

  it('reports kv1-unexpected-data-prefix as a warning', () => {
    const ws = new TestWorkspace();
    const [d] = ws.validate('c.connection.yaml', connection(`${attach('legacy', 'data/mail')}value: vault.secret(user)\n`));
    assert.equal(d!.code, 'kv1-unexpected-data-prefix');
    assert.equal(d!.severity, 2);
  });

  for (const prefix of ['metadata/', 'delete/', 'destroy/', 'undelete/', 'subkeys/']) {
    it(`reports ${prefix} on KV v2 as kv2-non-data-path`, () => {
      const ws = new TestWorkspace();
      assert.deepEqual(ws.codes('c.connection.yaml', connection(`${attach('secret', `${prefix}oracle`)}value: vault.secret(user)\n`)), ['kv2-non-data-path']);
    });
  }

  it('reports engine-in-path and still checks the rest of the path', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.codes('c.connection.yaml', connection(`${attach('secret', 'secret/data/x')}value: vault.secret(user)\n`)), ['engine-in-path']);
    assert.deepEqual(ws.codes('d.connection.yaml', connection(`${attach('secret', 'secret/x')}value: vault.secret(user)\n`)), [
      'engine-in-path',
      'kv2-missing-data-prefix',
    ]);
  });

  it('handles engines whose path holds slashes', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.codes('c.connection.yaml', connection(`${attach('team/kv', 'data/app')}value: vault.secret(user)\n`)), []);
    assert.deepEqual(ws.codes('d.connection.yaml', connection(`${attach('team/kv', 'app')}value: vault.secret(user)\n`)), ['kv2-missing-data-prefix']);
  });

  it('reports unknown-engine with the declared engines, and nothing about data/ then', () => {
    const ws = new TestWorkspace();
    const [d] = ws.validate('c.connection.yaml', connection(`${attach('secrets', 'oracle')}value: vault.secret(user)\n`));
    assert.equal(d!.code, 'unknown-engine');
    assert.match(d!.message, /Declared engines: secret, legacy, team\/kv/);
  });

  it('offline, says the engine of a vault that declares no engines is not verified: a warning, no error about engines or data/', () => {
    const ws = new TestWorkspace({ 'v.vault.yaml': 'name: prod\nprovider: hashicorp\n' });
    const text = connection(`${attach('anything', 'oracle')}value: vault.secret(user)\n`);
    const diagnostics = ws.validate('c.connection.yaml', text);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['engine-unverified', 2]]);
    assert.equal(
      diagnostics[0]!.message,
      'Engine `anything` of vault `prod` could not be verified: the vault configuration declares no engines and the check runs offline, so neither whether it is mounted nor its KV version (whether the path needs `data/`) is known. ' +
        'Declare it under `engines:` in the vault configuration (for example `anything: { type: kv, version: 2 }`), or check live with a token that may read `sys/internal/ui/mounts/anything`.',
    );
    const { start, end } = diagnostics[0]!.range;
    assert.equal(text.split('\n')[start.line]!.slice(start.character, end.character), 'anything', 'on the engine');
    // An inline reference to such a vault: where the engine ends in the path is unknown.
    assert.deepEqual(ws.codes('d.connection.yaml', connection('value: vault.secret(prod:secret/data/app.user)\n')), ['engine-unverified']);
  });

  it('reports unknown-vault with the nearest name, only when the set of vaults is complete', () => {
    const ws = new TestWorkspace();
    const text = connection('vault_secrets:\n  - vault: prdo\n    engine: secret\n    path: data/x\nvalue: vault.secret(user)\n');
    const [d] = ws.validate('c.connection.yaml', text);
    assert.equal(d!.code, 'unknown-vault');
    assert.match(d!.message, /Did you mean `prod`\?/);
    ws.index.setComplete(false);
    assert.deepEqual(ws.codes('c.connection.yaml'), []);
  });

  it('keeps workspace folders apart', () => {
    const ws = new TestWorkspace();
    // A document outside file:///ws/ sees no vaults of that folder.
    const other = ws.index.vaults('file:///elsewhere/c.connection.yaml');
    assert.equal(other.byName.size, 0);
    assert.equal(ws.index.vaults('file:///ws/c.connection.yaml').byName.size, 2);
  });

  it('reports vault-disabled as a warning', () => {
    const ws = new TestWorkspace({ 'old.vault.yaml': 'name: old\nprovider: aws\nregion: x\nenabled: false\n' });
    const [d] = ws.validate('c.connection.yaml', connection('vault_secrets:\n  - vault: old\n    secret: s\nvalue: vault.secret(k)\n'));
    assert.equal(d!.code, 'vault-disabled');
    assert.equal(d!.severity, 2);
  });

  it('reports no-attached-secret for vault.secret(KEY) without attachments, but accepts the inline form', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.codes('c.connection.yaml', connection('value:\n  a: vault.secret(user)\n  b: vault.secret(prod:secret/data/x.user)\n')), ['no-attached-secret']);
  });

  it('checks inline references: unknown vault, unknown engine, data/ prefix', () => {
    const ws = new TestWorkspace();
    const text = connection('value:\n  a: vault.secret(prdo:secret/data/x.k)\n  b: vault.secret(prod:nope/x.k)\n  c: vault.secret(prod:secret/x.k)\n  d: vault.secret(prod:team/kv/data/x.k)\n');
    assert.deepEqual(ws.codes('c.connection.yaml', text), ['unknown-vault', 'unknown-engine', 'kv2-missing-data-prefix']);
  });

  it('picks among several attached secrets by alias', () => {
    const ws = new TestWorkspace();
    const attachments = 'vault_secrets:\n  - vault: prod\n    alias: db\n    engine: secret\n    path: data/db\n  - vault: prod-aws\n    alias: api\n    secret: payments/key\n';
    assert.deepEqual(ws.codes('a.connection.yaml', connection(`${attachments}value:\n  u: vault.secret(db.user)\n  k: vault.secret(api.*)\n`)), []);
    assert.deepEqual(ws.codes('b.connection.yaml', connection(`${attachments}value:\n  u: vault.secret(user)\n  k: vault.secret(api.*)\n`)), ['unused-secret', 'ambiguous-reference']);
    const unknown = ws.validate('c.connection.yaml', connection(`${attachments}value:\n  u: vault.secret(dbb.user)\n  k: vault.secret(api.*)\n`));
    assert.deepEqual(unknown.map((d) => d.code), ['unused-secret', 'unknown-alias']);
    assert.match(unknown[1]!.message, /Did you mean `db`\?/);
  });

  it('reads a key with dots from a single attachment whole', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.codes('c.connection.yaml', connection(`${attach('secret', 'data/x')}value: vault.secret(tls.crt)\n`)), []);
  });

  it('reports unused-secret as a hint on the attachment', () => {
    const ws = new TestWorkspace();
    const [d] = ws.validate('c.connection.yaml', connection(`${attach('secret', 'data/x')}value:\n  host: db\n`));
    assert.equal(d!.code, 'unused-secret');
    assert.equal(d!.severity, 4);
    assert.equal(d!.range.start.line, 2);
  });

  it('checks the attachment shape against the vault provider', () => {
    const ws = new TestWorkspace();
    const hashicorpWithSecret = 'vault_secrets:\n  - vault: prod\n    secret: x\nvalue: vault.secret(k)\n';
    const messages = ws.validate('a.connection.yaml', connection(hashicorpWithSecret)).map((d) => d.message);
    assert.ok(messages.some((m) => /attach with `engine` and `path`, not `secret`/.test(m)));
    assert.ok(messages.some((m) => /needs `engine`/.test(m)));
    assert.ok(messages.some((m) => /needs `path`/.test(m)));
    const awsWithPath = 'vault_secrets:\n  - vault: prod-aws\n    engine: secret\n    path: data/x\nvalue: vault.secret(k)\n';
    const aws = ws.validate('b.connection.yaml', connection(awsWithPath)).map((d) => d.message);
    assert.ok(aws.some((m) => /`engine` is for HashiCorp Vault/.test(m)));
    assert.ok(aws.some((m) => /needs `secret`/.test(m)));
  });

  it('checks version pins per provider and KV version', () => {
    const ws = new TestWorkspace({
      'prod.vault.yaml': 'name: prod\nprovider: hashicorp\nengines:\n  secret: { type: kv, version: 2 }\n  legacy: { type: kv, version: 1 }\n',
      'g.vault.yaml': 'name: g\nprovider: gcp\nproject: p\n',
    });
    const pin = (vaultPart: string, version: string) => connection(`vault_secrets:\n  - ${vaultPart}\n    version: ${version}\nvalue: vault.secret(k)\n`);
    assert.deepEqual(ws.codes('a.connection.yaml', pin('vault: prod\n    engine: secret\n    path: data/x', '3')), []);
    assert.deepEqual(ws.codes('b.connection.yaml', pin('vault: prod\n    engine: secret\n    path: data/x', '0')), ['invalid-version']);
    assert.deepEqual(ws.codes('c.connection.yaml', pin('vault: prod\n    engine: secret\n    path: data/x', 'latest')), ['invalid-version']);
    assert.deepEqual(ws.codes('d.connection.yaml', pin('vault: prod\n    engine: legacy\n    path: x', '2')), ['invalid-version']);
    assert.deepEqual(ws.codes('e.connection.yaml', pin('vault: g\n    secret: s', 'latest')), []);
    assert.deepEqual(ws.codes('f.connection.yaml', pin('vault: g\n    secret: s', '-1')), ['invalid-version']);
  });

  it('reports unknown connection and attachment fields and duplicate aliases', () => {
    const ws = new TestWorkspace();
    const text = 'name: c\nvault_secret: []\nvault_secrets:\n  - vault: prod-aws\n    alias: a\n    secret: x\n    colour: red\n  - vault: prod-aws\n    alias: a\n    secret: y\nvalue: vault.secret(a.k)\n';
    const messages = ws.validate('c.connection.yaml', text).map((d) => `${d.code}: ${d.message}`);
    assert.ok(messages.some((m) => /Unknown field `vault_secret` in a connection. Did you mean `vault_secrets`\?/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /Unknown field `colour` in a attached secret|Unknown field `colour`/.test(m)));
    assert.ok(messages.some((m) => /Alias `a` is used by another attached secret/.test(m)));
  });

  it('finds references in quoted, block and nested scalars but not in keys or comments', () => {
    const ws = new TestWorkspace();
    const text = connection(`${attach('secret', 'data/x')}value:\n  a: "vault.secret()"\n  b: 'vault.secret()'\n  c: |\n    line vault.secret()\n  vault.secret(): key\n  # vault.secret()\n  list:\n    - [vault.secret()]\n`);
    const diagnostics = ws.validate('c.connection.yaml', text).filter((d) => d.code === 'malformed-reference');
    assert.deepEqual(diagnostics.map((d) => d.range.start.line), [6, 7, 9, 13]);
  });
});
