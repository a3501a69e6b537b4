/**
 * HashicorpProvider transport behaviour against the fake Vault: injected faults (status codes,
 * hang, malformed body, closed socket, refused connection) each mapped to the right error kind
 * within the timeout, recovery afterwards, TLS with a self-signed certificate, and a leak test
 * that makes every error path happen with canary credentials and values.
 */
import { strict as assert } from 'node:assert';
import net from 'node:net';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import { HashicorpProvider, type HashicorpProviderOptions, type TokenEvent } from '../../server/src/providers/hashicorp';
import type { ProviderError, ProviderErrorKind } from '../../server/src/providers/secretProvider';
import { type Fault, FakeVault } from '../fakes/fakeVault';
import { TcpProxy } from '../fakes/tcpProxy';
import { generateSelfSignedCert } from '../fakes/vault/selfSignedCert';
import { clearEnv } from '../helpers/envIsolation';
import { providerError } from '../helpers/providerAssertions';

const clearVaultEnv = (): void => clearEnv(/^VAULT_/);

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
  fv.putSecret('secret', 'app/db', { user: 'scott', password: 'tiger' });
});
afterEach(async () => {
  for (const p of providers) p.dispose();
  providers = [];
  await fv.stop();
});

describe('faults', () => {
  const cases: Array<{ name: string; fault: Fault; kind: ProviderErrorKind; cause?: string | RegExp; status?: number }> = [
    { name: '500', fault: { kind: 'status', status: 500 }, kind: 'unreachable', cause: 'Vault answered 500', status: 500 },
    { name: '503 sealed', fault: { kind: 'status', status: 503 }, kind: 'unreachable', cause: 'Vault answered 503', status: 503 },
    { name: '403', fault: { kind: 'status', status: 403 }, kind: 'permission-denied', status: 403 },
    { name: '404', fault: { kind: 'status', status: 404 }, kind: 'not-found', status: 404 },
    { name: '429', fault: { kind: 'status', status: 429 }, kind: 'unreachable', cause: 'Vault answered 429', status: 429 },
    { name: 'hang', fault: { kind: 'hang' }, kind: 'unreachable', cause: 'timed out after 300 ms' },
    { name: 'malformed 200', fault: { kind: 'malformed' }, kind: 'bad-response' },
    { name: 'malformed 500', fault: { kind: 'malformed', status: 500 }, kind: 'unreachable', cause: 'Vault answered 500', status: 500 },
    { name: 'close', fault: { kind: 'close' }, kind: 'unreachable', cause: 'connection reset' },
  ];
  const timeoutMs = 300;

  for (const c of cases) {
    it(`maps ${c.name} to ${c.kind} within the timeout, then recovers`, async () => {
      const p = make({ timeoutMs });
      const loc = { engine: 'secret', path: 'app/db' };
      assert.deepEqual(await p.keys(loc), ['user', 'password']); // engine version now known
      const calls: Array<() => Promise<unknown>> = [
        () => p.keys(loc),
        () => p.readValue(loc),
        () => p.list('secret', 'app/'),
        () => p.metadata(loc),
        () => p.write(loc, { user: 'x' }, 1),
        () => p.capabilities('secret/data/app/db'),
        () => p.engineVersion('secret'),
      ];
      for (const call of calls) {
        fv.faults.set(c.fault);
        const started = Date.now();
        if (c.name === '404' && call === calls[2]) {
          assert.deepEqual(await call(), []); // an empty LIST is a 404 too
          continue;
        }
        const err = await providerError(call());
        const elapsed = Date.now() - started;
        assert.ok(elapsed < timeoutMs + 900, `${c.name}: took ${elapsed} ms`);
        assert.equal(err.kind, c.kind, `${c.name}: ${err.message}`);
        if (c.cause) assert.equal(err.details.cause, c.cause);
        if (c.status) assert.match(err.message, new RegExp(`\\b${c.status}\\b`));
        assert.ok(err.details.apiPath, 'apiPath is set');
      }
      fv.faults.clear();
      assert.deepEqual(await p.keys(loc), ['user', 'password']);
      assert.deepEqual(await p.list('secret', ''), ['app/']);
    });
  }

  it('maps a 404 LIST to an empty list', async () => {
    const p = make();
    await p.list('secret', '');
    fv.faults.set({ kind: 'status', status: 404 });
    assert.deepEqual(await p.list('secret', 'app/'), []);
  });

  it('maps a refused connection, then recovers when the server is back on the same address', async () => {
    const proxy = new TcpProxy(fv.port);
    await proxy.start();
    try {
      const p = make({ address: proxy.address, timeoutMs });
      const loc = { engine: 'secret', path: 'app/db' };
      assert.deepEqual(await p.keys(loc), ['user', 'password']);
      await proxy.stop();
      const started = Date.now();
      const err = await providerError(p.keys(loc));
      assert.ok(Date.now() - started < timeoutMs + 900);
      assert.equal(err.kind, 'unreachable');
      assert.equal(err.details.cause, 'connection refused');
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${proxy.port}`));
      await proxy.start();
      assert.deepEqual(await p.keys(loc), ['user', 'password']);
      assert.deepEqual(await p.list('secret', ''), ['app/']);
    } finally {
      await proxy.stop();
    }
  });

  it('maps an unknown host to a DNS cause and a bad address to invalid-request', async () => {
    const dns = await providerError(make({ address: 'http://vault.does-not-exist.invalid:8200' }).listEngines());
    assert.equal(dns.kind, 'unreachable');
    assert.equal(dns.details.cause, 'DNS: host not found');
    assert.equal((await providerError(make({ address: 'ftp://vault' }).listEngines())).kind, 'invalid-request');
    assert.equal((await providerError(make({ address: 'not a url' }).listEngines())).kind, 'invalid-request');
  });

  it('fails calls after dispose', async () => {
    const p = make();
    p.dispose();
    assert.equal((await providerError(p.listEngines())).kind, 'invalid-request');
  });
});

describe('TLS', () => {
  it('verifies the server certificate: rejected without the CA, accepted with it or with tlsSkipVerify', async (t) => {
    const pair = generateSelfSignedCert();
    if (!pair) {
      t.skip('openssl is not available');
      return;
    }
    const tv = await FakeVault.start({ tls: pair });
    try {
      tv.mountKv('secret', 2);
      tv.putSecret('secret', 'a', { x: '1' });
      const base = { vaultName: 'tls', address: tv.address, timeoutMs: 2000, credential: { kind: 'token' as const, token: tv.rootToken } };
      const untrusted = new HashicorpProvider(base);
      providers.push(untrusted);
      const err = await providerError(untrusted.engineVersion('secret'));
      assert.equal(err.kind, 'unreachable');
      assert.equal(err.details.cause, 'TLS: DEPTH_ZERO_SELF_SIGNED_CERT');

      process.env.VAULT_SKIP_VERIFY = '1'; // must not be honoured
      const stillUntrusted = new HashicorpProvider(base);
      providers.push(stillUntrusted);
      assert.equal((await providerError(stillUntrusted.listEngines())).details.cause, 'TLS: DEPTH_ZERO_SELF_SIGNED_CERT');
      clearVaultEnv();

      const withCa = new HashicorpProvider({ ...base, caCertificate: pair.cert });
      providers.push(withCa);
      assert.deepEqual(await withCa.list('secret', ''), ['a']);
      assert.deepEqual(await withCa.keys({ engine: 'secret', path: 'a' }), ['x']);

      const skip = new HashicorpProvider({ ...base, tlsSkipVerify: true });
      providers.push(skip);
      assert.deepEqual(await skip.keys({ engine: 'secret', path: 'a' }), ['x']);

      const other = generateSelfSignedCert();
      if (other) {
        const wrongCa = new HashicorpProvider({ ...base, caCertificate: other.cert });
        providers.push(wrongCa);
        assert.match((await providerError(wrongCa.listEngines())).details.cause ?? '', /^TLS: /);
      }
      // https to a plain-http server is a TLS failure too
      const plainHttp = net.createServer((s) => {
        s.on('error', () => undefined);
        s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
      });
      await new Promise<void>((resolve) => plainHttp.listen(0, '127.0.0.1', () => resolve()));
      try {
        const port = (plainHttp.address() as net.AddressInfo).port;
        const mismatch = await providerError(make({ address: `https://127.0.0.1:${port}` }).listEngines());
        assert.equal(mismatch.kind, 'unreachable');
        assert.match(mismatch.details.cause ?? '', /^TLS: /);
      } finally {
        await new Promise<void>((resolve) => plainHttp.close(() => resolve()));
      }
    } finally {
      clearVaultEnv();
      await tv.stop();
    }
  });
});

