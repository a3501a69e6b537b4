import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextEdit } from 'vscode-languageserver-protocol';
import type { MoveToVaultResult } from '../../shared/src/customMessages';
import { newSessionKey } from '../../shared/src/sealing';
import { FakeVault } from '../fakes/fakeVault';
import { editorCredentials } from '../helpers/editorCredentials';
import { codes, makeFolder, startHarness, type Harness } from '../helpers/lspHarness';

const TOKEN = 'hvs.CANARY-move-token';
const LITERAL = 'CANARY-literal-hunter2';

describe('Move to vault (server side)', () => {
  let fake: FakeVault;
  let h: Harness;
  let folder: ReturnType<typeof makeFolder>;
  let vaultUri = '';
  const text = `name: app\nvalue:\n  host: db\n  db_password: ${LITERAL}\n`;

  before(async () => {
    fake = await FakeVault.start();
    fake.mountKv('secret', 2);
    fake.putSecret('secret', 'app', { user: 'existing' });
    fake.addToken(TOKEN, { policies: [{ path: 'secret/*', capabilities: ['read', 'list', 'create', 'update'] }] });
    folder = makeFolder({ 'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fake.address}\nengines:\n  secret: { type: kv, version: 2 }\n` });
    vaultUri = folder.file('prod.vault.yaml');
    // Started by the VS Code client (a session key): the token comes from the client, sealed.
    const sessionKey = newSessionKey();
    h = await startHarness({ folders: [folder.uri], env: { SECRETREFS_SESSION_KEY: sessionKey }, onCredential: editorCredentials(sessionKey, () => ({ kind: 'token', token: TOKEN })) });
  });

  after(async () => {
    await h.dispose();
    await fake.stop();
    folder.dispose();
  });

  it('offers the quick fix on a hard-coded credential, writes with the other keys kept, then replaces the literal and attaches the secret', async () => {
    const uri = folder.file('a.connection.yaml');
    h.open(uri, text, 7);
    const [d] = await h.waitForDiagnostics(uri, (x) => codes(x).includes('hardcoded-credential'));
    assert.ok(!d!.message.includes(LITERAL));
    const actions = (await h.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d!.range, context: { diagnostics: [d] } })) as CodeAction[];
    const move = actions.find((a) => a.title === 'Move to vault...')!;
    assert.equal(move.command?.command, 'secretRefs.moveToVault');
    const args = move.command!.arguments![0] as { uri: string; version: number; range: unknown; key: string };
    assert.equal(args.version, 7);
    assert.equal(args.key, 'db_password');
    const result = (await h.client.sendRequest('secretRefs/moveToVault', { textDocument: { uri, version: 7 }, range: args.range, vaultUri, engine: 'secret', path: 'app', key: 'db_password' })) as MoveToVaultResult;
    assert.deepEqual(result, { ok: true, reference: 'vault.secret(db_password)', version: 2 });
    assert.deepEqual(fake.readSecret('secret', 'app'), { user: 'existing', db_password: LITERAL });
    const edit = h.appliedEdits.at(-1) as { edit: { changes: Record<string, TextEdit[]> } };
    const after = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 7, text), edit.edit.changes[uri]!);
    assert.equal(after, `name: app\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/app\nvalue:\n  host: db\n  db_password: vault.secret(db_password)\n`);
  });

  it('changes nothing when the write fails', async () => {
    fake.faults.set({ kind: 'status', status: 403, pathPrefix: 'secret/data/locked' });
    const uri = folder.file('b.connection.yaml');
    h.open(uri, text, 1);
    const [d] = await h.waitForDiagnostics(uri, (x) => codes(x).includes('hardcoded-credential'));
    const before = h.appliedEdits.length;
    const result = (await h.client.sendRequest('secretRefs/moveToVault', { textDocument: { uri, version: 1 }, range: d!.range, vaultUri, engine: 'secret', path: 'locked', key: 'pw' })) as MoveToVaultResult;
    fake.faults.clear();
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.message : '', /^Nothing was changed/);
    assert.equal(h.appliedEdits.length, before);
  });

  it('refuses a stale document version', async () => {
    const uri = folder.file('b.connection.yaml');
    const result = (await h.client.sendRequest('secretRefs/moveToVault', { textDocument: { uri, version: 99 }, range: { start: { line: 3, character: 15 }, end: { line: 3, character: 20 } }, vaultUri, engine: 'secret', path: 'x', key: 'k' })) as MoveToVaultResult;
    assert.equal(result.ok, false);
  });
});
