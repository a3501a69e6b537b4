import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TtlCache } from '../../server/src/live/ttlCache';

describe('TtlCache', () => {
  it('shares one load between concurrent identical requests', async () => {
    const cache = new TtlCache(() => 60_000);
    let calls = 0;
    const load = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 10));
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.load('k', load)));
    assert.equal(calls, 1);
    assert.ok(results.every((r) => r.ok && r.value === 1));
    assert.deepEqual(cache.peek('k'), { ok: true, value: 1 });
  });

  it('expires values after the TTL and failures after the short failure TTL', async () => {
    let now = 0;
    const cache = new TtlCache(() => 1_800_000, 5_000, () => now);
    await cache.load('ok', async () => 'v');
    await cache.load('bad', async () => {
      throw new Error('down');
    });
    now = 4_000;
    assert.ok(cache.peek('ok') && cache.peek('bad'));
    now = 6_000;
    assert.ok(cache.peek('ok'));
    assert.equal(cache.peek('bad'), undefined);
    now = 1_800_001;
    assert.equal(cache.peek('ok'), undefined);
  });

  it('keeps an answer one second when the TTL is 0, so the validation it triggers can use it', async () => {
    let now = 0;
    const cache = new TtlCache(() => 0, 5_000, () => now);
    await cache.load('k', async () => 1);
    assert.ok(cache.peek('k'));
    now = 1_001;
    assert.equal(cache.peek('k'), undefined);
  });

  it('keeps nothing that settles after a clear', async () => {
    const cache = new TtlCache(() => 60_000);
    let release: (v: number) => void = () => undefined;
    const pending = cache.load('k', () => new Promise<number>((r) => (release = r)));
    cache.clear();
    release(1);
    await pending;
    assert.equal(cache.peek('k'), undefined);
  });
});
