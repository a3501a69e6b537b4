/**
 * Credentials live in VS Code's SecretStorage only, keyed by provider, vault configuration name
 * and the address's parsed origin: a vault configuration whose origin changes simply has no
 * credential, so a credential stored for one origin is never sent to another. Credentials in the
 * extension host's environment are one more source. Either leaves only for an origin, with its
 * TLS settings and from its source, that the user approved; it reaches the server sealed with the
 * session key, bound to vault, provider, origin and TLS settings (see shared/src/sealing.ts).
 */
import type * as vscode from 'vscode';
import { parseAddress, tlsIdentity, type TlsSettings } from '../../shared/src/addresses';
import type { Credential, CredentialParams, CredentialResult } from '../../shared/src/customMessages';
import { providerDescriptor, providerDescriptors } from '../../shared/src/providers';
import { azureKeyVaultScope } from '../../shared/src/providers/azure';
import type { StoredCredential } from '../../shared/src/providers/descriptor';
import { credentialBinding, seal } from '../../shared/src/sealing';
import { environmentCredential, type EnvironmentAccess } from './environmentCredentials';
import { displayName, storageKeys } from './constants';
import { describeError, type AuthenticationLike, type MementoLike, type SecretStorageLike } from './host';

/** What is stored: a credential, or a marker that VS Code's Microsoft sign-in provides the token. */
export type { StoredCredential } from '../../shared/src/providers/descriptor';

export { azureKeyVaultScope };

/** Which vault configuration a credential belongs to. */
export interface VaultIdentity {
  name: string;
  provider: string;
  /** The parsed origin the credential is sent to ('' for the local vault, which sends nothing anywhere). */
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

/** How each kind of stored credential is read back, from the providers' descriptors. */
const storedKinds = new Map(providerDescriptors.flatMap((d) => Object.entries(d.credentials.stored)));

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
  const read = typeof v.kind === 'string' ? storedKinds.get(v.kind) : undefined;
  return read?.(v);
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
    const stored = await this.read(credentialKey(vault));
    return stored ?? this.migrate(vault);
  }

  private async read(key: string): Promise<StoredCredential | undefined> {
    let raw: string | undefined;
    try {
      raw = await this.secrets.get(key);
    } catch {
      raw = undefined;
    }
    return parseStoredCredential(raw ?? this.memory.get(key));
  }

  /**
   * Credentials stored before keys named the parsed origin were keyed by the address as written
   * (`https://vault.example.com:8200/`, `HTTPS://Vault.example.com:443`). One whose written address
   * parses to exactly this origin moves to the new key; any other (another origin, user info,
   * not a URL) stays where it is and is never sent.
   */
  private async migrate(vault: VaultIdentity): Promise<StoredCredential | undefined> {
    if (vault.address === '') return undefined;
    for (const old of this.indexed()) {
      if (old.provider !== vault.provider || old.name !== vault.name || old.address === vault.address) continue;
      const parsed = parseAddress(old.address);
      if (!parsed.ok || parsed.origin !== vault.address) continue;
      const credential = await this.read(credentialKey(old));
      if (credential === undefined) continue;
      await this.store(vault, credential);
      await this.delete(old).catch(() => undefined);
      return credential;
    }
    return undefined;
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

/**
 * What a credential is released for: the vault configuration, the parsed origin and the TLS
 * settings it travels with. Another origin or other TLS settings are a new question.
 */
export interface ReleaseTarget extends VaultIdentity {
  tls?: TlsSettings;
}

const approvalPrefix = 'secretRefs:approved:';

/** The approval of one target for one source of credential (`stored`, or an environment source id). */
export function approvalKey(target: ReleaseTarget, source: string): string {
  return `${approvalPrefix}${JSON.stringify([target.provider, target.name, target.address, tlsIdentity(target.tls), source])}`;
}

/** The target without the source: a refusal holds for every source. */
function refusalKey(target: ReleaseTarget): string {
  return JSON.stringify([target.provider, target.name, target.address, tlsIdentity(target.tls)]);
}

/**
 * What the user approved, per workspace: origin, TLS settings and source of the credential.
 * Approvals recorded by earlier versions (keyed by the address as written, without TLS settings
 * or source) no longer count: the user is asked once more.
 */
export class AddressApprovals {
  constructor(private readonly workspaceState: MementoLike) {}

  isApproved(target: ReleaseTarget, source: string): boolean {
    return this.approved().includes(approvalKey(target, source));
  }

  async approve(target: ReleaseTarget, source: string): Promise<void> {
    const id = approvalKey(target, source);
    const approved = this.approved();
    if (!approved.includes(id)) await this.workspaceState.update(storageKeys.approvedAddresses, [...approved, id]);
  }

  private approved(): string[] {
    const value = this.workspaceState.get<unknown>(storageKeys.approvedAddresses);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.startsWith(approvalPrefix)) : [];
  }
}

