import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { previewSecretRequest, type PreviewSecretParams, type PreviewSecretResult } from '../../shared/src/customMessages';
import { previewBinding, seal } from '../../shared/src/sealing';
import { describeReference, parsePreviewArgs } from '../../client/src/commands/preview';
import { referenceAt, referencesInText } from '../../client/src/references';
import { editorAt, settle, type FakeCodeLens, type FakeDocument, type Harness } from './fakes';
import { everythingButSecrets, started } from './helpers';

const connectionUri = 'file:///ws/a/oracle.connection.yaml';
const connection = [
  'name: oracle', //                                        0
  'vault_secrets:', //                                      1
  '  - vault: prod', //                                     2
  '    engine: secret', //                                  3
  '    path: data/oracle', //                               4
  'value:', //                                              5
  '  password: vault.secret(password)', //                  6
  '  url: "jdbc:vault.secret(user)@h"  # vault.secret(x)', // 7
  '# vault.secret(commented)', //                           8
  '  inline: vault.secret(prod:secret/data/oracle.password)', // 9
].join('\n');

const secretValue = 'S3cr3t-CANARY\nsecond line';
const olderValue = 'old-CANARY';

function serve(h: Harness, requests: PreviewSecretParams[], override?: (p: PreviewSecretParams) => PreviewSecretResult | undefined): void {
  h.responders.set(previewSecretRequest, (p: PreviewSecretParams): PreviewSecretResult => {
    requests.push(p);
    const custom = override?.(p);
    if (custom) return custom;
    const value = p.version === 2 ? olderValue : secretValue;
    return {
      ok: true,
      sealed: seal(h.lastClient.sessionKey, JSON.stringify({ value }), previewBinding(p.textDocument.uri, p.position.line, p.position.character)),
      label: 'prod:secret/data/oracle · password',
      versions: [
        { version: 3, createdTime: '2024-05-01T10:00:00Z', state: 'current' },
        { version: 2, createdTime: '2024-04-01T10:00:00Z', state: 'active' },
      ],
    };
  });
}

async function withEditor(setup?: (h: Harness) => void, line = 6, character = 20) {
  const requests: PreviewSecretParams[] = [];
  const s = await started((h) => {
    serve(h, requests);
    const doc = h.workspace.openFile(connectionUri, connection);
    h.window.activeTextEditor = editorAt(doc, line, character);
    setup?.(h);
  });
  return { ...s, requests };
}

function previewDocument(h: Harness): FakeDocument {
  const shown = h.window.shownDocuments.at(-1);
  assert.ok(shown, 'a preview document is shown');
  assert.equal(shown.document.uri.scheme, 'secretrefs-preview');
  return shown.document as unknown as FakeDocument;
}

