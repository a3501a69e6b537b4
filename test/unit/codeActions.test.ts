import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TestWorkspace, connection } from '../helpers/workspace';

const withPath = (engine: string, path: string) => connection(`vault_secrets:\n  - vault: prod\n    engine: ${engine}\n    path: ${path}\nvalue: vault.secret(k)\n`);

describe('quick fixes', () => {
  it('inserts data/ on a KV v2 path, and the result is clean', () => {
    const ws = new TestWorkspace();
    ws.set('c.connection.yaml', withPath('secret', 'oracle'));
    const fixed = ws.fix('c.connection.yaml', 'kv2-missing-data-prefix');
    assert.match(fixed, /path: data\/oracle\n/);
    assert.deepEqual(ws.codes('c.connection.yaml', fixed), []);
  });

  it('inserts data/ in an inline reference', () => {
    const ws = new TestWorkspace();
    ws.set('c.connection.yaml', 'name: c\nvalue: vault.secret(prod:secret/oracle.k)\n');
    assert.match(ws.fix('c.connection.yaml', 'kv2-missing-data-prefix'), /vault\.secret\(prod:secret\/data\/oracle\.k\)/);
  });

  it('removes data/ on KV v1', () => {
    const ws = new TestWorkspace();
    ws.set('c.connection.yaml', withPath('legacy', 'data/mail'));
    assert.match(ws.fix('c.connection.yaml', 'kv1-unexpected-data-prefix'), /path: mail\n/);
  });

  it('replaces a non-data KV v2 path with data/', () => {
    const ws = new TestWorkspace();
    ws.set('c.connection.yaml', withPath('secret', 'metadata/oracle'));
    assert.match(ws.fix('c.connection.yaml', 'kv2-non-data-path'), /path: data\/oracle\n/);
  });

  it('drops the repeated engine', () => {
    const ws = new TestWorkspace();
    ws.set('c.connection.yaml', withPath('secret', 'secret/data/oracle'));
    const fixed = ws.fix('c.connection.yaml', 'engine-in-path');
    assert.match(fixed, /path: data\/oracle\n/);
    assert.deepEqual(ws.codes('c.connection.yaml', fixed), []);
  });

  it('renames an unknown vault to the nearest name', () => {
    const ws = new TestWorkspace();
    ws.set('c.connection.yaml', 'name: c\nvault_secrets:\n  - vault: prdo\n    engine: secret\n    path: data/x\nvalue: vault.secret(k)\n');
    assert.match(ws.fix('c.connection.yaml', 'unknown-vault'), /vault: prod\n/);
  });

  it('offers no fix for a diagnostic the client no longer shows', () => {
    const ws = new TestWorkspace();
    const doc = ws.set('c.connection.yaml', withPath('secret', 'oracle'));
    const diagnostic = ws.validate('c.connection.yaml')[0]!;
    const stale = { ...diagnostic, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } };
    assert.deepEqual(ws.service.codeActions(doc, 'connection', diagnostic.range, [stale], ws.index), []);
  });
});
