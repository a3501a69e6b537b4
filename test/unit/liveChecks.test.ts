import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { SecretLocator } from '../../server/src/providers/secretProvider';
import type { VaultFact } from '../../server/src/service/facts/facts';
import type { Live, LiveFacts, LiveSecret } from '../../server/src/service/facts/liveFacts';
import { defaultSettings as defaults } from '../../shared/src/settings';
import { createLanguageService } from '../../server/src/service/languageService';
import { TestWorkspace } from '../helpers/workspace';

const now = Date.parse('2026-11-26T12:00:00Z');

/** Live facts from a table: locator path → answer; records what was asked. */
function liveFrom(secrets: Record<string, Live<LiveSecret>>): LiveFacts & { asked: SecretLocator[] } {
  const asked: SecretLocator[] = [];
  return {
    asked,
    access: () => 'live',
    mount: () => undefined,
    secret: (_vault: VaultFact, locator: SecretLocator) => {
      asked.push(locator);
      return secrets[locator.path];
    },
    capabilities: () => undefined,
    engines: () => undefined,
    list: () => undefined,
  };
}

const ok = (value: Partial<LiveSecret> & { metadata?: LiveSecret['metadata'] }): Live<LiveSecret> => ({ state: 'ok', value: { keys: undefined, metadata: undefined, ...value } });

function check(attachment: string, value: string, secrets: Record<string, Live<LiveSecret>>, expiryWarningDays = 14) {
  const ws = new TestWorkspace({
    'aws.vault.yaml': 'name: aws\nprovider: aws\nregion: eu-west-1\n',
    'az.vault.yaml': 'name: az\nprovider: azure\nvault_url: https://payments-kv.vault.azure.net\n',
    'g.vault.yaml': 'name: g\nprovider: gcp\nproject: p1\n',
  });
  const live = liveFrom(secrets);
  const doc = ws.set('c.connection.yaml', `name: c\nvault_secrets:\n${attachment}value:\n${value}`);
  const facts = { vaults: (u: string) => ws.index.vaults(u), keysUsed: () => [], live };
  const withClock = createLanguageService({ settings: { ...defaults, live: { ...defaults.live, expiryWarningDays } }, now: () => now });
  return { diagnostics: withClock.validate(doc, 'connection', facts), asked: live.asked };
}

