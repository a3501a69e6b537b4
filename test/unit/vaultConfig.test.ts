import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TestWorkspace, prodVault } from '../helpers/workspace';

describe('vault configuration diagnostics', () => {
  it('accepts a complete hashicorp configuration', () => {
    const ws = new TestWorkspace({ 'prod.vault.yaml': prodVault });
    assert.deepEqual(ws.validate('prod.vault.yaml'), []);
  });

  it('reports a missing name and an unknown provider as invalid-config', () => {
    const ws = new TestWorkspace({});
    const diagnostics = ws.validate('x.vault.yaml', 'provider: vaultwarden\n');
    assert.deepEqual(diagnostics.map((d) => d.code), ['invalid-config', 'invalid-config']);
    assert.ok(diagnostics.some((d) => /must be one of hashicorp, aws, azure, gcp, local/.test(d.message)));
    assert.ok(diagnostics.some((d) => /needs `name`/.test(d.message)));
  });

  it('reports each credential field without echoing its value', () => {
    const ws = new TestWorkspace({});
    const text = 'name: p\nprovider: hashicorp\ntoken: s.CANARY-value-123\nsecret_id: CANARY2\n';
    const diagnostics = ws.validate('p.vault.yaml', text);
    assert.deepEqual(diagnostics.map((d) => d.code), ['credential-in-config', 'credential-in-config']);
    assert.deepEqual(diagnostics[0]!.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } });
    for (const d of diagnostics) assert.doesNotMatch(d.message, /CANARY/);
  });

  it('reports fields of another provider and suggests the nearest known field', () => {
    const ws = new TestWorkspace({});
    const diagnostics = ws.validate('p.vault.yaml', 'name: p\nprovider: hashicorp\nregion: eu\nurll: https://x\n');
    assert.match(diagnostics[0]!.message, /`region` belongs to aws vaults/);
    assert.match(diagnostics[1]!.message, /Unknown field `urll`.*Did you mean `url`\?/);
  });

  it('requires provider fields: aws region, azure vault_url, gcp project', () => {
    const ws = new TestWorkspace({});
    assert.match(ws.validate('a.vault.yaml', 'name: a\nprovider: aws\n')[0]!.message, /needs `region`/);
    assert.match(ws.validate('b.vault.yaml', 'name: b\nprovider: azure\n')[0]!.message, /needs `vault_url`/);
    assert.match(ws.validate('c.vault.yaml', 'name: c\nprovider: gcp\n')[0]!.message, /needs `project`/);
  });

  it('checks types: booleans, URLs, names and engine declarations', () => {
    const ws = new TestWorkspace({});
    const text = 'name: "bad name"\nprovider: hashicorp\nenabled: yes please\nurl: vault.local\nengines:\n  secret: { type: kv, version: 3 }\n  other: kv\n';
    const messages = ws.validate('p.vault.yaml', text).map((d) => d.message);
    assert.equal(messages.length, 5, messages.join('\n'));
    assert.ok(messages.some((m) => /`name` may hold letters/.test(m)));
    assert.ok(messages.some((m) => /`enabled` must be true or false/.test(m)));
    assert.ok(messages.some((m) => /`url` must be an http/.test(m)));
    assert.ok(messages.some((m) => /`version` must be one of 1, 2, not "3"/.test(m)));
    assert.ok(messages.some((m) => /Engine `other` needs `type` and `version`/.test(m)));
  });

  it('reports a URL with user info as invalid-config, naming where it really goes and never repeating the user info', () => {
    const ws = new TestWorkspace({});
    for (const [file, text, field] of [
      ['h.vault.yaml', 'name: h\nprovider: hashicorp\nurl: https://vault.corp.example.com:8200@evil.example\n', 'url'],
      ['a.vault.yaml', 'name: a\nprovider: azure\nvault_url: https://kv.vault.azure.net@evil.example/\n', 'vault_url'],
      ['w.vault.yaml', 'name: w\nprovider: aws\nregion: eu-west-1\nendpoint: https://ci:CANARY-pass@evil.example:8443\n', 'endpoint'],
      ['g.vault.yaml', 'name: g\nprovider: gcp\nproject: p\nendpoint: https://secretmanager.googleapis.com@evil.example\n', 'endpoint'],
    ] as const) {
      const diagnostics = ws.validate(file, text);
      assert.deepEqual(diagnostics.map((d) => d.code), ['invalid-config'], file);
      const d = diagnostics[0]!;
      assert.match(d.message, new RegExp(`^\`${field}\` holds user info before "@": requests would go to https://evil\\.example(:8443)?, not to what precedes "@"`));
      assert.doesNotMatch(d.message, /vault\.corp|kv\.vault|CANARY|secretmanager/);
      assert.equal(d.range.start.line, text.split('\n').findIndex((l) => l.startsWith(`${field}:`)));
    }
  });

  it('reports duplicate names within a folder on both files', () => {
    const ws = new TestWorkspace({ 'a.vault.yaml': prodVault, 'b.vault.yaml': prodVault });
    const a = ws.validate('a.vault.yaml');
    assert.deepEqual(a.map((d) => d.code), ['duplicate-vault']);
    assert.match(a[0]!.message, /b\.vault\.yaml/);
    assert.deepEqual(ws.codes('b.vault.yaml'), ['duplicate-vault']);
  });

  it('reports YAML syntax errors at the parser position and nothing else', () => {
    const ws = new TestWorkspace({});
    const diagnostics = ws.validate('p.vault.yaml', 'name: p\nprovider: [hashicorp\n');
    assert.ok(diagnostics.length >= 1);
    assert.ok(diagnostics.every((d) => d.code === 'yaml-syntax'));
    assert.equal(diagnostics[0]!.range.start.line, 2);
  });

  it('reports duplicate keys as yaml-syntax', () => {
    const ws = new TestWorkspace({});
    const diagnostics = ws.validate('p.vault.yaml', 'name: p\nprovider: aws\nregion: a\nname: q\n');
    assert.deepEqual(diagnostics.map((d) => d.code), ['yaml-syntax']);
    assert.equal(diagnostics[0]!.range.start.line, 3);
  });

  it('finds duplicate keys at any depth, in sequences, in flow maps and in maps of any size', () => {
    const ws = new TestWorkspace({});
    const lines = (d: ReturnType<typeof ws.validate>) => d.filter((x) => x.code === 'yaml-syntax').map((x) => x.range.start.line).sort((a, b) => a - b);
    const nested = 'name: c\nvalue:\n  a:\n    - x: 1\n      y: 2\n      x: 3\n  b: { k: 1, k: 2 }\n  c:\n    d:\n      e: 1\n      e: 2\n';
    assert.deepEqual(lines(ws.validate('n.connection.yaml', nested)), [5, 6, 10]);
    const big = ['name: c', 'value:', ...Array.from({ length: 40 }, (_, i) => `  k${i}: ${i}`), '  k7: again', '  k39: again'].join('\n');
    assert.deepEqual(lines(ws.validate('b.connection.yaml', `${big}\n`)), [42, 43]);
    assert.deepEqual(lines(ws.validate('s.connection.yaml', 'name: c\nvalue:\n  k: 1\n  K: 2\n  "k ": 3\n')), []);
  });
});

describe('vault configuration warnings', () => {
  it('warns when TLS verification is off, not when it is on', () => {
    const ws = new TestWorkspace({});
    const base = 'name: p\nprovider: hashicorp\nurl: https://vault.example.com\n';
    assert.deepEqual(ws.codes('a.vault.yaml', `${base}tls_skip_verify: true\n`), ['tls-verification-disabled']);
    assert.deepEqual(ws.codes('b.vault.yaml', `${base.replace('name: p', 'name: q')}tls_skip_verify: false\n`), []);
  });
});
