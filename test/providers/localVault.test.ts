import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ProviderError } from '../../server/src/providers/secretProvider';
import {
  LocalVaultProvider,
  localGet,
  localList,
  localPut,
  localVaultFileName,
  resolveLocalDir,
  resolveLocalKey,
  type LocalVaultProviderOptions,
} from '../../server/src/providers/local';

const CHEAP = { N: 1024, r: 8, p: 1 };
const PASSPHRASE = 'correct horse battery staple';
const RAW_HEX = randomBytes(32).toString('hex');
const RAW_B64 = randomBytes(32).toString('base64');
const isWindows = process.platform === 'win32';

let root: string;
let counter = 0;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'secretrefs-local-test-'));
});
after(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A fresh, not yet existing directory per test. */
function freshDir(): string {
  counter += 1;
  return join(root, `case-${counter}`, 'vaults');
}

function vault(dir: string, overrides: Partial<LocalVaultProviderOptions> = {}): LocalVaultProvider {
  return new LocalVaultProvider({ name: 'dev', key: PASSPHRASE, dir, scryptCost: CHEAP, ...overrides });
}

async function rejectsKind(promise: Promise<unknown>, kind: string, message?: RegExp): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ProviderError, `expected a ProviderError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected a ${kind} error`);
}

describe('local vault: basics', () => {
  it('round-trips secrets with a passphrase and with raw keys (hex, base64, bytes)', async () => {
    for (const key of [PASSPHRASE, RAW_HEX, RAW_B64, randomBytes(32)]) {
      const dir = freshDir();
      const v = vault(dir, { key });
      assert.deepEqual(await v.write({ path: 'db/oracle' }, { user: 'scott', password: 'tiger' }), { version: 1 });
      v.dispose();
      const again = vault(dir, { key });
      assert.deepEqual(await again.readValue({ path: 'db/oracle' }), { user: 'scott', password: 'tiger' });
      assert.deepEqual(await again.keys({ path: 'db/oracle' }), ['user', 'password']);
      const meta = await again.metadata({ path: 'db/oracle' });
      assert.equal(meta.currentVersion, 1);
      assert.equal(meta.maxVersions, 10);
      assert.equal(meta.casRequired, false);
      assert.equal(meta.versions.length, 1);
      assert.ok(!Number.isNaN(Date.parse(meta.versions[0]!.createdTime!)));
      const envelope = JSON.parse(readFileSync(again.filePath, 'utf8'));
      assert.equal(envelope.format, 'secretrefs-local-vault');
      assert.equal(envelope.version, 1);
      assert.equal(envelope.kdf.name, typeof key === 'string' && key === PASSPHRASE ? 'scrypt' : 'none');
      again.dispose();
    }
  });

  it('lists names by folder like Vault, and a missing file is an empty vault that reads never create', async () => {
    const dir = freshDir();
    const v = vault(dir);
    assert.deepEqual(await v.list(undefined, ''), []);
    await rejectsKind(v.metadata({ path: 'nothing' }), 'not-found', /has no secret "nothing"/);
    assert.throws(() => readdirSync(dir), /ENOENT/);
    for (const name of ['b', 'a/x', 'a/y/z', 'c/d']) await v.write({ path: name }, { k: 'v' });
    assert.deepEqual(await v.list(undefined, ''), ['a/', 'b', 'c/']);
    assert.deepEqual(await v.list(undefined, 'a'), ['x', 'y/']);
    assert.deepEqual(await v.list(undefined, '/a/'), ['x', 'y/']);
    assert.deepEqual(await v.list(undefined, 'a/y/'), ['z']);
    assert.deepEqual(await v.list(undefined, 'missing/'), []);
  });

  it('has no engines and grants every capability', async () => {
    const v = vault(freshDir());
    assert.deepEqual(await v.listEngines(), []);
    assert.equal(await v.engineVersion('secret'), undefined);
    assert.deepEqual(await v.capabilities('anything/at/all'), ['create', 'read', 'update', 'delete', 'list']);
    await rejectsKind(v.list('secret', ''), 'invalid-request', /no engines/);
    await rejectsKind(v.readValue({ engine: 'secret', path: 'x' }), 'invalid-request');
  });

  it('rejects bad names, versions and data', async () => {
    const v = vault(freshDir());
    for (const path of ['', '/a', 'a/', 'a//b', 'a/../b']) await rejectsKind(v.write({ path }, { k: 'v' }), 'invalid-request');
    await rejectsKind(v.write({ path: 'a' }, { k: 1 as unknown as string }), 'invalid-request');
    await v.write({ path: 'a' }, { k: 'v' });
    for (const version of [0, -1, 1.5, 'latest']) await rejectsKind(v.readValue({ path: 'a', version }), 'invalid-request');
    assert.deepEqual(await v.readValue({ path: 'a', version: '1' }), { k: 'v' });
  });

  it('needs a key to write, and to read an existing file', async () => {
    const dir = freshDir();
    const noKey = vault(dir, { key: undefined });
    assert.deepEqual(await noKey.list(undefined, ''), []);
    await rejectsKind(noKey.write({ path: 'a' }, { k: 'v' }), 'unauthenticated', /SECRETREFS_LOCAL_KEY/);
    await vault(dir).write({ path: 'a' }, { k: 'v' });
    await rejectsKind(noKey.list(undefined, ''), 'unauthenticated');
  });
});

