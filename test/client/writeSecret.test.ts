import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  browseRequest,
  describeWriteRequest,
  writeSecretRequest,
  type BrowseParams,
  type DescribeWriteResult,
  type SecretTargetParams,
  type WriteSecretParams,
  type WriteSecretResult,
} from '../../shared/src/customMessages';
import { unseal, writeBinding } from '../../shared/src/sealing';
import { keyProblem, secretNameProblem } from '../../client/src/commands/writeSecret';
import type { Harness, PromptCall } from './fakes';
import { everythingButSecrets, started, vaults } from './helpers';

interface FakeVaultServer {
  describes: SecretTargetParams[];
  writes: WriteSecretParams[];
  /** Answers of writeSecret, in order (then ok). */
  writeResults: WriteSecretResult[];
  /** The current version describeWrite reports, per call (last one repeats). */
  versions: number[];
}

function fakeVault(h: Harness): FakeVaultServer {
  const server: FakeVaultServer = { describes: [], writes: [], writeResults: [], versions: [3] };
  h.responders.set(browseRequest, (p: BrowseParams) => {
    if (p.vaultUri === vaults.aws.uri) return { entries: ['api-key', 'payments/db'] };
    if (p.engine === undefined) return { engines: [{ path: 'secret', kvVersion: 2 }, { path: 'legacy', kvVersion: 1 }] };
    if (p.folder === '') return { entries: ['apps/', 'oracle'] };
    if (p.folder === 'apps/') return { entries: ['billing'] };
    return { entries: [] };
  });
  h.responders.set(describeWriteRequest, (p: SecretTargetParams): DescribeWriteResult => {
    server.describes.push(p);
    const current = server.versions[Math.min(server.describes.length - 1, server.versions.length - 1)]!;
    const exists = p.path === 'oracle';
    return {
      apiPath: p.engine ? `/v1/${p.engine}/data/${p.path}` : p.path,
      kvVersion: 2,
      currentVersion: exists ? current : 0,
      nextVersion: exists ? current + 1 : 1,
      keys: exists ? ['user', 'password'] : [],
    };
  });
  h.responders.set(writeSecretRequest, (p: WriteSecretParams): WriteSecretResult => {
    server.writes.push(p);
    return server.writeResults.shift() ?? { ok: true, version: Number(p.cas) + 1 };
  });
  return server;
}

function data(h: Harness, p: WriteSecretParams): Record<string, string> {
  const plain = unseal(h.lastClient.sessionKey, p.sealedData, writeBinding(p.vaultUri, p.engine, p.path));
  assert.ok(plain !== undefined, 'sealed for this vault, engine and path');
  return JSON.parse(plain) as Record<string, string>;
}

const happy = ['prod', 'secret', 'oracle', 'password', 'p@ss\nword', 'Add a key...', 'host', 'db.example.com', 'Done', 'Write'];

