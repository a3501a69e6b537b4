import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import { parseAddress } from '../../../../shared/src/addresses';
import { truncate } from '../yaml/parseYaml';
import { nearestNames } from '../text/nearest';
import { aliasPattern, namePattern, type FieldSpec } from './fieldSpecs';
import type { Problem, Provider, Span } from './types';

export function spanOf(node: Node | null | undefined, fallback: Span): Span {
  const range = node?.range;
  return range ? { start: range[0], end: Math.max(range[1], range[0] + 1) } : fallback;
}

export function pairSpan(pair: Pair<Scalar, Node | null>): Span {
  const key = spanOf(pair.key, { start: 0, end: 1 });
  const value = pair.value?.range;
  return { start: key.start, end: value ? Math.max(value[1], key.end) : key.end };
}

function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing' : typeof node.value === 'string' ? 'text' : `${typeof node.value}`;
  return 'an alias';
}

/** The string value of a scalar, or undefined when the node is no string. */
export function stringValue(node: Node | null): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

export interface FieldCheckContext {
  /** What holds the fields, for messages: "vault configuration", "attached secret". */
  holder: string;
  provider: Provider | undefined;
  problems: Problem[];
}

/** Checks one field's value against its spec; returns false when it is reported as wrong. */
export function checkFieldValue(name: string, spec: FieldSpec, pair: Pair<Scalar, Node | null>, ctx: FieldCheckContext): boolean {
  const node = pair.value;
  const span = spanOf(node, spanOf(pair.key, { start: 0, end: 1 }));
  const wrong = (message: string): false => {
    ctx.problems.push({ code: 'invalid-config', span, message });
    return false;
  };
  switch (spec.type) {
    case 'any':
    case 'engines':
    case 'attachments':
    case 'version':
      return true;
    case 'date': {
      const text = isScalar(node) ? (node.value instanceof Date ? node.value.toISOString().slice(0, 10) : typeof node.value === 'string' ? node.value : undefined) : undefined;
      return text !== undefined && /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text)) ? true : wrong(`\`${name}\` must be a date, YYYY-MM-DD.`);
    }
    case 'boolean':
      return isScalar(node) && typeof node.value === 'boolean' ? true : wrong(`\`${name}\` must be true or false, not ${describe(node)}.`);
    case 'enum': {
      const text = isScalar(node) && node.value !== null ? String(node.value) : undefined;
      if (text !== undefined && spec.values?.includes(text)) return true;
      const shown = text === undefined ? describe(node) : `"${truncate(text)}"`;
      return wrong(`\`${name}\` must be one of ${spec.values?.join(', ')}, not ${shown}.`);
    }
    case 'string':
    case 'url':
    case 'name':
    case 'alias': {
      const text = stringValue(node);
      if (text === undefined || text.trim() === '') return wrong(`\`${name}\` must be non-empty text, not ${describe(node)}.`);
      if (spec.type === 'url') {
        const parsed = parseAddress(text);
        if (!parsed.ok && parsed.reason === 'user-info') {
          // The user info is never repeated: it may be a password.
          return wrong(
            `\`${name}\` holds user info before "@": requests would go to ${parsed.origin ?? 'another host'}, not to what precedes "@". ` +
              'Write the address without it; credentials never belong in a URL.',
          );
        }
        if (!parsed.ok) return wrong(`\`${name}\` must be an http:// or https:// URL.`);
      }
      if (spec.type === 'name' && !namePattern.test(text)) {
        return wrong(`\`${name}\` may hold letters, digits, "_", "." and "-", starting with a letter or digit.`);
      }
      if (spec.type === 'alias' && !aliasPattern.test(text)) {
        return wrong(`\`${name}\` may hold letters, digits, "_" and "-", starting with a letter or "_".`);
      }
      return true;
    }
  }
}

/**
 * Reports unknown fields, fields of another provider and missing required fields of one mapping.
 * Returns the pairs whose names are known, valid for the provider, and whose values are well-typed.
 */
export function checkFields(
  pairs: Pair<Scalar, Node | null>[],
  specs: Record<string, FieldSpec>,
  ctx: FieldCheckContext,
  missingSpan: Span,
): Map<string, Pair<Scalar, Node | null>> {
  const valid = new Map<string, Pair<Scalar, Node | null>>();
  const present = new Set<string>();
  for (const pair of pairs) {
    const name = String(pair.key.value);
    present.add(name);
    const spec = specs[name];
    const keySpan = spanOf(pair.key, missingSpan);
    if (!spec) {
      const near = nearestNames(name, Object.keys(specs), 1);
      const hint = near.length > 0 ? ` Did you mean \`${near[0]}\`?` : '';
      ctx.problems.push({ code: 'invalid-config', span: keySpan, message: `Unknown field \`${truncate(name)}\` in a ${ctx.holder}.${hint}` });
      continue;
    }
    if (spec.providers && ctx.provider && !spec.providers.includes(ctx.provider)) {
      ctx.problems.push({
        code: 'invalid-config',
        span: keySpan,
        message: `\`${name}\` belongs to ${spec.providers.join(' or ')} vaults; this ${ctx.holder} uses provider ${ctx.provider}.`,
      });
      continue;
    }
    if (checkFieldValue(name, spec, pair, ctx)) valid.set(name, pair);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (!spec.required || present.has(name)) continue;
    if (spec.providers && (!ctx.provider || !spec.providers.includes(ctx.provider))) continue;
    ctx.problems.push({ code: 'invalid-config', span: missingSpan, message: `A ${ctx.holder} needs \`${name}\`: ${spec.doc}` });
  }
  return valid;
}
