import { isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { syntaxMessage } from './syntaxMessages';

/** A problem found while reading a file, located by character offsets. */
export interface TextProblem {
  start: number;
  end: number;
  message: string;
}

export interface ParsedYaml {
  /** The first document; undefined when the text could not be parsed at all (see `fatal`). */
  doc: Document.Parsed | undefined;
  /** Every document of the file, in order (`---` separates them); at least one unless fatal. */
  documents: Document.Parsed[];
  syntaxErrors: TextProblem[];
  /** Set when parsing gave up (nesting too deep): no further checks run. */
  fatal: TextProblem | undefined;
}

/**
 * Parses YAML text. The parser's own duplicate-key check is quadratic in the size of a map,
 * so it is off and `duplicateKeys` below does the same work in linear time.
 */
export function parseYaml(text: string): ParsedYaml {
  const options = { uniqueKeys: false, prettyErrors: false, strict: false } as const;
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, options) as Document.Parsed[];
    // No document at all (an empty file, only comments): one empty document, as a file with nothing in it.
    if (documents.length === 0) documents = [parseDocument(text, options)];
  } catch (error) {
    const message =
      error instanceof RangeError
        ? 'YAML is nested too deeply to check; flatten the structure.'
        : 'The YAML parser could not read this file; check that it is YAML text.';
    return { doc: undefined, documents: [], syntaxErrors: [], fatal: { start: 0, end: Math.min(text.length, 1), message } };
  }
  const syntaxErrors: TextProblem[] = [];
  for (const doc of documents) {
    for (const e of doc.errors) {
      syntaxErrors.push({ start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1), message: syntaxMessage(e.code, text, e.pos[0]) });
    }
  }
  if (syntaxErrors.length === 0) for (const doc of documents) syntaxErrors.push(...duplicateKeys(doc));
  return { doc: documents[0], documents, syntaxErrors, fatal: undefined };
}

/** True when a document holds something: not only a `---` (or comments) with nothing after it. */
export function hasContent(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  return contents !== null && !(isScalar(contents) && contents.value === null && !contents.anchor && !contents.tag);
}

/** Where a document starts: its `---` marker, or its first line. */
export function documentStart(doc: Document.Parsed, text: string): { start: number; end: number } {
  const start = doc.range[0];
  if (text.startsWith('---', start)) return { start, end: start + 3 };
  const lineEnd = text.indexOf('\n', start);
  return { start, end: Math.max(start + 1, lineEnd === -1 ? text.length : lineEnd) };
}

/**
 * Duplicate keys in any map, found with an explicit stack so deep documents cannot overflow. Only
 * collections are pushed (scalars cannot hold keys), and small maps compare their keys pairwise
 * instead of building a set.
 */
function duplicateKeys(doc: Document.Parsed): TextProblem[] {
  const problems: TextProblem[] = [];
  const report = (pair: Pair<unknown, unknown>, key: string) => {
    const [start, end] = (pair.key as Scalar).range ?? [0, 1];
    problems.push({ start, end, message: `Duplicate key "${truncate(key)}": a key may appear once in a mapping.` });
  };
  const stack: unknown[] = [doc.contents];
  const keys: (string | undefined)[] = [];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const items = node.items;
      keys.length = 0;
      for (const pair of items) {
        keys.push(isScalar(pair.key) ? String(pair.key.value) : undefined);
        if (isMap(pair.value) || isSeq(pair.value)) stack.push(pair.value);
        if (isMap(pair.key) || isSeq(pair.key)) stack.push(pair.key);
      }
      if (items.length < 2) continue;
      if (items.length <= 16) {
        for (let i = 1; i < keys.length; i++) {
          const key = keys[i];
          if (key === undefined) continue;
          for (let j = 0; j < i; j++) {
            if (keys[j] === key) {
              report(items[i]!, key);
              break;
            }
          }
        }
      } else {
        const seen = new Set<string>();
        keys.forEach((key, i) => {
          if (key === undefined) return;
          if (seen.has(key)) report(items[i]!, key);
          seen.add(key);
        });
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          if (isMap(item.value) || isSeq(item.value)) stack.push(item.value);
          if (isMap(item.key) || isSeq(item.key)) stack.push(item.key);
        } else if (isMap(item) || isSeq(item)) {
          stack.push(item);
        }
      }
    }
  }
  return problems;
}

/** Visits every node below `root` (maps, sequences, pairs' keys and values, scalars) without recursion. */
export function forEachNode(root: unknown, visit: (node: Node) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node) || isSeq(node)) {
      visit(node);
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i];
        if (isPair(item)) {
          stack.push(item.value, item.key);
        } else {
          stack.push(item);
        }
      }
    } else if (isScalar(node)) {
      visit(node);
    }
  }
}

export function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function pairsOf(node: unknown): Pair<Scalar, Node | null>[] {
  if (!isMap(node)) return [];
  return (node as YAMLMap<Scalar, Node | null>).items.filter((p) => isScalar(p.key));
}

/** The offsets a node covers, without trailing comments and blank lines. */
export function nodeSpan(node: Node | null | undefined, fallback: readonly [number, number]): [number, number] {
  const range = node?.range;
  if (!range) return [fallback[0], fallback[1]];
  return [range[0], Math.max(range[1], range[0])];
}