describe('Preview Secret Value', () => {
  it('asks first, then shows the value masked in a read-only document until Reveal', async () => {
    const s = await withEditor();
    let masked = '';
    let revealed = '';
    s.h.window.answer('Show Value', () => {
      masked = previewDocument(s.h).getText();
      return 'Reveal';
    }, () => {
      revealed = previewDocument(s.h).getText();
      return undefined;
    });
    await s.run('secretRefs.previewSecret');
    const confirm = s.h.window.prompts[0]!;
    assert.equal(confirm.message, 'Show the value of `vault.secret(password)`? It will be visible on screen.');
    assert.equal(confirm.options.modal, true);
    assert.deepEqual(s.requests, [{ textDocument: { uri: connectionUri }, position: { line: 6, character: 20 } }]);
    assert.match(masked, /••••••••/);
    assert.ok(!masked.includes('CANARY'), 'masked until Reveal');
    assert.match(masked, /prod:secret\/data\/oracle · password/);
    assert.ok(revealed.includes(secretValue), 'the whole value, newlines included');
    const actions = s.h.window.prompts[1]!;
    assert.deepEqual(actions.items, ['Reveal', 'Copy', 'Choose Version...']);
    assert.deepEqual(s.h.window.prompts[2]!.items, ['Hide', 'Copy', 'Choose Version...']);
    assert.ok(!everythingButSecrets(s.h).includes('CANARY'), 'never logged or shown in a message');
  });

  it('cancelling the confirmation reads nothing', async () => {
    const s = await withEditor();
    await s.run('secretRefs.previewSecret');
    assert.equal(s.requests.length, 0);
    assert.equal(s.h.window.shownDocuments.length, 0);
  });

  it('dismissing the notification leaves the value masked and forgets it', async () => {
    const s = await withEditor();
    s.h.window.answer('Show Value', () => {
      assert.ok(!previewDocument(s.h).getText().includes('CANARY'));
      return undefined;
    });
    await s.run('secretRefs.previewSecret');
    assert.match(previewDocument(s.h).getText(), /This preview was closed/);
  });

  it('keeps a revealed value until its document closes', async () => {
    const s = await withEditor();
    s.h.window.answer('Show Value', 'Reveal');
    await s.run('secretRefs.previewSecret');
    const doc = previewDocument(s.h);
    assert.ok(doc.getText().includes(secretValue));
    s.h.workspace.closeDocument(doc as unknown as vscode.TextDocument);
    assert.match(doc.getText(), /This preview was closed/);
  });

  it('Copy puts the value on the clipboard and clears it after the timeout if it still holds it', async () => {
    const s = await withEditor();
    s.h.window.answer('Show Value', 'Copy');
    await s.run('secretRefs.previewSecret');
    assert.equal(s.h.clipboard.value, secretValue);
    assert.equal(s.h.timers.live, 1);
    assert.equal(s.h.timers.pending[0]!.ms, 30_000);
    assert.ok(!previewDocument(s.h).getText().includes('CANARY'), 'copying does not reveal');
    s.h.timers.fireAll();
    await settle();
    assert.equal(s.h.clipboard.value, '');
    const note = s.h.window.prompts.at(-1)!.message!;
    assert.match(note, /Copied; the clipboard is cleared in 30 s/);
  });

  it('does not clear the clipboard when the user copied something else meanwhile', async () => {
    const s = await withEditor();
    s.h.window.answer('Show Value', 'Copy');
    await s.run('secretRefs.previewSecret');
    s.h.clipboard.value = 'something the user copied';
    s.h.timers.fireAll();
    await settle();
    assert.equal(s.h.clipboard.value, 'something the user copied');
  });

  it('uses the clipboard setting; 0 never clears', async () => {
    const s = await withEditor((h) => h.workspace.values.set('secretRefs.preview.clipboardClearSeconds', 5));
    s.h.window.answer('Show Value', 'Copy');
    await s.run('secretRefs.previewSecret');
    assert.equal(s.h.timers.pending[0]!.ms, 5000);

    const t = await withEditor((h) => h.workspace.values.set('secretRefs.preview.clipboardClearSeconds', 0));
    t.h.window.answer('Show Value', 'Copy');
    await t.run('secretRefs.previewSecret');
    assert.equal(t.h.timers.pending.length, 0);
    assert.equal(t.h.clipboard.value, secretValue);
  });

  it("a workspace's .vscode/settings.json cannot shorten or disable the clipboard clearing", async () => {
    const s = await withEditor((h) => {
      h.workspace.workspaceValues.set('secretRefs.preview.clipboardClearSeconds', 0);
      h.workspace.folderValues.set('a', new Map<string, unknown>([['secretRefs.preview.clipboardClearSeconds', 0]]));
    });
    s.h.window.answer('Show Value', 'Copy');
    await s.run('secretRefs.previewSecret');
    assert.equal(s.h.timers.pending[0]?.ms, 30_000, 'the default, not the workspace value');

    const t = await withEditor((h) => {
      h.workspace.values.set('secretRefs.preview.clipboardClearSeconds', 10);
      h.workspace.workspaceValues.set('secretRefs.preview.clipboardClearSeconds', 3600);
    });
    t.h.window.answer('Show Value', 'Copy');
    await t.run('secretRefs.previewSecret');
    assert.equal(t.h.timers.pending[0]?.ms, 10_000, "the user's value");
  });

  it('clears a pending clipboard value when the extension stops', async () => {
    const s = await withEditor();
    s.h.window.answer('Show Value', 'Copy');
    await s.run('secretRefs.previewSecret');
    await s.ext.stop();
    assert.equal(s.h.clipboard.value, '');
    assert.equal(s.h.timers.live, 0);
  });

  it('Choose Version... reads the chosen version and shows it masked again', async () => {
    const s = await withEditor();
    let text = '';
    s.h.window.answer('Show Value', 'Reveal', 'Choose Version...', 'Version 2', () => {
      text = previewDocument(s.h).getText();
      return undefined;
    });
    await s.run('secretRefs.previewSecret');
    assert.deepEqual(s.requests.map((r) => r.version), [undefined, 2]);
    assert.ok(!text.includes('CANARY'), 'masked again');
    assert.match(text, /version 2/);
    const versionPick = s.h.window.prompts.find((p) => p.kind === 'quickPick')!;
    assert.deepEqual((versionPick.items as { label: string; description: string }[]).map((i) => `${i.label} ${i.description}`), ['Version 3 current', 'Version 2 active']);
  });

  it('forgets the value when the preview document closes', async () => {
    const s = await withEditor();
    let closedText = '';
    s.h.window.answer('Show Value', () => {
      const doc = previewDocument(s.h);
      s.h.workspace.closeDocument(doc as unknown as vscode.TextDocument);
      closedText = doc.getText();
      return 'Reveal';
    });
    await s.run('secretRefs.previewSecret');
    assert.match(closedText, /This preview was closed/);
    assert.equal(s.h.window.prompts.length, 2, 'no further actions once closed');
  });

  it('accepts { uri, line, character } from a hover link or code lens, reading the reference from the open file', async () => {
    const requests: PreviewSecretParams[] = [];
    const s = await started((h) => {
      serve(h, requests);
      h.workspace.openFile(connectionUri, connection);
    });
    s.h.window.answer('Show Value');
    await s.run('secretRefs.previewSecret', { uri: connectionUri, line: 7, character: 14 });
    assert.equal(s.h.window.prompts[0]!.message, 'Show the value of `vault.secret(user)`? It will be visible on screen.');
    assert.deepEqual(requests, [{ textDocument: { uri: connectionUri }, position: { line: 7, character: 14 } }]);
  });

  it('names an inline reference by path and key', async () => {
    const s = await withEditor(undefined, 9, 30);
    await s.run('secretRefs.previewSecret');
    assert.equal(s.h.window.prompts[0]!.message, 'Show the value of `prod:secret/data/oracle` key password? It will be visible on screen.');
  });

  it('refuses arguments that name no reference in an open workspace file, asking nothing and reading nothing', async () => {
    const requests: PreviewSecretParams[] = [];
    const s = await started((h) => serve(h, requests));
    await s.run('secretRefs.previewSecret', { uri: 'file:///ws/a/missing.connection.yaml', line: 4, character: 2 });
    assert.equal(s.h.window.prompts.length, 0);
    assert.match(s.h.window.texts('error')[0]!, /not a vault\.secret\(\.\.\.\) reference in an open file of this workspace; nothing was read/);
    assert.equal(requests.length, 0);
  });

  it('says to put the cursor on a reference, and reads nothing, when there is none', async () => {
    for (const [line, character] of [[0, 2], [8, 5], [7, 42]] as const) {
      const s = await withEditor(undefined, line, character);
      await s.run('secretRefs.previewSecret');
      assert.match(s.h.window.texts('info')[0]!, /put the cursor on a vault\.secret/);
      assert.equal(s.requests.length, 0);
      assert.equal(s.h.window.prompts.length, 0);
    }
  });

  it('shows the server\'s reason when the value cannot be read', async () => {
    const requests: PreviewSecretParams[] = [];
    const s = await started((h) => {
      serve(h, requests, () => ({ ok: false, message: 'permission denied' }));
      h.window.activeTextEditor = editorAt(h.workspace.openFile(connectionUri, connection), 6, 20);
    });
    s.h.window.answer('Show Value');
    await s.run('secretRefs.previewSecret');
    assert.match(s.h.window.texts('error')[0]!, /cannot preview the value: permission denied/);
    assert.equal(s.h.window.shownDocuments.length, 0);
  });

  it('refuses a value sealed for another position', async () => {
    const requests: PreviewSecretParams[] = [];
    const s = await started((h) => {
      serve(h, requests, (p) => ({
        ok: true,
        sealed: seal(h.lastClient.sessionKey, JSON.stringify({ value: 'x' }), previewBinding(p.textDocument.uri, 0, 0)),
        label: 'l',
        versions: [],
      }));
      h.window.activeTextEditor = editorAt(h.workspace.openFile(connectionUri, connection), 6, 20);
    });
    s.h.window.answer('Show Value');
    await s.run('secretRefs.previewSecret');
    assert.match(s.h.window.texts('error')[0]!, /could not be unsealed/);
    assert.equal(s.h.window.shownDocuments.length, 0);
  });

  it('needs a trusted workspace', async () => {
    const s = await withEditor((h) => {
      h.workspace.isTrusted = false;
    });
    await s.run('secretRefs.previewSecret');
    assert.match(s.h.window.texts('warning')[0]!, /Previewing a secret value needs a trusted workspace/);
    assert.equal(s.requests.length, 0);
  });
});

