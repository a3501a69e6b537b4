/**
 * Reading `secretRefs.*` from the editor and turning the file patterns into a document selector.
 * No `vscode` values are imported: the configuration source is passed in.
 */
import type * as vscode from 'vscode';
import { normalizeSettings, settingsSection, type Settings } from '../../shared/src/settings';

/** One section of the configuration, as `vscode.WorkspaceConfiguration` offers it. */
export interface ScopedConfiguration {
  get<T>(key: string): T | undefined;
  inspect<T>(key: string): { defaultValue?: T; globalValue?: T } | undefined;
}

/** The part of `vscode.workspace` needed to read settings. */
export interface ConfigurationSource {
  readonly workspaceFolders: readonly vscode.WorkspaceFolder[] | undefined;
  getConfiguration(section?: string, scope?: vscode.ConfigurationScope | null): ScopedConfiguration;
}

/** Setting keys (under `secretRefs.`) whose change alters the document selector. */
export const filePatternKeys = ['files.vaultConfigs', 'files.connections'] as const;

/**
 * Settings (under `secretRefs.`) that a repository's `.vscode/settings.json` must not change: the
 * bounds on what the server reads, and how long a copied secret stays on the clipboard. package.json
 * declares them `machine`-scoped (user or remote-machine settings only), and the client reads the
 * user's value itself (`inspect().globalValue`), so a workspace value is ignored whatever VS Code does.
 */
export const userOnlySettingKeys = ['files.maxSizeKb', 'files.maxFiles', 'preview.clipboardClearSeconds'] as const;

const userOnly = new Set<string>(userOnlySettingKeys);

/** The user's own value of a setting (user or remote-machine settings), else its default; never a workspace's. */
export function userValue(config: ScopedConfiguration, key: string): unknown {
  const inspected = config.inspect<unknown>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** A setting's value as the product uses it: the user's own for the user-only settings. */
function settingValue(config: ScopedConfiguration, key: string): unknown {
  return userOnly.has(key) ? userValue(config, key) : config.get(key);
}

/**
 * The `secretRefs` section as answered to the server's `workspace/configuration`, with the
 * user-only settings replaced by the user's own values (removed when the user set none, so the
 * server uses its default).
 */
export function withUserOnlyValues(section: unknown, source: ConfigurationSource): unknown {
  if (section === null || typeof section !== 'object' || Array.isArray(section)) return section;
  const copy = JSON.parse(JSON.stringify(section)) as Record<string, unknown>;
  const config = source.getConfiguration(settingsSection);
  for (const key of userOnlySettingKeys) {
    const [group, name] = key.split('.') as [string, string];
    const current = copy[group];
    const target = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : undefined;
    const value = userValue(config, key);
    if (value !== undefined) copy[group] = { ...target, [name]: value };
    else if (target) delete target[name];
  }
  return copy;
}

/** Reads and normalizes the settings, for a workspace folder or (without scope) the window. */
export function readSettings(source: ConfigurationSource, scope?: vscode.WorkspaceFolder): Settings {
  const raw = source.getConfiguration(settingsSection, scope);
  const config = { get: (key: string) => settingValue(raw, key) };
  return normalizeSettings({
    files: {
      vaultConfigs: config.get('files.vaultConfigs'),
      connections: config.get('files.connections'),
      exclude: config.get('files.exclude'),
      maxSizeKb: config.get('files.maxSizeKb'),
      maxFiles: config.get('files.maxFiles'),
    },
    diagnostics: {
      disabled: config.get('diagnostics.disabled'),
    },
    live: {
      enabled: config.get('live.enabled'),
      timeoutSeconds: config.get('live.timeoutSeconds'),
      expiryWarningDays: config.get('live.expiryWarningDays'),
    },
    cache: {
      ttlSeconds: config.get('cache.ttlSeconds'),
    },
    hardcodedCredentials: {
      enabled: config.get('hardcodedCredentials.enabled'),
      disabledRules: config.get('hardcodedCredentials.disabledRules'),
      fieldNames: config.get('hardcodedCredentials.fieldNames'),
    },
  });
}

/** A filter both `vscode.DocumentSelector` and the LSP `DocumentSelector` accept. */
export interface YamlFileFilter {
  scheme: 'file';
  language: 'yaml';
  pattern: string;
}

/**
 * Settings patterns are relative to a workspace folder, while a document filter's pattern is
 * matched against the whole file path. A pattern that starts with a globstar segment already
 * matches anywhere; any other relative pattern gets one prepended (the server still applies the
 * exact, folder-relative pattern, so a wider selector only means a few more documents are
 * synchronized).
 */
export function toSelectorPattern(pattern: string): string {
  let p = pattern.trim().replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  if (p === '' || p.startsWith('**/') || p.startsWith('/') || /^[A-Za-z]:\//.test(p)) return p;
  return `**/${p}`;
}

/**
 * One `{ scheme: 'file', language: 'yaml', pattern }` filter per distinct vault configuration or
 * connection pattern, over the window settings and every folder's settings (multi-root).
 */
export function buildDocumentSelector(settings: readonly Settings[]): YamlFileFilter[] {
  const patterns = new Set<string>();
  for (const s of settings) {
    for (const raw of [...s.files.vaultConfigs, ...s.files.connections]) {
      const pattern = toSelectorPattern(raw);
      if (pattern !== '') patterns.add(pattern);
    }
  }
  return [...patterns].map((pattern) => ({ scheme: 'file', language: 'yaml', pattern }));
}

/** The document selector for the current configuration of the window and all folders. */
export function currentDocumentSelector(source: ConfigurationSource): YamlFileFilter[] {
  const all = [readSettings(source), ...(source.workspaceFolders ?? []).map((folder) => readSettings(source, folder))];
  return buildDocumentSelector(all);
}

/** Same filters, in any order (order does not matter when matching documents). */
export function sameSelector(a: readonly YamlFileFilter[], b: readonly YamlFileFilter[]): boolean {
  const patterns = new Set(a.map((filter) => filter.pattern));
  return a.length === b.length && b.every((filter) => patterns.has(filter.pattern));
}
