import type { ListVaultsResult } from '../../../shared/src/customMessages';
import { vaultOrigin } from '../live/vaultTarget';
import type { CommandContext } from './context';

export function listVaults(ctx: CommandContext, env: NodeJS.ProcessEnv): ListVaultsResult {
  const live = ctx.live();
  return {
    vaults: ctx.index
      .allVaults()
      .map(({ folder, fact }) => ({
        name: fact.name,
        provider: fact.provider ?? 'unknown',
        // The parsed origin: what the client keys credentials and approvals by.
        address: vaultOrigin(fact, env),
        enabled: fact.enabled,
        uri: fact.uri,
        folder,
        access: !live ? 'off' : live.access(fact) === 'live' && !live.reachable(fact) ? 'failed' : live.access(fact),
        ...tokenTtl(live?.tokenExpiry(fact)),
      }))
      .sort((a, b) => a.folder.localeCompare(b.folder) || a.name.localeCompare(b.name)),
  };
}

function tokenTtl(expiresAt: number | undefined): { tokenTtlSeconds?: number } {
  if (expiresAt === undefined || expiresAt === 0) return {};
  return { tokenTtlSeconds: Math.max(0, Math.round((expiresAt - Date.now()) / 1000)) };
}
