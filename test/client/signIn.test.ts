import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resetCacheRequest } from '../../shared/src/customMessages';
import { serviceAccountKeyProblem } from '../../client/src/commands/signIn';
import { fakeUris, microsoftSession, type PromptCall } from './fakes';
import { everythingButSecrets, requestsBesidesListing, started, vaults } from './helpers';

function stored(s: Awaited<ReturnType<typeof started>>, key: string): unknown {
  const raw = s.h.secrets.data.get(key);
  return raw === undefined ? undefined : JSON.parse(raw);
}

const gcpKey = JSON.stringify({
  type: 'service_account',
  project_id: 'p',
  client_email: 'reader@p.iam.gserviceaccount.com',
  private_key: '-----BEGIN PRIVATE KEY-----\nCANARY-PEM\n-----END PRIVATE KEY-----\n',
});

interface Scenario {
  name: string;
  answers: unknown[];
  key: string;
  credential: unknown;
  setup?: (s: Awaited<ReturnType<typeof started>>['h']) => void;
}

const keyFile = 'file:///home/dev/key.json';

const scenarios: Scenario[] = [
  {
    name: 'HashiCorp token',
    answers: ['prod', 'Token', 'hvs.secret-token'],
    key: 'secretRefs:cred:hashicorp:prod@https://vault.example.com:8200',
    credential: { kind: 'token', token: 'hvs.secret-token' },
  },
  {
    name: 'HashiCorp AppRole',
    answers: ['prod', 'AppRole', 'role-123', 'secret-456'],
    key: 'secretRefs:cred:hashicorp:prod@https://vault.example.com:8200',
    credential: { kind: 'approle', roleId: 'role-123', secretId: 'secret-456' },
  },
  {
    name: 'local key',
    answers: ['dev', 'Enter the key or passphrase', 'my passphrase'],
    key: 'secretRefs:cred:local:dev@',
    credential: { kind: 'local-key', key: 'my passphrase' },
  },
  {
    name: 'AWS access key with session token',
    answers: ['payments', 'Access key', 'AKIAEXAMPLE', 'wJalrSECRET', 'session-tok'],
    key: 'secretRefs:cred:aws:payments@https://secretsmanager.eu-west-1.amazonaws.com',
    credential: { kind: 'aws-keys', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrSECRET', sessionToken: 'session-tok' },
  },
  {
    name: 'AWS access key without session token',
    answers: ['payments', 'Access key', 'AKIAEXAMPLE', 'wJalrSECRET', ''],
    key: 'secretRefs:cred:aws:payments@https://secretsmanager.eu-west-1.amazonaws.com',
    credential: { kind: 'aws-keys', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrSECRET' },
  },
  {
    name: 'AWS profile',
    answers: ['payments', 'Profile', 'billing'],
    key: 'secretRefs:cred:aws:payments@https://secretsmanager.eu-west-1.amazonaws.com',
    credential: { kind: 'aws-profile', profile: 'billing' },
  },
  {
    name: 'Azure service principal',
    answers: ['kv', 'Service principal', 'tenant-1', 'client-1', 'sp-secret'],
    key: 'secretRefs:cred:azure:kv@https://team.vault.azure.net',
    credential: { kind: 'azure-client-secret', tenantId: 'tenant-1', clientId: 'client-1', clientSecret: 'sp-secret' },
  },
  {
    name: 'Azure Microsoft account',
    answers: ['kv', 'Microsoft account'],
    key: 'secretRefs:cred:azure:kv@https://team.vault.azure.net',
    credential: { kind: 'azure-microsoft', account: 'dev@example.com' },
    setup: (h) => {
      h.authentication.session = microsoftSession('aad-token');
    },
  },
  {
    name: 'GCP service-account key file',
    answers: ['gsm', [fakeUris.parse(keyFile)]],
    key: 'secretRefs:cred:gcp:gsm@https://secretmanager.googleapis.com',
    credential: { kind: 'gcp-service-account', json: gcpKey },
    setup: (h) => h.workspace.fs.put(keyFile, gcpKey),
  },
];

describe('Sign In...', () => {
  for (const scenario of scenarios) {
    it(`stores a ${scenario.name} in SecretStorage, resets the server cache and refreshes the vaults item`, async () => {
      const s = await started(scenario.setup);
      const listed = s.h.sent('secretRefs/listVaults').length;
      s.h.window.answer(...scenario.answers);
      await s.run('secretRefs.signIn');
      assert.deepEqual(stored(s, scenario.key), scenario.credential);
      assert.equal(s.h.sent(resetCacheRequest).length, 1);
      assert.ok(s.h.sent('secretRefs/listVaults').length >= listed + 2, 'the picker and the status refresh');
      assert.ok(s.h.window.texts('info').some((m) => m.includes('signed in to vault')));
      assert.equal(s.h.window.answers.length, 0, 'every scripted answer was used');
      // Not in any non-secret place.
      const leaks = everythingButSecrets(s.h);
      for (const v of Object.values(scenario.credential as Record<string, string>)) {
        if (v.length > 8 && v !== 'dev@example.com') assert.ok(!leaks.includes(v), `${v} leaked`);
      }
      assert.deepEqual(s.h.globalState.data.get('secretRefs.credentialIndex'), [scenario.key]);
    });

    it(`${scenario.name}: cancelling at any step stores nothing and sends nothing`, async () => {
      for (let k = 0; k < scenario.answers.length; k++) {
        const s = await started(scenario.setup);
        s.h.window.answer(...scenario.answers.slice(0, k));
        await s.run('secretRefs.signIn');
        assert.equal(s.h.secrets.data.size, 0, `step ${k}`);
        assert.ok(!s.h.secrets.log.some((l) => l.startsWith('store')), `step ${k}`);
        assert.deepEqual(requestsBesidesListing(s.h), [], `step ${k}`);
        assert.equal(s.h.window.texts('error').length, 0, `step ${k}`);
      }
    });
  }

  it('uses password inputs for every secret and rejects empty ones', async () => {
    const s = await started();
    const inputs: PromptCall[] = [];
    s.h.window.answer('prod', 'AppRole', 'role', async (call: PromptCall) => {
      inputs.push(call);
      assert.equal(await call.options.validateInput(''), 'Enter the secret ID.');
      assert.equal(await call.options.validateInput('  '), 'Enter the secret ID.');
      return 'sid';
    });
    await s.run('secretRefs.signIn');
    assert.equal(inputs[0]!.options.password, true);
    const roleInput = s.h.window.prompts.find((p) => p.kind === 'inputBox' && p.options.prompt === 'AppRole role ID')!;
    assert.notEqual(roleInput.options.password, true);
    const tokenPrompts = s.h.window.prompts.filter((p) => p.kind === 'inputBox');
    assert.equal(tokenPrompts.length, 2);
  });

  it('drops a pasted trailing newline from a token', async () => {
    const s = await started();
    s.h.window.answer('prod', 'Token', 'hvs.abc\n');
    await s.run('secretRefs.signIn');
    assert.deepEqual(stored(s, 'secretRefs:cred:hashicorp:prod@https://vault.example.com:8200'), { kind: 'token', token: 'hvs.abc' });
  });

  it('local: generates a random 32-byte key, says to keep a copy, copies it and clears the clipboard later', async () => {
    const s = await started();
    s.h.window.answer('dev', 'Generate a new random key', 'Copy Key');
    await s.run('secretRefs.signIn');
    const credential = stored(s, 'secretRefs:cred:local:dev@') as { kind: string; key: string };
    assert.equal(credential.kind, 'local-key');
    assert.equal(Buffer.from(credential.key, 'base64').length, 32);
    const modal = s.h.window.prompts.find((p) => p.kind === 'message')!;
    assert.equal(modal.options.modal, true);
    assert.match(modal.message!, /Keep a copy/);
    assert.equal(s.h.clipboard.value, credential.key);
    assert.equal(s.h.timers.pending[0]!.ms, 30_000);
    s.h.timers.fireAll();
    await new Promise((r) => setImmediate(r));
    assert.equal(s.h.clipboard.value, '');
    assert.ok(!s.h.output.text().includes(credential.key));
  });

  it('local: says a new vault needs a passphrase of at least 12 characters; a shorter one is stored with a warning (it may open an older vault)', async () => {
    const s = await started();
    s.h.window.answer('dev', 'Enter the key or passphrase', 'short-pw');
    await s.run('secretRefs.signIn');
    const pick = s.h.window.prompts.find((p) => p.kind === 'quickPick' && (p.items as { label: string }[]).some((i) => i.label === 'Enter the key or passphrase'))!;
    assert.match((pick.items as { detail: string }[])[0]!.detail, /a new vault needs a passphrase of at least 12 characters/);
    const box = s.h.window.prompts.find((p) => p.kind === 'inputBox')!;
    assert.match(box.options.prompt, /at least 12 characters, or a 32-byte key/);
    assert.equal(box.options.password, true);
    assert.deepEqual(s.h.window.inputNotes.map((n) => n.severity), [2]);
    assert.match(s.h.window.inputNotes[0]!.message, /Shorter than 12 characters: it opens a local vault created with it, but a new local vault needs/);
    assert.ok(!s.h.window.inputNotes[0]!.message.includes('short-pw'), 'the passphrase is not echoed');
    assert.deepEqual(stored(s, 'secretRefs:cred:local:dev@'), { kind: 'local-key', key: 'short-pw' });

    // Twelve characters, or a 32-byte key, pass without a note.
    for (const key of ['twelve chars', 'ab'.repeat(32), Buffer.alloc(32, 7).toString('base64')]) {
      const t = await started();
      t.h.window.answer('dev', 'Enter the key or passphrase', key);
      await t.run('secretRefs.signIn');
      assert.deepEqual(t.h.window.inputNotes, [], key);
      assert.deepEqual(stored(t, 'secretRefs:cred:local:dev@'), { kind: 'local-key', key });
    }
  });

  it('local: cancelling the "keep a copy" modal stores nothing', async () => {
    const s = await started();
    s.h.window.answer('dev', 'Generate a new random key');
    await s.run('secretRefs.signIn');
    assert.equal(s.h.secrets.data.size, 0);
    assert.equal(s.h.clipboard.value, '');
  });

  it('Azure: a Microsoft sign-in that fails stores nothing and says so', async () => {
    const s = await started((h) => {
      h.authentication.failInteractive = new Error('User did not consent to login.');
    });
    s.h.window.answer('kv', 'Microsoft account');
    await s.run('secretRefs.signIn');
    assert.equal(s.h.secrets.data.size, 0);
    assert.ok(s.h.window.texts('warning').some((m) => m.includes('User did not consent')));
  });

  it('GCP: refuses a file that is not a service-account key, without echoing it', async () => {
    for (const [content, why] of [
      ['{"client_email":"x@y"}', 'it has no private_key'],
      ['{"private_key":"CANARY-PEM"}', 'it has no client_email'],
      ['CANARY-PEM not json', 'it is not valid JSON'],
      ['[1,2]', 'it is not a JSON object'],
    ] as const) {
      const s = await started((h) => h.workspace.fs.put(keyFile, content));
      s.h.window.answer('gsm', [fakeUris.parse(keyFile)]);
      await s.run('secretRefs.signIn');
      assert.equal(s.h.secrets.data.size, 0);
      const error = s.h.window.texts('error').at(-1)!;
      assert.match(error, new RegExp(why));
      assert.ok(!error.includes('CANARY'));
      assert.equal(s.h.sent(resetCacheRequest).length, 0);
    }
  });

  it('GCP: checks the key file content', () => {
    assert.equal(serviceAccountKeyProblem(gcpKey), undefined);
    assert.equal(serviceAccountKeyProblem('{"type":"authorized_user","client_email":"a","private_key":"b"}'), 'its type is not service_account');
  });

  it('GCP: the open dialog asks for one JSON file', async () => {
    const s = await started();
    s.h.window.answer('gsm');
    await s.run('secretRefs.signIn');
    const dialog = s.h.window.prompts.find((p) => p.kind === 'openDialog')!;
    assert.equal(dialog.options.canSelectMany, false);
    assert.deepEqual(Object.values(dialog.options.filters), [['json']]);
  });

  it('refuses a vault with no valid address (missing, not http(s), or with user info): nothing could be sent, so nothing is asked or stored', async () => {
    const s = await started(undefined, [{ ...vaults.prod, address: '' }]);
    s.h.window.answer('prod');
    await s.run('secretRefs.signIn');
    assert.match(s.h.window.texts('error').at(-1)!, /vault "prod" has no valid address/);
    assert.equal(s.h.window.prompts.filter((p) => p.kind !== 'quickPick').length, 0);
    assert.equal(s.h.secrets.data.size, 0);
    assert.equal(s.h.sent(resetCacheRequest).length, 0);
  });

  it('says it needs a trusted workspace, and asks nothing', async () => {
    const s = await started((h) => {
      h.workspace.isTrusted = false;
    });
    s.h.window.answer('Manage Workspace Trust');
    await s.run('secretRefs.signIn');
    assert.match(s.h.window.texts('warning')[0]!, /Signing in needs a trusted workspace/);
    assert.ok(s.h.commands.executed.some((c) => c[0] === 'workbench.trust.manage'));
    assert.equal(s.h.window.prompts.filter((p) => p.kind !== 'message').length, 0);
    assert.equal(s.h.secrets.data.size, 0);
  });

  it('says when there is no vault configuration', async () => {
    const s = await started(undefined, []);
    await s.run('secretRefs.signIn');
    assert.match(s.h.window.texts('info')[0]!, /no vault configuration/);
  });

  it('reports a server that cannot list the vaults', async () => {
    const s = await started((h) => h.responders.set('secretRefs/listVaults', () => Promise.reject(new Error('boom'))));
    await s.run('secretRefs.signIn');
    assert.match(s.h.window.texts('error')[0]!, /Listing the vault configurations failed: boom/);
  });

  it('says when the server is not running', async () => {
    const s = await started((h) => {
      h.behaviour = 'fail';
    });
    await s.run('secretRefs.signIn');
    assert.match(s.h.window.texts('error').at(-1)!, /the language server is not running/);
    assert.equal(s.h.window.prompts.length, 0);
  });

  it('shows each vault with its provider, address and state in the picker', async () => {
    const s = await started();
    await s.run('secretRefs.signIn');
    const pick = s.h.window.prompts[0]!;
    const prod = (pick.items as { label: string; description: string; detail: string }[]).find((i) => i.label === 'prod')!;
    assert.equal(prod.description, `hashicorp · ${vaults.prod.address}`);
    assert.equal(prod.detail, 'signed out');
  });
});

describe('Sign Out...', () => {
  it('lists signed-in vaults only, deletes the chosen credential and resets the cache', async () => {
    const s = await started();
    s.h.window.answer('prod', 'Token', 'hvs.a');
    await s.run('secretRefs.signIn');
    s.h.window.answer('dev', 'Enter the key or passphrase', 'pw');
    await s.run('secretRefs.signIn');
    const resets = s.h.sent(resetCacheRequest).length;
    s.h.window.answer('prod');
    await s.run('secretRefs.signOut');
    const pick = s.h.window.prompts.at(-1)!;
    assert.deepEqual((pick.items as { label: string }[]).map((i) => i.label).sort(), ['dev', 'prod']);
    assert.deepEqual([...s.h.secrets.data.keys()], ['secretRefs:cred:local:dev@']);
    assert.equal(s.h.sent(resetCacheRequest).length, resets + 1);
    assert.deepEqual(s.h.globalState.data.get('secretRefs.credentialIndex'), ['secretRefs:cred:local:dev@']);
  });

  it('also offers a credential whose vault moved to another address', async () => {
    const s = await started((h) => {
      h.secrets.data.set('secretRefs:cred:hashicorp:prod@https://old.example.com', '{"kind":"token","token":"t"}');
      h.globalState.data.set('secretRefs.credentialIndex', ['secretRefs:cred:hashicorp:prod@https://old.example.com']);
    });
    s.h.window.answer('prod');
    await s.run('secretRefs.signOut');
    const item = (s.h.window.prompts[0]!.items as { detail?: string }[])[0]!;
    assert.match(item.detail ?? '', /No vault configuration uses this address/);
    assert.equal(s.h.secrets.data.size, 0);
  });

  it('cancelling deletes nothing', async () => {
    const s = await started();
    s.h.window.answer('prod', 'Token', 'hvs.a');
    await s.run('secretRefs.signIn');
    const resets = s.h.sent(resetCacheRequest).length;
    await s.run('secretRefs.signOut');
    assert.equal(s.h.secrets.data.size, 1);
    assert.equal(s.h.sent(resetCacheRequest).length, resets);
  });

  it('says when nothing is signed in', async () => {
    const s = await started();
    await s.run('secretRefs.signOut');
    assert.match(s.h.window.texts('info')[0]!, /no vault has a stored credential/);
  });
});

describe('Reset Secret Cache', () => {
  it('sends resetCache and says the documents are checked again', async () => {
    const s = await started();
    await s.run('secretRefs.resetCache');
    assert.equal(s.h.sent(resetCacheRequest).length, 1);
    assert.match(s.h.window.texts('info')[0]!, /secret cache was cleared/);
  });

  it('reports a failure', async () => {
    const s = await started((h) => h.responders.set(resetCacheRequest, () => Promise.reject(new Error('nope'))));
    await s.run('secretRefs.resetCache');
    assert.match(s.h.window.texts('error')[0]!, /resetting the secret cache failed: nope/);
  });
});
