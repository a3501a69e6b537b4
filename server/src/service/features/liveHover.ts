import type { LiveFacts } from '../facts/liveFacts';
import { locatorOf, readApiPath } from '../diagnostics/liveChecks';
import type { SecretTarget } from '../references/resolve';

function code(text: string): string {
  return `\`${text.replace(/`/g, "'").slice(0, 200)}\``;
}

const accessText: Record<string, string> = {
  'no-credentials': 'no credentials for this vault: sign in from the editor, or set the provider\'s environment (VAULT_TOKEN, SECRETREFS_LOCAL_KEY)',
  untrusted: 'the workspace is not trusted, so no secret manager is contacted',
  off: 'live checks are off (secretRefs.live.enabled)',
  pending: 'checking…',
  failed: 'the vault could not be set up; see the output channel',
  unsupported: 'not available for this provider yet',
};

/** What the secret manager says about a target: metadata, versions, capabilities. Never a value. */
export function liveHoverLines(target: SecretTarget, version: unknown, live: LiveFacts | undefined): string[] {
  const vault = target.vault;
  if (!live || !vault || !vault.enabled) return [];
  const access = live.access(vault);
  if (access !== 'live') return accessText[access] ? ['', `_Live: ${accessText[access]}._`] : [];
  const locator = locatorOf(target, version);
  if (!locator) return [];
  const fact = live.secret(vault, locator);
  const apiPath = readApiPath(target, locator);
  if (!fact) return ['', '_Live: checking…_'];
  if (fact.state === 'error') return ['', `**Live:** ${fact.error.message.slice(0, 300)}`];
  const lines = ['', '**Live**', ''];
  const m = fact.value.metadata;
  if (m) {
    if (m.currentVersion !== undefined) lines.push(`- **Current version:** ${m.currentVersion}`);
    if (m.createdTime) lines.push(`- **Created:** ${m.createdTime}`);
    if (m.updatedTime) lines.push(`- **Updated:** ${m.updatedTime}`);
    if (m.versions.length > 0) {
      const shown = [...m.versions].sort((a, b) => Number(b.version) - Number(a.version)).slice(0, 10);
      const state = (v: (typeof shown)[number]) => (v.destroyed ? 'destroyed' : v.deletionTime ? `deleted ${v.deletionTime}` : 'readable');
      lines.push(`- **Versions:** ${shown.map((v) => `v${v.version} (${v.createdTime ?? '?'}, ${state(v)})`).join('; ')}`);
    }
    if (m.maxVersions !== undefined) lines.push(`- **Max versions:** ${m.maxVersions}`);
    if (m.casRequired !== undefined) lines.push(`- **Check-and-set required:** ${m.casRequired ? 'yes' : 'no'}`);
    for (const [k, v] of Object.entries(m.customMetadata ?? {}).slice(0, 20)) lines.push(`- **${k.slice(0, 60)}:** ${String(v).slice(0, 200)}`);
  }
  if (fact.value.keys) lines.push(`- **Keys:** ${fact.value.keys.slice(0, 30).map(code).join(', ') || 'none'}`);
  const caps = live.capabilities(vault, apiPath);
  if (caps?.state === 'ok') lines.push(`- **Capabilities on ${code(apiPath)}:** ${caps.value.join(', ') || 'none'}`);
  return lines;
}
