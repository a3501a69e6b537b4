/**
 * GcpProvider against the fake Secret Manager, through the real @google-cloud/secret-manager client
 * (REST transport) and the real google-auth-library (service account key → self-signed JWT, ADC
 * from GOOGLE_APPLICATION_CREDENTIALS): listing with pagination, metadata, keys, describe, versions,
 * writes with CAS, every error kind, injected faults within the time bound, recovery, a minimal
 * `testing.authClient`, and no credential or value leaks. A guard fails the run if anything opens a
 * connection to a host other than the loopback.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { GcpProvider, type GcpProviderOptions, crc32c } from '../../server/src/providers/gcp';
import type { ProviderError, ProviderErrorKind } from '../../server/src/providers/secretProvider';
import { crc32cBitwise } from '../fakes/gcp/crc32c';
import { signServiceAccountJwt } from '../fakes/gcp/credentials';
import { type Fault, GcpFake, type ServiceAccount } from '../fakes/gcpFake';
import { TcpProxy } from '../fakes/tcpProxy';
import { clearEnv } from '../helpers/envIsolation';
import { NetworkGuard } from '../helpers/networkGuard';
import { providerError } from '../helpers/providerAssertions';

// ------------------------------------------------------------------ environment and network guard

const CLOUD_ENV = /^(AWS_|AZURE_|GOOGLE_|GCLOUD_|CLOUDSDK_|GCE_|METADATA_SERVER_DETECTION$)/;
const clearCloudEnv = (): void => clearEnv(CLOUD_ENV);
/** Loopback only; Unix sockets count as leaving too. */
const guard = new NetworkGuard({ allowUnixSockets: false });
const { violations } = guard;

before(() => {
  clearCloudEnv();
  guard.install();
});
after(() => {
  guard.uninstall();
  clearCloudEnv();
});

// ------------------------------------------------------------------ helpers

let fake: GcpFake;
let sa: ServiceAccount;
let providers: GcpProvider[] = [];
const make = (opts: Partial<GcpProviderOptions> = {}): GcpProvider => {
  const p = new GcpProvider({
    vaultName: 'prod-gcp',
    project: fake.projectId,
    endpoint: fake.endpoint,
    timeoutMs: 2000,
    credential: { kind: 'service-account', json: sa.json },
    testing: { protocol: 'http' },
    ...opts,
  });
  providers.push(p);
  return p;
};

beforeEach(async () => {
  fake = await GcpFake.start();
  sa = fake.createServiceAccount();
  fake.createSecret('app-db', {
    labels: { env: 'prod', team: 'payments' },
    annotations: { owner: 'platform' },
    expireTime: '2031-01-02T03:04:05Z',
    rotation: { nextRotationTime: '2030-06-01T00:00:00Z', rotationPeriodSeconds: 30 * 86400 },
  });
  fake.addVersion('app-db', { user: 'scott', password: 'tiger-1' }); // 1
  fake.addVersion('app-db', { user: 'scott', password: 'tiger-2' }); // 2
  fake.addVersion('app-db', { user: 'scott', password: 'tiger-3', port: '1521' }); // 3
  fake.setAlias('app-db', 'prod', 2);
  fake.createSecret('api-key');
  fake.addVersion('api-key', 'plain-text-key');
});
afterEach(async () => {
  for (const p of providers) p.dispose();
  providers = [];
  await fake.stop();
  clearCloudEnv();
  const seen = violations.splice(0);
  assert.deepEqual(seen, [], `non-loopback connections were attempted: ${seen.join(', ')}`);
});

// ------------------------------------------------------------------ tests

describe('test harness', () => {
  it('blocks and reports connections to non-loopback hosts', async () => {
    const socket = net.connect(443, '192.0.2.1');
    const err = await new Promise<Error>((resolve) => socket.once('error', resolve));
    assert.match(err.message, /blocked connection to 192\.0\.2\.1/);
    assert.deepEqual(violations.splice(0), ['192.0.2.1']);
  });

  it('computes CRC32C like the fake (check value of "123456789" is 0xE3069283)', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32cBitwise(Buffer.from('123456789')), 0xe3069283);
    for (const size of [0, 1, 7, 64, 1000]) {
      const buf = Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff));
      assert.equal(crc32c(buf), crc32cBitwise(buf));
    }
  });
});

describe('listing', () => {
  it('returns every secret name across pages (ListSecrets with pageToken), signed with a self-signed JWT', async () => {
    fake.maxPageSize = 2;
    for (let i = 0; i < 7; i++) fake.createSecret(`svc-${i}`);
    const p = make();
    const names = await p.list(undefined, '');
    assert.deepEqual(names, ['api-key', 'app-db', 'svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4', 'svc-5', 'svc-6']);
    const pages = fake.requests.filter((r) => r.rpc === 'listSecrets');
    assert.equal(pages.length, 5);
    assert.ok(pages.slice(1).every((r) => /(^|&)pageToken=/.test(r.query)));
    assert.ok(pages.every((r) => r.principal === `serviceAccount:${sa.email}`));
    assert.equal(fake.countRequests((r) => r.rpc === 'token'), 0, 'no token exchange');
    assert.deepEqual(await p.listEngines(), []);
    assert.equal(await p.engineVersion('anything'), undefined);
  });

  it('returns [] for a project without secrets', async () => {
    fake.deleteSecret('app-db');
    fake.deleteSecret('api-key');
    assert.deepEqual(await make().list(undefined, ''), []);
  });

  it('lists versions across pages, oldest first, with states and aliases', async () => {
    fake.maxPageSize = 2;
    fake.setVersionState('app-db', 1, 'DESTROYED');
    fake.setVersionState('app-db', 2, 'DISABLED');
    const versions = await make().listVersions('app-db');
    assert.deepEqual(
      versions.map((v) => [v.version, v.disabled, v.destroyed, v.stages]),
      [
        [1, false, true, undefined],
        [2, true, false, ['prod']],
        [3, false, false, ['latest']],
      ],
    );
    assert.ok(versions[0]!.deletionTime, 'destroyTime is reported');
    assert.equal(fake.countRequests((r) => r.rpc === 'listSecretVersions'), 2);
  });
});

