import type { VaultSet } from '../facts/vaults';
import type { LiveFacts } from '../facts/liveFacts';
import type { FormatAnalysis, SecretUse } from '../formats/facts';
import type { ReferenceFormat } from '../formats/format';
import type { Problem } from '../model/types';
import type { SecretTarget } from '../references/resolve';
import { checkLiveAccess, checkLiveEngine, checkLiveInPathEngine } from './liveChecks';
import { checkDataPrefix, checkDeclaredEngine, checkEngineInPath, checkInlineEngine } from './pathChecks';
import { checkUnverifiedEngine, checkUnverifiedInline } from './unverifiedEngine';
import { checkVaultName } from './vaultNameChecks';
import { checkHashicorpVersion, checkProviderVersion } from './versionChecks';

/**
 * The generic checks of every use of a document, in document order: the uses named apart first,
 * then each key read (its own resolution problem, then its inline use), then any inline use no read
 * reached. For each use: its vault link (`unknown-vault`, `vault-disabled`), the format's own
 * checks of the use (`checkUse`), then for HashiCorp the engine, the live mount and access, the
 * `data/` rule and the version pin, for other providers the version pin. A use that resolves to no
 * single vault gets only the format's checks.
 */
export function checkUses(
  format: ReferenceFormat,
  analysis: FormatAnalysis,
  targets: readonly (SecretTarget | undefined)[],
  vaults: VaultSet,
  live: LiveFacts | undefined,
  problems: Problem[],
): void {
  const checked = new Set<number>();
  const check = (index: number) => {
    const use = analysis.uses[index];
    const target = targets[index];
    checked.add(index);
    if (use && target) checkUse(format, analysis, index, use, target, vaults, live, problems);
  };
  analysis.uses.forEach((use, index) => {
    if (use.form === 'apart') check(index);
  });
  for (const read of analysis.reads) {
    if (read.problem) problems.push(read.problem);
    if (read.use !== undefined && !checked.has(read.use)) check(read.use);
  }
  analysis.uses.forEach((_, index) => {
    if (!checked.has(index)) check(index);
  });
}

function checkUse(format: ReferenceFormat, analysis: FormatAnalysis, index: number, use: SecretUse, target: SecretTarget, vaults: VaultSet, live: LiveFacts | undefined, problems: Problem[]): void {
  const linked = checkVaultLink(use, target, vaults, problems);
  format.checkUse?.({ analysis, index, use, target, problems });
  const provider = target.provider;
  if (!linked || provider === undefined) return;
  if (provider !== 'hashicorp') {
    checkProviderVersion(use.version, provider, problems);
    return;
  }
  if (use.mount === 'separate') checkSeparateEngine(target, live, problems);
  else checkPathEngine(use, target, live, problems);
  checkHashicorpVersion(use.version, target.engineFact?.kvVersion, problems);
}

/** Whether the use names exactly one vault configuration; a name that names none or several is reported. */
function checkVaultLink(use: SecretUse, target: SecretTarget, vaults: VaultSet, problems: Problem[]): boolean {
  if (use.vault?.by === 'name') return checkVaultName(use.vault.name, vaults, problems);
  return target.vault !== undefined;
}

/** An engine written apart (`engine:` beside `path:`). */
function checkSeparateEngine(target: SecretTarget, live: LiveFacts | undefined, problems: Problem[]): void {
  if (target.liveMount?.state === 'ok') checkLiveEngine(target, problems);
  else checkDeclaredEngine(target, problems);
  checkLiveAccess(target, problems);
  checkUnverifiedEngine(target, live, problems);
  const rest = checkEngineInPath(target, problems);
  if (rest) checkDataPrefix(target, rest, problems);
}

/** An engine that is the first segments of the path (`ENGINE/PATH`). */
function checkPathEngine(use: SecretUse, target: SecretTarget, live: LiveFacts | undefined, problems: Problem[]): void {
  const path = use.path ?? use.name;
  if (!path) return;
  if (target.liveMount?.state === 'ok') checkLiveInPathEngine(target, path, problems);
  else checkInlineEngine(target, path, problems);
  checkLiveAccess(target, problems);
  checkUnverifiedInline(target, path, live, problems);
  if (target.secretPath) checkDataPrefix(target, target.secretPath, problems);
}
