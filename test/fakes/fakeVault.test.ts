/**
 * The fake Vault, exercised only through the real node-vault client (plus raw sockets where the
 * point is the wire format of the LIST verb).
 */
import { strict as assert } from 'node:assert';
import net from 'node:net';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import vault from 'node-vault';
import { FakeVault, type PolicyRule } from './fakeVault';
import { generateSelfSignedCert } from './vault/selfSignedCert';

type Client = ReturnType<typeof vault>;

interface ApiError {
  message: string;
  response: { statusCode: number; body: any };
}
interface TransportError {
  message: string;
  code: string;
  isAxiosError: boolean;
  response?: unknown;
}

/** Awaits a rejection and hands back the error for inspection. */
async function rejection<T = ApiError>(promise: Promise<unknown>): Promise<T> {
  try {
    await promise;
  } catch (e) {
    return e as T;
  }
  assert.fail('expected the call to reject');
}

const PERMISSION_DENIED = '1 error occurred:\n\t* permission denied\n\n';
const INVALID_TOKEN = '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n';

before(() => {
  // node-vault reads VAULT_ADDR / VAULT_TOKEN / VAULT_NAMESPACE / VAULT_PREFIX / VAULT_SKIP_VERIFY.
  for (const key of Object.keys(process.env)) if (key.startsWith('VAULT_')) delete process.env[key];
});

let fv: FakeVault;
const client = (opts: Parameters<typeof vault>[0] = {}): Client =>
  vault({ endpoint: fv.address, token: fv.rootToken, requestOptions: { timeout: 2000 }, ...opts });

beforeEach(async () => {
  fv = await FakeVault.start();
  fv.mountKv('secret', 2);
});
afterEach(async () => {
  await fv.stop();
});

