/**
 * Text from a repository or a secret manager, made safe to write where a character can do more
 * than show a glyph: a terminal (ESC sequences, CR overwriting a line, C1 controls), a log, an
 * editor (the bidi overrides of "Trojan source"). Every function bounds both its work and its
 * output: the input is cut to the limit before anything else is done to it.
 */

/** Line breaks in every form a renderer or terminal honours. */
const lineBreaks = /\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/g;

/**
 * What is removed from plain text: C0 controls (tab and newline are handled before), DEL, C1,
 * and the characters that reorder or hide text — the bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) and the implicit marks (U+061C, U+200E, U+200F).
 */
const removed = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * What `showControls` spells out: every control (Cc) and format (Cf) character, line and
 * paragraph separators, so nothing invisible or reordering hides in a name.
 */
const invisible = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** The default limit, in UTF-16 code units, of text shown to a person. */
export const defaultTextLimit = 2000;

/** Cuts `text` to `max` code units (never inside a surrogate pair), marking the cut with `…`. */
export function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

export interface StripOptions {
  /** Longest result, in UTF-16 code units (default 2000). */
  max?: number;
  /**
   * Keep line structure (logs, multi-line reports): CR LF and lone CR become LF, tabs stay.
   * Default false: every line break and tab becomes a space, so the text stays on one line.
   */
  keepNewlines?: boolean;
}

/** `text` without control, bidi or line-reordering characters; see `StripOptions`. */
export function stripControls(text: string, options: StripOptions = {}): string {
  const max = options.max ?? defaultTextLimit;
  // Twice the limit: the removals below only shorten it, and the result is bounded again.
  const input = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const lines = options.keepNewlines
    ? input.replace(/\r\n?/g, '\n').replace(/[\u000b\u000c\u0085\u2028\u2029]/g, '\n')
    : input.replace(lineBreaks, ' ').replace(/\t/g, ' ');
  const kept = options.keepNewlines ? lines.replace(removed, (c) => (c === '\n' ? c : '')) : lines.replace(removed, '');
  return bound(kept, max);
}

/** One line of plain text: `stripControls` with line breaks as spaces, and trimmed. */
export function oneLine(text: string, max = defaultTextLimit): string {
  return stripControls(text, { max }).trim();
}

function spelled(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
  }
  const code = c.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u{${code.toString(16).toUpperCase()}}`;
}

/**
 * `text` with every control, format and separator character spelled out (`\n`, `\x1B`,
 * `\u{202E}`), for names and paths that must stay recognisable: the person sees that the name
 * holds such a character instead of being fooled by it.
 */
export function showControls(text: string, max = defaultTextLimit): string {
  // Each character becomes at most 10 code units; the result is bounded again.
  const input = text.length > max ? text.slice(0, max) : text;
  return bound(input.replace(invisible, spelled), max);
}

/** Whether `text` holds anything `stripControls` would remove (line breaks and tabs included). */
export function hasControls(text: string): boolean {
  return new RegExp(removed.source).test(text) || /[\t\u2028\u2029]/.test(text);
}
