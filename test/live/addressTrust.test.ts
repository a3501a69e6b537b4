import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseAddress, tlsIdentity } from '../../shared/src/addresses';
import { credentialBinding, newSessionKey, seal, takeSessionKey, unseal } from '../../shared/src/sealing';
import { scrubCredentialVariables, serverEnvironment } from '../../shared/src/serverEnvironment';
import { AddressTrust, isProviderEndpoint, parseTrustedAddresses } from '../../server/src/live/addressTrust';
import { resolveTarget, vaultOrigin } from '../../server/src/live/vaultTarget';
import type { VaultFact } from '../../server/src/service/facts/facts';

function vault(provider: VaultFact['provider'], fields: Partial<VaultFact> & { endpoint?: string } = {}): VaultFact {
  const { endpoint, ...rest } = fields;
  return {
    name: 'v',
    provider,
    enabled: true,
    description: undefined,
    owner: undefined,
    address: undefined,
    region: undefined,
    project: undefined,
    namespace: undefined,
    engines: undefined,
    uri: 'file:///ws/v.vault.yaml',
    nameRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    connection: endpoint !== undefined ? { endpoint } : {},
    ...rest,
  };
}

describe('parsed addresses', () => {
  it('take the origin the request goes to, not the text as written', () => {
    const parsed = parseAddress('HTTPS://Vault.Example.com:443/v1/');
    assert.ok(parsed.ok);
    assert.equal(parsed.origin, 'https://vault.example.com');
    assert.equal(parsed.url, 'https://vault.example.com/v1');
    assert.equal(parsed.port, 443);
    const http = parseAddress('http://127.0.0.1:8200');
    assert.ok(http.ok && http.scheme === 'http' && http.port === 8200 && http.origin === 'http://127.0.0.1:8200');
    const v6 = parseAddress('https://[::1]:8200');
    assert.ok(v6.ok && v6.origin === 'https://[::1]:8200');
  });

  it('refuse user info, saying where the request would really go', () => {
    assert.deepEqual(parseAddress('https://vault.corp.example.com:8200@evil.example'), { ok: false, reason: 'user-info', origin: 'https://evil.example' });
    assert.deepEqual(parseAddress('https://token@vault.example.com'), { ok: false, reason: 'user-info', origin: 'https://vault.example.com' });
    assert.deepEqual(parseAddress('ftp://vault.example.com'), { ok: false, reason: 'not-http' });
    assert.deepEqual(parseAddress('vault.example.com:8200'), { ok: false, reason: 'not-http' });
    assert.deepEqual(parseAddress('not a url'), { ok: false, reason: 'invalid' });
  });

  it('name TLS settings by verification and CA content; the default is the empty text', () => {
    assert.equal(tlsIdentity(undefined), '');
    assert.equal(tlsIdentity({ skipVerify: false }), '');
    assert.equal(tlsIdentity({ skipVerify: true }), 'skip-verify');
    assert.equal(tlsIdentity({ skipVerify: false, caSha256: 'ab', caFile: 'ca.pem' }), 'ca-sha256:ab');
  });

  it('bind a sealed credential to origin and TLS settings', () => {
    const key = newSessionKey();
    const sealed = seal(key, 'token', credentialBinding('prod', 'hashicorp', 'https://v', 'ca-sha256:ab'));
    assert.equal(unseal(key, sealed, credentialBinding('prod', 'hashicorp', 'https://v', 'ca-sha256:ab')), 'token');
    assert.equal(unseal(key, sealed, credentialBinding('prod', 'hashicorp', 'https://v', 'skip-verify')), undefined);
    assert.equal(unseal(key, sealed, credentialBinding('prod', 'hashicorp', 'https://v')), undefined);
  });
});