describe('KV v2', () => {
  it('writes, reads versions, metadata and subkeys', async () => {
    const c = client();
    const w1 = await c.write('secret/data/app/db', { data: { user: 'scott', password: 'tiger' } });
    assert.equal(w1.data.version, 1);
    assert.equal(w1.data.deletion_time, '');
    assert.equal(w1.data.destroyed, false);
    const w2 = await c.write('secret/data/app/db', { data: { user: 'scott', password: 'lion', opts: { ssl: { mode: 'verify' }, pool: 5 } } });
    assert.equal(w2.data.version, 2);

    const latest = await c.read('secret/data/app/db');
    assert.deepEqual(latest.data.data, { user: 'scott', password: 'lion', opts: { ssl: { mode: 'verify' }, pool: 5 } });
    assert.equal(latest.data.metadata.version, 2);
    assert.equal(latest.data.metadata.custom_metadata, null);
    const v1 = await c.read('secret/data/app/db?version=1');
    assert.equal(v1.data.data.password, 'tiger');
    assert.equal(v1.data.metadata.version, 1);

    fv.putSecret('secret', 'app/db', { user: 'scott', password: 'puma' }, { customMetadata: { owner: 'dba' } });
    const meta = await c.read('secret/metadata/app/db');
    assert.equal(meta.data.current_version, 3);
    assert.equal(meta.data.oldest_version, 0);
    assert.equal(meta.data.max_versions, 0);
    assert.equal(meta.data.cas_required, false);
    assert.deepEqual(meta.data.custom_metadata, { owner: 'dba' });
    assert.deepEqual(Object.keys(meta.data.versions), ['1', '2', '3']);
    assert.equal(meta.data.versions['1'].destroyed, false);

    const sub = await c.read('secret/subkeys/app/db?version=2');
    assert.deepEqual(sub.data.subkeys, { user: null, password: null, opts: { ssl: { mode: null }, pool: null } });
    assert.equal(sub.data.metadata.version, 2);
    const shallow = await c.read('secret/subkeys/app/db?version=2&depth=1');
    assert.deepEqual(shallow.data.subkeys, { user: null, password: null, opts: null });
  });

  it('patches data (merge-patch) and writes metadata through the API', async () => {
    const c = client();
    fv.putSecret('secret', 'app/db', { user: 'u', password: 'p' });
    const patched = await c.update('secret/data/app/db', { data: { password: null, port: 1521 } });
    assert.equal(patched.data.version, 2);
    assert.deepEqual((await c.read('secret/data/app/db')).data.data, { user: 'u', port: 1521 });
    assert.equal(await c.write('secret/metadata/app/db', { custom_metadata: { team: 'dba' }, max_versions: 5 }), '');
    const meta = await c.read('secret/metadata/app/db');
    assert.deepEqual(meta.data.custom_metadata, { team: 'dba' });
    assert.equal(meta.data.max_versions, 5);
    assert.deepEqual((await c.read('secret/data/app/db')).data.metadata.custom_metadata, { team: 'dba' });
  });

  it('answers 404 with an empty errors list for a missing secret or version', async () => {
    const c = client();
    const missing = await rejection(c.read('secret/data/nope'));
    assert.equal(missing.response.statusCode, 404);
    assert.deepEqual(missing.response.body, { errors: [] });
    assert.equal(missing.message, 'Status 404');
    fv.putSecret('secret', 'one', { a: 1 });
    const noVersion = await rejection(c.read('secret/data/one?version=7'));
    assert.deepEqual(noVersion.response.body, { errors: [] });
  });

  it('rejects a check-and-set mismatch and enforces cas_required', async () => {
    const c = client();
    fv.putSecret('secret', 'app/api', { key: 'a' });
    const conflict = await rejection(c.write('secret/data/app/api', { data: { key: 'b' }, options: { cas: 0 } }));
    assert.equal(conflict.response.statusCode, 400);
    assert.deepEqual(conflict.response.body, { errors: ['check-and-set parameter did not match the current version'] });
    assert.equal(conflict.message, 'check-and-set parameter did not match the current version');

    fv.setCasRequired('secret', 'app/api', true);
    const required = await rejection(c.write('secret/data/app/api', { data: { key: 'b' } }));
    assert.equal(required.response.statusCode, 400);
    assert.equal(required.message, 'check-and-set parameter required for this call');
    const okWrite = await c.write('secret/data/app/api', { data: { key: 'b' }, options: { cas: 1 } });
    assert.equal(okWrite.data.version, 2);
  });

  it('reports a soft-deleted version as 404 whose body still carries the metadata; undelete restores it', async () => {
    const c = client();
    fv.putSecret('secret', 'app/db', { password: 'v1' });
    fv.putSecret('secret', 'app/db', { password: 'v2' });
    await c.write('secret/delete/app/db', { versions: [2] });
    const err = await rejection(c.read('secret/data/app/db'));
    assert.equal(err.response.statusCode, 404);
    assert.equal(err.message, 'Status 404');
    assert.equal(err.response.body.data.data, null);
    assert.equal(err.response.body.data.metadata.version, 2);
    assert.equal(err.response.body.data.metadata.destroyed, false);
    assert.ok(!Number.isNaN(Date.parse(err.response.body.data.metadata.deletion_time)));
    // an older version stays readable
    assert.equal((await c.read('secret/data/app/db?version=1')).data.data.password, 'v1');
    // subkeys of a deleted version: 404 with metadata too
    const sub = await rejection(c.read('secret/subkeys/app/db'));
    assert.equal(sub.response.statusCode, 404);
    assert.equal(sub.response.body.data.subkeys, null);

    await c.write('secret/undelete/app/db', { versions: [2] });
    assert.equal((await c.read('secret/data/app/db')).data.data.password, 'v2');

    // DELETE on data/ soft-deletes the latest version
    await c.delete('secret/data/app/db');
    assert.equal((await rejection(c.read('secret/data/app/db'))).response.statusCode, 404);
  });

  it('reports a destroyed version as 404 with destroyed: true', async () => {
    const c = client();
    fv.putSecret('secret', 'app/db', { password: 'v1' });
    fv.putSecret('secret', 'app/db', { password: 'v2' });
    await c.destroySecretVersions({ mount_point: 'secret', path: 'app/db', versions: [1] });
    const err = await rejection(c.read('secret/data/app/db?version=1'));
    assert.equal(err.response.statusCode, 404);
    assert.equal(err.response.body.data.metadata.destroyed, true);
    assert.equal(err.response.body.data.metadata.deletion_time, '');
    const meta = await c.read('secret/metadata/app/db');
    assert.equal(meta.data.versions['1'].destroyed, true);
    // test-side helpers do the same
    fv.destroyVersion('secret', 'app/db', 2);
    assert.equal(fv.readSecret('secret', 'app/db'), undefined);
  });

  it('trims versions beyond max_versions', async () => {
    const c = client();
    fv.setMaxVersions('secret', 'rotating', 2);
    for (const n of [1, 2, 3]) fv.putSecret('secret', 'rotating', { n });
    const meta = await c.read('secret/metadata/rotating');
    assert.equal(meta.data.oldest_version, 2);
    assert.equal(meta.data.max_versions, 2);
    assert.deepEqual(Object.keys(meta.data.versions), ['2', '3']);
    assert.deepEqual((await rejection(c.read('secret/data/rotating?version=1'))).response.body, { errors: [] });
  });

  it('moves oldest_version as KeyMetadata.AddVersion does: 1 once the 10th version is written', async () => {
    const c = client();
    for (let n = 1; n <= 9; n++) fv.putSecret('secret', 'ten', { n });
    assert.equal((await c.read('secret/metadata/ten')).data.oldest_version, 0);
    fv.putSecret('secret', 'ten', { n: 10 });
    const meta = await c.read('secret/metadata/ten');
    assert.equal(meta.data.oldest_version, 1);
    assert.equal(Object.keys(meta.data.versions).length, 10);
    fv.putSecret('secret', 'ten', { n: 11 });
    const after = await c.read('secret/metadata/ten');
    assert.equal(after.data.oldest_version, 2);
    assert.deepEqual(Object.keys(after.data.versions)[0], '2');
  });

  it('writes metadata as pathMetadataWrite does: no known field is a no-op, updated_time and versions stay', async () => {
    const c = client();
    assert.equal(await c.write('secret/metadata/none', { unknown: 1 }), '');
    assert.equal((await rejection(c.read('secret/metadata/none'))).response.statusCode, 404, 'no key was created');
    for (const n of [1, 2, 3]) fv.putSecret('secret', 'kept', { n });
    const before = await c.read('secret/metadata/kept');
    fv.advanceTime(60);
    await c.write('secret/metadata/kept', { max_versions: 1 });
    const after = await c.read('secret/metadata/kept');
    assert.equal(after.data.updated_time, before.data.updated_time);
    assert.deepEqual(Object.keys(after.data.versions), ['1', '2', '3'], 'a lower max_versions trims at the next write');
    fv.putSecret('secret', 'kept', { n: 4 });
    assert.deepEqual(Object.keys((await c.read('secret/metadata/kept')).data.versions), ['4']);
  });

  it('sends the 404 of a deleted version as the plugin marshals it (mount_type "") and "No version number provided"', async () => {
    const c = client();
    fv.putSecret('secret', 'gone', { a: 1 });
    fv.deleteVersion('secret', 'gone', 1);
    const read = await rejection(c.read('secret/data/gone'));
    assert.equal(read.response.body.mount_type, '');
    assert.equal((await rejection(c.read('secret/subkeys/gone'))).response.body.mount_type, '');
    assert.equal((await c.read('secret/metadata/gone')).mount_type, 'kv');
    const none = await rejection(c.write('secret/delete/gone', {}));
    assert.deepEqual([none.response.statusCode, none.message], [400, 'No version number provided']);
    assert.equal((await rejection(c.write('secret/undelete/gone', {}))).message, 'No version number provided');
    assert.equal((await rejection(c.write('secret/destroy/gone', {}))).message, 'No version number provided');
  });

  it('takes any integer depth for subkeys, a negative one making every key a leaf', async () => {
    const c = client();
    fv.putSecret('secret', 'deep', { a: { b: 1 }, c: 2 });
    assert.deepEqual((await c.read('secret/subkeys/deep?depth=-1')).data.subkeys, { a: null, c: null });
    const bad = await rejection(c.read('secret/subkeys/deep?depth=x'));
    assert.deepEqual([bad.response.statusCode, bad.message], [400, 'error converting input x for field "depth"']);
  });

  it('lists folders with a trailing slash and answers 404 for an empty folder', async () => {
    const c = client();
    fv.putSecret('secret', 'app/db', { a: 1 });
    fv.putSecret('secret', 'app/api/key', { a: 1 });
    fv.putSecret('secret', 'top', { a: 1 });
    assert.deepEqual((await c.list('secret/metadata/')).data.keys, ['app/', 'top']);
    assert.deepEqual((await c.list('secret/metadata/app')).data.keys, ['api/', 'db']);
    const empty = await rejection(c.list('secret/metadata/nothing'));
    assert.equal(empty.response.statusCode, 404);
    assert.deepEqual(empty.response.body, { errors: [] });
  });

  it('answers a path no KV v2 endpoint matches with 404, data null and the "Invalid path" warning (backend.go pathInvalid)', async () => {
    const c = client();
    const invalid = (verb: string) =>
      `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${verb}' for this operation.`;
    const path = await rejection(c.read('secret/app/db'));
    assert.equal(path.response.statusCode, 404);
    assert.equal(path.message, 'Status 404');
    assert.equal(path.response.body.errors, undefined);
    assert.equal(path.response.body.data, null);
    assert.equal(path.response.body.mount_type, '');
    assert.deepEqual(path.response.body.warnings, [invalid('get')]);
    // list paths get a trailing slash, which data/ never matches
    const listData = await rejection(c.list('secret/data/app'));
    assert.deepEqual([listData.response.statusCode, listData.response.body.warnings], [404, [invalid('list')]]);
    const write = await rejection(c.write('secret/app/db', { a: 1 }));
    assert.deepEqual([write.response.statusCode, write.response.body.warnings], [404, [invalid('put')]]);
    const trailing = await rejection(c.read('secret/data/app/'));
    assert.deepEqual(trailing.response.body.warnings, [invalid('get')]);
    const root = await rejection(c.read('secret/data'));
    assert.deepEqual(root.response.body.warnings, ['Non-listing operations on the root of a K/V v2 mount are not supported.']);
  });

  it('answers unsupported operation and no route like Vault', async () => {
    const c = client();
    const op = await rejection(c.delete('secret/subkeys/app/db'));
    assert.equal(op.response.statusCode, 405);
    assert.equal(op.message, '1 error occurred:\n\t* unsupported operation\n\n');
    const route = await rejection(c.read('nomount/data/x'));
    assert.equal(route.response.statusCode, 404);
    assert.equal(route.message, 'no handler for route "nomount/data/x". route entry not found.');
  });
});