describe('Write Secret...', () => {
  it('browses engine and path, collects keys and values, confirms the API path and version, writes with check-and-set', async () => {
    let server!: FakeVaultServer;
    const s = await started((h) => {
      server = fakeVault(h);
    });
    s.h.window.answer(...happy);
    await s.run('secretRefs.writeSecret');
    assert.equal(s.h.window.answers.length, 0, 'every scripted answer was used');
    assert.deepEqual(server.describes, [{ vaultUri: vaults.prod.uri, engine: 'secret', path: 'oracle' }]);
    const confirm = s.h.window.prompts.find((p) => p.kind === 'message' && p.options?.modal)!;
    assert.equal(confirm.message, 'Write version 4 of /v1/secret/data/oracle in vault "prod"?');
    assert.match(confirm.options.detail, /Keys: password, host\./);
    assert.match(confirm.options.detail, /Not in the new version: user/);
    assert.match(confirm.options.detail, /fails if the secret changed after version 3/);
    assert.equal(server.writes.length, 1);
    const write = server.writes[0]!;
    assert.deepEqual({ ...write, sealedData: undefined }, { vaultUri: vaults.prod.uri, engine: 'secret', path: 'oracle', cas: 3, sealedData: undefined });
    assert.deepEqual(data(s.h, write), { password: 'p@ss\nword', host: 'db.example.com' }, 'values keep their newlines');
    assert.ok(!JSON.stringify(write).includes('p@ss'), 'the value is sealed on the wire');
    assert.ok(!everythingButSecrets(s.h).includes('p@ss'), 'never logged or shown');
    assert.match(s.h.window.texts('info').at(-1)!, /wrote version 4 of \/v1\/secret\/data\/oracle/);
    // Values are asked with a password input.
    const valueInputs = s.h.window.prompts.filter((p) => p.kind === 'inputBox' && p.options.title?.startsWith('Value of'));
    assert.equal(valueInputs.length, 2);
    assert.ok(valueInputs.every((p) => p.options.password === true));
  });

  it('warns when the secret manager saw another version added at the same moment (non-atomic check-and-set)', async () => {
    const s = await started((h) => {
      fakeVault(h).writeResults.push({ ok: true, version: 5, raced: true });
    });
    s.h.window.answer(...happy);
    await s.run('secretRefs.writeSecret');
    assert.equal(s.h.window.texts('info').length, 0, 'no plain success message');
    assert.match(s.h.window.texts('warning').at(-1)!, /wrote version 5 of \/v1\/secret\/data\/oracle, but someone else added a version at the same moment/);
  });

  it('cancelling at any step writes nothing', async () => {
    // Steps 3..7 cancel an input box, which returns to the key list; the list is then cancelled too.
    for (let k = 0; k < happy.length; k++) {
      let server!: FakeVaultServer;
      const s = await started((h) => {
        server = fakeVault(h);
      });
      s.h.window.answer(...happy.slice(0, k));
      await s.run('secretRefs.writeSecret');
      assert.equal(server.writes.length, 0, `step ${k}`);
      assert.equal(s.h.window.texts('error').length, 0, `step ${k}`);
    }
  });

  it('browses into folders, back up, and creates a new secret in a folder', async () => {
    let server!: FakeVaultServer;
    const s = await started((h) => {
      server = fakeVault(h);
    });
    s.h.window.answer('prod', 'secret', 'apps/', '..', 'apps/', 'New secret here...', 'new/thing', 'Add a key...', 'k', 'v', 'Done', 'Write');
    await s.run('secretRefs.writeSecret');
    assert.deepEqual(server.describes, [{ vaultUri: vaults.prod.uri, engine: 'secret', path: 'apps/new/thing' }]);
    const confirm = s.h.window.prompts.find((p) => p.kind === 'message' && p.options?.modal)!;
    assert.equal(confirm.message, 'Write version 1 of /v1/secret/data/apps/new/thing in vault "prod"?');
    assert.match(confirm.options.detail, /does not exist yet/);
    assert.equal(server.writes[0]!.cas, 0);
    const browsed = s.h.sent(browseRequest).map((p: BrowseParams) => p.folder);
    assert.deepEqual(browsed, [undefined, '', 'apps/', '', 'apps/']);
  });

  it('picks among the secret names of a non-HashiCorp vault', async () => {
    let server!: FakeVaultServer;
    const s = await started((h) => {
      server = fakeVault(h);
    });
    s.h.window.answer('payments', 'api-key', 'Add a key...', 'token', 't0k', 'Done', 'Write');
    await s.run('secretRefs.writeSecret');
    assert.deepEqual(server.describes, [{ vaultUri: vaults.aws.uri, path: 'api-key' }]);
    assert.deepEqual(data(s.h, server.writes[0]!), { token: 't0k' });
    assert.equal(server.writes[0]!.engine, undefined);
  });

  it('on a check-and-set conflict says so, offers Reload, keeps the entered keys, and writes only after a new confirmation', async () => {
    let server!: FakeVaultServer;
    const s = await started((h) => {
      server = fakeVault(h);
      server.writeResults = [{ ok: false, reason: 'cas-conflict', message: 'check-and-set parameter did not match the current version' }];
      server.versions = [3, 5];
    });
    s.h.window.answer(...happy, 'Reload', 'Done', 'Write');
    await s.run('secretRefs.writeSecret');
    const conflict = s.h.window.prompts.find((p) => p.kind === 'message' && p.items?.includes('Reload'))!;
    assert.match(conflict.message!, /Someone else changed \/v1\/secret\/data\/oracle after version 3/);
    assert.match(conflict.message!, /nothing was written/);
    assert.equal(server.describes.length, 2, 'reloaded from describeWrite');
    const confirms = s.h.window.prompts.filter((p) => p.kind === 'message' && p.options?.modal);
    assert.equal(confirms.length, 2, 'confirmed again');
    assert.equal(confirms[1]!.message, 'Write version 6 of /v1/secret/data/oracle in vault "prod"?');
    assert.deepEqual(server.writes.map((w) => w.cas), [3, 5]);
    assert.deepEqual(data(s.h, server.writes[1]!), { password: 'p@ss\nword', host: 'db.example.com' });
  });

  it('after a conflict, no second write happens without Reload and confirmation', async () => {
    for (const after of [[], ['Reload'], ['Reload', 'Done']]) {
      let server!: FakeVaultServer;
      const s = await started((h) => {
        server = fakeVault(h);
        server.writeResults = [{ ok: false, reason: 'cas-conflict', message: 'conflict' }];
      });
      s.h.window.answer(...happy, ...after);
      await s.run('secretRefs.writeSecret');
      assert.equal(server.writes.length, 1, JSON.stringify(after));
    }
  });

  it('says why a write failed and changes nothing else', async () => {
    let server!: FakeVaultServer;
    const s = await started((h) => {
      server = fakeVault(h);
      server.writeResults = [{ ok: false, reason: 'permission-denied', message: 'permission denied on secret/data/oracle' }];
    });
    s.h.window.answer(...happy);
    await s.run('secretRefs.writeSecret');
    assert.equal(server.writes.length, 1);
    assert.match(s.h.window.texts('error')[0]!, /nothing was written to \/v1\/secret\/data\/oracle: permission denied on secret\/data\/oracle/);
    assert.equal(s.h.workspace.fs.writes.length, 0);
  });

  it('rejects empty and duplicate keys; a key can be changed or removed before Done', async () => {
    let server!: FakeVaultServer;
    const s = await started((h) => {
      server = fakeVault(h);
    });
    s.h.window.answer(
      'prod',
      'secret',
      'oracle',
      'Add a key...',
      async (call: PromptCall) => {
        const v = call.options.validateInput;
        assert.equal(await v(''), 'Enter a key name.');
        assert.equal(await v('   '), 'Enter a key name.');
        assert.match(await v(' a'), /cannot start or end with spaces/);
        return 'a';
      },
      '1',
      'Add a key...',
      async (call: PromptCall) => {
        assert.match(await call.options.validateInput('a'), /already set/);
        return 'b';
      },
      '2',
      'Remove a',
      'b',
      'changed',
      'Done',
      'Write',
    );
    await s.run('secretRefs.writeSecret');
    assert.deepEqual(data(s.h, server.writes[0]!), { b: 'changed' });
  });

  it('accepts an empty value and values with several lines', async () => {
    let server!: FakeVaultServer;
    const s = await started((h) => {
      server = fakeVault(h);
    });
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\r\nxyz\n-----END CERTIFICATE-----\n';
    s.h.window.answer('prod', 'secret', 'oracle', 'Add a key...', 'empty', '', 'Add a key...', 'cert', pem, 'Done', 'Write');
    await s.run('secretRefs.writeSecret');
    assert.deepEqual(data(s.h, server.writes[0]!), { empty: '', cert: pem });
  });

  it('validates new secret names', () => {
    assert.equal(secretNameProblem(''), 'Enter the name of the secret.');
    assert.match(secretNameProblem('/x')!, /start or end with "\/"/);
    assert.match(secretNameProblem('x/')!, /start or end with "\/"/);
    assert.match(secretNameProblem('a//b')!, /empty path segment/);
    assert.equal(secretNameProblem('a/b'), undefined);
    assert.equal(keyProblem('x', new Set(['x'])), 'Key "x" is already set; pick it in the list to change its value.');
  });

  it('reports errors from browse and describeWrite and writes nothing', async () => {
    const s = await started((h) => {
      fakeVault(h);
      h.responders.set(browseRequest, () => ({ error: 'no credentials for vault "prod"' }));
    });
    s.h.window.answer('prod');
    await s.run('secretRefs.writeSecret');
    assert.match(s.h.window.texts('error')[0]!, /cannot list the engines of "prod": no credentials/);
    assert.equal(s.h.sent(describeWriteRequest).length, 0);

    let server!: FakeVaultServer;
    const t = await started((h) => {
      server = fakeVault(h);
      h.responders.set(describeWriteRequest, () => ({ apiPath: '', currentVersion: 0, keys: [], error: 'permission denied' }));
    });
    t.h.window.answer('prod', 'secret', 'oracle');
    await t.run('secretRefs.writeSecret');
    assert.match(t.h.window.texts('error')[0]!, /cannot write oracle in "prod": permission denied/);
    assert.equal(server.writes.length, 0);
  });

  it('offers only enabled vaults', async () => {
    const s = await started((h) => void fakeVault(h));
    await s.run('secretRefs.writeSecret');
    const labels = (s.h.window.prompts[0]!.items as { label: string }[]).map((i) => i.label);
    assert.ok(labels.includes('prod') && !labels.includes('old'));
  });

  it('needs a trusted workspace', async () => {
    const s = await started((h) => {
      fakeVault(h);
      h.workspace.isTrusted = false;
    });
    await s.run('secretRefs.writeSecret');
    assert.match(s.h.window.texts('warning')[0]!, /Writing a secret needs a trusted workspace/);
    assert.equal(s.h.sent(browseRequest).length, 0);
  });
});
