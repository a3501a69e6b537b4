/**
 * Custom LSP messages exchanged by the VS Code client and the language server.
 * Both halves import this module, so a method name is spelled once.
 */

import type { Settings } from './settings';

/** Server → client notification: indexing progress and counts, shown in the language status item. */
export const statusNotification = 'secretRefs/status';

export interface StatusParams {
  /** True while the workspace is still being indexed. */
  indexing: boolean;
  vaultConfigs: number;
  connections: number;
  /** Problems currently reported across open documents, by severity. */
  errors: number;
  warnings: number;
}

/**
 * `initializationOptions` the VS Code client sends with `initialize` (other editors may send
 * nothing, so the server treats every field as optional and normalizes `settings`).
 */
export interface InitializationOptions {
  /** The window-level `secretRefs` settings, already normalized (see normalizeSettings). */
  settings: Settings;
  /**
   * Whether the workspace is trusted. In an untrusted workspace only offline checks run and no
   * secret manager is contacted. The client restarts the server when trust is granted.
   */
  trusted: boolean;
  /**
   * True when the client itself watches `**\/*.{yaml,yml}` and forwards file events; the server
   * then registers no watcher of its own (other editors get one through dynamic registration).
   */
  watchesFiles?: boolean;
}
