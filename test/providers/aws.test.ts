/**
 * AwsProvider against the fake Secrets Manager, through the real @aws-sdk/client-secrets-manager:
 * listing with pagination, metadata, keys / describe, versions and staging labels, writes, every
 * error kind, injected faults (mapped within 2 × timeoutMs + 1 s, then recovery), credentials
 * (static, profile, none), and a leak test with canary values and credentials.
 *
 * A guard fails the run if anything opens a non-loopback connection.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { AwsProvider, type AwsProviderOptions } from '../../server/src/providers/aws';
import type { ProviderError, ProviderErrorKind } from '../../server/src/providers/secretProvider';
import { type AwsFault, AwsFake } from '../fakes/awsFake';
import { TcpProxy } from '../fakes/tcpProxy';
import { clearEnv } from '../helpers/envIsolation';
import { NetworkGuard } from '../helpers/networkGuard';
import { providerError } from '../helpers/providerAssertions';

// ---------------------------------------------------------------- environment and network guard

const PROVIDER_ENV = /^(AWS_|AZURE_|GOOGLE_|GCLOUD_)/;
const clearProviderEnv = (): void => clearEnv(PROVIDER_ENV);
const guard = new NetworkGuard();
const { violations } = guard;

const warnings: string[] = [];
const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);

before(() => {
  clearProviderEnv();
  guard.install();
  process.on('warning', onWarning);
});
after(() => {
  guard.uninstall();
  process.off('warning', onWarning);
  assert.deepEqual(violations, [], 'no connection left the loopback interface');
});

// ---------------------------------------------------------------- helpers

const CREDS = { accessKeyId: 'AKIAFAKETESTKEY00001', secretAccessKey: 'fake/secret/access/key/for/tests/0001' };

let fake: AwsFake;
let providers: AwsProvider[] = [];
const make = (opts: Partial<AwsProviderOptions> = {}): AwsProvider => {
  const p = new AwsProvider({ vaultName: 'prod-aws', region: 'us-east-1', endpoint: fake.address, timeoutMs: 2000, credentials: CREDS, ...opts });
  providers.push(p);
  return p;
};

beforeEach(async () => {
  fake = await AwsFake.start();
});
afterEach(async () => {
  for (const p of providers) p.dispose();
  providers = [];
  await fake.stop();
  clearProviderEnv();
});

// ---------------------------------------------------------------- tests

describe('loading', () => {
  it('loads the SDK on the first call only, without the Node-version warning', async () => {
    const loaded = (): boolean => Object.keys(require.cache).some((k) => k.includes('client-secrets-manager'));
    assert.equal(loaded(), false, 'the SDK is not loaded by importing the provider');
    fake.createSecret('app/db', { user: 'scott' });
    const p = make();
    assert.equal(loaded(), false, 'nor by constructing it');
    assert.deepEqual(await p.keys({ path: 'app/db' }), ['user']);
    assert.equal(loaded(), true);
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    assert.deepEqual(
      warnings.filter((w) => /NodeVersionSupportWarning|AWS SDK/.test(w)),
      [],
      'the SDK Node-version warning is not emitted',
    );
    assert.equal(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, undefined, 'the env flag is restored');
  });
});

describe('wire', () => {
  it('sends signed AWS JSON 1.1 requests with the credential scope of the region', async () => {
    fake.createSecret('a', 'x');
    const p = make({ credentials: { ...CREDS, sessionToken: 'FwoGZXIvYXdzEFAKESESSIONTOKEN' } });
    await p.list(undefined, '');
    await p.metadata({ path: 'a' });
    await p.keys({ path: 'a' });
    assert.equal(fake.requests.length, 3);
    for (const r of fake.requests) {
      assert.equal(r.hasAuthorization, true);
      assert.equal(r.hasSessionToken, true);
      assert.equal(r.contentType, 'application/x-amz-json-1.1');
      assert.equal(r.accessKeyId, CREDS.accessKeyId);
      assert.equal(r.region, 'us-east-1');
      assert.equal(r.outcome, 200);
    }
    assert.deepEqual(
      fake.requests.map((r) => r.operation),
      ['ListSecrets', 'DescribeSecret', 'GetSecretValue'],
    );
  });

  it('has no engines and no cheap capabilities', async () => {
    const p = make();
    assert.deepEqual(await p.listEngines(), []);
    assert.equal(await p.engineVersion(), undefined);
    assert.deepEqual(await p.capabilities(), []);
    assert.equal(fake.requests.length, 0);
  });
});

describe('list', () => {
  it('returns every name across pages (NextToken until the end)', async () => {
    const names = Array.from({ length: 205 }, (_, i) => `team/app-${String(i).padStart(3, '0')}`);
    for (const n of names) fake.createSecret(n, 'v');
    fake.createSecret('going/away', 'v');
    fake.scheduleDeletion('going/away');
    const p = make();
    assert.deepEqual(await p.list(undefined, ''), names);
    const calls = fake.requests.filter((r) => r.operation === 'ListSecrets');
    assert.equal(calls.length, 3);
    assert.equal(calls[0]!.nextToken, undefined);
    assert.ok(calls[1]!.nextToken && calls[2]!.nextToken);
    assert.ok(calls.every((c) => c.maxResults === 100));
    assert.deepEqual(await p.list(undefined, 'team/app-20'), names.slice(200));
  });

  it('keeps going when AWS returns fewer items than asked', async () => {
    await fake.stop();
    fake = await AwsFake.start({ maxPageSize: 2 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) fake.createSecret(n, 'v');
    assert.deepEqual(await make().list(undefined, ''), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(fake.countRequests((r) => r.operation === 'ListSecrets'), 3);
  });

  it('returns [] for an account without secrets', async () => {
    assert.deepEqual(await make().list(undefined, ''), []);
  });
});

describe('metadata and keys', () => {
  const VALUE = { user: 'scott', password: 'tiger-VALUE-0001' };

  it('reports description, dates, rotation, tags and version stages, never the value', async () => {
    const next = new Date(Date.now() + 7 * 86400_000);
    fake.createSecret('payments/api', { old: 'v1' }, {
      description: 'Payments API key',
      tags: { team: 'payments', env: 'prod' },
      kmsKeyId: 'alias/payments',
      rotation: { enabled: true, days: 30, nextRotationDate: next },
    });
    const v2 = fake.putValue('payments/api', VALUE);
    fake.putValue('payments/api', { pending: 'x' }, { stages: ['AWSPENDING'] });
    const p = make();
    await p.keys({ path: 'payments/api' }); // sets LastAccessedDate
    const m = await p.metadata({ path: 'payments/api' });
    assert.equal(m.description, 'Payments API key');
    assert.deepEqual(m.tags, { team: 'payments', env: 'prod' });
    assert.equal(m.currentVersion, v2);
    assert.equal(m.enabled, true);
    assert.equal(m.deletionDate, undefined);
    assert.deepEqual(m.rotation, { enabled: true, nextRotation: next.toISOString(), period: '30 days' });
    assert.equal(m.kmsKeyId, 'alias/payments');
    assert.match(m.arn ?? '', /^arn:aws:secretsmanager:us-east-1:123456789012:secret:payments\/api-[A-Za-z0-9]{6}$/);
    for (const d of [m.createdTime, m.updatedTime, m.lastChangedDate, m.lastAccessedDate]) {
      assert.match(d ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    assert.ok(m.lastAccessedDate!.endsWith('T00:00:00.000Z'), 'LastAccessedDate is a day');
    assert.deepEqual(
      m.versions.map((v) => v.stages),
      [['AWSCURRENT'], ['AWSPREVIOUS'], ['AWSPENDING']],
    );
    assert.equal(m.versions[0]!.version, v2);
    const text = JSON.stringify(m);
    assert.ok(!text.includes('tiger') && !text.includes('scott'), 'no value in metadata');
  });

  it('returns the keys of a JSON secret without its values, and describe() says json', async () => {
    fake.createSecret('app/db', VALUE);
    const p = make();
    const keys = await p.keys({ path: 'app/db' });
    assert.deepEqual(keys, ['user', 'password']);
    assert.ok(!JSON.stringify(keys).includes('tiger'));
    fake.resetCounts();
    const d = await p.describe({ path: 'app/db' });
    assert.deepEqual(d.keys, ['user', 'password']);
    assert.equal(d.metadata.json, true);
    assert.equal(d.metadataError, undefined);
    assert.ok(!JSON.stringify(d).includes('tiger') && !JSON.stringify(d).includes('scott'));
    assert.deepEqual(fake.requests.map((r) => r.operation).sort(), ['DescribeSecret', 'GetSecretValue'], 'one value read + one metadata call');
    assert.deepEqual(await p.readValue({ path: 'app/db' }), VALUE);
  });

  it('tells a plain-text (non-JSON) secret: keys [] / undefined, json false', async () => {
    fake.createSecret('plain', 'just-a-token-VALUE');
    fake.createSecret('array', '["a","b"]');
    fake.createSecret('binary', Buffer.from([1, 2, 3, 250]));
    const p = make();
    assert.deepEqual(await p.keys({ path: 'plain' }), []);
    const d = await p.describe({ path: 'plain' });
    assert.equal(d.keys, undefined);
    assert.equal(d.metadata.json, false);
    assert.ok(!JSON.stringify(d).includes('just-a-token'));
    assert.equal(await p.readValue({ path: 'plain' }), 'just-a-token-VALUE');
    assert.equal((await p.describe({ path: 'array' })).keys, undefined);
    assert.equal((await p.describe({ path: 'binary' })).metadata.json, false);
    assert.equal(await p.readValue({ path: 'binary' }), Buffer.from([1, 2, 3, 250]).toString('base64'));
  });

  it('describe() still answers from the value when DescribeSecret is denied', async () => {
    const { versionId } = fake.createSecret('app/db', VALUE);
    fake.deny('app/db', ['DescribeSecret']);
    const p = make();
    const d = await p.describe({ path: 'app/db' });
    assert.deepEqual(d.keys, ['user', 'password']);
    assert.equal(d.metadata.currentVersion, versionId);
    assert.deepEqual(d.metadata.versions.map((v) => v.stages), [['AWSCURRENT']]);
    assert.equal(d.metadataError?.kind, 'permission-denied');
    assert.match(d.metadataError?.message ?? '', /secretsmanager:DescribeSecret/);
  });

  it('accepts an ARN as the name', async () => {
    const { arn } = fake.createSecret('by/arn', { k: 'v' });
    assert.deepEqual(await make().keys({ path: arn }), ['k']);
  });
});

describe('versions and staging labels', () => {
  it('reads a pinned VersionId or staging label (version or stage field)', async () => {
    const { versionId: v1 } = fake.createSecret('s', { first: '1' });
    const v2 = fake.putValue('s', { second: '2' });
    const v3 = fake.putValue('s', { third: '3' }, { stages: ['release-7'] });
    const p = make();
    assert.deepEqual(await p.keys({ path: 's' }), ['second']);
    assert.deepEqual(await p.keys({ path: 's', version: v1! }), ['first']);
    assert.deepEqual(await p.keys({ path: 's', version: 'AWSPREVIOUS' }), ['first']);
    assert.deepEqual(await p.keys({ path: 's', version: 'release-7' }), ['third']);
    assert.deepEqual(await p.keys({ path: 's', stage: 'AWSCURRENT' } as never), ['second']);
    assert.deepEqual(await p.keys({ path: 's', version: v2, stage: 'AWSCURRENT' } as never), ['second']);
    const gets = fake.requests.filter((r) => r.operation === 'GetSecretValue').length;
    assert.equal(gets, 6);
    const versions = await p.versions({ path: 's' });
    assert.deepEqual(
      versions.map((v) => [v.version, v.stages]),
      [
        [v2, ['AWSCURRENT']],
        [v1, ['AWSPREVIOUS']],
        [v3, ['release-7']],
      ],
    );
    assert.ok(versions.every((v) => /Z$/.test(v.createdTime ?? '')));
  });

  it('pages through ListSecretVersionIds and falls back to DescribeSecret when it is denied', async () => {
    await fake.stop();
    fake = await AwsFake.start({ maxPageSize: 1 });
    fake.createSecret('s', 'a');
    fake.putValue('s', 'b');
    fake.putValue('s', 'c', { stages: ['blue'] });
    const p = make();
    assert.equal((await p.versions({ path: 's' })).length, 3);
    assert.equal(fake.countRequests((r) => r.operation === 'ListSecretVersionIds'), 3);
    fake.deny('s', ['ListSecretVersionIds']);
    const v = await p.versions({ path: 's' });
    assert.deepEqual(v.map((x) => x.stages), [['AWSCURRENT'], ['AWSPREVIOUS'], ['blue']]);
  });

  it('reports version-not-found for an unknown VersionId or label, and for a secret without a value', async () => {
    fake.createSecret('s', { a: '1' });
    fake.createSecret('empty');
    const p = make();
    let err = await providerError(p.keys({ path: 's', version: '0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a000' }));
    assert.equal(err.kind, 'version-not-found');
    assert.match(err.message, /VersionId 0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a000/);
    assert.equal(err.details.apiPath, 'secretsmanager:GetSecretValue');
    err = await providerError(p.describe({ path: 's', version: 'NOPE' }));
    assert.equal(err.kind, 'version-not-found');
    assert.match(err.message, /staging label NOPE \(staging labels: AWSCURRENT\)/);
    err = await providerError(p.readValue({ path: 'empty' }));
    assert.equal(err.kind, 'version-not-found');
    assert.match(err.message, /no current value/);
    err = await providerError(p.keys({ path: 'missing', version: 'AWSPREVIOUS' }));
    assert.equal(err.kind, 'not-found');
  });

  it('rejects invalid pins', async () => {
    const { versionId } = fake.createSecret('s', { a: '1' });
    fake.putValue('s', { a: '2' });
    const p = make();
    assert.equal((await providerError(p.keys({ path: 's', version: 3 }))).kind, 'invalid-request');
    // AWS answers a VersionId and a VersionStage of different versions with InvalidRequestException;
    // DescribeSecret's VersionIdsToStages tells it apart from a secret scheduled for deletion.
    const mismatch = await providerError(p.keys({ path: 's', version: versionId!, stage: 'AWSCURRENT' } as never));
    assert.equal(mismatch.kind, 'version-not-found');
    assert.match(mismatch.message, /that version carries: AWSPREVIOUS/);
    assert.equal((await providerError(p.keys({ path: ' ' }))).kind, 'invalid-request');
  });
});

describe('write', () => {
  it('creates a new AWSCURRENT version with a fresh idempotency token; old versions stay', async () => {
    const { versionId: v1 } = fake.createSecret('app/db', { user: 'a', password: 'old' });
    const p = make();
    const r1 = await p.write({ path: 'app/db' }, { user: 'a', password: 'new' });
    const r2 = await p.write({ path: 'app/db', version: 'AWSPREVIOUS' }, { user: 'a', password: 'newer' });
    assert.equal(typeof r1.version, 'string');
    assert.notEqual(r1.version, r2.version);
    const puts = fake.requests.filter((r) => r.operation === 'PutSecretValue');
    assert.equal(puts.length, 2);
    for (const put of puts) assert.match(put.clientRequestToken ?? '', /^[0-9a-f-]{36}$/);
    assert.notEqual(puts[0]!.clientRequestToken, puts[1]!.clientRequestToken);
    assert.deepEqual(fake.versionsOf('app/db'), [
      { versionId: v1, stages: [] },
      { versionId: r1.version, stages: ['AWSPREVIOUS'] },
      { versionId: r2.version, stages: ['AWSCURRENT'] },
    ]);
    assert.equal(fake.secret('app/db').versions.get(r2.version as string)?.secretString, JSON.stringify({ user: 'a', password: 'newer' }));
    assert.deepEqual(await p.readValue({ path: 'app/db' }), { user: 'a', password: 'newer' });
    assert.deepEqual(await p.readValue({ path: 'app/db', version: v1! }), { user: 'a', password: 'old' });
  });

  it('a retried write whose answer was lost does not create a second version', async () => {
    fake.createSecret('s', { a: '1' });
    fake.faults.set({ kind: 'drop', operation: 'PutSecretValue', times: 1 });
    const r = await make().write({ path: 's' }, { a: '2' });
    const puts = fake.requests.filter((x) => x.operation === 'PutSecretValue');
    assert.equal(puts.length, 2, 'the SDK retried once');
    assert.equal(puts[0]!.clientRequestToken, puts[1]!.clientRequestToken);
    assert.equal(fake.versionsOf('s').length, 2);
    assert.equal(r.version, puts[0]!.clientRequestToken);
  });

  it('checks cas against AWSCURRENT (non-atomic)', async () => {
    const { versionId: v1 } = fake.createSecret('s', { a: '1' });
    fake.createSecret('fresh');
    const p = make();
    const r = await p.write({ path: 's' }, { a: '2' }, v1 as never);
    let err = await providerError(p.write({ path: 's' }, { a: '3' }, v1 as never));
    assert.equal(err.kind, 'cas-conflict');
    assert.match(err.message, new RegExp(`current: ${r.version}`));
    err = await providerError(p.write({ path: 's' }, { a: '3' }, 0));
    assert.equal(err.kind, 'cas-conflict');
    assert.equal(fake.versionsOf('s').length, 2, 'no write after a conflict');
    await p.write({ path: 'fresh' }, { a: '1' }, 0);
    assert.equal((await providerError(p.write({ path: 's' }, { a: '3' }, 4))).kind, 'invalid-request');
  });
});

describe('error kinds', () => {
  it('not-found for a missing secret, on every call', async () => {
    const p = make();
    const loc = { path: 'nope' };
    for (const call of [() => p.keys(loc), () => p.readValue(loc), () => p.metadata(loc), () => p.describe(loc), () => p.versions(loc), () => p.write(loc, { a: 'b' })]) {
      const err = await providerError(call());
      assert.equal(err.kind, 'not-found');
      assert.match(err.message, /secret "nope"/);
    }
  });

  it('a secret scheduled for deletion: metadata.deletionDate, describe() says it cannot be read, reads and writes are disabled', async () => {
    fake.createSecret('old', { a: '1' });
    const when = new Date('2026-01-02T03:04:05.678Z');
    fake.scheduleDeletion('old', when);
    const p = make();
    const m = await p.metadata({ path: 'old' });
    assert.equal(m.deletionDate, when.toISOString());
    assert.equal(m.enabled, false);
    const d = await p.describe({ path: 'old' });
    assert.equal(d.keys, undefined);
    assert.equal(d.metadata.deletionDate, when.toISOString());
    assert.equal(d.metadata.enabled, false);
    for (const call of [p.keys({ path: 'old' }), p.readValue({ path: 'old' }), p.write({ path: 'old' }, { a: '2' })]) {
      const err = await providerError(call);
      assert.equal(err.kind, 'disabled');
      assert.equal(err.details.deletionTime, when.toISOString());
      assert.match(err.message, /scheduled for deletion on 2026-01-02T03:04:05\.678Z/);
      assert.match(err.message, /aws secretsmanager restore-secret --secret-id old/);
      assert.doesNotMatch(err.message, /undelete|deleted on/);
    }
    assert.deepEqual(await p.list(undefined, ''), []);
    fake.restore('old');
    assert.deepEqual(await p.keys({ path: 'old' }), ['a']);
  });

  // AWS's text for this InvalidRequestException differs between implementations and over time;
  // the verdict comes from DescribeSecret's DeletedDate whatever the text says.
  for (const text of [
    "You can't perform this operation on the secret because it was marked for deletion.",
    'You can’t perform this operation on the secret because it was marked for deletion.',
    "You tried to perform the operation on a secret that's currently marked deleted.",
    'Operation not allowed in the current state.',
  ]) {
    it(`decides deletion from DescribeSecret, not from the text: "${text.slice(0, 40)}…"`, async () => {
      fake.createSecret('going', { a: '1' });
      const when = new Date('2026-02-03T04:05:06.000Z');
      fake.scheduleDeletion('going', when);
      const p = make();
      fake.faults.set({ kind: 'status', status: 400, type: 'InvalidRequestException', message: text, operation: 'GetSecretValue' });
      const d = await p.describe({ path: 'going' });
      assert.deepEqual([d.keys, d.metadata.enabled, d.metadata.deletionDate], [undefined, false, when.toISOString()]);
      fake.faults.set({ kind: 'status', status: 400, type: 'InvalidRequestException', message: text, operation: 'GetSecretValue' });
      const err = await providerError(p.keys({ path: 'going' }));
      assert.equal(err.kind, 'disabled');
      assert.equal(err.details.deletionTime, when.toISOString());
    });
  }

  it('InvalidRequestException with DescribeSecret denied: disabled, saying what could not be learned', async () => {
    fake.createSecret('hidden', { a: '1' });
    fake.scheduleDeletion('hidden');
    fake.deny('hidden', ['DescribeSecret']);
    const p = make();
    for (const call of [p.describe({ path: 'hidden' }), p.keys({ path: 'hidden' })]) {
      const err = await providerError(call);
      assert.equal(err.kind, 'disabled');
      assert.match(err.message, /InvalidRequestException/);
      assert.match(err.message, /could not be learned: DescribeSecret was denied \(grant secretsmanager:DescribeSecret\)/);
      assert.match(err.message, /aws secretsmanager restore-secret --secret-id hidden/);
      assert.equal(err.details.deletionTime, undefined);
    }
  });

  it('permission-denied names the missing action', async () => {
    fake.createSecret('locked', { a: '1' });
    fake.deny('locked', ['GetSecretValue']);
    const p = make();
    let err = await providerError(p.keys({ path: 'locked' }));
    assert.equal(err.kind, 'permission-denied');
    assert.match(err.message, /lacks secretsmanager:GetSecretValue/);
    assert.equal(err.details.apiPath, 'secretsmanager:GetSecretValue');
    err = await providerError(p.describe({ path: 'locked' }));
    assert.match(err.message, /secretsmanager:GetSecretValue/);
    fake.deny('locked', ['DescribeSecret']);
    err = await providerError(p.metadata({ path: 'locked' }));
    assert.match(err.message, /lacks secretsmanager:DescribeSecret/);
    fake.deny('*', ['ListSecrets']);
    err = await providerError(p.list(undefined, ''));
    assert.equal(err.kind, 'permission-denied');
    assert.match(err.message, /lacks secretsmanager:ListSecrets/);
    fake.deny('locked', ['PutSecretValue']);
    err = await providerError(p.write({ path: 'locked' }, { a: '2' }));
    assert.match(err.message, /lacks secretsmanager:PutSecretValue/);
  });

  it('unauthenticated for unknown keys, a wrong region scope, and no credentials at all', async () => {
    await fake.stop();
    fake = await AwsFake.start({ accessKeyIds: [CREDS.accessKeyId] });
    fake.createSecret('s', { a: '1' });
    assert.deepEqual(await make().keys({ path: 's' }), ['a']);
    let err = await providerError(make({ credentials: { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'x'.repeat(40) } }).keys({ path: 's' }));
    assert.equal(err.kind, 'unauthenticated');
    assert.match(err.message, /UnrecognizedClientException/);
    err = await providerError(make({ region: 'eu-west-1' }).keys({ path: 's' }));
    assert.equal(err.kind, 'unauthenticated');
    assert.match(err.message, /another region/);

    // The default chain with nothing to find (instance metadata off: it would leave the loopback).
    const dir = mkdtempSync(join(tmpdir(), 'aws-empty-'));
    try {
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      const { credentials: _omit, ...rest } = { vaultName: 'prod-aws', region: 'us-east-1', endpoint: fake.address, timeoutMs: 2000, credentials: CREDS };
      const p = new AwsProvider(rest);
      providers.push(p);
      err = await providerError(p.keys({ path: 's' }));
      assert.equal(err.kind, 'unauthenticated');
      assert.match(err.message, /no AWS credentials/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the named profile of the shared files when no credentials are given', async () => {
    fake.createSecret('s', { a: '1' });
    const dir = mkdtempSync(join(tmpdir(), 'aws-profile-'));
    try {
      writeFileSync(
        join(dir, 'credentials'),
        '[default]\naws_access_key_id = AKIADEFAULTPROFILE01\naws_secret_access_key = d\n\n[team]\naws_access_key_id = AKIATEAMPROFILEKEY01\naws_secret_access_key = t\n',
      );
      writeFileSync(join(dir, 'config'), '');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      const p = new AwsProvider({ vaultName: 'prod-aws', region: 'us-east-1', endpoint: fake.address, timeoutMs: 2000, profile: 'team' });
      providers.push(p);
      assert.deepEqual(await p.keys({ path: 's' }), ['a']);
      assert.equal(fake.requests.at(-1)?.accessKeyId, 'AKIATEAMPROFILEKEY01');
      const missing = new AwsProvider({ vaultName: 'prod-aws', region: 'us-east-1', endpoint: fake.address, timeoutMs: 2000, profile: 'nope' });
      providers.push(missing);
      const err = await providerError(missing.keys({ path: 's' }));
      assert.equal(err.kind, 'unauthenticated');
      assert.match(err.message, /profile "nope"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('invalid-request for a configuration the SDK cannot use', async () => {
    for (const opts of [{ region: '' }, { region: 'mars' }, { endpoint: 'not a url' }, { endpoint: 'ftp://127.0.0.1:1' }]) {
      const err = await providerError(make(opts).list(undefined, ''));
      assert.equal(err.kind, 'invalid-request', JSON.stringify(opts));
    }
    assert.equal(fake.requests.length, 0);
  });

  it('invalid-request for what AWS rejects as invalid', async () => {
    fake.createSecret('s', { a: '1' });
    fake.faults.set({ kind: 'status', status: 400, type: 'InvalidParameterException', message: 'bad', times: 1 });
    const err = await providerError(make().keys({ path: 's' }));
    assert.equal(err.kind, 'invalid-request');
    assert.match(err.message, /InvalidParameterException/);
  });
});

describe('facts only the text of an AWS error carries', () => {
  // AWS gives no field for these; each is read from the text of one error type, and several
  // wordings are accepted.
  for (const text of [
    "Secrets Manager can't find the specified secret value for VersionId: 0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a000",
    "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    'Secrets Manager can’t find the specified secret value for staging label: AWSCURRENT',
  ]) {
    it(`a missing version of a secret DescribeSecret may not see: "${text.slice(0, 60)}…"`, async () => {
      fake.createSecret('s', { a: '1' });
      fake.deny('s', ['DescribeSecret']);
      fake.faults.set({ kind: 'status', status: 400, type: 'ResourceNotFoundException', message: text, operation: 'GetSecretValue' });
      const err = await providerError(make().keys({ path: 's', stage: 'AWSPENDING' } as never));
      assert.equal(err.kind, 'version-not-found');
    });
  }

  it('a missing secret or version that DescribeSecret may not tell apart: not-found, saying so', async () => {
    fake.createSecret('s', { a: '1' });
    fake.deny('s', ['DescribeSecret']);
    fake.faults.set({ kind: 'status', status: 400, type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret.", operation: 'GetSecretValue' });
    const err = await providerError(make().keys({ path: 's', stage: 'AWSPENDING' } as never));
    assert.equal(err.kind, 'not-found');
    assert.match(err.message, /which one could not be told: DescribeSecret was denied \(grant secretsmanager:DescribeSecret\)/);
  });

  it('a missing version is decided by DescribeSecret when it answers, whatever the text', async () => {
    fake.createSecret('s', { a: '1' });
    fake.faults.set({ kind: 'status', status: 400, type: 'ResourceNotFoundException', message: 'Not here.', operation: 'GetSecretValue' });
    const err = await providerError(make().keys({ path: 's', stage: 'AWSPENDING' } as never));
    assert.equal(err.kind, 'version-not-found');
    assert.match(err.message, /staging labels: AWSCURRENT/);
  });

  for (const text of ['Access to KMS is not allowed', 'Access to KMS is not allowed. The key is disabled or its policy denies you.']) {
    it(`an AccessDeniedException about KMS names kms:Decrypt: "${text.slice(0, 40)}"`, async () => {
      fake.createSecret('s', { a: '1' });
      fake.faults.set({ kind: 'status', status: 400, type: 'AccessDeniedException', message: text, operation: 'GetSecretValue' });
      const err = await providerError(make().readValue({ path: 's' }));
      assert.equal(err.kind, 'permission-denied');
      assert.match(err.message, /lacks kms:Decrypt on the secret's KMS key/);
    });
  }

  for (const [text, action] of [
    ['User: arn:aws:iam::123456789012:user/x is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key/1 because no identity-based policy allows the kms:Decrypt action', 'kms:Decrypt'],
    ['User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: secretsmanager:GetSecretValue on resource: s because no permissions boundary allows the secretsmanager:GetSecretValue action', 'secretsmanager:GetSecretValue'],
  ] as const) {
    it(`an AccessDeniedException names the action its text names: ${action}`, async () => {
      fake.createSecret('s', { a: '1' });
      fake.faults.set({ kind: 'status', status: 400, type: 'AccessDeniedException', message: text, operation: 'GetSecretValue' });
      const err = await providerError(make().readValue({ path: 's' }));
      assert.equal(err.kind, 'permission-denied');
      assert.match(err.message, new RegExp(`lacks ${action.replace('.', '\\.')} `));
    });
  }

  for (const text of ["Credential should be scoped to a valid region, not 'eu-west-1'. ", "Credential should be scoped to a valid region. "]) {
    it(`a credential scoped to another region says so: "${text.trim()}"`, async () => {
      fake.createSecret('s', { a: '1' });
      fake.faults.set({ kind: 'status', status: 400, type: 'InvalidSignatureException', message: text });
      const err = await providerError(make().keys({ path: 's' }));
      assert.equal(err.kind, 'unauthenticated');
      assert.match(err.message, /scoped to another region/);
    });
  }
});

describe('faults', () => {
  const timeoutMs = 250;
  const budget = timeoutMs * 2 + 1000;
  const cases: Array<{ name: string; fault: AwsFault; kind: ProviderErrorKind; cause?: string; attempts?: number }> = [
    { name: '500', fault: { kind: 'status', status: 500 }, kind: 'unreachable', cause: '500 from Secrets Manager', attempts: 2 },
    { name: '503', fault: { kind: 'status', status: 503 }, kind: 'unreachable', cause: '503 from Secrets Manager', attempts: 2 },
    { name: '502 html', fault: { kind: 'status', status: 502, type: null }, kind: 'unreachable', cause: '502 from Secrets Manager' },
    { name: '403', fault: { kind: 'status', status: 403 }, kind: 'permission-denied', attempts: 1 },
    { name: '403 html', fault: { kind: 'status', status: 403, type: null }, kind: 'permission-denied' },
    { name: '404', fault: { kind: 'status', status: 404 }, kind: 'not-found' },
    { name: '429', fault: { kind: 'status', status: 429 }, kind: 'unreachable', cause: 'throttled (429)', attempts: 2 },
    { name: 'throttling 400', fault: { kind: 'status', status: 400, type: 'ThrottlingException' }, kind: 'unreachable', cause: 'throttled (ThrottlingException)' },
    { name: 'hang', fault: { kind: 'hang' }, kind: 'unreachable', cause: `timed out after ${timeoutMs} ms` },
    { name: 'close', fault: { kind: 'close' }, kind: 'unreachable', cause: 'connection reset' },
    { name: 'malformed 200', fault: { kind: 'malformed' }, kind: 'bad-response' },
    { name: 'malformed 500', fault: { kind: 'malformed', status: 500 }, kind: 'unreachable', cause: '500 from Secrets Manager' },
  ];

  for (const c of cases) {
    it(`maps ${c.name} to ${c.kind} within 2 × timeoutMs + 1 s, then recovers`, async () => {
      fake.createSecret('app/db', { user: 'u', password: 'p' });
      const p = make({ timeoutMs });
      const loc = { path: 'app/db' };
      assert.deepEqual(await p.keys(loc), ['user', 'password']);
      fake.faults.set(c.fault);
      fake.resetCounts();
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['keys', () => p.keys(loc)],
        ['readValue', () => p.readValue(loc)],
        ['metadata', () => p.metadata(loc)],
        ['describe', () => p.describe(loc)],
        ['versions', () => p.versions(loc)],
        ['list', () => p.list(undefined, '')],
        ['write', () => p.write(loc, { user: 'x' })],
      ];
      // In parallel: each call is timed on its own.
      await Promise.all(
        calls.map(async ([label, call]) => {
          const started = Date.now();
          const err = await providerError(call());
          const elapsed = Date.now() - started;
          assert.ok(elapsed < budget, `${c.name} ${label}: took ${elapsed} ms`);
          assert.equal(err.kind, c.kind, `${c.name} ${label}: ${err.message}`);
          if (c.cause) assert.equal(err.details.cause, c.cause, `${c.name} ${label}`);
          assert.ok(err.details.apiPath?.startsWith('secretsmanager:'), 'apiPath names the action');
        }),
      );
      if (c.attempts !== undefined) {
        const perCall = fake.countRequests((r) => r.operation === 'ListSecrets');
        assert.equal(perCall, c.attempts, `${c.name}: attempts per call`);
      }
      fake.faults.clear();
      assert.deepEqual(await p.keys(loc), ['user', 'password']);
      assert.deepEqual(await p.list(undefined, ''), ['app/db']);
    });
  }

  it('maps a refused connection, then recovers when the endpoint is back', async () => {
    fake.createSecret('app/db', { user: 'u' });
    const proxy = new TcpProxy(fake.port);
    await proxy.start();
    try {
      const p = make({ endpoint: proxy.address, timeoutMs });
      assert.deepEqual(await p.keys({ path: 'app/db' }), ['user']);
      await proxy.stop();
      for (const call of [() => p.keys({ path: 'app/db' }), () => p.list(undefined, ''), () => p.write({ path: 'app/db' }, { user: 'x' })]) {
        const started = Date.now();
        const err = await providerError(call());
        assert.ok(Date.now() - started < budget);
        assert.equal(err.kind, 'unreachable');
        assert.equal(err.details.cause, 'connection refused');
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${proxy.port}`));
      }
      await proxy.start();
      assert.deepEqual(await p.keys({ path: 'app/db' }), ['user']);
    } finally {
      await proxy.stop();
    }
  });

  it('bounds a call whose connection hangs mid-answer (delay past the deadline)', async () => {
    fake.createSecret('s', 'v');
    const p = make({ timeoutMs });
    fake.faults.set({ kind: 'delay', ms: 5000 });
    const started = Date.now();
    const err = await providerError(p.keys({ path: 's' }));
    assert.ok(Date.now() - started < budget);
    assert.equal(err.details.cause, `timed out after ${timeoutMs} ms`);
  });
});

describe('no credential or value leaks', () => {
  const CANARY_KEY_ID = 'AKIACANARYKEYID00042';
  const CANARY_SECRET_KEY = 'CANARY/secret/access/key/0042/abcdefghij';
  const CANARY_SESSION = 'CANARY-SESSION-TOKEN-0042-zyxwvu';
  const CANARY_VALUE = 'CANARY-VALUE-0042-s3cr3t';
  const canaries = [CANARY_KEY_ID, CANARY_SECRET_KEY, CANARY_SESSION, CANARY_VALUE];

  function assertClean(err: ProviderError, label: string): void {
    const texts = [err.message, String(err), err.stack ?? '', JSON.stringify(err), JSON.stringify(err.details), JSON.stringify(Object.entries(err))];
    for (const text of texts) {
      for (const c of canaries) assert.ok(!text.includes(c), `${label}: "${c}" leaked in ${text}`);
      assert.ok(!/authorization|x-amz-security-token|Signature=/i.test(text), `${label}: a header leaked in ${text}`);
    }
  }

  it('keeps credentials and values out of every error', async () => {
    const creds = { accessKeyId: CANARY_KEY_ID, secretAccessKey: CANARY_SECRET_KEY, sessionToken: CANARY_SESSION };
    fake.createSecret('canary', { password: CANARY_VALUE });
    fake.createSecret('plain', CANARY_VALUE);
    fake.createSecret('doomed', { password: CANARY_VALUE });
    fake.scheduleDeletion('doomed');
    fake.createSecret('locked', { password: CANARY_VALUE });
    fake.deny('locked', ['GetSecretValue', 'DescribeSecret', 'PutSecretValue', 'ListSecretVersionIds']);
    const p = make({ credentials: creds, timeoutMs: 200 });
    const loc = { path: 'canary' };
    const data = { password: CANARY_VALUE };

    const seen = new Set<string>();
    const check = async (label: string, promise: Promise<unknown>): Promise<void> => {
      const err = await providerError(promise);
      seen.add(err.kind);
      assertClean(err, label);
    };
    const everyCall = async (label: string, l = loc): Promise<void> => {
      await Promise.all([
        check(`${label} keys`, p.keys(l)),
        check(`${label} readValue`, p.readValue(l)),
        check(`${label} describe`, p.describe(l)),
        check(`${label} metadata`, p.metadata(l)),
        check(`${label} versions`, p.versions(l)),
        check(`${label} write`, p.write(l, data)),
        check(`${label} list`, p.list(undefined, '')),
      ]);
    };

    await check('not-found', p.keys({ path: `missing-${CANARY_VALUE.slice(0, 3)}` }));
    await check('version-not-found', p.readValue({ path: 'canary', version: 'AWSPENDING' }));
    await check('disabled', p.keys({ path: 'doomed' }));
    await check('permission-denied', p.describe({ path: 'locked' }));
    await check('permission-denied write', p.write({ path: 'locked' }, data));
    await check('cas-conflict', p.write(loc, data, 'not-the-current-version-id-000000000000'));
    await check('invalid-request', p.keys({ path: 'canary', version: 7 }));

    const faults: AwsFault[] = [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 403, message: `User ${CANARY_KEY_ID} with ${CANARY_SESSION} is not authorized to perform: secretsmanager:GetSecretValue` },
      { kind: 'status', status: 404 },
      { kind: 'status', status: 429 },
      { kind: 'status', status: 400, type: 'ValidationException', message: `Value ${CANARY_VALUE} at 'secretString' failed` },
      { kind: 'status', status: 400, type: 'UnrecognizedClientException', message: `The security token ${CANARY_SESSION} is invalid.` },
      { kind: 'status', status: 400, type: 'InvalidRequestException', message: `marked for deletion ${CANARY_VALUE}` },
      { kind: 'status', status: 502, type: null },
      { kind: 'hang' },
      { kind: 'close' },
      { kind: 'malformed' },
      { kind: 'malformed', body: `{"SecretString":"${CANARY_VALUE}` },
      { kind: 'malformed', status: 400, body: `<html>${CANARY_VALUE}</html>` },
      { kind: 'malformed', status: 500, body: `{"__type": "${CANARY_VALUE}` },
    ];
    for (const fault of faults) {
      fake.faults.set(fault);
      await everyCall(JSON.stringify(fault));
    }
    fake.faults.clear();

    // Unknown key, wrong region, no credentials, refused.
    await fake.stop();
    fake = await AwsFake.start({ accessKeyIds: ['AKIAOTHERKEY00000001'] });
    fake.createSecret('canary', { password: CANARY_VALUE });
    await check('unauthenticated', make({ credentials: creds }).keys(loc));
    await check('wrong region', make({ credentials: creds, region: 'ap-south-1' }).keys(loc));
    const dir = mkdtempSync(join(tmpdir(), 'aws-canary-'));
    try {
      writeFileSync(join(dir, 'credentials'), `[canary]\naws_access_key_id = ${CANARY_KEY_ID}\naws_secret_access_key = ${CANARY_SECRET_KEY}\n`);
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      const viaProfile = new AwsProvider({ vaultName: 'prod-aws', region: 'us-east-1', endpoint: fake.address, timeoutMs: 500, profile: 'canary' });
      providers.push(viaProfile);
      await check('profile unauthenticated', viaProfile.keys(loc));
      const noProfile = new AwsProvider({ vaultName: 'prod-aws', region: 'us-east-1', endpoint: fake.address, timeoutMs: 500, profile: 'absent' });
      providers.push(noProfile);
      await check('no credentials', noProfile.keys(loc));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const gone = await AwsFake.start();
    const goneAddress = gone.address;
    await gone.stop();
    await check('refused', make({ credentials: creds, endpoint: goneAddress, timeoutMs: 200 }).write(loc, data));

    for (const kind of [
      'not-found',
      'disabled',
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
