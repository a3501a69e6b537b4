/**
 * Move to vault...: the quick fix of a `hardcoded-credential`. Picks a vault, a path and a key;
 * the server writes the literal there (with check-and-set) and, only when that succeeded, replaces
 * it with a reference and attaches the secret in one edit. If the write fails, nothing changes.
 */
import { moveToVaultRequest, type MoveToVaultCommandArgs, type MoveToVaultParams, type MoveToVaultResult } from '../../../shared/src/customMessages';
import { hasEngines } from '../../../shared/src/providers';
import { displayName } from '../constants';
import { pickVault, requireServer, requireTrust, send, type CommandContext } from './context';
import { keyProblem, pickEngine, pickPath } from './writeSecret';

function isArgs(value: unknown): value is MoveToVaultCommandArgs {
  const v = value as Partial<MoveToVaultCommandArgs> | undefined;
  return typeof v?.uri === 'string' && typeof v.version === 'number' && typeof v.key === 'string' && typeof v.range === 'object' && v.range !== null;
}

export async function moveToVault(ctx: CommandContext, args: unknown): Promise<void> {
  if (!isArgs(args)) {
    void ctx.window.showInformationMessage(`${displayName}: use "Move to vault..." from the quick fixes of a hard-coded credential.`, {});
    return;
  }
  if (!requireTrust(ctx, 'Moving a credential to a vault')) return;
  const session = requireServer(ctx);
  if (session === undefined) return;
  const vault = await pickVault(ctx, session, {
    placeHolder: 'Move the credential to which vault?',
    filter: (v) => v.enabled,
    none: `${displayName}: there is no enabled vault configuration in this workspace.`,
  });
  if (vault === undefined) return;
  let engine: string | undefined;
  if (hasEngines(vault.provider)) {
    const picked = await pickEngine(ctx, session, vault);
    if (picked === undefined) return;
    engine = picked.path;
  }
  const path = await pickPath(ctx, session, vault, engine);
  if (path === undefined) return;
  const key = await ctx.window.showInputBox({
    title: 'Key of the secret',
    prompt: `The key that will hold the credential in ${path}`,
    value: args.key,
    ignoreFocusOut: true,
    validateInput: (text) => keyProblem(text, new Set()),
  });
  if (key === undefined) return;
  const where = `${vault.name}: ${engine ? `${engine}/` : ''}${path}, key ${key}`;
  const confirmed = await ctx.window.showWarningMessage(
    `Move the credential to ${where}?`,
    { modal: true, detail: 'It is written first (keeping the secret\'s other keys, with check-and-set); only then is the literal replaced by a reference. If the write fails, nothing changes.' },
    'Move',
  );
  if (confirmed !== 'Move') return;
  const params: MoveToVaultParams = { textDocument: { uri: args.uri, version: args.version }, range: args.range, vaultUri: vault.uri, path, key, ...(engine ? { engine } : {}) };
  const result = await send<MoveToVaultResult>(ctx, session, moveToVaultRequest, params, 'Moving the credential');
  if (result === undefined) return;
  if (!result.ok) {
    void ctx.window.showErrorMessage(`${displayName}: ${result.message}`);
    return;
  }
  ctx.output.info(`Moved a credential to ${where} (version ${String(result.version)}); the file now reads ${result.reference}.`);
  void ctx.window.showInformationMessage(`${displayName}: moved to ${where}; the file now reads ${result.reference}.`, {});
}
