import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allDiagnosticCodes } from '../../server/src/service/diagnostics/codes';
import { defaultSettings } from '../../shared/src/settings';
import { userOnlySettingKeys } from '../../client/src/settings';
import {
  activeContextKey,
  clientId,
  clientSettingKeys,
  commandIds,
  defaultClipboardClearSeconds,
  serverModulePath,
} from '../../client/src/constants';

interface ConfigProperty {
  type: string;
  default: unknown;
  scope?: string;
  markdownDescription?: string;
  enum?: string[];
  enumDescriptions?: string[];
  items?: { type: string; enum?: string[] };
}

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'));
const properties: Record<string, ConfigProperty> = pkg.contributes.configuration.properties;

/** `secretRefs.files.vaultConfigs` → value, for every leaf of defaultSettings. */
function leaves(value: unknown, prefix: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) for (const [kk, vv] of leaves(v, `${prefix}.${k}`)) out.set(kk, vv);
  } else {
    out.set(prefix, value);
  }
  return out;
}

const settingLeaves = leaves(defaultSettings, clientId);

/** Settings only the VS Code client reads (never sent to the server). */
const clientOnlySettings = [
  'secretRefs.trace.server',
  `secretRefs.${clientSettingKeys.clipboardClearSeconds}`,
  `secretRefs.${clientSettingKeys.codeLens}`,
];

describe('package.json contributes.configuration', () => {
  it('declares every setting of shared/src/settings.ts with the same default', () => {
    assert.ok(settingLeaves.has('secretRefs.files.vaultConfigs') && settingLeaves.has('secretRefs.diagnostics.disabled'));
    for (const [key, value] of settingLeaves) {
      const property = properties[key];
      assert.ok(property, `${key} is missing from contributes.configuration`);
      assert.deepEqual(property.default, value, `default of ${key}`);
      assert.equal(property.type, Array.isArray(value) ? 'array' : typeof value, `type of ${key}`);
      // File and diagnostic settings may differ per folder; how secret managers are reached is per
      // window; the bounds on what is read belong to the user (a repository cannot raise them).
      const expectedScope = userOnlySettingKeys.some((k) => key === `secretRefs.${k}`) ? 'machine' : /^secretRefs\.(live|cache)\./.test(key) ? 'window' : 'resource';
      assert.equal(property.scope, expectedScope, `scope of ${key}`);
    }
  });

  it('declares the user-only settings machine-scoped: a workspace cannot set them', () => {
    for (const key of userOnlySettingKeys) assert.equal(properties[`secretRefs.${key}`]?.scope, 'machine', key);
    assert.ok(userOnlySettingKeys.includes(clientSettingKeys.clipboardClearSeconds));
  });

  it('declares nothing else but the client-only settings', () => {
    assert.deepEqual(Object.keys(properties).sort(), [...settingLeaves.keys(), ...clientOnlySettings].sort());
  });

  it('declares the preview settings: clipboard clearing (30 s, 0 = never) and code lenses (off)', () => {
    const clear = properties['secretRefs.preview.clipboardClearSeconds'] as ConfigProperty & { minimum?: number };
    assert.equal(clear.type, 'number');
    assert.equal(clear.default, defaultClipboardClearSeconds);
    assert.equal(clear.default, 30);
    assert.equal(clear.minimum, 0);
    const lens = properties['secretRefs.preview.codeLens']!;
    assert.equal(lens.type, 'boolean');
    assert.equal(lens.default, false);
  });

  it('is titled and documents every setting', () => {
    assert.equal(pkg.contributes.configuration.title, 'Secret References');
    for (const [key, property] of Object.entries(properties)) {
      assert.ok((property.markdownDescription ?? '').length > 20, `${key} needs a markdownDescription`);
    }
  });

  it('declares secretRefs.trace.server as window-scoped off | messages | verbose', () => {
    const trace = properties['secretRefs.trace.server']!;
    assert.equal(trace.type, 'string');
    assert.equal(trace.default, 'off');
    assert.equal(trace.scope, 'window');
    assert.deepEqual(trace.enum, ['off', 'messages', 'verbose']);
    assert.equal(trace.enumDescriptions?.length, 3);
  });

  it('offers exactly the diagnostic codes for secretRefs.diagnostics.disabled', () => {
    assert.deepEqual(properties['secretRefs.diagnostics.disabled']!.items?.enum, allDiagnosticCodes);
  });

  it('turns on quick suggestions inside YAML strings', () => {
    assert.deepEqual(pkg.contributes.configurationDefaults, {
      '[yaml]': { 'editor.quickSuggestions': { other: 'on', comments: 'off', strings: 'on' } },
    });
  });
});