describe('facts', () => {
  it('reads metadata: labels, annotations, times, rotation, versions and the read version state', async () => {
    fake.setVersionState('app-db', 1, 'DISABLED');
    const p = make();
    const meta = await p.metadata({ path: 'app-db' });
    assert.deepEqual(meta.tags, { env: 'prod', team: 'payments' });
    assert.deepEqual(meta.customMetadata, { owner: 'platform' });
    assert.equal(meta.expiresOn, '2031-01-02T03:04:05.000Z');
    assert.deepEqual(meta.rotation, { enabled: true, nextRotation: '2030-06-01T00:00:00.000Z', period: 'P30D' });
    assert.equal(meta.currentVersion, 3);
    assert.equal(meta.enabled, true);
    assert.match(meta.createdTime ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(meta.updatedTime, meta.versions[2]!.createdTime);
    assert.deepEqual(
      meta.versions.map((v) => ({ version: v.version, disabled: v.disabled, destroyed: v.destroyed, stages: v.stages })),
      [
        { version: 1, disabled: true, destroyed: false, stages: undefined },
        { version: 2, disabled: false, destroyed: false, stages: ['prod'] },
        { version: 3, disabled: false, destroyed: false, stages: ['latest'] },
      ],
    );
    assert.equal((await p.metadata({ path: 'app-db', version: 1 })).enabled, false);
    assert.equal((await p.metadata({ path: 'app-db', version: '2' })).enabled, true);
    assert.deepEqual((await p.metadata({ path: 'api-key' })).rotation, { enabled: false });
    assert.ok(!JSON.stringify(meta).includes('tiger'), 'metadata holds no values');
  });

  it('returns the keys of a JSON secret and nothing of its values', async () => {
    const p = make();
    const keys = await p.keys({ path: 'app-db' });
    assert.deepEqual(keys, ['user', 'password', 'port']);
    assert.ok(!JSON.stringify(keys).includes('tiger') && !JSON.stringify(keys).includes('scott'));
    assert.deepEqual(await p.keys({ path: 'app-db', version: 1 }), ['user', 'password']);
    assert.deepEqual(await p.keys({ path: 'app-db', version: 'latest' }), ['user', 'password', 'port']);
    assert.deepEqual(await p.keys({ path: 'api-key' }), []);
    const access = fake.requests.filter((r) => r.rpc === 'accessSecretVersion').map((r) => r.path);
    assert.deepEqual(access.slice(0, 3), [
      `projects/${fake.projectId}/secrets/app-db/versions/latest:access`,
      `projects/${fake.projectId}/secrets/app-db/versions/1:access`,
      `projects/${fake.projectId}/secrets/app-db/versions/latest:access`,
    ]);
  });

  it('describes a JSON secret, a plain-text secret and non-object JSON with one read', async () => {
    fake.createSecret('list-json');
    fake.addVersion('list-json', '["a","b"]');
    const p = make();
    const json = await p.describe({ path: 'app-db' });
    assert.deepEqual(json.keys, ['user', 'password', 'port']);
    assert.equal(json.metadata.json, true);
    assert.equal(json.metadata.enabled, true);
    assert.equal(json.metadata.currentVersion, 3);
    assert.equal(json.metadataError, undefined);
    assert.ok(!JSON.stringify(json).includes('tiger'));
    assert.equal(fake.countRequests((r) => r.rpc === 'accessSecretVersion'), 1);

    const plain = await p.describe({ path: 'api-key' });
    assert.equal(plain.keys, undefined);
    assert.equal(plain.metadata.json, false);
    assert.ok(!JSON.stringify(plain).includes('plain-text-key'));

    const list = await p.describe({ path: 'list-json' });
    assert.equal(list.keys, undefined);
    assert.equal(list.metadata.json, false);
  });

  it('reads values for a preview: an object, or the text', async () => {
    const p = make();
    assert.deepEqual(await p.readValue({ path: 'app-db', version: 2 }), { user: 'scott', password: 'tiger-2' });
    assert.equal(await p.readValue({ path: 'api-key' }), 'plain-text-key');
    fake.addVersion('api-key', '   ');
    assert.equal(await p.readValue({ path: 'api-key' }), '   ');
  });

  it('reports a disabled or destroyed read version (metadata.enabled false), and errors on reading it', async () => {
    fake.setVersionState('app-db', 3, 'DISABLED');
    fake.setVersionState('app-db', 1, 'DESTROYED');
    const p = make();
    const latest = await p.describe({ path: 'app-db' });
    assert.equal(latest.keys, undefined);
    assert.equal(latest.metadata.json, undefined);
    assert.equal(latest.metadata.enabled, false);
    assert.equal(latest.metadata.versions.find((v) => v.version === 3)?.disabled, true);
    const disabled = await providerError(p.keys({ path: 'app-db' }));
    assert.equal(disabled.kind, 'disabled');
    assert.match(disabled.message, /latest version \(3\) of projects\/demo-project\/secrets\/app-db .*is disabled/);
    assert.match(disabled.message, /gcloud secrets versions enable 3 --secret=app-db --project=demo-project/);

    const destroyed = await p.describe({ path: 'app-db', version: 1 });
    assert.equal(destroyed.metadata.enabled, false);
    assert.equal(destroyed.metadata.versions[0]!.destroyed, true);
    assert.ok(destroyed.metadata.deletionDate);
    const err = await providerError(p.readValue({ path: 'app-db', version: 1 }));
    assert.equal(err.kind, 'destroyed');
    assert.match(err.message, /Version 1 of projects\/demo-project\/secrets\/app-db/);
    assert.deepEqual((await p.describe({ path: 'app-db', version: 2 })).keys, ['user', 'password']);
  });

  it('reports expiry (expireTime → expiresOn) and treats a secret past it as gone', async () => {
    fake.createSecret('short-lived', { expireTime: new Date(Date.now() + 3600_000) });
    fake.addVersion('short-lived', { k: 'v' });
    const p = make();
    const d = await p.describe({ path: 'short-lived' });
    assert.ok(Date.parse(d.metadata.expiresOn ?? '') > Date.now());
    fake.advanceTime(7200);
    // the self-signed JWT would be expired too in an hour: use a token the fake trusts for the clock jump
    fake.addToken('clock-token');
    const q = make({ testing: { protocol: 'http', authClient: bearerClient('clock-token') }, credential: { kind: 'adc' } });
    assert.equal((await providerError(q.describe({ path: 'short-lived' }))).kind, 'not-found');
  });

  it('tells a missing secret, a missing version and a secret without versions apart', async () => {
    fake.createSecret('empty');
    const p = make();
    for (const call of [
      () => p.keys({ path: 'nope' }),
      () => p.readValue({ path: 'nope' }),
      () => p.describe({ path: 'nope' }),
      () => p.metadata({ path: 'nope' }),
      () => p.listVersions('nope'),
    ]) {
      const err = await providerError(call());
      assert.equal(err.kind, 'not-found', err.message);
      assert.match(err.message, /projects\/demo-project\/secrets\/nope/);
    }
    const pinned = await providerError(p.describe({ path: 'app-db', version: 9 }));
    assert.equal(pinned.kind, 'version-not-found');
    assert.match(pinned.message, /has no version 9 \(latest: 3\)/);
    assert.equal((await providerError(p.keys({ path: 'app-db', version: 9 }))).kind, 'version-not-found');
    const none = await providerError(p.describe({ path: 'empty' }));
    assert.equal(none.kind, 'version-not-found');
    assert.match(none.message, /has no versions yet/);
    assert.equal((await providerError(p.readValue({ path: 'empty' }))).kind, 'version-not-found');
    assert.deepEqual((await p.metadata({ path: 'empty' })).versions, []);
  });

  it('rejects bad names and versions without sending anything', async () => {
    const p = make();
    for (const loc of [{ path: 'a/b' }, { path: '../x' }, { path: '' }, { path: 'app-db', version: 0 }, { path: 'app-db', version: 'prod' }, { path: 'app-db', version: -1 }]) {
      assert.equal((await providerError(p.keys(loc))).kind, 'invalid-request', JSON.stringify(loc));
    }
    assert.equal((await providerError(make({ project: '' }).list(undefined, ''))).kind, 'invalid-request');
    assert.equal((await providerError(make({ project: 'a/b' }).keys({ path: 'x' }))).kind, 'invalid-request');
    assert.equal(fake.countRequests(), 0);
  });
});

describe('writing', () => {
  it('adds a new version with a CRC32C, leaving old versions alone', async () => {
    const p = make();
    const r = await p.write({ path: 'app-db', version: 1 }, { user: 'scott', password: 'tiger-4' });
    assert.deepEqual(r, { version: 4 });
    assert.deepEqual(JSON.parse(fake.readVersion('app-db', 4)!), { user: 'scott', password: 'tiger-4' });
    assert.deepEqual(
      fake.versionStates('app-db').map((v) => v.state),
      ['ENABLED', 'ENABLED', 'ENABLED', 'ENABLED'],
    );
    assert.deepEqual(JSON.parse(fake.readVersion('app-db', 1)!), { user: 'scott', password: 'tiger-1' });
    const add = fake.requests.find((r2) => r2.rpc === 'addSecretVersion');
    assert.equal(add?.path, `projects/${fake.projectId}/secrets/app-db:addVersion`);
    assert.equal(add?.method, 'POST');
    const meta = await p.metadata({ path: 'app-db' });
    assert.equal(meta.currentVersion, 4);
  });

  it('checks the latest version against cas before adding (cas-conflict otherwise)', async () => {
    fake.createSecret('fresh');
    const p = make();
    assert.deepEqual(await p.write({ path: 'fresh' }, { a: '1' }, 0), { version: 1 });
    assert.deepEqual(await p.write({ path: 'fresh' }, { a: '2' }, 1), { version: 2 });
    const err = await providerError(p.write({ path: 'fresh' }, { a: 'stale' }, 1));
    assert.equal(err.kind, 'cas-conflict');
    assert.match(err.message, /latest version is 2, not 1/);
    assert.equal(fake.versionStates('fresh').length, 2, 'nothing was added');
    assert.equal((await providerError(p.write({ path: 'fresh' }, { a: '1' }, 0))).kind, 'cas-conflict');
    assert.equal((await providerError(p.write({ path: 'fresh' }, { a: '1' }, -1))).kind, 'invalid-request');
  });

  it('reports a version added by someone else between the CAS check and the add (casRaced)', async () => {
    const p = make();
    fake.faults.set({ kind: 'delay', ms: 150, rpc: 'addSecretVersion', times: 1 });
    const pending = p.write({ path: 'app-db' }, { user: 'a' }, 3);
    while (fake.countRequests((r) => r.rpc === 'addSecretVersion') === 0) await new Promise((r) => setTimeout(r, 5));
    fake.addVersion('app-db', { user: 'someone else' }); // lands while the provider's add is in flight
    assert.deepEqual(await pending, { version: 5, casRaced: true });
    assert.deepEqual(await p.write({ path: 'app-db' }, { user: 'b' }, 5), { version: 6 });
  });

  it('does not create secrets: a write to a missing one is not-found', async () => {
    const p = make();
    const err = await providerError(p.write({ path: 'missing' }, { a: '1' }));
    assert.equal(err.kind, 'not-found');
    assert.match(err.message, /adds a version to an existing secret only/);
    assert.equal((await providerError(p.write({ path: 'missing' }, { a: '1' }, 0))).kind, 'not-found');
    assert.deepEqual(fake.secretIds().sort(), ['api-key', 'app-db']);
  });
});

describe('permissions and credentials', () => {
  it('names the missing permission and the resource', async () => {
    const p = make();
    fake.deny('secretmanager.versions.access', { secret: 'app-db' });
    const access = await providerError(p.keys({ path: 'app-db' }));
    assert.equal(access.kind, 'permission-denied');
    assert.match(access.message, /needs secretmanager\.versions\.access on projects\/demo-project\/secrets\/app-db \(PERMISSION_DENIED, HTTP 403\)/);
    assert.equal(access.details.apiPath, 'projects/demo-project/secrets/app-db');
    assert.equal((await providerError(p.describe({ path: 'app-db' }))).kind, 'permission-denied');
    assert.deepEqual(await p.keys({ path: 'api-key' }), []);

    fake.deny('secretmanager.secrets.list');
    assert.match((await providerError(p.list(undefined, ''))).message, /needs secretmanager\.secrets\.list on projects\/demo-project \(/);
    fake.deny('secretmanager.secrets.get');
    assert.match((await providerError(p.metadata({ path: 'api-key' }))).message, /needs secretmanager\.secrets\.get on projects\/demo-project\/secrets\/api-key/);
    fake.deny('secretmanager.versions.add');
    assert.match((await providerError(p.write({ path: 'api-key' }, { a: 'b' }))).message, /needs secretmanager\.versions\.add/);
  });

  it('describes with versions.access alone (secretAccessor): keys plus minimal metadata and metadataError', async () => {
    fake.deny('secretmanager.secrets.get');
    fake.deny('secretmanager.versions.list');
    const d = await make().describe({ path: 'app-db' });
    assert.deepEqual(d.keys, ['user', 'password', 'port']);
    assert.equal(d.metadata.json, true);
    assert.equal(d.metadata.enabled, true);
    assert.equal(d.metadata.currentVersion, 3);
    assert.equal(d.metadataError?.kind, 'permission-denied');
    assert.match(d.metadataError?.message ?? '', /secretmanager\.secrets\.get/);
    // without secrets.get a missing version cannot be told from a missing secret
    const err = await providerError(make().keys({ path: 'app-db', version: 9 }));
    assert.equal(err.kind, 'not-found');
    assert.match(err.message, /or it has no version 9/);
  });

  it('reports the caller permissions on a secret (TestIamPermissions)', async () => {
    const p = make();
    assert.deepEqual(await p.capabilities('app-db'), [
      'secretmanager.versions.access',
      'secretmanager.versions.add',
      'secretmanager.versions.list',
      'secretmanager.secrets.get',
    ]);
    fake.deny('secretmanager.versions.add', { secret: 'app-db' });
    fake.deny('secretmanager.secrets.get', { principal: `serviceAccount:${sa.email}` });
    assert.deepEqual(await p.capabilities('projects/demo-project/secrets/app-db'), ['secretmanager.versions.access', 'secretmanager.versions.list']);
    assert.equal((await providerError(p.capabilities('nope'))).kind, 'not-found');
    assert.equal((await providerError(p.capabilities('projects/elsewhere/secrets/app-db'))).kind, 'invalid-request');
  });

  it('maps rejected and unusable credentials to unauthenticated', async () => {
    const p = make();
    assert.deepEqual(await p.keys({ path: 'app-db' }), ['user', 'password', 'port']);
    fake.revokeServiceAccount(sa.email);
    const revoked = await providerError(p.keys({ path: 'app-db' }));
    assert.equal(revoked.kind, 'unauthenticated');
    assert.match(revoked.message, /UNAUTHENTICATED, HTTP 401/);
    const other = fake.createServiceAccount('other@demo-project.iam.gserviceaccount.com', true);
    fake.revokeServiceAccount(other.email);
    assert.equal((await providerError(make({ credential: { kind: 'service-account', json: other.json } }).list(undefined, ''))).kind, 'unauthenticated');
    for (const json of ['not json', '[]', '{"no":"type"}', '']) {
      assert.equal((await providerError(make({ credential: { kind: 'service-account', json } }).list(undefined, ''))).kind, 'unauthenticated', json);
    }
    const noEmail = JSON.stringify({ ...JSON.parse(sa.json), client_email: undefined });
    assert.equal((await providerError(make({ credential: { kind: 'service-account', json: noEmail } }).list(undefined, ''))).kind, 'unauthenticated');
  });

  it('uses Application Default Credentials from GOOGLE_APPLICATION_CREDENTIALS, and says when there are none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secretrefs-gcp-'));
    const home = process.env.HOME;
    try {
      const keyFile = join(dir, 'key.json');
      writeFileSync(keyFile, sa.json);
      process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile;
      assert.deepEqual(await make({ credential: { kind: 'adc' } }).keys({ path: 'app-db' }), ['user', 'password', 'port']);

      // a key configured in the vault wins over the environment
      process.env.GOOGLE_APPLICATION_CREDENTIALS = join(dir, 'missing.json');
      assert.deepEqual(await make().keys({ path: 'api-key' }), []);
      const missing = await providerError(make({ credential: { kind: 'adc' } }).keys({ path: 'api-key' }));
      assert.equal(missing.kind, 'unauthenticated');
      assert.match(missing.message, /GOOGLE_APPLICATION_CREDENTIALS cannot be read/);

      clearCloudEnv();
      process.env.HOME = dir; // no gcloud well-known file there
      process.env.METADATA_SERVER_DETECTION = 'none';
      const err = await providerError(make({ credential: { kind: 'adc' } }).list(undefined, ''));
      assert.equal(err.kind, 'unauthenticated');
      assert.match(err.message, /No Application Default Credentials/);
    } finally {
      if (home === undefined) delete process.env.HOME;
      else process.env.HOME = home;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad endpoint and calls after dispose', async () => {
    for (const endpoint of ['ftp://x', 'https://host/path', 'https://user:pw@host', 'not a host']) {
      assert.equal((await providerError(make({ endpoint, testing: {} }).list(undefined, ''))).kind, 'invalid-request', endpoint);
    }
    assert.equal((await providerError(make({ endpoint: `http://${fake.endpoint}`, testing: {} }).list(undefined, ''))).kind, 'invalid-request');
    assert.deepEqual(await make({ endpoint: `http://${fake.endpoint}` }).list(undefined, ''), ['api-key', 'app-db']);
    assert.deepEqual(await make({ endpoint: '127.0.0.1:1', testing: { protocol: 'http', port: fake.port } }).list(undefined, ''), ['api-key', 'app-db']);
    const p = make();
    p.dispose();
    assert.equal((await providerError(p.list(undefined, ''))).kind, 'invalid-request');
  });
});

