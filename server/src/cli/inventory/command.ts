import * as path from 'node:path';
import type { Settings } from '../../../../shared/src/settings';
import { collectInventory as defaultCollect, type CollectInventoryOptions, type InventoryResult } from './collect';
import { toVezaPayload } from './veza';
import type { InventoryOptions } from '../args';
import { exitCodes, fileLimitMessage, readablePaths, type Io } from '../check';
import { oneLine } from '../../../../shared/src/text/controls';
import { displayPath, terminalJson, terminalPath } from '../format';
import { trustedAddressesEnvProblem } from '../trust';

/** collectInventory's contract, replaceable in tests. */
export type CollectInventory = (paths: string[], settings: Settings, cwd: string, options: CollectInventoryOptions) => Promise<InventoryResult>;

/** `secretrefs inventory`: writes the inventory (never a value) and returns the exit status. */
export async function runInventory(options: InventoryOptions, io: Io, collect: CollectInventory = defaultCollect, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const trustProblem = options.live ? trustedAddressesEnvProblem(env) : undefined;
  if (trustProblem) {
    io.stderr(`secretrefs: ${trustProblem}\n`);
    return exitCodes.trouble;
  }
  const absolute = await readablePaths(options.paths, io);
  if (!absolute) return exitCodes.trouble;

  const { inventory, unreadable, limitReached } = await collect(absolute, options.settings, io.cwd, {
    live: options.live,
    trustedAddresses: options.trustedAddresses,
    display: (p) => displayPath(p, io.cwd),
  });
  const output = options.format === 'veza-oaa' ? toVezaPayload(inventory) : inventory;
  io.stdout(terminalJson(output));
  if (unreadable.length > 0) {
    io.stderr(
      unreadable.map((u) => `secretrefs: cannot read "${terminalPath(displayPath(path.resolve(io.cwd, u.path), io.cwd))}": ${oneLine(u.message.split('\n')[0] ?? '')}\n`).join(''),
    );
  }
  if (limitReached) io.stderr(fileLimitMessage(options.settings.files.maxFiles));
  return unreadable.length > 0 || limitReached ? exitCodes.trouble : exitCodes.ok;
}