/** A provider that sends its credential over the network (all but the local vault) needs its origin approved. */
export function needsApproval(vault: { provider: string }): boolean {
  return providerDescriptor(vault.provider)?.sendsCredentials !== false;
}

export interface CredentialResponderDeps {
  workspace: { readonly isTrusted: boolean };
  window: { showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined> };
  authentication: AuthenticationLike;
  store: CredentialStore;
  approvals: AddressApprovals;
  /** The extension host's environment, one more source of credentials. */
  environment: EnvironmentAccess;
  log: { info(message: string): void; warn(message: string): void };
}

const allowAction = 'Allow';

function parseTls(raw: unknown): TlsSettings | undefined | false {
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== 'object') return false;
  const r = raw as Record<string, unknown>;
  if (typeof r.skipVerify !== 'boolean') return false;
  if (r.caSha256 !== undefined && (typeof r.caSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.caSha256))) return false;
  if (r.caFile !== undefined && typeof r.caFile !== 'string') return false;
  return { skipVerify: r.skipVerify, ...(r.caSha256 ? { caSha256: r.caSha256 } : {}), ...(typeof r.caFile === 'string' ? { caFile: r.caFile } : {}) };
}

/**
 * Accepts a request defensively. The address must be a parsed origin exactly ('' only for the
 * local vault): text as written, with user info or a path, is refused, so what the prompt shows is
 * where the credential goes.
 */
function parseParams(raw: unknown): CredentialParams | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (!isString(r.vault) || !isString(r.provider) || !isString(r.address) || r.vault === '') return undefined;
  // Only a provider that sends nothing anywhere (the local vault) has no address.
  if (needsApproval({ provider: r.provider }) ? parseOrigin(r.address) !== r.address : r.address !== '') return undefined;
  const tls = parseTls(r.tls);
  if (tls === false) return undefined;
  return {
    vault: r.vault,
    provider: r.provider,
    address: r.address,
    ...(tls ? { tls } : {}),
    ...(r.auth === 'approle' || r.auth === 'token' ? { auth: r.auth } : {}),
    ...(typeof r.profile === 'string' && r.profile !== '' ? { profile: r.profile } : {}),
  };
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function parseOrigin(address: string): string | undefined {
  const parsed = parseAddress(address);
  return parsed.ok ? parsed.origin : undefined;
}

/** A credential to release and where it came from. */
interface Candidate {
  credential: StoredCredential;
  /** `stored`, or the id of an environment source. */
  source: string;
  /** For the prompt. */
  label: string;
}

/**
 * Answers the server's `secretRefs/credential` requests. Nothing leaves SecretStorage or the
 * environment in an untrusted workspace, or for an origin, TLS settings and source the user has
 * not approved. The user is asked once per workspace (concurrent requests share the question); a
 * refusal holds for every source of that vault and target until the next Sign In.
 */
export class CredentialResponder {
  private readonly asking = new Map<string, Promise<boolean>>();
  private readonly refused = new Set<string>();

  constructor(private readonly deps: CredentialResponderDeps) {}

