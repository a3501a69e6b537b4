import * as path from 'node:path';
import type { Settings } from '../../../shared/src/settings';
import { collectInventory as defaultCollect, type CollectInventoryOptions, type InventoryResult } from '../workspace/inventory';
import { toVezaPayload } from '../workspace/inventoryVeza';
import type { InventoryOptions } from './args';
import { exitCodes, readablePaths, type Io } from './check';
import { displayPath } from './format';
import { trustedAddressesEnvProblem } from './trust';

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

  const { inventory, unreadable } = await collect(absolute, options.settings, io.cwd, {
    live: options.live,
    trustedAddresses: options.trustedAddresses,
    display: (p) => displayPath(p, io.cwd),
  });
  const output = options.format === 'veza-oaa' ? toVezaPayload(inventory) : inventory;
  io.stdout(`${JSON.stringify(output, null, 2)}\n`);
  if (unreadable.length > 0) {
    io.stderr(
      unreadable.map((u) => `secretrefs: cannot read "${displayPath(path.resolve(io.cwd, u.path), io.cwd)}": ${u.message.split('\n')[0]}\n`).join(''),
    );
    return exitCodes.trouble;
  }
  return exitCodes.ok;
}
