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

/** Serves the VS Code client's commands. Each handler is wrapped so a failure is an answer, not a crash. */
export function registerCommands(connection: Connection, ctx: CommandContext, log: Logger, env: NodeJS.ProcessEnv): void {
  connection.onRequest(listVaultsRequest, (_: unknown, token) => runSafe(log, 'List vaults', token, { vaults: [] }, () => listVaults(ctx, env)));
  connection.onRequest(browseRequest, (params: BrowseParams, token) => runSafe(log, 'Browse', token, { error: 'failed' }, () => browse(ctx, params)));
  connection.onRequest(describeWriteRequest, (params: SecretTargetParams, token) =>
    runSafe(log, 'Describe write', token, { apiPath: '', currentVersion: 0, keys: [], error: 'failed' }, () => describeWrite(ctx, params)),
  );
  connection.onRequest(writeSecretRequest, (params: WriteSecretParams) =>
    runSafe(log, 'Write secret', undefined, { ok: false as const, reason: 'unreachable' as const, message: 'failed; see the output channel' }, () => writeSecret(ctx, params)),
  );
  connection.onRequest(previewSecretRequest, (params: PreviewSecretParams, token) =>
    runSafe(log, 'Preview', token, { ok: false as const, message: 'failed; see the output channel' }, () => previewSecret(ctx, params)),
  );
  connection.onRequest(moveToVaultRequest, (params: MoveToVaultParams) =>
    runSafe(log, 'Move to vault', undefined, { ok: false as const, message: 'failed; see the output channel' }, () => moveToVault(ctx, connection, params)),
  );
  connection.onRequest(troubleshootRequest, (params: TroubleshootParams, token) =>
    runSafe(log, 'Troubleshoot', token, { vault: '', steps: [] }, () => troubleshoot(ctx, params.vaultUri, env)),
  );
}
