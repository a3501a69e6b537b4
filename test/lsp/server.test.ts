import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionList, Hover, Location } from 'vscode-languageserver-protocol';
import { codes, makeFolder, startHarness, type Harness } from '../helpers/lspHarness';

const prodVault = 'name: prod\nprovider: hashicorp\nurl: https://vault.example.com:8200\nengines:\n  secret: { type: kv, version: 2 }\n  legacy: { type: kv, version: 1 }\n';
const broken = 'name: c\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: oracle\nvalue:\n  password: vault.secret(password)\n';

describe('language server over an in-memory connection', () => {
  const folder = makeFolder({ 'vaults/prod.vault.yaml': prodVault, 'other.connection.yaml': 'name: o\nvalue: vault.secret(prod:secret/data/oracle.user)\n' });
  let h: Harness;
  before(async () => {
    h = await startHarness({ folders: [folder.uri] });
  });
  after(async () => {
    await h.dispose();
    folder.dispose();
  });

  it('announces its capabilities', () => {
    const caps = h.initializeResult.capabilities;
    assert.ok(caps.completionProvider?.triggerCharacters?.includes('('));
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.definitionProvider, true);
    assert.ok(caps.codeActionProvider);
  });

  it('validates an open connection against a vault configuration that is only on disk', async () => {
    const uri = folder.file('c.connection.yaml');
    h.open(uri, broken);
    const diagnostics = await h.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(codes(diagnostics), ['kv2-missing-data-prefix']);
    assert.equal(diagnostics[0]!.source, 'secretrefs');
  });

  it('re-validates on change and clears fixed problems', async () => {
    const uri = folder.file('c.connection.yaml');
    h.change(uri, broken.replace('path: oracle', 'path: data/oracle'), 2);
    await h.waitForDiagnostics(uri, (d) => d.length === 0);
  });

  it('answers completion, hover, definition and code actions', async () => {
    const uri = folder.file('d.connection.yaml');
    h.open(uri, broken);
    const [diagnostic] = await h.waitForDiagnostics(uri, (d) => d.length > 0);
    const completion = (await h.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 13 } })) as CompletionList;
    assert.ok(completion.items.some((i) => i.label === 'prod'));
    const keys = (await h.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 25 } })) as CompletionList;
    assert.ok(keys.items.length >= 1);
    const hover = (await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 20 } })) as Hover;
    assert.match((hover.contents as { value: string }).value, /\/v1\/secret\/oracle/);
    const definition = (await h.client.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: 2, character: 13 } })) as Location[];
    assert.equal(definition[0]!.uri, folder.file('vaults/prod.vault.yaml'));
    const actions = (await h.client.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic!.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
    assert.equal(actions[0]!.title, 'Insert `data/` (KV v2)');
    assert.deepEqual(actions[0]!.edit!.changes![uri]![0]!.newText, 'data/');
  });

  it('follows a vault configuration changed on disk', async () => {
    const uri = folder.file('e.connection.yaml');
    h.open(uri, broken.replace('vault: prod', 'vault: staging'));
    await h.waitForDiagnostics(uri, (d) => codes(d).includes('unknown-vault'));
    writeFileSync(join(folder.path, 'vaults/staging.vault.yaml'), prodVault.replace('name: prod', 'name: staging'));
    await h.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: folder.file('vaults/staging.vault.yaml'), type: 1 }] });
    await h.waitForDiagnostics(uri, (d) => !codes(d).includes('unknown-vault') && codes(d).includes('kv2-missing-data-prefix'));
  });

  it('re-validates connections when an open vault configuration is edited', async () => {
    const uri = folder.file('d.connection.yaml');
    const vaultUri = folder.file('vaults/prod.vault.yaml');
    h.open(vaultUri, prodVault.replace('secret: { type: kv, version: 2 }', 'secret: { type: kv, version: 1 }'));
    await h.waitForDiagnostics(uri, (d) => d.length === 0);
    h.close(vaultUri);
    await h.waitForDiagnostics(uri, (d) => codes(d).includes('kv2-missing-data-prefix'));
  });

  it('clears diagnostics when a document closes', async () => {
    const uri = folder.file('d.connection.yaml');
    h.close(uri);
    await h.waitForDiagnostics(uri, (d) => d.length === 0);
  });

  it('ignores YAML files that match no pattern', async () => {
    const uri = folder.file('notes.yaml');
    h.open(uri, 'value: vault.secret()\n');
    const completion = await h.client.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(completion, null);
    assert.equal(h.diagnostics.get(uri), undefined);
  });

  it('reports its status', () => {
    const status = h.notifications.filter((n) => n.method === 'secretRefs/status').at(-1)?.params as { indexing: boolean; vaultConfigs: number };
    assert.equal(status.indexing, false);
    assert.ok(status.vaultConfigs >= 1);
  });
});

