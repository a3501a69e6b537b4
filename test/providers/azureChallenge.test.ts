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
import { challengeRefusal } from '../../server/src/providers/azure/challenge';

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