describe('KV v1', () => {
  it('writes, reads and lists', async () => {
    fv.mountKv('legacy', 1);
    const c = client();
    assert.equal(await c.write('legacy/app/db', { user: 'u', password: 'p' }), '');
    fv.putSecret('legacy', 'app/api', { key: 'k' });
    const read = await c.read('legacy/app/db');
    assert.deepEqual(read.data, { user: 'u', password: 'p' });
    assert.equal(read.lease_duration, 2764800);
    assert.deepEqual((await c.list('legacy/')).data.keys, ['app/']);
    assert.deepEqual((await c.list('legacy/app')).data.keys, ['api', 'db']);
    // a KV v2-style path is just another (missing) key on a v1 mount
    assert.equal((await rejection(c.read('legacy/data/app/db'))).response.statusCode, 404);
  });
});

describe('LIST verb and ?list=true', () => {
  it('serves LIST through node-vault by default and GET ?list=1 with noCustomHTTPVerbs', async () => {
    fv.putSecret('secret', 'a/b', { x: 1 });
    assert.deepEqual((await client().list('secret/metadata/a')).data.keys, ['b']);
    assert.deepEqual((await client({ noCustomHTTPVerbs: true }).list('secret/metadata/a')).data.keys, ['b']);
    const lists = fv.requests.filter((r) => r.operation === 'list');
    assert.deepEqual(
      lists.map((r) => [r.method, r.path, r.query]),
      [
        ['LIST', 'secret/metadata/a/', ''],
        ['GET', 'secret/metadata/a/', 'list=1'],
      ],
    );
  });

  it('handles a LIST request split across packets on a reused keep-alive connection', async () => {
    fv.putSecret('secret', 'a/b', { x: 1 });
    const socket = net.connect(fv.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n`);
    while (!received.includes('"initialized"')) await new Promise((r) => setTimeout(r, 5));
    socket.write('LIST /v1/secret/metadata/a HTTP/1.1\r\n');
    await new Promise((r) => setTimeout(r, 20));
    socket.write(`Host: x\r\nX-Vault-Token: ${fv.rootToken}\r\nContent-Length: 0\r\n\r\n`);
    await closed;
    const second = received.slice(received.indexOf('HTTP/1.1', 10));
    assert.match(second, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(second, /Connection: close/);
    assert.deepEqual(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4)).data.keys, ['b']);
  });
});

describe('mount discovery', () => {
  it('resolves the mount of a path via sys/internal/ui/mounts', async () => {
    fv.mountKv('team/kv', 1);
    fv.mount('plain', 'kv');
    fv.mount('transit', 'transit');
    const c = client();
    const m = await c.read('sys/internal/ui/mounts/secret/data/app/db');
    assert.equal(m.data.path, 'secret/');
    assert.equal(m.data.type, 'kv');
    assert.deepEqual(m.data.options, { version: '2' });
    const team = await c.read('sys/internal/ui/mounts/team/kv/app');
    assert.equal(team.data.path, 'team/kv/');
    assert.deepEqual(team.data.options, { version: '1' });
    assert.equal((await c.read('sys/internal/ui/mounts/plain/x')).data.options, null);
    assert.equal((await c.read('sys/internal/ui/mounts/transit/keys/k')).data.type, 'transit');

    const unknown = await rejection(c.read('sys/internal/ui/mounts/nowhere/x'));
    assert.equal(unknown.response.statusCode, 403);
    assert.equal(
      unknown.message,
      `preflight capability check returned 403, please ensure client's policies grant access to path "nowhere/x/"`,
    );
  });

  it('looks the mount up before the token: an unknown mount is the preflight 403 even for an invalid or missing token', async () => {
    const preflight = `preflight capability check returned 403, please ensure client's policies grant access to path "nowhere/x/"`;
    for (const token of ['not-a-token', undefined]) {
      const c = vault({ endpoint: fv.address, requestOptions: { timeout: 2000 }, ...(token ? { token } : {}) });
      const unknown = await rejection(c.read('sys/internal/ui/mounts/nowhere/x'));
      assert.deepEqual([unknown.response.statusCode, unknown.message], [403, preflight]);
    }
    const invalid = await rejection(client({ token: 'not-a-token' }).read('sys/internal/ui/mounts/secret/x'));
    assert.deepEqual([invalid.response.statusCode, invalid.message], [403, INVALID_TOKEN]);
    const missing = await rejection(vault({ endpoint: fv.address }).read('sys/internal/ui/mounts/secret/x'));
    assert.deepEqual([missing.response.statusCode, missing.message], [403, PERMISSION_DENIED]);
    // The list of all mounts without a token: only mounts tuned to be listed unauthenticated.
    assert.deepEqual((await vault({ endpoint: fv.address }).read('sys/internal/ui/mounts')).data, { auth: {}, secret: {} });
  });

  it('checks the policy before routing: 403 for a non-root token whether or not a mount is there, 404 no handler for root', async () => {
    fv.mountKv('other', 2);
    fv.addToken('least', { policies: [{ path: 'secret/data/*', capabilities: ['read'] }, { path: 'secret/metadata/*', capabilities: ['read', 'list'] }] });
    const least = client({ token: 'least' });
    for (const path of ['nomount/data/x', 'other/data/x']) {
      const denied = await rejection(least.read(path));
      assert.deepEqual([denied.response.statusCode, denied.message], [403, PERMISSION_DENIED]);
    }
    const root = await rejection(client().read('nomount/data/x'));
    assert.deepEqual([root.response.statusCode, root.message], [404, 'no handler for route "nomount/data/x". route entry not found.']);
    const sysMounts = await rejection(least.read('sys/mounts'));
    assert.deepEqual([sysMounts.response.statusCode, sysMounts.message], [403, PERMISSION_DENIED]);
  });

  it('hides mounts the token has no access to, exactly like unknown ones', async () => {
    fv.mountKv('other', 2);
    fv.addToken('app', { policies: [{ path: 'secret/data/app/*', capabilities: ['read'] }] });
    const c = client({ token: 'app' });
    assert.equal((await c.read('sys/internal/ui/mounts/secret/data/app/db')).data.path, 'secret/');
    const denied = await rejection(c.read('sys/internal/ui/mounts/other/data/x'));
    assert.equal(denied.response.statusCode, 403);
    assert.match(denied.message, /^preflight capability check returned 403/);
  });

  it('lists sys/mounts for tokens allowed to read it', async () => {
    fv.mountKv('legacy', 1);
    const all = await client().mounts();
    for (const key of ['secret/', 'legacy/', 'sys/', 'cubbyhole/', 'identity/']) {
      assert.ok(all[key], `top-level ${key}`);
      assert.ok(all.data[key], `data.${key}`);
    }
    assert.deepEqual(all.data['secret/'].options, { version: '2' });
    assert.equal(all.data['secret/'].type, 'kv');

    fv.addToken('no-sys', { policies: [{ path: 'secret/*', capabilities: ['read'] }] });
    const denied = await rejection(client({ token: 'no-sys' }).mounts());
    assert.equal(denied.response.statusCode, 403);
    assert.equal(denied.message, PERMISSION_DENIED);
    fv.addToken('sys', { policies: [{ path: 'sys/mounts', capabilities: ['read'] }] });
    assert.ok((await client({ token: 'sys' }).mounts()).data['secret/']);
  });
});

