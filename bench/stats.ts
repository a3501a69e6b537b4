/** Timing helpers of the benchmarks: samples to median/min/max, a timed call, a deadline, a table. */
import { performance } from 'node:perf_hooks';

export interface Stats {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  samplesMs: number[];
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { runs: samples.length, medianMs: round(median), minMs: round(sorted[0]!), maxMs: round(sorted.at(-1)!), samplesMs: samples.map(round) };
}

export const round = (n: number) => Math.round(n * 100) / 100;

export async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}


export async function withTimeout<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;

export function statsRow(label: string, s: Stats): string[] {
  return [label, ms(s.medianMs), ms(s.minMs), ms(s.maxMs), String(s.runs), ''];
}

/**
 * The ratio of two series measured in pairs (a[i] right after b[i], so both saw the same machine):
 * the median of the per-pair ratios, with their smallest and largest as the spread. On a noisy
 * machine this is steadier than a ratio of two medians.
 */
export function pairedRatio(a: number[], b: number[]): { median: number; min: number; max: number } {
  const ratios = a.map((x, i) => x / b[i]!).sort((x, y) => x - y);
  const mid = Math.floor(ratios.length / 2);
  const median = ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  return { median: round(median), min: round(ratios[0]!), max: round(ratios.at(-1)!) };
}
