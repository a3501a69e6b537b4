/**
 * The VS Code client's side of credential trust, with the fakes of test/client: what a
 * `secretRefs/credential` request must look like, what the prompt shows, when it asks again,
 * which environment credentials it offers and how stored credentials move to their origin's key.
 * (The same flows in front of the real server and a loopback attacker: test/security/credentialTrust.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tlsIdentity, type TlsSettings } from '../../shared/src/addresses';
import { credentialRequest, type Credential, type CredentialParams, type CredentialResult } from '../../shared/src/customMessages';
import { credentialBinding, unseal } from '../../shared/src/sealing';
import { credentialKey } from '../../client/src/credentials';
import { storageKeys } from '../../client/src/constants';
import { serverEnv } from './fakes';
import { everythingButSecrets, started, vaults, type Started } from './helpers';

const TOKEN = 'hvs.CANARY-client-trust-token';
const origin = vaults.prod.address;
const prod: CredentialParams = { vault: 'prod', provider: 'hashicorp', address: origin, tls: { skipVerify: false }, auth: 'token' };

function open(s: Started, result: unknown, params: CredentialParams = prod): Credential | undefined {
  if (result === null) return undefined;
  const plain = unseal(s.h.lastClient.sessionKey, (result as CredentialResult).sealed, credentialBinding(params.vault, params.provider, params.address, tlsIdentity(params.tls)));
  return plain === undefined ? undefined : (JSON.parse(plain) as Credential);
}

const request = (s: Started, params: unknown) => s.h.lastClient.request(credentialRequest, params);
const approvals = (s: Started) => s.h.window.prompts.filter((p) => p.kind === 'message' && String(p.message).startsWith('Send the credential'));

async function signIn(s: Started): Promise<void> {
  s.h.window.answer('prod', 'Token', TOKEN);
  await s.run('secretRefs.signIn');
}

describe('credential requests name a parsed origin', () => {
  it('refuses an address that is not exactly an origin (text as written, user info, a path, no scheme) without asking or reading anything', async () => {
    const s = await started();
    await signIn(s);
    const reads = s.h.secrets.log.length;
    for (const address of ['https://vault.example.com:8200@evil.example', 'https://vault.example.com:8200/', 'https://vault.example.com:8200/v1', 'vault.example.com:8200', 'HTTPS://VAULT.EXAMPLE.COM:8200', '']) {
      assert.equal(await request(s, { ...prod, address }), null, address);
    }
    assert.equal(await request(s, { ...prod, tls: { skipVerify: 'no' } }), null, 'malformed TLS settings');
    assert.equal(await request(s, { ...prod, tls: { skipVerify: false, caSha256: 'not-a-hash' } }), null);
    assert.equal(s.h.secrets.log.length, reads);
    assert.equal(approvals(s).length, 0);
  });

  it('shows the origin with its host and port, and warns when it is http', async () => {
    const s = await started();
    await signIn(s);
    await request(s, prod);
    const https = approvals(s)[0]!;
    assert.equal(https.message, `Send the credential for vault "prod" to ${origin}?`);
    assert.match(String(https.options?.detail), /to https:\/\/vault\.example\.com:8200 \(host vault\.example\.com, port 8200\)\./);
    assert.doesNotMatch(String(https.options?.detail), /http, not https/);

    const http = await started(undefined, [{ ...vaults.prod, address: 'http://127.0.0.1:8200' }]);
    await signIn(http);
    await request(http, { ...prod, address: 'http://127.0.0.1:8200' });
    assert.match(String(approvals(http)[0]!.options?.detail), /Warning: this address uses http, not https\. The credential would cross the network unencrypted/);
  });
});

describe('what is approved: origin, TLS settings and source', () => {
  const ca = (hash: string): TlsSettings => ({ skipVerify: false, caSha256: hash.repeat(64 / hash.length), caFile: 'certs/ca.pem' });

  it('asks again when verification is turned off or another CA is named, and binds the sealed credential to the TLS settings', async () => {
    const s = await started();
    await signIn(s);
    const withCa = { ...prod, tls: ca('a') };
    s.h.window.answer('Allow');
    assert.deepEqual(open(s, await request(s, withCa), withCa), { kind: 'token', token: TOKEN });
    assert.match(String(approvals(s)[0]!.options?.detail), /checked against the CA certificate certs\/ca\.pem \(SHA-256 aaaaaaaaaaaaaaaa…\)/);
    // Approved: asked no more for these settings.
    await request(s, withCa);
    assert.equal(approvals(s).length, 1);

    const skip = { ...prod, tls: { ...ca('a'), skipVerify: true } };
    assert.equal(await request(s, skip), null, 'refused (no answer)');
    assert.equal(approvals(s).length, 2);
    assert.match(String(approvals(s)[1]!.options?.detail), /TLS certificate verification is off for this vault \(tls_skip_verify: true\)/);

    const otherCa = { ...prod, tls: ca('b') };
    s.h.window.answer('Allow');
    const sealed = await request(s, otherCa);
    assert.equal(approvals(s).length, 3, 'another CA content is another question');
    assert.deepEqual(open(s, sealed, otherCa), { kind: 'token', token: TOKEN });
    assert.equal(open(s, sealed, withCa), undefined, 'sealed for one CA, it does not open for another');
  });

  it('a refusal holds for every source of that vault, origin and TLS settings until the next Sign In', async () => {
    const s = await started((h) => {
      h.deps.processEnv = { ...serverEnv, VAULT_TOKEN: 'hvs.CANARY-env-token' };
    });
    assert.equal(await request(s, prod), null);
    assert.equal(approvals(s)[0]!.message, `Send the credential for vault "prod" (VAULT_TOKEN from the environment) to ${origin}?`);
    await signIn(s);
    assert.equal(await request(s, prod), null, 'refused');
    assert.equal(approvals(s).length, 2);
    assert.equal(await request(s, prod), null);
    assert.equal(approvals(s).length, 2, 'not asked again');
    await signIn(s);
    s.h.window.answer('Allow');
    assert.deepEqual(open(s, await request(s, prod)), { kind: 'token', token: TOKEN }, 'the stored credential comes first');
  });

  it('an approved environment source does not approve the stored credential, nor the other way round', async () => {
    const s = await started((h) => {
      h.deps.processEnv = { ...serverEnv, VAULT_TOKEN: 'hvs.CANARY-env-token' };
    });
    s.h.window.answer('Allow');
    assert.deepEqual(open(s, await request(s, prod)), { kind: 'token', token: 'hvs.CANARY-env-token' });
    await signIn(s);
    assert.equal(await request(s, prod), null, 'the stored credential is another source: asked, refused');
    assert.equal(approvals(s).length, 2);
    assert.ok(!everythingButSecrets(s.h).includes('hvs.CANARY-env-token'), 'the environment token is never stored or shown');
  });
});

describe('credentials from the extension host\'s environment', () => {
  async function offered(env: NodeJS.ProcessEnv, params: CredentialParams, files: Record<string, string> = {}): Promise<{ credential: Credential | undefined; message: string | undefined }> {
    const s = await started((h) => {
      h.deps.processEnv = { ...serverEnv, ...env };
      for (const [file, text] of Object.entries(files)) h.userFiles.set(file, text);
    });
    s.h.window.answer('Allow');
    const credential = open(s, await request(s, params), params);
    return { credential, message: approvals(s)[0]?.message };
  }
  const aws: CredentialParams = { vault: 'payments', provider: 'aws', address: 'https://secretsmanager.eu-west-1.amazonaws.com' };

  it('HashiCorp Vault: VAULT_TOKEN, else ~/.vault-token; AppRole IDs for auth: approle', async () => {
    assert.deepEqual(await offered({ VAULT_TOKEN: 't1' }, prod), { credential: { kind: 'token', token: 't1' }, message: `Send the credential for vault "prod" (VAULT_TOKEN from the environment) to ${origin}?` });
    const fromFile = await offered({}, prod, { '/home/dev/.vault-token': 't2\n' });
    assert.deepEqual(fromFile.credential, { kind: 'token', token: 't2' });
    assert.match(fromFile.message!, /\(the token in ~\/\.vault-token\)/);
    const role = await offered({ VAULT_TOKEN: 't1', VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' }, { ...prod, auth: 'approle' });
    assert.deepEqual(role.credential, { kind: 'approle', roleId: 'r', secretId: 's' });
    assert.match(role.message!, /\(VAULT_ROLE_ID and VAULT_SECRET_ID from the environment\)/);
    assert.deepEqual(await offered({}, prod), { credential: undefined, message: undefined }, 'nothing to offer, nothing asked');
  });

  it('AWS: a profile (the vault\'s, else AWS_PROFILE) before the keys, as the SDK\'s default chain; else the default profile of the shared files', async () => {
    const keys = await offered({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'st' }, aws);
    assert.deepEqual(keys.credential, { kind: 'aws-keys', accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'st' });
    assert.match(keys.message!, /\(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment\)/);
    // A profile counts when the user's shared files define it (a name alone, from a repository's file, asks nothing).
    const profiles = { '/home/dev/.aws/config': '[profile corp]\nregion = eu-west-1\n[profile ci]\nregion = eu-west-1\n' };
    assert.deepEqual((await offered({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', AWS_PROFILE: 'corp' }, aws, profiles)).credential, { kind: 'aws-profile', profile: 'corp' });
    assert.deepEqual((await offered({ AWS_PROFILE: 'corp' }, { ...aws, profile: 'ci' }, profiles)).credential, { kind: 'aws-profile', profile: 'ci' });
    assert.deepEqual((await offered({}, aws, { '/home/dev/.aws/config': '[default]\n' })).credential, { kind: 'aws-profile', profile: 'default' });
    assert.deepEqual((await offered({}, aws)).credential, undefined);
  });

  it('Azure: the service principal of AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET', async () => {
    const params: CredentialParams = { vault: 'kv', provider: 'azure', address: vaults.azure.address };
    const sp = await offered({ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's', AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us' }, params);
    assert.deepEqual(sp.credential, { kind: 'azure-client-secret', tenantId: 't', clientId: 'c', clientSecret: 's', authorityHost: 'https://login.microsoftonline.us' });
    assert.deepEqual((await offered({ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c' }, params)).credential, undefined);
  });

  it('GCP: the Application Default Credentials file\'s JSON, not its path', async () => {
    const params: CredentialParams = { vault: 'gsm', provider: 'gcp', address: 'https://secretmanager.googleapis.com' };
    const json = JSON.stringify({ type: 'service_account', client_email: 'a@p.iam.gserviceaccount.com', private_key: 'k' });
    const named = await offered({ GOOGLE_APPLICATION_CREDENTIALS: '/keys/sa.json' }, params, { '/keys/sa.json': json });
    assert.deepEqual(named.credential, { kind: 'gcp-service-account', json });
    assert.match(named.message!, /Application Default Credentials in \/keys\/sa\.json \(GOOGLE_APPLICATION_CREDENTIALS\)/);
    const gcloud = JSON.stringify({ type: 'authorized_user', client_id: 'c', client_secret: 's', refresh_token: 'r' });
    assert.deepEqual((await offered({}, params, { '/home/dev/.config/gcloud/application_default_credentials.json': gcloud })).credential, { kind: 'gcp-service-account', json: gcloud });
    assert.deepEqual((await offered({ GOOGLE_APPLICATION_CREDENTIALS: '/keys/sa.json' }, params, { '/keys/sa.json': 'not json' })).credential, undefined);
  });

  it('the local vault: SECRETREFS_LOCAL_KEY, without asking (it sends nothing anywhere)', async () => {
    const s = await started((h) => {
      h.deps.processEnv = { ...serverEnv, SECRETREFS_LOCAL_KEY: 'a local passphrase' };
    });
    const params: CredentialParams = { vault: 'dev', provider: 'local', address: '' };
    assert.deepEqual(open(s, await request(s, params), params), { kind: 'local-key', key: 'a local passphrase' });
    assert.equal(approvals(s).length, 0);
  });
});

describe('stored credentials across the change to origin keys', () => {
  it('a credential stored under the address as written moves to its origin\'s key; one of another origin stays and is never sent', async () => {
    const written = { name: 'prod', provider: 'hashicorp', address: 'HTTPS://vault.example.com:8200/' };
    const elsewhere = { name: 'prod', provider: 'hashicorp', address: 'https://vault.corp.example.com:8200@evil.example' };
    const s = await started((h) => {
      h.secrets.data.set(credentialKey(elsewhere), JSON.stringify({ kind: 'token', token: 'hvs.CANARY-elsewhere' }));
      h.secrets.data.set(credentialKey(written), JSON.stringify({ kind: 'token', token: TOKEN }));
      h.globalState.data.set(storageKeys.credentialIndex, [credentialKey(elsewhere), credentialKey(written)]);
    });
    s.h.window.answer('Allow');
    assert.deepEqual(open(s, await request(s, prod)), { kind: 'token', token: TOKEN });
    const now = { name: 'prod', provider: 'hashicorp', address: origin };
    assert.equal(s.h.secrets.data.get(credentialKey(now)), JSON.stringify({ kind: 'token', token: TOKEN }));
    assert.equal(s.h.secrets.data.has(credentialKey(written)), false, 'the old key is gone');
    assert.ok(s.h.secrets.data.has(credentialKey(elsewhere)), 'a key of another origin is left alone');
    assert.deepEqual(s.h.globalState.data.get(storageKeys.credentialIndex), [credentialKey(elsewhere), credentialKey(now)]);
    // evil.example never gets the credential stored for the text that named it.
    assert.equal(await request(s, { ...prod, address: 'https://evil.example' }), null);
  });
});
