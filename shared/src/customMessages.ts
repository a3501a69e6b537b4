/**
 * Custom LSP messages exchanged by the VS Code client and the language server.
 * Both halves import this module, so a method name is spelled once.
 */

import type { TlsSettings } from './addresses';
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
  /**
   * Other editors only (never the VS Code client, whose user approves each address): addresses
   * (`https://vault.corp.example.com:8200`) the user trusts with credentials from the environment,
   * besides VAULT_ADDR, SECRETREFS_TRUSTED_ADDRESSES and the cloud providers' own endpoints. It
   * comes from the user's editor configuration; `workspace/configuration` never carries it.
   */
  trustedAddresses?: string[];
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
  /**
   * The parsed origin (`scheme://host[:port]`) the credential will be sent to: the vault's `url`,
   * `vault_url` or `endpoint`, VAULT_ADDR, or the cloud provider's own endpoint; '' for the local
   * vault only.
   */
  address: string;
  /** HashiCorp Vault: the TLS settings the credential will travel with (absent: verified with the system's CAs). */
  tls?: TlsSettings;
  /** HashiCorp Vault: `auth` of the vault configuration, for a credential read from the environment. */
  auth?: 'token' | 'approle';
  /** AWS: `profile` of the vault configuration, for a credential read from the environment. */
  profile?: string;
}

export interface CredentialResult {
  /** `seal(sessionKey, JSON.stringify(Credential), credentialBinding(vault, provider, address, tlsIdentity(tls)))`. */
  sealed: string;
}

