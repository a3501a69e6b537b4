import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { environmentCredential, type EnvironmentAccess } from '../../client/src/environmentCredentials';
import type { CredentialParams } from '../../shared/src/customMessages';

/** An environment with these variables and these files (path → text) under /home/u. */
function access(env: NodeJS.ProcessEnv, files: Record<string, string> = {}): EnvironmentAccess {
  return { env, home: () => '/home/u', readFile: (file) => Promise.resolve(files[file]) };
}

const aws = (profile?: string): CredentialParams => ({ vault: 'pay', provider: 'aws', address: 'https://secretsmanager.eu-west-1.amazonaws.com', ...(profile ? { profile } : {}) });

describe('credentials the environment holds, as each provider reads them', () => {
  it('AWS: a profile named by a vault configuration is no source when the shared files do not define it (nothing to ask about)', async () => {
    assert.equal(await environmentCredential(aws('payments-prod'), access({})), undefined);
    const otherProfile = { '/home/u/.aws/credentials': '[default]\naws_access_key_id = AKIDOTHER\n' };
    assert.equal(await environmentCredential(aws('payments-prod'), access({}, otherProfile)), undefined);
  });

  it('AWS: the profile is a source when the credentials file has [name] or the config file [profile name]', async () => {
    const inCredentials = await environmentCredential(aws('payments-prod'), access({}, { '/home/u/.aws/credentials': '[payments-prod]\naws_access_key_id = AKID\n' }));
    assert.deepEqual(inCredentials?.credential, { kind: 'aws-profile', profile: 'payments-prod' });
    const inConfig = await environmentCredential(aws('payments-prod'), access({}, { '/home/u/.aws/config': '[profile payments-prod]\nsso_session = corp\n' }));
    assert.deepEqual(inConfig?.credential, { kind: 'aws-profile', profile: 'payments-prod' });
    // In the config file a profile section needs the `profile ` prefix; `[payments-prod]` there is not it.
    assert.equal(await environmentCredential(aws('payments-prod'), access({}, { '/home/u/.aws/config': '[payments-prod]\nregion = x\n' })), undefined);
  });

  it('AWS: AWS_PROFILE counts like a configured profile, and AWS_CONFIG_FILE moves the config file', async () => {
    const found = await environmentCredential(aws(), access({ AWS_PROFILE: 'ci', AWS_CONFIG_FILE: '/etc/aws.cfg' }, { '/etc/aws.cfg': '[profile ci]\n' }));
    assert.equal(found?.id, 'aws-profile:ci');
  });

  it('AWS: keys from the environment, else the default profile only when a shared file defines [default]', async () => {
    const keys = await environmentCredential(aws(), access({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'sk' }));
    assert.equal(keys?.id, 'env:AWS_ACCESS_KEY_ID');
    assert.equal(await environmentCredential(aws(), access({}, { '/home/u/.aws/config': '[profile other]\n' })), undefined);
    const dflt = await environmentCredential(aws(), access({}, { '/home/u/.aws/config': '[default]\nregion = eu-west-1\n' }));
    assert.equal(dflt?.id, 'aws-profile:default');
  });

  it('HashiCorp Vault: VAULT_TOKEN, else ~/.vault-token; AppRole from its two variables', async () => {
    const vault: CredentialParams = { vault: 'prod', provider: 'hashicorp', address: 'https://vault.example.com' };
    assert.equal((await environmentCredential(vault, access({ VAULT_TOKEN: 'hvs.x' })))?.id, 'env:VAULT_TOKEN');
    assert.equal((await environmentCredential(vault, access({}, { '/home/u/.vault-token': 'hvs.y\n' })))?.id, 'file:~/.vault-token');
    assert.equal(await environmentCredential(vault, access({})), undefined);
    assert.equal(await environmentCredential({ ...vault, auth: 'approle' }, access({ VAULT_ROLE_ID: 'r' })), undefined);
  });
});
