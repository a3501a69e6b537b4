/**
 * Every answer and every listing of a cloud provider is bounded (the fakes in test/fakes play the
 * hostile or broken server):
 * - a 1 GiB body (streamed without a Content-Length, on a read and on an error status) is cut at
 *   8 MiB while it arrives, and the process grows by far less than the answer (RSS measured); a
 *   declared Content-Length over the cap is refused unread;
 * - a listing whose server hands out a new page token (or Key Vault `nextLink`) forever stops at the
 *   page cap, or at its deadline, with the names read so far and a message saying so; a versions
 *   listing that is stopped is an error (version facts from part of the versions would be wrong);
 * - a Key Vault `nextLink` to another origin is not followed.
 */
import { strict as assert } from 'node:assert';
import { after, afterEach, before, beforeEach, describe, it, type TestContext } from 'node:test';
import { AwsProvider, type AwsProviderOptions } from '../../server/src/providers/aws';
import { AzureProvider, type AzureProviderOptions } from '../../server/src/providers/azure';
import { GcpProvider, type GcpProviderOptions } from '../../server/src/providers/gcp';
import { listingCut } from '../../server/src/providers/listing';
import type { ProviderError } from '../../server/src/providers/secretProvider';
import { AwsFake } from '../fakes/awsFake';
import { AzureFake } from '../fakes/azureFake';
import { GcpFake, type ServiceAccount } from '../fakes/gcpFake';
import { clearEnv } from '../helpers/envIsolation';
import { NetworkGuard } from '../helpers/networkGuard';
import { providerError } from '../helpers/providerAssertions';
import type { LiveFacts, LiveListing } from '../../server/src/service/facts/liveFacts';
import { TestWorkspace } from '../helpers/workspace';
import { Attacker } from './attacker';

const CLOUD_ENV = /^(AWS_|AZURE_|GOOGLE_|GCLOUD_|CLOUDSDK_|GCE_|METADATA_SERVER_DETECTION$|HTTPS?_PROXY$|NO_PROXY$)/i;
const guard = new NetworkGuard();
const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;
/** The process may grow by this much while a 1 GiB answer is refused (the cap is 8 MiB). */
const RSS_BUDGET = 100 * MiB;

before(() => {
  clearEnv(CLOUD_ENV);
  guard.install();
});
after(() => {
  guard.uninstall();
  clearEnv(CLOUD_ENV);
  assert.deepEqual(guard.violations, [], 'no connection left the loopback interface');
});

/** Runs `call` (which must reject), sampling RSS meanwhile: the error and the peak growth in bytes. */
async function withPeakRss(call: () => Promise<unknown>): Promise<{ error: ProviderError; growth: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sample = (): void => void (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, 2);
  try {
    const error = await providerError(call());
    sample();
    return { error, growth: peak - base };
  } finally {
    clearInterval(timer);
  }
}

