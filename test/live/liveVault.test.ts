import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { CompletionList, Hover } from 'vscode-languageserver-protocol';
import { FakeVault } from '../fakes/fakeVault';
import { codes, makeFolder, startHarness, type Harness } from '../helpers/lspHarness';

const CANARY_TOKEN = 'hvs.CANARY-TOKEN-7f3a91';
const CANARY_VALUES = ['CANARY-VALUE-user-4411', 'CANARY-VALUE-pw-8812', 'CANARY-VALUE-old-2231'];

const connection = (attachments: string, value: string) => `name: c\nvault_secrets:\n${attachments}value:\n${value}`;
const hashicorp = (path: string, extra = '', engine = 'secret') => `  - vault: prod\n    engine: ${engine}\n    path: ${path}\n${extra}`;

describe('live HashiCorp Vault over the language server', () => {
  let fake: FakeVault;
  let h: Harness;
  let folder: ReturnType<typeof makeFolder>;
  let n = 0;
  const responses: unknown[] = [];
  const next = () => folder.file(`c${++n}.connection.yaml`);

  before(async () => {
    fake = await FakeVault.start();
    fake.mountKv('secret', 2);
    fake.mountKv('legacy', 1);
    fake.putSecret('secret', 'oracle', { user: CANARY_VALUES[0], password: CANARY_VALUES[1] }, { customMetadata: { owner: 'dba-team' } });
    fake.putSecret('secret', 'forbidden', { password: CANARY_VALUES[1] });
    fake.putSecret('secret', 'gone', { password: CANARY_VALUES[2] });
    fake.putSecret('secret', 'gone', { password: CANARY_VALUES[1] });
    fake.deleteVersion('secret', 'gone', 2);
    fake.putSecret('secret', 'burnt', { password: CANARY_VALUES[2] });
    fake.destroyVersion('secret', 'burnt', 1);
    fake.putSecret('secret', 'app/one', { k: CANARY_VALUES[0] });
    fake.putSecret('secret', 'app/two', { k: CANARY_VALUES[0] });
    fake.putSecret('legacy', 'mail', { relay: CANARY_VALUES[0] });
    fake.addToken(CANARY_TOKEN, {
      policies: [
        { path: 'secret/data/*', capabilities: ['read'] },
        { path: 'secret/data/forbidden', capabilities: ['deny'] },
        { path: 'secret/subkeys/*', capabilities: ['read'] },
        { path: 'secret/subkeys/forbidden', capabilities: ['deny'] },
        { path: 'secret/metadata/*', capabilities: ['read', 'list'] },
        { path: 'legacy/*', capabilities: ['read', 'list'] },
        { path: 'sys/mounts', capabilities: ['read'] },
      ],
    });
    folder = makeFolder({
      'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fake.address}\nengines:\n  secret: { type: kv, version: 2 }\n  legacy: { type: kv, version: 2 }\n`,
    });
    h = await startHarness({
      folders: [folder.uri],
      // The fake's loopback address is trusted explicitly: credentials from the environment go nowhere else.
      env: { VAULT_TOKEN: CANARY_TOKEN, SECRETREFS_TRUSTED_ADDRESSES: fake.address },
      liveBudgetMs: 3000,
      initializationOptions: { settings: { live: { timeoutSeconds: 2 } } },
    });
    const send = h.client.sendRequest.bind(h.client) as (method: string, params?: unknown) => Promise<unknown>;
    (h.client as { sendRequest: unknown }).sendRequest = async (method: string, params?: unknown) => {
      const result = await send(method, params);
      responses.push(result);
      return result;
    };
  });

  after(async () => {
    await h.dispose();
    await fake.stop();
    folder.dispose();
  });

  async function diagnose(text: string, predicate: (c: string[]) => boolean): Promise<string[]> {
    const uri = next();
    h.open(uri, text);
    return codes(await h.waitForDiagnostics(uri, (d) => predicate(codes(d)), 8000));
  }

  it('accepts a readable secret and its keys', async () => {
    const uri = next();
    h.open(uri, connection(hashicorp('data/oracle'), '  user: vault.secret(user)\n  password: vault.secret(password)\n'));
    // Let the live round trip happen, then expect nothing.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(codes(await h.waitForDiagnostics(uri, () => true)), []);
  });

  it('reports a key the secret lacks, with the nearest one', async () => {
    const uri = next();
    h.open(uri, connection(hashicorp('data/oracle'), '  password: vault.secret(pasword)\n'));
    const [d] = await h.waitForDiagnostics(uri, (d) => codes(d).includes('unknown-key'), 8000);
    assert.match(d!.message, /has no key `pasword`\. Did you mean `password`\?/);
  });

  it('reports secret-not-found, secret-deleted, secret-destroyed and version-not-found', async () => {
    assert.deepEqual(await diagnose(connection(hashicorp('data/missing'), '  p: vault.secret(password)\n'), (c) => c.length > 0), ['secret-not-found']);
    assert.deepEqual(await diagnose(connection(hashicorp('data/gone'), '  p: vault.secret(password)\n'), (c) => c.length > 0), ['secret-deleted']);
    assert.deepEqual(await diagnose(connection(hashicorp('data/burnt'), '  p: vault.secret(password)\n'), (c) => c.length > 0), ['secret-destroyed']);
    assert.deepEqual(await diagnose(connection(hashicorp('data/oracle', '    version: 9\n'), '  p: vault.secret(password)\n'), (c) => c.length > 0), ['version-not-found']);
  });

  it('reports permission-denied with the path and the policy stanza that would grant it', async () => {
    const uri = next();
    h.open(uri, connection(hashicorp('data/forbidden'), '  p: vault.secret(password)\n'));
    const [d] = await h.waitForDiagnostics(uri, (d) => d.length > 0, 8000);
    assert.equal(d!.code, 'permission-denied');
    assert.match(d!.message, /`read` capability on `secret\/data\/forbidden`/);
    assert.match(d!.message, /path "secret\/data\/forbidden" \{ capabilities = \["read"\] \}/);
  });

  it('uses the live KV version over a wrong declaration, and reports the declaration', async () => {
    // Offline, the declaration (KV v2) asks for data/; the server's KV v1 then clears it.
    assert.deepEqual(await diagnose(connection(hashicorp('mail', '', 'legacy'), '  r: vault.secret(relay)\n'), (c) => c.length === 0), []);
    const vaultUri = folder.file('prod.vault.yaml');
    h.open(vaultUri, `name: prod\nprovider: hashicorp\nurl: ${fake.address}\nengines:\n  secret: { type: kv, version: 2 }\n  legacy: { type: kv, version: 2 }\n`);
    const diagnostics = await h.waitForDiagnostics(vaultUri, (d) => d.length > 0, 8000);
    assert.deepEqual(codes(diagnostics), ['declared-engine-mismatch']);
    assert.match(diagnostics[0]!.message, /declared as KV v2, but the server mounts KV v1/);
    h.close(vaultUri);
  });

  it('reports an engine that is not mounted', async () => {
    const uri = next();
    h.open(uri, connection(hashicorp('data/x', '', 'nope'), '  p: vault.secret(k)\n'));
    const diagnostics = await h.waitForDiagnostics(uri, (d) => d.some((x) => /mounted/.test(x.message)), 8000);
    assert.deepEqual(codes(diagnostics), ['unknown-engine']);
  });

  it('completes paths level by level and keys from the server, without values', async () => {
    const uri = next();
    const text = connection(hashicorp('data/app/'), '  p: vault.secret()\n');
    h.open(uri, text);
    await h.waitForDiagnostics(uri, () => true, 8000);
    const paths = (await h.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 4, character: 19 } })) as CompletionList;
    assert.deepEqual(paths.items.map((i) => i.label).sort(), ['data/app/one', 'data/app/two']);
    const uri2 = next();
    h.open(uri2, connection(hashicorp('data/oracle'), '  p: vault.secret()\n'));
    const keys = (await h.client.sendRequest('textDocument/completion', { textDocument: { uri: uri2 }, position: { line: 6, character: 18 } })) as CompletionList;
    const fromServer = keys.items.filter((i) => i.documentation === 'A key of this secret in the secret manager.');
    assert.deepEqual(fromServer.map((i) => i.label).sort(), ['password', 'user']);
  });

  it('hovers with metadata, versions and capabilities, never a value', async () => {
    const uri = next();
    h.open(uri, connection(hashicorp('data/oracle'), '  p: vault.secret(password)\n'));
    await h.waitForDiagnostics(uri, () => true, 8000);
    const hover = (await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 20 } })) as Hover;
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /Current version:\*\* 1/);
    assert.match(text, /\*\*Metadata owner:\*\* dba-team/);
    assert.match(text, /Capabilities on `secret\/data\/oracle`:\*\* read/);
  });

  it('sees a changed secret after the cache is reset, not before', async () => {
    const uri = next();
    h.open(uri, connection(hashicorp('data/oracle'), '  t: vault.secret(token)\n'));
    await h.waitForDiagnostics(uri, (d) => codes(d).includes('unknown-key'), 8000);
    fake.putSecret('secret', 'oracle', { user: CANARY_VALUES[0], password: CANARY_VALUES[1], token: CANARY_VALUES[2] });
    h.change(uri, connection(hashicorp('data/oracle'), '  t: vault.secret(token)\n  u: vault.secret(user)\n'), 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(codes(h.diagnostics.get(uri)!).includes('unknown-key'), 'cached facts are used until reset');
    await h.client.sendRequest('secretRefs/resetCache');
    await h.waitForDiagnostics(uri, (d) => d.length === 0, 8000);
  });

  it('reads each secret once per TTL however many references use it', async () => {
    const before = fake.countRequests((r) => r.path.startsWith('secret/subkeys/app/one'));
    const refs = Array.from({ length: 20 }, (_, i) => `  k${i}: vault.secret(k)\n`).join('');
    for (let i = 0; i < 5; i++) await diagnose(connection(hashicorp('data/app/one'), refs), () => true);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fake.countRequests((r) => r.path.startsWith('secret/subkeys/app/one')) - before, 1);
  });

  it('reports an unreachable Vault as a warning with the cause, and recovers', async () => {
    fake.faults.set({ kind: 'status', status: 503, pathPrefix: 'secret/subkeys/app/two' });
    const uri = next();
    h.open(uri, connection(hashicorp('data/app/two'), '  p: vault.secret(k)\n'));
    const [d] = await h.waitForDiagnostics(uri, (d) => d.length > 0, 8000);
    assert.equal(d!.code, 'vault-unreachable');
    assert.equal(d!.severity, 2);
    assert.match(d!.message, /503/);
    fake.faults.clear();
    await h.client.sendRequest('secretRefs/resetCache');
    await h.waitForDiagnostics(uri, (d) => d.length === 0, 8000);
  });

  it('checks inline references live: the engine comes from the server', async () => {
    assert.deepEqual(await diagnose('name: c\nvalue:\n  p: vault.secret(prod:secret/data/oracle.pasword)\n', (c) => c.length > 0), ['unknown-key']);
    assert.deepEqual(await diagnose('name: c\nvalue:\n  p: vault.secret(prod:legacy/mail.relay)\n  q: vault.secret(prod:legacy/nothing.k)\n', (c) => c.includes('secret-not-found')), ['secret-not-found']);
  });

  for (const [fault, expected] of [
    [{ kind: 'status', status: 500 }, 'vault-unreachable'],
    [{ kind: 'status', status: 429 }, 'vault-unreachable'],
    [{ kind: 'status', status: 403 }, 'permission-denied'],
    [{ kind: 'status', status: 404 }, 'secret-not-found'],
    [{ kind: 'malformed' }, 'vault-unreachable'],
    [{ kind: 'hang' }, 'vault-unreachable'],
    [{ kind: 'close' }, 'vault-unreachable'],
  ] as const) {
    it(`turns a ${fault.kind}${'status' in fault ? ` ${fault.status}` : ''} into ${expected} in bounded time, then recovers`, async () => {
      // Fault first: the reset re-validates open documents, whose reads must meet the fault too.
      fake.faults.set({ ...fault, pathPrefix: 'secret/' } as Parameters<typeof fake.faults.set>[0]);
      await h.client.sendRequest('secretRefs/resetCache');
      const uri = next();
      const started = Date.now();
      h.open(uri, connection(hashicorp('data/app/two'), '  p: vault.secret(k)\n'));
      const diagnostics = await h.waitForDiagnostics(uri, (d) => codes(d).includes(expected), 8000);
      assert.ok(Date.now() - started < 6000, 'within the timeout (2 s in this test) plus a margin');
      assert.ok(!JSON.stringify(diagnostics).includes(CANARY_TOKEN));
      const other = (await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } })) as Hover | null;
      assert.equal(other, null, 'the server answers other requests meanwhile');
      fake.faults.clear();
      await h.client.sendRequest('secretRefs/resetCache');
      await h.waitForDiagnostics(uri, (d) => d.length === 0, 8000);
    });
  }

  it('never shows a secret value or the token in diagnostics, hovers, completions or logs', () => {
    const seen = JSON.stringify([...h.diagnostics.values(), h.notifications, responses]);
    for (const canary of [CANARY_TOKEN, ...CANARY_VALUES]) assert.ok(!seen.includes(canary), `${canary} leaked`);
  });
});

describe('a Vault that rejects the token', () => {
  it('says so on the vault name even when no engine is declared', async () => {
    const fake = await FakeVault.start();
    fake.mountKv('secret', 2);
    fake.putSecret('secret', 'app', { k: 'v' });
    const folder = makeFolder({ 'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fake.address}\n` });
    const h = await startHarness({ folders: [folder.uri], env: { VAULT_TOKEN: 'hvs.not-a-valid-token', SECRETREFS_TRUSTED_ADDRESSES: fake.address } });
    try {
      const uri = folder.file('c.connection.yaml');
      h.open(uri, 'name: c\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/app\nvalue:\n  p: vault.secret(k)\n');
      const [d] = await h.waitForDiagnostics(uri, (x) => x.length > 0, 8000);
      assert.equal(d!.code, 'permission-denied');
      assert.match(d!.message, /rejected the credentials/);
      assert.equal(d!.range.start.line, 2);
      assert.equal((h.diagnostics.get(uri) ?? []).length, 1, 'reported once');
    } finally {
      await h.dispose();
      await fake.stop();
      folder.dispose();
    }
  });
});
