/**
 * No redirect is followed with a credential, by any cloud provider: a fake AWS Secrets Manager,
 * Key Vault (and its Entra token endpoint) and Secret Manager (and a token endpoint) answer
 * 301 / 302 / 307 / 308 to a loopback attacker on every operation the product uses, and the
 * attacker counts what reaches it: nothing (no request at all, so no header, signature, token,
 * client secret, assertion or written value). Each refusal is an `unreachable` error naming where
 * the redirect pointed.
 *
 * What each HTTP stack does on its own with a 3xx (and why the product now checks it itself):
 * - AWS: @smithy/node-http-handler sends one http(s).request and never follows (NodeHttpHandler#handle);
 *   the 3xx surfaced as an opaque error. The provider's BoundedHandler names it.
 * - Azure: @typespec/ts-http-runtime's redirectPolicy (under core-rest-pipeline) follows 300/301/302
 *   for GET/HEAD, 303 and 307 for any method, up to 20 times, same origin only by default, dropping
 *   Authorization (which the bearer policy adds again on the next attempt). The provider sets
 *   `redirectOptions.maxRetries = 0` on the vault and on the token clients and names the 3xx.
 * - GCP: gaxios 7 fetches with node-fetch 3, which follows up to 20 redirects and keeps the
 *   Authorization header when the target has the same host name (any port) or a subdomain
 *   (src/index.js, isDomainOrSubdomain), and re-sends a POST body on 307/308. The provider's
 *   transport sends with `redirect: 'manual'` and names the 3xx.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { AwsProvider } from '../../server/src/providers/aws';
import { AzureProvider, type AzureProviderOptions } from '../../server/src/providers/azure';
import { GcpProvider } from '../../server/src/providers/gcp';
import type { ProviderError } from '../../server/src/providers/secretProvider';
import { AwsFake, type Operation as AwsOperation } from '../fakes/awsFake';
import { AzureFake, type Operation as AzureOperation } from '../fakes/azureFake';
import { GcpFake, type GcpRpc, type ServiceAccount } from '../fakes/gcpFake';
import { generateSelfSignedCert } from '../fakes/vault/selfSignedCert';
import { clearEnv } from '../helpers/envIsolation';
import { NetworkGuard } from '../helpers/networkGuard';
import { providerError } from '../helpers/providerAssertions';
import { Attacker } from './attacker';

const CLOUD_ENV = /^(AWS_|AZURE_|GOOGLE_|GCLOUD_|CLOUDSDK_|GCE_|METADATA_SERVER_DETECTION$|HTTPS?_PROXY$|NO_PROXY$)/i;
const guard = new NetworkGuard();
const STATUSES = [301, 302, 307, 308] as const;

before(() => {
  clearEnv(CLOUD_ENV);
  guard.install();
});
after(() => {
  guard.uninstall();
  clearEnv(CLOUD_ENV);
  assert.deepEqual(guard.violations, [], 'no connection left the loopback interface');
});

/** The refusal: unreachable, naming the attacker's address, with no credential in it. */
function assertRefused(e: ProviderError, attacker: Attacker, status: number, canaries: string[]): void {
  assert.equal(e.kind, 'unreachable', e.message);
  assert.ok(e.message.includes(`redirect (HTTP ${status}) to ${attacker.url}/stolen`), e.message);
  assert.match(e.message, /not followed/);
  assert.equal(e.details.cause, `redirect (HTTP ${status}) to ${attacker.url}/stolen not followed`);
  const text = JSON.stringify({ m: e.message, d: e.details });
  for (const c of canaries) assert.ok(!text.includes(c), 'no credential in the error');
}

// ================================================================ AWS

