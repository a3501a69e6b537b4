import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TestWorkspace, connection } from '../helpers/workspace';

const attached = connection('vault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/oracle\nvalue:\n  password: vault.secret(pass|word)\n');

describe('hover', () => {
  it('explains a reference: vault, provider, engine with KV version, API path and key', () => {
    const ws = new TestWorkspace();
    const value = ws.hover('c.connection.yaml', attached)!;
    assert.match(value, /\*\*Vault:\*\* `prod` \(hashicorp, `https:\/\/vault\.example\.com:8200`\)/);
    assert.match(value, /\*\*Engine:\*\* `secret` — KV v2 \(declared in the vault configuration\)/);
    assert.match(value, /\*\*API path:\*\* `\/v1\/secret\/data\/oracle`/);
    assert.match(value, /\*\*Key:\*\* `password`/);
  });

  it('says what is unknown when the vault declares no engines', () => {
    const ws = new TestWorkspace({ 'v.vault.yaml': 'name: prod\nprovider: hashicorp\n' });
    assert.match(ws.hover('c.connection.yaml', attached)!, /KV version unknown: the vault configuration declares no engines/);
  });

  it('explains an inline reference and the whole-secret key', () => {
    const ws = new TestWorkspace();
    const value = ws.hover('c.connection.yaml', 'name: c\nvalue: vault.secret(prod:team/kv/data/app.|*)\n')!;
    assert.match(value, /`\/v1\/team\/kv\/data\/app`/);
    assert.match(value, /the whole secret/);
  });

  it('explains an attachment vault name', () => {
    const ws = new TestWorkspace();
    const value = ws.hover('c.connection.yaml', 'name: c\nvault_secrets:\n  - vault: pr|od-aws\n    secret: x\nvalue: vault.secret(k)\n')!;
    assert.match(value, /`prod-aws` \(aws, region `eu-west-1`\)/);
  });

  it('shows the connection\'s owner and expiry', () => {
    const ws = new TestWorkspace();
    const value = ws.hover('c.connection.yaml', attached.replace('name: test\n', 'name: test\nowner: dba-team\nexpires: 2027-01-31\n'))!;
    assert.match(value, /\*\*Connection owner:\*\* dba-team/);
    assert.match(value, /\*\*Credentials expire:\*\* 2027-01-31/);
  });

  it('has nothing to say outside references', () => {
    const ws = new TestWorkspace();
    assert.equal(ws.hover('c.connection.yaml', 'na|me: c\n'), undefined);
  });
});

describe('definition', () => {
  it('goes from a vault name to its configuration', () => {
    const ws = new TestWorkspace();
    const position = ws.setWithCursor('c.connection.yaml', 'name: c\nvault_secrets:\n  - vault: pr|od\n');
    const [location] = ws.service.definition(ws.doc('c.connection.yaml'), 'connection', position, ws.index);
    assert.equal(location!.uri, 'file:///ws/prod.vault.yaml');
    assert.deepEqual(location!.range, { start: { line: 0, character: 6 }, end: { line: 0, character: 10 } });
  });

  it('goes from vault.secret(KEY) to the attachment it reads', () => {
    const ws = new TestWorkspace();
    const position = ws.setWithCursor('c.connection.yaml', attached);
    const [location] = ws.service.definition(ws.doc('c.connection.yaml'), 'connection', position, ws.index);
    assert.equal(location!.uri, 'file:///ws/c.connection.yaml');
    assert.equal(location!.range.start.line, 2);
  });
});