describe('Preview code lenses', () => {
  it('are off by default, and on with secretRefs.preview.codeLens: one per reference, running the command with its position', async () => {
    const s = await withEditor();
    const registered = s.h.languages.codeLensProviders.at(-1)!;
    assert.deepEqual(registered.selector, s.h.lastClient.clientOptions.documentSelector);
    const doc = s.h.workspace.textDocuments[0]!;
    const provider = registered.provider;
    assert.deepEqual(provider.provideCodeLenses(doc, undefined as never), []);
    let changed = 0;
    provider.onDidChangeCodeLenses!(() => changed++);
    s.h.workspace.change({ 'secretRefs.preview.codeLens': true });
    assert.equal(changed, 1);
    const lenses = provider.provideCodeLenses(doc, undefined as never) as unknown as FakeCodeLens[];
    assert.deepEqual(
      lenses.map((l) => [l.range.startLine, l.range.startCharacter, l.range.endCharacter, l.command?.command, l.command?.title]),
      [
        [6, 12, 34, 'secretRefs.previewSecret', 'Preview value'],
        [7, 13, 31, 'secretRefs.previewSecret', 'Preview value'],
        [9, 10, 56, 'secretRefs.previewSecret', 'Preview value'],
      ],
    );
    assert.deepEqual(lenses[0]!.command?.arguments, [{ uri: connectionUri, line: 6, character: 12 }]);
    // The lens's arguments are what the command accepts.
    s.h.window.answer('Show Value');
    await s.run('secretRefs.previewSecret', ...(lenses[1]!.command!.arguments ?? []));
    assert.deepEqual(s.requests.at(-1), { textDocument: { uri: connectionUri }, position: { line: 7, character: 13 } });
    assert.equal(s.h.window.prompts.at(-2)!.message, 'Show the value of `vault.secret(user)`? It will be visible on screen.');
  });
});

