import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol';
import type { CredentialParams, Credential, WriteSecretResult } from '../../shared/src/customMessages';
import { credentialBinding, newSessionKey, seal, writeBinding } from '../../shared/src/sealing';
import { AwsFake } from '../fakes/awsFake';
import { AzureFake } from '../fakes/azureFake';
import { GcpFake } from '../fakes/gcpFake';
import type { ServiceAccount } from '../fakes/gcp/credentials';
import { codes, makeFolder, startHarness, type Harness } from '../helpers/lspHarness';

const SECRET_KEY = 'CANARY-aws-secret-key-3391';
const VALUE = 'CANARY-aws-value-7710';

describe('live AWS Secrets Manager over the language server', () => {
  let fake: AwsFake;
  let h: Harness;
  let folder: ReturnType<typeof makeFolder>;
  const sessionKey = newSessionKey();
  const asked: CredentialParams[] = [];
  let n = 0;
  const next = () => folder.file(`a${++n}.connection.yaml`);
  const attach = (secret: string, extra = '') => `name: c\nvault_secrets:\n  - vault: pay\n    secret: ${secret}\n${extra}value:\n`;

  before(async () => {
    fake = await AwsFake.start({ region: 'eu-west-1' });
    fake.createSecret('api/json', { token: VALUE, user: 'svc' }, { description: 'Payments API', tags: { owner: 'payments' } });
    fake.createSecret('api/plain', VALUE);
    fake.createSecret('api/old', { token: VALUE });
    fake.scheduleDeletion('api/old', new Date('2026-12-24T00:00:00Z'));
    folder = makeFolder({ 'pay.vault.yaml': `name: pay\nprovider: aws\nregion: eu-west-1\nendpoint: ${fake.address}\n` });
    h = await startHarness({
      folders: [folder.uri],
      env: { SECRETREFS_SESSION_KEY: sessionKey },
      onCredential: (params) => {
        const p = params as CredentialParams;
        asked.push(p);
        const credential: Credential = { kind: 'aws-keys', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET_KEY };
        return { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(p.vault, p.provider, p.address)) };
      },
    });
  });

  after(async () => {
    await h.dispose();
    await fake.stop();
    folder.dispose();
  });

  async function diagnose(text: string, predicate: (c: string[]) => boolean): Promise<string[]> {
    const uri = next();
    h.open(uri, text);
    return codes(await h.waitForDiagnostics(uri, (d) => predicate(codes(d)), 10_000));
  }

  it('gets the credential sealed from the editor and checks keys of a JSON secret', async () => {
    assert.deepEqual(await diagnose(`${attach('api/json')}  t: vault.secret(tokn)\n`, (c) => c.length > 0), ['unknown-key']);
    assert.equal(asked[0]?.provider, 'aws');
  });

  it('reports secret-not-found, not-json and a secret scheduled for deletion', async () => {
    assert.deepEqual(await diagnose(`${attach('api/none')}  t: vault.secret(token)\n`, (c) => c.length > 0), ['secret-not-found']);
    assert.deepEqual(await diagnose(`${attach('api/plain')}  t: vault.secret(token)\n`, (c) => c.length > 0), ['not-json']);
    assert.deepEqual(await diagnose(`${attach('api/plain')}  t: vault.secret(*)\n`, () => true), []);
    const uri = next();
    h.open(uri, `${attach('api/old')}  t: vault.secret(token)\n`);
    const deleted = await h.waitForDiagnostics(uri, (d) => d.length > 0, 10_000);
    assert.deepEqual(codes(deleted), ['secret-disabled']);
    assert.match(deleted[0]!.message, /^`api\/old` is scheduled for deletion on 2026-/);
    assert.match(deleted[0]!.message, /restore it with `aws secretsmanager restore-secret --secret-id api\/old`/i);
  });

  it('Write Secret to a secret scheduled for deletion: not written, with the restore command', async () => {
    const vaultUri = folder.file('pay.vault.yaml');
    const sealedData = seal(sessionKey, JSON.stringify({ token: 'new' }), writeBinding(vaultUri, undefined, 'api/old'));
    const cas = fake.versionsOf('api/old').find((v) => v.stages.includes('AWSCURRENT'))!.versionId;
    const result = (await h.client.sendRequest('secretRefs/writeSecret', { vaultUri, path: 'api/old', sealedData, cas })) as WriteSecretResult;
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.reason, 'invalid');
    assert.match(!result.ok ? result.message : '', /scheduled for deletion on .*aws secretsmanager restore-secret --secret-id api\/old/);
  });

  it('a secret scheduled for deletion is secret-disabled whatever text AWS sends with InvalidRequestException', async () => {
    fake.createSecret('api/going', { token: VALUE });
    fake.scheduleDeletion('api/going');
    fake.faults.set({ kind: 'status', status: 400, type: 'InvalidRequestException', message: "You tried to perform the operation on a secret that's currently marked deleted.", operation: 'GetSecretValue' });
    assert.deepEqual(await diagnose(`${attach('api/going')}  t: vault.secret(token)\n`, (c) => c.length > 0), ['secret-disabled']);
    fake.faults.clear();
  });

  it('reports a missing stage as version-not-found and permission-denied naming the action', async () => {
    assert.deepEqual(await diagnose(`${attach('api/json', '    version_stage: AWSPENDING\n')}  t: vault.secret(token)\n`, (c) => c.length > 0), ['version-not-found']);
    fake.deny('api/json', ['GetSecretValue']);
    await h.client.sendRequest('secretRefs/resetCache');
    const uri = next();
    h.open(uri, `${attach('api/json')}  t: vault.secret(token)\n`);
    const [d] = await h.waitForDiagnostics(uri, (x) => x.length > 0, 10_000);
    assert.equal(d!.code, 'permission-denied');
    assert.match(d!.message, /secretsmanager:GetSecretValue/);
  });

  it('hovers with description and tags, never the value or the key', async () => {
    const uri = next();
    h.open(uri, `${attach('api/plain')}  t: vault.secret(*)\n`);
    await h.waitForDiagnostics(uri, () => true, 10_000);
    const hover = (await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 10 } })) as Hover;
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /plain text \(not JSON\)/);
    const all = JSON.stringify([hover, [...h.diagnostics.values()], h.notifications]);
    assert.ok(!all.includes(VALUE) && !all.includes(SECRET_KEY));
  });
});