function assertTooLarge(e: ProviderError, t: TestContext, growth?: number): void {
  assert.equal(e.kind, 'unreachable', e.message);
  assert.equal(e.details.cause, 'response larger than 8 MiB');
  assert.match(e.message, /sent a response larger than 8 MiB; it was cut off unread\./);
  if (growth !== undefined) {
    t.diagnostic(`RSS grew by ${(growth / MiB).toFixed(1)} MiB while a 1 GiB answer was refused`);
    assert.ok(growth < RSS_BUDGET, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  }
}

// ================================================================ AWS

describe('AWS Secrets Manager: bounded answers and listings', () => {
  const CREDS = { accessKeyId: 'AKIAFAKETESTKEY00001', secretAccessKey: 'fake/secret/access/key/for/tests/0001' };
  let fake: AwsFake;
  const made: AwsProvider[] = [];
  const make = (opts: Partial<AwsProviderOptions> = {}): AwsProvider => {
    const p = new AwsProvider({ vaultName: 'prod-aws', region: 'us-east-1', endpoint: fake.address, timeoutMs: 5000, credentials: CREDS, ...opts });
    made.push(p);
    return p;
  };
  beforeEach(async () => {
    fake = await AwsFake.start();
    fake.createSecret('app/db', { user: 'scott', password: 'tiger' });
  });
  afterEach(async () => {
    for (const p of made.splice(0)) p.dispose();
    await fake.stop();
  });

  it('a 1 GiB answer is cut at 8 MiB while it streams, on a read and on an error status', async (t) => {
    const p = make();
    assert.deepEqual(await p.keys({ path: 'app/db' }), ['user', 'password']); // the SDK is loaded
    fake.faults.set({ kind: 'huge', bytes: GiB, operation: 'GetSecretValue' });
    const read = await withPeakRss(() => p.keys({ path: 'app/db' }));
    assertTooLarge(read.error, t, read.growth);
    assert.ok(read.error.message.startsWith(`AWS vault "prod-aws": Secrets Manager (${fake.address}) sent a response`), read.error.message);
    fake.faults.set({ kind: 'huge', bytes: GiB, status: 500, operation: 'DescribeSecret' });
    const failed = await withPeakRss(() => p.metadata({ path: 'app/db' }));
    assertTooLarge(failed.error, t, failed.growth);
    fake.faults.set({ kind: 'huge', bytes: GiB, declareLength: true, operation: 'ListSecrets' });
    assertTooLarge(await providerError(p.list(undefined, '')), t);
    fake.faults.clear();
    assert.deepEqual(await p.keys({ path: 'app/db' }), ['user', 'password'], 'the next answer is read again');
  });

  it('ListSecrets handing out a new NextToken forever stops after 100 pages, with the names read and a message', async () => {
    fake.faults.set({ kind: 'endlessPages', operation: 'ListSecrets' });
    const names = await make().list(undefined, '');
    assert.equal(names.length, 100);
    assert.deepEqual(listingCut(names), {
      by: 'pages',
      listed: 100,
      pages: 100,
      seconds: listingCut(names)!.seconds,
      limit: 100,
      message: 'listed the first 100 secrets; stopped after 100 pages (a listing reads at most 100)',
    });
    assert.equal(fake.countRequests((r) => r.operation === 'ListSecrets'), 100);
  });

  it('a listing that goes on stops at its deadline and says so', async () => {
    fake.faults.set({ kind: 'endlessPages', operation: 'ListSecrets' });
    const names = await make({ listLimits: { deadlineMs: 400, maxPages: 1_000_000 } }).list(undefined, '');
    const cut = listingCut(names);
    assert.equal(cut?.by, 'deadline');
    assert.equal(cut.listed, names.length);
    assert.match(cut.message, /^listed the first \d+ secrets; stopped after \d+(\.\d)? s \(a listing takes at most 0\.4 s\)$/);
  });

  it('ListSecretVersionIds that never ends is an error naming the cut, not partial versions', async () => {
    fake.faults.set({ kind: 'endlessPages', operation: 'ListSecretVersionIds' });
    const e = await providerError(make().versions({ path: 'app/db' }));
    assert.equal(e.kind, 'unreachable');
    assert.equal(
      e.message,
      'AWS vault "prod-aws": listed the first 10 versions of secret "app/db"; stopped after 10 pages (a listing reads at most 10); its versions are not checked.',
    );
    assert.equal(fake.countRequests((r) => r.operation === 'ListSecretVersionIds'), 10);
  });

  it('a listing whose next page is complete at the cap is not reported cut', async () => {
    for (let i = 0; i < 4; i++) fake.createSecret(`svc/${i}`);
    const names = await make({ listLimits: { maxPages: 5 } }).list(undefined, '');
    assert.equal(names.length, 5);
    assert.equal(listingCut(names), undefined);
  });
});

// ================================================================ Azure

describe('Azure Key Vault: bounded answers and listings', () => {
  const TOKEN = 'kv-test-token-0001';
  let fake: AzureFake;
  const made: AzureProvider[] = [];
  const make = (opts: Partial<AzureProviderOptions> = {}): AzureProvider => {
    const p = new AzureProvider({
      vaultName: 'prod',
      vaultUrl: fake.url,
      timeoutMs: 5000,
      credential: { kind: 'access-token', token: TOKEN },
      testing: { allowInsecureConnection: true, disableChallengeResourceVerification: true },
      ...opts,
    });
    made.push(p);
    return p;
  };
  beforeEach(async () => {
    fake = await AzureFake.start();
    fake.addToken(TOKEN);
    fake.setSecret('db', JSON.stringify({ user: 'u' }));
  });
  afterEach(async () => {
    for (const p of made.splice(0)) p.dispose();
    await fake.stop();
  });

  it('a 1 GiB answer is cut at 8 MiB while it streams, on a read and on an error status', async (t) => {
    const p = make();
    assert.deepEqual(await p.keys({ path: 'db' }), ['user']);
    fake.faults.set({ kind: 'huge', bytes: GiB, operation: 'get' });
    const read = await withPeakRss(() => p.keys({ path: 'db' }));
    assertTooLarge(read.error, t, read.growth);
    assert.ok(read.error.message.startsWith(`Key Vault "prod" (${fake.url}) sent a response`), read.error.message);
    fake.faults.set({ kind: 'huge', bytes: GiB, status: 403, operation: 'versions' });
    const failed = await withPeakRss(() => p.metadata({ path: 'db' }));
    assertTooLarge(failed.error, t, failed.growth);
    fake.faults.set({ kind: 'huge', bytes: GiB, declareLength: true, operation: 'list' });
    assertTooLarge(await providerError(p.list(undefined, '')), t);
    fake.faults.clear();
    assert.deepEqual(await p.keys({ path: 'db' }), ['user']);
  });

  it('a nextLink forever stops after 400 pages, with the names read and a message', async () => {
    fake.faults.set({ kind: 'endlessPages', operation: 'list' });
    const names = await make().list(undefined, '');
    assert.deepEqual([...names], ['db'], 'the names are kept once each');
    assert.equal(listingCut(names)?.message, 'listed the first 400 secrets; stopped after 400 pages (a listing reads at most 400)');
    // 400 pages read, and one more asked to learn that the listing goes on (dropped).
    assert.equal(fake.countRequests((r) => r.operation === 'list' && r.outcome === 200), 401);
  });

  it('a listing that goes on stops at its deadline and says so', async () => {
    fake.faults.set({ kind: 'endlessPages', operation: 'list' });
    const cut = listingCut(await make({ listLimits: { deadlineMs: 400, maxPages: 1_000_000 } }).list(undefined, ''));
    assert.equal(cut?.by, 'deadline');
    assert.match(cut.message, /^listed the first \d+ secrets; stopped after \d+(\.\d)? s \(a listing takes at most 0\.4 s\)$/);
  });

  it('a versions listing that never ends is an error naming the cut, not partial versions', async () => {
    fake.faults.set({ kind: 'endlessPages', operation: 'versions' });
    const e = await providerError(make({ listLimits: { maxPages: 20 } }).metadata({ path: 'db' }));
    assert.equal(e.kind, 'unreachable');
    assert.equal(e.message, 'Key Vault "prod": listed the first 20 versions of secret "db"; stopped after 20 pages (a listing reads at most 20); its versions are not checked.');
  });

  it('a nextLink to another origin is not followed', async () => {
    const attacker = await Attacker.start({ canaries: [TOKEN] });
    try {
      fake.faults.set({ kind: 'foreignNextLink', url: `${attacker.url}/secrets?api-version=7.5&$skiptoken=x`, operation: 'list' });
      const e = await providerError(make().list(undefined, ''));
      assert.equal(e.kind, 'bad-response');
      assert.match(e.message, /outside .*; it was not sent/);
      assert.deepEqual(attacker.requests, []);
      assert.equal(attacker.credentialsReceived(), 0);
    } finally {
      await attacker.stop();
    }
  });
});

// ================================================================ GCP

describe('GCP Secret Manager: bounded answers and listings', () => {
  let fake: GcpFake;
  let sa: ServiceAccount;
  const made: GcpProvider[] = [];
  const make = (opts: Partial<GcpProviderOptions> = {}): GcpProvider => {
    const p = new GcpProvider({
      vaultName: 'prod-gcp',
      project: fake.projectId,
      endpoint: fake.endpoint,
      timeoutMs: 5000,
      credential: { kind: 'service-account', json: sa.json },
      testing: { protocol: 'http' },
      ...opts,
    });
    made.push(p);
    return p;
  };
  beforeEach(async () => {
    fake = await GcpFake.start();
    sa = fake.createServiceAccount();
    fake.createSecret('app-db');
    fake.addVersion('app-db', { user: 'u' });
  });
  afterEach(async () => {
    for (const p of made.splice(0)) p.dispose();
    await fake.stop();
  });

  it('a 1 GiB answer is cut at 8 MiB while it streams, on a read and on an error status', async (t) => {
    const p = make();
    assert.deepEqual(await p.keys({ path: 'app-db' }), ['user']);
    fake.faults.set({ kind: 'huge', bytes: GiB, rpc: 'accessSecretVersion' });
    const read = await withPeakRss(() => p.keys({ path: 'app-db' }));
    assertTooLarge(read.error, t, read.growth);
    assert.ok(read.error.message.startsWith(`Vault "prod-gcp": Secret Manager (${fake.endpoint}) sent a response`), read.error.message);
    fake.faults.set({ kind: 'huge', bytes: GiB, status: 500, rpc: 'getSecret' });
    const failed = await withPeakRss(() => p.metadata({ path: 'app-db' }));
    assertTooLarge(failed.error, t, failed.growth);
    fake.faults.set({ kind: 'huge', bytes: GiB, declareLength: true, rpc: 'listSecrets' });
    assertTooLarge(await providerError(p.list(undefined, '')), t);
    fake.faults.clear();
    assert.deepEqual(await p.keys({ path: 'app-db' }), ['user']);
  });

  it('ListSecrets handing out a new nextPageToken forever stops after 40 pages, with the names read and a message', async () => {
    fake.faults.set({ kind: 'endlessPages', rpc: 'listSecrets' });
    const names = await make().list(undefined, '');
    assert.deepEqual([...names], ['app-db'], 'the names are kept once each');
    assert.equal(listingCut(names)?.message, 'listed the first 40 secrets; stopped after 40 pages (a listing reads at most 40)');
    assert.equal(fake.countRequests((r) => r.rpc === 'listSecrets'), 40);
  });

  it('a listing that goes on stops at its deadline and says so', async () => {
    fake.faults.set({ kind: 'endlessPages', rpc: 'listSecrets' });
    const cut = listingCut(await make({ listLimits: { deadlineMs: 400, maxPages: 1_000_000 } }).list(undefined, ''));
    assert.equal(cut?.by, 'deadline');
    assert.match(cut.message, /^listed the first \d+ secrets; stopped after \d+(\.\d)? s \(a listing takes at most 0\.4 s\)$/);
  });

  it('ListSecretVersions that never ends is an error naming the cut, not partial versions', async () => {
    fake.faults.set({ kind: 'endlessPages', rpc: 'listSecretVersions' });
    const e = await providerError(make().listVersions('app-db'));
    assert.equal(e.kind, 'unreachable');
    assert.equal(
      e.message,
      'Vault "prod-gcp": listed the first 10 versions of secret "app-db"; stopped after 10 pages (a listing reads at most 10); its versions are not checked.',
    );
    assert.equal(fake.countRequests((r) => r.rpc === 'listSecretVersions'), 10);
  });
});

// ================================================================ what the user sees

describe('a listing that was cut short, in completion', () => {
  it('ends the secret names with the message, which matches what was typed and changes nothing', () => {
    const ws = new TestWorkspace({ 'aws.vault.yaml': 'name: pay\nprovider: aws\nregion: eu-west-1\n' });
    const listing: LiveListing = Object.assign(['svc/a', 'svc/b'], { cut: { message: 'listed the first 2 secrets; stopped after 100 pages (a listing reads at most 100)' } });
    const live: LiveFacts = {
      access: () => 'live',
      mount: () => undefined,
      secret: () => undefined,
      capabilities: () => undefined,
      engines: () => undefined,
      list: () => ({ state: 'ok', value: listing }),
    };
    const position = ws.setWithCursor('c.connection.yaml', 'name: c\nvault_secrets:\n  - vault: pay\n    secret: sv|\n');
    const facts = { vaults: (u: string) => ws.index.vaults(u), keysUsed: () => [], live };
    const items = ws.service.complete(ws.doc('c.connection.yaml'), 'connection', position, facts).items;
    assert.deepEqual(
      items.map((i) => i.label),
      ['svc/a', 'svc/b', '… listed the first 2 secrets; stopped after 100 pages (a listing reads at most 100)'],
    );
    const notice = items.at(-1)!;
    assert.equal(notice.filterText, 'sv');
    assert.deepEqual(notice.textEdit && 'range' in notice.textEdit ? notice.textEdit.newText : undefined, 'sv');
    assert.match(notice.detail ?? '', /not every secret is listed/);
    const whole = listing.slice();
    live.list = () => ({ state: 'ok', value: whole });
    assert.deepEqual(ws.service.complete(ws.doc('c.connection.yaml'), 'connection', position, facts).items.map((i) => i.label), ['svc/a', 'svc/b']);
  });
});
