/**
 * HashicorpProvider against the fake Vault, through the real node-vault client: mount discovery,
 * KV v1/v2 reads and writes, error kinds, AppRole, namespaces and token auto-renewal.
 * Transport faults, TLS and the leak test live in hashicorpTransport.test.ts.
 */
import { strict as assert } from 'node:assert';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import { HashicorpProvider, type HashicorpProviderOptions, type RenewTimers, type TokenEvent } from '../../server/src/providers/hashicorp';
import { FakeVault } from '../fakes/fakeVault';
import { clearEnv } from '../helpers/envIsolation';
import { providerError } from '../helpers/providerAssertions';

const UNSUPPORTED_PATH = '1 error occurred:\n\t* unsupported path\n\n';

const clearVaultEnv = (): void => clearEnv(/^VAULT_/);

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Timers driven by the test: the renewal delay is recorded, the fake's clock is moved instead of waiting. */
class ManualTimers implements RenewTimers {
  pending: Array<{ id: number; fn: () => void; ms: number }> = [];
  private next = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.next;
    this.pending.push({ id, fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }
}

before(clearVaultEnv);

let fv: FakeVault;
let providers: HashicorpProvider[] = [];
const make = (opts: Partial<HashicorpProviderOptions> = {}): HashicorpProvider => {
  const p = new HashicorpProvider({
    vaultName: 'prod',
    address: fv.address,
    timeoutMs: 2000,
    credential: { kind: 'token', token: fv.rootToken },
    ...opts,
  });
  providers.push(p);
  return p;
};

beforeEach(async () => {
  fv = await FakeVault.start();
  fv.mountKv('secret', 2);
  fv.mountKv('legacy', 1);
  fv.mountKv('team/kv', 2);
});
afterEach(async () => {
  for (const p of providers) p.dispose();
  providers = [];
  await fv.stop();
  clearVaultEnv();
});

describe('mount discovery', () => {
  it('tells KV v2 and v1 engines apart via sys/internal/ui/mounts', async () => {
    const p = make();
    assert.deepEqual(await p.mountInfo('secret'), { mounted: true, type: 'kv', path: 'secret', kvVersion: 2 });
    assert.deepEqual(await p.mountInfo('legacy/'), { mounted: true, type: 'kv', path: 'legacy', kvVersion: 1 });
    assert.equal(await p.engineVersion('secret'), 2);
    assert.equal(await p.engineVersion('legacy'), 1);
    assert.equal(fv.countRequests((r) => r.path === 'sys/mounts'), 0);
    assert.ok(fv.requests.every((r) => r.path.startsWith('sys/internal/ui/mounts/')));
    // nothing is cached by mountInfo / engineVersion
    const before = fv.countRequests();
    await p.engineVersion('secret');
    assert.equal(fv.countRequests(), before + 1);
  });

  it('reports non-KV and unversioned kv mounts', async () => {
    fv.mount('transit', 'transit');
    fv.mount('plain', 'kv');
    const p = make();
    assert.deepEqual(await p.mountInfo('transit'), { mounted: true, type: 'transit', path: 'transit' });
    assert.equal(await p.engineVersion('transit'), undefined);
    assert.deepEqual(await p.mountInfo('plain'), { mounted: true, type: 'kv', path: 'plain', kvVersion: 1 });
  });

  it('handles engines whose path contains slashes', async () => {
    const p = make();
    assert.deepEqual(await p.mountInfo('team/kv'), { mounted: true, type: 'kv', path: 'team/kv', kvVersion: 2 });
    fv.putSecret('team/kv', 'db/oracle', { user: 'u', password: 'p' });
    assert.deepEqual(await p.list('team/kv', ''), ['db/']);
    assert.deepEqual(await p.keys({ engine: 'team/kv', path: 'db/oracle' }), ['user', 'password']);
    assert.ok(fv.requests.some((r) => r.path === 'team/kv/subkeys/db/oracle'));
  });

  it('says not mounted for an unknown engine, and names the enclosing mount of a path', async () => {
    const p = make();
    assert.deepEqual(await p.mountInfo('nowhere'), { mounted: false });
    assert.equal(await p.engineVersion('nowhere'), undefined);
    assert.deepEqual(await p.mountInfo('secret/app'), { mounted: false, enclosingMount: 'secret' });
    assert.deepEqual(await p.mountInfo('team'), { mounted: false });
  });

  it('falls back to sys/mounts when sys/internal/ui/mounts is forbidden', async () => {
    const p = make();
    fv.faults.set({ kind: 'status', status: 403, pathPrefix: 'sys/internal/ui/mounts' });
    assert.deepEqual(await p.mountInfo('secret'), { mounted: true, type: 'kv', path: 'secret', kvVersion: 2 });
    assert.deepEqual(await p.mountInfo('team/kv'), { mounted: true, type: 'kv', path: 'team/kv', kvVersion: 2 });
    assert.deepEqual(await p.mountInfo('legacy'), { mounted: true, type: 'kv', path: 'legacy', kvVersion: 1 });
    assert.deepEqual(await p.mountInfo('nowhere'), { mounted: false });
    assert.deepEqual(await p.mountInfo('secret/app'), { mounted: false, enclosingMount: 'secret' });
    assert.equal(fv.countRequests((r) => r.path === 'sys/mounts'), 5);
    // also when the endpoint does not exist (older Vault)
    fv.faults.set({ kind: 'status', status: 404, pathPrefix: 'sys/internal/ui/mounts' });
    assert.equal(await p.engineVersion('secret'), 2);
  });

  it('reports permission-denied when neither endpoint can tell', async () => {
    fv.addToken('app', { policies: [{ path: 'secret/data/app/*', capabilities: ['read'] }] });
    const p = make({ credential: { kind: 'token', token: 'app' } });
    assert.equal(await p.engineVersion('secret'), 2); // ui/mounts works for a mount the token reaches
    const err = await providerError(p.mountInfo('legacy'));
    assert.equal(err.kind, 'permission-denied');
    assert.equal(err.details.apiPath, 'sys/internal/ui/mounts/legacy');
    assert.match(err.message, /HTTP 403/);
    assert.equal((await providerError(p.engineVersion('nowhere'))).kind, 'permission-denied');
  });

  it('lists engines from sys/internal/ui/mounts, else sys/mounts', async () => {
    const p = make();
    const engines = await p.listEngines();
    const kv = engines.filter((e) => e.type === 'kv');
    assert.deepEqual(kv, [
      { path: 'legacy', type: 'kv', kvVersion: 1 },
      { path: 'secret', type: 'kv', kvVersion: 2 },
      { path: 'team/kv', type: 'kv', kvVersion: 2 },
    ]);
    assert.ok(engines.every((e) => !e.path.endsWith('/')));
    fv.faults.set({ kind: 'status', status: 403, pathPrefix: 'sys/internal/ui/mounts' });
    assert.deepEqual(await p.listEngines(), engines);
    assert.equal(fv.countRequests((r) => r.path === 'sys/mounts'), 1);

    fv.faults.clear();
    fv.addToken('app', { policies: [{ path: 'secret/data/*', capabilities: ['read'] }] });
    const limited = await make({ credential: { kind: 'token', token: 'app' } }).listEngines();
    assert.deepEqual(
      limited.map((e) => e.path),
      ['secret'],
    );
  });
});

describe('list', () => {
  it('lists a KV v2 engine level by level through metadata/', async () => {
    fv.putSecret('secret', 'app/db', { a: '1' });
    fv.putSecret('secret', 'app/api/key', { a: '1' });
    fv.putSecret('secret', 'top', { a: '1' });
    const p = make();
    assert.deepEqual(await p.list('secret', ''), ['app/', 'top']);
    assert.deepEqual(await p.list('secret', 'app/'), ['api/', 'db']);
    assert.deepEqual(await p.list('secret', 'app'), ['api/', 'db']);
    assert.deepEqual(await p.list('secret', 'app/api/'), ['key']);
    assert.deepEqual(await p.list('secret', 'nothing/'), []);
    const lists = fv.requests.filter((r) => r.operation === 'list').map((r) => r.path);
    assert.deepEqual(lists, ['secret/metadata/', 'secret/metadata/app/', 'secret/metadata/app/', 'secret/metadata/app/api/', 'secret/metadata/nothing/']);
    // the KV version is discovered once per engine
    assert.equal(fv.countRequests((r) => r.path.startsWith('sys/internal/ui/mounts')), 1);
  });

  it('lists a KV v1 engine without metadata/', async () => {
    fv.putSecret('legacy', 'app/db', { a: '1' });
    fv.putSecret('legacy', 'app/api', { a: '1' });
    const p = make();
    assert.deepEqual(await p.list('legacy', ''), ['app/']);
    assert.deepEqual(await p.list('legacy', 'app/'), ['api', 'db']);
    assert.deepEqual(await p.list('legacy', 'zzz/'), []);
    assert.ok(fv.requests.some((r) => r.operation === 'list' && r.path === 'legacy/app/'));
  });

  it('uses declared KV versions without asking Vault, and rejects unknown engines', async () => {
    fv.putSecret('secret', 'a', { x: '1' });
    const declared = make({ kvVersions: { secret: 2 } });
    assert.deepEqual(await declared.list('secret', ''), ['a']);
    assert.equal(fv.countRequests((r) => r.path.startsWith('sys/')), 0);
    const err = await providerError(make().list('nowhere', ''));
    assert.equal(err.kind, 'not-found');
    assert.match(err.message, /No engine is mounted at "nowhere"/);
    assert.equal((await providerError(make().list(undefined, ''))).kind, 'invalid-request');
  });
});

describe('metadata', () => {
  it('maps versions (deleted, destroyed), custom metadata and settings', async () => {
    for (const n of [1, 2, 3, 4]) fv.putSecret('secret', 'oracle', { password: `v${n}` }, n === 4 ? { customMetadata: { owner: 'dba', env: 'prod' } } : {});
    fv.deleteVersion('secret', 'oracle', 2);
    fv.destroyVersion('secret', 'oracle', 3);
    fv.setMaxVersions('secret', 'oracle', 8);
    fv.setCasRequired('secret', 'oracle', true);
    const meta = await make().metadata({ engine: 'secret', path: 'oracle' });
    assert.equal(meta.currentVersion, 4);
    assert.equal(meta.maxVersions, 8);
    assert.equal(meta.casRequired, true);
    assert.deepEqual(meta.customMetadata, { owner: 'dba', env: 'prod' });
    assert.ok(meta.createdTime && meta.updatedTime);
    assert.deepEqual(
      meta.versions.map((v) => [v.version, v.destroyed, typeof v.deletionTime]),
      [
        [1, false, 'undefined'],
        [2, false, 'string'],
        [3, true, 'undefined'],
        [4, false, 'undefined'],
      ],
    );
    assert.ok(!Number.isNaN(Date.parse(meta.versions[1]!.deletionTime!)));
    assert.ok(meta.versions.every((v) => typeof v.createdTime === 'string'));
  });

  it('reports a missing KV v2 secret as not-found', async () => {
    const err = await providerError(make().metadata({ engine: 'secret', path: 'nope' }));
    assert.equal(err.kind, 'not-found');
    assert.match(err.message, /HTTP 404/);
  });

  it('checks a KV v1 secret exists and returns no versions', async () => {
    fv.putSecret('legacy', 'app/db', { password: 'p' });
    const p = make();
    assert.deepEqual(await p.metadata({ engine: 'legacy', path: 'app/db' }), { versions: [] });
    assert.equal((await providerError(p.metadata({ engine: 'legacy', path: 'app/none' }))).kind, 'not-found');
  });
});

describe('keys', () => {
  it('reads key names through subkeys without any data/ read', async () => {
    fv.putSecret('secret', 'oracle', { user: 'scott', password: 'tiger' });
    fv.putSecret('secret', 'oracle', { user: 'scott', password: 'lion', port: '1521', opts: { ssl: { mode: 'x' } } });
    const p = make();
    assert.deepEqual(await p.keys({ engine: 'secret', path: 'oracle' }), ['user', 'password', 'port', 'opts']);
    assert.deepEqual(await p.keys({ engine: 'secret', path: 'oracle', version: 1 }), ['user', 'password']);
    assert.deepEqual(await p.keys({ engine: 'secret', path: 'oracle', version: '2' }), ['user', 'password', 'port', 'opts']);
    assert.equal(fv.countRequests((r) => r.path.startsWith('secret/data/')), 0);
    const sub = fv.requests.filter((r) => r.path === 'secret/subkeys/oracle').map((r) => r.query);
    assert.deepEqual(sub, ['depth=1', 'depth=1&version=1', 'depth=1&version=2']);
  });

  it('falls back to a data read when subkeys is unsupported (404 "unsupported path" or 405), returning keys only', async () => {
    fv.putSecret('secret', 'oracle', { user: 'scott', password: 'tiger' });
    const p = make();
    await p.engineVersion('secret');
    fv.faults.set({ kind: 'status', status: 404, errors: [UNSUPPORTED_PATH], pathPrefix: 'secret/subkeys' });
    const keys = await p.keys({ engine: 'secret', path: 'oracle' });
    assert.deepEqual(keys, ['user', 'password']);
    assert.equal(fv.countRequests((r) => r.path === 'secret/data/oracle'), 1);

    fv.faults.set({ kind: 'status', status: 405, pathPrefix: 'secret/subkeys' });
    assert.deepEqual(await p.keys({ engine: 'secret', path: 'oracle', version: 1 }), ['user', 'password']);
    assert.equal(fv.requests.at(-1)?.path, 'secret/data/oracle');
    assert.equal(fv.requests.at(-1)?.query, 'version=1');
  });

  it('on a KV plugin without subkeys (its catch-all answers with the "Invalid path" warning) reads the data at once', async () => {
    fv.mountKv('old', 2, undefined, { withoutSubkeys: true });
    fv.putSecret('old', 'oracle', { user: 'scott', password: 'tiger' });
    const p = make();
    assert.deepEqual(await p.keys({ engine: 'old', path: 'oracle' }), ['user', 'password']);
    assert.deepEqual(
      fv.requests.filter((r) => r.path.startsWith('old/')).map((r) => [r.path, r.outcome]),
      [
        ['old/subkeys/oracle', 404],
        ['old/data/oracle', 200],
      ],
    );
  });

  it('falls back when subkeys answers a bare 404 while the metadata says the version is live', async () => {
    fv.putSecret('secret', 'oracle', { user: 'scott', password: 'tiger' });
    const p = make();
    fv.faults.set({ kind: 'status', status: 404, pathPrefix: 'secret/subkeys' });
    assert.deepEqual(await p.keys({ engine: 'secret', path: 'oracle' }), ['user', 'password']);
    assert.deepEqual(
      fv.requests.filter((r) => r.path.startsWith('secret/')).map((r) => r.path),
      ['secret/subkeys/oracle', 'secret/metadata/oracle', 'secret/data/oracle'],
    );
  });

  it('reads the data when the policy grants data/ but not subkeys/', async () => {
    fv.putSecret('secret', 'oracle', { user: 'scott', password: 'tiger' });
    fv.addToken('reader', { policies: [{ path: 'secret/data/*', capabilities: ['read'] }] });
    const p = make({ credential: { kind: 'token', token: 'reader' } });
    assert.deepEqual(await p.keys({ engine: 'secret', path: 'oracle' }), ['user', 'password']);
    fv.addToken('nobody', { policies: [{ path: 'secret/metadata/*', capabilities: ['list'] }] });
    const denied = await providerError(make({ credential: { kind: 'token', token: 'nobody' } }).keys({ engine: 'secret', path: 'oracle' }));
    assert.equal(denied.kind, 'permission-denied');
    assert.equal(denied.details.apiPath, 'secret/data/oracle');
  });

  it('maps deleted, destroyed, version-not-found and not-found', async () => {
    for (const n of [1, 2, 3]) fv.putSecret('secret', 'oracle', { password: `v${n}` });
    fv.deleteVersion('secret', 'oracle', 3);
    fv.destroyVersion('secret', 'oracle', 1);
    const p = make();
    const deleted = await providerError(p.keys({ engine: 'secret', path: 'oracle' }));
    assert.equal(deleted.kind, 'deleted');
    assert.ok(!Number.isNaN(Date.parse(deleted.details.deletionTime!)));
    assert.match(deleted.message, /version 3 of secret\/data\/oracle was deleted/);
    const destroyed = await providerError(p.keys({ engine: 'secret', path: 'oracle', version: 1 }));
    assert.equal(destroyed.kind, 'destroyed');
    const missingVersion = await providerError(p.keys({ engine: 'secret', path: 'oracle', version: 9 }));
    assert.equal(missingVersion.kind, 'version-not-found');
    assert.match(missingVersion.message, /current version: 3/);
    assert.equal((await providerError(p.keys({ engine: 'secret', path: 'nope' }))).kind, 'not-found');
    assert.equal((await providerError(p.keys({ engine: 'secret', path: 'nope', version: 2 }))).kind, 'not-found');
    assert.deepEqual(await p.keys({ engine: 'secret', path: 'oracle', version: 2 }), ['password']);
    assert.equal(fv.countRequests((r) => r.path.startsWith('secret/data/')), 0);

    // the same through readValue (data/ reads)
    assert.equal((await providerError(p.readValue({ engine: 'secret', path: 'oracle' }))).kind, 'deleted');
    assert.equal((await providerError(p.readValue({ engine: 'secret', path: 'oracle', version: 1 }))).kind, 'destroyed');
    assert.equal((await providerError(p.readValue({ engine: 'secret', path: 'oracle', version: 9 }))).kind, 'version-not-found');
    assert.equal((await providerError(p.readValue({ engine: 'secret', path: 'nope' }))).kind, 'not-found');
    // a version trimmed away by max_versions no longer exists either
    fv.setMaxVersions('secret', 'trim', 1);
    fv.putSecret('secret', 'trim', { a: '1' });
    fv.putSecret('secret', 'trim', { a: '2' });
    assert.equal((await providerError(p.keys({ engine: 'secret', path: 'trim', version: 1 }))).kind, 'version-not-found');
  });

  it('reads KV v1 keys and rejects version pins there', async () => {
    fv.putSecret('legacy', 'app/db', { user: 'u', password: 'p' });
    const p = make();
    assert.deepEqual(await p.keys({ engine: 'legacy', path: 'app/db' }), ['user', 'password']);
    assert.equal((await providerError(p.keys({ engine: 'legacy', path: 'app/db', version: 1 }))).kind, 'invalid-request');
    assert.equal((await providerError(p.keys({ engine: 'legacy', path: 'app/none' }))).kind, 'not-found');
  });

  it('rejects bad locators before any request', async () => {
    const p = make({ kvVersions: { secret: 2 } });
    for (const locator of [
      { engine: 'secret', path: '' },
      { engine: 'secret', path: 'folder/' },
      { engine: '', path: 'x' },
      { engine: 'secret', path: '../sys/mounts' },
      { engine: 'secret', path: 'x', version: 0 },
      { engine: 'secret', path: 'x', version: 'latest' },
    ]) {
      assert.equal((await providerError(p.keys(locator))).kind, 'invalid-request', JSON.stringify(locator));
    }
    assert.equal(fv.countRequests(), 0);
  });
});

describe('readValue and write', () => {
  it('reads a KV v2 value (pinned or current) and a KV v1 value', async () => {
    fv.putSecret('secret', 'oracle', { password: 'v1' });
    fv.putSecret('secret', 'oracle', { password: 'v2' });
    fv.putSecret('legacy', 'oracle', { password: 'old' });
    const p = make();
    assert.deepEqual(await p.readValue({ engine: 'secret', path: 'oracle' }), { password: 'v2' });
    assert.deepEqual(await p.readValue({ engine: 'secret', path: 'oracle', version: 1 }), { password: 'v1' });
    assert.deepEqual(await p.readValue({ engine: 'legacy', path: 'oracle' }), { password: 'old' });
  });

  it('writes KV v2 versions with check-and-set and reports conflicts', async () => {
    const p = make();
    const loc = { engine: 'secret', path: 'app/api' };
    assert.deepEqual(await p.write(loc, { key: 'a' }, 0), { version: 1 });
    const conflict = await providerError(p.write(loc, { key: 'b' }, 0));
    assert.equal(conflict.kind, 'cas-conflict');
    assert.equal(conflict.details.apiPath, 'secret/data/app/api');
    assert.match(conflict.message, /HTTP 400/);
    assert.deepEqual(await p.write(loc, { key: 'b' }, 1), { version: 2 });
    assert.deepEqual(await p.write(loc, { key: 'c' }), { version: 3 });
    assert.deepEqual(fv.readSecret('secret', 'app/api'), { key: 'c' });
    fv.setCasRequired('secret', 'app/api', true);
    const required = await providerError(p.write(loc, { key: 'd' }));
    assert.equal(required.kind, 'cas-conflict');
    assert.match(required.message, /requires check-and-set/);
  });

  it('writes KV v1 (version 0) and refuses check-and-set there', async () => {
    const p = make();
    assert.deepEqual(await p.write({ engine: 'legacy', path: 'app/db' }, { password: 'p' }), { version: 0 });
    assert.deepEqual(fv.readSecret('legacy', 'app/db'), { password: 'p' });
    assert.equal((await providerError(p.write({ engine: 'legacy', path: 'app/db' }, { password: 'q' }, 0))).kind, 'invalid-request');
  });

  it('reports a denied write with the exact API path', async () => {
    fv.addToken('ro', { policies: [{ path: 'secret/data/*', capabilities: ['read'] }] });
    const err = await providerError(make({ credential: { kind: 'token', token: 'ro' } }).write({ engine: 'secret', path: 'oracle' }, { a: 'b' }));
    assert.equal(err.kind, 'permission-denied');
    assert.equal(err.details.apiPath, 'secret/data/oracle');
  });
});

describe('capabilities', () => {
  it('returns the capabilities of the token on an API path', async () => {
    fv.addToken('dev', {
      policies: [
        { path: 'secret/data/*', capabilities: ['read'] },
        { path: 'secret/data/app/db', capabilities: ['read', 'update'] },
        { path: 'secret/data/admin/*', capabilities: ['deny'] },
      ],
    });
    const p = make({ credential: { kind: 'token', token: 'dev' } });
    assert.deepEqual(await p.capabilities('secret/data/app/db'), ['read', 'update']);
    assert.deepEqual(await p.capabilities('/secret/data/other'), ['read']);
    assert.deepEqual(await p.capabilities('secret/data/admin/x'), ['deny']);
    assert.deepEqual(await make().capabilities('anything'), ['root']);
  });
});

describe('auth', () => {
  it('logs in with AppRole on a custom mount, once, and again after the token is gone', async () => {
    fv.putSecret('secret', 'ci/deploy', { key: 'k' });
    fv.addAppRole('ci', 'role-1', 'secret-1', { policies: [{ path: 'secret/*', capabilities: ['read'] }], ttlSeconds: 60 }, 'team/approle');
    const events: TokenEvent[] = [];
    const p = make({
      credential: { kind: 'approle', roleId: 'role-1', secretId: 'secret-1', mount: 'team/approle' },
      onTokenEvent: (e) => events.push(e),
      kvVersions: { secret: 2 },
    });
    const logins = (): number => fv.countRequests((r) => r.path === 'auth/team/approle/login');
    const [a, b] = await Promise.all([p.keys({ engine: 'secret', path: 'ci/deploy' }), p.keys({ engine: 'secret', path: 'ci/deploy' })]);
    assert.deepEqual(a, ['key']);
    assert.deepEqual(b, ['key']);
    assert.equal(logins(), 1);
    await p.keys({ engine: 'secret', path: 'ci/deploy' });
    assert.equal(logins(), 1);
    assert.deepEqual(events, [{ kind: 'login', method: 'approle', relogin: false }]);
    const info = await p.tokenInfo();
    assert.equal(info.displayName, 'approle');
    assert.ok(!JSON.stringify(info).includes('hvs.'));

    fv.advanceTime(120); // the token expires and Vault revokes it
    assert.deepEqual(await p.keys({ engine: 'secret', path: 'ci/deploy' }), ['key']);
    assert.equal(logins(), 2);
    assert.deepEqual(events.at(-1), { kind: 'login', method: 'approle', relogin: true });
    const statuses = fv.requests.filter((r) => r.path === 'secret/subkeys/ci/deploy').map((r) => r.outcome);
    assert.deepEqual(statuses, [200, 200, 200, 403, 200]);
  });

  it('reports bad AppRole credentials and a wrong mount as unauthenticated', async () => {
    fv.addAppRole('ci', 'role-1', 'secret-1', {});
    const wrong = await providerError(
      make({ credential: { kind: 'approle', roleId: 'role-1', secretId: 'not-the-secret-id' } }).list('secret', ''),
    );
    assert.equal(wrong.kind, 'unauthenticated');
    assert.equal(wrong.details.apiPath, 'auth/approle/login');
    assert.match(wrong.message, /invalid role or secret ID/);
    assert.ok(!wrong.message.includes('not-the-secret-id'));
    const mount = await providerError(
      make({ credential: { kind: 'approle', roleId: 'role-1', secretId: 'secret-1', mount: 'elsewhere' } }).list('secret', ''),
    );
    assert.equal(mount.kind, 'unauthenticated');
    assert.equal(mount.details.apiPath, 'auth/elsewhere/login');
  });

  it('reports an invalid static token as unauthenticated, without retrying', async () => {
    const p = make({ credential: { kind: 'token', token: 'no-such-token' } });
    const err = await providerError(p.metadata({ engine: 'secret', path: 'x' }));
    assert.equal(err.kind, 'unauthenticated');
    assert.equal(fv.countRequests(), 1);
    assert.equal((await providerError(make({ credential: { kind: 'token', token: '' } }).listEngines())).kind, 'unauthenticated');
  });

  it('sends the namespace header and logs in inside the namespace', async () => {
    fv.mountKv('kv', 2, 'team-a');
    fv.putSecret('kv', 'db', { password: 'ns' }, { namespace: 'team-a' });
    fv.addToken('ns-token', { namespace: 'team-a', policies: [{ path: 'kv/*', capabilities: ['read', 'list'] }] });
    const p = make({ namespace: 'team-a', credential: { kind: 'token', token: 'ns-token' } });
    assert.equal(await p.engineVersion('kv'), 2);
    assert.deepEqual(await p.keys({ engine: 'kv', path: 'db' }), ['password']);
    assert.ok(fv.requests.length > 0 && fv.requests.every((r) => r.namespace === 'team-a'));

    fv.addAppRole('app', 'rid', 'sid', { namespace: 'team-a', policies: [{ path: 'kv/*', capabilities: ['read'] }] });
    const approle = make({ namespace: '/team-a/', credential: { kind: 'approle', roleId: 'rid', secretId: 'sid' } });
    assert.deepEqual(await approle.readValue({ engine: 'kv', path: 'db' }), { password: 'ns' });
    // without a namespace, the root namespace has no such mount
    assert.deepEqual(await make().mountInfo('kv'), { mounted: false });
  });

  it('ignores VAULT_* variables of the process', async () => {
    fv.putSecret('secret', 'a', { x: '1' });
    process.env.VAULT_ADDR = 'http://127.0.0.1:1';
    process.env.VAULT_TOKEN = 'env-token';
    process.env.VAULT_NAMESPACE = 'env-ns';
    process.env.VAULT_PREFIX = '/bogus';
    const p = make();
    assert.deepEqual(await p.keys({ engine: 'secret', path: 'a' }), ['x']);
    assert.ok(fv.requests.every((r) => r.namespace === undefined && !r.path.startsWith('bogus')));
    fv.addAppRole('ci', 'role-1', 'secret-1', {});
    const approle = make({ credential: { kind: 'approle', roleId: 'role-1', secretId: 'secret-1' } });
    await approle.tokenInfo();
    assert.equal(fv.requests.find((r) => r.path === 'auth/approle/login')?.outcome, 200);
  });

  it('returns token information without the token', async () => {
    fv.addToken('tok-info-123456', { ttlSeconds: 3600, maxTtlSeconds: 7200, policyNames: ['default', 'dev'], displayName: 'token-dev' });
    const info = await make({ credential: { kind: 'token', token: 'tok-info-123456' } }).tokenInfo();
    assert.equal(info.ttlSeconds, 3600);
    assert.equal(info.renewable, true);
    assert.deepEqual(info.policies, ['default', 'dev']);
    assert.equal(info.displayName, 'token-dev');
    assert.equal(info.explicitMaxTtlSeconds, 7200);
    assert.ok(Date.parse(info.expireTime!) > Date.now());
    assert.ok(!JSON.stringify(info).includes('tok-info-123456'));
  });
});

describe('auto_renew', () => {
  it('renews at 2/3 of the TTL until the max TTL, then reports cannot-renew once', async () => {
    fv.addToken('renew-me', { ttlSeconds: 60, maxTtlSeconds: 150 });
    const timers = new ManualTimers();
    const events: TokenEvent[] = [];
    const p = make({ credential: { kind: 'token', token: 'renew-me' }, renewTimers: timers, onTokenEvent: (e) => events.push(e) });
    await p.startAutoRenew();
    await p.startAutoRenew(); // idempotent
    assert.equal(timers.pending.length, 1);
    const step = async (): Promise<void> => {
      const t = timers.pending.shift()!;
      assert.equal(t.ms, 40_000);
      fv.advanceTime(t.ms / 1000);
      const before = events.length;
      t.fn();
      await waitFor(() => events.length > before);
    };
    await step();
    assert.deepEqual(events, [{ kind: 'renewed', ttlSeconds: 60 }]);
    await step();
    await step();
    assert.equal(events.length, 3);
    const last = events[2]!;
    assert.equal(last.kind, 'cannot-renew');
    assert.ok(last.kind === 'cannot-renew' && last.code === 'max-ttl' && last.ttlSeconds === 30);
    assert.match(last.kind === 'cannot-renew' ? last.reason : '', /maximum TTL/);
    assert.equal(timers.pending.length, 0);
    assert.equal(fv.tokenInfo('renew-me')?.renewCount, 3);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(events.length, 3);
  });

  it('reports a non-renewable token and a failed renewal; leaves non-expiring tokens alone', async () => {
    fv.addToken('fixed', { ttlSeconds: 600, renewable: false });
    const timers = new ManualTimers();
    const events: TokenEvent[] = [];
    await make({ credential: { kind: 'token', token: 'fixed' }, renewTimers: timers, onTokenEvent: (e) => events.push(e) }).startAutoRenew();
    assert.equal(events.length, 1);
    assert.ok(events[0]!.kind === 'cannot-renew' && events[0]!.code === 'not-renewable');
    assert.equal(timers.pending.length, 0);

    await make({ renewTimers: timers, onTokenEvent: (e) => events.push(e) }).startAutoRenew(); // root: no TTL
    assert.equal(timers.pending.length, 0);
    assert.equal(events.length, 1);

    fv.addToken('flaky', { ttlSeconds: 60 });
    await make({ credential: { kind: 'token', token: 'flaky' }, renewTimers: timers, onTokenEvent: (e) => events.push(e) }).startAutoRenew();
    fv.faults.set({ kind: 'status', status: 500, pathPrefix: 'auth/token/renew-self' });
    timers.pending.shift()!.fn();
    await waitFor(() => events.length === 2);
    const failed = events[1]!;
    assert.ok(failed.kind === 'cannot-renew' && failed.code === 'renew-failed');
    assert.match(failed.kind === 'cannot-renew' ? failed.reason : '', /Vault answered 500/);
    assert.equal(timers.pending.length, 0);
  });

  it('reports a failed initial lookup as cannot-renew instead of rejecting', async () => {
    const events: TokenEvent[] = [];
    const timers = new ManualTimers();
    await make({ credential: { kind: 'token', token: 'gone' }, renewTimers: timers, onTokenEvent: (e) => events.push(e) }).startAutoRenew();
    assert.equal(events.length, 1);
    const e = events[0]!;
    assert.ok(e.kind === 'cannot-renew' && e.code === 'renew-failed');
    assert.match(e.kind === 'cannot-renew' ? e.reason : '', /^Looking up the token failed: .*invalid or expired/);
    assert.equal(timers.pending.length, 0);
  });

  it('restarts renewal for the new token after an AppRole re-login', async () => {
    fv.addAppRole('ci', 'role-1', 'secret-1', { policies: [{ path: 'secret/*', capabilities: ['read', 'list'] }], ttlSeconds: 90 });
    const timers = new ManualTimers();
    const events: TokenEvent[] = [];
    const p = make({
      credential: { kind: 'approle', roleId: 'role-1', secretId: 'secret-1' },
      renewTimers: timers,
      onTokenEvent: (e) => events.push(e),
      kvVersions: { secret: 2 },
    });
    await p.startAutoRenew();
    assert.deepEqual(timers.pending.map((t) => t.ms), [60_000]);
    const firstTimer = timers.pending[0]!.id;
    fv.advanceTime(200);
    assert.deepEqual(await p.list('secret', ''), []);
    await waitFor(() => timers.pending.length === 1 && timers.pending[0]!.id !== firstTimer);
    assert.deepEqual(
      events.filter((e) => e.kind === 'login'),
      [
        { kind: 'login', method: 'approle', relogin: false },
        { kind: 'login', method: 'approle', relogin: true },
      ],
    );
  });

  it('works with real timers and short TTLs', async () => {
    fv.addToken('short', { ttlSeconds: 2, maxTtlSeconds: 3 });
    const events: TokenEvent[] = [];
    const p = make({ credential: { kind: 'token', token: 'short' }, onTokenEvent: (e) => events.push(e) });
    const started = Date.now();
    await p.startAutoRenew();
    await waitFor(() => events.some((e) => e.kind === 'cannot-renew'), 6000);
    assert.ok(Date.now() - started < 4000);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['renewed', 'cannot-renew'],
    );
  });
});