// ------------------------------------------------------------------ faults

/** A minimal auth client: what the SDK's REST transport needs (getRequestHeaders + fetch), over Node's fetch. */
function bearerClient(token: string): unknown {
  return {
    getRequestHeaders: async () => new Headers({ authorization: `Bearer ${token}` }),
    fetch: (url: string | URL, init: { method?: string; headers?: ConstructorParameters<typeof Headers>[0]; body?: Uint8Array | string; signal?: AbortSignal } = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(url, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}), ...(init.signal ? { signal: init.signal } : {}) });
    },
  };
}

/** An auth client like bearerClient whose error answers pass through `rewrite` (a body another server could send). */
function rewritingClient(token: string, rewrite: (body: Record<string, unknown>) => Record<string, unknown>): unknown {
  const inner = bearerClient(token) as { getRequestHeaders: () => Promise<Headers>; fetch: (url: string | URL, init?: object) => Promise<Response> };
  return {
    getRequestHeaders: inner.getRequestHeaders,
    fetch: async (url: string | URL, init?: object) => {
      const res = await inner.fetch(url, init);
      if (res.status < 400) return res;
      const body = JSON.parse(await res.text()) as Record<string, unknown>;
      return new Response(JSON.stringify(rewrite(body)), { status: res.status, headers: { 'Content-Type': 'application/json; charset=UTF-8' } });
    },
  };
}

