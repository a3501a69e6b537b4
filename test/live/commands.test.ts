import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type {
  BrowseResult,
  DescribeWriteResult,
  ListVaultsResult,
  PreviewSecretResult,
  TroubleshootResult,
  WriteSecretResult,
} from '../../shared/src/customMessages';
import { newSessionKey, previewBinding, seal, unseal, writeBinding } from '../../shared/src/sealing';
import { FakeVault } from '../fakes/fakeVault';
import { editorCredentials } from '../helpers/editorCredentials';
import { makeFolder, startHarness, type Harness } from '../helpers/lspHarness';

const TOKEN = 'hvs.CANARY-cmd-token-551';
const VALUE = 'CANARY-cmd-value-0193';

describe('commands served to the VS Code client', () => {
  let fake: FakeVault;
  let h: Harness;
  let folder: ReturnType<typeof makeFolder>;
  const sessionKey = newSessionKey();
  let vaultUri = '';
  const wire: string[] = [];

  before(async () => {
    fake = await FakeVault.start();
    fake.mountKv('secret', 2);
    fake.putSecret('secret', 'oracle', { user: 'app', password: VALUE });
    fake.putSecret('secret', 'team/a', { k: 'v' });
    fake.addToken(TOKEN, {
      ttlSeconds: 3600,
      policies: [
        { path: 'secret/*', capabilities: ['read', 'list', 'create', 'update'] },
        { path: 'secret/data/locked', capabilities: ['deny'] },
      ],
    });
    folder = makeFolder({
      'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fake.address}\nengines:\n  secret: { type: kv, version: 2 }\n`,
      'app.connection.yaml': 'name: app\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/oracle\nvalue:\n  p: vault.secret(password)\n',
    });
    vaultUri = folder.file('prod.vault.yaml');
    // Started by the VS Code client (a session key): the token comes from the client, sealed.
    h = await startHarness({ folders: [folder.uri], env: { SECRETREFS_SESSION_KEY: sessionKey }, onCredential: editorCredentials(sessionKey, () => ({ kind: 'token', token: TOKEN })) });
    const send = h.client.sendRequest.bind(h.client) as (method: string, params?: unknown) => Promise<unknown>;
    (h.client as { sendRequest: unknown }).sendRequest = async (method: string, params?: unknown) => {
      const result = await send(method, params);
      wire.push(JSON.stringify([method, params, result]));
      return result;
    };
    await h.waitForDiagnostics(folder.file('app.connection.yaml'), () => true).catch(() => undefined);
  });

  after(async () => {
    await h.dispose();
    await fake.stop();
    folder.dispose();
  });

  it('lists vault configurations with their address, access and token TTL', async () => {
    const { vaults } = (await h.client.sendRequest('secretRefs/listVaults')) as ListVaultsResult;
    assert.equal(vaults.length, 1);
    assert.equal(vaults[0]!.name, 'prod');
    assert.equal(vaults[0]!.address, fake.address);
    let ttl: number | undefined;
    for (let i = 0; i < 50 && ttl === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      ttl = ((await h.client.sendRequest('secretRefs/listVaults')) as ListVaultsResult).vaults[0]!.tokenTtlSeconds;
    }
    assert.ok(ttl !== undefined && ttl > 3500 && ttl <= 3600, String(ttl));
  });

  it('browses engines, then folders', async () => {
    const engines = (await h.client.sendRequest('secretRefs/browse', { vaultUri })) as BrowseResult;
    assert.deepEqual(engines.engines, [{ path: 'secret', kvVersion: 2 }]);
    const root = (await h.client.sendRequest('secretRefs/browse', { vaultUri, engine: 'secret', folder: '' })) as BrowseResult;
    assert.deepEqual(root.entries, ['oracle', 'team/']);
  });

  it('describes a write with the full API path and the next version', async () => {
    const d = (await h.client.sendRequest('secretRefs/describeWrite', { vaultUri, engine: 'secret', path: 'oracle' })) as DescribeWriteResult;
    assert.equal(d.apiPath, '/v1/secret/data/oracle');
    assert.equal(d.currentVersion, 1);
    assert.equal(d.nextVersion, 2);
    assert.deepEqual(d.keys.sort(), ['password', 'user']);
    const fresh = (await h.client.sendRequest('secretRefs/describeWrite', { vaultUri, engine: 'secret', path: 'new/one' })) as DescribeWriteResult;
    assert.equal(fresh.currentVersion, 0);
  });

  it('writes with check-and-set and detects a concurrent change', async () => {
    const data = seal(sessionKey, JSON.stringify({ user: 'app', password: 'n3w' }), writeBinding(vaultUri, 'secret', 'oracle'));
    const ok = (await h.client.sendRequest('secretRefs/writeSecret', { vaultUri, engine: 'secret', path: 'oracle', sealedData: data, cas: 1 })) as WriteSecretResult;
    assert.deepEqual(ok, { ok: true, version: 2 });
    const stale = (await h.client.sendRequest('secretRefs/writeSecret', { vaultUri, engine: 'secret', path: 'oracle', sealedData: data, cas: 1 })) as WriteSecretResult;
    assert.equal(stale.ok, false);
    assert.equal(!stale.ok && stale.reason, 'cas-conflict');
    assert.equal(fake.readSecret('secret', 'oracle')?.password, 'n3w');
  });

  it('refuses data sealed for another target', async () => {
    const data = seal(sessionKey, JSON.stringify({ a: 'b' }), writeBinding(vaultUri, 'secret', 'elsewhere'));
    const result = (await h.client.sendRequest('secretRefs/writeSecret', { vaultUri, engine: 'secret', path: 'oracle', sealedData: data, cas: 2 })) as WriteSecretResult;
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, 'invalid');
  });

  it('previews a value only sealed, for the reference under the cursor', async () => {
    fake.putSecret('secret', 'oracle', { user: 'app', password: VALUE });
    await h.client.sendRequest('secretRefs/resetCache');
    const uri = folder.file('app.connection.yaml');
    h.open(uri, 'name: app\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/oracle\nvalue:\n  p: vault.secret(password)\n');
    const result = (await h.client.sendRequest('secretRefs/previewSecret', { textDocument: { uri }, position: { line: 6, character: 10 } })) as PreviewSecretResult;
    assert.equal(result.ok, true);
    if (!result.ok) return;
    assert.ok(!JSON.stringify(result).includes(VALUE), 'the value is sealed on the wire');
    assert.deepEqual(JSON.parse(unseal(sessionKey, result.sealed, previewBinding(uri, 6, 10))!), { value: VALUE });
    assert.match(result.label, /prod:secret\/data\/oracle key password/);
    assert.equal(result.versions.length, 3);
  });

  it('troubleshoots step by step', async () => {
    const report = (await h.client.sendRequest('secretRefs/troubleshoot', { vaultUri })) as TroubleshootResult;
    const byName = Object.fromEntries(report.steps.map((s) => [s.name, s]));
    assert.equal(byName.Credentials?.status, 'ok');
    assert.equal(byName['Reachable, TLS and authenticated']?.status, 'ok');
    assert.match(byName['Token TTL']!.detail, /Expires in (60 min|1 h)/);
    assert.equal(byName['Engine secret']?.status, 'ok');
    assert.match(byName['Capabilities on secret/data/oracle']!.detail, /read/);
  });

  it('reports an unreachable vault in the troubleshooting report', async () => {
    fake.faults.set({ kind: 'status', status: 503 });
    await h.client.sendRequest('secretRefs/resetCache');
    const report = (await h.client.sendRequest('secretRefs/troubleshoot', { vaultUri })) as TroubleshootResult;
    fake.faults.clear();
    const step = report.steps.find((s) => s.name === 'Reachable, TLS and authenticated')!;
    assert.equal(step.status, 'error');
    assert.match(step.detail, /503/);
  });

  it('never puts the token or a value in plain text on the wire', () => {
    const all = wire.join('\n') + JSON.stringify(h.notifications);
    assert.ok(!all.includes(TOKEN));
    assert.ok(!all.includes(VALUE));
    assert.ok(!all.includes('n3w'));
  });
});

describe('vault status for the client', () => {
  it('reports a vault whose token lookup fails as failed (shown as unreachable)', async () => {
    const fake = await FakeVault.start();
    const folder = makeFolder({ 'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fake.address}\n` });
    const h = await startHarness({ folders: [folder.uri], env: { VAULT_TOKEN: 'hvs.unknown-token', SECRETREFS_TRUSTED_ADDRESSES: fake.address } });
    try {
      let access = '';
      for (let i = 0; i < 100 && access !== 'failed'; i++) {
        access = ((await h.client.sendRequest('secretRefs/listVaults')) as ListVaultsResult).vaults[0]?.access ?? '';
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(access, 'failed');
    } finally {
      await h.dispose();
      await fake.stop();
      folder.dispose();
    }
  });
});
