import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeDocument } from '../../server/src/service/analyzeDocument';
import { vaultConfigYaml, yamlScalar, type VaultConfigInput } from '../../client/src/commands/addVaultConfiguration';
import { folder, type PromptCall } from './fakes';
import { started } from './helpers';

function check(text: string) {
  const analysis = analyzeDocument('file:///ws/a/x.vault.yaml', text, 'vault-config', { maxSizeKb: 2048 });
  assert.deepEqual(analysis.problems, [], text);
  return analysis.vault!;
}

interface Scenario {
  name: string;
  answers: unknown[];
  file: string;
  expect: (vault: ReturnType<typeof check>) => void;
}

const scenarios: Scenario[] = [
  {
    name: 'HashiCorp with engines',
    answers: ['staging', 'HashiCorp Vault', 'https://vault.example.com:8200', 'approle', 'team-a', 'Add a KV engine...', 'secret', 'KV version 2', 'Add a KV engine...', '/team/kv/', 'KV version 1', 'Done'],
    file: 'file:///ws/a/staging.vault.yaml',
    expect: (v) => {
      assert.equal(v.name?.value, 'staging');
      assert.equal(v.provider, 'hashicorp');
      assert.equal(v.url, 'https://vault.example.com:8200');
      assert.equal(v.namespace, 'team-a');
      assert.equal(v.connection.auth, 'approle');
      assert.deepEqual(v.engines?.map((e) => [e.path, e.type, e.version]), [['secret', 'kv', 2], ['team/kv', 'kv', 1]]);
    },
  },
  {
    name: 'HashiCorp without url, namespace or engines',
    answers: ['dev-vault', 'HashiCorp Vault', '', 'token', '', 'No engines to declare'],
    file: 'file:///ws/a/dev-vault.vault.yaml',
    expect: (v) => {
      assert.equal(v.url, undefined);
      assert.equal(v.namespace, undefined);
      assert.equal(v.engines, undefined);
      assert.equal(v.connection.auth, 'token');
    },
  },
  {
    name: 'AWS',
    answers: ['payments-eu', 'AWS Secrets Manager', 'eu-west-1', 'billing'],
    file: 'file:///ws/a/payments-eu.vault.yaml',
    expect: (v) => {
      assert.equal(v.region, 'eu-west-1');
      assert.equal(v.connection.profile, 'billing');
    },
  },
  {
    name: 'Azure',
    answers: ['team-kv', 'Azure Key Vault', 'https://team.vault.azure.net'],
    file: 'file:///ws/a/team-kv.vault.yaml',
    expect: (v) => assert.equal(v.vaultUrl, 'https://team.vault.azure.net'),
  },
  {
    name: 'GCP',
    answers: ['gsm-prod', 'Google Cloud Secret Manager', 'my-project'],
    file: 'file:///ws/a/gsm-prod.vault.yaml',
    expect: (v) => assert.equal(v.project, 'my-project'),
  },
  {
    name: 'local',
    answers: ['1.0', 'Local encrypted vault'],
    file: 'file:///ws/a/1.0.vault.yaml',
    expect: (v) => {
      assert.equal(v.name?.value, '1.0', 'a name that looks like a number stays a string');
      assert.equal(v.provider, 'local');
    },
  },
];