describe('live Azure Key Vault and GCP Secret Manager over the language server', () => {
  const sessionKey = newSessionKey();
  const AZ_TOKEN = 'CANARY-azure-token-6621';
  const GCP_VALUE = 'CANARY-gcp-value-9902';
  let azure: AzureFake;
  let gcp: GcpFake;
  let sa: ServiceAccount;
  let h: Harness;
  let folder: ReturnType<typeof makeFolder>;
  let n = 0;
  const next = () => folder.file(`z${++n}.connection.yaml`);
  const attach = (vault: string, secret: string, extra = '') => `name: c\nvault_secrets:\n  - vault: ${vault}\n    secret: ${secret}\n${extra}value:\n`;

  before(async () => {
    azure = await AzureFake.start();
    azure.addToken(AZ_TOKEN);
    azure.setSecret('db', JSON.stringify({ password: GCP_VALUE, user: 'app' }));
    azure.setSecret('off', 'x', { enabled: false });
    azure.setSecret('soon', JSON.stringify({ k: 'v' }), { expiresOn: new Date(Date.now() + 3 * 24 * 3600 * 1000) });
    gcp = await GcpFake.start();
    sa = gcp.createServiceAccount();
    gcp.createSecret('api');
    gcp.addVersion('api', { token: GCP_VALUE });
    gcp.createSecret('plain');
    gcp.addVersion('plain', GCP_VALUE);
    folder = makeFolder({
      'az.vault.yaml': `name: az\nprovider: azure\nvault_url: ${azure.url}\n`,
      'g.vault.yaml': `name: g\nprovider: gcp\nproject: ${gcp.projectId}\nendpoint: http://${gcp.endpoint}\n`,
    });
    h = await startHarness({
      folders: [folder.uri],
      env: { SECRETREFS_SESSION_KEY: sessionKey },
      providerTesting: { azure: { allowInsecureConnection: true, disableChallengeResourceVerification: true }, gcp: { protocol: 'http' } },
      onCredential: (params) => {
        const p = params as CredentialParams;
        const credential: Credential = p.provider === 'azure' ? { kind: 'azure-token', token: AZ_TOKEN } : { kind: 'gcp-service-account', json: sa.json };
        return { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(p.vault, p.provider, p.address)) };
      },
    });
  });

  after(async () => {
    await h.dispose();
    await azure.stop();
    await gcp.stop();
    folder.dispose();
  });

  async function diagnose(text: string, predicate: (c: string[]) => boolean): Promise<string[]> {
    const uri = next();
    h.open(uri, text);
    return codes(await h.waitForDiagnostics(uri, (d) => predicate(codes(d)), 10_000));
  }

  it('Azure: unknown-key, secret-not-found, secret-disabled, secret-expiring', async () => {
    assert.deepEqual(await diagnose(`${attach('az', 'db')}  p: vault.secret(pasword)\n`, (c) => c.length > 0), ['unknown-key']);
    assert.deepEqual(await diagnose(`${attach('az', 'none')}  p: vault.secret(k)\n`, (c) => c.length > 0), ['secret-not-found']);
    assert.deepEqual(await diagnose(`${attach('az', 'off')}  p: vault.secret(*)\n`, (c) => c.length > 0), ['secret-disabled']);
    assert.deepEqual(await diagnose(`${attach('az', 'soon')}  p: vault.secret(k)\n`, (c) => c.length > 0), ['secret-expiring']);
  });

  it('GCP: unknown-key, not-json, version-not-found, permission-denied naming the permission', async () => {
    assert.deepEqual(await diagnose(`${attach('g', 'api')}  p: vault.secret(tokn)\n`, (c) => c.length > 0), ['unknown-key']);
    assert.deepEqual(await diagnose(`${attach('g', 'plain')}  p: vault.secret(k)\n`, (c) => c.length > 0), ['not-json']);
    assert.deepEqual(await diagnose(`${attach('g', 'api', '    version: 7\n')}  p: vault.secret(token)\n`, (c) => c.length > 0), ['version-not-found']);
    gcp.deny('secretmanager.versions.access', { secret: 'plain' });
    await h.client.sendRequest('secretRefs/resetCache');
    const uri = next();
    h.open(uri, `${attach('g', 'plain')}  p: vault.secret(*)\n`);
    const [d] = await h.waitForDiagnostics(uri, (x) => x.length > 0, 10_000);
    assert.equal(d!.code, 'permission-denied');
    assert.match(d!.message, /secretmanager\.versions\.access/);
  });

  it('shows no value and no credential anywhere', () => {
    const all = JSON.stringify([[...h.diagnostics.values()], h.notifications]);
    for (const canary of [AZ_TOKEN, GCP_VALUE]) assert.ok(!all.includes(canary), canary);
    assert.ok(!all.includes(JSON.parse(sa.json).private_key as string));
  });
});

