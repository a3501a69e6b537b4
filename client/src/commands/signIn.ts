/**
 * Sign In... and Sign Out...: credentials go to SecretStorage only; the server is then told to
 * forget what it read so it re-validates with (or without) them.
 */
import type * as vscode from 'vscode';
import { resetCacheRequest, type VaultSummary } from '../../../shared/src/customMessages';
import { decodeRawKey, MIN_PASSPHRASE_LENGTH, passphraseLength } from '../../../shared/src/localKey';
import { displayName } from '../constants';
import { azureKeyVaultScope, credentialKey, type StoredCredential, type VaultIdentity } from '../credentials';
import { describeError } from '../host';
import { clipboardClearSeconds, listVaults, pickVault, required, requireServer, requireTrust, type CommandContext } from './context';

interface Choice<T extends string> extends vscode.QuickPickItem {
  id: T;
}

async function choose<T extends string>(ctx: CommandContext, placeHolder: string, choices: Choice<T>[]): Promise<T | undefined> {
  return (await ctx.window.showQuickPick(choices, { placeHolder, ignoreFocusOut: true }))?.id;
}

function input(ctx: CommandContext, options: vscode.InputBoxOptions): Thenable<string | undefined> {
  return ctx.window.showInputBox({ ignoreFocusOut: true, ...options });
}

/** A secret typed or pasted: surrounding whitespace (a pasted newline) is dropped. */
async function secretInput(ctx: CommandContext, title: string, prompt: string, what: string): Promise<string | undefined> {
  const value = await input(ctx, { title, prompt, password: true, validateInput: required(what) });
  return value?.trim();
}

async function textInput(ctx: CommandContext, title: string, prompt: string, what: string, placeHolder?: string): Promise<string | undefined> {
  const value = await input(ctx, { title, prompt, placeHolder, validateInput: required(what) });
  return value?.trim();
}

async function hashicorpCredential(ctx: CommandContext, title: string): Promise<StoredCredential | undefined> {
  const method = await choose(ctx, 'How does this vault configuration authenticate (its `auth` field)?', [
    { id: 'token', label: 'Token', detail: 'A Vault token (auth: token, the default)' },
    { id: 'approle', label: 'AppRole', detail: 'A role ID and a secret ID (auth: approle)' },
  ]);
  if (method === 'token') {
    const token = await secretInput(ctx, title, 'Vault token', 'the token');
    return token === undefined ? undefined : { kind: 'token', token };
  }
  if (method === 'approle') {
    const roleId = await textInput(ctx, title, 'AppRole role ID', 'the role ID');
    if (roleId === undefined) return undefined;
    const secretId = await secretInput(ctx, title, 'AppRole secret ID', 'the secret ID');
    return secretId === undefined ? undefined : { kind: 'approle', roleId, secretId };
  }
  return undefined;
}

async function localCredential(ctx: CommandContext, vault: VaultSummary, title: string): Promise<StoredCredential | undefined> {
  const method = await choose(ctx, 'The key of the local vault', [
    {
      id: 'enter',
      label: 'Enter the key or passphrase',
      detail: `The 32-byte key (base64 or hex) or the passphrase the vault file was created with; a new vault needs a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters`,
    },
    { id: 'generate', label: 'Generate a new random key', detail: 'For a new local vault: a random 32-byte key, which you must keep a copy of' },
  ]);
  if (method === 'enter') {
    const key = await input(ctx, {
      title,
      prompt: `Key or passphrase of the local vault (a new vault needs a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters, or a 32-byte key)`,
      password: true,
      validateInput: (value) => localKeyProblem(ctx, value),
    });
    return key === undefined ? undefined : { kind: 'local-key', key: key.trim() };
  }
  if (method !== 'generate') return undefined;
  const key = ctx.randomKey();
  const copy = 'Copy Key';
  const choice = await ctx.window.showWarningMessage(
    `A new key was generated for the local vault "${vault.name}". Keep a copy of it somewhere safe.`,
    {
      modal: true,
      detail:
        'Without this key, the secrets written to this local vault cannot be read again: VS Code\'s secret storage is not a backup. ' +
        'Copy it now into your password manager.',
    },
    copy,
    'Continue',
  );
  if (choice === undefined) return undefined;
  if (choice === copy) {
    const seconds = clipboardClearSeconds(ctx);
    await ctx.clipboard.copy(key, seconds);
    void ctx.window.showInformationMessage(
      seconds > 0 ? `The key is on the clipboard; it will be cleared in ${seconds} s.` : 'The key is on the clipboard.',
      {},
    );
  }
  return { kind: 'local-key', key };
}