describe('references and preview arguments', () => {
  it('finds references outside comments', () => {
    assert.deepEqual(
      referencesInText(connection).map((r) => r.text),
      ['vault.secret(password)', 'vault.secret(user)', 'vault.secret(prod:secret/data/oracle.password)'],
    );
    assert.equal(referencesInText('x: myvault.secret(a) vault.secret( b) vault.secrets(c)').length, 0);
    assert.equal(referenceAt("  k: 'a # vault.secret(x)'", 0, 12)?.text, 'vault.secret(x)', 'a # inside quotes is no comment');
    assert.equal(referenceAt('  k: vault.secret(x)', 0, 20)?.text, 'vault.secret(x)', 'right after the closing parenthesis');
  });

  it('names inline references by path and key in the confirmation', () => {
    assert.equal(describeReference('vault.secret(prod:secret/data/oracle.password)'), '`prod:secret/data/oracle` key password');
    assert.equal(describeReference('vault.secret(prod-aws:payments/api-key.*)'), '`prod-aws:payments/api-key` (the whole secret)');
    assert.equal(describeReference('vault.secret(db.user)'), '`vault.secret(db.user)`');
    assert.equal(describeReference('vault.secret(a:b)'), '`vault.secret(a:b)`');
  });

  it('parses the command argument defensively', () => {
    assert.deepEqual(parsePreviewArgs({ uri: 'file:///a', line: 1, character: 2 }), { uri: 'file:///a', line: 1, character: 2 });
    assert.deepEqual(parsePreviewArgs([{ uri: 'file:///a', line: 0, character: 0 }]), { uri: 'file:///a', line: 0, character: 0 });
    assert.equal(parsePreviewArgs(undefined), undefined);
    assert.equal(parsePreviewArgs({ uri: 'file:///a', line: -1, character: 0 }), undefined);
    assert.equal(parsePreviewArgs({ uri: 'file:///a', line: 1.5, character: 0 }), undefined);
    assert.equal(parsePreviewArgs({ line: 1, character: 0 }), undefined);
  });
});
