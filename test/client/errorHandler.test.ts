import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrashPolicy, createErrorHandler } from '../../client/src/errorHandler';
import { lsp } from './fakes';

const minute = 60_000;

function setup() {
  const clock = { now: 0 };
  const gaveUp: string[] = [];
  const logged: string[] = [];
  const handler = createErrorHandler({
    CloseAction: lsp.CloseAction,
    ErrorAction: lsp.ErrorAction,
    now: () => clock.now,
    log: { warn: (m) => logged.push(`warn: ${m}`), error: (m) => logged.push(`error: ${m}`) },
    onGiveUp: (m) => gaveUp.push(m),
  });
  return { clock, gaveUp, logged, handler };
}

describe('CrashPolicy', () => {
  it('allows 4 restarts within 3 minutes and gives up on the 5th crash', () => {
    let now = 0;
    const policy = new CrashPolicy(() => now, 4, 3 * minute);
    const results = [0, 10, 20, 30, 40].map((s) => {
      now = s * 1000;
      return policy.recordCrash();
    });
    assert.deepEqual(results, ['restart', 'restart', 'restart', 'restart', 'giveUp']);
  });

  it('forgets crashes older than the window', () => {
    let now = 0;
    const policy = new CrashPolicy(() => now, 4, 3 * minute);
    for (let i = 0; i < 4; i++) {
      now = i * minute;
      assert.equal(policy.recordCrash(), 'restart');
    }
    // Crashes at 0, 1, 2, 3 min; at 3.5 min the first one has left the window.
    now = 3.5 * minute;
    assert.equal(policy.recordCrash(), 'restart');
    assert.equal(policy.recentCrashes, 4);
  });

  it('starts counting afresh after giving up', () => {
    const policy = new CrashPolicy(() => 0, 1, minute);
    assert.equal(policy.recordCrash(), 'restart');
    assert.equal(policy.recordCrash(), 'giveUp');
    assert.equal(policy.recordCrash(), 'restart');
  });
});

describe('createErrorHandler', () => {
  it('restarts a crashed server silently (handled) four times, then gives up once with a clear message', async () => {
    const { handler, gaveUp, clock } = setup();
    for (let i = 0; i < 4; i++) {
      clock.now = i * 10_000;
      const r = await handler.closed();
      assert.equal(r.action, lsp.CloseAction.Restart);
      assert.equal(r.handled, true);
      assert.match(r.message ?? '', new RegExp(`restarting it \\(${i + 1}/4 within 3 minutes\\)`));
    }
    clock.now = 50_000;
    const r = await handler.closed();
    assert.equal(r.action, lsp.CloseAction.DoNotRestart);
    assert.equal(r.handled, true);
    assert.equal(gaveUp.length, 1);
    assert.equal(gaveUp[0], r.message);
    assert.match(gaveUp[0]!, /^Secret References: the server crashed 5 times in the last 3 minutes and will not be restarted/);
    assert.match(gaveUp[0]!, /Restart Server/);
  });

  it('keeps restarting when crashes are spread out', async () => {
    const { handler, gaveUp, clock } = setup();
    for (let i = 0; i < 20; i++) {
      clock.now = i * minute;
      assert.equal((await handler.closed()).action, lsp.CloseAction.Restart);
    }
    assert.equal(gaveUp.length, 0);
  });

  it('continues after up to 3 connection errors, then shuts down and tells the user', async () => {
    const { handler, gaveUp, logged } = setup();
    const error = new Error('write EPIPE');
    for (const count of [1, 2, 3]) {
      const r = await handler.error(error, undefined, count);
      assert.equal(r.action, lsp.ErrorAction.Continue);
      assert.equal(r.handled, true);
    }
    assert.equal(logged.length, 3);
    assert.equal(gaveUp.length, 0);
    const r = await handler.error(error, undefined, 4);
    assert.equal(r.action, lsp.ErrorAction.Shutdown);
    assert.equal(r.handled, true);
    assert.equal(gaveUp.length, 1);
    assert.match(gaveUp[0]!, /write EPIPE/);
  });

  it('shuts down when the error count is unknown', async () => {
    const { handler } = setup();
    assert.equal((await handler.error(new Error('x'), undefined, undefined)).action, lsp.ErrorAction.Shutdown);
  });
});
