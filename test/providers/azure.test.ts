/**
 * AzureProvider against the fake Key Vault, through the real @azure/keyvault-secrets client (and
 * @azure/identity for the client-secret and environment credentials): the 401 challenge, listing
 * across pages, metadata, keys, versions, writes with check-and-set, disabled / expired secrets,
 * each error kind, injected faults with recovery, and a leak test with canary values and credentials.
 * A guard fails the run if anything connects to a non-loopback address.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { AzureProvider, type AzureProviderOptions } from '../../server/src/providers/azure';
import { ProviderError, type ProviderErrorKind } from '../../server/src/providers/secretProvider';
import { AzureFake, type Fault } from '../fakes/azureFake';
import { generateSelfSignedCert } from '../fakes/vault/selfSignedCert';
import { clearEnv } from '../helpers/envIsolation';
import { NetworkGuard } from '../helpers/networkGuard';
import { providerError, timed } from '../helpers/providerAssertions';

// ------------------------------------------------------------------ environment and network guards

const ENV_PREFIXES = /^(AWS_|AZURE_|GOOGLE_|GCLOUD_|HTTPS?_PROXY$|NO_PROXY$)/i;
const clearProviderEnv = (): void => clearEnv(ENV_PREFIXES);
/** Fails the run (and stops the connection) when a socket connects anywhere but loopback. */
const guard = new NetworkGuard();
const { violations } = guard;

before(() => {
  clearProviderEnv();
  guard.install();
});
after(() => {
  guard.uninstall();
});

// ------------------------------------------------------------------ helpers

const TOKEN = 'kv-test-token-0001';

let fake: AzureFake;
let providers: AzureProvider[] = [];
const make = (opts: Partial<AzureProviderOptions> = {}): AzureProvider => {
  const p = new AzureProvider({
    vaultName: 'prod',
    vaultUrl: fake.url,
    timeoutMs: 2000,
    credential: { kind: 'access-token', token: TOKEN },
    testing: { allowInsecureConnection: true, disableChallengeResourceVerification: true },
    ...opts,
  });
  providers.push(p);
  return p;
};

beforeEach(async () => {
  fake = await AzureFake.start({ pageSize: 3 });
  fake.addToken(TOKEN);
});
afterEach(async () => {
  for (const p of providers) p.dispose();
  providers = [];
  await fake.stop();
  clearProviderEnv();
  assert.deepEqual(violations, [], 'a non-loopback connection was attempted');
});

// ------------------------------------------------------------------ tests

describe('authentication and listing', () => {
  it('answers the 401 challenge once, then sends the bearer token on every request', async () => {
    for (const n of ['a', 'b', 'c', 'd']) fake.setSecret(n, 'x');
    const p = make();
    assert.deepEqual(await p.list(undefined, ''), ['a', 'b', 'c', 'd']);
    await p.keys({ path: 'a' });
    const vaultCalls = fake.requests.filter((r) => r.auth !== undefined);
    assert.equal(vaultCalls[0]!.auth, 'none');
    assert.equal(vaultCalls[0]!.outcome, 401);
    assert.ok(vaultCalls.slice(1).every((r) => r.auth === 'valid' && r.outcome === 200), JSON.stringify(vaultCalls));
    assert.equal(fake.countRequests((r) => r.auth === 'none'), 1);
  });

  it('lists every secret name across all pages (nextLink), sorted; a folder is a name prefix', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `app-${String(i).padStart(2, '0')}`);
    for (const n of [...names].reverse()) fake.setSecret(n, 'v');
    fake.setSecret('db-password', 'v');
    const p = make();
    assert.deepEqual(await p.list(undefined, ''), ['app-00', 'app-01', 'app-02', 'app-03', 'app-04', 'app-05', 'app-06', 'app-07', 'app-08', 'app-09', 'app-10', 'db-password']);
    // 12 names at 3 per page: 4 pages, plus the unauthenticated challenge request
    assert.equal(fake.countRequests((r) => r.operation === 'list' && r.outcome === 200), 4);
    assert.ok(fake.requests.some((r) => r.query.includes('skiptoken')));
    assert.deepEqual(await p.list(undefined, 'db'), ['db-password']);
    assert.deepEqual(await p.listEngines(), []);
    assert.equal(await p.engineVersion('anything'), undefined);
    assert.deepEqual(await p.capabilities('secrets/db-password'), []);
  });

  it('lists nothing in an empty vault', async () => {
    assert.deepEqual(await make().list(undefined, ''), []);
  });
});