describe('auth', () => {
  it('logs in with AppRole on a custom mount and uses the issued token', async () => {
    fv.putSecret('secret', 'ci/deploy', { key: 'k' });
    fv.addAppRole('ci', 'role-123', 'secret-456', { policies: [{ path: 'secret/data/ci/*', capabilities: ['read'] }], ttlSeconds: 600 }, 'team/approle');
    const c = vault({ endpoint: fv.address });
    const login = await c.approleLogin({ mount_point: 'team/approle', role_id: 'role-123', secret_id: 'secret-456' });
    assert.match(login.auth.client_token, /^hvs\./);
    assert.equal(login.auth.lease_duration, 600);
    assert.equal(login.auth.renewable, true);
    assert.deepEqual(login.auth.policies, ['default']);
    assert.deepEqual(login.auth.metadata, { role_name: 'ci' });
    assert.equal(c.token, login.auth.client_token); // node-vault adopts the token
    assert.equal((await c.read('secret/data/ci/deploy')).data.data.key, 'k');
    assert.equal((await rejection(c.read('secret/data/other'))).message, PERMISSION_DENIED);

    const wrong = await rejection(vault({ endpoint: fv.address }).approleLogin({ mount_point: 'team/approle', role_id: 'role-123', secret_id: 'bad' }));
    assert.equal(wrong.response.statusCode, 400);
    assert.deepEqual(wrong.response.body, { errors: ['invalid role or secret ID'] });
    // the default mount is not enabled: an unauthenticated request there is just denied
    const noMount = await rejection(vault({ endpoint: fv.address }).approleLogin({ role_id: 'role-123', secret_id: 'secret-456' }));
    assert.equal(noMount.response.statusCode, 403);
  });

  it('logs in with AppRole inside a namespace', async () => {
    fv.mountKv('kv', 2, 'team-a');
    fv.putSecret('kv', 'db', { password: 'ns' }, { namespace: 'team-a' });
    fv.addAppRole('app', 'rid', 'sid', { namespace: 'team-a', policies: [{ path: 'kv/data/*', capabilities: ['read'] }] });
    const c = vault({ endpoint: fv.address, namespace: 'team-a' });
    await c.approleLogin({ role_id: 'rid', secret_id: 'sid' });
    assert.equal((await c.read('kv/data/db')).data.data.password, 'ns');
    const lookup = await c.tokenLookupSelf();
    assert.equal(lookup.data.namespace_path, 'team-a/');
    assert.equal(lookup.data.path, 'auth/approle/login');
    // outside the namespace the role does not exist
    const rootNs = await rejection(vault({ endpoint: fv.address }).approleLogin({ role_id: 'rid', secret_id: 'sid' }));
    assert.equal(rootNs.response.statusCode, 403);
  });

  it('looks up and renews a token, capping the TTL at the explicit max TTL', async () => {
    fv.addToken('short', { policies: [], ttlSeconds: 3600, maxTtlSeconds: 5400 });
    const c = client({ token: 'short' });
    const info = await c.tokenLookupSelf();
    assert.equal(info.data.ttl, 3600);
    assert.equal(info.data.creation_ttl, 3600);
    assert.equal(info.data.explicit_max_ttl, 5400);
    assert.equal(info.data.renewable, true);
    assert.deepEqual(info.data.policies, ['default']);
    assert.ok(Date.parse(info.data.expire_time) > Date.now());

    fv.advanceTime(3000);
    assert.equal((await c.tokenLookupSelf()).data.ttl, 600);
    const renewed = await c.tokenRenewSelf({ increment: 3600 });
    assert.equal(renewed.auth.client_token, 'short');
    assert.equal(renewed.auth.lease_duration, 2400);
    assert.deepEqual(renewed.warnings, ['TTL of "1h0m0s" exceeded the effective max_ttl of "40m0s"; TTL value is capped accordingly']);
    const after = await c.tokenLookupSelf();
    assert.equal(after.data.ttl, 2400);
    assert.ok(after.data.last_renewal_time > 0);

    fv.advanceTime(2400);
    const expired = await rejection(c.tokenLookupSelf());
    assert.equal(expired.response.statusCode, 403);
    assert.equal(expired.message, INVALID_TOKEN);
  });

  it('renews within the max TTL without a warning and refuses non-renewable tokens', async () => {
    fv.addToken('renewable', { ttlSeconds: 60 });
    const r = await client({ token: 'renewable' }).tokenRenewSelf({ increment: '2m' });
    assert.equal(r.auth.lease_duration, 120);
    assert.equal(r.warnings, null);
    assert.equal(fv.tokenInfo('renewable')?.renewCount, 1);

    fv.addToken('fixed', { ttlSeconds: 60, renewable: false });
    const err = await rejection(client({ token: 'fixed' }).tokenRenewSelf());
    assert.equal(err.response.statusCode, 400);
    assert.equal(err.message, 'lease is not renewable');
  });

  it('denies missing and unknown tokens', async () => {
    const none = await rejection(vault({ endpoint: fv.address }).read('secret/data/x'));
    assert.equal(none.response.statusCode, 403);
    assert.equal(none.message, PERMISSION_DENIED);
    const unknown = await rejection(client({ token: 'nope' }).read('secret/data/x'));
    assert.equal(unknown.response.statusCode, 403);
    assert.equal(unknown.message, INVALID_TOKEN);
  });
});

