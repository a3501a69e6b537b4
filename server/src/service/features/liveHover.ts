import type { LiveFacts } from '../facts/liveFacts';
import { locatorOf, readApiPath } from '../diagnostics/liveChecks';
import type { SecretTarget } from '../references/resolve';

function code(text: string): string {
  return `\`${text.replace(/`/g, "'").slice(0, 200)}\``;
}

const accessText: Record<string, string> = {
  'no-credentials': 'no credentials for this vault: sign in from the editor, or set the provider\'s environment (VAULT_TOKEN, SECRETREFS_LOCAL_KEY)',
  untrusted: 'the workspace is not trusted, so no secret manager is contacted',
  'untrusted-address': 'the vault\'s address is not trusted, so it was not contacted and no credential from the environment was sent (see the untrusted-address warning)',
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
    if (m.description) lines.push(`- **Description:** ${m.description.slice(0, 200)}`);
    if (m.enabled !== undefined) lines.push(`- **Enabled:** ${m.enabled ? 'yes' : 'no'}`);
    if (m.notBefore) lines.push(`- **Not before:** ${m.notBefore}`);
    if (m.expiresOn) lines.push(`- **Expires:** ${m.expiresOn}`);
    if (m.deletionDate) lines.push(`- **Scheduled for deletion:** ${m.deletionDate}`);
    if (m.lastChangedDate) lines.push(`- **Last changed:** ${m.lastChangedDate}`);
    if (m.lastAccessedDate) lines.push(`- **Last accessed:** ${m.lastAccessedDate}`);
    if (m.contentType) lines.push(`- **Content type:** ${m.contentType.slice(0, 80)}`);
    if (m.rotation) lines.push(`- **Rotation:** ${m.rotation.enabled ? `on${m.rotation.nextRotation ? `, next ${m.rotation.nextRotation}` : ''}${m.rotation.period ? `, every ${m.rotation.period}` : ''}` : 'off'}`);
    for (const [k, v] of Object.entries(m.tags ?? {}).slice(0, 20)) lines.push(`- **Tag ${k.slice(0, 60)}:** ${String(v).slice(0, 200)}`);
    if (m.versions.length > 0) {
      const numeric = m.versions.every((v) => typeof v.version === 'number');
      const shown = (numeric ? [...m.versions].sort((a, b) => Number(b.version) - Number(a.version)) : m.versions).slice(0, 10);
      const state = (v: (typeof shown)[number]) =>
        v.destroyed ? 'destroyed' : v.deletionTime ? `deleted ${v.deletionTime}` : v.disabled ? 'disabled' : v.stages?.length ? v.stages.join(', ') : 'readable';
      lines.push(`- **Versions:** ${shown.map((v) => `${numeric ? 'v' : ''}${String(v.version).slice(0, 40)} (${v.createdTime ?? '?'}, ${state(v)})`).join('; ')}`);
    }
    if (m.maxVersions !== undefined) lines.push(`- **Max versions:** ${m.maxVersions === 0 ? "the engine's default" : m.maxVersions}`);
    if (m.casRequired !== undefined) lines.push(`- **Check-and-set required:** ${m.casRequired ? 'yes' : 'no'}`);
    for (const [k, v] of Object.entries(m.customMetadata ?? {}).slice(0, 20)) lines.push(`- **${k.slice(0, 60)}:** ${String(v).slice(0, 200)}`);
  }
  if (fact.value.metadata?.json === false) lines.push('- **Value:** plain text (not JSON): read it whole with `*`');
  else if (fact.value.keys) lines.push(`- **Keys:** ${fact.value.keys.slice(0, 30).map(code).join(', ') || 'none'}`);
  const caps = target.provider === 'hashicorp' ? live.capabilities(vault, apiPath) : undefined;
  if (caps?.state === 'ok') lines.push(`- **Capabilities on ${code(apiPath)}:** ${caps.value.join(', ') || 'none'}`);
  return lines;
}