/**
 * A short passphrase is shown a warning, not refused: it still opens a local vault created with it
 * before passphrases had a minimum, while a new vault refuses it (the server says so on the first write).
 */
function localKeyProblem(ctx: CommandContext, value: string): string | vscode.InputBoxValidationMessage | undefined {
  const key = value.trim();
  if (key === '') return 'Enter the key or passphrase.';
  if (decodeRawKey(key) !== undefined || passphraseLength(key) >= MIN_PASSPHRASE_LENGTH) return undefined;
  return {
    message:
      `Shorter than ${MIN_PASSPHRASE_LENGTH} characters: it opens a local vault created with it, but a new local vault needs a passphrase of at least ` +
      `${MIN_PASSPHRASE_LENGTH} characters or a 32-byte key ("Generate a new random key").`,
    severity: ctx.types.InputBoxValidationSeverity.Warning,
  };
}

async function awsCredential(ctx: CommandContext, title: string): Promise<StoredCredential | undefined> {
  const method = await choose(ctx, 'AWS credentials', [
    { id: 'keys', label: 'Access key', detail: 'An access key ID and secret access key, with an optional session token' },
    { id: 'profile', label: 'Profile', detail: 'A named profile of the shared AWS config and credentials files' },
  ]);
  if (method === 'profile') {
    const profile = await textInput(ctx, title, 'AWS profile name', 'a profile name', 'default');
    return profile === undefined ? undefined : { kind: 'aws-profile', profile };
  }
  if (method !== 'keys') return undefined;
  const accessKeyId = await textInput(ctx, title, 'AWS access key ID', 'the access key ID', 'AKIA…');
  if (accessKeyId === undefined) return undefined;
  const secretAccessKey = await secretInput(ctx, title, 'AWS secret access key', 'the secret access key');
  if (secretAccessKey === undefined) return undefined;
  const sessionToken = await input(ctx, { title, prompt: 'AWS session token (leave empty if you have none)', password: true });
  if (sessionToken === undefined) return undefined;
  const token = sessionToken.trim();
  return token === '' ? { kind: 'aws-keys', accessKeyId, secretAccessKey } : { kind: 'aws-keys', accessKeyId, secretAccessKey, sessionToken: token };
}

async function azureCredential(ctx: CommandContext, title: string): Promise<StoredCredential | undefined> {
  const method = await choose(ctx, 'Azure credentials', [
    { id: 'microsoft', label: 'Microsoft account (built-in sign-in)', detail: "VS Code's Microsoft sign-in; the token is fetched afresh for every request" },
    { id: 'sp', label: 'Service principal', detail: 'A tenant ID, client ID and client secret' },
  ]);
  if (method === 'microsoft') {
    try {
      const session = await ctx.authentication.getSession('microsoft', [azureKeyVaultScope], { createIfNone: true });
      if (session === undefined) return undefined;
      return { kind: 'azure-microsoft', account: session.account.label };
    } catch (error) {
      void ctx.window.showWarningMessage(`${displayName}: the Microsoft sign-in did not complete: ${describeError(error)}`, {});
      return undefined;
    }
  }
  if (method !== 'sp') return undefined;
  const tenantId = await textInput(ctx, title, 'Directory (tenant) ID', 'the tenant ID');
  if (tenantId === undefined) return undefined;
  const clientId = await textInput(ctx, title, 'Application (client) ID', 'the client ID');
  if (clientId === undefined) return undefined;
  const clientSecret = await secretInput(ctx, title, 'Client secret', 'the client secret');
  return clientSecret === undefined ? undefined : { kind: 'azure-client-secret', tenantId, clientId, clientSecret };
}

