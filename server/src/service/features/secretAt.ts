import type { SecretLocator } from '../../../../shared/src/secretModel';
import type { DocumentAnalysis } from '../documentAnalysis';
import type { VaultFact, WorkspaceFacts } from '../facts/facts';
import { readApiPath, secretLocator } from '../references/locator';
import { locate } from './locate';

export interface SecretAt {
  vault: VaultFact;
  locator: SecretLocator;
  /** undefined or `*`: the whole secret. */
  key: string | undefined;
  /** For the user: `prod:/v1/secret/data/oracle` key `password` (without the pin: see `locator`). */
  label: string;
}

/** The secret (with the use's pins) and key that the read or use at `offset` names, for an explicit preview. */
export function secretAt(analysis: DocumentAnalysis, offset: number, facts: WorkspaceFacts): SecretAt | undefined {
  const found = locate(analysis.format, offset, facts.vaults(analysis.uri), facts.live);
  if (!found || found.kind === 'vault-name') return undefined;
  const target = found.kind === 'read' ? found.resolved.target : found.target;
  const use = found.kind === 'read' ? found.resolved.use : found.use;
  if (!target?.vault) return undefined;
  const locator = secretLocator(target, use);
  if (!locator) return undefined;
  const key = found.kind === 'read' ? found.resolved.read.key?.value : undefined;
  const where = target.provider === 'hashicorp' ? readApiPath(target, locator) : locator.path;
  return { vault: target.vault, locator, key, label: `${target.vault.name}:${where}${key && key !== '*' ? ` key ${key}` : ''}` };
}
