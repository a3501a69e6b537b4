/**
 * Concurrent check-and-set writers to one KV v2 secret through the real write path: the language
 * server over the in-memory LSP harness, node-vault, and the loopback FakeVault. Each writer does
 * what the VS Code client's Write Secret does (client/src/commands/writeSecret.ts): describeWrite
 * to learn the current version, then writeSecret with its own value and cas = that version.
 *
 * What is stored is read back from the fake's store API (FakeVault#readSecret per version) and the
 * fake's own HTTP metadata endpoint with the root token, never through the product.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Credential, CredentialParams, DescribeWriteResult, WriteSecretResult } from '../../shared/src/customMessages';
import { credentialBinding, newSessionKey, seal, writeBinding } from '../../shared/src/sealing';
import { AwsFake } from '../fakes/awsFake';
import { AzureFake } from '../fakes/azureFake';
import { FakeVault } from '../fakes/fakeVault';
import { GcpFake } from '../fakes/gcpFake';
import { editorCredentials } from '../helpers/editorCredentials';
import { makeFolder, startHarness, type Harness } from '../helpers/lspHarness';

const TOKEN = 'hvs.race-writer-token';
const WRITERS = 50;
const MOUNT = 'secret';

interface Outcome {
  writer: number;
  value: string;
  cas: number;
  result: WriteSecretResult;
}

/** The fake's raw HTTP API (root token): not the product. */
async function vaultHttp(fake: FakeVault, method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${fake.address}/v1/${apiPath}`, {
    method,
    headers: { 'X-Vault-Token': fake.rootToken, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Every readable version of a KV v2 secret, from the fake's store API. Versions are never deleted here, so they are contiguous. */
function storedVersions(fake: FakeVault, path: string, upTo: number): Map<number, Record<string, unknown>> {
  const versions = new Map<number, Record<string, unknown>>();
  for (let n = 1; n <= upTo; n++) {
    const data = fake.readSecret(MOUNT, path, { version: n });
    if (data !== undefined) versions.set(n, data);
  }
  return versions;
}

async function currentVersion(fake: FakeVault, path: string): Promise<number> {
  const r = await vaultHttp(fake, 'GET', `${MOUNT}/metadata/${path}`);
  if (r.status === 404) return 0;
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data.current_version as number;
}

/** A barrier: resolves for everyone once `n` parties have arrived. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    arrived += 1;
    if (arrived === n) open();
    return opened;
  };
}

describe('concurrent check-and-set writers to one KV v2 secret', { timeout: 60_000 }, () => {
  let fake: FakeVault;
  let h: Harness;
  let folder: ReturnType<typeof makeFolder>;
  let vaultUri = '';
  const sessionKey = newSessionKey();
  const run = randomBytes(4).toString('hex');

  const describeWrite = (path: string) => h.client.sendRequest('secretRefs/describeWrite', { vaultUri, engine: MOUNT, path }) as Promise<DescribeWriteResult>;
  const writeSecret = (path: string, value: string, cas: number | string) =>
    h.client.sendRequest('secretRefs/writeSecret', {
      vaultUri,
      engine: MOUNT,
      path,
      sealedData: seal(sessionKey, JSON.stringify({ value }), writeBinding(vaultUri, MOUNT, path)),
      cas,
    }) as Promise<WriteSecretResult>;

  /** One writer as the client does it: describe, then write its own value with cas = the version it saw. */
  async function writer(path: string, i: number, tag: string, afterDescribe?: () => Promise<void>): Promise<Outcome> {
    const value = `${tag}-${run}-writer-${i}`;
    const description = await describeWrite(path);
    assert.equal(description.error, undefined, `writer ${i}: ${description.error}`);
    assert.equal(typeof description.currentVersion, 'number');
    await afterDescribe?.();
    const cas = description.currentVersion as number;
    return { writer: i, value, cas, result: await writeSecret(path, value, cas) };
  }

  /** The invariants every round of writers must keep, checked against the fake's store. */
  async function checkRound(path: string, initialVersion: number, initialValues: unknown[], outcomes: Outcome[]) {
    const successes = outcomes.filter((o) => o.result.ok);
    const conflicts = outcomes.filter((o) => !o.result.ok);
    for (const o of conflicts) {
      assert.ok(!o.result.ok && o.result.reason === 'cas-conflict', `writer ${o.writer} failed other than by a conflict: ${JSON.stringify(o.result)}`);
      assert.match(!o.result.ok ? o.result.message : '', /changed since the version last seen \(HTTP 400\)/);
    }
    assert.equal(successes.length + conflicts.length, WRITERS);
    assert.ok(successes.length >= 1, 'someone wins');

    const final = await currentVersion(fake, path);
    assert.equal(final, initialVersion + successes.length, 'one new version per successful write, none for a conflict');
    const stored = storedVersions(fake, path, final + 10);
    assert.deepEqual([...stored.keys()], Array.from({ length: final }, (_, k) => k + 1), 'versions 1..final, nothing beyond');
    for (let n = 1; n <= initialVersion; n++) assert.deepEqual(stored.get(n), initialValues[n - 1], `version ${n} is untouched`);

    const storedValues = [...stored.values()].map((d) => d.value);
    const reported = new Set<number | string>();
    for (const o of successes) {
      const version = o.result.ok ? o.result.version : -1;
      assert.equal(storedValues.filter((v) => v === o.value).length, 1, `writer ${o.writer}'s value is in exactly one version`);
      assert.deepEqual(stored.get(version as number), { value: o.value }, `writer ${o.writer} was told version ${String(version)}, which holds its value`);
      assert.ok(typeof version === 'number' && version > initialVersion && version <= final);
      assert.ok(!reported.has(version), `version ${String(version)} reported twice`);
      reported.add(version);
      // A write succeeds only on top of the version it saw.
      assert.equal(version, o.cas + 1, `writer ${o.writer} saw version ${o.cas} and created ${String(version)}`);
    }
    for (const o of conflicts) assert.ok(!storedValues.includes(o.value), `writer ${o.writer}'s value was stored although its write was reported as a conflict`);
    return { successes: successes.length, conflicts: conflicts.length, final };
  }

  before(async () => {
    fake = await FakeVault.start();
    fake.mountKv(MOUNT, 2);
    // Real Vault keeps 10 versions by default; keep them all so every write can be read back.
    fake.setKvConfig(MOUNT, { maxVersions: 1000 });
    fake.addToken(TOKEN, { ttlSeconds: 3600, policies: [{ path: `${MOUNT}/*`, capabilities: ['create', 'read', 'update', 'list'] }] });
    folder = makeFolder({ 'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fake.address}\nengines:\n  ${MOUNT}: { type: kv, version: 2 }\n` });
    vaultUri = folder.file('prod.vault.yaml');
    // Started by the VS Code client (a session key): the token comes from the client, sealed.
    h = await startHarness({ folders: [folder.uri], env: { SECRETREFS_SESSION_KEY: sessionKey }, onCredential: editorCredentials(sessionKey, () => ({ kind: 'token', token: TOKEN })) });
  });

  after(async () => {
    await h?.dispose();
    await fake?.stop();
    folder?.dispose();
  });

  it('FakeVault has Vault\'s check-and-set: cas=0 only when absent, a mismatch is 400 with Vault\'s message', async () => {
    const path = `cas-semantics-${run}`;
    const mismatch = { status: 400, body: { errors: ['check-and-set parameter did not match the current version'] } };
    assert.deepEqual(await vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { a: '1' }, options: { cas: 1 } }), mismatch, 'cas=1 on a missing secret');
    const created = await vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { a: '1' }, options: { cas: 0 } });
    assert.equal(created.status, 200);
    assert.equal(created.body.data.version, 1);
    assert.deepEqual(await vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { a: '2' }, options: { cas: 0 } }), mismatch, 'cas=0 once it exists');
    assert.deepEqual(await vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { a: '2' }, options: { cas: 2 } }), mismatch, 'cas ahead of the current version');
    const second = await vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { a: '2' }, options: { cas: 1 } });
    assert.equal(second.status, 200);
    assert.equal(second.body.data.version, 2);
    assert.deepEqual(await vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { a: '3' }, options: { cas: 1 } }), mismatch, 'a stale cas');
    // Without options.cas a write is unconditional, unless cas_required is set.
    assert.equal((await vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { a: '3' } })).status, 200);
    fake.setCasRequired(MOUNT, path, true);
    assert.deepEqual(await vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { a: '4' } }), {
      status: 400,
      body: { errors: ['check-and-set parameter required for this call'] },
    });
    // Soft-deleting every version leaves the key (current_version stays): cas=0 still fails.
    fake.deleteVersion(MOUNT, path, [1, 2, 3]);
    assert.deepEqual(await vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { a: '4' }, options: { cas: 0 } }), mismatch, 'cas=0 after soft deletes');
    // Deleting the metadata removes the key: cas=0 creates it again as version 1.
    assert.equal((await vaultHttp(fake, 'DELETE', `${MOUNT}/metadata/${path}`)).status, 204);
    const recreated = await vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { a: '5' }, options: { cas: 0 } });
    assert.equal(recreated.status, 200);
    assert.equal(recreated.body.data.version, 1);
    // The fake's check and increment are atomic: of 50 simultaneous raw writes with the same cas, one wins.
    const raced = await Promise.all(Array.from({ length: WRITERS }, (_, i) => vaultHttp(fake, 'POST', `${MOUNT}/data/${path}`, { data: { i: String(i) }, options: { cas: 1 } })));
    assert.equal(raced.filter((r) => r.status === 200).length, 1);
    assert.equal(raced.filter((r) => r.status === 400 && r.body.errors[0] === mismatch.body.errors[0]).length, WRITERS - 1);
    assert.equal(await currentVersion(fake, path), 2);
  });

  it('50 writers who all saw the same version: exactly one write lands, 49 are check-and-set conflicts', async () => {
    const path = `lockstep-${run}`;
    const initial = [{ value: 'initial-1' }, { value: 'initial-2' }, { value: 'initial-3' }];
    for (const data of initial) fake.putSecret(MOUNT, path, data);
    const allDescribed = barrier(WRITERS);
    const outcomes = await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(path, i, 'lockstep', allDescribed)));
    assert.ok(outcomes.every((o) => o.cas === initial.length), 'everyone saw the current version');
    const figures = await checkRound(path, initial.length, initial, outcomes);
    assert.deepEqual(figures, { successes: 1, conflicts: WRITERS - 1, final: initial.length + 1 });
    report('lockstep', figures);
  });

  it('50 free-running writers: every lost update is a conflict, every success is stored exactly once', async () => {
    const path = `free-${run}`;
    const initial = [{ value: 'initial-1' }];
    fake.putSecret(MOUNT, path, initial[0]!);
    const outcomes = await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(path, i, 'free')));
    report('free-running', await checkRound(path, initial.length, initial, outcomes));
  });

  it('50 writers creating the same new secret (cas=0): one creates version 1, the others conflict', async () => {
    const path = `create-${run}`;
    const allDescribed = barrier(WRITERS);
    const outcomes = await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(path, i, 'create', allDescribed)));
    assert.ok(outcomes.every((o) => o.cas === 0));
    const figures = await checkRound(path, 0, [], outcomes);
    assert.deepEqual(figures, { successes: 1, conflicts: WRITERS - 1, final: 1 });
    report('create', figures);
  });

  it('50 writers that re-describe and retry on conflict: 50 new versions, one per writer', async () => {
    const path = `retry-${run}`;
    const initial = [{ value: 'initial-1' }, { value: 'initial-2' }];
    for (const data of initial) fake.putSecret(MOUNT, path, data);
    let attempts = 0;
    let conflicts = 0;
    // Each conflict of a writer needs another writer's success inside its describe→write window,
    // and those windows do not overlap: no writer can need more than WRITERS attempts.
    const maxAttempts = WRITERS;
    const outcomes = await Promise.all(
      Array.from({ length: WRITERS }, async (_, i) => {
        for (let attempt = 1; attempt <= maxAttempts; attempt++) {
          attempts++;
          const outcome = await writer(path, i, 'retry');
          if (outcome.result.ok) return outcome;
          assert.equal(outcome.result.reason, 'cas-conflict', `writer ${i}: ${JSON.stringify(outcome.result)}`);
          conflicts++;
          // A growing random pause, as people reloading would take, bounds the run; contention stays.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(400, 25 * attempt)));
        }
        throw new Error(`writer ${i} never got through in ${maxAttempts} attempts`);
      }),
    );
    const figures = await checkRound(path, initial.length, initial, outcomes);
    assert.equal(figures.successes, WRITERS);
    assert.equal(figures.final, initial.length + WRITERS);
    const stored = storedVersions(fake, path, figures.final);
    const writersByVersion = [...stored.entries()].filter(([n]) => n > initial.length).map(([, d]) => d.value);
    assert.deepEqual(new Set(writersByVersion).size, WRITERS, 'each new version holds a different writer\'s value');
    assert.equal(attempts, WRITERS + conflicts);
    report('retry', { ...figures, attempts, conflicts });
  });

  it('describeWrite reads the version afresh, even after hovers and diagnostics cached the secret', async () => {
    const path = `cached-${run}`;
    fake.putSecret(MOUNT, path, { value: 'v1' });
    const uri = folder.file('c.connection.yaml');
    h.open(uri, `name: c\nvault_secrets:\n  - vault: prod\n    engine: ${MOUNT}\n    path: data/${path}\nvalue:\n  p: vault.secret(value)\n`);
    await h.waitForDiagnostics(uri, (d) => d.length === 0, 8000);
    await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 20 } });
    assert.equal((await describeWrite(path)).currentVersion, 1);
    fake.putSecret(MOUNT, path, { value: 'someone else' }); // another writer, outside this editor
    const seen = await describeWrite(path);
    assert.equal(seen.currentVersion, 2);
    const stale = await writeSecret(path, 'mine', 1);
    assert.equal(!stale.ok && stale.reason, 'cas-conflict');
    assert.deepEqual(await writeSecret(path, 'mine', seen.currentVersion), { ok: true, version: 3 });
    assert.deepEqual(fake.readSecret(MOUNT, path), { value: 'mine' });
    h.close(uri);
  });
});

