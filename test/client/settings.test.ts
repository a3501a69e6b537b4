import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSettings, normalizeSettings } from '../../shared/src/settings';
import {
  buildDocumentSelector,
  currentDocumentSelector,
  readSettings,
  sameSelector,
  toSelectorPattern,
} from '../../client/src/settings';
import { buildClientOptions, buildInitializationOptions } from '../../client/src/clientOptions';
import { FakeWorkspace, folder } from './fakes';

describe('client settings', () => {
  it('reads defaults when nothing is configured', () => {
    assert.deepEqual(readSettings(new FakeWorkspace()), defaultSettings);
  });

  it('reads and normalizes configured values, folder values over window values', () => {
    const ws = new FakeWorkspace();
    ws.values.set('secretRefs.files.maxSizeKb', 'big');
    ws.values.set('secretRefs.files.exclude', ['**/out/**']);
    ws.values.set('secretRefs.diagnostics.disabled', ['unused-secret', 42]);
    const a = folder('a');
    ws.folderValues.set('a', new Map([['secretRefs.files.exclude', []]]));
    assert.deepEqual(readSettings(ws), {
      files: { ...defaultSettings.files, exclude: ['**/out/**'] },
      diagnostics: { disabled: [] },
      live: defaultSettings.live,
      cache: defaultSettings.cache,
      hardcodedCredentials: defaultSettings.hardcodedCredentials,
    });
    assert.deepEqual(readSettings(ws, a).files.exclude, []);
  });

  it('turns folder-relative patterns into patterns that match a full path', () => {
    assert.equal(toSelectorPattern('**/*.vault.yaml'), '**/*.vault.yaml');
    assert.equal(toSelectorPattern('config/*.vault.yaml'), '**/config/*.vault.yaml');
    assert.equal(toSelectorPattern('./config/x.yaml'), '**/config/x.yaml');
    assert.equal(toSelectorPattern('*.yaml'), '**/*.yaml');
    assert.equal(toSelectorPattern('config\\win\\*.yml'), '**/config/win/*.yml');
    assert.equal(toSelectorPattern('/abs/*.yaml'), '/abs/*.yaml');
    assert.equal(toSelectorPattern('C:/abs/*.yaml'), 'C:/abs/*.yaml');
    assert.equal(toSelectorPattern('  '), '');
  });

  it('builds one file/yaml filter per distinct pattern', () => {
    const s = normalizeSettings({ files: { vaultConfigs: ['a/*.yaml', '**/a/*.yaml'], connections: ['', 'c.yml'] } });
    assert.deepEqual(buildDocumentSelector([s]), [
      { scheme: 'file', language: 'yaml', pattern: '**/a/*.yaml' },
      { scheme: 'file', language: 'yaml', pattern: '**/c.yml' },
    ]);
  });

  it('an empty pattern list gives an empty selector', () => {
    const s = normalizeSettings({ files: { vaultConfigs: [], connections: [] } });
    assert.deepEqual(buildDocumentSelector([s]), []);
  });

  it('unites the window and all folders', () => {
    const ws = new FakeWorkspace();
    ws.workspaceFolders = [folder('a'), folder('b', 1)];
    ws.folderValues.set('b', new Map([['secretRefs.files.vaultConfigs', ['vaults/**/*.yaml']]]));
    assert.deepEqual(
      currentDocumentSelector(ws).map((f) => f.pattern),
      ['**/*.vault.yaml', '**/*.vault.yml', '**/*.connection.yaml', '**/*.connection.yml', '**/vaults/**/*.yaml'],
    );
  });

  it('compares selectors regardless of order', () => {
    const a = buildDocumentSelector([defaultSettings]);
    assert.ok(sameSelector(a, [...a].reverse()));
    assert.ok(!sameSelector(a, a.slice(1)));
    assert.ok(!sameSelector(a, [...a.slice(1), { scheme: 'file', language: 'yaml', pattern: '**/x' }]));
  });

  it("a workspace's .vscode/settings.json cannot change the user-only settings; it still sets the others", () => {
    const ws = new FakeWorkspace();
    ws.workspaceFolders = [folder('a')];
    // What a hostile repository writes, at workspace and folder level.
    ws.workspaceValues.set('secretRefs.files.maxFiles', 1e9);
    ws.workspaceValues.set('secretRefs.files.maxSizeKb', 16384);
    ws.workspaceValues.set('secretRefs.preview.clipboardClearSeconds', 0);
    ws.workspaceValues.set('secretRefs.files.exclude', ['**/vendor/**']);
    ws.folderValues.set('a', new Map<string, unknown>([['secretRefs.files.maxFiles', 99999]]));
    assert.equal(readSettings(ws).files.maxFiles, defaultSettings.files.maxFiles);
    assert.equal(readSettings(ws, folder('a')).files.maxFiles, defaultSettings.files.maxFiles);
    assert.equal(readSettings(ws).files.maxSizeKb, defaultSettings.files.maxSizeKb);
    assert.deepEqual(readSettings(ws).files.exclude, ['**/vendor/**']);
    // The user's own values count.
    ws.values.set('secretRefs.files.maxFiles', 20000);
    ws.values.set('secretRefs.files.maxSizeKb', 4096);
    assert.equal(readSettings(ws).files.maxFiles, 20000);
    assert.equal(readSettings(ws).files.maxSizeKb, 4096);
    assert.equal(buildInitializationOptions(ws).settings.files.maxFiles, 20000);
  });

  it("the server's workspace/configuration answer carries the user's values of the user-only settings", async () => {
    const ws = new FakeWorkspace();
    ws.workspaceValues.set('secretRefs.files.maxFiles', 1e9);
    ws.workspaceValues.set('secretRefs.files.maxSizeKb', 16384);
    ws.workspaceValues.set('secretRefs.live.timeoutSeconds', 9);
    ws.values.set('secretRefs.files.maxSizeKb', 512);
    const options = buildClientOptions({ configuration: ws } as unknown as Parameters<typeof buildClientOptions>[0]);
    const configuration = options.middleware?.workspace?.configuration;
    assert.ok(configuration, 'a configuration middleware');
    // What vscode-languageclient answers by itself: the merged section, workspace values included.
    const merged = { files: { maxFiles: 1e9, maxSizeKb: 16384, exclude: ['**/x/**'] }, live: { timeoutSeconds: 9 } };
    const params = { items: [{ section: 'secretRefs' }, { section: 'other' }] };
    const answer = await configuration(params, {} as never, () => [merged, { maxFiles: 1e9 }]);
    assert.deepEqual(answer, [{ files: { maxSizeKb: 512, exclude: ['**/x/**'] }, live: { timeoutSeconds: 9 } }, { maxFiles: 1e9 }]);
    assert.equal(merged.files.maxFiles, 1e9, 'the answer is a copy');
  });

  it('initialization options carry window settings and trust', () => {
    const ws = new FakeWorkspace();
    ws.isTrusted = false;
    assert.deepEqual(buildInitializationOptions(ws), { settings: defaultSettings, trusted: false, watchesFiles: true });
  });
});