describe('metadata, keys and values', () => {
  it('reports versions, the current version, dates, tags and content type without reading a value', async () => {
    const nbf = new Date('2026-01-01T00:00:00Z');
    const exp = new Date('2030-06-01T12:00:00Z');
    const v1 = fake.setSecret('db', JSON.stringify({ user: 'u1' }), { tags: { owner: 'old' } });
    fake.advanceTime(60);
    const v2 = fake.setSecret('db', JSON.stringify({ user: 'u2', password: 'p2' }), {
      contentType: 'application/json',
      tags: { owner: 'platform', env: 'prod' },
      notBefore: nbf,
      expiresOn: exp,
    });
    const p = make();
    const m = await p.metadata({ path: 'db' });
    assert.equal(m.currentVersion, v2);
    assert.deepEqual(m.versions.map((v) => v.version), [v1, v2]);
    assert.equal(m.enabled, true);
    assert.equal(m.expiresOn, exp.toISOString());
    assert.equal(m.notBefore, nbf.toISOString());
    assert.equal(m.contentType, 'application/json');
    assert.deepEqual(m.tags, { owner: 'platform', env: 'prod' });
    assert.ok(m.createdTime && m.updatedTime);
    assert.equal(m.versions[1]!.expiresOn, exp.toISOString());
    assert.equal(fake.countRequests((r) => r.operation === 'get'), 0, 'metadata must not read a value');

    // a pinned version: that version's facts, the current version still the latest
    const pinned = await p.metadata({ path: 'db', version: v1 });
    assert.equal(pinned.currentVersion, v2);
    assert.deepEqual(pinned.tags, { owner: 'old' });
    assert.equal(pinned.expiresOn, undefined);
  });

  it('breaks a tie for the latest version (same creation second) with one read', async () => {
    fake.setSecret('tied', 'one');
    const second = fake.setSecret('tied', 'two');
    const m = await make().metadata({ path: 'tied' });
    assert.equal(m.currentVersion, second);
    assert.equal(fake.countRequests((r) => r.operation === 'get' && r.outcome === 200), 1);
  });

  it('returns the keys of a JSON secret and never a value', async () => {
    fake.setSecret('db', JSON.stringify({ user: 'scott', password: 'tiger-value-77' }));
    const p = make();
    assert.deepEqual(await p.keys({ path: 'db' }), ['user', 'password']);
    const d = await p.describe({ path: 'db' });
    assert.deepEqual(d.keys, ['user', 'password']);
    assert.equal(d.metadata.json, true);
    assert.equal(d.metadata.currentVersion, fake.latestVersion('db'));
    assert.equal(d.disabled, undefined);
    for (const out of [d, await p.keys({ path: 'db' }), await p.metadata({ path: 'db' })]) {
      const text = JSON.stringify(out);
      assert.ok(!text.includes('tiger-value-77') && !text.includes('scott'), `a value leaked: ${text}`);
    }
    assert.deepEqual(await p.readValue({ path: 'db' }), { user: 'scott', password: 'tiger-value-77' });
  });

  it('tells a plain-text secret: keys [], describe keys undefined and json false; readValue gives the string', async () => {
    fake.setSecret('api-key', 'sk-plain-text');
    fake.setSecret('list', '["a","b"]');
    const p = make();
    assert.deepEqual(await p.keys({ path: 'api-key' }), []);
    const d = await p.describe({ path: 'api-key' });
    assert.equal(d.keys, undefined);
    assert.equal(d.metadata.json, false);
    assert.equal(await p.readValue({ path: 'api-key' }), 'sk-plain-text');
    assert.equal((await p.describe({ path: 'list' })).metadata.json, false, 'a JSON array is not a JSON object');
  });

  it('reads pinned versions; version-not-found and not-found are told apart', async () => {
    const v1 = fake.setSecret('db', JSON.stringify({ old: '1' }));
    fake.advanceTime(5);
    fake.setSecret('db', JSON.stringify({ user: 'u', password: 'p' }));
    const p = make();
    assert.deepEqual(await p.keys({ path: 'db', version: v1 }), ['old']);
    assert.deepEqual(await p.keys({ path: 'db', version: v1.toUpperCase() }), ['old']);
    assert.deepEqual(await p.readValue({ path: 'db', version: v1 }), { old: '1' });
    const d = await p.describe({ path: 'db', version: v1 });
    assert.deepEqual(d.keys, ['old']);
    assert.notEqual(d.metadata.currentVersion, v1);

    const missingVersion = '0123456789abcdef0123456789abcdef';
    for (const call of [
      () => p.keys({ path: 'db', version: missingVersion }),
      () => p.describe({ path: 'db', version: missingVersion }),
      () => p.metadata({ path: 'db', version: missingVersion }),
      () => p.readValue({ path: 'db', version: missingVersion }),
    ]) {
      const e = await providerError(call());
      assert.equal(e.kind, 'version-not-found', e.message);
      assert.match(e.message, /has no version 0123456789abcdef0123456789abcdef/);
    }
    for (const call of [
      () => p.keys({ path: 'nope' }),
      () => p.describe({ path: 'nope' }),
      () => p.metadata({ path: 'nope' }),
      () => p.keys({ path: 'nope', version: missingVersion }),
      () => p.describe({ path: 'nope', version: missingVersion }),
    ]) {
      const e = await providerError(call());
      assert.equal(e.kind, 'not-found', e.message);
      assert.equal(e.message, 'Key Vault "prod" has no secret "nope" (HTTP 404).');
    }
  });

  it('rejects names and versions Key Vault cannot have, without a request', async () => {
    const p = make();
    for (const [loc, re] of [
      [{ path: 'payments/api-key' }, /not a Key Vault secret name/],
      [{ path: '' }, /not a Key Vault secret name/],
      [{ path: 'db', version: 3 }, /not numbers/],
      [{ path: 'db', version: '../x' }, /not a Key Vault version id/],
    ] as const) {
      const e = await providerError(p.keys(loc));
      assert.equal(e.kind, 'invalid-request');
      assert.match(e.message, re);
    }
    assert.equal(fake.countRequests(), 0);
  });
});

