/**
 * The leak canary: one random marker per run, the strings derived from it (every secret value and
 * credential the suite plants carries it), the credentials that cannot carry it, and a scanner
 * that looks for all of them, raw and in the encodings a leak typically takes (JSON or URL
 * escaping, base64 at any alignment, hex), in everything the suite captured.
 */
import { randomBytes } from 'node:crypto';

export class Canary {
  /** `CANARY-<24 hex>`: every planted secret value and every credential that can hold it contains it. */
  readonly value = `CANARY-${randomBytes(12).toString('hex')}`;
  private readonly made = new Map<string, string>();

  /** A distinct canary-derived string, e.g. `derive('vault-token')` → `CANARY-…-vault-token`. */
  derive(label: string): string {
    const existing = this.made.get(label);
    if (existing !== undefined) return existing;
    const value = `${this.value}-${label}`;
    this.made.set(label, value);
    return value;
  }
}

/** One form a needle is searched in. */
interface Variant {
  encoding: string;
  text: string;
}

/** Something that must not leak, with the forms it is searched in. */
export interface Needle {
  name: string;
  value: string;
  variants: Variant[];
}

/** The part of base64(x) that does not depend on the bytes around x, for each of the 3 alignments. */
function base64Cores(value: string, alphabet: 'base64' | 'base64url'): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const encoded = padded.toString(alphabet).replace(/=+$/, '');
    // Characters touched by the leading filler bytes, and the trailing partial group, depend on neighbours.
    const start = Math.ceil((shift * 8) / 6);
    const end = Math.floor(((shift + bytes.length) * 8) / 6);
    const core = encoded.slice(start, end);
    if (core.length >= 12) cores.push(core);
  }
  return cores;
}

function makeNeedle(name: string, value: string): Needle {
  const seen = new Set<string>();
  const variants: Variant[] = [];
  const add = (encoding: string, text: string) => {
    if (text.length < 8 || seen.has(text)) return;
    seen.add(text);
    variants.push({ encoding, text });
  };
  add('plain', value);
  add('JSON-escaped', JSON.stringify(value).slice(1, -1));
  add('JSON-escaped with \\/', JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/'));
  add('URL-encoded', encodeURIComponent(value));
  add('form-encoded', encodeURIComponent(value).replace(/%20/g, '+'));
  for (const core of base64Cores(value, 'base64')) add('base64', core);
  for (const core of base64Cores(value, 'base64url')) add('base64url', core);
  add('hex', Buffer.from(value, 'utf8').toString('hex'));
  add('HEX', Buffer.from(value, 'utf8').toString('hex').toUpperCase());
  return { name, value, variants };
}

/** What was captured: a channel name and its bytes or text. */
export interface Capture {
  channel: string;
  data: string | Buffer;
  /**
   * Exact strings that legitimately occur in this capture and are blanked before scanning (the
   * user's own document text the client sends, a file the test itself wrote). Kept to a minimum.
   */
  allow?: readonly string[];
}

export interface Finding {
  channel: string;
  needle: string;
  encoding: string;
  offset: number;
  /** A short excerpt around the match with every needle masked. */
  excerpt: string;
}

const EXCERPT = 60;

export class LeakScanner {
  readonly needles: Needle[] = [];

  /** Adds a needle (ignored when shorter than 8 characters: too likely to occur by chance). */
  add(name: string, value: string): void {
    if (value.length < 8 || this.needles.some((n) => n.value === value)) return;
    this.needles.push(makeNeedle(name, value));
  }

  /** Every needle match in `text`, as [start, end, needle, variant]. */
  private matches(text: string): Array<[number, number, Needle, Variant]> {
    const out: Array<[number, number, Needle, Variant]> = [];
    for (const needle of this.needles) {
      for (const variant of needle.variants) {
        for (let at = text.indexOf(variant.text); at !== -1; at = text.indexOf(variant.text, at + 1)) {
          out.push([at, at + variant.text.length, needle, variant]);
        }
      }
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** `text` between `from` and `to`, widened so no match is cut, with every match masked. */
  mask(text: string, from: number, to: number): string {
    const all = this.matches(text);
    let start = Math.max(0, from);
    let end = Math.min(text.length, to);
    for (const [s, e] of all) {
      if (s < end && e > start) {
        start = Math.min(start, s);
        end = Math.max(end, e);
      }
    }
    let out = '';
    let cursor = start;
    for (const [s, e, needle] of all) {
      if (e <= start || s >= end || s < cursor) continue;
      out += text.slice(cursor, s) + `«${needle.name}»`;
      cursor = e;
    }
    out += text.slice(cursor, end);
    return JSON.stringify(out);
  }

  /** The findings in one capture (at most 5 per capture, enough to say where). */
  scan(capture: Capture): Finding[] {
    let text = typeof capture.data === 'string' ? capture.data : capture.data.toString('latin1');
    for (const allowed of capture.allow ?? []) if (allowed !== '') text = text.split(allowed).join(' '.repeat(allowed.length));
    const findings: Finding[] = [];
    for (const [start, end, needle, variant] of this.matches(text)) {
      if (findings.length >= 5) break;
      findings.push({
        channel: capture.channel,
        needle: needle.name,
        encoding: variant.encoding,
        offset: start,
        excerpt: this.mask(text, start - EXCERPT, end + EXCERPT),
      });
    }
    return findings;
  }

  /** True when some needle occurs in `data` (the positive controls use it). */
  finds(data: string | Buffer): boolean {
    return this.scan({ channel: 'probe', data }).length > 0;
  }
}

/** One line per finding, naming the channel, what leaked and where, with the secret masked. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `- ${f.channel}: ${f.needle} (${f.encoding}) at ${f.offset}: ${f.excerpt}`).join('\n');
}

/** Totals for the report. */
export function totals(captures: readonly Capture[]): { captures: number; bytes: number } {
  return { captures: captures.length, bytes: captures.reduce((n, c) => n + (typeof c.data === 'string' ? Buffer.byteLength(c.data) : c.data.length), 0) };
}
