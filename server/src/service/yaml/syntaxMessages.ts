/**
 * The product's words for the YAML parser's errors. The `yaml` library's messages are written for
 * programmers ("Source contains multiple documents; please use YAML.parseAllDocuments()") and are
 * never shown: each error is recognised by its stable `code` (yaml `src/errors.ts`, `ErrorCode`)
 * and explained with what to change. Where one code covers several mistakes, the character at the
 * error's position tells them apart.
 */

/** The `ErrorCode`s of yaml 2.x (`src/errors.ts`). */
export type YamlErrorCode =
  | 'ALIAS_PROPS'
  | 'BAD_ALIAS'
  | 'BAD_DIRECTIVE'
  | 'BAD_DQ_ESCAPE'
  | 'BAD_INDENT'
  | 'BAD_PROP_ORDER'
  | 'BAD_SCALAR_START'
  | 'BLOCK_AS_IMPLICIT_KEY'
  | 'BLOCK_IN_FLOW'
  | 'DUPLICATE_KEY'
  | 'IMPOSSIBLE'
  | 'KEY_OVER_1024_CHARS'
  | 'MISSING_CHAR'
  | 'MULTILINE_IMPLICIT_KEY'
  | 'MULTIPLE_ANCHORS'
  | 'MULTIPLE_DOCS'
  | 'MULTIPLE_TAGS'
  | 'NON_STRING_KEY'
  | 'TAB_AS_INDENT'
  | 'TAG_RESOLVE_FAILED'
  | 'UNEXPECTED_TOKEN'
  | 'BAD_COLLECTION_TYPE';

const messages: Record<YamlErrorCode, string> = {
  ALIAS_PROPS: 'An alias (`*name`) cannot carry its own tag or anchor; put them on the anchored value instead.',
  BAD_ALIAS: 'This alias (`*name`) refers to no anchor (`&name`) defined before it in the document.',
  BAD_DIRECTIVE: 'This `%` line is not a YAML directive (only `%YAML` and `%TAG`, before a `---`); quote it or remove it.',
  BAD_DQ_ESCAPE: 'This double-quoted string has an escape YAML does not know; write `\\\\` for a backslash, or use single quotes.',
  BAD_INDENT: 'The indentation here does not fit the block around it: align the line with its siblings, or indent it under its parent.',
  BAD_PROP_ORDER: 'A tag or an anchor must come right before the value it applies to, on the same node.',
  BAD_SCALAR_START: 'A plain (unquoted) value cannot start with this character; put the value in quotes.',
  BLOCK_AS_IMPLICIT_KEY: 'A mapping cannot start on the same line as its key (`a: b: c`): put it on a line of its own, indented, or quote a value that holds `: `.',
  BLOCK_IN_FLOW: 'An indented (block) list or mapping cannot appear inside `[...]` or `{...}`; write it in flow style or move it out.',
  DUPLICATE_KEY: 'A key may appear once in a mapping.',
  IMPOSSIBLE: 'The YAML parser could not read this part of the file.',
  KEY_OVER_1024_CHARS: 'A mapping key written without `? ` may be at most 1024 characters long; shorten it.',
  MISSING_CHAR: 'Something opened here is not closed: a quote, `]` or `}` is missing.',
  MULTILINE_IMPLICIT_KEY: 'A mapping key must fit on one line; often a `:` is missing on the line above, or a value needs quotes.',
  MULTIPLE_ANCHORS: 'A value can have only one anchor (`&name`).',
  MULTIPLE_DOCS: 'This file holds several YAML documents (separated by `---`).',
  MULTIPLE_TAGS: 'A value can have only one tag (`!tag`).',
  NON_STRING_KEY: 'Mapping keys must be plain text here.',
  TAB_AS_INDENT: 'A tab is used for indentation; YAML allows only spaces.',
  TAG_RESOLVE_FAILED: 'The value does not fit its tag (for example `!!int` on text); remove the tag or fix the value.',
  UNEXPECTED_TOKEN: 'YAML cannot read this here: check the indentation, a missing `:` or `-`, or a special character that needs quotes.',
  BAD_COLLECTION_TYPE: 'This tag cannot be applied to this kind of value (a mapping, a list or a scalar).',
};

/** What to say about a parser error of `code` at `offset` of `text`. */
export function syntaxMessage(code: string, text: string, offset: number): string {
  if (code === 'MISSING_CHAR' || code === 'BAD_INDENT') {
    const unclosed = unclosedOnLine(lineBefore(text, offset));
    if (unclosed) return unclosed;
  }
  if (code === 'BAD_SCALAR_START') {
    const ch = text.charAt(offset);
    if (ch === '@' || ch === '`') return `A plain (unquoted) value cannot start with \`${ch}\` (reserved in YAML); put the value in quotes.`;
  }
  return messages[code as YamlErrorCode] ?? 'The YAML here is not valid.';
}

/**
 * The line an error belongs to: the parser reports an unclosed quote or bracket where it gave up,
 * often at the start of the next line, so trailing line breaks before `offset` are skipped.
 */
function lineBefore(text: string, offset: number): string {
  let end = Math.min(text.length, offset);
  while (end > 0 && (text.charCodeAt(end - 1) === 0x0a || text.charCodeAt(end - 1) === 0x0d)) end--;
  const start = text.lastIndexOf('\n', Math.max(0, end - 1)) + 1;
  const lineEnd = text.indexOf('\n', end);
  return text.slice(start, lineEnd === -1 ? text.length : lineEnd);
}

/** Which opening character of `line` is left unclosed, if one is. */
function unclosedOnLine(line: string): string | undefined {
  const count = (ch: string) => line.split(ch).length - 1;
  if (count('"') % 2 === 1) return 'A double-quoted string is not closed: add the closing `"`.';
  if (count("'") % 2 === 1) return "A single-quoted string is not closed: add the closing `'`.";
  if (count('[') > count(']')) return 'A `[` list is not closed: add the closing `]` (or indent the lines that continue it).';
  if (count('{') > count('}')) return 'A `{` mapping is not closed: add the closing `}` (or indent the lines that continue it).';
  return undefined;
}