describe('live checks of cloud secrets (service level)', () => {
  it('asks AWS for the stage or the version id the attachment pins', () => {
    const { asked } = check('  - vault: aws\n    secret: api/key\n    version_stage: AWSPREVIOUS\n', '  k: vault.secret(*)\n', {});
    assert.deepEqual(asked[0], { path: 'api/key', stage: 'AWSPREVIOUS' });
    const pinned = check('  - vault: aws\n    secret: api/key\n    version: "0a1b-uuid"\n', '  k: vault.secret(*)\n', {});
    assert.deepEqual(pinned.asked[0], { path: 'api/key', version: '0a1b-uuid' });
  });

  it('reports not-json for a key of a plain-text secret, with a fix to read it whole', () => {
    const { diagnostics } = check('  - vault: aws\n    secret: api/key\n', '  k: vault.secret(token)\n', { 'api/key': ok({ metadata: { versions: [], json: false } }) });
    assert.deepEqual(diagnostics.map((d) => d.code), ['not-json']);
    assert.match(diagnostics[0]!.message, /plain text, not JSON/);
  });

  it('reports unknown-key for a JSON secret that lacks the key', () => {
    const { diagnostics } = check('  - vault: g\n    secret: db\n', '  k: vault.secret(pasword)\n', { db: ok({ keys: ['password', 'user'], metadata: { versions: [], json: true } }) });
    assert.deepEqual(diagnostics.map((d) => d.code), ['unknown-key']);
    assert.match(diagnostics[0]!.message, /projects\/p1\/secrets\/db\/versions\/latest/);
  });

  it('reports a secret scheduled for deletion or disabled as secret-disabled', () => {
    const aws = check('  - vault: aws\n    secret: old\n', '  k: vault.secret(*)\n', { old: ok({ metadata: { versions: [], deletionDate: '2026-12-01T00:00:00Z' } }) });
    assert.deepEqual(aws.diagnostics.map((d) => d.code), ['secret-disabled']);
    assert.match(aws.diagnostics[0]!.message, /scheduled for deletion on 2026-12-01/);
    const azure = check('  - vault: az\n    secret: off\n', '  k: vault.secret(*)\n', { off: ok({ metadata: { versions: [], enabled: false } }) });
    assert.deepEqual(azure.diagnostics.map((d) => d.code), ['secret-disabled']);
  });

  it('says why a secret cannot be read and how to fix it, in each provider\'s words', () => {
    const aws = check('  - vault: aws\n    secret: old\n', '  k: vault.secret(*)\n', { old: ok({ metadata: { versions: [], enabled: false, deletionDate: '2026-12-24T00:00:00.000Z' } }) });
    assert.deepEqual(aws.diagnostics.map((d) => d.code), ['secret-disabled']);
    assert.equal(
      aws.diagnostics[0]!.message,
      '`old` is scheduled for deletion on 2026-12-24T00:00:00.000Z: Secrets Manager does not read it until it is restored. Restore it with `aws secretsmanager restore-secret --secret-id old`, or attach another secret.',
    );
    const azure = check('  - vault: az\n    secret: off\n', '  k: vault.secret(*)\n', { off: ok({ metadata: { versions: [], enabled: false } }) });
    assert.match(azure.diagnostics[0]!.message, /Key Vault does not read disabled secrets\. Enable it with `az keyvault secret set-attributes --vault-name payments-kv --name off --enabled true`/);
    const disabled = check('  - vault: g\n    secret: db\n', '  k: vault.secret(*)\n', {
      db: ok({ metadata: { versions: [{ version: 1, disabled: false }, { version: 2, disabled: true }], currentVersion: 2, enabled: false } }),
    });
    assert.deepEqual(disabled.diagnostics.map((d) => d.code), ['secret-disabled']);
    assert.match(disabled.diagnostics[0]!.message, /the latest version \(2\) of `projects\/p1\/secrets\/db\/versions\/latest` is disabled: .*`gcloud secrets versions enable 2 --secret=db`/);
    const destroyed = check('  - vault: g\n    secret: db\n    version: 1\n', '  k: vault.secret(*)\n', {
      db: ok({ metadata: { versions: [{ version: 1, destroyed: true, deletionTime: '2026-01-01T00:00:00Z' }], currentVersion: 1, enabled: false, deletionDate: '2026-01-01T00:00:00Z' } }),
    });
    assert.match(destroyed.diagnostics[0]!.message, /version 1 of .* was destroyed on 2026-01-01T00:00:00Z: its data is gone/);
  });

  it('a provider error of the disabled kind is secret-disabled with the provider\'s message; a destroyed GCP version too', () => {
    const aws = check('  - vault: aws\n    secret: old\n', '  k: vault.secret(*)\n', {
      old: { state: 'error', error: { kind: 'disabled', message: 'AWS vault "aws": Secrets Manager refuses to read secret "old" in its current state (InvalidRequestException).' } },
    });
    assert.deepEqual(aws.diagnostics.map((d) => [d.code, d.message]), [['secret-disabled', 'AWS vault "aws": Secrets Manager refuses to read secret "old" in its current state (InvalidRequestException).']]);
    const gcp = check('  - vault: g\n    secret: db\n', '  k: vault.secret(*)\n', { db: { state: 'error', error: { kind: 'destroyed', message: 'Version 1 was destroyed.' } } });
    assert.deepEqual(gcp.diagnostics.map((d) => d.code), ['secret-disabled']);
  });

  it('reports expired and expiring secrets against the warning window', () => {
    const expired = check('  - vault: az\n    secret: s\n', '  k: vault.secret(*)\n', { s: ok({ metadata: { versions: [], expiresOn: '2026-11-01T00:00:00Z' } }) });
    assert.deepEqual(expired.diagnostics.map((d) => [d.code, d.severity]), [['secret-expired', 1]]);
    const soon = check('  - vault: az\n    secret: s\n', '  k: vault.secret(*)\n', { s: ok({ metadata: { versions: [], expiresOn: '2026-12-03T12:00:00Z' } }) });
    assert.deepEqual(soon.diagnostics.map((d) => [d.code, d.severity]), [['secret-expiring', 2]]);
    assert.match(soon.diagnostics[0]!.message, /in 7 days/);
    const narrow = check('  - vault: az\n    secret: s\n', '  k: vault.secret(*)\n', { s: ok({ metadata: { versions: [], expiresOn: '2026-12-03T12:00:00Z' } }) }, 3);
    assert.deepEqual(narrow.diagnostics, []);
  });

  it('names what AWS, Azure and GCP deny in permission-denied', () => {
    const denied: Live<LiveSecret> = { state: 'error', error: { kind: 'permission-denied', message: 'needs secretmanager.versions.access on projects/p1/secrets/db' } };
    const { diagnostics } = check('  - vault: g\n    secret: db\n', '  k: vault.secret(*)\n', { db: denied });
    assert.deepEqual(diagnostics.map((d) => d.code), ['permission-denied']);
    assert.match(diagnostics[0]!.message, /secretmanager\.versions\.access/);
  });
});
