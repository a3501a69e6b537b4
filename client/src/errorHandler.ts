/**
 * What happens when the connection to the server errors or closes: restart a crashed server at
 * most `maxRestarts` times within `windowMs`, then give up with a clear message.
 */
import type { CloseAction, ErrorAction, ErrorHandler } from 'vscode-languageclient/node';
import { displayName, maxRestarts, restartWindowMs } from './constants';

/** Counts crashes inside a sliding time window. Pure; the clock is passed in. */
export class CrashPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly now: () => number,
    readonly maxRestarts: number,
    readonly windowMs: number,
  ) {}

  /** Records a crash; `restart` while the budget lasts, then `giveUp` (and the count starts over). */
  recordCrash(): 'restart' | 'giveUp' {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    if (this.crashes.length > this.maxRestarts) {
      this.crashes = [];
      return 'giveUp';
    }
    return 'restart';
  }

  /** Restarts used in the current window. */
  get recentCrashes(): number {
    return this.crashes.length;
  }
}

export interface ErrorHandlerDeps {
  /** The enums of vscode-languageclient (passed in so this module loads without `vscode`). */
  CloseAction: typeof CloseAction;
  ErrorAction: typeof ErrorAction;
  now: () => number;
  log: { warn(message: string): void; error(message: string): void };
  /** Called once the server is given up on; shows the message with a "Show Output" button. */
  onGiveUp(message: string): void;
  maxRestarts?: number;
  windowMs?: number;
}

/** Connection errors tolerated before the client shuts the server down. */
const maxConsecutiveErrors = 3;

function minutes(ms: number): string {
  const m = Math.round(ms / 60000);
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/**
 * Results are marked `handled` so vscode-languageclient does not add its own notifications:
 * restarts are only logged, and giving up shows one message of ours.
 */
export function createErrorHandler(deps: ErrorHandlerDeps): ErrorHandler {
  const policy = new CrashPolicy(deps.now, deps.maxRestarts ?? maxRestarts, deps.windowMs ?? restartWindowMs);
  return {
    error(error, _message, count) {
      if (count !== undefined && count <= maxConsecutiveErrors) {
        deps.log.warn(`Connection to the server failed (${count}/${maxConsecutiveErrors}): ${error.message}`);
        return { action: deps.ErrorAction.Continue, handled: true };
      }
      const message = `${displayName}: the connection to the server keeps failing (${error.message}); the server was shut down. Run "${displayName}: Restart Server" to start it again.`;
      deps.log.error(message);
      deps.onGiveUp(message);
      return { action: deps.ErrorAction.Shutdown, message, handled: true };
    },
    closed() {
      if (policy.recordCrash() === 'restart') {
        return {
          action: deps.CloseAction.Restart,
          message: `The server stopped unexpectedly; restarting it (${policy.recentCrashes}/${policy.maxRestarts} within ${minutes(policy.windowMs)}).`,
          handled: true,
        };
      }
      const message = `${displayName}: the server crashed ${policy.maxRestarts + 1} times in the last ${minutes(policy.windowMs)} and will not be restarted. See the output for details, then run "${displayName}: Restart Server".`;
      deps.onGiveUp(message);
      return { action: deps.CloseAction.DoNotRestart, message, handled: true };
    },
  };
}
