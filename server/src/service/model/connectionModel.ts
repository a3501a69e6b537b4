import { isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { pairsOf } from '../yaml/parseYaml';
import { scalarContentSpan, scanReferences, type ScanResult } from '../references/scanReferences';
import { checkFields, spanOf, stringValue, type FieldCheckContext } from './checkFields';
import { attachmentFields, connectionFields } from './fieldSpecs';
import type { Attachment, ConnectionModel, Located, Problem, Span } from './types';

const documentStart: Span = { start: 0, end: 1 };

/** Reads a connection: its attached secrets and every reference in its values. */
export function buildConnection(doc: Document.Parsed, text: string, problems: Problem[]): ConnectionModel {
  const model: ConnectionModel = { name: undefined, attachments: [], references: [], attachmentsKeySpan: undefined };
  const root = doc.contents;
  if (!isMap(root)) {
    problems.push({
      code: 'invalid-config',
      span: spanOf(root, documentStart),
      message: 'A connection is a mapping with at least `name`, usually with `vault_secrets` and `value`.',
    });
    return model;
  }
  const pairs = pairsOf(root);
  const firstKey = spanOf(pairs[0]?.key, documentStart);
  const ctx: FieldCheckContext = { holder: 'connection', provider: undefined, problems };
  const valid = checkFields(pairs, connectionFields, ctx, firstKey);
  const name = valid.get('name');
  if (name) model.name = { value: stringValue(name.value) ?? '', span: spanOf(name.value, firstKey) };

  const scan: ScanResult = { references: model.references, problems };
  for (const pair of pairs) {
    if (String(pair.key.value) === 'vault_secrets') {
      model.attachmentsKeySpan = spanOf(pair.key, firstKey);
      model.attachments = readAttachments(pair.value, model.attachmentsKeySpan, problems);
    } else {
      scanValues(pair.value, text, scan);
    }
  }
  return model;
}

/** Scans every scalar value (not mapping keys) below `root` for references, without recursion. */
function scanValues(root: Node | null, text: string, out: ScanResult): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isScalar(node)) {
      const span = scalarContentSpan(node);
      if (span && typeof node.value === 'string') scanReferences(text, span.start, span.end, out);
    } else if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]?.value);
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i];
        stack.push(isPair(item) ? item.value : item);
      }
    }
  }
}

function readAttachments(node: Node | null, keySpan: Span, problems: Problem[]): Attachment[] {
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) {
    problems.push({
      code: 'invalid-config',
      span: spanOf(node, keySpan),
      message: '`vault_secrets` is a list of attached secrets, each with `vault` and either `engine` and `path` or `secret`.',
    });
    return [];
  }
  const attachments: Attachment[] = [];
  node.items.forEach((item, index) => {
    const span = spanOf(item as Node, keySpan);
    if (!isMap(item)) {
      problems.push({ code: 'invalid-config', span, message: 'An attached secret is a mapping with `vault` and either `engine` and `path` or `secret`.' });
      return;
    }
    const pairs = pairsOf(item);
    const ctx: FieldCheckContext = { holder: 'attached secret', provider: undefined, problems };
    const valid = checkFields(pairs, attachmentFields, ctx, spanOf(pairs[0]?.key, span));
    const located = (field: string): Located<string> | undefined => {
      const pair = valid.get(field);
      const value = stringValue(pair?.value ?? null);
      return pair && value !== undefined ? { value, span: spanOf(pair.value, span) } : undefined;
    };
    const version = valid.get('version');
    attachments.push({
      index,
      span,
      vault: located('vault'),
      alias: located('alias'),
      engine: located('engine'),
      path: located('path'),
      secret: located('secret'),
      version: version && isScalar(version.value) ? { value: version.value.value, span: spanOf(version.value, span) } : undefined,
      versionStage: located('version_stage'),
    });
  });
  return attachments;
}
