import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialRequest, resetCacheRequest, type Credential, type CredentialResult } from '../../shared/src/customMessages';
import { credentialBinding, unseal } from '../../shared/src/sealing';
import { approvalKey, credentialKey, parseCredentialKey, parseStoredCredential } from '../../client/src/credentials';
import { microsoftSession, settle } from './fakes';
import { everythingButSecrets, started, vaults, type Started } from './helpers';

const canary = 'hvs.CANARY-7f3a9c-token';
const prodKey = 'secretRefs:cred:hashicorp:prod@https://vault.example.com:8200';
const prodParams = { vault: 'prod', provider: 'hashicorp', address: 'https://vault.example.com:8200' };

async function signInProd(s: Started, token = canary): Promise<void> {
  s.h.window.answer('prod', 'Token', token);
  await s.run('secretRefs.signIn');
}

function open(s: Started, result: unknown, params = prodParams): Credential | undefined {
  if (result === null) return undefined;
  const plain = unseal(s.h.lastClient.sessionKey, (result as CredentialResult).sealed, credentialBinding(params.vault, params.provider, params.address));
  return plain === undefined ? undefined : (JSON.parse(plain) as Credential);
}

describe('credential keys', () => {
  it('key by provider, vault name and address, and parse back', () => {
    assert.equal(credentialKey({ name: 'prod', provider: 'hashicorp', address: 'https://v:8200' }), 'secretRefs:cred:hashicorp:prod@https://v:8200');
    assert.deepEqual(parseCredentialKey('secretRefs:cred:local:dev@'), { provider: 'local', name: 'dev', address: '' });
    assert.deepEqual(parseCredentialKey('secretRefs:cred:azure:kv@https://a@b'), { provider: 'azure', name: 'kv', address: 'https://a@b' });
    assert.equal(parseCredentialKey('other:key'), undefined);
    assert.equal(parseCredentialKey('secretRefs:cred:nocolon'), undefined);
  });

  it('reject malformed stored values', () => {
    assert.equal(parseStoredCredential('not json'), undefined);
    assert.equal(parseStoredCredential('{"kind":"token"}'), undefined);
    assert.equal(parseStoredCredential('{"kind":"token","token":""}'), undefined);
    assert.equal(parseStoredCredential('{"kind":"weird"}'), undefined);
    assert.deepEqual(parseStoredCredential('{"kind":"aws-keys","accessKeyId":"A","secretAccessKey":"B","sessionToken":""}'), {
      kind: 'aws-keys',
      accessKeyId: 'A',
      secretAccessKey: 'B',
    });
  });
});