describe('policies', () => {
  const rules: PolicyRule[] = [
    { path: 'secret/data/*', capabilities: ['read'] },
    { path: 'secret/data/admin/*', capabilities: ['deny'] },
    { path: 'secret/metadata/*', capabilities: ['list', 'read'] },
    { path: 'secret/data/+/shared', capabilities: ['read', 'update', 'create'] },
    { path: 'secret/data/app/db', capabilities: ['read', 'update'] },
  ];

  it('computes capabilities-self with most-specific-wins and deny', async () => {
    fv.addToken('dev', { policies: rules });
    const c = client({ token: 'dev' });
    const res = await c.write('sys/capabilities-self', {
      paths: ['secret/data/app/db', 'secret/data/app/other', 'secret/data/admin/root', 'secret/data/team/shared', 'secret/metadata/', 'legacy/x'],
    });
    assert.deepEqual(res.data, {
      'secret/data/app/db': ['read', 'update'],
      'secret/data/app/other': ['read'],
      'secret/data/admin/root': ['deny'],
      'secret/data/team/shared': ['create', 'read', 'update'],
      'secret/metadata/': ['list', 'read'],
      'legacy/x': ['deny'],
    });
    assert.deepEqual(res['secret/data/app/db'], ['read', 'update']); // also at the top level, as Vault sends it
    const legacy = await c.write('sys/capabilities-self', { path: 'secret/data/app/other' });
    assert.deepEqual(legacy.capabilities, ['read']);
    assert.deepEqual(legacy.data.capabilities, ['read']);
    const root = await client().write('sys/capabilities-self', { paths: ['anything'] });
    assert.deepEqual(root.data.anything, ['root']);
  });

  it('enforces policies on reads, lists and create-vs-update writes', async () => {
    fv.putSecret('secret', 'app/db', { a: 1 });
    fv.putSecret('secret', 'admin/root', { a: 1 });
    fv.addToken('dev', { policies: rules });
    const c = client({ token: 'dev' });
    assert.equal((await c.read('secret/data/app/db')).data.data.a, 1);
    assert.equal((await rejection(c.read('secret/data/admin/root'))).message, PERMISSION_DENIED);
    assert.deepEqual((await c.list('secret/metadata/')).data.keys, ['admin/', 'app/']);
    await c.write('secret/data/app/db', { data: { a: 2 } }); // update allowed on the exact path
    const create = await rejection(c.write('secret/data/app/new', { data: { a: 1 } }));
    assert.equal(create.response.statusCode, 403);
    await c.write('secret/data/x/shared', { data: { a: 1 } }); // create allowed via +
  });
});

