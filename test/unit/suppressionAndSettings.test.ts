import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TestWorkspace, connection } from '../helpers/workspace';

const broken = connection('vault_secrets:\n  - vault: prod\n    engine: secret\n    # secretrefs-disable-next-line kv2-missing-data-prefix\n    path: oracle\nvalue: vault.secret(k)\n');

describe('suppression', () => {
  it('silences the named code on the next line only', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.codes('c.connection.yaml', broken), []);
    const twoLinesDown = broken.replace('    path: oracle\n', '    alias: a\n    path: oracle\n');
    assert.deepEqual(ws.codes('d.connection.yaml', twoLinesDown), ['kv2-missing-data-prefix']);
  });

  it('silences every code when none is named, and only named codes otherwise', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.codes('c.connection.yaml', broken.replace(' kv2-missing-data-prefix', '')), []);
    assert.deepEqual(ws.codes('d.connection.yaml', broken.replace(' kv2-missing-data-prefix', ' unknown-vault')), ['kv2-missing-data-prefix']);
  });

  it('honours secretRefs.diagnostics.disabled', () => {
    const ws = new TestWorkspace(undefined, { disabled: ['kv2-missing-data-prefix'] });
    assert.deepEqual(ws.codes('c.connection.yaml', broken.replace('    # secretrefs-disable-next-line kv2-missing-data-prefix\n', '')), []);
  });
});