describe('the secretRefs/credential request', () => {
  it('answers null when nothing is stored, without asking anything', async () => {
    const s = await started();
    assert.equal(await s.h.lastClient.request(credentialRequest, prodParams), null);
    assert.equal(s.h.window.prompts.length, 0);
  });

  it('asks once before sending to an unapproved address, then answers sealed and bound to vault, provider and address', async () => {
    const s = await started();
    await signInProd(s);
    assert.deepEqual(JSON.parse(s.h.secrets.data.get(prodKey)!), { kind: 'token', token: canary });

    s.h.window.answer('Allow');
    const result = await s.h.lastClient.request(credentialRequest, prodParams);
    const modal = s.h.window.prompts.at(-1)!;
    assert.equal(modal.message, 'Send the credential for vault "prod" to https://vault.example.com:8200?');
    assert.equal(modal.options.modal, true);
    assert.deepEqual(modal.items, ['Allow']);
    assert.deepEqual(open(s, result), { kind: 'token', token: canary });
    // Bound: the same ciphertext does not open for another vault or address.
    const sealed = (result as CredentialResult).sealed;
    assert.equal(unseal(s.h.lastClient.sessionKey, sealed, credentialBinding('prod', 'hashicorp', 'https://evil.example.com')), undefined);
    assert.equal(unseal(s.h.lastClient.sessionKey, sealed, credentialBinding('staging', 'hashicorp', prodParams.address)), undefined);
    assert.ok(!sealed.includes(canary) && !Buffer.from(sealed, 'base64').toString('latin1').includes(canary), 'never plain text');

    // Remembered for the workspace: the next request asks nothing.
    const prompts = s.h.window.prompts.length;
    assert.deepEqual(open(s, await s.h.lastClient.request(credentialRequest, prodParams)), { kind: 'token', token: canary });
    assert.equal(s.h.window.prompts.length, prompts);
    // The approval names the origin, the TLS settings (none here) and the source of the credential.
    assert.deepEqual(s.h.workspaceState.data.get('secretRefs.approvedAddresses'), [approvalKey({ name: 'prod', provider: 'hashicorp', address: prodParams.address }, 'stored')]);
  });

  it('asks a single time for concurrent requests', async () => {
    const s = await started();
    await signInProd(s);
    const before = s.h.window.prompts.length;
    s.h.window.answer('Allow');
    const results = await Promise.all([1, 2, 3].map(() => s.h.lastClient.request(credentialRequest, prodParams)));
    assert.equal(s.h.window.prompts.length, before + 1);
    for (const r of results) assert.deepEqual(open(s, r), { kind: 'token', token: canary });
  });

  it('a refusal answers null and is not asked again until the next Sign In', async () => {
    const s = await started();
    await signInProd(s);
    const before = s.h.window.prompts.length;
    assert.equal(await s.h.lastClient.request(credentialRequest, prodParams), null); // the modal is cancelled
    assert.equal(await s.h.lastClient.request(credentialRequest, prodParams), null);
    assert.equal(s.h.window.prompts.length, before + 1);
    assert.equal(s.h.workspaceState.data.get('secretRefs.approvedAddresses'), undefined);
    await signInProd(s);
    s.h.window.answer('Allow');
    assert.deepEqual(open(s, await s.h.lastClient.request(credentialRequest, prodParams)), { kind: 'token', token: canary });
  });

  it('never sends a credential stored for one address to another', async () => {
    const s = await started();
    await signInProd(s);
    s.h.window.answer('Allow');
    await s.h.lastClient.request(credentialRequest, prodParams);
    const moved = { ...prodParams, address: 'https://attacker.example.net' };
    const before = s.h.window.prompts.length;
    assert.equal(await s.h.lastClient.request(credentialRequest, moved), null);
    assert.equal(s.h.window.prompts.length, before, 'nothing stored there, so nothing to ask');
  });

  it('answers null in an untrusted workspace without reading SecretStorage', async () => {
    const s = await started();
    await signInProd(s);
    s.h.workspace.isTrusted = false;
    const reads = s.h.secrets.log.length;
    assert.equal(await s.h.lastClient.request(credentialRequest, prodParams), null);
    assert.equal(s.h.secrets.log.length, reads);
    assert.equal(s.h.window.prompts.filter((p) => p.message?.startsWith('Send the credential')).length, 0);
  });

  it('answers null when trust is withdrawn while the user is asked', async () => {
    const s = await started();
    await signInProd(s);
    s.h.window.answer(() => {
      s.h.workspace.isTrusted = false;
      return 'Allow';
    });
    assert.equal(await s.h.lastClient.request(credentialRequest, prodParams), null);
  });

  it('answers null to malformed parameters', async () => {
    const s = await started();
    await signInProd(s);
    for (const bad of [null, 'prod', {}, { vault: 'prod', provider: 'hashicorp' }, { vault: '', provider: 'x', address: '' }]) {
      assert.equal(await s.h.lastClient.request(credentialRequest, bad), null);
    }
  });

  it('sends the local vault key (address "") without asking for an address', async () => {
    const s = await started();
    s.h.window.answer('dev', 'Enter the key or passphrase', 'correct horse battery staple');
    await s.run('secretRefs.signIn');
    const params = { vault: 'dev', provider: 'local', address: '' };
    const before = s.h.window.prompts.length;
    assert.deepEqual(open(s, await s.h.lastClient.request(credentialRequest, params), params), {
      kind: 'local-key',
      key: 'correct horse battery staple',
    });
    assert.equal(s.h.window.prompts.length, before);
  });

  it('fetches the Microsoft session afresh (silently) for every Azure request', async () => {
    const s = await started((h) => {
      h.authentication.session = microsoftSession('token-1');
    });
    s.h.window.answer('kv', 'Microsoft account');
    await s.run('secretRefs.signIn');
    assert.deepEqual(s.h.authentication.calls[0], {
      providerId: 'microsoft',
      scopes: ['https://vault.azure.net/user_impersonation'],
      options: { createIfNone: true },
    });
    const stored = s.h.secrets.data.get('secretRefs:cred:azure:kv@https://team.vault.azure.net')!;
    assert.ok(!stored.includes('token-1'), 'the access token itself is not stored');
    const params = { vault: 'kv', provider: 'azure', address: vaults.azure.address };
    s.h.window.answer('Allow');
    assert.deepEqual(open(s, await s.h.lastClient.request(credentialRequest, params), params), { kind: 'azure-token', token: 'token-1' });
    s.h.authentication.session = microsoftSession('token-2');
    assert.deepEqual(open(s, await s.h.lastClient.request(credentialRequest, params), params), { kind: 'azure-token', token: 'token-2' });
    assert.deepEqual(s.h.authentication.calls.at(-1)!.options, { silent: true });
    s.h.authentication.session = undefined;
    assert.equal(await s.h.lastClient.request(credentialRequest, params), null);
  });

  it('the credential never appears in the output, messages, workspace or global state', async () => {
    const s = await started((h) => {
      h.workspace.values.set('secretRefs.trace.server', 'verbose');
    });
    await signInProd(s);
    s.h.window.answer('Allow');
    await s.h.lastClient.request(credentialRequest, prodParams);
    await s.h.lastClient.request(credentialRequest, { ...prodParams, address: 'https://elsewhere' });
    assert.ok(!everythingButSecrets(s.h).includes(canary));
    assert.ok(!s.h.output.text().includes(s.h.lastClient.sessionKey));
    assert.match(s.h.output.text(), /Signed in to vault "prod"/);
  });
});