const withMessage = (message: string) => (body: Record<string, unknown>): Record<string, unknown> => ({ error: { ...(body.error as object), message } });

describe('errors are told by status, state and ErrorInfo, never by message text', () => {
  for (const message of [
    'Secret Version [projects/123456789012/secrets/app-db/versions/3] is in DISABLED state.',
    'Secret Version [projects/123456789012/secrets/app-db/versions/3] is not in ENABLED state.',
    'Precondition check failed.',
  ]) {
    it(`FAILED_PRECONDITION on a disabled version: "${message.slice(0, 50)}…"`, async () => {
      fake.setVersionState('app-db', 3, 'DISABLED');
      fake.addToken('plain-token');
      const p = make({ credential: { kind: 'adc' }, testing: { protocol: 'http', authClient: rewritingClient('plain-token', withMessage(message)) } });
      const err = await providerError(p.keys({ path: 'app-db' }));
      assert.equal(err.kind, 'disabled');
      assert.match(err.message, /gcloud secrets versions enable 3 --secret=app-db/);
      const d = await p.describe({ path: 'app-db' });
      assert.equal(d.metadata.enabled, false);
    });
  }

  it('a destroyed version is destroyed whatever the text says', async () => {
    fake.setVersionState('app-db', 1, 'DESTROYED');
    fake.addToken('plain-token');
    const p = make({ credential: { kind: 'adc' }, testing: { protocol: 'http', authClient: rewritingClient('plain-token', withMessage('Secret Version [x] is in DISABLED state.')) } });
    assert.equal((await providerError(p.readValue({ path: 'app-db', version: 1 }))).kind, 'destroyed');
  });

  it('FAILED_PRECONDITION when the version state may not be read: disabled, saying what could not be learned', async () => {
    fake.setVersionState('app-db', 3, 'DISABLED');
    fake.deny('secretmanager.versions.get');
    const err = await providerError(make().keys({ path: 'app-db' }));
    assert.equal(err.kind, 'disabled');
    assert.match(err.message, /its state could not be learned: GetSecretVersion was denied \(grant secretmanager\.versions\.get\)/);
  });

  it('the Secret Manager API not enabled in the project (SERVICE_DISABLED) is not a missing permission', async () => {
    fake.serviceEnabled = false;
    for (const p of [make(), (fake.addToken('plain-token'), make({ credential: { kind: 'adc' }, testing: { protocol: 'http', authClient: bearerClient('plain-token') } }))]) {
      const err = await providerError(p.keys({ path: 'app-db' }));
      assert.equal(err.kind, 'invalid-request');
      assert.match(err.message, /the Secret Manager API is not enabled in project 123456789012/);
      assert.match(err.message, /gcloud services enable secretmanager\.googleapis\.com --project=123456789012/);
      assert.doesNotMatch(err.message, /needs secretmanager\.versions\.access/);
    }
  });

  it('IAM_PERMISSION_DENIED names the permission its ErrorInfo names', async () => {
    fake.addToken('plain-token');
    fake.deny('secretmanager.versions.access');
    const rewrite = (body: Record<string, unknown>): Record<string, unknown> => {
      const error = body.error as { details?: Array<Record<string, unknown>> };
      for (const d of error.details ?? []) if (d.reason === 'IAM_PERMISSION_DENIED') d.metadata = { ...(d.metadata as object), permission: 'secretmanager.versions.get' };
      return body;
    };
    const err = await providerError(make({ credential: { kind: 'adc' }, testing: { protocol: 'http', authClient: rewritingClient('plain-token', rewrite) } }).keys({ path: 'app-db' }));
    assert.equal(err.kind, 'permission-denied');
    assert.match(err.message, /needs secretmanager\.versions\.get on/);
  });

  it('an expired token, and a token without the cloud-platform scope, as the fake answers them', async () => {
    const p = make();
    assert.deepEqual(await p.keys({ path: 'api-key' }), []);
    fake.advanceTime(7200);
    const expired = await providerError(p.keys({ path: 'api-key' }));
    assert.equal(expired.kind, 'unauthenticated');
    assert.match(expired.message, /has expired \(UNAUTHENTICATED, HTTP 401, ACCESS_TOKEN_EXPIRED\)/);
    fake.advanceTime(-7200);
    const narrow = signServiceAccountJwt(sa, { scope: 'https://www.googleapis.com/auth/userinfo.email' });
    const scoped = await providerError(make({ credential: { kind: 'adc' }, testing: { protocol: 'http', authClient: bearerClient(narrow) } }).keys({ path: 'api-key' }));
    assert.equal(scoped.kind, 'unauthenticated');
    assert.match(scoped.message, /lacks the OAuth scope/);
  });

  it('ACCESS_TOKEN_SCOPE_INSUFFICIENT is a credential without the cloud-platform scope', async () => {
    fake.addToken('plain-token');
    fake.deny('secretmanager.versions.access');
    const rewrite = (): Record<string, unknown> => ({
      error: {
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        status: 'PERMISSION_DENIED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com', metadata: { service: 'secretmanager.googleapis.com', method: 'google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion' } }],
      },
    });
    const err = await providerError(make({ credential: { kind: 'adc' }, testing: { protocol: 'http', authClient: rewritingClient('plain-token', rewrite) } }).keys({ path: 'app-db' }));
    assert.equal(err.kind, 'unauthenticated');
    assert.match(err.message, /lacks the OAuth scope .*cloud-platform/);
  });
});

