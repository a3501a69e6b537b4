/**
 * What the commands share: their collaborators, the current server session, and small helpers
 * for trust, requests and picking a vault. A command that is cancelled at any step returns
 * without sending anything or changing anything.
 */
import type * as vscode from 'vscode';
import { listVaultsRequest, type VaultSummary } from '../../../shared/src/customMessages';
import { settingsSection } from '../../../shared/src/settings';
import type { ClipboardGuard } from '../clipboard';
import { clientSettingKeys, defaultClipboardClearSeconds, displayName } from '../constants';
import type { CredentialResponder, CredentialStore } from '../credentials';
import {
  describeError,
  type AuthenticationLike,
  type CommandsLike,
  type EnvLike,
  type VscodeTypes,
  type WindowLike,
  type WorkspaceLike,
} from '../host';
import type { PreviewDocuments } from '../previewDocuments';
import { userValue } from '../settings';
import { parseVaults, vaultState } from '../vaultStatus';

/** The running server, with the key its process was started with. */
export interface ServerSession {
  readonly sessionKey: string;
  request<R>(method: string, params?: unknown): Promise<R>;
}

export interface CommandContext {
  window: WindowLike;
  workspace: WorkspaceLike;
  commands: CommandsLike;
  env: EnvLike;
  authentication: AuthenticationLike;
  types: VscodeTypes;
  output: vscode.LogOutputChannel;
  credentials: CredentialStore;
  responder: CredentialResponder;
  clipboard: ClipboardGuard;
  previews: PreviewDocuments;
  /** The current server session, if the server runs. */
  server(): ServerSession | undefined;
  /** The vaults' sign-in state may have changed: refresh the status item. */
  vaultsChanged(): void;
  /** A new random 32-byte key, base64 (for a new local vault). */
  randomKey(): string;
}

const manageTrustAction = 'Manage Workspace Trust';

/** False (after saying why) in an untrusted workspace. */
export function requireTrust(ctx: CommandContext, what: string): boolean {
  if (ctx.workspace.isTrusted) return true;
  ctx.window
    .showWarningMessage(
      `${what} needs a trusted workspace: in an untrusted workspace ${displayName} contacts no secret manager and no credential leaves VS Code's secret storage.`,
      {},
      manageTrustAction,
    )
    .then(
      (choice) => {
        if (choice === manageTrustAction) void ctx.commands.executeCommand('workbench.trust.manage');
      },
      () => undefined,
    );
  return false;
}

export function requireServer(ctx: CommandContext): ServerSession | undefined {
  const session = ctx.server();
  if (session === undefined) {
    void ctx.window.showErrorMessage(`${displayName}: the language server is not running. Run "${displayName}: Restart Server".`);
  }
  return session;
}

/** Sends a request; on failure says what failed and returns undefined. */
export async function send<R>(ctx: CommandContext, session: ServerSession, method: string, params: unknown, what: string): Promise<R | undefined> {
  try {
    return await session.request<R>(method, params);
  } catch (error) {
    const message = `${displayName}: ${what} failed: ${describeError(error)}`;
    ctx.output.warn(message);
    void ctx.window.showErrorMessage(message);
    return undefined;
  }
}

export async function listVaults(ctx: CommandContext, session: ServerSession): Promise<VaultSummary[] | undefined> {
  const result = await send<unknown>(ctx, session, listVaultsRequest, {}, 'Listing the vault configurations');
  return result === undefined ? undefined : parseVaults(result);
}

export interface VaultItem extends vscode.QuickPickItem {
  vault: VaultSummary;
}

function folderName(folder: string): string {
  const trimmed = folder.replace(/\/+$/, '');
  const name = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

export function vaultItem(vault: VaultSummary, vaults: readonly VaultSummary[]): VaultItem {
  const sameName = vaults.filter((v) => v.name === vault.name).length > 1;
  const where = sameName && vault.folder !== '' ? ` · ${folderName(vault.folder)}` : '';
  return {
    label: vault.name,
    description: `${vault.provider}${vault.address !== '' ? ` · ${vault.address}` : ''}${where}`,
    detail: vaultState(vault).text,
    vault,
  };
}

/** Lists the vaults (optionally filtered) and lets the user pick one. */
export async function pickVault(
  ctx: CommandContext,
  session: ServerSession,
  options: { placeHolder: string; filter?: (vault: VaultSummary) => boolean; none: string },
): Promise<VaultSummary | undefined> {
  const all = await listVaults(ctx, session);
  if (all === undefined) return undefined;
  const vaults = options.filter ? all.filter(options.filter) : all;
  if (vaults.length === 0) {
    void ctx.window.showInformationMessage(options.none, {});
    return undefined;
  }
  const picked = await ctx.window.showQuickPick(
    vaults.map((v) => vaultItem(v, vaults)),
    { placeHolder: options.placeHolder, matchOnDescription: true, ignoreFocusOut: true },
  );
  return picked?.vault;
}

export function clipboardClearSeconds(ctx: CommandContext): number {
  // A user-only setting: a workspace's `.vscode/settings.json` cannot shorten or disable the clearing.
  const value = userValue(ctx.workspace.getConfiguration(settingsSection), clientSettingKeys.clipboardClearSeconds);
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : defaultClipboardClearSeconds;
}

/** Validation for required single-line text inputs. */
export function required(what: string): (value: string) => string | undefined {
  return (value) => (value.trim() === '' ? `Enter ${what}.` : undefined);
}