describe('local vault: KV v2 semantics', () => {
  it('keeps versions and prunes beyond max_versions', async () => {
    const v = vault(freshDir());
    for (let i = 1; i <= 12; i++) assert.deepEqual(await v.write({ path: 'app' }, { n: String(i) }), { version: i });
    const meta = await v.metadata({ path: 'app' });
    assert.equal(meta.currentVersion, 12);
    assert.deepEqual(meta.versions.map((x) => x.version), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(await v.readValue({ path: 'app' }), { n: '12' });
    assert.deepEqual(await v.readValue({ path: 'app', version: 3 }), { n: '3' });
    await rejectsKind(v.readValue({ path: 'app', version: 2 }), 'version-not-found', /no version 2 \(versions 3 to 12 are kept\)/);
    await rejectsKind(v.readValue({ path: 'app', version: 13 }), 'version-not-found');

    await v.updateMetadata({ path: 'app' }, { maxVersions: 3, customMetadata: { owner: 'team-a' } });
    const pruned = await v.metadata({ path: 'app' });
    assert.deepEqual(pruned.versions.map((x) => x.version), [10, 11, 12]);
    assert.equal(pruned.maxVersions, 3);
    assert.deepEqual(pruned.customMetadata, { owner: 'team-a' });
    await v.write({ path: 'app' }, { n: '13' });
    assert.deepEqual((await v.metadata({ path: 'app' })).versions.map((x) => x.version), [11, 12, 13]);
  });

  it('check-and-set: conflict on a stale version, 0 = must not exist, cas_required', async () => {
    const v = vault(freshDir());
    assert.deepEqual(await v.write({ path: 's' }, { a: '1' }, 0), { version: 1 });
    await rejectsKind(v.write({ path: 's' }, { a: '2' }, 0), 'cas-conflict', /expected it not to exist, but its current version is 1/);
    assert.deepEqual(await v.write({ path: 's' }, { a: '2' }, 1), { version: 2 });
    await rejectsKind(v.write({ path: 's' }, { a: '3' }, 1), 'cas-conflict', /expected version 1, but its current version is 2/);
    await rejectsKind(v.write({ path: 'new' }, { a: '1' }, 4), 'cas-conflict', /it does not exist/);
    assert.deepEqual(await v.readValue({ path: 's' }), { a: '2' });

    await v.updateMetadata({ path: 's' }, { casRequired: true });
    await rejectsKind(v.write({ path: 's' }, { a: '3' }), 'invalid-request', /requires check-and-set/);
    assert.deepEqual(await v.write({ path: 's' }, { a: '3' }, 2), { version: 3 });
    assert.equal((await v.metadata({ path: 's' })).casRequired, true);
  });

  it('soft delete, undelete and destroy versions', async () => {
    const v = vault(freshDir());
    await v.write({ path: 'x' }, { k: 'value-one-in-plain' });
    await v.write({ path: 'x' }, { k: 'value-two-in-plain' });
    await v.write({ path: 'x' }, { k: 'three' });

    await v.delete({ path: 'x' });
    const err = await rejectsKind(v.readValue({ path: 'x' }), 'deleted', /Version 3 of secret "x" .* was deleted on/);
    assert.ok(err.details.deletionTime && !Number.isNaN(Date.parse(err.details.deletionTime)));
    assert.equal((await v.metadata({ path: 'x' })).versions.find((x) => x.version === 3)!.deletionTime, err.details.deletionTime);
    await rejectsKind(v.keys({ path: 'x' }), 'deleted');

    await v.undelete({ path: 'x' }, [3]);
    assert.deepEqual(await v.readValue({ path: 'x' }), { k: 'three' });

    await v.delete({ path: 'x' }, [1]);
    await v.destroy({ path: 'x' }, [1, 2]);
    await rejectsKind(v.readValue({ path: 'x', version: 1 }), 'destroyed');
    await rejectsKind(v.readValue({ path: 'x', version: 2 }), 'destroyed', /destroyed; its data is gone/);
    await v.undelete({ path: 'x' }, [1, 2]);
    await rejectsKind(v.readValue({ path: 'x', version: 2 }), 'destroyed');
    const versions = (await v.metadata({ path: 'x' })).versions;
    assert.deepEqual(versions.map((x) => x.destroyed), [true, true, false]);
    // Long markers, so that random base64 in the file cannot match them by chance.
    assert.doesNotMatch(readFileSync(v.filePath, 'utf8'), /value-(one|two)-in-plain/);

    // A write after a delete is a new readable version.
    await v.delete({ path: 'x' });
    assert.deepEqual(await v.write({ path: 'x' }, { k: 'four' }, 3), { version: 4 });
    assert.deepEqual(await v.readValue({ path: 'x' }), { k: 'four' });

    await v.deleteMetadata({ path: 'x' });
    await rejectsKind(v.metadata({ path: 'x' }), 'not-found');
    await rejectsKind(v.delete({ path: 'x' }), 'not-found');
  });
});

describe('local vault: keys and damaged files', () => {
  it('a wrong passphrase is a wrong-key error and leaves the file unchanged', async () => {
    const dir = freshDir();
    const right = vault(dir);
    await right.write({ path: 'a' }, { k: 'v' });
    const before = readFileSync(right.filePath);
    const wrong = vault(dir, { key: 'not the passphrase' });
    const err = await rejectsKind(wrong.readValue({ path: 'a' }), 'wrong-key', /^The local vault "dev" cannot be opened with this key: .*different passphrase/);
    await rejectsKind(wrong.write({ path: 'a' }, { k: 'w' }), 'wrong-key');
    await rejectsKind(wrong.list(undefined, ''), 'wrong-key');
    assert.doesNotMatch(err.message, /not the passphrase|correct horse/);
    assert.deepEqual(readFileSync(right.filePath), before);
    // A raw key given for a passphrase vault (as bytes) is also a wrong key.
    await rejectsKind(vault(dir, { key: randomBytes(32) }).readValue({ path: 'a' }), 'wrong-key', /protected by a passphrase/);
    assert.deepEqual(await right.readValue({ path: 'a' }), { k: 'v' });
  });

  it('a wrong raw key is a wrong-key error and leaves the file unchanged', async () => {
    const dir = freshDir();
    const right = vault(dir, { key: RAW_HEX });
    await right.write({ path: 'a' }, { k: 'v' });
    const before = readFileSync(right.filePath);
    const otherKey = randomBytes(32).toString('hex');
    const err = await rejectsKind(vault(dir, { key: otherKey }).write({ path: 'a' }, { k: 'w' }), 'wrong-key', /different 32-byte key/);
    assert.ok(!err.message.includes(otherKey) && !err.message.includes(RAW_HEX));
    await rejectsKind(vault(dir, { key: PASSPHRASE }).readValue({ path: 'a' }), 'wrong-key', /passphrase was given/);
    assert.deepEqual(readFileSync(right.filePath), before);
    // The same key in another encoding opens it.
    assert.deepEqual(await vault(dir, { key: Buffer.from(RAW_HEX, 'hex').toString('base64') }).readValue({ path: 'a' }), { k: 'v' });
  });

  it('a damaged file is a clear bad-response error and is never overwritten', async () => {
    const dir = freshDir();
    const v = vault(dir);
    await v.write({ path: 'a' }, { k: 'v' });
    const good = readFileSync(v.filePath, 'utf8');
    const envelope = JSON.parse(good);
    const flipped = Buffer.from(envelope.ciphertext, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    const cases: Array<[string, RegExp]> = [
      [good.slice(0, Math.floor(good.length / 2)), /not valid JSON \(it may be truncated\)/],
      ['', /the file is empty/],
      ['{"hello":"world"}', /not a Secret References local vault/],
      [JSON.stringify({ ...envelope, version: 7 }), /newer version of Secret References/],
      [JSON.stringify({ ...envelope, ciphertext: flipped.toString('base64') }), /fails its integrity check/],
      [JSON.stringify({ ...envelope, revision: envelope.revision + 1 }), /fails its integrity check/],
      [JSON.stringify({ ...envelope, iv: 'AAAA' }), /invalid keyCheck, iv, tag or ciphertext/],
      [JSON.stringify({ ...envelope, kdf: { ...envelope.kdf, N: 2 ** 30 } }), /unsupported scrypt parameters/],
    ];
    for (const [content, message] of cases) {
      writeFileSync(v.filePath, content);
      const fresh = vault(dir);
      const err = await rejectsKind(fresh.readValue({ path: 'a' }), 'bad-response', message);
      assert.match(err.message, /local vault file of "dev" .* It was left unchanged/);
      await rejectsKind(fresh.write({ path: 'a' }, { k: 'w' }), 'bad-response');
      assert.equal(readFileSync(v.filePath, 'utf8'), content);
    }
  });
});

describe('local vault: file handling', () => {
  it('creates the directory 0700 and the file 0600, outside any workspace', { skip: isWindows }, async () => {
    const dir = freshDir();
    const v = vault(dir);
    await v.write({ path: 'a' }, { k: 'v' });
    assert.equal(v.filePath, join(dir, 'dev.vault'));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, '..')).mode & 0o777, 0o700);
    assert.equal(statSync(v.filePath).mode & 0o777, 0o600);
    await v.write({ path: 'a' }, { k: 'w' });
    assert.equal(statSync(v.filePath).mode & 0o777, 0o600);
  });

  it('stores no plaintext: no value, key name or secret name in the file', async () => {
    const dir = freshDir();
    const canary = `CANARY-${randomBytes(8).toString('hex')}`;
    const v = vault(dir);
    await v.write({ path: 'payments/stripe-webhook' }, { webhookSigningSecret: canary });
    await v.updateMetadata({ path: 'payments/stripe-webhook' }, { customMetadata: { ownerTeamLabel: 'billing' } });
    const raw = readFileSync(v.filePath);
    const ciphertext = Buffer.from(JSON.parse(raw.toString('utf8')).ciphertext, 'base64');
    for (const needle of [canary, 'webhookSigningSecret', 'stripe-webhook', 'ownerTeamLabel', 'billing', PASSPHRASE]) {
      assert.ok(!raw.includes(needle), `file contains ${needle}`);
      assert.ok(!ciphertext.includes(needle), `ciphertext contains ${needle}`);
    }
  });

  it('writes atomically: no temporary or lock files remain, and each write replaces the file', async () => {
    const dir = freshDir();
    const v = vault(dir);
    for (let i = 0; i < 5; i++) await v.write({ path: `s${i}` }, { k: String(i) });
    await rejectsKind(v.write({ path: 's0' }, { k: 'x' }, 0), 'cas-conflict');
    assert.deepEqual(readdirSync(dir), ['dev.vault']);
    assert.equal(JSON.parse(readFileSync(v.filePath, 'utf8')).revision, 5);
  });

  it('20 concurrent check-and-set writers through two instances lose no update', async () => {
    for (const sharedQueue of [true, false]) {
      const dir = freshDir();
      const a = vault(dir, { sharedQueue });
      const b = vault(dir, { sharedQueue });
      await a.updateMetadata({ path: 'counter' }, { maxVersions: 100 });
      const writer = async (i: number): Promise<'ok' | 'conflict'> => {
        const p = i % 2 === 0 ? a : b;
        const seen = Number((await p.metadata({ path: 'counter' })).currentVersion);
        try {
          const { version } = await p.write({ path: 'counter' }, { writer: String(i) }, seen);
          assert.equal(version, seen + 1);
          return 'ok';
        } catch (err) {
          assert.ok(err instanceof ProviderError && err.kind === 'cas-conflict', String(err));
          return 'conflict';
        }
      };
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => writer(i)));
      const successes = outcomes.filter((o) => o === 'ok').length;
      assert.ok(successes >= 1);
      const meta = await a.metadata({ path: 'counter' });
      assert.equal(meta.currentVersion, successes, `sharedQueue=${sharedQueue}`);
      assert.equal(meta.versions.length, successes);
      assert.deepEqual(readdirSync(dir), ['dev.vault']);

      // Without check-and-set, every one of 20 concurrent writes lands as its own version.
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).write({ path: 'blind' }, { i: String(i) })));
      assert.equal((await b.metadata({ path: 'blind' })).currentVersion, 20);
    }
  });

  it('three processes incrementing a counter with check-and-set lose no update', async () => {
    const dir = freshDir();
    const seed = vault(dir);
    await seed.write({ path: 'counter' }, { n: '0' });
    await seed.updateMetadata({ path: 'counter' }, { maxVersions: 100 });
    const entry = fileURLToPath(new URL('../../server/src/providers/local/index.ts', import.meta.url));
    const script = `
      const { LocalVaultProvider } = await import(${JSON.stringify(entry)});
      const v = new LocalVaultProvider({ name: 'dev', key: process.env.SECRETREFS_LOCAL_KEY, dir: process.env.DIR });
      let conflicts = 0;
      for (let done = 0; done < 8; ) {
        const seen = await v.readVersion({ path: 'counter' });
        try {
          await v.write({ path: 'counter' }, { n: String(Number(seen.data.n) + 1) }, seen.version);
          done++;
        } catch (err) {
          if (err.kind !== 'cas-conflict') throw err;
          conflicts++;
        }
      }
      for (let i = 0; i < 5; i++) await v.write({ path: 'blind' }, { i: String(i) });
      process.stdout.write(String(conflicts));
    `;
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          env: { ...process.env, SECRETREFS_LOCAL_KEY: PASSPHRASE, DIR: dir },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`child failed (${code}): ${err}`))));
      });
    await Promise.all([run(), run(), run()]);
    const meta = await seed.metadata({ path: 'counter' });
    assert.equal(meta.currentVersion, 25);
    assert.deepEqual(await seed.readValue({ path: 'counter' }), { n: '24' });
    assert.equal((await seed.metadata({ path: 'blind' })).currentVersion, 15);
    assert.deepEqual(readdirSync(dir), ['dev.vault']);
  });

  it('breaks the lock of a dead process and times out on a live one', async () => {
    const dir = freshDir();
    const v = vault(dir, { lockTimeoutMs: 150 });
    await v.write({ path: 'a' }, { k: '1' });
    const lockPath = `${v.filePath}.lock`;
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const { hostname } = await import('node:os');
    writeFileSync(lockPath, JSON.stringify({ pid: dead, host: hostname(), time: Date.now(), token: 'x' }));
    assert.deepEqual(await v.write({ path: 'a' }, { k: '2' }), { version: 2 });
    assert.deepEqual(readdirSync(dir), ['dev.vault']);

    writeFileSync(lockPath, JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now(), token: 'y' }));
    await rejectsKind(v.write({ path: 'a' }, { k: '3' }), 'unreachable', /locked by another process/);
    assert.deepEqual(await v.readValue({ path: 'a' }), { k: '2' });
    rmSync(lockPath);
  });

  it('a dead process\'s lock is broken and taken even when breaking it used up the whole wait', async () => {
    const dir = freshDir();
    const v = vault(dir, { lockTimeoutMs: 0 });
    await v.write({ path: 'a' }, { k: '1' });
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const { hostname } = await import('node:os');
    writeFileSync(`${v.filePath}.lock`, JSON.stringify({ pid: dead, host: hostname(), time: Date.now(), token: 'x' }));
    assert.deepEqual(await v.write({ path: 'a' }, { k: '2' }), { version: 2 });
  });

  it('derives file names from the vault name and finds the default directory', () => {
    assert.equal(localVaultFileName('prod'), 'prod.vault');
    assert.equal(localVaultFileName('team.a-b_c'), 'team.a-b_c.vault');
    const escaped = localVaultFileName('../../etc/passwd');
    assert.match(escaped, /^[A-Za-z0-9_][A-Za-z0-9_.-]*-[0-9a-f]{10}\.vault$/);
    assert.ok(!escaped.includes('/') && !escaped.startsWith('.'));
    assert.notEqual(localVaultFileName('a b'), localVaultFileName('a_b'));
    assert.match(localVaultFileName('con'), /^con-[0-9a-f]{10}\.vault$/);
    assert.equal(resolveLocalDir({ SECRETREFS_LOCAL_DIR: join(root, 'x') }), join(root, 'x'));
    assert.match(resolveLocalDir({}), /[\\/]\.secretrefs[\\/]local$/);
    assert.equal(new LocalVaultProvider({ name: 'p', env: { SECRETREFS_LOCAL_DIR: join(root, 'y') } }).filePath, join(root, 'y', 'p.vault'));
  });
});

