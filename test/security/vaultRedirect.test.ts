/**
 * A Vault (or something in its place) that answers with a redirect must not receive a second
 * chance to collect credentials elsewhere: no 3xx is followed, neither with `X-Vault-Token` nor
 * by re-posting an AppRole login body. The fake Vault plays a standby node (307 to the "active
 * node", vault/http/handler.go respondStandby), the active node is the loopback attacker, which
 * counts the credentials it receives: 0, in the provider, over the language server and in the CLI.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { HashicorpProvider, type HashicorpProviderOptions, type TokenEvent } from '../../server/src/providers/hashicorp';
import type { RenewTimers } from '../../server/src/providers/hashicorp/tokenRenewer';
import { FakeVault } from '../fakes/fakeVault';
import { clearEnv } from '../helpers/envIsolation';
import { codes, makeFolder, startHarness } from '../helpers/lspHarness';
import { providerError } from '../helpers/providerAssertions';
import { Attacker } from './attacker';

const TOKEN = 'hvs.CANARY-redirect-token-5521';
const ROLE_ID = 'CANARY-role-id-8812';
const SECRET_ID = 'CANARY-secret-id-3307';
const cli = join(__dirname, '..', '..', 'dist', 'cli.js');

before(() => clearEnv(/^VAULT_/));

class ManualTimers implements RenewTimers {
  pending: Array<{ id: number; fn: () => void }> = [];
  private next = 0;
  setTimeout(fn: () => void): unknown {
    const id = ++this.next;
    this.pending.push({ id, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }
}

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Vault redirects, in the provider', () => {
  let fv: FakeVault;
  let attacker: Attacker;
  let providers: HashicorpProvider[] = [];
  const make = (opts: Partial<HashicorpProviderOptions> = {}): HashicorpProvider => {
    const p = new HashicorpProvider({ vaultName: 'prod', address: fv.address, timeoutMs: 2000, credential: { kind: 'token', token: TOKEN }, ...opts });
    providers.push(p);
    return p;
  };

  beforeEach(async () => {
    fv = await FakeVault.start();
    fv.mountKv('secret', 2);
    fv.putSecret('secret', 'app/db', { user: 'u' });
    fv.addToken(TOKEN, { root: true });
    fv.addAppRole('ci', ROLE_ID, SECRET_ID, { root: true });
    attacker = await Attacker.start({ canaries: [TOKEN, ROLE_ID, SECRET_ID] });
  });
  afterEach(async () => {
    for (const p of providers) p.dispose();
    providers = [];
    await fv.stop();
    await attacker.stop();
  });

  const standby = (pathPrefix: string) => fv.faults.set({ kind: 'standby', activeAddress: attacker.url, pathPrefix });

  it('a read: vault-unreachable naming the active node, nothing sent there', async () => {
    const p = make();
    standby('secret/');
    const e = await providerError(p.keys({ engine: 'secret', path: 'app/db' }));
    assert.equal(e.kind, 'unreachable');
    assert.equal(
      e.message,
      `Vault "prod" at ${fv.address} answered secret/subkeys/app/db with a redirect (HTTP 307) to \`${attacker.url}/v1/secret/subkeys/app/db\`: ` +
        'redirects are never followed, so no token or login was sent there. A Vault standby node redirects this way to the active node: ' +
        "set the vault's `url` to the active node or to the load balancer in front of the cluster.",
    );
    assert.match(e.details.cause ?? '', /^it answered with a redirect \(HTTP 307\) to `http:\/\/127\.0\.0\.1:\d+\/v1\/secret\/subkeys\/app\/db`/);
    assert.equal(fv.requests.at(-1)?.outcome, 307);
    assert.equal(attacker.requests.length, 0);
    assert.equal(attacker.credentialsReceived(), 0);
  });

  it('a LIST: the LIST verb is not repeated at the redirect target', async () => {
    const p = make();
    standby('secret/metadata/');
    const e = await providerError(p.list('secret', 'app/'));
    assert.equal(e.kind, 'unreachable');
    assert.match(e.message, /answered secret\/metadata\/app\/ with a redirect \(HTTP 307\)/);
    assert.equal(fv.requests.at(-1)?.method, 'LIST');
    assert.equal(attacker.requests.length, 0);
    assert.equal(attacker.credentialsReceived(), 0);
  });

  it('an AppRole login: the role and secret ids are not re-posted', async () => {
    const p = make({ credential: { kind: 'approle', roleId: ROLE_ID, secretId: SECRET_ID } });
    standby('auth/approle/login');
    const e = await providerError(p.keys({ engine: 'secret', path: 'app/db' }));
    assert.equal(e.kind, 'unreachable');
    assert.match(e.message, /answered auth\/approle\/login with a redirect \(HTTP 307\)/);
    assert.ok(!e.message.includes(ROLE_ID) && !e.message.includes(SECRET_ID));
    assert.equal(attacker.requests.length, 0);
    assert.deepEqual(attacker.canariesReceived(), []);
  });

  it('a token renewal: renew-failed, naming the redirect; nothing sent there', async () => {
    fv.addToken('short', { ttlSeconds: 60 });
    const timers = new ManualTimers();
    const events: TokenEvent[] = [];
    const p = make({ credential: { kind: 'token', token: 'short' }, renewTimers: timers, onTokenEvent: (e) => events.push(e) });
    await p.startAutoRenew();
    standby('auth/token/renew-self');
    timers.pending.shift()!.fn();
    await waitFor(() => events.length > 0);
    const event = events[0]!;
    assert.ok(event.kind === 'cannot-renew' && event.code === 'renew-failed');
    assert.match(event.reason, /answered auth\/token\/renew-self with a redirect \(HTTP 307\)/);
    assert.equal(attacker.requests.length, 0);
    assert.equal(attacker.credentialsReceived(), 0);
  });

  it('any 3xx, with a relative or a hostile Location, is named safely and never followed', async () => {
    const cases: Array<[number, string | undefined, RegExp]> = [
      [302, '/elsewhere?token=x', /redirect \(HTTP 302\) to `http:\/\/127\.0\.0\.1:\d+\/elsewhere`: .*Set the vault's `url` to the address Vault itself answers on/],
      [301, `${attacker.url}/v1/x#frag`, /redirect \(HTTP 301\) to `http:\/\/127\.0\.0\.1:\d+\/v1\/x`/],
      [308, 'https://user:pw@evil.example/`](javascript:alert(1)) x', /redirect \(HTTP 308\) to `https:\/\/evil\.example\/%60\]\(javascript:alert\(1\)\)%20x`/],
      [307, 'javascript:alert(1)', /redirect \(HTTP 307\) to `an address that is not http\(s\)`/],
      [303, undefined, /redirect \(HTTP 303\) to `no address \(the answer had no Location header\)`/],
    ];
    for (const [status, location, expected] of cases) {
      // Something in Vault's place that answers every request with this redirect.
      const raw = await Attacker.start();
      try {
        const headers: Record<string, string> = location === undefined ? {} : { Location: location };
        raw.respond(() => ({ status, headers }));
        const viaRaw = new HashicorpProvider({ vaultName: 'prod', address: raw.url, timeoutMs: 2000, credential: { kind: 'token', token: TOKEN }, kvVersions: { secret: 2 } });
        providers.push(viaRaw);
        const e = await providerError(viaRaw.readValue({ engine: 'secret', path: 'app/db' }));
        assert.equal(e.kind, 'unreachable');
        assert.match(e.message, expected);
        assert.ok(!e.message.includes('pw@'));
        if (location?.startsWith('/')) assert.ok(e.message.includes(`\`${raw.url}/elsewhere\``), 'resolved against the vault address');
        assert.equal(raw.requests.length, 1, 'one request, not followed');
      } finally {
        await raw.stop();
      }
    }
    assert.equal(attacker.credentialsReceived(), 0);
  });
});

describe('Vault redirects, over the language server and in the CLI', () => {
  let fv: FakeVault;
  let attacker: Attacker;
  let folder: ReturnType<typeof makeFolder>;

  before(async () => {
    fv = await FakeVault.start();
    fv.mountKv('secret', 2);
    fv.putSecret('secret', 'app', { k: 'v' });
    fv.addToken(TOKEN, { root: true });
    attacker = await Attacker.start({ canaries: [TOKEN] });
    fv.faults.set({ kind: 'standby', activeAddress: attacker.url });
    folder = makeFolder({
      'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fv.address}\nengines:\n  secret: { type: kv, version: 2 }\n`,
      'app.connection.yaml': 'name: app\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/app\nvalue:\n  k: vault.secret(k)\n',
    });
  });
  after(async () => {
    await fv.stop();
    await attacker.stop();
    folder.dispose();
  });

  it('the server reports vault-unreachable with the standby advice; the attacker receives nothing', async () => {
    const h = await startHarness({ folders: [folder.uri], env: { VAULT_TOKEN: TOKEN, VAULT_ADDR: fv.address }, initializationOptions: { settings: { live: { timeoutSeconds: 2 } } } });
    try {
      const uri = folder.file('app.connection.yaml');
      h.open(uri, 'name: app\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/app\nvalue:\n  k: vault.secret(k)\n');
      const diagnostics = await h.waitForDiagnostics(uri, (d) => codes(d).includes('vault-unreachable'), 8000);
      assert.deepEqual(codes(diagnostics), ['vault-unreachable']);
      assert.match(diagnostics[0]!.message, /redirect \(HTTP 307\) to `http:\/\/127\.0\.0\.1:\d+\/v1\/[^`]+`/);
      assert.match(diagnostics[0]!.message, /standby node .* active node or to the load balancer/);
      assert.ok(fv.countRequests((r) => r.outcome === 307) > 0);
      assert.equal(attacker.requests.length, 0);
      assert.equal(attacker.credentialsReceived(), 0);
    } finally {
      await h.dispose();
    }
  });

  it('`check --live` reports it and exits without sending the token anywhere else', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: folder.path, VAULT_TOKEN: TOKEN, VAULT_ADDR: fv.address };
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'check', '--live', '--timeout', '2', '--format', 'json', '.'], { cwd: folder.path, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    const findings = JSON.parse(r.stdout) as Array<{ code: string; message: string }>;
    assert.deepEqual(findings.map((f) => f.code), ['vault-unreachable'], r.stderr);
    assert.match(findings[0]!.message, /redirect \(HTTP 307\)/);
    assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN));
    assert.equal(attacker.requests.length, 0);
    assert.equal(attacker.credentialsReceived(), 0);
  });
});