describe('settings and clients', () => {
  it('takes settings from initializationOptions when the client cannot be asked (Neovim 0.7)', async () => {
    const folder = makeFolder({ 'prod.vault.yaml': prodVault });
    const h = await startHarness({ folders: [folder.uri], capabilities: {}, initializationOptions: { settings: { diagnostics: { disabled: ['kv2-missing-data-prefix'] } } } });
    try {
      const uri = folder.file('c.connection.yaml');
      h.open(uri, broken.replace('value:\n', 'value:\n  x: vault.secret()\n'));
      assert.deepEqual(codes(await h.waitForDiagnostics(uri, (d) => d.length > 0)), ['malformed-reference']);
    } finally {
      await h.dispose();
      folder.dispose();
    }
  });

  it('keeps initializationOptions settings when workspace/configuration answers nothing for the section', async () => {
    const folder = makeFolder({ 'prod.vault.yaml': prodVault });
    const h = await startHarness({
      folders: [folder.uri],
      capabilities: { workspace: { configuration: true } },
      configuration: null,
      initializationOptions: { settings: { diagnostics: { disabled: ['kv2-missing-data-prefix'] } } },
    });
    try {
      const uri = folder.file('c.connection.yaml');
      h.open(uri, broken.replace('value:\n', 'value:\n  x: vault.secret()\n'));
      assert.deepEqual(codes(await h.waitForDiagnostics(uri, (d) => d.length > 0)), ['malformed-reference']);
    } finally {
      await h.dispose();
      folder.dispose();
    }
  });

  it('registers for configuration changes only when the client allows dynamic registration (eglot does not)', async () => {
    const folder = makeFolder({ 'prod.vault.yaml': prodVault });
    const without = await startHarness({ folders: [folder.uri], capabilities: { workspace: { configuration: true } } });
    const withIt = await startHarness({ folders: [folder.uri], capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } } });
    try {
      const uri = folder.file('c.connection.yaml');
      for (const h of [without, withIt]) {
        h.open(uri, broken);
        await h.waitForDiagnostics(uri, (d) => d.length > 0);
      }
      assert.ok(!without.registrations.includes('workspace/didChangeConfiguration'));
      assert.ok(withIt.registrations.includes('workspace/didChangeConfiguration'));
    } finally {
      await without.dispose();
      await withIt.dispose();
      folder.dispose();
    }
  });

  it('pulls settings with workspace/configuration, including custom file patterns', async () => {
    const folder = makeFolder({ 'vaults/prod.secrets.yaml': prodVault });
    const h = await startHarness({
      folders: [folder.uri],
      capabilities: { workspace: { configuration: true } },
      configuration: { files: { vaultConfigs: ['**/*.secrets.yaml'], connections: ['**/*.conn.yaml'] } },
    });
    try {
      const uri = folder.file('db.conn.yaml');
      h.open(uri, broken);
      assert.deepEqual(codes(await h.waitForDiagnostics(uri, (d) => d.length > 0)), ['kv2-missing-data-prefix']);
    } finally {
      await h.dispose();
      folder.dispose();
    }
  });

  it('keeps the folders of a multi-root workspace apart', async () => {
    const a = makeFolder({ 'prod.vault.yaml': prodVault });
    const b = makeFolder({ 'prod.vault.yaml': prodVault, 'only-b.vault.yaml': 'name: bee\nprovider: local\n' });
    const h = await startHarness({ folders: [a.uri, b.uri] });
    try {
      const vaultB = b.file('prod.vault.yaml');
      h.open(vaultB, prodVault);
      const inA = a.file('c.connection.yaml');
      h.open(inA, 'name: c\nvault_secrets:\n  - vault: bee\n    secret: x\nvalue: vault.secret(k)\n');
      assert.deepEqual(codes(await h.waitForDiagnostics(inA, (d) => d.length > 0)), ['unknown-vault']);
      assert.deepEqual(await h.waitForDiagnostics(vaultB, () => true), []);
    } finally {
      await h.dispose();
      a.dispose();
      b.dispose();
    }
  });
});
