/**
 * The provider reads Key Vault's 401 challenge by the same rules as the SDK it ships with
 * (@azure/keyvault-common keyVaultAuthenticationPolicy), so it can report a refused vault with its
 * real cause. For each challenge and vault host, the SDK's own policy is run against a scripted
 * 401: it either refuses (throws) or asks the credential for a token; `challengeRefusal` must
 * predict the same.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { keyVaultAuthenticationPolicy } from '@azure/keyvault-common';
import { AnswerLog, ChallengeRefusedError, challengeRefusal } from '../../server/src/providers/azure/challenge';
import { toFailure, toProviderError } from '../../server/src/providers/azure/errors';

async function sdkVerdict(header: string, host: string): Promise<'refused' | 'token' | 'ignored'> {
  let asked = false;
  const credential = {
    getToken: async () => {
      asked = true;
      return { token: 't', expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  const policy = keyVaultAuthenticationPolicy(credential);
  const request = createPipelineRequest({ url: `https://${host}/secrets/s?api-version=7.5` });
  let calls = 0;
  const next = async (): Promise<PipelineResponse> => {
    calls++;
    const status = calls === 1 ? 401 : 200;
    return { request, status, headers: createHttpHeaders(status === 401 ? { 'WWW-Authenticate': header } : {}) };
  };
  try {
    await policy.sendRequest(request, next);
  } catch {
    return 'refused';
  }
  return asked ? 'token' : 'ignored';
}

const AUTH = 'authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001"';
const cases: Array<[string, string]> = [
  [`Bearer ${AUTH}, resource="https://vault.azure.net"`, 'myvault.vault.azure.net'],
  [`Bearer ${AUTH}, resource="https://vault.azure.net"`, 'myvault.vault.azure.cn'],
  [`Bearer ${AUTH}, resource="https://vault.azure.net"`, '127.0.0.1'],
  [`Bearer ${AUTH}, resource="https://vault.azure.net"`, 'vault.azure.net'],
  [`Bearer ${AUTH}, resource="https://vault.azure.net"`, 'secrets.example.com'],
  [`Bearer ${AUTH}, resource="https://vault.azure.cn"`, 'myvault.vault.azure.cn'],
  [`Bearer ${AUTH}, resource="https://vault.usgovcloudapi.net"`, 'myvault.vault.usgovcloudapi.net'],
  [`Bearer ${AUTH}, resource="https://managedhsm.azure.net"`, 'myhsm.managedhsm.azure.net'],
  [`Bearer ${AUTH}, resource="https://VAULT.AZURE.NET"`, 'myvault.vault.azure.net'],
  [`Bearer ${AUTH}, scope="https://vault.azure.net/.default"`, 'myvault.vault.azure.net'],
  [`Bearer ${AUTH}, scope="https://vault.azure.net/.default"`, 'myvault.example.net'],
  [`Bearer ${AUTH}, resource="not a url"`, 'myvault.vault.azure.net'],
  [`Bearer ${AUTH}, resource="vault.azure.net"`, 'myvault.vault.azure.net'],
  ['Bearer authorization="tenant-only", resource="https://vault.azure.net"', 'myvault.vault.azure.net'],
  [`Bearer ${AUTH}`, 'myvault.vault.azure.net'],
  ['Basic realm="proxy"', 'myvault.vault.azure.net'],
];

describe('Key Vault challenge: the provider predicts what the SDK does', () => {
  for (const [header, host] of cases) {
    it(`${host} ← ${header.replace(AUTH, 'authorization=…')}`, async () => {
      const sdk = await sdkVerdict(header, host);
      const ours = challengeRefusal(header, host);
      assert.equal(ours === undefined ? 'answered' : 'refused', sdk === 'refused' ? 'refused' : 'answered', JSON.stringify(ours));
    });
  }

  it('names the resource host the challenge gave', () => {
    assert.deepEqual(challengeRefusal(`Bearer ${AUTH}, resource="https://vault.azure.cn"`, 'v.vault.azure.net'), { reason: 'resource', resourceHost: 'vault.azure.cn' });
    assert.deepEqual(challengeRefusal(`Bearer ${AUTH}, resource="not a url"`, 'v.vault.azure.net'), { reason: 'scope' });
    assert.deepEqual(challengeRefusal('Bearer authorization="x", resource="https://vault.azure.net"', 'v.vault.azure.net'), { reason: 'authorization' });
  });
});

describe('Azure SDK errors that are not REST errors keep their real cause', () => {
  const ctx = { vaultName: 'prod', host: 'prod.vault.azure.net', origin: 'https://prod.vault.azure.net', operation: 'get' as const, secret: 'db', timeoutMs: 1000, credential: 'access-token' as const };

  it('before any answer (e.g. the token cycler\'s "Failed to refresh access token."): a client library failure, not a malformed answer', () => {
    const answers = new AnswerLog();
    const since = Date.now();
    const e = toProviderError(toFailure(new Error('Failed to refresh access token.'), new WeakMap(), undefined, { answers, since }), ctx);
    assert.equal(e.kind, 'unreachable');
    assert.equal(e.details.cause, 'the Azure Key Vault client library failed before Key Vault answered (Error)');
    assert.doesNotMatch(e.message, /not the JSON Key Vault sends|Failed to refresh/);
  });

  it('after Key Vault answered (an answer the SDK could not read, e.g. an id that is not a Key Vault URL): bad-response', () => {
    const answers = new AnswerLog();
    const since = Date.now();
    answers.lastOkAt = since + 1;
    const e = toProviderError(toFailure(new Error('Invalid secret identifier: x. Not a valid URI'), new WeakMap(), undefined, { answers, since }), ctx);
    assert.equal(e.kind, 'bad-response');
    assert.doesNotMatch(e.message, /Invalid secret identifier/);
  });

  it('a refused challenge carries the resource host, never the SDK\'s text', () => {
    const e = toProviderError(toFailure(new ChallengeRefusedError({ reason: 'resource', resourceHost: 'vault.azure.cn' }), new WeakMap()), ctx);
    assert.equal(e.kind, 'invalid-request');
    assert.match(e.message, /names \(vault\.azure\.cn\), and prod\.vault\.azure\.net is not under it/);
  });
});
