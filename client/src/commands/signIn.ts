/**
 * Sign In... and Sign Out...: credentials go to SecretStorage only; the server is then told to
 * forget what it read so it re-validates with (or without) them. What Sign In asks for each
 * provider is its descriptor's (shared/src/providers); this module asks it.
 */
import type * as vscode from 'vscode';
import { resetCacheRequest, type VaultSummary } from '../../../shared/src/customMessages';
import { providerDescriptor } from '../../../shared/src/providers';
import type { InputCheck, SignInMethod, SignInStep } from '../../../shared/src/providers/descriptor';
import { displayName } from '../constants';
import { credentialKey, needsApproval, type StoredCredential, type VaultIdentity } from '../credentials';
import { describeError } from '../host';
import { clipboardClearSeconds, listVaults, pickVault, required, requireServer, requireTrust, type CommandContext } from './context';

export { serviceAccountKeyProblem } from '../../../shared/src/providers/gcp';

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

/** An input check of a descriptor, as VS Code shows it: a warning lets the value through. */
function validation(ctx: CommandContext, check: InputCheck, value: string): string | vscode.InputBoxValidationMessage | undefined {
  const result = check(value);
  return typeof result === 'object' ? { message: result.warning, severity: ctx.types.InputBoxValidationSeverity.Warning } : result;
}

/** A new random key, shown once with a warning to keep a copy, and offered for the clipboard. */
async function generatedKey(ctx: CommandContext, vault: VaultSummary, step: Extract<SignInStep, { kind: 'generated-key' }>): Promise<string | undefined> {
  const key = ctx.randomKey();
  const copy = 'Copy Key';
  const choice = await ctx.window.showWarningMessage(step.warning(vault.name), { modal: true, detail: step.detail }, copy, 'Continue');
  if (choice === undefined) return undefined;
  if (choice === copy) {
    const seconds = clipboardClearSeconds(ctx);
    await ctx.clipboard.copy(key, seconds);
    void ctx.window.showInformationMessage(
      seconds > 0 ? `The key is on the clipboard; it will be cleared in ${seconds} s.` : 'The key is on the clipboard.',
      {},
    );
  }
  return key;
}

/** VS Code's Microsoft sign-in for a scope: the account's label. */
async function microsoftAccount(ctx: CommandContext, scope: string): Promise<string | undefined> {
  try {
    const session = await ctx.authentication.getSession('microsoft', [scope], { createIfNone: true });
    return session?.account.label;
  } catch (error) {
    void ctx.window.showWarningMessage(`${displayName}: the Microsoft sign-in did not complete: ${describeError(error)}`, {});
    return undefined;
  }
}

/** A key file picked by the user and checked; its text. Never quotes the file. */
async function keyFile(ctx: CommandContext, title: string, step: Extract<SignInStep, { kind: 'key-file' }>): Promise<string | undefined> {
  const picked = await ctx.window.showOpenDialog({
    title,
    openLabel: step.openLabel,
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: step.filters,
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
  const problem = bytes.byteLength > step.maxBytes ? 'it is too large' : step.problem(Buffer.from(bytes).toString('utf8'));
  if (problem !== undefined) {
    void ctx.window.showErrorMessage(`${displayName}: the file is not ${step.what}: ${problem}. Nothing was imported.`);
    return undefined;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** One step of a provider's Sign In; undefined when cancelled or refused. */
async function askStep(ctx: CommandContext, vault: VaultSummary, title: string, step: SignInStep): Promise<string | undefined> {
  switch (step.kind) {
    case 'text':
      return textInput(ctx, title, step.prompt, step.what, step.placeHolder);
    case 'secret': {
      if (step.check === undefined) return secretInput(ctx, title, step.prompt, step.what);
      const check = step.check;
      const value = await input(ctx, { title, prompt: step.prompt, password: true, validateInput: (v) => validation(ctx, check, v) });
      return value?.trim();
    }
    case 'optional-secret': {
      const value = await input(ctx, { title, prompt: step.prompt, password: true });
      return value?.trim();
    }
    case 'generated-key':
      return generatedKey(ctx, vault, step);
    case 'microsoft-account':
      return microsoftAccount(ctx, step.scope);
    case 'key-file':
      return keyFile(ctx, title, step);
  }
}

/** Asks for the credential of a vault as its provider's descriptor says; undefined when cancelled or invalid. */
export async function askCredential(ctx: CommandContext, vault: VaultSummary): Promise<StoredCredential | undefined> {
  const title = `Sign in to ${vault.name}${vault.address !== '' ? ` (${vault.address})` : ''}`;
  const flow = providerDescriptor(vault.provider)?.credentials.signIn;
  if (flow === undefined) {
    void ctx.window.showErrorMessage(`${displayName}: signing in to a ${vault.provider} vault is not supported.`);
    return undefined;
  }
  let method: SignInMethod | undefined = flow.methods[0];
  if (flow.methods.length > 1) {
    const choices = flow.methods.map(({ id, label, detail }): Choice<string> => ({ id, label, ...(detail !== undefined ? { detail } : {}) }));
    const picked = await choose(ctx, flow.placeHolder ?? 'How to sign in', choices);
    method = flow.methods.find((m) => m.id === picked);
  }
  if (method === undefined) return undefined;
  const answers: Record<string, string> = {};
  for (const step of method.steps) {
    const answer = await askStep(ctx, vault, title, step);
    if (answer === undefined) return undefined;
    answers[step.answer] = answer;
  }
  return method.credential(answers);
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
  if (needsApproval(vault) && vault.address === '') {
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
