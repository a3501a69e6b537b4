/**
 * Credentials live in VS Code's SecretStorage only, keyed by provider, vault configuration name
 * and address: a vault configuration whose address changes simply has no credential, so a
 * credential stored for one address is never sent to another. They reach the server sealed with
 * the session key, bound to vault, provider and address (see shared/src/sealing.ts).
 */
import type * as vscode from 'vscode';
import type { Credential, CredentialParams, CredentialResult } from '../../shared/src/customMessages';
import { credentialBinding, seal } from '../../shared/src/sealing';
import { displayName, storageKeys } from './constants';
import { describeError, type AuthenticationLike, type MementoLike, type SecretStorageLike } from './host';

/** What is stored: a credential, or a marker that VS Code's Microsoft sign-in provides the token. */
export type StoredCredential = Credential | { kind: 'azure-microsoft'; account?: string };

/** Scope of the Azure Key Vault data plane, asked from VS Code's Microsoft authentication provider. */
export const azureKeyVaultScope = 'https://vault.azure.net/user_impersonation';

/** Which vault configuration a credential belongs to. */
export interface VaultIdentity {
  name: string;
  provider: string;
  /** Where the credential is sent ('' when it stays on this machine or goes to the provider's own service). */
  address: string;
}

const keyPrefix = 'secretRefs:cred:';

export function credentialKey(vault: VaultIdentity): string {
  return `${keyPrefix}${vault.provider}:${vault.name}@${vault.address}`;
}

/** The inverse of credentialKey; undefined for a key this extension did not write. */
export function parseCredentialKey(key: string): VaultIdentity | undefined {
  if (!key.startsWith(keyPrefix)) return undefined;
  const rest = key.slice(keyPrefix.length);
  const colon = rest.indexOf(':');
  const at = rest.indexOf('@', colon + 1);
  if (colon <= 0 || at <= colon + 1) return undefined;
  return { provider: rest.slice(0, colon), name: rest.slice(colon + 1, at), address: rest.slice(at + 1) };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** Accepts a stored value defensively: anything malformed counts as no credential. */
export function parseStoredCredential(raw: string | undefined): StoredCredential | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  switch (v.kind) {
    case 'token':
      return isText(v.token) ? { kind: 'token', token: v.token } : undefined;
    case 'approle':
      return isText(v.roleId) && isText(v.secretId) ? { kind: 'approle', roleId: v.roleId, secretId: v.secretId } : undefined;
    case 'local-key':
      return isText(v.key) ? { kind: 'local-key', key: v.key } : undefined;
    case 'aws-keys':
      if (!isText(v.accessKeyId) || !isText(v.secretAccessKey)) return undefined;
      return isText(v.sessionToken)
        ? { kind: 'aws-keys', accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey, sessionToken: v.sessionToken }
        : { kind: 'aws-keys', accessKeyId: v.accessKeyId, secretAccessKey: v.secretAccessKey };
    case 'aws-profile':
      return isText(v.profile) ? { kind: 'aws-profile', profile: v.profile } : undefined;
    case 'azure-token':
      return isText(v.token) ? { kind: 'azure-token', token: v.token } : undefined;
    case 'azure-client-secret':
      return isText(v.tenantId) && isText(v.clientId) && isText(v.clientSecret)
        ? { kind: 'azure-client-secret', tenantId: v.tenantId, clientId: v.clientId, clientSecret: v.clientSecret }
        : undefined;
    case 'gcp-service-account':
      return isText(v.json) ? { kind: 'gcp-service-account', json: v.json } : undefined;
    case 'azure-microsoft':
      return isText(v.account) ? { kind: 'azure-microsoft', account: v.account } : { kind: 'azure-microsoft' };
    default:
      return undefined;
  }
}

export type StoreOutcome = { persisted: true } | { persisted: false; reason: string };

/**
 * SecretStorage, read back after every store. Where it cannot persist (a Linux desktop without a
 * keyring), the credential is kept in this process's memory for the session and the caller is
 * told why, so it can say so. The index in globalState holds key names only (vault name,
 * provider, address), so Sign Out can also remove a credential whose vault changed address.
 */
export class CredentialStore {
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly secrets: SecretStorageLike,
    private readonly globalState: MementoLike,
  ) {}

  async get(vault: VaultIdentity): Promise<StoredCredential | undefined> {
    const key = credentialKey(vault);
    let raw: string | undefined;
    try {
      raw = await this.secrets.get(key);
    } catch {
      raw = undefined;
    }
    return parseStoredCredential(raw ?? this.memory.get(key));
  }

  async has(vault: VaultIdentity): Promise<boolean> {
    return (await this.get(vault)) !== undefined;
  }

  async store(vault: VaultIdentity, credential: StoredCredential): Promise<StoreOutcome> {
    const key = credentialKey(vault);
    const value = JSON.stringify(credential);
    this.memory.delete(key);
    let reason: string | undefined;
    try {
      await this.secrets.store(key, value);
      let back: string | undefined;
      try {
        back = await this.secrets.get(key);
      } catch (error) {
        reason = `reading it back failed: ${describeError(error)}`;
      }
      if (reason === undefined && back !== value) reason = 'it could not be read back after saving';
    } catch (error) {
      reason = describeError(error);
    }
    await this.addToIndex(key);
    if (reason === undefined) return { persisted: true };
    this.memory.set(key, value);
    return { persisted: false, reason };
  }

  async delete(vault: VaultIdentity): Promise<void> {
    const key = credentialKey(vault);
    this.memory.delete(key);
    try {
      await this.secrets.delete(key);
    } finally {
      await this.removeFromIndex(key);
    }
  }

  /** Every vault this extension stored a credential for (according to its index). */
  indexed(): VaultIdentity[] {
    const keys = new Set([...this.indexKeys(), ...this.memory.keys()]);
    return [...keys].map(parseCredentialKey).filter((v): v is VaultIdentity => v !== undefined);
  }

  private indexKeys(): string[] {
    const keys = this.globalState.get<unknown>(storageKeys.credentialIndex);
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  }

  private async addToIndex(key: string): Promise<void> {
    const keys = this.indexKeys();
    if (keys.includes(key)) return;
    await Promise.resolve(this.globalState.update(storageKeys.credentialIndex, [...keys, key])).catch(() => undefined);
  }

  private async removeFromIndex(key: string): Promise<void> {
    const keys = this.indexKeys();
    if (!keys.includes(key)) return;
    await Promise.resolve(this.globalState.update(storageKeys.credentialIndex, keys.filter((k) => k !== key))).catch(() => undefined);
  }
}

