const minimumKeepMs = 1_000;

/** A settled entry: a value, or a failure that is kept only briefly. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Entry {
  settled: Settled<unknown> | undefined;
  pending: Promise<unknown> | undefined;
  expires: number;
}

/**
 * An in-memory cache with a time to live. Concurrent identical loads share one call; failures are
 * kept for a few seconds only, so a recovered secret manager is seen quickly. A TTL of 0 keeps an
 * answer one second, long enough to reach the editor, and no longer.
 */
export class TtlCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(
    private readonly ttlMs: () => number,
    private readonly failureTtlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The settled value of `key` if fresh; undefined when absent, expired or still loading. */
  peek<T>(key: string): Settled<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry?.settled) return undefined;
    if (entry.expires <= this.now()) {
      if (!entry.pending) this.entries.delete(key);
      return undefined;
    }
    return entry.settled as Settled<T>;
  }

  /** Milliseconds until the settled entry of `key` expires; undefined when there is none. */
  expiresIn(key: string): number | undefined {
    const entry = this.entries.get(key);
    return entry?.settled ? Math.max(0, entry.expires - this.now()) : undefined;
  }

  isLoading(key: string): boolean {
    return this.entries.get(key)?.pending !== undefined;
  }

  /** Loads `key` unless a fresh value or a load in flight exists. */
  load<T>(key: string, loader: () => Promise<T>): Promise<Settled<T>> {
    const fresh = this.peek<T>(key);
    if (fresh) return Promise.resolve(fresh);
    const existing = this.entries.get(key);
    if (existing?.pending) return existing.pending as Promise<Settled<T>>;
    const generation = this.generation;
    const entry: Entry = existing ?? { settled: undefined, pending: undefined, expires: 0 };
    const pending = loader().then(
      (value): Settled<T> => ({ ok: true, value }),
      (error: unknown): Settled<T> => ({ ok: false, error }),
    );
    entry.pending = pending.then((settled) => {
      entry.pending = undefined;
      if (generation !== this.generation) return settled; // cleared meanwhile: keep nothing
      // Even with the cache off, an answer is kept for a moment so the validation it triggers can use it.
      const ttl = Math.max(minimumKeepMs, settled.ok ? this.ttlMs() : Math.min(this.failureTtlMs, this.ttlMs()));
      entry.settled = settled;
      entry.expires = this.now() + ttl;
      return settled;
    });
    this.entries.set(key, entry);
    return entry.pending as Promise<Settled<T>>;
  }

  /** Forgets everything; loads in flight finish but are not kept. */
  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Forgets the keys that start with `prefix`. */
  clearPrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  size(): number {
    return this.entries.size;
  }
}