describe('faults', () => {
  const timeoutMs = 300;
  const bound = timeoutMs * 2 + 1000;
  const cases: Array<{ name: string; fault: Fault; kind: ProviderErrorKind; cause?: string; status?: RegExp }> = [
    { name: '500', fault: { kind: 'status', status: 500 }, kind: 'unreachable', cause: '500 from Secret Manager' },
    { name: '503', fault: { kind: 'status', status: 503 }, kind: 'unreachable', cause: '503 from Secret Manager' },
    { name: '403', fault: { kind: 'status', status: 403 }, kind: 'permission-denied', status: /PERMISSION_DENIED, HTTP 403/ },
    { name: '404', fault: { kind: 'status', status: 404 }, kind: 'not-found', status: /NOT_FOUND, HTTP 404/ },
    { name: '429', fault: { kind: 'status', status: 429 }, kind: 'unreachable', cause: 'throttled (429)' },
    { name: '401', fault: { kind: 'status', status: 401 }, kind: 'unauthenticated', status: /HTTP 401/ },
    { name: 'hang', fault: { kind: 'hang' }, kind: 'unreachable', cause: `timed out after ${timeoutMs} ms` },
    { name: 'malformed 200', fault: { kind: 'malformed' }, kind: 'bad-response' },
    { name: 'malformed 500', fault: { kind: 'malformed', status: 500 }, kind: 'unreachable', cause: '500 from Secret Manager' },
    { name: 'close', fault: { kind: 'close' }, kind: 'unreachable', cause: 'connection reset' },
  ];

  for (const c of cases) {
    it(`maps ${c.name} to ${c.kind} within ${bound} ms on every call, then recovers`, async () => {
      const p = make({ timeoutMs });
      assert.deepEqual(await p.keys({ path: 'app-db' }), ['user', 'password', 'port']);
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['keys', () => p.keys({ path: 'app-db' })],
        ['readValue', () => p.readValue({ path: 'app-db' })],
        ['describe', () => p.describe({ path: 'app-db' })],
        ['list', () => p.list(undefined, '')],
        ['metadata', () => p.metadata({ path: 'app-db' })],
        ['write', () => p.write({ path: 'app-db' }, { user: 'x' }, 3)],
        ['capabilities', () => p.capabilities('app-db')],
      ];
      for (const [label, call] of calls) {
        fake.faults.set(c.fault);
        const started = Date.now();
        const err = await providerError(call());
        const elapsed = Date.now() - started;
        assert.ok(elapsed < bound, `${c.name} ${label}: took ${elapsed} ms`);
        assert.equal(err.kind, c.kind, `${c.name} ${label}: ${err.message}`);
        if (c.cause) assert.equal(err.details.cause, c.cause, `${c.name} ${label}`);
        if (c.status) assert.match(err.message, c.status);
        assert.ok(err.details.apiPath?.startsWith('projects/demo-project'), `${label}: apiPath ${err.details.apiPath}`);
      }
      fake.faults.clear();
      assert.deepEqual(await p.keys({ path: 'app-db' }), ['user', 'password', 'port']);
      assert.deepEqual(await p.list(undefined, ''), ['api-key', 'app-db']);
      assert.equal(fake.versionStates('app-db').length, 3, 'no write got through');
    });
  }

  it('tries an idempotent read once more after a reset connection or a 503, never a write', async () => {
    const p = make({ timeoutMs });
    fake.faults.set({ kind: 'close', times: 1 });
    assert.deepEqual(await p.keys({ path: 'app-db' }), ['user', 'password', 'port']);
    fake.faults.set({ kind: 'status', status: 503, times: 1, rpc: 'listSecrets' });
    assert.deepEqual(await p.list(undefined, ''), ['api-key', 'app-db']);
    fake.resetCounts();
    fake.faults.set({ kind: 'status', status: 503, rpc: 'addSecretVersion' });
    assert.equal((await providerError(p.write({ path: 'app-db' }, { a: 'b' }))).kind, 'unreachable');
    assert.equal(fake.countRequests((r) => r.rpc === 'addSecretVersion'), 1);
  });

  it('maps a refused connection, then recovers when the server is back on the same address', async () => {
    const proxy = new TcpProxy(fake.port);
    await proxy.start();
    fake.acceptAudience(`http://127.0.0.1:${proxy.port}`); // the key's JWT names the endpoint it goes to
    try {
      const p = make({ endpoint: `127.0.0.1:${proxy.port}`, timeoutMs });
      assert.deepEqual(await p.keys({ path: 'app-db' }), ['user', 'password', 'port']);
      await proxy.stop();
      for (const call of [() => p.keys({ path: 'app-db' }), () => p.write({ path: 'app-db' }, { a: 'b' }), () => p.list(undefined, '')]) {
        const started = Date.now();
        const err = await providerError(call());
        assert.ok(Date.now() - started < bound);
        assert.equal(err.kind, 'unreachable');
        assert.equal(err.details.cause, 'connection refused');
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${proxy.port}`));
      }
      await proxy.start();
      assert.deepEqual(await p.keys({ path: 'app-db' }), ['user', 'password', 'port']);
    } finally {
      await proxy.stop();
    }
  });

  it('verifies the payload checksum', async () => {
    const p = make();
    // A proxy that flips one byte of the payload in transit: the CRC32C no longer matches.
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      const upstream = net.connect(fake.port, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
      client.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => client.write(Buffer.from(chunk.toString('latin1').replace('"data":"eyJ', '"data":"eyK'), 'latin1')));
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (server.address() as net.AddressInfo).port;
      fake.acceptAudience(`http://127.0.0.1:${port}`); // the key's JWT names the endpoint it goes to
      const q = make({ endpoint: `127.0.0.1:${port}` });
      const err = await providerError(q.keys({ path: 'app-db' }));
      assert.equal(err.kind, 'bad-response');
      assert.match(err.message, /CRC32C/);
      assert.deepEqual(await p.keys({ path: 'app-db' }), ['user', 'password', 'port']);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('testing.authClient (a minimal auth client, no GoogleAuth)', () => {
  it('works with an auth client that only has getRequestHeaders and fetch', async () => {
    fake.addToken('plain-token');
    const p = make({ credential: { kind: 'adc' }, testing: { protocol: 'http', authClient: bearerClient('plain-token') } });
    assert.deepEqual(await p.list(undefined, ''), ['api-key', 'app-db']);
    assert.deepEqual(await p.keys({ path: 'app-db' }), ['user', 'password', 'port']);
    assert.deepEqual(await p.write({ path: 'app-db' }, { a: 'b' }, 3), { version: 4 });
    assert.equal(fake.requests.at(-1)?.principal, 'user:tester@example.com');
  });

  it('maps errors decoded by the SDK itself (GoogleError) and bounds a hang by the call deadline', async () => {
    fake.addToken('plain-token');
    const timeoutMs = 300;
    const p = make({ timeoutMs, credential: { kind: 'adc' }, testing: { protocol: 'http', authClient: bearerClient('plain-token') } });
    const expect: Array<[Fault | undefined, ProviderErrorKind, string | undefined]> = [
      [{ kind: 'status', status: 500 }, 'unreachable', 'INTERNAL from Secret Manager'],
      [{ kind: 'status', status: 429 }, 'unreachable', 'throttled (429)'],
      [{ kind: 'status', status: 403 }, 'permission-denied', undefined],
      [{ kind: 'malformed' }, 'bad-response', undefined],
      [{ kind: 'hang' }, 'unreachable', `timed out after ${timeoutMs} ms`],
    ];
    for (const [fault, kind, cause] of expect) {
      fake.faults.set(fault);
      const started = Date.now();
      const err = await providerError(p.keys({ path: 'app-db' }));
      assert.ok(Date.now() - started < timeoutMs * 2 + 1000);
      assert.equal(err.kind, kind, `${JSON.stringify(fault)}: ${err.message}`);
      if (cause) assert.equal(err.details.cause, cause);
    }
    fake.faults.clear();
    assert.equal((await providerError(p.keys({ path: 'nope' }))).kind, 'not-found');
    assert.equal((await providerError(p.describe({ path: 'app-db', version: 7 }))).kind, 'version-not-found');
    fake.setVersionState('app-db', 3, 'DESTROYED');
    assert.equal((await providerError(p.keys({ path: 'app-db' }))).kind, 'destroyed');
    fake.revokeToken('plain-token');
    assert.equal((await providerError(p.keys({ path: 'app-db' }))).kind, 'unauthenticated');
  });
});

// ------------------------------------------------------------------ leaks

describe('no credential or value leaks', () => {
  const CANARY_VALUE = 'CANARY-GCP-VALUE-6f5e4d3c2b1a';
  const CANARY_TOKEN = 'ya29.CANARY-TOKEN-a1b2c3d4e5f6';

  it('keeps keys, tokens and values out of every error and of SDK logging', async () => {
    const keyLines = (JSON.parse(sa.json) as { private_key: string; private_key_id: string }).private_key
      .split('\n')
      .filter((l) => l.length > 20 && !l.startsWith('-----'));
    const canaries = [CANARY_VALUE, CANARY_TOKEN, (JSON.parse(sa.json) as { private_key_id: string }).private_key_id, ...keyLines];
    fake.createSecret('canary');
    fake.addVersion('canary', { password: CANARY_VALUE });
    fake.addVersion('canary', CANARY_VALUE);
    fake.addVersion('canary', { password: `${CANARY_VALUE}-3` });
    fake.setVersionState('canary', 2, 'DISABLED');
    fake.addToken(CANARY_TOKEN);

    // SDK logging would print payloads: it must stay silent even when asked for.
    process.env.GOOGLE_SDK_NODE_LOGGING = '*';
    const written: string[] = [];
    const realOut = process.stdout.write.bind(process.stdout);
    const realErr = process.stderr.write.bind(process.stderr);
    const capture = (chunk: unknown): boolean => {
      written.push(String(chunk));
      return true;
    };
    const seen = new Set<ProviderErrorKind>();
    const texts = (err: ProviderError): string[] => [err.message, String(err), err.stack ?? '', JSON.stringify(err), JSON.stringify(err.details), JSON.stringify(Object.entries(err))];
    const check = async (label: string, promise: Promise<unknown>): Promise<void> => {
      const err = await providerError(promise);
      seen.add(err.kind);
      for (const text of texts(err)) {
        for (const c of canaries) assert.ok(!text.includes(c), `${label}: canary leaked in ${text}`);
        assert.ok(!/authorization|bearer/i.test(text), `${label}: header leaked in ${text}`);
      }
    };
    try {
      process.stdout.write = capture as typeof process.stdout.write;
      process.stderr.write = capture as typeof process.stderr.write;
      const p = make({ timeoutMs: 150 });
      const viaToken = make({ timeoutMs: 150, credential: { kind: 'adc' }, testing: { protocol: 'http', authClient: bearerClient(CANARY_TOKEN) } });
      assert.deepEqual(await p.readValue({ path: 'canary', version: 1 }), { password: CANARY_VALUE });
      const data = { password: CANARY_VALUE };
      const everyCall = async (label: string, q: GcpProvider): Promise<void> => {
        await check(`${label} keys`, q.keys({ path: 'canary' }));
        await check(`${label} readValue`, q.readValue({ path: 'canary', version: 1 }));
        await check(`${label} describe`, q.describe({ path: 'canary' }));
        await check(`${label} write`, q.write({ path: 'canary' }, data, 3));
        await check(`${label} metadata`, q.metadata({ path: 'canary' }));
        await check(`${label} list`, q.list(undefined, ''));
        await check(`${label} capabilities`, q.capabilities('canary'));
      };
      await check('disabled', p.readValue({ path: 'canary', version: 2 }));
      await check('version-not-found', p.keys({ path: 'canary', version: 9 }));
      await check('not-found', p.readValue({ path: 'missing' }));
      await check('cas-conflict', p.write({ path: 'canary' }, data, 1));
      await check('invalid-request', p.write({ path: 'canary' }, data, 1.5));
      fake.setVersionState('canary', 1, 'DESTROYED');
      await check('destroyed', p.readValue({ path: 'canary', version: 1 }));
      const faults: Fault[] = [
        { kind: 'status', status: 500, message: `backend said ${CANARY_VALUE}` },
        { kind: 'status', status: 403, message: `denied for ${CANARY_TOKEN}` },
        { kind: 'status', status: 400, message: `bad payload ${CANARY_VALUE}` },
        { kind: 'status', status: 404 },
        { kind: 'status', status: 429 },
        { kind: 'status', status: 401, message: `token ${CANARY_TOKEN} expired` },
        { kind: 'hang' },
        { kind: 'malformed' },
        { kind: 'malformed', status: 500 },
        { kind: 'close' },
      ];
      for (const fault of faults) {
        fake.faults.set(fault);
        await everyCall(JSON.stringify(fault), p);
        // (a hang costs the whole call deadline with this client: covered by one call only)
        if (fault.kind === 'hang') await check('token hang', viaToken.keys({ path: 'canary' }));
        else await everyCall(`token ${JSON.stringify(fault)}`, viaToken);
      }
      fake.faults.clear();
      const corrupt = JSON.stringify({ ...JSON.parse(sa.json), client_email: undefined });
      await check('bad key', make({ credential: { kind: 'service-account', json: corrupt } }).keys({ path: 'canary' }));
      await check('not json key', make({ credential: { kind: 'service-account', json: `{${sa.json}` } }).keys({ path: 'canary' }));
      fake.revokeToken(CANARY_TOKEN);
      await check('revoked token', viaToken.keys({ path: 'canary' }));
      fake.revokeServiceAccount(sa.email);
      await everyCall('revoked key', p);
      const stopped = await GcpFake.start();
      const refused = stopped.endpoint;
      await stopped.stop();
      await everyCall('refused', make({ endpoint: refused }));
    } finally {
      process.stdout.write = realOut;
      process.stderr.write = realErr;
    }
    // The SDK logs payloads as JSON byte arrays ({"type":"Buffer","data":[67,65,...]}): look for those too.
    const asBytes = [...Buffer.from(CANARY_VALUE)].join(',');
    for (const text of written) {
      for (const c of [...canaries, asBytes]) assert.ok(!text.includes(c), `SDK output leaked: ${text.slice(0, 200)}`);
      assert.ok(!/\[(secret-manager|auth|gaxios)[|:]/.test(text), `SDK logging is on: ${text.slice(0, 200)}`);
    }
    for (const kind of [
      'not-found',
      'disabled',
      'destroyed',
      'version-not-found',
      'permission-denied',
      'unauthenticated',
      'unreachable',
      'cas-conflict',
      'invalid-request',
      'bad-response',
    ] as const) {
      assert.ok(seen.has(kind), `error kind ${kind} was exercised`);
    }
  });
});
