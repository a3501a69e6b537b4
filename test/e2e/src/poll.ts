/**
 * Waiting for the UI: every wait polls a condition until a deadline and then fails with what it
 * last saw. Nothing sleeps blindly.
 */

export interface PollOptions {
  /** Milliseconds before giving up (default 15 s). */
  timeout?: number;
  /** Milliseconds between two checks (default 100). */
  interval?: number;
  /** What was awaited, for the error message. */
  what: string;
}

/**
 * Calls `check` until it returns a value other than `undefined` (or `false`) and returns that
 * value. A check that throws counts as "not yet"; its last error is part of the timeout message.
 */
export async function poll<T>(check: () => Promise<T | undefined | false> | T | undefined | false, options: PollOptions): Promise<T> {
  const timeout = options.timeout ?? 15_000;
  const interval = options.interval ?? 100;
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  const detail = last instanceof Error ? last.message : last === undefined || last === false ? '' : JSON.stringify(last);
  throw new Error(`Timed out after ${timeout} ms waiting for ${options.what}${detail ? `; last seen: ${detail}` : ''}`);
}

/**
 * Polls `read` until `accept` holds for its value; the error names the last value read, so a
 * failing wait says what the screen showed instead.
 */
export async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, options: PollOptions): Promise<T> {
  let seen: T | undefined;
  let seenAny = false;
  try {
    return await poll(async () => {
      const value = await read();
      seen = value;
      seenAny = true;
      return accept(value) ? { value } : undefined;
    }, options).then((box) => box.value);
  } catch (error) {
    if (!seenAny) throw error;
    throw new Error(`Timed out after ${options.timeout ?? 15_000} ms waiting for ${options.what}; last seen: ${JSON.stringify(seen, null, 1)}`);
  }
}
