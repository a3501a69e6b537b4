/** Where the cursor stands in block-style YAML, read from the lines alone (they may not parse yet). */
export interface LineContext {
  /** Keys from the document root down to the cursor's mapping; `-` marks a list item. */
  path: string[];
  /** Text of the current line before the cursor. */
  linePrefix: string;
  /** Offset where the current line starts. */
  lineStart: number;
  /** `key: prefix` when the cursor is in a value, or the partial key when it is in a key. */
  position: { kind: 'key'; prefix: string } | { kind: 'value'; key: string; prefix: string } | { kind: 'other' };
}

interface LineShape {
  /** Column where the line's content starts (after any `- `). */
  content: number;
  /** Column of the `-` when the line starts a list item. */
  dash: number | undefined;
  rest: string;
}

function shape(line: string): LineShape {
  // `s`: the rest may hold characters `.` does not match (a lone \r, U+2028, U+2029).
  const match = /^(\s*)(-\s+)?(.*)$/s.exec(line)!;
  const lead = match[1]!.length;
  const dash = match[2] !== undefined ? lead : undefined;
  return { content: lead + (match[2]?.length ?? 0), dash, rest: match[3]! };
}

const keyValue = /^([A-Za-z_][A-Za-z0-9_.\/-]*|"[^"]*"|'[^']*')\s*:(?:\s+(.*))?$/;

function keyOf(rest: string): string | undefined {
  const match = keyValue.exec(rest);
  return match ? match[1]!.replace(/^["']|["']$/g, '') : undefined;
}

export function lineContext(text: string, offset: number): LineContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const linePrefix = text.slice(lineStart, offset);
  const current = shape(linePrefix);
  let position: LineContext['position'] = { kind: 'other' };
  if (!/(^|\s)#/.test(linePrefix)) {
    const match = /^([A-Za-z_][A-Za-z0-9_.\/-]*)\s*:\s+(.*)$/.exec(current.rest);
    if (match) position = { kind: 'value', key: match[1]!, prefix: match[2]! };
    else if (/^[A-Za-z_]?[A-Za-z0-9_-]*$/.test(current.rest)) position = { kind: 'key', prefix: current.rest };
  }
  const path: string[] = [];
  let indent = current.content;
  if (current.dash !== undefined) {
    path.push('-');
    indent = current.dash;
  }
  // Walk up through earlier lines, taking each less-indented key (or list item) as a parent.
  let end = lineStart - 1;
  while (end > 0 && indent > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const s = shape(line);
    if (s.dash !== undefined && s.content <= indent && s.dash < indent) {
      path.push('-');
      indent = s.dash;
      continue;
    }
    if (s.content < indent) {
      const key = keyOf(s.rest);
      if (key !== undefined) path.push(key);
      indent = s.content;
    }
    if (start === 0) break;
  }
  return { path: path.reverse(), linePrefix, lineStart, position };
}

/** The range from the start of what is typed at the cursor (without an opening quote) to the cursor. */
export function prefixRange<R>(ctx: LineContext, offset: number, rangeFrom: (start: number) => R): R {
  const prefix = ctx.position.kind === 'other' ? '' : ctx.position.prefix.replace(/^["']/, '');
  return rangeFrom(offset - prefix.length);
}
