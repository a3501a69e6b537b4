import type { WorkspaceFacts } from '../facts/facts';
import type { FormatAnalysis } from '../formats/facts';
import type { ReferenceFormat } from '../formats/format';
import type { Problem } from '../model/types';
import { resolveReads, targetsOf, type SecretTarget } from '../references/resolve';
import { checkLiveSecrets, checkUntrustedAddresses, type LiveSecretCheck } from './liveChecks';
import type { ProblemOptions } from './problemOptions';
import { checkUses } from './useChecks';

/**
 * The checks of a reference format's document that need workspace facts: the generic checks of
 * its uses (`useChecks.ts`), then with live facts the trust of each vault's address and what the
 * secret managers say of each secret and each key read, then the format's own checks.
 */
export function checkFormatDocument(format: ReferenceFormat, uri: string, analysis: FormatAnalysis, facts: WorkspaceFacts, options: ProblemOptions, problems: Problem[]): void {
  const vaults = facts.vaults(uri);
  const live = facts.live;
  const targets = targetsOf(analysis, vaults, live);
  checkUses(format, analysis, targets, vaults, live, problems);
  const reads = resolveReads(analysis, targets);
  // A target with an offline problem (unknown vault or engine, wrong data/ prefix) has no locator
  // and is never asked for.
  if (live) {
    const checks = liveSecretChecks(analysis, targets);
    checkUntrustedAddresses(checks.map((c) => c.target), live, problems);
    checkLiveSecrets(checks, reads, live, problems, options);
  }
  format.check?.({ uri, analysis, targets, reads, vaults, facts, options, problems });
}

/** Each use that names a secret, with where a problem with the secret itself is shown. */
function liveSecretChecks(analysis: FormatAnalysis, targets: readonly (SecretTarget | undefined)[]): LiveSecretCheck[] {
  const checks: LiveSecretCheck[] = [];
  analysis.uses.forEach((use, i) => {
    const target = targets[i];
    const span = use.path?.span ?? use.name?.span;
    if (target && span) checks.push({ target, use, span });
  });
  return checks;
}