describe('disabled, expired and not-yet-valid secrets', () => {
  it('a disabled secret is a distinct signal: enabled false, not permission-denied', async () => {
    fake.setSecret('db', JSON.stringify({ user: 'u' }));
    fake.updateSecret('db', undefined, { enabled: false });
    const p = make();
    const d = await p.describe({ path: 'db' });
    assert.equal(d.disabled, true);
    assert.equal(d.keys, undefined);
    assert.equal(d.metadata.enabled, false);
    assert.equal(d.metadata.json, undefined);
    assert.equal(d.metadata.currentVersion, fake.latestVersion('db'));
    assert.equal(d.metadata.versions[0]!.disabled, true);
    assert.equal((await p.metadata({ path: 'db' })).enabled, false);
    const e = await providerError(p.keys({ path: 'db' }));
    assert.equal(e.kind, 'disabled');
    assert.equal(e.details.cause, 'secret disabled');
    assert.match(e.message, /is disabled/);
    assert.match(e.message, /az keyvault secret set-attributes --vault-name VAULT --name db --enabled true/);
  });

  it('a disabled secret is told by the inner error code SecretDisabled, whatever the message says', async () => {
    fake.setSecret('db', JSON.stringify({ user: 'u' }));
    const p = make();
    await p.keys({ path: 'db' });
    for (const message of ['Operation get is not allowed on a disabled secret.', 'Forbidden.']) {
      fake.faults.set({ kind: 'status', status: 403, code: 'Forbidden', message, innerCode: 'SecretDisabled', operation: 'get' });
      assert.equal((await providerError(p.keys({ path: 'db' }))).kind, 'disabled');
    }
    // The same words without the inner code are a denial, not a disabled secret.
    fake.faults.set({ kind: 'status', status: 403, code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', operation: 'get' });
    assert.equal((await providerError(p.keys({ path: 'db' }))).kind, 'permission-denied');
  });

  it('a disabled older version while the latest is enabled', async () => {
    const v1 = fake.setSecret('db', JSON.stringify({ a: '1' }));
    fake.advanceTime(2);
    fake.setSecret('db', JSON.stringify({ b: '2' }));
    fake.updateSecret('db', v1, { enabled: false });
    const p = make();
    const d = await p.describe({ path: 'db', version: v1 });
    assert.equal(d.disabled, true);
    assert.equal(d.metadata.enabled, false);
    assert.deepEqual(await p.keys({ path: 'db' }), ['b']);
    assert.equal((await p.metadata({ path: 'db' })).enabled, true);
  });

  it('an expired or not-yet-valid secret stays readable and reports its dates', async () => {
    const past = new Date(Date.now() - 86_400_000);
    const future = new Date(Date.now() + 86_400_000);
    fake.setSecret('old', JSON.stringify({ k: 'v' }), { expiresOn: past });
    fake.setSecret('soon', JSON.stringify({ k: 'v' }), { notBefore: future });
    const p = make();
    const oldD = await p.describe({ path: 'old' });
    assert.deepEqual(oldD.keys, ['k']);
    assert.equal(oldD.metadata.expiresOn, new Date(Math.floor(past.getTime() / 1000) * 1000).toISOString());
    const soonD = await p.describe({ path: 'soon' });
    assert.equal(soonD.metadata.notBefore, new Date(Math.floor(future.getTime() / 1000) * 1000).toISOString());
  });
});

describe('writes', () => {
  it('creates a new version each time and keeps the old ones', async () => {
    const v1 = fake.setSecret('db', JSON.stringify({ user: 'u' }), { tags: { owner: 'x' } });
    const p = make();
    const r = await p.write({ path: 'db' }, { user: 'u2', password: 'p2' });
    assert.equal(typeof r.version, 'string');
    assert.notEqual(r.version, v1);
    assert.deepEqual(fake.versions('db'), [v1, r.version]);
    assert.equal(fake.readSecret('db', v1), JSON.stringify({ user: 'u' }));
    assert.equal(fake.readSecret('db'), JSON.stringify({ user: 'u2', password: 'p2' }));
    assert.equal(fake.versionInfo('db')!.contentType, 'application/json');
    const created = await p.write({ path: 'brand-new' }, { k: 'v' });
    assert.deepEqual(fake.versions('brand-new'), [created.version]);
    assert.equal(fake.countRequests((r) => r.method === 'DELETE' || r.method === 'PATCH'), 0);
  });

  it('check-and-set: 0 = must not exist, a version id = must be the latest, a number is ignored', async () => {
    const p = make();
    const first = await p.write({ path: 'db' }, { a: '1' }, 0);
    let e = await providerError(p.write({ path: 'db' }, { a: '2' }, 0));
    assert.equal(e.kind, 'cas-conflict');
    assert.match(e.message, /already exists/);

    const second = await p.write({ path: 'db' }, { a: '2' }, first.version);
    e = await providerError(p.write({ path: 'db' }, { a: '3' }, first.version));
    assert.equal(e.kind, 'cas-conflict');
    assert.ok(e.message.includes(String(second.version)));
    assert.deepEqual(fake.versions('db'), [first.version, second.version]);

    e = await providerError(p.write({ path: 'other' }, { a: '1' }, second.version));
    assert.equal(e.kind, 'cas-conflict');
    assert.match(e.message, /no longer exists/);
    assert.deepEqual(fake.versions('other'), []);

    await p.write({ path: 'db' }, { a: '4' }, 7); // numeric CAS: ignored for Azure
    assert.equal(fake.versions('db').length, 3);
    e = await providerError(p.write({ path: 'db' }, { a: '5' }, -1));
    assert.equal(e.kind, 'invalid-request');
  });

  it('check-and-set against a disabled latest version uses the versions listing', async () => {
    const v1 = fake.setSecret('db', JSON.stringify({ a: '1' }));
    fake.updateSecret('db', undefined, { enabled: false });
    const p = make();
    await p.write({ path: 'db' }, { a: '2' }, v1);
    assert.equal(fake.versions('db').length, 2);
  });

  it('a soft-deleted secret cannot be written: deleted', async () => {
    fake.setSecret('gone', 'x');
    fake.deleteSecret('gone');
    const e = await providerError(make().write({ path: 'gone' }, { a: '1' }));
    assert.equal(e.kind, 'deleted');
    assert.match(e.message, /deleted but recoverable/);
    assert.match(e.message, /az keyvault secret recover --vault-name VAULT --name gone/);
  });

  it('a 409 is told by its inner error code, not by its message', async () => {
    fake.setSecret('s', 'x');
    const p = make();
    await p.keys({ path: 's' });
    fake.faults.set({ kind: 'status', status: 409, code: 'Conflict', message: 'Conflict.', innerCode: 'ObjectIsDeletedButRecoverable', operation: 'set' });
    assert.equal((await providerError(p.write({ path: 's' }, { a: '1' }))).kind, 'deleted');
    fake.faults.set({ kind: 'status', status: 409, code: 'Conflict', message: 'Secret s is currently being recovered and cannot be re-created; retry later.', innerCode: 'ObjectIsBeingRecovered', operation: 'set' });
    const recovering = await providerError(p.write({ path: 's' }, { a: '1' }));
    assert.equal(recovering.kind, 'unreachable');
    assert.equal(recovering.details.cause, 'secret being recovered (409)');
    fake.faults.set({ kind: 'status', status: 409, code: 'Conflict', message: 'Secret s is currently in a deleted but recoverable state.', operation: 'set' });
    assert.equal((await providerError(p.write({ path: 's' }, { a: '1' }))).kind, 'invalid-request');
  });
});

describe('permissions and authentication errors', () => {
  it('permission-denied names the missing role or access-policy permission', async () => {
    fake.setSecret('db', JSON.stringify({ a: '1' }));
    const p = make();
    const host = new URL(fake.url).host;
    fake.deny('get');
    let e = await providerError(p.keys({ path: 'db' }));
    assert.equal(e.kind, 'permission-denied');
    assert.equal(e.message, `Key Vault "prod" denied reading secret "db" (HTTP 403): the caller needs the Key Vault Secrets User role (Azure RBAC) on ${host}.`);
    fake.clearDenies();

    fake.deny('list', { reason: 'access-policy' });
    e = await providerError(p.list(undefined, ''));
    assert.equal(e.kind, 'permission-denied');
    assert.match(e.message, /denied listing secrets \(HTTP 403\): the caller needs an access policy with the secret List permission/);
    fake.clearDenies();

    fake.deny('set');
    e = await providerError(p.write({ path: 'db' }, { a: '2' }));
    assert.equal(e.kind, 'permission-denied');
    assert.match(e.message, /Key Vault Secrets Officer role/);
    fake.clearDenies();

    fake.deny('get', { reason: 'firewall' });
    e = await providerError(p.keys({ path: 'db' }));
    assert.equal(e.kind, 'permission-denied');
    assert.equal(e.details.cause, 'firewall');
    fake.clearDenies();

    // a 403 without a recognizable model names both ways
    fake.faults.set({ kind: 'status', status: 403, code: 'Forbidden', message: 'nope', operation: 'get' });
    e = await providerError(p.keys({ path: 'db' }));
    assert.match(e.message, /the Key Vault Secrets User role \(or an access policy with Get\)/);
  });

  it('metadata and describe work with Get but without List', async () => {
    const v = fake.setSecret('db', JSON.stringify({ a: '1' }), { tags: { t: '1' } });
    fake.deny('versions', { reason: 'access-policy' });
    const p = make();
    const m = await p.metadata({ path: 'db' });
    assert.equal(m.currentVersion, v);
    assert.deepEqual(m.tags, { t: '1' });
    assert.deepEqual(m.versions, []);
    const d = await p.describe({ path: 'db' });
    assert.deepEqual(d.keys, ['a']);
    assert.equal(d.metadata.currentVersion, v);
    const e = await providerError(p.describe({ path: 'db', version: '0123456789abcdef0123456789abcdef' }));
    assert.equal(e.kind, 'version-not-found');
  });

  it('a rejected token is unauthenticated; a known-expired one fails without a request', async () => {
    fake.setSecret('db', 'x');
    fake.revokeToken(TOKEN);
    const e = await providerError(make().keys({ path: 'db' }));
    assert.equal(e.kind, 'unauthenticated');
    assert.match(e.message, /rejected the access token \(HTTP 401\)/);

    fake.resetCounts();
    const expired = make({ credential: { kind: 'access-token', token: TOKEN, expiresOnTimestamp: Date.now() - 1000 } });
    const e2 = await providerError(expired.keys({ path: 'db' }));
    assert.equal(e2.kind, 'unauthenticated');
    assert.match(e2.message, /expired at .*; sign in again/);
    assert.equal(fake.countRequests((r) => r.auth !== 'none'), 0);

    const empty = await providerError(make({ credential: { kind: 'access-token', token: '' } }).keys({ path: 'db' }));
    assert.equal(empty.kind, 'unauthenticated');
  });

  it('rejects a vault URL that is not https (unless testing allows it) or has a path', async () => {
    for (const vaultUrl of ['http://myvault.vault.azure.net', 'https://myvault.vault.azure.net/secrets/x', 'not a url']) {
      const p = make({ vaultUrl, testing: {} });
      const e = await providerError(p.list(undefined, ''));
      assert.equal(e.kind, 'invalid-request', vaultUrl);
    }
  });

  it('refuses to follow a nextLink to another origin (the token would go with it)', async () => {
    fake.faults.set({ kind: 'malformed', operation: 'list', body: JSON.stringify({ value: [], nextLink: 'https://attacker.example.com/secrets?api-version=7.5' }) });
    const e = await providerError(make().list(undefined, ''));
    assert.equal(e.kind, 'bad-response');
    assert.match(e.message, /outside/);
    assert.deepEqual(violations, []);
  });
});

describe('vaults the Azure SDK refuses before any request succeeds', () => {
  it('a vault host outside the domain its challenge names: the real cause and the remedy, no token sent', async () => {
    fake.setSecret('db', JSON.stringify({ a: '1' }));
    // Challenge verification on, as in production: the fake (127.0.0.1) names vault.azure.net.
    const p = make({ testing: { allowInsecureConnection: true } });
    const e = await providerError(p.keys({ path: 'db' }));
    assert.equal(e.kind, 'invalid-request');
    assert.match(e.message, /the Azure SDK sends a token only to a host under the domain the vault's 401 challenge names \(vault\.azure\.net\), and 127\.0\.0\.1:\d+ is not under it/);
    assert.match(e.message, /Set vault_url to the vault's own address, https:\/\/<name>\.vault\.azure\.net/);
    assert.doesNotMatch(e.message, /not the JSON Key Vault sends/);
    assert.equal(e.details.cause?.startsWith('the Azure SDK sends a token only'), true);
    assert.equal(fake.countRequests((r) => r.auth === 'valid' || r.auth === 'invalid'), 0, 'no token was sent');
  });

  it('names the domain of the cloud the vault answers for (Azure China)', async () => {
    fake.challengeResource = 'https://vault.azure.cn';
    const e = await providerError(make({ testing: { allowInsecureConnection: true } }).list(undefined, ''));
    assert.match(e.message, /names \(vault\.azure\.cn\)/);
    assert.match(e.message, /https:\/\/<name>\.vault\.azure\.cn/);
  });

  it('a challenge whose resource or authority is not a URL', async () => {
    fake.challengeResource = 'not a url';
    let e = await providerError(make({ testing: { allowInsecureConnection: true } }).list(undefined, ''));
    assert.equal(e.kind, 'invalid-request');
    assert.match(e.message, /challenge whose resource is not a URL/);
    fake.challengeResource = 'https://vault.azure.net';
    fake.challengeAuthority = 'tenant-without-scheme';
    e = await providerError(make().list(undefined, ''));
    assert.match(e.message, /challenge whose authority \(authorization=\) is not a URL/);
  });

  it('a server that answers 401 without a Key Vault challenge: no token was sent, so it is not the credentials', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"login required"}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const e = await providerError(make({ vaultUrl: `http://127.0.0.1:${port}` }).keys({ path: 'db' }));
      assert.equal(e.kind, 'bad-response');
      assert.match(e.message, /answered 401 without a Key Vault challenge .* so no token was sent/);
      assert.doesNotMatch(e.message, /expired, revoked/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('faults: the right kind within timeoutMs * 2 + 1 s, then recovery', () => {
  const timeoutMs = 500;
  const cases: Array<{ fault: Fault; kind: ProviderErrorKind; cause?: string | RegExp }> = [
    { fault: { kind: 'status', status: 500 }, kind: 'unreachable', cause: '500 from Key Vault' },
    { fault: { kind: 'status', status: 503 }, kind: 'unreachable', cause: '503 from Key Vault' },
    { fault: { kind: 'status', status: 403 }, kind: 'permission-denied' },
    { fault: { kind: 'status', status: 404 }, kind: 'not-found' },
    { fault: { kind: 'status', status: 429 }, kind: 'unreachable', cause: 'throttled (429)' },
    { fault: { kind: 'status', status: 400, code: 'BadParameter', message: 'bad' }, kind: 'invalid-request' },
    { fault: { kind: 'hang' }, kind: 'unreachable', cause: `timed out after ${timeoutMs} ms` },
    { fault: { kind: 'malformed' }, kind: 'bad-response' },
    { fault: { kind: 'close' }, kind: 'unreachable', cause: 'connection reset' },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.fault)} → ${c.kind}`, async () => {
      fake.setSecret('db', JSON.stringify({ a: '1' }));
      const p = make({ timeoutMs });
      await p.keys({ path: 'db' }); // the challenge is done: the fault hits an authenticated call
      fake.faults.set(c.fault);
      const { value: e, ms } = await timed(providerError(p.keys({ path: 'db' })));
      assert.equal(e.kind, c.kind, e.message);
      if (typeof c.cause === 'string') assert.equal(e.details.cause, c.cause);
      assert.ok(ms < timeoutMs * 2 + 1000, `took ${ms} ms`);
      fake.faults.clear();
      assert.deepEqual(await p.keys({ path: 'db' }), ['a']);
    });
  }

  it('a hang on a later listing page, and on the very first (challenge) request', async () => {
    for (let i = 0; i < 7; i++) fake.setSecret(`s${i}`, 'v');
    const p = make({ timeoutMs });
    fake.faults.set({ kind: 'hang', operation: 'list', times: 1 });
    let r = await timed(providerError(p.list(undefined, '')));
    assert.equal(r.value.details.cause, `timed out after ${timeoutMs} ms`);
    assert.ok(r.ms < timeoutMs * 2 + 1000, `took ${r.ms} ms`);
    assert.equal((await p.list(undefined, '')).length, 7);
    // page 2 hangs: the SDK fetches it without the caller's options, the deadline policy still applies
    fake.faults.set({ kind: 'hang', operation: 'list', skip: 1 });
    r = await timed(providerError(p.list(undefined, '')));
    assert.equal(r.value.details.cause, `timed out after ${timeoutMs} ms`);
    assert.ok(r.ms < timeoutMs * 2 + 1000, `took ${r.ms} ms`);
    assert.equal(fake.requests.filter((q) => q.operation === 'list').at(-1)!.outcome, 'hang');
    assert.ok(fake.requests.filter((q) => q.operation === 'list').at(-1)!.query.includes('skiptoken'));
    fake.faults.clear();
    assert.equal((await p.list(undefined, '')).length, 7);
  });

  it('connection refused when the vault is down, then recovery at the same URL', async () => {
    fake.setSecret('db', JSON.stringify({ a: '1' }));
    const p = make({ timeoutMs });
    await p.keys({ path: 'db' });
    const port = fake.port;
    await fake.stop();
    const { value: e, ms } = await timed(providerError(p.keys({ path: 'db' })));
    assert.equal(e.kind, 'unreachable');
    assert.equal(e.details.cause, 'connection refused');
    assert.ok(ms < timeoutMs * 2 + 1000);
    fake = await AzureFake.start({ port });
    fake.addToken(TOKEN);
    fake.setSecret('db', JSON.stringify({ b: '2' }));
    assert.deepEqual(await p.keys({ path: 'db' }), ['b']);
  });
});

describe('identity credentials (TLS fake with an Entra token endpoint)', () => {
  const pair = generateSelfSignedCert();
  let tls: AzureFake;
  const tlsProviders: AzureProvider[] = [];
  const makeTls = (credential: AzureProviderOptions['credential'], timeoutMs = 2000): AzureProvider => {
    const p = new AzureProvider({
      vaultName: 'prod',
      vaultUrl: tls.url,
      timeoutMs,
      credential,
      testing: { disableChallengeResourceVerification: true, ...(pair ? { caCertificate: pair.cert } : {}) },
    });
    tlsProviders.push(p);
    return p;
  };
  beforeEach(async () => {
    if (!pair) return;
    tls = await AzureFake.start({ tls: pair });
    tls.addClient('app-1', 'client-secret-value-1');
    tls.setSecret('db', JSON.stringify({ user: 'u', password: 'p' }));
  });
  afterEach(async () => {
    for (const p of tlsProviders.splice(0)) p.dispose();
    if (pair) await tls.stop();
  });

  it('client secret: gets a token from the fake token endpoint, then reads', async (t) => {
    if (!pair) return t.skip('openssl not available');
    const cred = { kind: 'client-secret' as const, tenantId: tls.tenantId, clientId: 'app-1', clientSecret: 'client-secret-value-1', authorityHost: tls.authorityHost };
    const p = makeTls(cred);
    assert.deepEqual(await p.keys({ path: 'db' }), ['user', 'password']);
    assert.deepEqual(await p.keys({ path: 'db' }), ['user', 'password']);
    assert.equal(tls.countRequests((r) => r.operation === 'token'), 1, 'the token is cached');
    assert.ok(tls.requests.some((r) => r.operation === 'openid'));
  });

  it('client secret: a wrong secret, an unknown client, a down or hanging token endpoint', async (t) => {
    if (!pair) return t.skip('openssl not available');
    const base = { kind: 'client-secret' as const, tenantId: tls.tenantId, clientId: 'app-1', authorityHost: tls.authorityHost };
    let e = await providerError(makeTls({ ...base, clientSecret: 'wrong-secret-value' }).keys({ path: 'db' }));
    assert.equal(e.kind, 'unauthenticated');
    assert.ok(!JSON.stringify({ m: e.message, d: e.details, e }).includes('wrong-secret-value'));
    assert.match(e.message, /refused a token for Key Vault "prod" \(HTTP 401, invalid_client, AADSTS7000215\)/);
    e = await providerError(makeTls({ ...base, clientId: 'app-2', clientSecret: 'x-secret-value' }).keys({ path: 'db' }));
    assert.match(e.message, /unauthorized_client, AADSTS700016/);

    e = await providerError(makeTls({ ...base, clientSecret: 'client-secret-value-1', authorityHost: 'https://127.0.0.1:1' }).keys({ path: 'db' }));
    assert.equal(e.kind, 'unreachable');
    assert.equal(e.details.cause, 'connection refused');

    tls.faults.set({ kind: 'hang', operation: 'token' });
    const { value, ms } = await timed(providerError(makeTls({ ...base, clientSecret: 'client-secret-value-1' }, 500).keys({ path: 'db' })));
    assert.equal(value.kind, 'unreachable');
    assert.equal(value.details.cause, 'timed out after 500 ms');
    assert.ok(ms < 500 * 2 + 1000, `took ${ms} ms`);
    tls.faults.set({ kind: 'status', status: 503, operation: 'token' });
    const e503 = await providerError(makeTls({ ...base, clientSecret: 'client-secret-value-1' }).keys({ path: 'db' }));
    assert.equal(e503.details.cause, '503 from Microsoft Entra ID');
    tls.faults.set({ kind: 'malformed', operation: 'token', body: '{"access_token":"client-secret-value-1' });
    const eBad = await providerError(makeTls({ ...base, clientSecret: 'client-secret-value-1' }).keys({ path: 'db' }));
    assert.equal(eBad.kind, 'bad-response');
    tls.faults.clear();
    for (const err of [value, e503, eBad]) {
      assert.ok(!JSON.stringify({ m: err.message, d: err.details, err, s: err.stack }).includes('client-secret-value-1'), err.message);
    }
  });

  it('environment credential: names the unset variables, then works once they are set', async (t) => {
    if (!pair) return t.skip('openssl not available');
    let e = await providerError(makeTls({ kind: 'environment' }).keys({ path: 'db' }));
    assert.equal(e.kind, 'unauthenticated');
    assert.match(e.message, /not set: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET/);
    process.env.AZURE_TENANT_ID = tls.tenantId;
    process.env.AZURE_CLIENT_ID = 'app-1';
    process.env.AZURE_CLIENT_SECRET = 'client-secret-value-1';
    process.env.AZURE_AUTHORITY_HOST = tls.authorityHost;
    assert.deepEqual(await makeTls({ kind: 'environment' }).keys({ path: 'db' }), ['user', 'password']);
    process.env.AZURE_CLIENT_SECRET = 'another-wrong-value';
    e = await providerError(makeTls({ kind: 'environment' }).keys({ path: 'db' }));
    assert.match(e.message, /invalid_client/);
    assert.ok(!e.message.includes('another-wrong-value'));
  });

  it('an untrusted certificate is a TLS failure', async (t) => {
    if (!pair) return t.skip('openssl not available');
    tls.addToken(TOKEN);
    const p = new AzureProvider({ vaultName: 'prod', vaultUrl: tls.url, timeoutMs: 2000, credential: { kind: 'access-token', token: TOKEN }, testing: { disableChallengeResourceVerification: true } });
    tlsProviders.push(p);
    const e = await providerError(p.keys({ path: 'db' }));
    assert.equal(e.kind, 'unreachable');
    assert.equal(e.details.cause, 'TLS: DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});

describe('no credential or value leaks', () => {
  it('canary values and credentials never appear in messages, details or JSON of errors', async () => {
    const CANARY_VALUE = 'canary-value-7f3a9c';
    const CANARY_TOKEN = 'canary-token-51b2e8';
    const canaries = [CANARY_VALUE, CANARY_TOKEN];
    const check = async (label: string, call: Promise<unknown>): Promise<void> => {
      let err: unknown;
      try {
        await call;
        return;
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof ProviderError, `${label}: ${String(err)}`);
      const text = `${err.message} ${JSON.stringify(err.details)} ${JSON.stringify(err)} ${String(err.stack)}`;
      for (const c of canaries) assert.ok(!text.includes(c), `${label}: "${c}" leaked in ${text}`);
      assert.ok(!/authorization|bearer/i.test(err.message), `${label}: header leaked`);
    };
    fake.addToken(CANARY_TOKEN);
    fake.setSecret('canary', JSON.stringify({ password: CANARY_VALUE }));
    const p = make({ timeoutMs: 400, credential: { kind: 'access-token', token: CANARY_TOKEN } });
    const loc = { path: 'canary' };
    const all = async (label: string): Promise<void> => {
      await check(`${label} keys`, p.keys(loc));
      await check(`${label} describe`, p.describe(loc));
      await check(`${label} metadata`, p.metadata(loc));
      await check(`${label} list`, p.list(undefined, ''));
      await check(`${label} write`, p.write(loc, { password: CANARY_VALUE }, 0));
    };
    const faults: Fault[] = [
      { kind: 'status', status: 500, message: CANARY_VALUE },
      { kind: 'status', status: 400, code: 'BadParameter', message: `bad ${CANARY_VALUE} ${CANARY_TOKEN}` },
      { kind: 'status', status: 403, code: 'Forbidden', message: CANARY_TOKEN },
      { kind: 'status', status: 401 },
      { kind: 'malformed', body: `{"value":"${CANARY_VALUE}","id":` },
      { kind: 'malformed', body: `{"value":"${CANARY_VALUE}","id":"not a url ${CANARY_VALUE}"}` },
      { kind: 'hang' },
      { kind: 'close' },
    ];
    for (const f of faults) {
      fake.faults.set(f);
      await all(JSON.stringify(f));
      fake.faults.clear();
    }
    fake.updateSecret('canary', undefined, { enabled: false });
    await all('disabled');
    fake.deny(['get', 'list', 'versions', 'set']);
    await all('denied');
    fake.clearDenies();
    fake.revokeToken(CANARY_TOKEN);
    await all('revoked');
    await check('expired', make({ credential: { kind: 'access-token', token: CANARY_TOKEN, expiresOnTimestamp: 1 } }).keys(loc));
    await fake.stop();
    await all('refused');
  });
});

describe('lazy loading', () => {
  it('the provider imports the SDKs only inside methods (type imports at the top level)', () => {
    const dir = fileURLToPath(new URL('../../server/src/providers/azure', import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const line of source.split('\n')) {
        if (/^import\s/.test(line) && /from '@azure\//.test(line)) assert.match(line, /^import type /, `${file}: ${line}`);
      }
    }
  });
});
