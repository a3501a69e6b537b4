import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeFolder } from '../helpers/lspHarness';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
const CANARY = 'CANARY-local-value-5521';

describe('secretrefs with the local vault (built CLI)', () => {
  const store = mkdtempSync(join(tmpdir(), 'secretrefs-local-'));
  const env = { PATH: process.env.PATH ?? '', SECRETREFS_LOCAL_DIR: store, SECRETREFS_LOCAL_KEY: 'a passphrase for tests only' };
  const run = (args: string[], extraEnv: Record<string, string> = {}, input = '') =>
    spawnSync(process.execPath, [cli, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 30_000, input });
  const workspace = makeFolder({
    'dev.vault.yaml': 'name: dev\nprovider: local\n',
    'app.connection.yaml':
      'name: app\nvault_secrets:\n  - vault: dev\n    alias: db\n    secret: app/db\n  - vault: dev\n    alias: q\n    secret: app/queue\nvalue:\n  u: vault.secret(db.user)\n  p: vault.secret(db.pasword)\n  t: vault.secret(q.token)\n',
  });
  after(() => {
    rmSync(store, { recursive: true, force: true });
    workspace.dispose();
  });

  it('puts, lists and gets secrets; only "get" shows a value', () => {
    const put = run(['local', 'put', 'dev', 'app/db', 'user=app', 'password=-'], {}, `${CANARY}\n`);
    assert.equal(put.status, 0, put.stderr);
    assert.match(put.stderr, /wrote version 1 of "app\/db"/);
    assert.ok(!put.stdout.includes(CANARY) && !put.stderr.includes(CANARY));
    assert.equal(run(['local', 'list', 'dev']).stdout, 'app/\n');
    assert.equal(run(['local', 'list', 'dev', 'app/']).stdout, 'db\n');
    assert.equal(run(['local', 'get', 'dev', 'app/db', 'password']).stdout, `${CANARY}\n`);
    assert.ok(readdirSync(store).every((f) => !readFileSync(join(store, f), 'latin1').includes(CANARY)), 'the vault file is encrypted');
  });

  it('checks references live: a missing secret and a missing key, no value in the output', () => {
    const offline = run(['check', workspace.path]);
    assert.equal(offline.status, 0, offline.stdout + offline.stderr);
    const live = run(['check', '--live', '--format', 'json', workspace.path]);
    assert.equal(live.status, 1, live.stderr);
    const findings = JSON.parse(live.stdout) as { code: string; message: string }[];
    assert.deepEqual(findings.map((f) => f.code).sort(), ['secret-not-found', 'unknown-key']);
    assert.match(findings.find((f) => f.code === 'unknown-key')!.message, /no key `pasword`\. Did you mean `password`\?/);
    assert.ok(!live.stdout.includes(CANARY) && !live.stderr.includes(CANARY));
  });

  it('says clearly when the key is wrong, and changes nothing', () => {
    const before = readdirSync(store).map((f) => readFileSync(join(store, f), 'latin1')).join();
    const get = run(['local', 'get', 'dev', 'app/db'], { SECRETREFS_LOCAL_KEY: 'the wrong passphrase' });
    assert.equal(get.status, 1);
    assert.match(get.stderr, /cannot be opened with this key/);
    const check = run(['check', '--live', workspace.path], { SECRETREFS_LOCAL_KEY: 'the wrong passphrase' });
    assert.match(check.stdout, /vault-unreachable .*cannot be opened with this key/);
    assert.equal(readdirSync(store).map((f) => readFileSync(join(store, f), 'latin1')).join(), before);
  });

  it('rejects bad local usage with exit 2', () => {
    const bad = run(['local', 'put', 'dev', 'app/x']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /needs at least one KEY=- \(the value read from standard input\), or --stdin/);
  });
});
