/** The inventory's vault configurations: where each lives, its engines or store, the secrets read from it. */
import { fileURLToPath } from 'node:url';
import { vaultAddress } from '../../live/providerRegistry';
import type { LiveFacts } from '../../service/facts/liveFacts';
import type { VaultFact } from '../../service/facts/vaults';
import type { WorkspaceIndex } from '../../service/facts/workspaceIndex';
import { sortedUnique, type SecretDraft } from './drafts';
import type { InventoryEngine, InventoryVault } from './types';
import { hasEngines, providerDescriptor } from '../../../../shared/src/providers';

/** A file of the run: where it is, its folder, and whether it was given (not read only for names). */
export interface InventoryFile {
  path: string;
  folder: string;
  uri: string | undefined;
  support: boolean;
}

/** The vault configurations of the folders given, and those used by the files given alone, sorted. */
export function vaultEntries(index: WorkspaceIndex, files: readonly InventoryFile[], drafts: readonly SecretDraft[], live: LiveFacts | undefined, env: NodeJS.ProcessEnv, display: (path: string) => string): InventoryVault[] {
  const usedVaults = new Set(drafts.map((d) => d.target.vault?.uri).filter((u): u is string => u !== undefined));
  const givenUris = new Set(files.filter((f) => !f.support && f.uri !== undefined).map((f) => f.uri!));
  const vaults: InventoryVault[] = [];
  for (const { folder, fact } of index.allVaults()) {
    if (!givenUris.has(fact.uri) && !usedVaults.has(fact.uri)) continue;
    const file = files.find((f) => f.uri === fact.uri);
    const mine = drafts.filter((d) => d.target.vault?.uri === fact.uri);
    vaults.push(vaultEntry(fact, index.vaults(fact.uri).byName.get(fact.name) ?? [], mine, live, env, display(file?.path ?? fileURLToPath(fact.uri)), display(file?.folder ?? folder)));
  }
  return vaults.sort((a, b) => a.folder.localeCompare(b.folder) || a.name.localeCompare(b.name) || a.file.localeCompare(b.file));
}

function vaultEntry(fact: VaultFact, sameName: readonly VaultFact[], mine: readonly SecretDraft[], live: LiveFacts | undefined, env: NodeJS.ProcessEnv, file: string, folder: string): InventoryVault {
  const address = vaultAddress(fact, env);
  const store = storeOf(fact);
  return {
    name: fact.name,
    provider: fact.provider ?? null,
    ...(address ? { address } : {}),
    ...(fact.namespace ? { namespace: fact.namespace } : {}),
    ...(fact.region ? { region: fact.region } : {}),
    ...(fact.project ? { project: fact.project } : {}),
    ...(fact.description ? { description: fact.description } : {}),
    ...(fact.owner ? { owner: fact.owner } : {}),
    enabled: fact.enabled,
    file,
    folder,
    duplicate: sameName.length > 1,
    engines: hasEngines(fact.provider) ? enginesOf(fact, mine, live) : [],
    ...(store ? { store } : {}),
    secrets: sortedUnique(mine.map((d) => d.secret.id)),
    ...(live ? { live: { access: live.access(fact) } } : {}),
  };
}

/** The store that holds a vault's secrets, as its provider's descriptor names it (none for engines). */
function storeOf(fact: VaultFact): InventoryVault['store'] {
  return providerDescriptor(fact.provider)?.labels.store?.(fact);
}

function enginesOf(fact: VaultFact, secrets: readonly SecretDraft[], live: LiveFacts | undefined): InventoryEngine[] {
  const byPath = new Map<string, InventoryEngine>();
  for (const e of fact.engines ?? []) {
    byPath.set(e.path, { path: e.path, ...(e.type ? { type: e.type } : {}), ...(e.kvVersion ? { kvVersion: e.kvVersion } : {}), declared: true, used: false });
  }
  for (const d of secrets) {
    const path = d.target.engine?.value;
    if (path === undefined) continue;
    const engine = byPath.get(path) ?? { path, declared: false, used: false };
    engine.used = true;
    if (!engine.kvVersion && d.target.engineFact?.kvVersion) {
      engine.kvVersion = d.target.engineFact.kvVersion;
      if (d.target.engineFact.type) engine.type = d.target.engineFact.type;
    }
    byPath.set(path, engine);
  }
  if (live && fact.enabled) {
    for (const engine of byPath.values()) {
      const mount = live.mount(fact, engine.path);
      if (mount?.state === 'ok') {
        const m = mount.value;
        const mounted = m.mounted && m.path === engine.path;
        engine.live = { state: 'ok', mounted, ...(mounted && m.type ? { type: m.type } : {}), ...(mounted && m.kvVersion ? { kvVersion: m.kvVersion } : {}) };
      } else if (mount?.state === 'error') {
        engine.live = { state: 'error', error: mount.error.message };
      }
    }
  }
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