describe('no credential or value leaks', () => {
  const CANARY_TOKEN = 'hvs.CANARYTOKEN0d9f8e7a6b5c4d3e';
  const CANARY_SECRET_ID = 'CANARY-SECRET-ID-3c2b1a0f9e8d';
  const CANARY_ROLE_ID = 'CANARY-ROLE-ID-77aa66bb55cc';
  const CANARY_VALUES = ['CANARY-PASSWORD-5e4d3c2b1a09', 'CANARY-USER-0a1b2c3d4e5f'];
  const canaries = [CANARY_TOKEN, CANARY_SECRET_ID, CANARY_ROLE_ID, ...CANARY_VALUES];

  function assertClean(err: ProviderError, label: string): void {
    const texts = [err.message, String(err), err.stack ?? '', JSON.stringify(err), JSON.stringify(err.details), JSON.stringify(Object.entries(err))];
    for (const text of texts) {
      for (const c of canaries) assert.ok(!text.includes(c), `${label}: "${c}" leaked in ${text}`);
      assert.ok(!/x-vault-token/i.test(text), `${label}: header leaked`);
    }
  }

  it('keeps tokens, secret ids and values out of every error', async () => {
    fv.putSecret('secret', 'canary', { user: CANARY_VALUES[1], password: CANARY_VALUES[0] });
    for (const v of [2, 3, 4]) fv.putSecret('secret', 'canary', { user: CANARY_VALUES[1], password: `${CANARY_VALUES[0]}-${v}` });
    fv.deleteVersion('secret', 'canary', 4);
    fv.destroyVersion('secret', 'canary', 2);
    fv.addToken(CANARY_TOKEN, {
      policies: [
        { path: 'secret/data/*', capabilities: ['create', 'read', 'update'] },
        { path: 'secret/subkeys/*', capabilities: ['read'] },
        { path: 'secret/metadata/*', capabilities: ['list', 'read'] },
        { path: 'secret/data/locked/*', capabilities: ['deny'] },
      ],
      ttlSeconds: 600,
    });
    fv.addAppRole('canary', CANARY_ROLE_ID, CANARY_SECRET_ID, { policies: [{ path: 'secret/*', capabilities: ['read'] }] });

    const events: TokenEvent[] = [];
    const p = make({ credential: { kind: 'token', token: CANARY_TOKEN }, timeoutMs: 300, onTokenEvent: (e) => events.push(e) });
    const loc = { engine: 'secret', path: 'canary' };
    const data = { user: CANARY_VALUES[1]!, password: CANARY_VALUES[0]! };
    assert.deepEqual(await p.readValue({ ...loc, version: 3 }), { user: CANARY_VALUES[1], password: `${CANARY_VALUES[0]}-3` });

    const seen = new Set<string>();
    const check = async (label: string, promise: Promise<unknown>): Promise<void> => {
      const err = await providerError(promise);
      seen.add(err.kind);
      assertClean(err, label);
    };
    const everyCall = async (label: string): Promise<void> => {
      await check(`${label} keys`, p.keys(loc));
      await check(`${label} readValue`, p.readValue(loc));
      await check(`${label} write`, p.write(loc, data, 4));
      await check(`${label} metadata`, p.metadata(loc));
      await check(`${label} capabilities`, p.capabilities('secret/data/canary'));
      await check(`${label} tokenInfo`, p.tokenInfo());
    };

    // Vault-side errors
    await check('deleted', p.keys(loc));
    await check('destroyed', p.readValue({ ...loc, version: 2 }));
    await check('version-not-found', p.keys({ ...loc, version: 99 }));
    await check('not-found', p.readValue({ engine: 'secret', path: 'missing' }));
    await check('cas-conflict', p.write(loc, data, 1));
    await check('permission-denied', p.write({ engine: 'secret', path: 'locked/x' }, data));
    await check('permission-denied mount', p.mountInfo('elsewhere'));
    const faults: Fault[] = [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 403 },
      { kind: 'status', status: 404 },
      { kind: 'status', status: 429 },
      { kind: 'status', status: 400, errors: [`failed to parse JSON input: ${CANARY_VALUES[0]}`] },
      { kind: 'status', status: 403, errors: [`permission denied for token ${CANARY_TOKEN}`] },
      { kind: 'status', status: 502, errors: [`upstream said ${CANARY_SECRET_ID}`] },
      { kind: 'hang' },
      { kind: 'malformed' },
      { kind: 'malformed', status: 500 },
      { kind: 'close' },
    ];
    for (const fault of faults) {
      fv.faults.set(fault);
      await everyCall(JSON.stringify(fault));
    }
    fv.faults.clear();

    // AppRole: wrong secret id, login failure, then a good login whose token is revoked by expiry
    const badLogin = make({ credential: { kind: 'approle', roleId: CANARY_ROLE_ID, secretId: `${CANARY_SECRET_ID}-wrong` } });
    await check('approle wrong secret id', badLogin.keys(loc));
    fv.faults.set({ kind: 'status', status: 500, pathPrefix: 'auth/approle/login' });
    await check('approle login 500', make({ credential: { kind: 'approle', roleId: CANARY_ROLE_ID, secretId: CANARY_SECRET_ID } }).keys(loc));
    fv.faults.set({ kind: 'malformed', pathPrefix: 'auth/approle/login' });
    await check('approle login malformed', make({ credential: { kind: 'approle', roleId: CANARY_ROLE_ID, secretId: CANARY_SECRET_ID } }).keys(loc));
    fv.faults.clear();

    // Renewal failure is reported through an event, which must be clean too
    await p.startAutoRenew();
    fv.revokeToken(CANARY_TOKEN);
    await check('unauthenticated', p.keys(loc));
    p.stopAutoRenew();

    // Transport: refused, TLS
    const stopped = await FakeVault.start();
    const refusedAddress = stopped.address;
    await stopped.stop();
    await check('refused', make({ address: refusedAddress, credential: { kind: 'token', token: CANARY_TOKEN } }).write(loc, data));
    await check(
      'refused approle',
      make({ address: refusedAddress, credential: { kind: 'approle', roleId: CANARY_ROLE_ID, secretId: CANARY_SECRET_ID } }).keys(loc),
    );
    const pair = generateSelfSignedCert();
    if (pair) {
      const tv = await FakeVault.start({ tls: pair });
      try {
        await check('tls', make({ address: tv.address, credential: { kind: 'token', token: CANARY_TOKEN } }).write(loc, data));
      } finally {
        await tv.stop();
      }
    }

    // A renewal that fails: the event's reason is clean
    fv.addToken(`${CANARY_TOKEN}-2`, { ttlSeconds: 1 });
    const renewing = make({ credential: { kind: 'token', token: `${CANARY_TOKEN}-2` }, onTokenEvent: (e) => events.push(e) });
    fv.faults.set({ kind: 'status', status: 403, errors: [`invalid token ${CANARY_TOKEN}-2`], pathPrefix: 'auth/token/renew-self' });
    await renewing.startAutoRenew();
    const deadline = Date.now() + 3000;
    while (!events.some((e) => e.kind === 'cannot-renew') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(events.some((e) => e.kind === 'cannot-renew'));
    for (const e of events) for (const c of canaries) assert.ok(!JSON.stringify(e).includes(c), `event leaked ${c}`);

    for (const kind of [
      'not-found',
      'deleted',
      'destroyed',
      'version-not-found',
      'permission-denied',
      'unauthenticated',
      'unreachable',
      'cas-conflict',
      'invalid-request',
      'bad-response',
    ]) {
      assert.ok(seen.has(kind), `error kind ${kind} was exercised`);
    }
  });
});
