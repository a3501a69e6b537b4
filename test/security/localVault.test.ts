/**
 * The local vault against another local user and against a careless command line: values come from
 * standard input, never argv; a folder another user owns or may write to is refused (it could be
 * emptied by moving the file away); a new vault needs a passphrase of at least 12 characters and
 * gets scrypt N = 2^17, while a file written earlier (N = 2^15, a short passphrase) still opens; a
 * stale lock that cannot be removed ends the write with a clear error, never a busy loop.
 * CLI runs use the built `dist/cli.js` (`npm run build` first) in child processes with a timeout.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { usageText } from '../../server/src/cli/args';
import { askHidden } from '../../server/src/cli/stdin';
import { localVaultFileName } from '../../server/src/providers/local';

const repoRoot = join(__dirname, '..', '..');
const cli = join(repoRoot, 'dist', 'cli.js');
/** A raw key spares the CLI runs that only test standard input the cost of scrypt. */
const RAW_KEY = randomBytes(32).toString('hex');

let root: string;
let counter = 0;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'secretrefs-local-security-'));
  // Another user (the lock tests run as one) must be able to reach the folders below.
  chmodSync(root, 0o755);
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A fresh folder of the current user, mode 0700. */
function freshDir(): string {
  counter += 1;
  const dir = join(root, `case-${counter}`);
  mkdirSync(dir, { mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv, options: { input?: string; uid?: number; timeoutMs?: number } = {}): Run {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    input: options.input ?? '',
    env: { PATH: process.env.PATH ?? '', HOME: root, ...env },
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  assert.equal(r.error, undefined, `secretrefs ${args.join(' ')}: ${r.error?.message}`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('local put reads values from standard input, never from the command line', () => {
  it('KEY=- takes the value from a pipe (one trailing newline dropped); only the key is on the command line', () => {
    const dir = freshDir();
    const env = { SECRETREFS_LOCAL_DIR: dir, SECRETREFS_LOCAL_KEY: RAW_KEY };
    const value = `CANARY-${randomBytes(6).toString('hex')} with spaces=and equals`;
    const args = ['local', 'put', 'dev', 'app/db', 'user=app', 'password=-'];
    const put = run(args, env, { input: `${value}\n` });
    assert.equal(put.status, 0, put.stderr);
    assert.ok(!args.join(' ').includes(value));
    assert.ok(!put.stdout.includes(value) && !put.stderr.includes(value));
    const get = run(['local', 'get', 'dev', 'app/db'], env);
    assert.deepEqual(JSON.parse(get.stdout), { user: 'app', password: value });
    // Without a trailing newline the value is taken as it is; inner newlines are kept.
    assert.equal(run(['local', 'put', 'dev', 'app/pem', 'key=-'], env, { input: 'line 1\nline 2' }).status, 0);
    assert.equal(run(['local', 'get', 'dev', 'app/pem', 'key'], env).stdout, 'line 1\nline 2\n');
  });

  it('--stdin takes KEY=VALUE lines (empty lines and # comments skipped), mixed with non-secret values', () => {
    const dir = freshDir();
    const env = { SECRETREFS_LOCAL_DIR: dir, SECRETREFS_LOCAL_KEY: RAW_KEY };
    const put = run(['local', 'put', 'dev', 'app/api', '--stdin', 'region=eu'], env, { input: '# from the password manager\ntoken=t0k=en\n\nsecret= s p a c e \n' });
    assert.equal(put.status, 0, put.stderr);
    assert.deepEqual(JSON.parse(run(['local', 'get', 'dev', 'app/api'], env).stdout), { region: 'eu', token: 't0k=en', secret: ' s p a c e ' });
  });

  it('refuses what it cannot read unambiguously, writing nothing and quoting no value', () => {
    const dir = freshDir();
    const env = { SECRETREFS_LOCAL_DIR: dir, SECRETREFS_LOCAL_KEY: RAW_KEY };
    const cases: [string[], string, RegExp][] = [
      [['password=-'], '', /standard input was empty: no value for "password"/],
      [['a=-', 'b=-'], 'x\n', /only one KEY=- can read a pipe \(a, b were given\): use --stdin/],
      [['--stdin'], 'no-equals-CANARY\n', /line 1 of standard input is not KEY=VALUE/],
      [['--stdin', 'k=-'], 'k=v\n', /"--stdin" and KEY=- both read standard input/],
      [['--stdin', 'k=1'], 'k=CANARY\n', /key "k" is given twice/],
      [['password=-'], 'x'.repeat(1024 * 1024 + 1), /larger than 1 MiB/],
    ];
    for (const [extra, input, message] of cases) {
      const r = run(['local', 'put', 'dev', 'app/x', ...extra], env, { input });
      assert.equal(r.status, 2, `${extra.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /CANARY/);
    }
    assert.ok(!existsSync(join(dir, localVaultFileName('dev'))), 'nothing was written');
  });

  it('asks a terminal for each KEY=- without echoing what is typed', async () => {
    const terminal = Object.assign(new EventEmitter(), { raw: [] as boolean[], setRawMode: (raw: boolean) => terminal.raw.push(raw), resume: () => terminal, pause: () => terminal });
    const written: string[] = [];
    const answer = askHidden(terminal, (t) => written.push(t), 'value of "password" for "app/db" (not shown): ');
    terminal.emit('data', Buffer.from('s3cr'));
    terminal.emit('data', 'x\u007fet\r');
    assert.equal(await answer, 's3cret');
    assert.deepEqual(terminal.raw, [true, false], 'raw mode on while typing, then off');
    assert.deepEqual(written, ['value of "password" for "app/db" (not shown): ', '\n'], 'nothing typed is echoed');
    const cancelled = askHidden(terminal, () => undefined, '? ');
    terminal.emit('data', 'abc\u0003');
    assert.equal(await cancelled, undefined, 'Ctrl-C cancels');
  });

  it('the usage shows the standard-input forms first', () => {
    assert.match(usageText, /secretrefs local put VAULT SECRET KEY=-\.\.\. \| --stdin \[--cas N\]/);
    assert.match(usageText, /"local put" reads values from standard input, never from the command line/);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const local = readme.slice(readme.indexOf('**The embedded local vault**'));
    const firstPut = local.slice(local.indexOf('secretrefs local put'), local.indexOf('\n', local.indexOf('secretrefs local put')));
    assert.match(firstPut, /=-|--stdin/, `README's first local put: ${firstPut}`);
  });
});