describe('AWS Secrets Manager: a 3xx is not followed with a signed request', () => {
  const CREDS = {
    accessKeyId: 'AKIACANARYREDIRECT01',
    secretAccessKey: 'canary/secret/access/key/redirect/0001',
    sessionToken: 'canary-session-token-redirect-0001',
  };
  const VALUE = 'canary-written-value-aws-0001';
  let fake: AwsFake;
  let attacker: Attacker;
  let provider: AwsProvider;
  beforeEach(async () => {
    fake = await AwsFake.start();
    attacker = await Attacker.start({ canaries: [CREDS.accessKeyId, CREDS.secretAccessKey, CREDS.sessionToken, VALUE] });
    fake.createSecret('app/db', { user: 'scott', password: 'tiger' });
    provider = new AwsProvider({ vaultName: 'prod-aws', region: 'us-east-1', endpoint: fake.address, timeoutMs: 2000, credentials: CREDS });
  });
  afterEach(async () => {
    provider.dispose();
    await fake.stop();
    await attacker.stop();
  });

  const operations: Array<[string, AwsOperation, (p: AwsProvider) => Promise<unknown>]> = [
    ['read (GetSecretValue)', 'GetSecretValue', (p) => p.keys({ path: 'app/db' })],
    ['preview (GetSecretValue)', 'GetSecretValue', (p) => p.readValue({ path: 'app/db' })],
    ['describe (GetSecretValue)', 'GetSecretValue', (p) => p.describe({ path: 'app/db' })],
    [
      'describe (DescribeSecret, reported beside the keys)',
      'DescribeSecret',
      async (p) => {
        const r = await p.describe({ path: 'app/db' });
        throw r.metadataError ?? new Error('no metadata error');
      },
    ],
    ['metadata (DescribeSecret)', 'DescribeSecret', (p) => p.metadata({ path: 'app/db' })],
    ['list (ListSecrets)', 'ListSecrets', (p) => p.list(undefined, '')],
    ['versions (ListSecretVersionIds)', 'ListSecretVersionIds', (p) => p.versions({ path: 'app/db' })],
    ['write (PutSecretValue)', 'PutSecretValue', (p) => p.write({ path: 'app/db' }, { password: VALUE })],
  ];
  for (const [name, operation, run] of operations) {
    it(`${name}: 301, 302, 307 and 308 reach nothing`, async () => {
      for (const status of STATUSES) {
        fake.faults.set({ kind: 'redirect', status, location: `${attacker.url}/stolen?X-Amz-Credential=x`, operation });
        const e = await providerError(run(provider));
        assertRefused(e, attacker, status, Object.values(CREDS));
        assert.equal(fake.countRequests((r) => r.operation === operation && r.outcome === status), 1, 'the redirect was not retried');
        fake.resetCounts();
      }
      assert.equal(attacker.credentialsReceived(), 0);
      assert.deepEqual(attacker.requests, [], 'nothing reached the redirect target');
      fake.faults.clear();
      assert.deepEqual(await provider.keys({ path: 'app/db' }), ['user', 'password'], 'the provider works once the redirects stop');
    });
  }
});

// ================================================================ Azure

