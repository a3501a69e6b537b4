import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browseRequest, moveToVaultRequest, type BrowseParams, type MoveToVaultParams, type MoveToVaultResult } from '../../shared/src/customMessages';
import { started, vaults } from './helpers';

const args = { uri: 'file:///ws/app.connection.yaml', version: 3, range: { start: { line: 4, character: 15 }, end: { line: 4, character: 22 } }, key: 'db_password' };

async function withServer(result: MoveToVaultResult = { ok: true, reference: 'vault.secret(db_password)', version: 1 }) {
  const moves: MoveToVaultParams[] = [];
  const s = await started((h) => {
    h.responders.set(browseRequest, (p: BrowseParams) => (p.engine === undefined ? { engines: [{ path: 'secret', kvVersion: 2 }] } : { entries: ['oracle'] }));
    h.responders.set(moveToVaultRequest, (p: MoveToVaultParams) => {
      moves.push(p);
      return result;
    });
  });
  return { s, moves };
}

const happy = ['prod', 'secret', 'New secret here...', 'apps/billing', 'db_password', 'Move'];

describe('Move to vault...', () => {
  it('picks vault, engine, path and key, confirms, and lets the server write then edit', async () => {
    const { s, moves } = await withServer();
    s.h.window.answer(...happy);
    await s.run('secretRefs.moveToVault', args);
    assert.deepEqual(moves, [
      { textDocument: { uri: args.uri, version: 3 }, range: args.range, vaultUri: vaults.prod.uri, engine: 'secret', path: 'apps/billing', key: 'db_password' },
    ]);
    const confirm = s.h.window.prompts.find((p) => p.kind === 'message' && p.options?.modal)!;
    assert.match(confirm.options.detail, /If the write fails, nothing changes/);
    assert.match(s.h.window.texts('info').at(-1)!, /now reads vault\.secret\(db_password\)/);
  });

  it('cancelling at any step sends nothing', async () => {
    for (let k = 0; k < happy.length; k++) {
      const { s, moves } = await withServer();
      s.h.window.answer(...happy.slice(0, k));
      await s.run('secretRefs.moveToVault', args);
      assert.equal(moves.length, 0, `step ${k}`);
    }
  });

  it('says why when the server could not write, and changes nothing', async () => {
    const { s } = await withServer({ ok: false, message: 'Nothing was changed: permission denied' });
    s.h.window.answer(...happy);
    await s.run('secretRefs.moveToVault', args);
    assert.match(s.h.window.texts('error').at(-1)!, /Nothing was changed: permission denied/);
  });

  it('without the quick fix\'s arguments, explains where to find it', async () => {
    const { s, moves } = await withServer();
    await s.run('secretRefs.moveToVault');
    assert.equal(moves.length, 0);
    assert.match(s.h.window.texts('info').at(-1)!, /quick fixes of a hard-coded credential/);
  });
});
