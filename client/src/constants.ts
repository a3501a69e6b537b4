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
} as const;

export const statusItemId = 'secretRefs.status';

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