  async answer(sessionKey: string, raw: unknown): Promise<CredentialResult | null> {
    const params = parseParams(raw);
    if (params === undefined) return null;
    const target: ReleaseTarget = { name: params.vault, provider: params.provider, address: params.address, ...(params.tls ? { tls: params.tls } : {}) };
    if (!this.deps.workspace.isTrusted) return null;
    if (needsApproval(target) && this.refused.has(refusalKey(target))) return null;
    const candidate = await this.candidate(target, params);
    if (candidate === undefined) return null;
    if (needsApproval(target) && !(await this.approve(target, candidate))) return null;
    // Trust may have been withdrawn while the user was asked.
    if (!this.deps.workspace.isTrusted) return null;
    const credential = await this.resolve(target, candidate.credential);
    if (credential === undefined) return null;
    return { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(target.name, target.provider, target.address, tlsIdentity(target.tls))) };
  }

  /** A new Sign In for the vault lifts an earlier refusal of its address. */
  forgetRefusal(vault: VaultIdentity): void {
    for (const key of [...this.refused]) {
      const [provider, name] = JSON.parse(key) as string[];
      if (provider === vault.provider && name === vault.name) this.refused.delete(key);
    }
  }

  /** The stored credential first (what the user signed in with), else one from the environment. */
  private async candidate(target: ReleaseTarget, params: CredentialParams): Promise<Candidate | undefined> {
    const stored = await this.deps.store.get(target);
    if (stored !== undefined) return { credential: stored, source: 'stored', label: 'the credential you signed in with' };
    const found = await environmentCredential(params, this.deps.environment);
    return found && { credential: found.credential, source: found.id, label: found.label };
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

  private async approve(target: ReleaseTarget, candidate: Candidate): Promise<boolean> {
    if (this.deps.approvals.isApproved(target, candidate.source)) return true;
    const id = approvalKey(target, candidate.source);
    let pending = this.asking.get(id);
    if (pending === undefined) {
      pending = this.ask(target, candidate).finally(() => this.asking.delete(id));
      this.asking.set(id, pending);
    }
    return pending;
  }

  private async ask(target: ReleaseTarget, candidate: Candidate): Promise<boolean> {
    let choice: string | undefined;
    try {
      choice = await this.deps.window.showWarningMessage(
        candidate.source === 'stored'
          ? `Send the credential for vault "${target.name}" to ${target.address}?`
          : `Send the credential for vault "${target.name}" (${candidate.label}) to ${target.address}?`,
        { modal: true, detail: approvalDetail(target, candidate) },
        allowAction,
      );
    } catch {
      choice = undefined;
    }
    if (choice !== allowAction) {
      this.refused.add(refusalKey(target));
      this.deps.log.info(`The credential for vault "${target.name}" was not sent to ${target.address}: the address was not approved.`);
      return false;
    }
    await this.deps.approvals.approve(target, candidate.source);
    this.deps.log.info(`Approved ${target.address} for ${candidate.source === 'stored' ? 'the credential' : candidate.label} of vault "${target.name}" in this workspace.`);
    return true;
  }
}

/** The prompt's detail: the parsed origin, its dangers, the TLS settings and the credential's source. */
export function approvalDetail(target: ReleaseTarget, candidate: { label: string }): string {
  const parsed = parseAddress(target.address);
  const lines: string[] = [];
  lines.push(
    `The vault configuration "${target.name}" (${target.provider}) asks ${displayName} to send ${candidate.label} to ${target.address}` +
      (parsed.ok ? ` (host ${parsed.host}, port ${parsed.port}).` : '.'),
  );
  if (parsed.ok && parsed.scheme === 'http') {
    lines.push('Warning: this address uses http, not https. The credential would cross the network unencrypted: anyone on the way can read it.');
  }
  if (target.tls?.skipVerify) {
    lines.push('Warning: TLS certificate verification is off for this vault (tls_skip_verify: true): anyone on the way can pose as the server and receive the credential.');
  }
  if (target.tls?.caSha256) {
    lines.push(`The server's certificate is checked against the CA certificate ${target.tls.caFile ?? ''} (SHA-256 ${target.tls.caSha256.slice(0, 16)}…), named by the workspace.`);
  }
  lines.push(
    'A vault configuration is a file of this workspace: allow only if you trust this address. ' +
      'You are asked once per workspace, and again if the address, its TLS settings or the source of the credential change.',
  );
  return lines.join('\n\n');
}