const maxKeyFileBytes = 64 * 1024;

/** Why a file is not a service-account key, or undefined when it is one. Never quotes the file. */
export function serviceAccountKeyProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'it is not valid JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'it is not a JSON object';
  const key = parsed as Record<string, unknown>;
  if (typeof key.client_email !== 'string' || key.client_email === '') return 'it has no client_email';
  if (typeof key.private_key !== 'string' || key.private_key === '') return 'it has no private_key';
  if (key.type !== undefined && key.type !== 'service_account') return 'its type is not service_account';
  return undefined;
}

async function gcpCredential(ctx: CommandContext, title: string): Promise<StoredCredential | undefined> {
  const picked = await ctx.window.showOpenDialog({
    title,
    openLabel: 'Import Key',
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: { 'Service-account key (JSON)': ['json'] },
  });
  const uri = picked?.[0];
  if (uri === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await ctx.workspace.fs.readFile(uri);
  } catch (error) {
    void ctx.window.showErrorMessage(`${displayName}: could not read the key file: ${describeError(error)}`);
    return undefined;
  }
  const problem = bytes.byteLength > maxKeyFileBytes ? 'it is too large' : serviceAccountKeyProblem(Buffer.from(bytes).toString('utf8'));
  if (problem !== undefined) {
    void ctx.window.showErrorMessage(`${displayName}: the file is not a Google Cloud service-account key: ${problem}. Nothing was imported.`);
    return undefined;
  }
  return { kind: 'gcp-service-account', json: Buffer.from(bytes).toString('utf8') };
}

/** Asks for the credential of a vault of any provider; undefined when cancelled or invalid. */
export async function askCredential(ctx: CommandContext, vault: VaultSummary): Promise<StoredCredential | undefined> {
  const title = `Sign in to ${vault.name}${vault.address !== '' ? ` (${vault.address})` : ''}`;
  switch (vault.provider) {
    case 'hashicorp':
      return hashicorpCredential(ctx, title);
    case 'local':
      return localCredential(ctx, vault, title);
    case 'aws':
      return awsCredential(ctx, title);
    case 'azure':
      return azureCredential(ctx, title);
    case 'gcp':
      return gcpCredential(ctx, title);
    default:
      void ctx.window.showErrorMessage(`${displayName}: signing in to a ${vault.provider} vault is not supported.`);
      return undefined;
  }
}

function identity(vault: VaultIdentity): VaultIdentity {
  return { name: vault.name, provider: vault.provider, address: vault.address };
}

export function notPersistedMessage(vault: VaultIdentity, reason: string): string {
  return (
    `${displayName}: the credential for vault "${vault.name}" could not be saved in VS Code's secret storage (${reason}). ` +
    'It is kept in memory only and will not persist: you will have to sign in again after VS Code restarts. ' +
    'VS Code keeps secrets in the operating system keyring; on a Linux desktop, install and unlock one (gnome-keyring or KWallet), then restart VS Code.'
  );
}

async function resetServerCache(ctx: CommandContext): Promise<void> {
  const session = ctx.server();
  if (session === undefined) return;
  try {
    await session.request(resetCacheRequest, {});
  } catch (error) {
    ctx.output.warn(`Resetting the secret cache failed: ${describeError(error)}`);
  }
}