describe('namespaces', () => {
  it('scopes mounts, secrets and tokens to the X-Vault-Namespace header', async () => {
    fv.mountKv('kv', 2, 'team-a');
    fv.putSecret('kv', 'db', { password: 'ns' }, { namespace: 'team-a' });
    fv.addToken('ns-token', { namespace: 'team-a', policies: [{ path: 'kv/data/*', capabilities: ['read'] }] });

    const inNs = client({ token: 'ns-token', namespace: 'team-a' });
    assert.equal((await inNs.read('kv/data/db')).data.data.password, 'ns');
    assert.equal(fv.requests.at(-1)?.namespace, 'team-a');
    assert.equal((await inNs.read('sys/internal/ui/mounts/kv/data/db')).data.path, 'kv/');

    // the same token outside its namespace is denied; the root namespace has no such mount
    assert.equal((await rejection(client({ token: 'ns-token' }).read('kv/data/db'))).response.statusCode, 403);
    assert.equal((await rejection(client().read('kv/data/db'))).response.statusCode, 404);

    // a root-namespace token reaches a child namespace through ns-prefixed policy paths
    fv.addToken('parent', { policies: [{ path: 'team-a/kv/data/*', capabilities: ['read'] }] });
    assert.equal((await client({ token: 'parent', namespace: 'team-a' }).read('kv/data/db')).data.data.password, 'ns');
    assert.equal((await rejection(client({ token: 'parent' }).read('kv/data/db'))).response.statusCode, 403);
    assert.equal((await client({ namespace: 'team-a' }).read('kv/data/db')).data.data.password, 'ns');
  });
});

