import type { VaultFact, VaultSet } from '../facts/vaults';
import type { LiveFacts } from '../facts/liveFacts';
import type { Problem, VaultConfigModel } from '../model/types';
import { untrustedAddressProblem } from './liveChecks';

/** The checks of a vault configuration that need other files or live facts. */
export function checkVaultConfig(uri: string, vault: VaultConfigModel, vaults: VaultSet, live: LiveFacts | undefined, problems: Problem[]): void {
  if (vault.name) {
    const name = vault.name;
    const others = (vaults.byName.get(name.value) ?? []).filter((v) => v.uri !== uri);
    if (others.length > 0) {
      problems.push({
        code: 'duplicate-vault',
        span: name.span,
        message: `Another vault configuration in this workspace folder is also named \`${name.value}\` (${others.map((o) => fileName(o.uri)).join(', ')}): rename one.`,
      });
    }
  }
  const self = vault.name ? vaults.byName.get(vault.name.value)?.find((v) => v.uri === uri) : undefined;
  if (self && live) {
    checkDeclaredEngines(vault, self, live, problems);
    checkUntrustedAddress(vault, self, live, problems);
  }
}

function fileName(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}

/** `untrusted-address` on the address a vault configuration names (else its name). */
function checkUntrustedAddress(vault: VaultConfigModel, fact: VaultFact, live: LiveFacts, problems: Problem[]): void {
  if (!vault.enabled || !vault.name || live.access(fact) !== 'untrusted-address') return;
  const origin = live.untrustedAddress?.(fact);
  if (origin !== undefined) problems.push(untrustedAddressProblem(vault.name.value, origin, vault.addressSpan ?? vault.name.span));
}

/** `declared-engine-mismatch`: an engine declaration that the live server contradicts. */
function checkDeclaredEngines(vault: VaultConfigModel, fact: VaultFact, live: LiveFacts, problems: Problem[]): void {
  if (vault.provider !== 'hashicorp' || !vault.enabled || !vault.engines) return;
  if (live.access(fact) !== 'live') return;
  for (const engine of vault.engines) {
    const mount = live.mount(fact, engine.path);
    if (mount?.state !== 'ok') continue;
    const m = mount.value;
    if (!m.mounted || m.path !== engine.path) {
      problems.push({ code: 'declared-engine-mismatch', span: engine.span, message: `No engine is mounted at \`${engine.path}\` on the server.` });
    } else if (engine.version !== undefined && m.kvVersion !== engine.version) {
      const actual = m.type === 'kv' || m.kvVersion ? `KV v${m.kvVersion ?? 1}` : `a ${m.type ?? 'non-KV'} engine`;
      problems.push({
        code: 'declared-engine-mismatch',
        span: engine.span,
        message: `\`${engine.path}\` is declared as KV v${engine.version}, but the server mounts ${actual} there; the server's version is used.`,
      });
    }
  }
}
