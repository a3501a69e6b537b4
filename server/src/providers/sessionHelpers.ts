/**
 * Small pieces shared by the sessions of the network providers (hashicorp, aws, azure, gcp). Each
 * provider is bundled on its own (dist/providers/<name>.js); this module is included in each bundle.
 */

/**
 * A value created on first use (a client, a loaded SDK) and kept. A creation that fails is
 * forgotten once it has failed, so the next use tries again.
 */
export class RetryingLazy<T> {
  private pending: Promise<T> | undefined;

  constructor(private readonly create: () => Promise<T>) {}

  /** The kept value, or the one being created; starts a creation when there is none. */
  get(): Promise<T> {
    if (!this.pending) {
      const created = this.create();
      this.pending = created;
      created.catch(() => {
        if (this.pending === created) this.pending = undefined;
      });
    }
    return this.pending;
  }

  /** Forgets the value; returns what was kept (possibly still being created), if anything. */
  reset(): Promise<T> | undefined {
    const kept = this.pending;
    this.pending = undefined;
    return kept;
  }
}

/**
 * Rejects with `timeoutError()` when `pending` has not settled after `ms`. The timer does not keep
 * the process alive and is cleared once either side has settled.
 */
export function withDeadline<T>(pending: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), ms);
    timer.unref();
  });
  return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
}
