/**
 * Finds `vault.secret(...)` references in the text of a line, for the code lenses and for the
 * preview's confirmation. The server decides what a reference means; this only locates it.
 */

export interface LineReference {
  line: number;
  /** Character offsets of `vault.secret(...)` on the line, end exclusive. */
  start: number;
  end: number;
  /** The reference as written, e.g. `vault.secret(prod:secret/data/oracle.password)`. */
  text: string;
}

const reference = /(?<![A-Za-z0-9_$.])vault\.secret\(([^()\s]+)\)/g;

/** Where a YAML comment starts on the line (a `#` at the start or after whitespace, outside quotes), or the line's length. */
export function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[{,-]/.test(line[i - 1]!)) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return i;
    }
  }
  return line.length;
}

export function referencesInLine(text: string, line: number): LineReference[] {
  const found: LineReference[] = [];
  const code = text.slice(0, commentStart(text));
  reference.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = reference.exec(code)) !== null) {
    found.push({ line, start: match.index, end: match.index + match[0].length, text: match[0] });
  }
  return found;
}

export function referencesInText(text: string): LineReference[] {
  return text.split(/\r?\n/).flatMap((line, i) => (line.includes('vault.secret(') ? referencesInLine(line, i) : []));
}

/** The reference that contains `character` (its closing parenthesis included). */
export function referenceAt(text: string, line: number, character: number): LineReference | undefined {
  return referencesInLine(text, line).find((r) => character >= r.start && character <= r.end);
}
