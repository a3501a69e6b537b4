/**
 * `auto_renew`: keeps the client token alive by calling `auth/token/renew-self` at about two thirds
 * of its remaining TTL, until Vault caps the TTL at the token's max TTL (renew-self then answers
 * with the warning "... exceeded the effective max_ttl ..."), the token turns out not to be
 * renewable, or a renewal fails. Each of those ends the cycle with exactly one `cannot-renew` event.
 * Timers are unref'd, so a pending renewal never keeps the process alive.
 */
import { isProviderError } from '../secretProvider';

/** What the provider reports about its token (never the token itself). */
export type TokenEvent =
  | { kind: 'login'; method: 'approle'; relogin: boolean }
  | { kind: 'renewed'; ttlSeconds: number }
  | {
      kind: 'cannot-renew';
      /** `max-ttl`: the TTL reached the token's max TTL; `not-renewable`; `renew-failed`: lookup-self or renew-self failed. */
      code: 'max-ttl' | 'not-renewable' | 'renew-failed';
      /** One human sentence. */
      reason: string;
      /** Remaining TTL when known. */
      ttlSeconds?: number;
    };

export interface RenewTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const defaultRenewTimers: RenewTimers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export interface RenewLookup {
  ttlSeconds: number;
  expireTime?: string;
  renewable: boolean;
}

export interface RenewOutcome {
  ttlSeconds: number;
  renewable: boolean;
  warnings: string[];
}

export interface TokenRenewerDeps {
  lookupSelf(): Promise<RenewLookup>;
  renewSelf(): Promise<RenewOutcome>;
  emit(event: TokenEvent): void;
  timers: RenewTimers;
}

/** Fraction of the TTL after which the token is renewed. */
export const RENEW_FRACTION = 2 / 3;
const MIN_DELAY_MS = 250;
const MAX_DELAY_MS = 2_147_483_647;

export function renewDelayMs(ttlSeconds: number): number {
  return Math.min(MAX_DELAY_MS, Math.max(MIN_DELAY_MS, Math.floor(ttlSeconds * 1000 * RENEW_FRACTION)));
}

/**
 * Renew-self answers 200 whatever TTL it granted; that the max TTL capped it is said only in a
 * warning, whose text comes from sdk/framework/lease.go CalculateTTL: `TTL of "1h0m0s" exceeded
 * the effective max_ttl of "30m0s"; TTL value is capped accordingly` (older versions: `Period of`,
 * `period of`). Only text exists, so the fixed part of it is matched, in any case.
 */
const MAX_TTL_WARNING = /exceeded the effective max_ttl/i;

/** Only ProviderError messages are quoted (they are built to be safe); anything else stays anonymous. */
const describe = (e: unknown): string => (isProviderError(e) ? e.message : 'unexpected error');

export class TokenRenewer {
  private run = 0;
  private active = false;
  private timer: unknown;

  constructor(private readonly deps: TokenRenewerDeps) {}

  /** True while a renewal is scheduled or the initial lookup is in flight. */
  get running(): boolean {
    return this.active;
  }

  /**
   * Looks the token up and schedules the first renewal. Never rejects: a failed lookup ends the
   * cycle with a `cannot-renew` event (code `renew-failed`). Nothing is scheduled for a token that
   * never expires. No-op while running.
   */
  async start(): Promise<void> {
    if (this.active) return;
    const run = ++this.run;
    this.active = true;
    let info: RenewLookup;
    try {
      info = await this.deps.lookupSelf();
    } catch (e) {
      if (run !== this.run) return;
      this.finish({ kind: 'cannot-renew', code: 'renew-failed', reason: `Looking up the token failed: ${describe(e)}` });
      return;
    }
    if (run !== this.run) return;
    if (info.ttlSeconds <= 0 && !info.expireTime) {
      this.active = false; // no TTL: nothing to renew
      return;
    }
    if (!info.renewable) {
      this.finish({
        kind: 'cannot-renew',
        code: 'not-renewable',
        reason: `The token is not renewable; it expires in ${info.ttlSeconds} s.`,
        ttlSeconds: info.ttlSeconds,
      });
      return;
    }
    this.schedule(run, info.ttlSeconds);
  }

  stop(): void {
    this.run += 1;
    this.active = false;
    if (this.timer !== undefined) this.deps.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(run: number, ttlSeconds: number): void {
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = undefined;
      void this.tick(run);
    }, renewDelayMs(ttlSeconds));
  }

  private async tick(run: number): Promise<void> {
    if (run !== this.run) return;
    let outcome: RenewOutcome;
    try {
      outcome = await this.deps.renewSelf();
    } catch (e) {
      if (run !== this.run) return;
      this.finish({ kind: 'cannot-renew', code: 'renew-failed', reason: `Renewing the token failed: ${describe(e)}` });
      return;
    }
    if (run !== this.run) return;
    if (outcome.warnings.some((w) => MAX_TTL_WARNING.test(w))) {
      this.finish({
        kind: 'cannot-renew',
        code: 'max-ttl',
        reason: `The token reached its maximum TTL and cannot be renewed further; it expires in ${outcome.ttlSeconds} s.`,
        ttlSeconds: outcome.ttlSeconds,
      });
      return;
    }
    if (!outcome.renewable || outcome.ttlSeconds <= 0) {
      this.finish({
        kind: 'cannot-renew',
        code: 'not-renewable',
        reason: `Vault no longer renews the token; it expires in ${Math.max(0, outcome.ttlSeconds)} s.`,
        ttlSeconds: Math.max(0, outcome.ttlSeconds),
      });
      return;
    }
    this.emit({ kind: 'renewed', ttlSeconds: outcome.ttlSeconds });
    this.schedule(run, outcome.ttlSeconds);
  }

  private finish(event: TokenEvent): void {
    this.active = false;
    this.emit(event);
  }

  private emit(event: TokenEvent): void {
    try {
      this.deps.emit(event);
    } catch {
      // listeners cannot break the renewal cycle
    }
  }
}