describe('faults', () => {
  it('returns injected status codes with Vault-like bodies, then recovers', async () => {
    fv.putSecret('secret', 'app/db', { a: 1 });
    const c = client();
    for (const status of [500, 403, 404, 429]) {
      fv.faults.set({ kind: 'status', status });
      const err = await rejection(c.read('secret/data/app/db'));
      assert.equal(err.response.statusCode, status);
      assert.ok(Array.isArray(err.response.body.errors));
    }
    fv.faults.set({ kind: 'status', status: 429 });
    assert.equal((await rejection(c.read('secret/data/app/db'))).message, 'request path "secret/data/app/db": rate limit quota exceeded');
    fv.faults.set({ kind: 'status', status: 500 });
    assert.equal((await rejection(c.read('secret/data/app/db'))).message, '1 error occurred:\n\t* internal error\n\n');
    fv.faults.clear();
    assert.equal((await c.read('secret/data/app/db')).data.data.a, 1);
  });

  it('limits faults by path prefix and count', async () => {
    fv.putSecret('secret', 'app/db', { a: 1 });
    const c = client();
    fv.faults.set({ kind: 'status', status: 503, pathPrefix: 'secret/data/', times: 1 });
    assert.equal((await c.read('secret/metadata/app/db')).data.current_version, 1);
    assert.equal((await rejection(c.read('secret/data/app/db'))).response.statusCode, 503);
    assert.equal(fv.faults.current, undefined);
    assert.equal((await c.read('secret/data/app/db')).data.data.a, 1);
  });

  it('hangs until the client times out, for GET and LIST alike', async () => {
    const c = client({ requestOptions: { timeout: 300 } });
    fv.faults.set({ kind: 'hang' });
    const started = Date.now();
    const err = await rejection<TransportError>(c.read('secret/data/app/db'));
    assert.equal(err.code, 'ECONNABORTED');
    assert.equal(err.message, 'timeout of 300ms exceeded');
    assert.equal(err.isAxiosError, true);
    assert.equal(err.response, undefined);
    assert.ok(Date.now() - started < 1500);
    assert.equal((await rejection<TransportError>(c.list('secret/metadata/'))).code, 'ECONNABORTED');
    fv.faults.clear();
    fv.putSecret('secret', 'app/db', { a: 1 });
    assert.equal((await c.read('secret/data/app/db')).data.data.a, 1);
  });

  it('sends a truncated JSON body: node-vault resolves with the raw string on 200', async () => {
    const c = client();
    fv.faults.set({ kind: 'malformed' });
    const body: unknown = await c.read('secret/data/app/db');
    assert.equal(typeof body, 'string');
    assert.throws(() => JSON.parse(body as string), SyntaxError);
    fv.faults.set({ kind: 'malformed', status: 500 });
    const err = await rejection(c.read('secret/data/app/db'));
    assert.equal(err.message, 'Status 500');
    assert.equal(typeof err.response.body, 'string');
  });

  it('closes the socket: connection reset, for GET and LIST', async () => {
    const c = client();
    fv.faults.set({ kind: 'close' });
    const err = await rejection<TransportError>(c.read('secret/data/app/db'));
    assert.equal(err.code, 'ECONNRESET');
    assert.equal(err.message, 'socket hang up');
    assert.equal(err.response, undefined);
    assert.equal((await rejection<TransportError>(c.list('secret/metadata/'))).code, 'ECONNRESET');
    fv.faults.clear();
    assert.equal((await rejection(c.read('secret/data/app/db'))).response.statusCode, 404);
  });

  it('refuses connections once stopped', async () => {
    const other = await FakeVault.start();
    const address = other.address;
    await other.stop();
    const err = await rejection<TransportError>(vault({ endpoint: address, token: 'root' }).read('secret/data/x'));
    assert.equal(err.code, 'ECONNREFUSED');
    assert.match(err.message, /ECONNREFUSED 127\.0\.0\.1:\d+/);
  });
});

