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
import { buildInitializationOptions } from '../../client/src/clientOptions';
import { FakeWorkspace, folder } from './fakes';

describe('client settings', () => {
  it('reads defaults when nothing is configured', () => {
    assert.deepEqual(readSettings(new FakeWorkspace()), defaultSettings);
  });

  it('reads and normalizes configured values, folder values over window values', () => {
    const ws = new FakeWorkspace();
    ws.values.set('secretRefs.files.maxSizeKb', -1);
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

  it('initialization options carry window settings and trust', () => {
    const ws = new FakeWorkspace();
    ws.isTrusted = false;
    assert.deepEqual(buildInitializationOptions(ws), { settings: defaultSettings, trusted: false, watchesFiles: true });
  });
});