describe('local vault: CLI helpers', () => {
  it('resolveLocalKey reads SECRETREFS_LOCAL_KEY and returns undefined when unset', () => {
    assert.equal(resolveLocalKey({}), undefined);
    assert.equal(resolveLocalKey({ SECRETREFS_LOCAL_KEY: '' }), undefined);
    assert.equal(resolveLocalKey({ SECRETREFS_LOCAL_KEY: 'pw' }), 'pw');
  });

  it('localPut, localGet and localList', async () => {
    const dir = freshDir();
    const env = { SECRETREFS_LOCAL_KEY: PASSPHRASE };
    const put = await localPut('cli', 'api/key', { token: 't1' }, { dir, env, scryptCost: CHEAP });
    assert.equal(put.version, 1);
    assert.equal(put.filePath, join(dir, 'cli.vault'));
    await localPut('cli', 'api/key', { token: 't2' }, { dir, env, cas: 1 });
    await rejectsKind(localPut('cli', 'api/key', { token: 't3' }, { dir, env, cas: 1 }), 'cas-conflict');
    assert.deepEqual(await localGet('cli', 'api/key', { dir, env }), { version: 2, createdTime: (await localGet('cli', 'api/key', { dir, env })).createdTime, data: { token: 't2' } });
    assert.deepEqual((await localGet('cli', 'api/key', { dir, env, version: 1 })).data, { token: 't1' });
    assert.deepEqual(await localList('cli', '', { dir, env }), ['api/']);
    assert.deepEqual(await localList('cli', 'api', { dir, key: PASSPHRASE }), ['key']);
    await rejectsKind(localList('cli', '', { dir, env: {} }), 'unauthenticated', /SECRETREFS_LOCAL_KEY/);
    await rejectsKind(localGet('cli', 'api/key', { dir, env: { SECRETREFS_LOCAL_KEY: 'wrong' } }), 'wrong-key');
  });
});
