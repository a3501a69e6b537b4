import type { Connection } from 'vscode-languageserver';
import {
  browseRequest,
  describeWriteRequest,
  listVaultsRequest,
  moveToVaultRequest,
  type MoveToVaultParams,
  previewSecretRequest,
  troubleshootRequest,
  writeSecretRequest,
  type BrowseParams,
  type PreviewSecretParams,
  type SecretTargetParams,
  type TroubleshootParams,
  type WriteSecretParams,
} from '../../../shared/src/customMessages';
import { runSafe, type Logger } from '../runSafe';
import { browse } from './browse';
import type { CommandContext } from './context';
import { listVaults } from './listVaults';
import { moveToVault } from './moveToVault';
import { previewSecret } from './previewSecret';
import { troubleshoot } from './troubleshoot';
import { describeWrite, writeSecret } from './writeSecret';

/** Runs a command once the workspace is indexed (at most 10 s later), so vault names resolve. */
async function afterIndexing<T>(ctx: CommandContext, work: () => T | Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([ctx.ready(), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
  if (timer) clearTimeout(timer);
  return work();
}

/** Serves the VS Code client's commands. Each handler is wrapped so a failure is an answer, not a crash. */
export function registerCommands(connection: Connection, ctx: CommandContext, log: Logger, env: NodeJS.ProcessEnv): void {
  connection.onRequest(listVaultsRequest, (_: unknown, token) => runSafe(log, 'List vaults', token, { vaults: [] }, () => afterIndexing(ctx, () => listVaults(ctx, env))));
  connection.onRequest(browseRequest, (params: BrowseParams, token) => runSafe(log, 'Browse', token, { error: 'failed' }, () => afterIndexing(ctx, () => browse(ctx, params))));
  connection.onRequest(describeWriteRequest, (params: SecretTargetParams, token) =>
    runSafe(log, 'Describe write', token, { apiPath: '', currentVersion: 0, keys: [], error: 'failed' }, () => afterIndexing(ctx, () => describeWrite(ctx, params))),
  );
  connection.onRequest(writeSecretRequest, (params: WriteSecretParams) =>
    runSafe(log, 'Write secret', undefined, { ok: false as const, reason: 'unreachable' as const, message: 'failed; see the output channel' }, () => afterIndexing(ctx, () => writeSecret(ctx, params))),
  );
  connection.onRequest(previewSecretRequest, (params: PreviewSecretParams, token) =>
    runSafe(log, 'Preview', token, { ok: false as const, message: 'failed; see the output channel' }, () => afterIndexing(ctx, () => previewSecret(ctx, params))),
  );
  connection.onRequest(moveToVaultRequest, (params: MoveToVaultParams) =>
    runSafe(log, 'Move to vault', undefined, { ok: false as const, message: 'failed; see the output channel' }, () => afterIndexing(ctx, () => moveToVault(ctx, connection, params))),
  );
  connection.onRequest(troubleshootRequest, (params: TroubleshootParams, token) =>
    runSafe(log, 'Troubleshoot', token, { vault: '', steps: [] }, () => afterIndexing(ctx, () => troubleshoot(ctx, params.vaultUri, env))),
  );
}