describe('Azure Key Vault: a 3xx is not followed with a bearer token or a client secret', () => {
  const TOKEN = 'canary-kv-bearer-token-redirect-0001';
  const CLIENT_SECRET = 'canary-client-secret-redirect-0001';
  const VALUE = 'canary-written-value-azure-0001';
  let fake: AzureFake;
  let attacker: Attacker;
  let provider: AzureProvider;
  beforeEach(async () => {
    fake = await AzureFake.start();
    fake.addToken(TOKEN);
    fake.setSecret('db', JSON.stringify({ user: 'u', password: 'p' }));
    attacker = await Attacker.start({ canaries: [TOKEN, CLIENT_SECRET, VALUE] });
    provider = new AzureProvider({
      vaultName: 'prod',
      vaultUrl: fake.url,
      timeoutMs: 2000,
      credential: { kind: 'access-token', token: TOKEN },
      testing: { allowInsecureConnection: true, disableChallengeResourceVerification: true },
    });
    // The 401 challenge is answered first, so every redirect below answers a request with the token.
    assert.deepEqual(await provider.keys({ path: 'db' }), ['user', 'password']);
  });
  afterEach(async () => {
    provider.dispose();
    await fake.stop();
    await attacker.stop();
  });

  const operations: Array<[string, AzureOperation, (p: AzureProvider) => Promise<unknown>]> = [
    ['read (get)', 'get', (p) => p.keys({ path: 'db' })],
    ['preview (get)', 'get', (p) => p.readValue({ path: 'db' })],
    ['describe (get)', 'get', (p) => p.describe({ path: 'db' })],
    ['describe (versions)', 'versions', (p) => p.describe({ path: 'db' })],
    ['metadata (versions)', 'versions', (p) => p.metadata({ path: 'db' })],
    ['list', 'list', (p) => p.list(undefined, '')],
    ['write (set)', 'set', (p) => p.write({ path: 'db' }, { password: VALUE })],
  ];
  for (const [name, operation, run] of operations) {
    it(`${name}: 301, 302, 307 and 308 reach nothing`, async () => {
      for (const status of STATUSES) {
        fake.faults.set({ kind: 'redirect', status, location: `${attacker.url}/stolen?sig=x`, operation });
        const e = await providerError(run(provider));
        assertRefused(e, attacker, status, [TOKEN, CLIENT_SECRET]);
        assert.ok(e.message.startsWith(`Key Vault "prod" (${fake.url}) answered with a redirect`), e.message);
        assert.equal(fake.countRequests((r) => r.operation === operation && r.outcome === status), 1, 'the redirect was not retried');
        fake.resetCounts();
      }
      assert.equal(attacker.credentialsReceived(), 0);
      assert.deepEqual(attacker.requests, [], 'nothing reached the redirect target');
    });
  }

  describe('Microsoft Entra ID (TLS fake as the authority host)', () => {
    const pair = generateSelfSignedCert();
    let tls: AzureFake;
    const made: AzureProvider[] = [];
    const makeTls = (): AzureProvider => {
      const credential: AzureProviderOptions['credential'] = {
        kind: 'client-secret',
        tenantId: tls.tenantId,
        clientId: 'app-1',
        clientSecret: CLIENT_SECRET,
        authorityHost: tls.authorityHost,
      };
      const p = new AzureProvider({
        vaultName: 'prod',
        vaultUrl: tls.url,
        timeoutMs: 2000,
        credential,
        testing: { disableChallengeResourceVerification: true, ...(pair ? { caCertificate: pair.cert } : {}) },
      });
      made.push(p);
      return p;
    };
    beforeEach(async () => {
      if (!pair) return;
      tls = await AzureFake.start({ tls: pair });
      tls.addClient('app-1', CLIENT_SECRET);
      tls.setSecret('db', JSON.stringify({ user: 'u' }));
    });
    afterEach(async () => {
      for (const p of made.splice(0)) p.dispose();
      if (pair) await tls.stop();
    });

    for (const operation of ['token', 'openid'] as const) {
      it(`a redirect of the ${operation === 'token' ? 'token request (POST with the client secret)' : 'authority metadata request'}: 301, 302, 307 and 308 reach nothing`, async (t) => {
        if (!pair) return t.skip('openssl not available');
        for (const status of STATUSES) {
          tls.faults.set({ kind: 'redirect', status, location: `${attacker.url}/stolen`, operation });
          const e = await providerError(makeTls().keys({ path: 'db' }));
          assertRefused(e, attacker, status, [CLIENT_SECRET]);
          assert.ok(e.message.startsWith(`Key Vault "prod": Microsoft Entra ID (${tls.url}) answered with a redirect`), e.message);
          tls.faults.clear();
        }
        assert.equal(attacker.credentialsReceived(), 0);
        assert.deepEqual(attacker.requests, [], 'nothing reached the redirect target');
        assert.deepEqual(await makeTls().keys({ path: 'db' }), ['user'], 'the credential works once the redirects stop');
      });
    }
  });
});

// ================================================================ GCP