export async function signIn(ctx: CommandContext): Promise<void> {
  if (!requireTrust(ctx, 'Signing in')) return;
  const session = requireServer(ctx);
  if (session === undefined) return;
  const vault = await pickVault(ctx, session, {
    placeHolder: 'Sign in to which vault configuration?',
    none: `${displayName}: there is no vault configuration in this workspace. Run "${displayName}: Add Vault Configuration..." first.`,
  });
  if (vault === undefined) return;
  if (vault.provider !== 'local' && vault.address === '') {
    // Nothing could be sent anywhere: the server asks for credentials by parsed origin only.
    void ctx.window.showErrorMessage(
      `${displayName}: vault "${vault.name}" has no valid address: its vault configuration names no http(s) URL without user info (or, for HashiCorp Vault, VAULT_ADDR is not set). Fix it first; nothing was stored.`,
    );
    return;
  }
  const credential = await askCredential(ctx, vault);
  if (credential === undefined) return;
  const id = identity(vault);
  const outcome = await ctx.credentials.store(id, credential);
  if (!outcome.persisted) {
    ctx.output.warn(`The credential for vault "${vault.name}" is kept in memory only: ${outcome.reason}`);
    void ctx.window.showWarningMessage(notPersistedMessage(id, outcome.reason), {});
  }
  ctx.responder.forgetRefusal(id);
  ctx.output.info(`Signed in to vault "${vault.name}" (${vault.provider}${vault.address !== '' ? `, ${vault.address}` : ''}).`);
  await resetServerCache(ctx);
  ctx.vaultsChanged();
  void ctx.window.showInformationMessage(`${displayName}: signed in to vault "${vault.name}".`, {});
}

interface SignedInItem extends vscode.QuickPickItem {
  vault: VaultIdentity;
}

export async function signOut(ctx: CommandContext): Promise<void> {
  const session = ctx.server();
  const configured = session !== undefined ? ((await listVaults(ctx, session)) ?? []) : [];
  const candidates = new Map<string, { vault: VaultIdentity; configured: boolean }>();
  for (const vault of configured) {
    const id = identity(vault);
    if (await ctx.credentials.has(id)) candidates.set(credentialKey(id), { vault: id, configured: true });
  }
  for (const id of ctx.credentials.indexed()) {
    if (!candidates.has(credentialKey(id)) && (await ctx.credentials.has(id))) candidates.set(credentialKey(id), { vault: id, configured: false });
  }
  if (candidates.size === 0) {
    void ctx.window.showInformationMessage(`${displayName}: no vault has a stored credential.`, {});
    return;
  }
  const items: SignedInItem[] = [...candidates.values()].map(({ vault, configured }) => ({
    label: vault.name,
    description: `${vault.provider}${vault.address !== '' ? ` · ${vault.address}` : ''}`,
    detail: configured ? undefined : 'No vault configuration uses this address any more',
    vault,
  }));
  const picked = await ctx.window.showQuickPick(items, { placeHolder: 'Sign out of which vault? Its stored credential is deleted.', ignoreFocusOut: true });
  if (picked === undefined) return;
  try {
    await ctx.credentials.delete(picked.vault);
  } catch (error) {
    void ctx.window.showErrorMessage(`${displayName}: could not delete the credential: ${describeError(error)}`);
    return;
  }
  ctx.output.info(`Signed out of vault "${picked.vault.name}"; its credential was deleted.`);
  await resetServerCache(ctx);
  ctx.vaultsChanged();
  void ctx.window.showInformationMessage(`${displayName}: signed out of vault "${picked.vault.name}".`, {});
}

export async function resetCache(ctx: CommandContext): Promise<void> {
  const session = requireServer(ctx);
  if (session === undefined) return;
  try {
    await session.request(resetCacheRequest, {});
  } catch (error) {
    void ctx.window.showErrorMessage(`${displayName}: resetting the secret cache failed: ${describeError(error)}`);
    return;
  }
  ctx.output.info('The secret cache was reset.');
  ctx.vaultsChanged();
  void ctx.window.showInformationMessage(`${displayName}: the secret cache was cleared; open documents are checked again.`, {});
}