describe('live completion of cloud secret names', () => {
  it('lists every AWS secret name across pages after `secret:`', async () => {
    const fake = await AwsFake.start({ region: 'eu-west-1', pageSize: 3 } as Parameters<typeof AwsFake.start>[0]);
    for (let i = 0; i < 8; i++) fake.createSecret(`svc/s${i}`, { k: 'v' });
    const folder = makeFolder({ 'pay.vault.yaml': `name: pay\nprovider: aws\nregion: eu-west-1\nendpoint: ${fake.address}\n` });
    const sessionKey = newSessionKey();
    const h = await startHarness({
      folders: [folder.uri],
      env: { SECRETREFS_SESSION_KEY: sessionKey },
      liveBudgetMs: 3000,
      onCredential: (params) => {
        const p = params as CredentialParams;
        return { sealed: seal(sessionKey, JSON.stringify({ kind: 'aws-keys', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }), credentialBinding(p.vault, p.provider, p.address)) };
      },
    });
    try {
      const uri = folder.file('c.connection.yaml');
      h.open(uri, 'name: c\nvault_secrets:\n  - vault: pay\n    secret: \nvalue:\n  a: vault.secret(*)\n');
      await h.waitForDiagnostics(uri, () => true, 10_000);
      const list = (await h.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 12 } })) as { items: { label: string }[] };
      assert.deepEqual(list.items.map((i) => i.label).sort(), Array.from({ length: 8 }, (_, i) => `svc/s${i}`));
    } finally {
      await h.dispose();
      await fake.stop();
      folder.dispose();
    }
  });
});

describe('live Azure Key Vault: a vault the Azure SDK refuses', () => {
  it('says why (the vault host is outside the domain its challenge names) and how to fix vault_url', async () => {
    const TOKEN = 'CANARY-azure-token-3317';
    const azure = await AzureFake.start();
    azure.addToken(TOKEN);
    azure.setSecret('db', JSON.stringify({ password: 'x' }));
    const folder = makeFolder({ 'az.vault.yaml': `name: az\nprovider: azure\nvault_url: ${azure.url}\n` });
    const sessionKey = newSessionKey();
    const h = await startHarness({
      folders: [folder.uri],
      env: { SECRETREFS_SESSION_KEY: sessionKey },
      // Challenge verification stays on, as in production.
      providerTesting: { azure: { allowInsecureConnection: true } },
      onCredential: (params) => {
        const p = params as CredentialParams;
        return { sealed: seal(sessionKey, JSON.stringify({ kind: 'azure-token', token: TOKEN }), credentialBinding(p.vault, p.provider, p.address)) };
      },
    });
    try {
      const uri = folder.file('c.connection.yaml');
      h.open(uri, 'name: c\nvault_secrets:\n  - vault: az\n    secret: db\nvalue:\n  p: vault.secret(password)\n');
      const [d] = await h.waitForDiagnostics(uri, (x) => x.length > 0, 10_000);
      assert.equal(d!.code, 'vault-unreachable');
      assert.match(d!.message, /could not be checked: the Azure SDK sends a token only to a host under the domain the vault's 401 challenge names \(vault\.azure\.net\)/);
      assert.match(d!.message, /Set vault_url to the vault's own address, https:\/\/<name>\.vault\.azure\.net/);
      assert.doesNotMatch(d!.message, /not the JSON Key Vault sends/);
      assert.ok(!JSON.stringify([...h.diagnostics.values()]).includes(TOKEN));
    } finally {
      await h.dispose();
      await azure.stop();
      folder.dispose();
    }
  });
});