describe('GCP Secret Manager: a 3xx is not followed with a JWT, a token request or a payload', () => {
  const VALUE = 'canary-written-value-gcp-0001';
  let fake: GcpFake;
  let sa: ServiceAccount;
  let attacker: Attacker;
  let provider: GcpProvider;
  /** The key's private key, by its body lines: what must never travel. */
  const keyCanaries = (json: string): string[] =>
    (JSON.parse(json) as { private_key: string }).private_key.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));
  beforeEach(async () => {
    fake = await GcpFake.start();
    sa = fake.createServiceAccount();
    fake.createSecret('app-db');
    fake.addVersion('app-db', { user: 'u', password: 'p' });
    attacker = await Attacker.start({ canaries: [...keyCanaries(sa.json), VALUE] });
    provider = new GcpProvider({
      vaultName: 'prod-gcp',
      project: fake.projectId,
      endpoint: fake.endpoint,
      timeoutMs: 2000,
      credential: { kind: 'service-account', json: sa.json },
      testing: { protocol: 'http' },
    });
  });
  afterEach(async () => {
    provider.dispose();
    await fake.stop();
    await attacker.stop();
  });

  const operations: Array<[string, GcpRpc, (p: GcpProvider) => Promise<unknown>]> = [
    ['read (accessSecretVersion)', 'accessSecretVersion', (p) => p.keys({ path: 'app-db' })],
    ['preview (accessSecretVersion)', 'accessSecretVersion', (p) => p.readValue({ path: 'app-db' })],
    ['describe (accessSecretVersion)', 'accessSecretVersion', (p) => p.describe({ path: 'app-db' })],
    ['metadata (getSecret)', 'getSecret', (p) => p.metadata({ path: 'app-db' })],
    ['metadata (listSecretVersions)', 'listSecretVersions', (p) => p.metadata({ path: 'app-db' })],
    ['list (listSecrets)', 'listSecrets', (p) => p.list(undefined, '')],
    ['versions (listSecretVersions)', 'listSecretVersions', (p) => p.listVersions('app-db')],
    ['write (addSecretVersion, a POST with the value)', 'addSecretVersion', (p) => p.write({ path: 'app-db' }, { password: VALUE })],
    ['capabilities (testIamPermissions)', 'testIamPermissions', (p) => p.capabilities('app-db')],
  ];
  for (const [name, rpc, run] of operations) {
    it(`${name}: 301, 302, 307 and 308 reach nothing`, async () => {
      for (const status of STATUSES) {
        fake.faults.set({ kind: 'redirect', status, location: `${attacker.url}/stolen?access_token=x`, rpc });
        const e = await providerError(run(provider));
        assertRefused(e, attacker, status, keyCanaries(sa.json));
        assert.ok(e.message.startsWith(`Vault "prod-gcp": Secret Manager (${fake.endpoint}) answered with a redirect`), e.message);
        fake.faults.clear();
      }
      assert.equal(attacker.credentialsReceived(), 0);
      assert.deepEqual(attacker.requests, [], 'nothing reached the redirect target');
      assert.deepEqual(await provider.keys({ path: 'app-db' }), ['user', 'password'], 'the provider works once the redirects stop');
    });
  }

  it('the token request of Application Default Credentials (an external account\'s STS exchange): 301, 302, 307 and 308 reach nothing', async () => {
    const SUBJECT_TOKEN = 'canary-subject-token-redirect-0001';
    const dir = mkdtempSync(join(tmpdir(), 'secretrefs-gcp-sts-'));
    const sts = await Attacker.start({ canaries: [SUBJECT_TOKEN] });
    try {
      writeFileSync(join(dir, 'subject-token'), SUBJECT_TOKEN);
      const adc = {
        type: 'external_account',
        audience: '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/pool/providers/ci',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `http://127.0.0.1:${fake.port}/token`,
        credential_source: { file: join(dir, 'subject-token') },
      };
      writeFileSync(join(dir, 'adc.json'), JSON.stringify(adc));
      process.env.GOOGLE_APPLICATION_CREDENTIALS = join(dir, 'adc.json');
      for (const status of STATUSES) {
        fake.faults.set({ kind: 'redirect', status, location: `${sts.url}/stolen`, rpc: 'token' });
        // Google's own endpoint: the access token would go there, after the exchange that fails here.
        const p = new GcpProvider({ vaultName: 'prod-gcp', project: fake.projectId, timeoutMs: 2000, credential: { kind: 'adc' } });
        try {
          const e = await providerError(p.keys({ path: 'app-db' }));
          assertRefused(e, sts, status, [SUBJECT_TOKEN]);
          assert.ok(e.message.startsWith(`Vault "prod-gcp": the Google token endpoint (http://127.0.0.1:${fake.port}) answered with a redirect`), e.message);
        } finally {
          p.dispose();
        }
        assert.ok(fake.countRequests((r) => r.rpc === 'token' && r.outcome === status) >= 1, 'the token endpoint was asked');
        fake.faults.clear();
      }
      assert.deepEqual(sts.canariesReceived(), []);
      assert.equal(sts.credentialsReceived(), 0);
      assert.deepEqual(sts.requests, [], 'nothing reached the redirect target');
    } finally {
      await sts.stop();
      delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