describe('SecretStorage that cannot persist', () => {
  it('says plainly that the credential will not persist when the keyring is missing, and keeps it for the session', async () => {
    const s = await started((h) => {
      h.secrets.failStore = new Error('Cannot create an item in a locked collection');
    });
    await signInProd(s);
    const warning = s.h.window.texts('warning').find((m) => m.includes('could not be saved'));
    assert.ok(warning, 'a warning is shown');
    assert.match(warning, /Cannot create an item in a locked collection/);
    assert.match(warning, /will not persist/);
    assert.match(warning, /gnome-keyring or KWallet/);
    assert.ok(!warning.includes(canary));
    s.h.window.answer('Allow');
    assert.deepEqual(open(s, await s.h.lastClient.request(credentialRequest, prodParams)), { kind: 'token', token: canary });
    assert.ok(!everythingButSecrets(s.h).includes(canary));
  });

  it('also warns when the store succeeds but nothing reads back', async () => {
    const s = await started((h) => {
      h.secrets.dropWrites = true;
    });
    await signInProd(s);
    const warning = s.h.window.texts('warning').find((m) => m.includes('could not be saved'));
    assert.ok(warning);
    assert.match(warning, /could not be read back/);
  });

  it('does not warn when the keyring works', async () => {
    const s = await started();
    await signInProd(s);
    assert.equal(s.h.window.texts('warning').length, 0);
    assert.equal(s.h.sent(resetCacheRequest).length, 1);
  });
});

describe('credential request after Sign Out', () => {
  it('answers null', async () => {
    const s = await started();
    await signInProd(s);
    s.h.window.answer('prod');
    await s.run('secretRefs.signOut');
    await settle();
    assert.equal(s.h.secrets.data.has(prodKey), false);
    assert.equal(await s.h.lastClient.request(credentialRequest, prodParams), null);
  });
});