describe('the providers\' own endpoints', () => {
  it('AWS: secretsmanager[-fips].<region> under the partitions\' DNS suffixes, https on 443 only', () => {
    for (const origin of [
      'https://secretsmanager.eu-west-1.amazonaws.com',
      'https://secretsmanager-fips.us-east-1.amazonaws.com',
      'https://secretsmanager.cn-north-1.amazonaws.com.cn',
      'https://secretsmanager.us-gov-west-1.amazonaws.com',
      'https://secretsmanager-fips.us-gov-east-1.amazonaws.com',
      'https://secretsmanager.eu-west-1.api.aws',
    ]) {
      assert.equal(isProviderEndpoint('aws', origin), true, origin);
    }
    for (const origin of [
      'http://secretsmanager.eu-west-1.amazonaws.com',
      'https://secretsmanager.eu-west-1.amazonaws.com:8443',
      'https://secretsmanager.eu-west-1.amazonaws.com.evil.example',
      'https://evil.example/secretsmanager.eu-west-1.amazonaws.com',
      'https://s3.eu-west-1.amazonaws.com',
      'https://secretsmanager.amazonaws.com',
      'https://x.secretsmanager.eu-west-1.amazonaws.com',
      'https://localhost:4566',
    ]) {
      assert.equal(isProviderEndpoint('aws', origin), false, origin);
    }
    assert.equal(isProviderEndpoint('gcp', 'https://secretsmanager.eu-west-1.amazonaws.com'), false, 'only for its own provider');
  });

  it('Azure: a vault under the Key Vault suffix of the public and sovereign clouds', () => {
    for (const origin of ['https://team.vault.azure.net', 'https://team.vault.azure.cn', 'https://team.vault.usgovcloudapi.net', 'https://team.vault.microsoftazure.de']) {
      assert.equal(isProviderEndpoint('azure', origin), true, origin);
    }
    for (const origin of ['https://vault.azure.net', 'https://team.vault.azure.net.evil.example', 'https://a.b.vault.azure.net', 'http://team.vault.azure.net', 'https://team.vault.azure.net:8443']) {
      assert.equal(isProviderEndpoint('azure', origin), false, origin);
    }
  });

  it('GCP: secretmanager.googleapis.com', () => {
    assert.equal(isProviderEndpoint('gcp', 'https://secretmanager.googleapis.com'), true);
    assert.equal(isProviderEndpoint('gcp', 'https://secretmanager.googleapis.com.evil.example'), false);
    assert.equal(isProviderEndpoint('gcp', 'http://secretmanager.googleapis.com'), false);
    assert.equal(isProviderEndpoint('hashicorp', 'https://secretmanager.googleapis.com'), false);
  });
});

describe('AddressTrust', () => {
  const target = (origin: string, source: 'file' | 'VAULT_ADDR' | 'provider' | 'none' = 'file') => ({ origin, url: origin, source });

  it('trusts VAULT_ADDR, SECRETREFS_TRUSTED_ADDRESSES and the given addresses by origin, and nothing else a file names', () => {
    const rejected: string[] = [];
    const trust = AddressTrust.from(
      { VAULT_ADDR: 'https://vault.corp.example.com:8200/', SECRETREFS_TRUSTED_ADDRESSES: ' https://a.example , http://127.0.0.1:8200/x,bad' },
      ['https://b.example:443/path'],
      (r, from) => rejected.push(`${from}: ${r.text}`),
    );
    assert.deepEqual(rejected, ['SECRETREFS_TRUSTED_ADDRESSES: bad']);
    for (const origin of ['https://vault.corp.example.com:8200', 'https://a.example', 'http://127.0.0.1:8200', 'https://b.example']) {
      assert.equal(trust.allows('hashicorp', target(origin)), true, origin);
    }
    for (const origin of ['https://vault.corp.example.com', 'http://vault.corp.example.com:8200', 'https://a.example:8443', 'https://evil.example']) {
      assert.equal(trust.allows('hashicorp', target(origin)), false, origin);
    }
  });

  it('trusts an address the file does not name (VAULT_ADDR, the provider\'s default) and the local vault', () => {
    const trust = new AddressTrust([]);
    assert.equal(trust.allows('hashicorp', target('https://anything.example', 'VAULT_ADDR')), true);
    assert.equal(trust.allows('aws', target('https://secretsmanager.eu-west-1.amazonaws.com', 'provider')), true);
    assert.equal(trust.allows('local', target('', 'none')), true);
    assert.equal(trust.allows('aws', target('https://secretsmanager.eu-west-1.amazonaws.com')), true, 'named explicitly');
    assert.equal(trust.allows('aws', target('http://127.0.0.1:4566')), false);
  });

  it('never repeats the user info of an address it refuses', () => {
    const { origins, rejected } = parseTrustedAddresses(['https://ci:hunter2@vault.example.com', '']);
    assert.deepEqual(origins, []);
    assert.equal(rejected.length, 1);
    assert.ok(!JSON.stringify(rejected).includes('hunter2'));
  });
});