/** What a sealed credential holds, by kind. */
export type Credential =
  | { kind: 'token'; token: string }
  | { kind: 'approle'; roleId: string; secretId: string }
  | { kind: 'local-key'; key: string }
  | { kind: 'aws-keys'; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | { kind: 'aws-profile'; profile: string }
  | { kind: 'azure-token'; token: string; expiresOnTimestamp?: number }
  | { kind: 'azure-client-secret'; tenantId: string; clientId: string; clientSecret: string; /** Entra authority host (AZURE_AUTHORITY_HOST), when not the public cloud's. */ authorityHost?: string }
  | { kind: 'gcp-service-account'; json: string }
  /** Let the provider's SDK find credentials itself (AWS default chain, Azure environment, GCP ADC). */
  | { kind: 'provider-default' };

// ---------------------------------------------------------------------------------------------
// Commands of the VS Code client, served by the language server. Secret values never cross the
// connection in plain text: they are sealed with the session key (see sealing.ts), bound to the
// request they answer.

/** Client → server: the vault configurations of the workspace, for pickers and the status item. */
export const listVaultsRequest = 'secretRefs/listVaults';

export interface VaultSummary {
  name: string;
  provider: string;
  /**
   * Where credentials would be sent, as a parsed origin (hashicorp url or VAULT_ADDR; azure
   * vault_url; aws and gcp endpoint or the provider's own); '' for the local vault, and for an
   * address that is missing or not a valid http(s) address (nothing is then sent).
   */
  address: string;
  enabled: boolean;
  /** URI of the vault configuration file. */
  uri: string;
  /** The workspace folder it belongs to ('' outside every folder). */
  folder: string;
  /** live | no-credentials | untrusted | off | unsupported | failed | pending */
  access: string;
  /** Seconds the token has left, when known (hashicorp). */
  tokenTtlSeconds?: number;
}

export interface ListVaultsResult {
  vaults: VaultSummary[];
}

/** Client → server: what lies under a folder of a vault (engines at the top for HashiCorp). */
export const browseRequest = 'secretRefs/browse';

export interface BrowseParams {
  /** URI of the vault configuration (names are unique per folder only). */
  vaultUri: string;
  /** Absent: list the engines (hashicorp) or all secret names (other providers). */
  engine?: string;
  /** Folder inside the engine, '' or ending with '/'. */
  folder?: string;
}

export interface BrowseResult {
  engines?: { path: string; kvVersion?: 1 | 2 }[];
  entries?: string[];
  /** Set when the listing stopped before its end (a page cap or deadline): how far it got. */
  note?: string;
  /** Why nothing could be listed (no credentials, permission denied...). */
  error?: string;
}

/** Client → server: where a write would go and which version it would create. */
export const describeWriteRequest = 'secretRefs/describeWrite';

export interface SecretTargetParams {
  vaultUri: string;
  /** hashicorp: the engine path. */
  engine?: string;
  /** hashicorp: the secret path inside the engine, without `data/`; others: the secret's name. */
  path: string;
  version?: number | string;
}

export interface DescribeWriteResult {
  /** The full API path, e.g. `/v1/secret/data/oracle` for KV v2. */
  apiPath: string;
  kvVersion?: 1 | 2;
  /** The current version (0 when the secret does not exist yet), used as check-and-set. */
  currentVersion: number | string;
  /** The version the write will create, when the provider numbers versions. */
  nextVersion?: number | string;
  /** Key names of the current version (never values), to offer updating them. */
  keys: string[];
  error?: string;
}

/** Client → server: write a new version with check-and-set. */
export const writeSecretRequest = 'secretRefs/writeSecret';

export interface WriteSecretParams extends SecretTargetParams {
  /** `seal(sessionKey, JSON.stringify(Record<string,string>), writeBinding(vaultUri, engine, path))`. */
  sealedData: string;
  /** The version the user saw (0 = the secret must not exist yet). */
  cas: number | string;
}

export type WriteSecretResult =
  | { ok: true; version: number | string; /** Another writer added a version at the same moment (non-atomic check-and-set). */ raced?: true }
  | { ok: false; reason: 'cas-conflict' | 'permission-denied' | 'unreachable' | 'invalid' | 'no-credentials'; message: string };

/** Client → server: the value of a secret, only after the user confirmed a preview. */
export const previewSecretRequest = 'secretRefs/previewSecret';

export interface PreviewSecretParams {
  /** The reference under the cursor. */
  textDocument: { uri: string };
  position: { line: number; character: number };
  /** A version to show instead of the attached/current one. */
  version?: number | string;
}

export type PreviewSecretResult =
  | {
      ok: true;
      /** `seal(sessionKey, JSON.stringify({ value }), previewBinding(uri, line, character))`; value is the key's value or the whole secret. */
      sealed: string;
      label: string;
      versions: { version: number | string; createdTime?: string; state: string }[];
    }
  | { ok: false; message: string };

/** Client → server: check a vault configuration step by step. */
export const troubleshootRequest = 'secretRefs/troubleshoot';

export interface TroubleshootParams {
  vaultUri: string;
}

export interface TroubleshootStep {
  name: string;
  status: 'ok' | 'warning' | 'error' | 'skipped';
  detail: string;
}

export interface TroubleshootResult {
  vault: string;
  steps: TroubleshootStep[];
}

/**
 * Client → server: move a hard-coded credential into a vault. The server reads the literal from
 * the document it holds (the value never crosses the connection again), writes it with
 * check-and-set, and only when that succeeded asks the client to apply one edit that replaces
 * the literal with a reference and adds the attachment (`workspace/applyEdit`).
 */
export const moveToVaultRequest = 'secretRefs/moveToVault';

export interface MoveToVaultParams {
  textDocument: { uri: string; version: number };
  /** The literal's range, as in the `hardcoded-credential` diagnostic. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  vaultUri: string;
  /** hashicorp: the engine; the path is inside it, without `data/`. */
  engine?: string;
  path: string;
  key: string;
}

export type MoveToVaultResult = { ok: true; reference: string; version: number | string } | { ok: false; message: string };

/** Arguments of the `secretRefs.moveToVault` command that the quick fix carries. */
export interface MoveToVaultCommandArgs {
  uri: string;
  version: number;
  range: MoveToVaultParams['range'];
  /** A suggested key name (the field's name). */
  key: string;
}
