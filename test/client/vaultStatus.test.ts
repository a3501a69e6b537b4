import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listVaultsRequest, statusNotification, troubleshootRequest, type VaultSummary } from '../../shared/src/customMessages';
import { describeVaults, formatDuration, parseVaults } from '../../client/src/vaultStatus';
import { troubleshootReport } from '../../client/src/commands/troubleshoot';
import { LanguageStatusSeverity, settle } from './fakes';
import { started, vaults } from './helpers';

const v = (over: Partial<VaultSummary>): VaultSummary => ({ ...vaults.prod, ...over });

describe('describeVaults', () => {
  it('summarizes the states and lists every vault', () => {
    const p = describeVaults([
      v({ name: 'prod', access: 'live', tokenTtlSeconds: 25 * 60 }),
      v({ name: 'dev', provider: 'local', access: 'live' }),
      v({ name: 'stage', access: 'no-credentials' }),
      v({ name: 'dr', access: 'failed' }),
      v({ name: 'old', enabled: false, access: 'off' }),
    ]);
    assert.equal(p.text, '2 signed in, 1 signed out, 1 unreachable, 1 disabled');
    assert.equal(p.detail, 'prod: signed in, token expires in 25 min · dev: signed in · stage: signed out · dr: unreachable · old: disabled');
    assert.equal(p.severity, 'warning');
  });

  it('says untrusted and when there are no vaults', () => {
    assert.equal(describeVaults([v({ access: 'untrusted' })]).text, '1 untrusted');
    assert.equal(describeVaults([v({ access: 'untrusted' })]).detail, 'prod: untrusted workspace');
    assert.equal(describeVaults([]).text, 'No vaults');
  });

  it('formats token lifetimes', () => {
    assert.equal(formatDuration(40), '40 s');
    assert.equal(formatDuration(25 * 60 + 59), '25 min');
    assert.equal(formatDuration(2 * 3600 + 5 * 60), '2 h 5 min');
    assert.equal(formatDuration(3 * 3600), '3 h');
    assert.equal(formatDuration(5 * 86400), '5 days');
    assert.equal(formatDuration(-5), '0 s');
  });

  it('parses listVaults answers defensively', () => {
    assert.deepEqual(parseVaults(null), []);
    assert.deepEqual(parseVaults({ vaults: 'x' }), []);
    assert.deepEqual(parseVaults({ vaults: [null, { name: 1 }, { name: 'a', provider: 'local' }] }), [
      { name: 'a', provider: 'local', address: '', enabled: true, uri: '', folder: '', access: '' },
    ]);
  });
});

describe('the vaults language status item', () => {
  it('is a second item with the Sign In command, filled from listVaults once the server runs', async () => {
    const s = await started(undefined, [v({ access: 'live', tokenTtlSeconds: 1500 }), v({ name: 'dev', provider: 'local', access: 'no-credentials' })]);
    const item = s.h.vaultsItem;
    assert.equal(item.id, 'secretRefs.vaults');
    assert.equal(item.name, 'Secret References: vaults');
    assert.deepEqual(item.command, { title: 'Sign In', command: 'secretRefs.signIn', tooltip: 'Secret References: sign in to a vault' });
    assert.deepEqual(item.selector, s.h.statusItem.selector);
    assert.equal(item.text, '1 signed in, 1 signed out');
    assert.equal(item.detail, 'prod: signed in, token expires in 25 min · dev: signed out');
    assert.equal(item.severity, LanguageStatusSeverity.Information);
  });

  it('refreshes on secretRefs/status, coalescing bursts', async () => {
    let list = [v({ access: 'no-credentials' })];
    const s = await started((h) => h.responders.set(listVaultsRequest, () => ({ vaults: list })));
    assert.equal(s.h.vaultsItem.text, '1 signed out');
    const before = s.h.sent(listVaultsRequest).length;
    list = [v({ access: 'failed' })];
    for (let i = 0; i < 5; i++) s.h.lastClient.notify(statusNotification, { indexing: false, vaultConfigs: 1, connections: 0, errors: 0, warnings: 0 });
    await settle();
    assert.equal(s.h.vaultsItem.text, '1 unreachable');
    assert.equal(s.h.vaultsItem.severity, LanguageStatusSeverity.Warning);
    assert.ok(s.h.sent(listVaultsRequest).length - before <= 2, 'one in flight plus one more');
  });

  it('refreshes after Sign In', async () => {
    let list = [v({ access: 'no-credentials' })];
    const s = await started((h) => h.responders.set(listVaultsRequest, () => ({ vaults: list })));
    s.h.window.answer('prod', 'Token', 't');
    list = [v({ access: 'live' })];
    await s.run('secretRefs.signIn');
    assert.equal(s.h.vaultsItem.text, '1 signed in');
  });

  it('says why it cannot list the vaults', async () => {
    const s = await started((h) => h.responders.set(listVaultsRequest, () => Promise.reject(new Error('not yet'))));
    assert.match(s.h.vaultsItem.detail ?? '', /Could not list the vaults: not yet/);
  });
});

describe('Troubleshoot Connection...', () => {
  it('writes the server\'s steps as a readable report to the output and shows it', async () => {
    const s = await started((h) =>
      h.responders.set(troubleshootRequest, (p: { vaultUri: string }) => {
        assert.equal(p.vaultUri, vaults.prod.uri);
        return {
          vault: 'prod',
          steps: [
            { name: 'reachable', status: 'ok', detail: 'HTTP 200 in 12 ms' },
            { name: 'TLS', status: 'warning', detail: 'tls_skip_verify is on' },
            { name: 'authenticated', status: 'error', detail: 'permission denied' },
            { name: 'capabilities', status: 'skipped', detail: 'not authenticated' },
          ],
        };
      }),
    );
    s.h.window.answer('prod');
    await s.run('secretRefs.troubleshoot');
    const text = s.h.output.text();
    assert.match(text, /Troubleshooting vault "prod" \(hashicorp, https:\/\/vault\.example\.com:8200\)/);
    assert.match(text, /✓ reachable: HTTP 200 in 12 ms/);
    assert.match(text, /⚠ TLS: tls_skip_verify is on/);
    assert.match(text, /✗ authenticated: permission denied/);
    assert.match(text, /– capabilities: not authenticated/);
    assert.match(text, /Result: 1 error, 1 warning\./);
    assert.equal(s.h.output.shown, 1);
  });

  it('cancelling the vault pick sends nothing', async () => {
    const s = await started();
    await s.run('secretRefs.troubleshoot');
    assert.equal(s.h.sent(troubleshootRequest).length, 0);
    assert.equal(s.h.output.shown, 0);
  });

  it('reports a passing check', () => {
    const lines = troubleshootReport(vaults.local, { vault: 'dev', steps: [{ name: 'file', status: 'ok', detail: '' }] });
    assert.deepEqual(lines, ['Troubleshooting vault "dev" (local)', '  ✓ file', '  Result: every check passed.']);
  });
});