describe('where a vault configuration sends its credential', () => {
  it('is the origin of url / vault_url / endpoint, VAULT_ADDR, or the provider\'s own endpoint', () => {
    assert.equal(vaultOrigin(vault('hashicorp', { address: 'https://Vault.example.com:443/' }), {}), 'https://vault.example.com');
    assert.equal(vaultOrigin(vault('hashicorp'), { VAULT_ADDR: 'http://127.0.0.1:8200' }), 'http://127.0.0.1:8200');
    assert.equal(vaultOrigin(vault('hashicorp'), {}), '');
    assert.equal(vaultOrigin(vault('aws', { region: 'eu-west-1' }), {}), 'https://secretsmanager.eu-west-1.amazonaws.com');
    assert.equal(vaultOrigin(vault('aws', { region: 'evil.example/x' }), {}), '', 'a region is a host label');
    assert.equal(vaultOrigin(vault('aws', { region: 'eu-west-1', endpoint: 'http://localhost:4566' }), {}), 'http://localhost:4566');
    assert.equal(vaultOrigin(vault('gcp', { project: 'p' }), {}), 'https://secretmanager.googleapis.com');
    assert.equal(vaultOrigin(vault('azure', { address: 'https://kv.vault.azure.net/' }), {}), 'https://kv.vault.azure.net');
    assert.equal(vaultOrigin(vault('local'), {}), '');
  });

  it('hands the provider an address rebuilt from the parsed URL, and refuses user info', async () => {
    const ok = await resolveTarget(vault('hashicorp', { address: 'https://vault.example.com:8200/prefix/' }), {});
    assert.ok(ok.ok);
    assert.deepEqual(ok.target, { origin: 'https://vault.example.com:8200', url: 'https://vault.example.com:8200/prefix', source: 'file', tls: { skipVerify: false } });
    const bad = await resolveTarget(vault('hashicorp', { address: 'https://vault.corp.example.com@evil.example' }), {});
    assert.ok(!bad.ok);
    assert.match(bad.reason, /requests would go to https:\/\/evil\.example/);
    assert.doesNotMatch(bad.reason, /corp/);
  });
});

describe('the session key and the server\'s environment', () => {
  it('is read once and removed', () => {
    const env: NodeJS.ProcessEnv = { SECRETREFS_SESSION_KEY: 'k', PATH: '/bin' };
    assert.equal(takeSessionKey(env), 'k');
    assert.deepEqual(env, { PATH: '/bin' });
    assert.equal(takeSessionKey(env), undefined);
  });

  it('keeps what the server needs and nothing that holds a credential', () => {
    const env = serverEnvironment({ PATH: '/bin', HOME: '/h', VAULT_ADDR: 'https://v', VAULT_TOKEN: 't', AWS_PROFILE: 'p', OTHER: 'x' });
    assert.deepEqual(env, { PATH: '/bin', HOME: '/h', VAULT_ADDR: 'https://v', VAULT_TOKEN: undefined, AWS_PROFILE: undefined, OTHER: undefined, AWS_EC2_METADATA_DISABLED: 'true' });
    const own: NodeJS.ProcessEnv = { VAULT_TOKEN: 't', VAULT_SECRET_ID: 's', AWS_SECRET_ACCESS_KEY: 'a', AZURE_CLIENT_SECRET: 'z', GOOGLE_APPLICATION_CREDENTIALS: '/k', SECRETREFS_LOCAL_KEY: 'l', VAULT_ADDR: 'https://v' };
    scrubCredentialVariables(own);
    assert.deepEqual(own, { VAULT_ADDR: 'https://v' });
  });
});
