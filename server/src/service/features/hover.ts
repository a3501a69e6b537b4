import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import type { VaultFact } from '../facts/facts';
import { apiPath, type SecretTarget } from '../references/resolve';
import type { LiveFacts } from '../facts/liveFacts';
import { kvAssumption } from '../diagnostics/unverifiedEngine';
import { liveHoverLines } from './liveHover';
import type { LocatedItem } from './locate';
import { codeSpan, escapeMarkdown } from '../../../../shared/src/text/markdown';
import { vaultLocation } from '../../../../shared/src/providers';

/** A name, path or key from a file or a server, as a code span nothing inside can end early. */
function code(text: string): string {
  return codeSpan(text, 200);
}

/** Prose from a file or a server (a description, an owner, a message), as Markdown text. */
function escaped(text: string, max = 200): string {
  return escapeMarkdown(text, max);
}

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

/** Markdown that explains a reference or attachment. It names where a secret lives, never its value. */
/** The connection's owner and expiry, for hovers on its references and attachments. */
export interface ConnectionFacts {
  owner: string | undefined;
  expires: string | undefined;
}

function connectionLines(facts: ConnectionFacts | undefined): string[] {
  const lines: string[] = [];
  if (facts?.owner) lines.push(`- **Connection owner:** ${escaped(facts.owner, 100)}`);
  if (facts?.expires) lines.push(`- **Credentials expire:** ${escaped(facts.expires, 60)}`);
  return lines;
}

export function hoverFor(located: LocatedItem, vaultKnown: (name: string) => boolean, live?: LiveFacts, connection?: ConnectionFacts): Hover | null {
  let lines: string[];
  switch (located.kind) {
    case 'reference': {
      const { resolved } = located;
      lines = ['**Secret reference**', ''];
      if (!resolved.target) {
        lines.push(resolved.problem ? escaped(resolved.problem.message, 300) : 'Not resolved to a secret.');
        break;
      }
      const target = resolved.target;
      lines.push(...vaultLines(target.vaultName.value, target.vault, vaultKnown(target.vaultName.value)));
      lines.push(...secretLines(target));
      if (resolved.attachment?.alias) lines.push(`- **Alias:** ${code(resolved.attachment.alias.value)}`);
      if (resolved.attachment?.version) lines.push(`- **Version pin:** ${code(String(resolved.attachment.version.value))}`);
      if (resolved.key) lines.push(`- **Key:** ${resolved.key.value === '*' ? 'the whole secret (`*`)' : code(resolved.key.value)}`);
      lines.push(...connectionLines(connection));
      lines.push(...liveHoverLines(target, resolved.attachment, live));
      break;
    }
    case 'vault-name':
      lines = ['**Vault configuration**', '', ...vaultLines(located.name.value, located.target?.vault, vaultKnown(located.name.value))];
      if (located.target?.vault?.engines) {
        lines.push(`- **Declared engines:** ${located.target.vault.engines.map((e) => `${code(e.path)}${e.kvVersion ? ` (KV v${e.kvVersion})` : ''}`).join(', ') || 'none'}`);
      }
      break;
    case 'attachment':
      if (!located.target) return null;
      lines = ['**Attached secret**', '', ...vaultLines(located.target.vaultName.value, located.target.vault, vaultKnown(located.target.vaultName.value)), ...secretLines(located.target), ...connectionLines(connection)];
      lines.push(...liveHoverLines(located.target, located.attachment, live));
      break;
  }
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') } };
}
