import type { BrowseParams, BrowseResult } from '../../../shared/src/customMessages';
import { listingCut } from '../../../shared/src/listing';
import { hasEngines } from '../../../shared/src/providers';
import { describeFailure, vaultByUri, type CommandContext } from './context';

/** The engines of a vault whose secrets live in engines (HashiCorp), or what lies under a folder (all secret names elsewhere). */
export async function browse(ctx: CommandContext, params: BrowseParams): Promise<BrowseResult> {
  const vault = vaultByUri(ctx, params.vaultUri);
  if (!vault) return { error: 'No such vault configuration.' };
  const entry = await ctx.live()?.providerFor(vault);
  if (!entry) return { error: `Vault "${vault.name}" has no live access: sign in first (${ctx.live()?.access(vault) ?? 'off'}).` };
  try {
    if (hasEngines(vault.provider) && params.engine === undefined) {
      const engines = await entry.provider.listEngines();
      return { engines: engines.filter((e) => e.type === 'kv').map((e) => ({ path: e.path, ...(e.kvVersion ? { kvVersion: e.kvVersion } : {}) })) };
    }
    const entries = await entry.provider.list(params.engine, params.folder ?? '');
    const cut = listingCut(entries);
    return { entries: [...entries], ...(cut ? { note: cut.message } : {}) };
  } catch (error) {
    return { error: describeFailure(error) };
  }
}
