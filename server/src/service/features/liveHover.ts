import type { LiveFacts } from '../facts/liveFacts';
import type { SecretUse } from '../formats/facts';
import { pinText, readApiPath, secretLocator } from '../references/locator';
import type { SecretTarget } from '../references/resolve';
import { code, escaped } from './hoverText';

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
export function liveHoverLines(target: SecretTarget, use: SecretUse | undefined, live: LiveFacts | undefined): string[] {
  const vault = target.vault;
  if (!live || !vault || !vault.enabled) return [];
  const access = live.access(vault);
  if (access !== 'live') return accessText[access] ? ['', `_Live: ${accessText[access]}._`] : [];
  const locator = secretLocator(target, use);
  if (!locator) return [];
  const fact = live.secret(vault, locator);
  const apiPath = readApiPath(target, locator);
  if (!fact) return ['', '_Live: checking…_'];
  if (fact.state === 'error') return ['', `**Live:** ${escaped(fact.error.message, 300)}`];
  const lines = ['', '**Live**', ''];
  const pin = pinText(locator);
  if (pin) lines.push(`- **Reads:** ${pin.replace(/`/g, "'")}`);
  const m = fact.value.metadata;
  if (m) {
    if (m.currentVersion !== undefined) lines.push(`- **Current version:** ${escaped(m.currentVersion, 40)}`);
    if (m.createdTime) lines.push(`- **Created:** ${escaped(m.createdTime, 60)}`);
    if (m.updatedTime) lines.push(`- **Updated:** ${escaped(m.updatedTime, 60)}`);
    if (m.description) lines.push(`- **Description:** ${escaped(m.description)}`);
    if (m.enabled !== undefined) lines.push(`- **Enabled:** ${m.enabled ? 'yes' : 'no'}`);
    if (m.notBefore) lines.push(`- **Not before:** ${escaped(m.notBefore, 60)}`);
    if (m.expiresOn) lines.push(`- **Expires:** ${escaped(m.expiresOn, 60)}`);
    if (m.deletionDate) lines.push(`- **Scheduled for deletion:** ${escaped(m.deletionDate, 60)}`);
    if (m.lastChangedDate) lines.push(`- **Last changed:** ${escaped(m.lastChangedDate, 60)}`);
    if (m.lastAccessedDate) lines.push(`- **Last accessed:** ${escaped(m.lastAccessedDate, 60)}`);
    if (m.contentType) lines.push(`- **Content type:** ${escaped(m.contentType, 80)}`);
    if (m.rotation) lines.push(`- **Rotation:** ${m.rotation.enabled ? `on${m.rotation.nextRotation ? `, next ${escaped(m.rotation.nextRotation, 60)}` : ''}${m.rotation.period ? `, every ${escaped(m.rotation.period, 60)}` : ''}` : 'off'}`);
    for (const [k, v] of Object.entries(m.tags ?? {}).slice(0, 20)) lines.push(`- **Tag ${escaped(k.trim(), 60)}:** ${escaped(v)}`);
    if (m.versions.length > 0) {
      const numeric = m.versions.every((v) => typeof v.version === 'number');
      const shown = (numeric ? [...m.versions].sort((a, b) => Number(b.version) - Number(a.version)) : m.versions).slice(0, 10);
      const state = (v: (typeof shown)[number]) =>
        v.destroyed ? 'destroyed' : v.deletionTime ? `deleted ${escaped(v.deletionTime, 60)}` : v.disabled ? 'disabled' : v.stages?.length ? escaped(v.stages.slice(0, 5).join(', '), 100) : 'readable';
      lines.push(`- **Versions:** ${shown.map((v) => `${numeric ? 'v' : ''}${escaped(v.version, 40)} (${v.createdTime ? escaped(v.createdTime, 60) : '?'}, ${state(v)})`).join('; ')}`);
    }
    if (m.maxVersions !== undefined) lines.push(`- **Max versions:** ${m.maxVersions === 0 ? "the engine's default" : escaped(m.maxVersions, 20)}`);
    if (m.casRequired !== undefined) lines.push(`- **Check-and-set required:** ${m.casRequired ? 'yes' : 'no'}`);
    for (const [k, v] of Object.entries(m.customMetadata ?? {}).slice(0, 20)) lines.push(`- **Metadata ${escaped(k.trim(), 60)}:** ${escaped(v)}`);
  }
  if (fact.value.metadata?.json === false) lines.push('- **Value:** plain text (not JSON): read it whole with `*`');
  else if (fact.value.keys) lines.push(`- **Keys:** ${fact.value.keys.slice(0, 30).map(code).join(', ') || 'none'}`);
  const caps = target.provider === 'hashicorp' ? live.capabilities(vault, apiPath) : undefined;
  if (caps?.state === 'ok') lines.push(`- **Capabilities on ${code(apiPath)}:** ${escaped(caps.value.slice(0, 20).join(', '), 300) || 'none'}`);
  return lines;
}
