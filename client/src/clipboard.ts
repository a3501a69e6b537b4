/**
 * Copies a secret value to the clipboard and clears it after a delay, but only if the clipboard
 * still holds that value (the user may have copied something else meanwhile).
 */
import { describeError, type EnvLike, type Timers } from './host';

interface Pending {
  value: string;
  handle: unknown;
}

export class ClipboardGuard {
  private readonly pending = new Set<Pending>();

  constructor(
    private readonly clipboard: EnvLike['clipboard'],
    private readonly timers: Timers,
    private readonly log: { warn(message: string): void },
  ) {}

  /** `clearAfterSeconds` 0 means never clear. */
  async copy(value: string, clearAfterSeconds: number): Promise<void> {
    await this.clipboard.writeText(value);
    if (!(clearAfterSeconds > 0)) return;
    const entry: Pending = { value, handle: undefined };
    entry.handle = this.timers.setTimeout(() => {
      this.pending.delete(entry);
      void this.clearIfUnchanged(entry.value);
    }, clearAfterSeconds * 1000);
    this.pending.add(entry);
  }

  /** On shutdown, pending clears happen now rather than never. */
  dispose(): Promise<void> {
    const entries = [...this.pending];
    this.pending.clear();
    for (const entry of entries) this.timers.clearTimeout(entry.handle);
    return Promise.all(entries.map((entry) => this.clearIfUnchanged(entry.value))).then(() => undefined);
  }

  private async clearIfUnchanged(value: string): Promise<void> {
    try {
      if ((await this.clipboard.readText()) === value) await this.clipboard.writeText('');
    } catch (error) {
      this.log.warn(`Could not clear the clipboard: ${describeError(error)}`);
    }
  }
}
