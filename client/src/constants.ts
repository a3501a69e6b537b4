/**
 * Names the client shares with package.json. Keep them in step with `contributes`.
 */

/**
 * The language client id. vscode-languageclient reads `<id>.trace.server`, so the id must equal
 * the settings prefix for `secretRefs.trace.server` to work without extra code.
 */
export const clientId = 'secretRefs';

/** Display name: output channel, language status item, messages. */
export const displayName = 'Secret References';

export const commandIds = {
  showOutput: 'secretRefs.showOutput',
  restartServer: 'secretRefs.restartServer',
  signIn: 'secretRefs.signIn',
  signOut: 'secretRefs.signOut',
  addVaultConfiguration: 'secretRefs.addVaultConfiguration',
  writeSecret: 'secretRefs.writeSecret',
  previewSecret: 'secretRefs.previewSecret',
  resetCache: 'secretRefs.resetCache',
  troubleshoot: 'secretRefs.troubleshoot',
  moveToVault: 'secretRefs.moveToVault',
} as const;

export const statusItemId = 'secretRefs.status';

/** The second language status item: one line per vault configuration and its sign-in state. */
export const vaultsStatusItemId = 'secretRefs.vaults';

/** Scheme of the read-only documents that show a previewed secret value. */
export const previewScheme = 'secretrefs-preview';

/** Client-only settings (under `secretRefs.`), read by the client and never sent to the server. */
export const clientSettingKeys = {
  clipboardClearSeconds: 'preview.clipboardClearSeconds',
  codeLens: 'preview.codeLens',
} as const;

export const defaultClipboardClearSeconds = 30;

/** Keys of the extension's storage (never secrets: credentials live in SecretStorage only). */
export const storageKeys = {
  /** workspaceState: credential ids whose address the user approved for this workspace. */
  approvedAddresses: 'secretRefs.approvedAddresses',
  /** globalState: the SecretStorage keys this extension wrote (names only), so Sign Out can find them. */
  credentialIndex: 'secretRefs.credentialIndex',
} as const;

/** Context key set once the extension is active (used by `menus.commandPalette`). */
export const activeContextKey = 'secretRefs.active';

/**
 * Every YAML file on disk is watched: the server decides, with its own settings, which ones are
 * vault configurations or connections, so a pattern change needs no new watcher.
 */
export const watchedFilesGlob = '**/*.{yaml,yml}';

/** Bundled server, relative to the extension root. */
export const serverModulePath = 'dist/server.js';

/** Inspector port of the server when the extension runs under the debugger. */
export const serverDebugPort = 6009;

/** Crash policy: at most this many automatic restarts within `restartWindowMs`. */
export const maxRestarts = 4;
export const restartWindowMs = 3 * 60 * 1000;