/**
 * The cloud providers have no atomic check-and-set (see their write()): concurrent writers there
 * can lose updates by design. What must hold is the sequential case: a writer whose version is
 * stale when it writes gets a conflict, not a silent overwrite.
 */
describe('a stale writer through Write Secret on the cloud providers', { timeout: 30_000 }, () => {
  const sessionKey = newSessionKey();
  const AZ_TOKEN = 'azure-race-token';
  let aws: AwsFake;
  let azure: AzureFake;
  let gcp: GcpFake;
  let h: Harness;
  let folder: ReturnType<typeof makeFolder>;

  before(async () => {
    aws = await AwsFake.start({ region: 'eu-west-1' });
    aws.createSecret('app/db', { value: 'v1' });
    azure = await AzureFake.start();
    azure.addToken(AZ_TOKEN);
    azure.setSecret('db', JSON.stringify({ value: 'v1' }));
    gcp = await GcpFake.start();
    const sa = gcp.createServiceAccount();
    gcp.createSecret('db');
    gcp.addVersion('db', { value: 'v1' });
    folder = makeFolder({
      'pay.vault.yaml': `name: pay\nprovider: aws\nregion: eu-west-1\nendpoint: ${aws.address}\n`,
      'az.vault.yaml': `name: az\nprovider: azure\nvault_url: ${azure.url}\n`,
      'g.vault.yaml': `name: g\nprovider: gcp\nproject: ${gcp.projectId}\nendpoint: http://${gcp.endpoint}\n`,
    });
    h = await startHarness({
      folders: [folder.uri],
      env: { SECRETREFS_SESSION_KEY: sessionKey },
      providerTesting: { azure: { allowInsecureConnection: true, disableChallengeResourceVerification: true }, gcp: { protocol: 'http' } },
      onCredential: (params) => {
        const p = params as CredentialParams;
        const credential: Credential =
          p.provider === 'aws'
            ? { kind: 'aws-keys', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'race-secret-key' }
            : p.provider === 'azure'
              ? { kind: 'azure-token', token: AZ_TOKEN }
              : { kind: 'gcp-service-account', json: sa.json };
        return { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(p.vault, p.provider, p.address)) };
      },
    });
  });

  after(async () => {
    await h?.dispose();
    await Promise.all([aws?.stop(), azure?.stop(), gcp?.stop()]);
    folder?.dispose();
  });

  async function staleWrite(vaultFile: string, path: string, someoneElse: () => void): Promise<{ seen: DescribeWriteResult; stale: WriteSecretResult; fresh: WriteSecretResult }> {
    const vaultUri = folder.file(vaultFile);
    const sealed = (value: string) => seal(sessionKey, JSON.stringify({ value }), writeBinding(vaultUri, undefined, path));
    const seen = (await h.client.sendRequest('secretRefs/describeWrite', { vaultUri, path })) as DescribeWriteResult;
    assert.equal(seen.error, undefined, seen.error);
    someoneElse();
    const stale = (await h.client.sendRequest('secretRefs/writeSecret', { vaultUri, path, sealedData: sealed('mine'), cas: seen.currentVersion })) as WriteSecretResult;
    const again = (await h.client.sendRequest('secretRefs/describeWrite', { vaultUri, path })) as DescribeWriteResult;
    const fresh = (await h.client.sendRequest('secretRefs/writeSecret', { vaultUri, path, sealedData: sealed('mine, after reloading'), cas: again.currentVersion })) as WriteSecretResult;
    return { seen, stale, fresh };
  }

  it('AWS: the VersionId the writer saw is checked; a newer AWSCURRENT is a conflict', async () => {
    const { seen, stale, fresh } = await staleWrite('pay.vault.yaml', 'app/db', () => void aws.putValue('app/db', { value: 'someone else' }));
    assert.equal(typeof seen.currentVersion, 'string');
    assert.equal(!stale.ok && stale.reason, 'cas-conflict', JSON.stringify(stale));
    assert.ok(fresh.ok, JSON.stringify(fresh));
    const record = aws.secret('app/db');
    const values = [...record.versions.values()].map((v) => JSON.parse(v.secretString!).value);
    assert.deepEqual(values, ['v1', 'someone else', 'mine, after reloading']);
    assert.equal(record.stages.get('AWSCURRENT'), fresh.ok ? fresh.version : undefined);
  });

  it('Azure: the version id the writer saw is checked; a newer version is a conflict', async () => {
    const { seen, stale, fresh } = await staleWrite('az.vault.yaml', 'db', () => void azure.setSecret('db', JSON.stringify({ value: 'someone else' })));
    assert.equal(typeof seen.currentVersion, 'string');
    assert.equal(!stale.ok && stale.reason, 'cas-conflict', JSON.stringify(stale));
    assert.ok(fresh.ok, JSON.stringify(fresh));
    assert.deepEqual(azure.versions('db').map((v) => JSON.parse(azure.readSecret('db', v)!).value), ['v1', 'someone else', 'mine, after reloading']);
  });

  it('GCP: the version number the writer saw is checked; a newer version is a conflict', async () => {
    const { seen, stale, fresh } = await staleWrite('g.vault.yaml', 'db', () => void gcp.addVersion('db', { value: 'someone else' }));
    assert.equal(seen.currentVersion, 1);
    assert.equal(!stale.ok && stale.reason, 'cas-conflict', JSON.stringify(stale));
    assert.deepEqual(fresh, { ok: true, version: 3 });
    assert.deepEqual([1, 2, 3].map((n) => JSON.parse(gcp.readVersion('db', n)!).value), ['v1', 'someone else', 'mine, after reloading']);
  });
});

function report(what: string, figures: Record<string, number>): void {
  // Shown by the spec reporter as a diagnostic line of this file.
  process.stdout.write(`# write races (${what}): ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
}
