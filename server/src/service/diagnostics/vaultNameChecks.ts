import type { VaultSet } from '../facts/facts';
import type { Located, Problem } from '../model/types';
import { nearestNames } from '../text/nearest';

/**
 * `unknown-vault` (only when the set of vaults is complete) and `vault-disabled`.
 * Returns true when the name resolves to exactly one enabled-or-disabled configuration.
 */
export function checkVaultName(name: Located<string>, vaults: VaultSet, problems: Problem[]): boolean {
  const found = vaults.byName.get(name.value);
  if (!found || found.length === 0) {
    if (!vaults.complete) return false;
    const candidates = nearestNames(name.value, vaults.byName.keys());
    const known = [...vaults.byName.keys()].sort();
    const hint = candidates.length ? ` Did you mean \`${candidates[0]}\`?` : known.length ? ` Known vaults: ${known.slice(0, 10).join(', ')}.` : ' Add a *.vault.yaml file that defines it.';
    problems.push({
      code: 'unknown-vault',
      span: name.span,
      message: `No vault configuration named \`${name.value.slice(0, 80)}\` in this workspace folder.${hint}`,
      ...(candidates.length ? { data: { fix: 'rename-vault', start: name.span.start, end: name.span.end, candidates } } : {}),
    });
    return false;
  }
  if (found.length > 1) return false;
  if (!found[0]!.enabled) {
    problems.push({
      code: 'vault-disabled',
      span: name.span,
      message: `Vault configuration \`${name.value}\` is disabled (enabled: false): its secrets are not read.`,
    });
  }
  return true;
}
