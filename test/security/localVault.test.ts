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
import { chmodSync, chownSync, copyFileSync, existsSync, lutimesSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { usageText } from '../../server/src/cli/args';
import { askHidden } from '../../server/src/cli/stdin';
import { LocalVaultProvider, localVaultFileName } from '../../server/src/providers/local';
import { ProviderError } from '../../server/src/providers/secretProvider';

const repoRoot = join(__dirname, '..', '..');
const cli = join(repoRoot, 'dist', 'cli.js');
const fixture = join(__dirname, 'fixtures', 'old-n15-short-passphrase.vault');
const isWindows = process.platform === 'win32';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** Another user's id: `nobody` on most systems. */
const OTHER_UID = 65534;
const CHEAP = { N: 1024, r: 8, p: 1 };
const PASSPHRASE = 'a passphrase for local vault security tests';
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

async function rejects(promise: Promise<unknown>, message: RegExp): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ProviderError, `a ProviderError, not ${String(err)}`);
    assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected an error matching ${message}`);
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

describe('the local vault refuses a folder another user owns or may write to', { skip: isWindows }, () => {
  it('mode 0777 or 0770: reading and writing are refused with a clear error, the vault is not shown empty', async () => {
    for (const mode of [0o777, 0o770, 0o722]) {
      const dir = freshDir();
      const v = new LocalVaultProvider({ name: 'dev', key: PASSPHRASE, dir, scryptCost: CHEAP });
      await v.write({ path: 'app/db' }, { password: 'p' });
      chmodSync(dir, mode);
      const again = new LocalVaultProvider({ name: 'dev', key: PASSPHRASE, dir, scryptCost: CHEAP });
      const who = mode & 0o002 ? 'every user' : 'its group';
      const pattern = new RegExp(`its folder .+ is writable by ${who} \\(mode 0${mode.toString(8)}\\), who could move the vault file away or replace it\\. Run: chmod 700`);
      await rejects(again.readValue({ path: 'app/db' }), pattern);
      await rejects(again.list(undefined, ''), pattern);
      const before = readFileSync(join(dir, localVaultFileName('dev')), 'utf8');
      await rejects(again.write({ path: 'app/db' }, { password: 'q' }), pattern);
      assert.equal(readFileSync(join(dir, localVaultFileName('dev')), 'utf8'), before, 'not rewritten');
      // Once the folder is private again, everything is there.
      chmodSync(dir, 0o700);
      assert.deepEqual(await again.readValue({ path: 'app/db' }), { password: 'p' });
    }
  });

  it("a folder of another user is refused, even for root; the CLI says so and exits 1", async () => {
    let dir: string;
    if (isRoot) {
      dir = freshDir();
      chownSync(dir, OTHER_UID, OTHER_UID);
    } else {
      dir = '/usr';
      assert.notEqual(statSync(dir).uid, process.getuid!(), 'a folder of another user');
    }
    const owner = statSync(dir).uid;
    const v = new LocalVaultProvider({ name: 'dev', key: PASSPHRASE, dir, scryptCost: CHEAP });
    const pattern = new RegExp(`its folder ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} belongs to another user \\(uid ${owner}\\), who could move the vault file away or replace it`);
    await rejects(v.list(undefined, ''), pattern);
    await rejects(v.write({ path: 'a' }, { k: 'v' }), pattern);
    const r = run(['local', 'list', 'dev'], { SECRETREFS_LOCAL_DIR: dir, SECRETREFS_LOCAL_KEY: PASSPHRASE });
    assert.equal(r.status, 1);
    assert.match(r.stderr, pattern);
  });
});

describe('passphrases and scrypt', () => {
  it('a new vault needs a passphrase of at least 12 characters; a 32-byte key or a generated one is fine', async () => {
    const dir = freshDir();
    for (const short of ['hunter2', 'elevenchars', 'ünïcödé-10']) {
      const err = await rejects(
        new LocalVaultProvider({ name: 'short', key: short, dir, scryptCost: CHEAP }).write({ path: 'a' }, { k: 'v' }),
        /A new local vault needs a passphrase of at least 12 characters \(this one has \d+\), or a random 32-byte key in base64 or hex/,
      );
      assert.equal(err.kind, 'invalid-request');
      assert.ok(!err.message.includes(short), 'the passphrase is not quoted');
    }
    assert.ok(!existsSync(join(dir, localVaultFileName('short'))));
    for (const key of ['twelve chars', randomBytes(32).toString('hex'), randomBytes(32).toString('base64'), randomBytes(32)]) {
      const v = new LocalVaultProvider({ name: `ok-${counter++}`, key, dir, scryptCost: CHEAP });
      assert.deepEqual(await v.write({ path: 'a' }, { k: 'v' }), { version: 1 });
    }
    const r = run(['local', 'put', 'dev', 'a', 'k=-'], { SECRETREFS_LOCAL_DIR: dir, SECRETREFS_LOCAL_KEY: 'short' }, { input: 'v' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /needs a passphrase of at least 12 characters \(this one has 5\)/);
  });

  it('a new passphrase file gets scrypt N = 2^17; a file written with N = 2^15 and a short passphrase still opens and keeps its parameters', async () => {
    const dir = freshDir();
    const fresh = new LocalVaultProvider({ name: 'fresh', key: PASSPHRASE, dir });
    await fresh.write({ path: 'a' }, { k: 'v' });
    const kdf = JSON.parse(readFileSync(join(dir, localVaultFileName('fresh')), 'utf8')).kdf;
    assert.deepEqual({ name: kdf.name, N: kdf.N, r: kdf.r, p: kdf.p }, { name: 'scrypt', N: 2 ** 17, r: 8, p: 1 });

    // Written by the previous version: N = 2^15, passphrase "old-pw", two versions of app/db.
    const file = join(dir, localVaultFileName('old'));
    copyFileSync(fixture, file);
    chmodSync(file, 0o600);
    const before = JSON.parse(readFileSync(file, 'utf8')).kdf;
    assert.equal(before.N, 2 ** 15);
    const old = new LocalVaultProvider({ name: 'old', key: 'old-pw', dir });
    assert.deepEqual(await old.readValue({ path: 'app/db' }), { user: 'app', password: 'fixture-value-2' });
    assert.deepEqual(await old.readValue({ path: 'app/db', version: 1 }), { user: 'app', password: 'fixture-value-1' });
    assert.deepEqual(await old.write({ path: 'app/db' }, { user: 'app', password: 'fixture-value-3' }), { version: 3 });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).kdf, before, 'the file keeps its salt and cost');
    const reopened = new LocalVaultProvider({ name: 'old', key: 'old-pw', dir });
    assert.deepEqual(await reopened.readValue({ path: 'app/db' }), { user: 'app', password: 'fixture-value-3' });
    assert.deepEqual(await reopened.readValue({ path: 'app/db', version: 1 }), { user: 'app', password: 'fixture-value-1' });
  });
});

describe('a stale lock ends a write by its deadline, never in a busy loop', { skip: isWindows }, () => {
  it('a stale lock of another user that cannot be removed: a clear error at once', () => {
    // The writer runs as another user when the tests run as root (the lock is then root's).
    const runner = isRoot ? OTHER_UID : process.getuid!();
    const dir = freshDir();
    const lock = join(dir, `${localVaultFileName('dev')}.lock`);
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 17, host: 'elsewhere', time: 0, token: 'x' }), { mode: 0o644 });
    chmodSync(lock, 0o644);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(lock, old, old);
    if (isRoot) chownSync(dir, OTHER_UID, OTHER_UID);
    // The folder is the writer's own and private, but it cannot remove the lock from it.
    chmodSync(dir, 0o500);
    try {
      const r = run(['local', 'put', 'dev', 'a', 'k=-'], { SECRETREFS_LOCAL_DIR: dir, SECRETREFS_LOCAL_KEY: PASSPHRASE }, { input: 'v', uid: isRoot ? runner : undefined, timeoutMs: 40_000 });
      assert.equal(r.signal, null, 'it ended by itself');
      assert.equal(r.status, 1, r.stderr);
      const whose = isRoot ? ' \\(it belongs to another user, uid 0\\)' : '';
      assert.match(r.stderr, new RegExp(`locked by a stale lock file that cannot be removed${whose}: .*\\.lock \\(EACCES\\)\\. Remove it`));
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('a lock that is a dangling symbolic link is judged by its own age, not followed', () => {
    const dir = freshDir();
    const env = { SECRETREFS_LOCAL_DIR: dir, SECRETREFS_LOCAL_KEY: PASSPHRASE };
    const lock = join(dir, `${localVaultFileName('dev')}.lock`);
    symlinkSync(join(dir, 'nowhere'), lock);
    const old = new Date(Date.now() - 3600_000);
    lutimesSync(lock, old, old);
    const r = run(['local', 'put', 'dev', 'a', 'k=-'], env, { input: 'v', timeoutMs: 40_000 });
    assert.equal(r.signal, null, 'it ended by itself');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!existsSync(lock), 'the stale lock was removed');
    assert.ok(!existsSync(join(dir, 'nowhere')), 'nothing was created where it pointed');
  });

  it('a live lock held past the deadline: the write ends with the locked error naming the lock', async () => {
    const dir = freshDir();
    const v = new LocalVaultProvider({ name: 'dev', key: PASSPHRASE, dir, scryptCost: CHEAP, lockTimeoutMs: 300, lockStaleMs: 60_000, sharedQueue: false });
    const lock = join(dir, `${localVaultFileName('dev')}.lock`);
    // Held by a process that is alive (this one), on this host: never stale.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), time: Date.now(), token: 'held' }));
    await rejects(v.write({ path: 'a' }, { k: 'v' }), /The local vault "dev" is locked by another process \(.+\.lock\)\. If no other Secret References process is running, delete that lock file\./);
    assert.ok(existsSync(lock), "another process's live lock is left alone");
  });
});
