/**
 * The AWS, Azure and GCP fakes on the wire, where they were found to answer differently from the
 * real services (each fake's comments name the source): raw HTTP requests, no SDK in between.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { AwsFake } from './awsFake';
import { AzureFake } from './azureFake';
import { GcpFake, type ServiceAccount } from './gcpFake';
import { signServiceAccountJwt } from './gcp/credentials';

const SIGV4 = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=00';

async function awsCall(fake: AwsFake, operation: string, body: unknown): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(fake.address, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `secretsmanager.${operation}`, Authorization: SIGV4 },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('AWS Secrets Manager fake on the wire', () => {
  let fake: AwsFake;
  before(async () => {
    fake = await AwsFake.start();
  });
  after(() => fake.stop());

  it('a modeled error is 400 with __type and Message (the member the Secrets Manager model gives it)', async () => {
    const r = await awsCall(fake, 'DescribeSecret', { SecretId: 'missing' });
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    assert.deepEqual(Object.keys(r.body).sort(), ['Message', '__type']);
    assert.equal(r.body.__type, 'ResourceNotFoundException');
  });

  it('DeletedDate is the date the secret is scheduled for deletion: by default 30 days ahead', async () => {
    fake.createSecret('going', { a: '1' });
    const before = Date.now();
    fake.scheduleDeletion('going');
    const r = await awsCall(fake, 'DescribeSecret', { SecretId: 'going' });
    const deleted = (r.body.DeletedDate as number) * 1000;
    const day = 24 * 3600 * 1000;
    assert.ok(deleted >= before + 30 * day - 1000 && deleted <= Date.now() + 30 * day + 1000, String(new Date(deleted)));
    const get = await awsCall(fake, 'GetSecretValue', { SecretId: 'going' });
    assert.equal(get.status, 400);
    assert.equal(get.body.__type, 'InvalidRequestException');
  });
});

describe('Azure Key Vault fake on the wire', () => {
  it("the 401 challenge names login.windows.net with the tenant, and the resource of the vault's cloud", async () => {
    const fake = await AzureFake.start({ tenantId: '00000000-0000-0000-0000-0000000000aa' });
    try {
      const res = await fetch(`${fake.url}/secrets/x?api-version=7.5`);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer authorization="https://login.windows.net/00000000-0000-0000-0000-0000000000aa", resource="https://vault.azure.net"');
      assert.deepEqual(await res.json(), { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } });
      fake.challengeResource = 'https://vault.azure.cn';
      const cn = await fetch(`${fake.url}/secrets/x?api-version=7.5`);
      assert.match(cn.headers.get('www-authenticate') ?? '', /resource="https:\/\/vault\.azure\.cn"$/);
    } finally {
      await fake.stop();
    }
  });
});

const jwt = signServiceAccountJwt;

describe('GCP Secret Manager fake on the wire', () => {
  let fake: GcpFake;
  let sa: ServiceAccount;
  const CLOUD = 'https://www.googleapis.com/auth/cloud-platform';
  before(async () => {
    fake = await GcpFake.start();
    sa = fake.createServiceAccount();
    fake.createSecret('s');
  });
  after(() => fake.stop());

  async function get(authorization?: string): Promise<{ status: number; error: { code: number; status: string; details?: Array<Record<string, unknown>> } }> {
    const res = await fetch(`http://${fake.endpoint}/v1/projects/${fake.projectId}/secrets/s`, { headers: authorization ? { authorization } : {} });
    return { status: res.status, error: ((await res.json()) as { error: { code: number; status: string } }).error };
  }
  const reason = (e: { details?: Array<Record<string, unknown>> }): unknown => e.details?.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo')?.reason;

  it('no credential: 401 UNAUTHENTICATED, ErrorInfo CREDENTIALS_MISSING', async () => {
    const r = await get();
    assert.deepEqual([r.status, r.error.status, reason(r.error)], [401, 'UNAUTHENTICATED', 'CREDENTIALS_MISSING']);
  });

  it('an unknown token: 401, ACCESS_TOKEN_TYPE_UNSUPPORTED; an expired one: 401, ACCESS_TOKEN_EXPIRED', async () => {
    const unknown = await get('Bearer not-a-token');
    assert.deepEqual([unknown.status, reason(unknown.error)], [401, 'ACCESS_TOKEN_TYPE_UNSUPPORTED']);
    const old = Math.floor(Date.now() / 1000) - 7200;
    const expired = await get(`Bearer ${jwt(sa, { scope: CLOUD, iat: old, exp: old + 3600 })}`);
    assert.deepEqual([expired.status, reason(expired.error)], [401, 'ACCESS_TOKEN_EXPIRED']);
  });

  it('a token without the cloud-platform scope: 403 PERMISSION_DENIED, ACCESS_TOKEN_SCOPE_INSUFFICIENT', async () => {
    const r = await get(`Bearer ${jwt(sa, { scope: 'https://www.googleapis.com/auth/userinfo.email' })}`);
    assert.deepEqual([r.status, r.error.status, reason(r.error)], [403, 'PERMISSION_DENIED', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT']);
    assert.equal((await get(`Bearer ${jwt(sa, { scope: CLOUD })}`)).status, 200);
  });

  it('the API disabled in the project: 403 SERVICE_DISABLED naming the service and the project number', async () => {
    fake.serviceEnabled = false;
    try {
      const r = await get(`Bearer ${jwt(sa, { scope: CLOUD })}`);
      assert.deepEqual([r.status, r.error.status, reason(r.error)], [403, 'PERMISSION_DENIED', 'SERVICE_DISABLED']);
      const info = r.error.details!.find((d) => d.reason === 'SERVICE_DISABLED')!;
      assert.equal(info.domain, 'googleapis.com');
      assert.deepEqual([(info.metadata as Record<string, string>).service, (info.metadata as Record<string, string>).consumer], ['secretmanager.googleapis.com', `projects/${fake.projectNumber}`]);
    } finally {
      fake.serviceEnabled = true;
    }
  });
});