describe('package.json activation, commands and capabilities', () => {
  it('activates on workspaces with vault configurations or connections, never on every YAML file', () => {
    assert.deepEqual(pkg.activationEvents, [
      'workspaceContains:**/*.vault.yaml',
      'workspaceContains:**/*.vault.yml',
      'workspaceContains:**/*.connection.yaml',
      'workspaceContains:**/*.connection.yml',
    ]);
  });

  it('contributes every command the client registers, in the Secret References category', () => {
    const commands: { command: string; title: string; category: string }[] = pkg.contributes.commands;
    assert.deepEqual(commands.map((c) => c.command).sort(), Object.values(commandIds).sort());
    for (const c of commands) assert.equal(c.category, 'Secret References');
    assert.deepEqual(Object.fromEntries(commands.map((c) => [c.command, c.title])), {
      'secretRefs.showOutput': 'Show Output',
      'secretRefs.restartServer': 'Restart Server',
      'secretRefs.signIn': 'Sign In...',
      'secretRefs.signOut': 'Sign Out...',
      'secretRefs.addVaultConfiguration': 'Add Vault Configuration...',
      'secretRefs.moveToVault': 'Move to Vault...',
      'secretRefs.writeSecret': 'Write Secret...',
      'secretRefs.previewSecret': 'Preview Secret Value',
      'secretRefs.resetCache': 'Reset Secret Cache',
      'secretRefs.troubleshoot': 'Troubleshoot Connection...',
    });
  });

  it('lists the commands in the command palette; those that need the server once the extension is active', () => {
    const palette: { command: string; when?: string }[] = pkg.contributes.menus.commandPalette;
    assert.deepEqual(palette.map((m) => m.command).sort(), Object.values(commandIds).sort());
    const when = (id: string) => palette.find((m) => m.command === id)?.when ?? '';
    for (const id of [commandIds.restartServer, commandIds.signIn, commandIds.signOut, commandIds.writeSecret, commandIds.resetCache, commandIds.troubleshoot]) {
      assert.equal(when(id), activeContextKey, id);
    }
    assert.match(when(commandIds.previewSecret), /secretRefs\.active && editorLangId == yaml/);
    // Usable before any vault configuration exists (running it activates the extension).
    assert.equal(when(commandIds.addVaultConfiguration), 'workspaceFolderCount > 0');
    assert.equal(when(commandIds.showOutput), '');
  });

  it('enables the commands that talk to the server only once the extension is active', () => {
    const commands: { command: string; enablement?: string }[] = pkg.contributes.commands;
    const enablement = (id: string) => commands.find((c) => c.command === id)?.enablement;
    for (const id of [commandIds.signIn, commandIds.signOut, commandIds.writeSecret, commandIds.previewSecret, commandIds.resetCache, commandIds.troubleshoot]) {
      assert.equal(enablement(id), activeContextKey, id);
    }
    assert.equal(enablement(commandIds.addVaultConfiguration), undefined);
  });

  it('supports untrusted workspaces in a limited way', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(pkg.capabilities.untrustedWorkspaces.description, /no secret manager is contacted/);
  });

  it('points YAML validation at the schemas and injects the grammar into YAML', () => {
    assert.deepEqual(pkg.contributes.yamlValidation, [
      { fileMatch: ['*.vault.yaml', '*.vault.yml'], url: './schemas/vault-config.schema.json' },
      { fileMatch: ['*.connection.yaml', '*.connection.yml'], url: './schemas/connection.schema.json' },
    ]);
    assert.deepEqual(pkg.contributes.grammars, [
      { scopeName: 'secretrefs.injection', path: './syntaxes/secretrefs.injection.tmLanguage.json', injectTo: ['source.yaml'] },
    ]);
  });

  it('starts the bundled client and server', () => {
    assert.equal(pkg.main, './dist/client.js');
    assert.equal(serverModulePath, 'dist/server.js');
  });

  it('packages every bundle the server loads at run time (.vscodeignore is a whitelist)', () => {
    const kept = readFileSync(fileURLToPath(new URL('../../.vscodeignore', import.meta.url)), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).trim());
    for (const file of ['dist/client.js', 'dist/server.js', 'dist/analysisWorker.js', 'dist/providers/*.js']) assert.ok(kept.includes(file), `${file} is packaged`);
  });
});
