/**
 * An AWS attachment that pins `version_stage` reads that stage everywhere: diagnostics, hover,
 * completion inside `vault.secret(`, preview, Move to Vault and the inventory. The fake secret's
 * AWSPREVIOUS version has other keys than its AWSCURRENT one, so a feature that asks about
 * AWSCURRENT instead shows the wrong keys.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionList, Hover, TextEdit } from 'vscode-languageserver-protocol';
import type { CredentialParams, Credential, MoveToVaultResult, PreviewSecretResult } from '../../shared/src/customMessages';
import { credentialBinding, newSessionKey, previewBinding, seal, unseal } from '../../shared/src/sealing';
import type { Inventory } from '../../server/src/cli/inventory/types';
import { AwsFake } from '../fakes/awsFake';
import { codes, makeFolder, startHarness, type Harness } from '../helpers/lspHarness';

const SECRET_KEY = 'CANARY-stage-secret-key-5120';
const CURRENT_VALUE = 'CANARY-stage-current-8841';
const PREVIOUS_VALUE = 'CANARY-stage-previous-2290';
const LITERAL = 'CANARY-stage-literal-7713';

describe('AWS version_stage is read by every feature', () => {
  let fake: AwsFake;
  let h: Harness;
  let folder: ReturnType<typeof makeFolder>;
  let vaultUri = '';
  const sessionKey = newSessionKey();
  let n = 0;
  const next = () => folder.file(`s${++n}.connection.yaml`);
  const pinned = (stage: string, secret = 'api/rotating') => `name: c\nvault_secrets:\n  - vault: pay\n    secret: ${secret}\n    version_stage: ${stage}\nvalue:\n`;

  before(async () => {
    fake = await AwsFake.start({ region: 'eu-west-1' });
    fake.createSecret('api/rotating', { legacy_token: PREVIOUS_VALUE });
    // The second version becomes AWSCURRENT; the first keeps AWSPREVIOUS.
    fake.putValue('api/rotating', { token: CURRENT_VALUE, user: 'svc' });
    // Read by the completion test only, so no key of it is "used elsewhere in the workspace".
    fake.createSecret('api/completion', { legacy_token: PREVIOUS_VALUE });
    fake.putValue('api/completion', { token: CURRENT_VALUE, user: 'svc' });
    folder = makeFolder({ 'pay.vault.yaml': `name: pay\nprovider: aws\nregion: eu-west-1\nendpoint: ${fake.address}\n` });
    vaultUri = folder.file('pay.vault.yaml');
    h = await startHarness({
      folders: [folder.uri],
      env: { SECRETREFS_SESSION_KEY: sessionKey },
      liveBudgetMs: 3000,
      onCredential: (params) => {
        const p = params as CredentialParams;
        const credential: Credential = { kind: 'aws-keys', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET_KEY };
        return { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(p.vault, p.provider, p.address)) };
      },
    });
  });

  after(async () => {
    await h.dispose();
    await fake.stop();
    folder.dispose();
  });

  it('diagnostics check keys against the pinned stage', async () => {
    const uri = next();
    h.open(uri, `${pinned('AWSPREVIOUS')}  t: vault.secret(token)\n`);
    const [d] = await h.waitForDiagnostics(uri, (x) => x.length > 0, 10_000);
    assert.equal(d!.code, 'unknown-key');
    assert.match(d!.message, /`api\/rotating` \(staging label AWSPREVIOUS\) has no key `token`/);
    assert.match(d!.message, /Keys: legacy_token\./);
    const fine = next();
    h.open(fine, `${pinned('AWSPREVIOUS')}  t: vault.secret(legacy_token)\n`);
    assert.deepEqual(codes(await h.waitForDiagnostics(fine, () => true, 10_000)), []);
  });

  it('a stage the secret does not have is version-not-found naming the label', async () => {
    const uri = next();
    h.open(uri, `${pinned('AWSPENDING')}  t: vault.secret(token)\n`);
    const [d] = await h.waitForDiagnostics(uri, (x) => x.length > 0, 10_000);
    assert.equal(d!.code, 'version-not-found');
    assert.match(d!.message, /has no staging label AWSPENDING/);
  });

  it('hover shows the pinned stage and its keys', async () => {
    const uri = next();
    const text = `${pinned('AWSPREVIOUS')}  t: vault.secret(legacy_token)\n`;
    h.open(uri, text);
    await h.waitForDiagnostics(uri, () => true, 10_000);
    const hover = (await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 12 } })) as Hover;
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /\*\*Reads:\*\* staging label AWSPREVIOUS/);
    assert.match(value, /\*\*Keys:\*\* `legacy_token`/);
    assert.doesNotMatch(value, /`token`/);
  });

  it('completion inside vault.secret( offers the pinned stage\'s keys', async () => {
    const uri = next();
    const text = `${pinned('AWSPREVIOUS', 'api/completion')}  t: vault.secret()\n`;
    h.open(uri, text);
    await h.waitForDiagnostics(uri, () => true, 10_000);
    const list = (await h.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 18 } })) as CompletionList;
    const labels = list.items.map((i) => i.label);
    assert.ok(labels.includes('legacy_token'), labels.join());
    assert.ok(!labels.includes('token') && !labels.includes('user'), labels.join());
  });

  it('preview reads the pinned stage and says so', async () => {
    const uri = next();
    h.open(uri, `${pinned('AWSPREVIOUS')}  t: vault.secret(legacy_token)\n`);
    await h.waitForDiagnostics(uri, () => true, 10_000);
    const result = (await h.client.sendRequest('secretRefs/previewSecret', { textDocument: { uri }, position: { line: 6, character: 12 } })) as PreviewSecretResult;
    assert.equal(result.ok, true, JSON.stringify(result));
    if (!result.ok) return;
    assert.deepEqual(JSON.parse(unseal(sessionKey, result.sealed, previewBinding(uri, 6, 12))!), { value: PREVIOUS_VALUE });
    assert.match(result.label, /pay:api\/rotating key legacy_token \(staging label AWSPREVIOUS\)/);
  });

  it('Move to Vault does not reuse an attachment pinned to another stage: the new key is read inline, from AWSCURRENT', async () => {
    const uri = next();
    const text = `${pinned('AWSPREVIOUS')}  t: vault.secret(legacy_token)\n  db_password: ${LITERAL}\n`;
    h.open(uri, text, 3);
    const [d] = await h.waitForDiagnostics(uri, (x) => codes(x).includes('hardcoded-credential'), 10_000);
    const result = (await h.client.sendRequest('secretRefs/moveToVault', {
      textDocument: { uri, version: 3 },
      range: d!.range,
      vaultUri,
      path: 'api/rotating',
      key: 'db_password',
    })) as MoveToVaultResult;
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.ok && result.reference, 'vault.secret(pay:api/rotating.db_password)');
    const edit = h.appliedEdits.at(-1) as { edit: { changes: Record<string, TextEdit[]> } };
    const after = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 3, text), edit.edit.changes[uri]!);
    assert.match(after, /version_stage: AWSPREVIOUS\n/);
    assert.match(after, /db_password: vault\.secret\(pay:api\/rotating\.db_password\)/);
    const current = fake.versionsOf('api/rotating').find((v) => v.stages.includes('AWSCURRENT'))!;
    const stored = JSON.parse(fake.secret('api/rotating').versions.get(current.versionId)!.secretString!) as Record<string, string>;
    assert.equal(stored.db_password, LITERAL);
  });
});

describe('inventory --live reports the keys of the stage an attachment pins', () => {
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
  const cli = path.join(repoRoot, 'dist', 'cli.js');

  it('uses with version_stage carry live keys of that stage; the secret carries AWSCURRENT\'s', async () => {
    const fake = await AwsFake.start({ region: 'eu-west-1' });
    fake.createSecret('api/rotating', { legacy_token: PREVIOUS_VALUE });
    fake.putValue('api/rotating', { token: CURRENT_VALUE });
    const folder = makeFolder({
      'pay.vault.yaml': `name: pay\nprovider: aws\nregion: eu-west-1\nendpoint: ${fake.address}\n`,
      'old.connection.yaml': 'name: old\nvault_secrets:\n  - vault: pay\n    secret: api/rotating\n    version_stage: AWSPREVIOUS\nvalue:\n  t: vault.secret(legacy_token)\n',
      'new.connection.yaml': 'name: new\nvault_secrets:\n  - vault: pay\n    secret: api/rotating\nvalue:\n  t: vault.secret(token)\n',
    });
    try {
      const env = { PATH: process.env.PATH ?? '', HOME: folder.path, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: SECRET_KEY, SECRETREFS_TRUSTED_ADDRESSES: fake.address };
      const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [cli, 'inventory', '--live', '--timeout', '5', '.'], { cwd: folder.path, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (x: string) => (stdout += x));
        child.stderr.setEncoding('utf8').on('data', (x: string) => (stderr += x));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
      assert.equal(r.status, 0, r.stderr);
      for (const canary of [CURRENT_VALUE, PREVIOUS_VALUE, SECRET_KEY]) assert.ok(!r.stdout.includes(canary) && !r.stderr.includes(canary));
      const secret = (JSON.parse(r.stdout) as Inventory).secrets.find((s) => s.id === 'pay:api/rotating')!;
      assert.deepEqual(secret.live?.keys, ['token']);
      const old = secret.connections.find((c) => c.connection === 'old')!;
      assert.equal(old.versionStage, 'AWSPREVIOUS');
      assert.deepEqual(old.live, { state: 'ok', keys: ['legacy_token'] });
      assert.equal(secret.connections.find((c) => c.connection === 'new')!.live, undefined);
    } finally {
      await fake.stop();
      folder.dispose();
    }
  });
});
