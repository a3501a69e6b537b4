/**
 * The part of a document worth scanning for hard-coded secrets. A line whose value is a single
 * `vault.secret(...)` reference, a number or a boolean cannot hold a literal secret, and such
 * lines make up most of a connection file, so they are left out of the text given to secretlint;
 * every other line (comments, block scalars, keys without a value, plain strings) is kept as it is.
 * `toOriginal` maps an offset in the reduced text back to the document.
 */
export interface ScanText {
  text: string;
  toOriginal(offset: number): number;
}

const cannotHoldSecret = /^[ \t]*(?:- +)?[\w.-]+:[ \t]*(?:(["']?)vault\.secret\([^()\s"']*\)\1|-?\d+(?:\.\d+)?|true|false)[ \t]*$/;

export function scanText(text: string): ScanText {
  /** Start of each kept run of lines: its offset in the reduced text and in the document. */
  const reducedStarts: number[] = [];
  const originalStarts: number[] = [];
  const parts: string[] = [];
  let reducedLength = 0;
  let runOpen = false;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const last = lineEnd === text.length;
    if (line.length > 0 && cannotHoldSecret.test(line.endsWith('\r') ? line.slice(0, -1) : line)) {
      runOpen = false;
    } else {
      if (!runOpen) {
        reducedStarts.push(reducedLength);
        originalStarts.push(lineStart);
        runOpen = true;
      }
      const kept = last ? line : `${line}\n`;
      parts.push(kept);
      reducedLength += kept.length;
    }
    if (last) break;
    lineStart = lineEnd + 1;
  }
  if (reducedLength === text.length) return { text, toOriginal: (offset) => offset };
  return {
    text: parts.join(''),
    toOriginal(offset) {
      // The last kept run that starts at or before the offset.
      let lo = 0;
      let hi = reducedStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (reducedStarts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return reducedStarts.length === 0 ? offset : originalStarts[lo]! + (offset - reducedStarts[lo]!);
    },
  };
}
