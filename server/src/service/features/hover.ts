import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import type { VaultFact } from '../facts/facts';
import { apiPath, type SecretTarget } from '../references/resolve';
import type { LiveFacts } from '../facts/liveFacts';
import { kvAssumption } from '../diagnostics/unverifiedEngine';
import type { ReferenceFormat } from '../formats/format';
import { code, escaped } from './hoverText';
import { liveHoverLines } from './liveHover';
import type { LocatedItem } from './locate';
import { vaultLocation } from '../../../../shared/src/providers';

function vaultLines(name: string, vault: VaultFact | undefined, known: boolean): string[] {
  if (!vault) return [`- **Vault:** ${code(name)} — ${known ? 'defined more than once in this folder' : 'no configuration of that name found'}`];
  const location = vaultLocation(vault);
  const where = location ? `${location.label ? `${location.label} ` : ''}${code(location.value)}` : undefined;
  const lines = [`- **Vault:** ${code(vault.name)} (${vault.provider ? escaped(vault.provider, 40) : 'unknown provider'}${where ? `, ${where}` : ''})${vault.enabled ? '' : ' — **disabled**'}`];
  if (vault.namespace) lines.push(`- **Namespace:** ${code(vault.namespace)}`);
  if (vault.description) lines.push(`- **Description:** ${escaped(vault.description, 200)}`);
  if (vault.owner) lines.push(`- **Owner:** ${escaped(vault.owner, 100)}`);
  return lines;
}

function secretLines(target: SecretTarget): string[] {
  const lines: string[] = [];
  if (target.provider === 'hashicorp' || target.engine) {
    if (target.engine) {
      const fact = target.engineFact;
      const assumed = fact?.kvVersion ? undefined : kvAssumption(target);
      const version = fact?.kvVersion
        ? `KV v${fact.kvVersion} (${fact.source === 'live' ? 'from the server' : 'declared in the vault configuration'})`
        : assumed
          ? `KV v${assumed.version} assumed, because the path ${assumed.version === 2 ? 'starts' : 'does not start'} with ${code('data/')}: the vault configuration declares no engines and the token may read neither ${code(`sys/internal/ui/mounts/${target.engine.value}`)} nor ${code('sys/mounts')}, so the secret is read as written`
          : target.vault?.engines
            ? 'not among the declared engines'
            : 'KV version unknown: the vault configuration declares no engines';
      lines.push(`- **Engine:** ${code(target.engine.value)} — ${version}`);
    } else {
      lines.push('- **Engine:** unknown: the vault configuration declares no engine that prefixes this path');
    }
    if (target.secretPath) lines.push(`- **Secret path:** ${code(target.secretPath.value)}`);
    const api = apiPath(target);
    if (api) lines.push(`- **API path:** ${code(api)}`);
  } else if (target.secretName) {
    lines.push(`- **Secret:** ${code(target.secretName.value)}`);
  }
  return lines;
}

/**
 * Markdown that explains a key read, a use or a vault name. It names where a secret lives, never
 * its value. `labels` are the format's titles; `documentLines` what the format says of the
 * document (a connection's owner and expiry), added on reads and uses.
 */
export function hoverFor(
  located: LocatedItem,
  vaultKnown: (name: string) => boolean,
  live: LiveFacts | undefined,
  labels: ReferenceFormat['labels'],
  documentLines: readonly string[],
): Hover | null {
  let lines: string[];
  switch (located.kind) {
    case 'read': {
      const { read, use, target } = located.resolved;
      lines = [`**${labels.read}**`, ''];
      if (!target) {
        lines.push(read.problem ? escaped(read.problem.message, 300) : 'Not resolved to a secret.');
        break;
      }
      lines.push(...vaultLines(target.vaultName.value, target.vault, vaultKnown(target.vaultName.value)));
      lines.push(...secretLines(target));
      if (use?.alias) lines.push(`- **Alias:** ${code(use.alias.value)}`);
      if (use?.version) lines.push(`- **Version pin:** ${code(String(use.version.value))}`);
      if (read.key) lines.push(`- **Key:** ${read.key.value === '*' ? 'the whole secret (`*`)' : code(read.key.value)}`);
      lines.push(...documentLines);
      lines.push(...liveHoverLines(target, use, live));
      break;
    }
    case 'vault-name':
      lines = ['**Vault configuration**', '', ...vaultLines(located.name.value, located.target?.vault, vaultKnown(located.name.value))];
      if (located.target?.vault?.engines) {
        lines.push(`- **Declared engines:** ${located.target.vault.engines.map((e) => `${code(e.path)}${e.kvVersion ? ` (KV v${e.kvVersion})` : ''}`).join(', ') || 'none'}`);
      }
      break;
    case 'use':
      if (!located.target) return null;
      lines = [`**${labels.use}**`, '', ...vaultLines(located.target.vaultName.value, located.target.vault, vaultKnown(located.target.vaultName.value)), ...secretLines(located.target), ...documentLines];
      lines.push(...liveHoverLines(located.target, located.use, live));
      break;
  }
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') } };
}
