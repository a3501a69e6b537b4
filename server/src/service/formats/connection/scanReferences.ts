import { Scalar } from 'yaml';
import type { Problem, Span } from '../../model/types';
import { truncate } from '../../yaml/parseYaml';
import type { Reference } from './types';

/** `vault.` where it starts a word, then an optional function name. */
const callStart = /(?<![A-Za-z0-9_$.])vault\.([A-Za-z_][A-Za-z0-9_]*)?/g;

export interface ScanResult {
  references: Reference[];
  problems: Problem[];
}

/** The offsets of a scalar's content inside the document, without its quotes. */
export function scalarContentSpan(scalar: Scalar): Span | undefined {
  const range = scalar.range;
  if (!range) return undefined;
  let [start, end] = range;
  if (scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE) {
    start += 1;
    end = Math.max(start, end - 1);
  }
  return { start, end };
}

/**
 * Finds `vault.secret(...)` references in `text` between `start` and `end` (a scalar's source),
 * reporting malformed ones. Offsets are document offsets.
 */
export function scanReferences(text: string, start: number, end: number, out: ScanResult): void {
  const source = text.slice(start, end);
  if (!source.includes('vault.')) return;
  callStart.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = callStart.exec(source)) !== null) {
    const fn = match[1] ?? '';
    const at = start + match.index;
    const afterName = match.index + match[0].length;
    if (source[afterName] !== '(') {
      if (fn === 'secret') {
        out.problems.push(malformed(at, start + afterName, 'Write `vault.secret(KEY)`: the key goes between parentheses.'));
      }
      continue;
    }
    const close = findClose(source, afterName + 1);
    if (fn !== 'secret') {
      const shownEnd = close === -1 ? afterName + 1 : close + 1;
      out.problems.push(
        malformed(at, start + shownEnd, `Unknown function \`vault.${truncate(fn, 40)}\`: the only function is \`vault.secret(KEY)\`.`),
      );
      callStart.lastIndex = shownEnd;
      continue;
    }
    if (close === -1) {
      const lineEnd = source.indexOf('\n', afterName);
      const stop = lineEnd === -1 ? source.length : lineEnd;
      out.problems.push(malformed(at, start + stop, 'Unclosed `vault.secret(`: add `)` after the key.'));
      callStart.lastIndex = stop;
      continue;
    }
    const argument = source.slice(afterName + 1, close);
    const span = { start: at, end: start + close + 1 };
    const argSpan = { start: start + afterName + 1, end: start + close };
    callStart.lastIndex = close + 1;
    const problem = argumentProblem(argument);
    if (problem) {
      out.problems.push(malformed(span.start, span.end, problem));
      continue;
    }
    out.references.push({ span, argument: { value: argument, span: argSpan }, inline: parseInline(argument, argSpan.start) });
  }
}

/** Index of the `)` that closes a reference, or -1 when the line or text ends first. */
function findClose(source: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === ')') return i;
    if (c === '\n') return -1;
  }
  return -1;
}

function argumentProblem(argument: string): string | undefined {
  if (argument === '') return 'Empty key: write `vault.secret(KEY)`, e.g. `vault.secret(password)`.';
  if (/\s/.test(argument)) return 'A reference holds no spaces: write `vault.secret(KEY)` without blanks.';
  if (/["'`]/.test(argument)) return 'Write the key without quotes: `vault.secret(password)`.';
  if (argument.includes('(')) return 'A reference cannot contain `(`: write `vault.secret(KEY)`.';
  const colon = argument.indexOf(':');
  if (colon === -1) {
    if (argument.startsWith('.') || argument.endsWith('.')) return 'Empty alias or key around `.`: write `vault.secret(ALIAS.KEY)`.';
    return undefined;
  }
  const vault = argument.slice(0, colon);
  const rest = argument.slice(colon + 1);
  const dot = rest.lastIndexOf('.');
  if (vault === '') return 'The inline form names the vault first: `vault.secret(VAULT:PATH.KEY)`.';
  if (dot === -1) return 'The inline form ends with the key: `vault.secret(VAULT:PATH.KEY)`, or `.*` for the whole secret.';
  if (dot === 0) return 'The inline form needs a path: `vault.secret(VAULT:PATH.KEY)`.';
  if (dot === rest.length - 1) return 'Empty key after the last `.`: write `vault.secret(VAULT:PATH.KEY)`, or `.*` for the whole secret.';
  return undefined;
}

function parseInline(argument: string, offset: number): Reference['inline'] {
  const colon = argument.indexOf(':');
  if (colon === -1) return undefined;
  const rest = argument.slice(colon + 1);
  const dot = rest.lastIndexOf('.');
  const pathStart = offset + colon + 1;
  return {
    vault: { value: argument.slice(0, colon), span: { start: offset, end: offset + colon } },
    path: { value: rest.slice(0, dot), span: { start: pathStart, end: pathStart + dot } },
    key: { value: rest.slice(dot + 1), span: { start: pathStart + dot + 1, end: pathStart + rest.length } },
  };
}

function malformed(start: number, end: number, message: string): Problem {
  return { code: 'malformed-reference', span: { start, end: Math.max(end, start + 1) }, message };
}