describe('Add Vault Configuration...', () => {
  for (const scenario of scenarios) {
    it(`writes a ${scenario.name} configuration the server's parser accepts, and opens it`, async () => {
      const s = await started();
      s.h.window.answer(...scenario.answers);
      await s.run('secretRefs.addVaultConfiguration');
      assert.equal(s.h.window.answers.length, 0, 'every scripted answer was used');
      assert.deepEqual(s.h.workspace.fs.writes, [scenario.file]);
      const text = s.h.workspace.fs.text(scenario.file)!;
      scenario.expect(check(text));
      assert.equal(s.h.window.shownDocuments[0]!.document.uri.toString(), scenario.file);
    });

    it(`${scenario.name}: cancelling at any step writes nothing`, async () => {
      for (let k = 0; k < scenario.answers.length; k++) {
        const s = await started();
        s.h.window.answer(...scenario.answers.slice(0, k));
        await s.run('secretRefs.addVaultConfiguration');
        assert.deepEqual(s.h.workspace.fs.writes, [], `step ${k}`);
        assert.equal(s.h.window.shownDocuments.length, 0);
      }
    });
  }

  it('validates the name with the schema pattern and rejects names the folder already uses', async () => {
    const s = await started();
    let validate: ((text: string) => unknown) | undefined;
    s.h.window.answer((call: PromptCall) => {
      validate = call.options.validateInput;
      return undefined;
    });
    await s.run('secretRefs.addVaultConfiguration');
    assert.ok(validate);
    assert.equal(validate(''), 'Enter a name.');
    assert.match(String(validate('-x')), /letters, digits/);
    assert.match(String(validate('a b')), /letters, digits/);
    assert.match(String(validate('prod')), /already has a vault configuration named "prod"/);
    assert.equal(validate('prod-2'), undefined);
    assert.equal(validate('A_b.c-1'), undefined);
  });

  it('never overwrites an existing file: asks for another name', async () => {
    const s = await started((h) => h.workspace.fs.put('file:///ws/a/fresh.vault.yml', 'name: fresh\nprovider: local\n'));
    s.h.window.answer('fresh', (call: PromptCall) => {
      assert.equal(call.options.value, 'fresh', 'the name is offered again for editing');
      return 'fresh2';
    }, 'Local encrypted vault');
    await s.run('secretRefs.addVaultConfiguration');
    assert.match(s.h.window.texts('warning')[0]!, /fresh\.vault\.yml already exists in a; choose another name/);
    assert.deepEqual(s.h.workspace.fs.writes, ['file:///ws/a/fresh2.vault.yaml']);
    assert.equal(s.h.workspace.fs.text('file:///ws/a/fresh.vault.yml'), 'name: fresh\nprovider: local\n');
  });

  it('does not write when the file appears while the user answers', async () => {
    const s = await started();
    s.h.window.answer('late', () => {
      s.h.workspace.fs.put('file:///ws/a/late.vault.yaml', 'mine');
      return 'Local encrypted vault';
    });
    await s.run('secretRefs.addVaultConfiguration');
    assert.deepEqual(s.h.workspace.fs.writes, []);
    assert.equal(s.h.workspace.fs.text('file:///ws/a/late.vault.yaml'), 'mine');
  });

  it('asks for the folder in a multi-root workspace', async () => {
    const s = await started((h) => {
      h.workspace.workspaceFolders = [folder('a'), folder('b', 1)];
    });
    s.h.window.answer('b', 'x', 'Local encrypted vault');
    await s.run('secretRefs.addVaultConfiguration');
    assert.deepEqual(s.h.workspace.fs.writes, ['file:///ws/b/x.vault.yaml']);
  });

  it('needs an open folder', async () => {
    const s = await started((h) => {
      h.workspace.workspaceFolders = undefined;
    });
    await s.run('secretRefs.addVaultConfiguration');
    assert.match(s.h.window.texts('error')[0]!, /open a folder first/);
  });

  it('validates URLs, regions and engine paths', async () => {
    const s = await started();
    const checks: Promise<void>[] = [];
    s.h.window.answer(
      'v',
      'HashiCorp Vault',
      (call: PromptCall) => {
        const v = call.options.validateInput;
        assert.equal(v(''), undefined, 'optional');
        assert.match(String(v('vault.example.com')), /http/);
        assert.match(String(v('ftp://x')), /http/);
        assert.equal(v('http://127.0.0.1:8200'), undefined);
        return 'http://127.0.0.1:8200';
      },
      'token',
      '',
      'Add a KV engine...',
      'secret',
      'KV version 2',
      'Add a KV engine...',
      (call: PromptCall) => {
        const v = call.options.validateInput;
        assert.match(String(v('/secret/')), /already declared/);
        assert.match(String(v('  ')), /Enter the mount path/);
        assert.match(String(v('a b')), /no spaces/);
        return undefined;
      },
    );
    await s.run('secretRefs.addVaultConfiguration');
    await Promise.all(checks);
    assert.deepEqual(s.h.workspace.fs.writes, []);

    const aws = await started();
    aws.h.window.answer('p', 'AWS Secrets Manager', (call: PromptCall) => {
      const v = call.options.validateInput;
      assert.equal(v(''), 'Enter a region.');
      assert.match(String(v('Europe')), /such as eu-west-1/);
      assert.equal(v('us-gov-west-1'), undefined);
      return undefined;
    });
    await aws.run('secretRefs.addVaultConfiguration');

    const azure = await started();
    azure.h.window.answer('k', 'Azure Key Vault', (call: PromptCall) => {
      assert.match(String(call.options.validateInput('http://kv.vault.azure.net')), /https/);
      return undefined;
    });
    await azure.run('secretRefs.addVaultConfiguration');
  });

  it('works without a running server (no duplicate-name check then)', async () => {
    const s = await started((h) => {
      h.behaviour = 'fail';
    });
    s.h.window.answer('prod', 'Local encrypted vault');
    await s.run('secretRefs.addVaultConfiguration');
    assert.deepEqual(s.h.workspace.fs.writes, ['file:///ws/a/prod.vault.yaml']);
  });
});

describe('vaultConfigYaml', () => {
  it('quotes what YAML 1.1 or 1.2 would not read back as the same string', () => {
    for (const text of ['yes', 'No', 'on', 'null', '~', '1.0', '0o17', '12:30', '1e3', 'a b', '#x', 'x: y', '']) {
      assert.equal(yamlScalar(text), JSON.stringify(text), text);
    }
    for (const text of ['prod', 'https://vault.example.com:8200', 'team/kv', 'eu-west-1', 'my_project.x']) {
      assert.equal(yamlScalar(text), text);
    }
  });

  it('writes no credential field and a comment that says where credentials go', () => {
    const config: VaultConfigInput = { name: 'true', provider: 'hashicorp', url: 'https://v', auth: 'token', engines: [{ path: 'yes', version: 2 }] };
    const text = vaultConfigYaml(config);
    assert.match(text, /^# Vault configuration for Secret References\./);
    assert.match(text, /Sign In\.\.\./);
    const vault = check(text);
    assert.equal(vault.name?.value, 'true');
    assert.deepEqual(vault.engines?.map((e) => e.path), ['yes']);
  });
});