/** What the user said about sending a vault's credential to its address, per workspace. */
export class AddressApprovals {
  constructor(private readonly workspaceState: MementoLike) {}

  isApproved(vault: VaultIdentity): boolean {
    return this.approved().includes(credentialKey(vault));
  }

  async approve(vault: VaultIdentity): Promise<void> {
    const id = credentialKey(vault);
    const approved = this.approved();
    if (!approved.includes(id)) await this.workspaceState.update(storageKeys.approvedAddresses, [...approved, id]);
  }

  private approved(): string[] {
    const value = this.workspaceState.get<unknown>(storageKeys.approvedAddresses);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }
}

/** An address must be approved unless the credential stays on this machine or goes to the provider's own service. */
export function needsApproval(vault: VaultIdentity): boolean {
  return vault.address !== '';
}

export interface CredentialResponderDeps {
  workspace: { readonly isTrusted: boolean };
  window: { showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined> };
  authentication: AuthenticationLike;
  store: CredentialStore;
  approvals: AddressApprovals;
  log: { info(message: string): void; warn(message: string): void };
}

const allowAction = 'Allow';

function parseParams(raw: unknown): CredentialParams | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.vault !== 'string' || typeof r.provider !== 'string' || typeof r.address !== 'string' || r.vault === '') return undefined;
  return { vault: r.vault, provider: r.provider, address: r.address };
}

/**
 * Answers the server's `secretRefs/credential` requests. Nothing leaves SecretStorage in an
 * untrusted workspace or for an address the user has not approved; the user is asked about an
 * address once (concurrent requests share the question; a refusal holds until the next Sign In).
 */
export class CredentialResponder {
  private readonly asking = new Map<string, Promise<boolean>>();
  private readonly refused = new Set<string>();

  constructor(private readonly deps: CredentialResponderDeps) {}

  async answer(sessionKey: string, raw: unknown): Promise<CredentialResult | null> {
    const params = parseParams(raw);
    if (params === undefined) return null;
    const vault: VaultIdentity = { name: params.vault, provider: params.provider, address: params.address };
    if (!this.deps.workspace.isTrusted) return null;
    const stored = await this.deps.store.get(vault);
    if (stored === undefined) return null;
    if (needsApproval(vault) && !(await this.approve(vault))) return null;
    // Trust may have been withdrawn while the user was asked.
    if (!this.deps.workspace.isTrusted) return null;
    const credential = await this.resolve(vault, stored);
    if (credential === undefined) return null;
    return { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(vault.name, vault.provider, vault.address)) };
  }

  /** A new Sign In for the vault lifts an earlier refusal of its address. */
  forgetRefusal(vault: VaultIdentity): void {
    this.refused.delete(credentialKey(vault));
  }

  private async resolve(vault: VaultIdentity, stored: StoredCredential): Promise<Credential | undefined> {
    if (stored.kind !== 'azure-microsoft') return stored;
    // The session is fetched afresh for every request, so the token is always current.
    try {
      const session = await this.deps.authentication.getSession('microsoft', [azureKeyVaultScope], { silent: true });
      if (session === undefined) {
        this.deps.log.warn(`No Microsoft account session for vault "${vault.name}"; run "${displayName}: Sign In..." again.`);
        return undefined;
      }
      return { kind: 'azure-token', token: session.accessToken };
    } catch (error) {
      this.deps.log.warn(`The Microsoft sign-in for vault "${vault.name}" failed: ${describeError(error)}`);
      return undefined;
    }
  }

  private async approve(vault: VaultIdentity): Promise<boolean> {
    const id = credentialKey(vault);
    if (this.deps.approvals.isApproved(vault)) return true;
    if (this.refused.has(id)) return false;
    let pending = this.asking.get(id);
    if (pending === undefined) {
      pending = this.ask(vault).finally(() => this.asking.delete(id));
      this.asking.set(id, pending);
    }
    return pending;
  }

  private async ask(vault: VaultIdentity): Promise<boolean> {
    let choice: string | undefined;
    try {
      choice = await this.deps.window.showWarningMessage(
        `Send the credential for vault "${vault.name}" to ${vault.address}?`,
        {
          modal: true,
          detail:
            `The vault configuration "${vault.name}" (${vault.provider}) asks ${displayName} to send the credential you signed in with to ${vault.address}. ` +
            'A vault configuration is a file of this workspace: allow only if you trust this address. You are asked once per workspace.',
        },
        allowAction,
      );
    } catch {
      choice = undefined;
    }
    const id = credentialKey(vault);
    if (choice !== allowAction) {
      this.refused.add(id);
      this.deps.log.info(`The credential for vault "${vault.name}" was not sent to ${vault.address}: the address was not approved.`);
      return false;
    }
    await this.deps.approvals.approve(vault);
    this.deps.log.info(`Approved ${vault.address} for the credential of vault "${vault.name}" in this workspace.`);
    return true;
  }
}
