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

/** Client → server request: forget every fact read from secret managers and re-validate. */
export const resetCacheRequest = 'secretRefs/resetCache';

/**
 * Server → client request: the credential for one vault configuration. The client answers from
 * its secret storage, sealed with the session key (see sealing.ts), or with `null` when it holds
 * none, the address is not approved, or the workspace is untrusted. Never plain text.
 */
export const credentialRequest = 'secretRefs/credential';

export interface CredentialParams {
  vault: string;
  provider: string;
  /** The address the credential will be sent to (hashicorp url; '' for local). */
  address: string;
}

export interface CredentialResult {
  /** `seal(sessionKey, JSON.stringify(Credential), credentialBinding(vault, provider, address))`. */
  sealed: string;
}

/** What a sealed credential holds, by kind. */
export type Credential =
  | { kind: 'token'; token: string }
  | { kind: 'approle'; roleId: string; secretId: string }
  | { kind: 'local-key'; key: string };