describe('server', () => {
  it('binds to 127.0.0.1 only', async () => {
    assert.match(fv.address, /^http:\/\/127\.0\.0\.1:\d+$/);
    await assert.rejects(FakeVault.start({ host: '0.0.0.0' }), /only binds to 127\.0\.0\.1/);
    await assert.rejects(FakeVault.start({ host: 'localhost' }), /only binds to 127\.0\.0\.1/);
  });

  it('counts requests per path and resets the log', async () => {
    fv.putSecret('secret', 'app/db', { a: 1 });
    const c = client();
    await c.read('secret/data/app/db');
    await c.read('secret/data/app/db');
    await c.read('secret/metadata/app/db');
    assert.equal(fv.countRequests((r) => r.path === 'secret/data/app/db' && r.operation === 'read'), 2);
    assert.equal(fv.countRequests(), 3);
    fv.resetCounts();
    assert.equal(fv.countRequests(), 0);
  });

  it('serves HTTPS (including the LIST verb) when given a key pair', async (t) => {
    const pair = generateSelfSignedCert();
    if (!pair) {
      t.skip('openssl is not available');
      return;
    }
    const tv = await FakeVault.start({ tls: pair });
    try {
      tv.mountKv('secret', 2);
      tv.putSecret('secret', 'a', { x: 1 });
      assert.match(tv.address, /^https:\/\/127\.0\.0\.1:\d+$/);
      const c = vault({ endpoint: tv.address, token: tv.rootToken, requestOptions: { ca: pair.cert } });
      assert.equal((await c.read('secret/data/a')).data.data.x, 1);
      assert.deepEqual((await c.list('secret/metadata/')).data.keys, ['a']);
      const untrusted = await rejection<TransportError>(vault({ endpoint: tv.address, token: tv.rootToken }).read('secret/data/a'));
      assert.equal(untrusted.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      await tv.stop();
    }
  });
});
