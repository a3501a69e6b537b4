import { isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { checkFields, spanOf, stringValue, type FieldCheckContext } from '../../model/checkFields';
import type { Located, Problem, Span } from '../../model/types';
import { pairsOf } from '../../yaml/parseYaml';
import { attachmentFields, connectionFields } from './fields';
import { scalarContentSpan, scanReferences, type ScanResult } from './scanReferences';
import type { Attachment, ConnectionModel } from './types';

const documentStart: Span = { start: 0, end: 1 };

/** Reads a connection: its attached secrets and every reference in its values. */
export function buildConnection(doc: Document.Parsed, text: string, problems: Problem[]): ConnectionModel {
  const model: ConnectionModel = {
    name: undefined,
    attachments: [],
    references: [],
    attachmentsKeySpan: undefined,
    auth: undefined,
    owner: undefined,
    expires: undefined,
    valueKeys: new Set(),
    credentialScalars: [],
  };
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
  const located = (field: string): Located<string> | undefined => {
    const pair = valid.get(field);
    if (!pair || !isScalar(pair.value)) return undefined;
    const raw = pair.value.value;
    const value = raw instanceof Date ? raw.toISOString().slice(0, 10) : typeof raw === 'string' ? raw : undefined;
    return value === undefined ? undefined : { value, span: spanOf(pair.value, firstKey) };
  };
  model.auth = located('auth');
  model.owner = located('owner');
  model.expires = located('expires');
  const value = valid.get('value')?.value ?? null;
  if (isMap(value)) for (const p of pairsOf(value)) model.valueKeys.add(String(p.key.value));
  collectKeyedScalars(value, model.credentialScalars);

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

/** Every string scalar under a mapping key below `root`, with that key: candidates for hard-coded credentials. */
function collectKeyedScalars(root: Node | null, out: ConnectionModel['credentialScalars']): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.value) && typeof pair.value.value === 'string' && isScalar(pair.key)) {
          const span = scalarContentSpan(pair.value);
          if (span) out.push({ key: String(pair.key.value), span, text: pair.value.value });
        } else {
          stack.push(pair.value);
        }
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    }
  }
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
