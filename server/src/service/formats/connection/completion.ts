import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Range } from 'vscode-languageserver-types';
import { fieldNameItems } from '../../completion/fieldCompletion';
import { lineContext, prefixRange } from '../../completion/lineContext';
import { engineItems, pathItems, secretNameItems, stageItems, versionItems } from '../../completion/secretItems';
import { vaultItems } from '../../completion/vaultItems';
import type { WorkspaceFacts } from '../../facts/facts';
import { lookupVault, targetOf } from '../../references/resolve';
import type { FormatAnalysis } from '../facts';
import type { FormatCompletionContext } from '../format';
import { attachmentUse } from './facts';
import { attachmentFields, connectionFields } from './fields';
import { referenceItems } from './referenceCompletion';
import type { Attachment, ConnectionModel } from './types';

/** Completion in a connection: inside `vault.secret(`, the fields and values of an attached secret, the top-level fields, references in values. */
export function completeConnection({ document, analysis, offset, facts, snippets }: FormatCompletionContext<ConnectionModel>): CompletionItem[] {
  const ctx = lineContext(document.getText(), offset);
  const rangeFrom = (start: number): Range => ({ start: document.positionAt(start), end: document.positionAt(offset) });
  const uri = document.uri;
  const vaults = facts.vaults(uri);
  const model = analysis?.model;
  const open = ctx.linePrefix.lastIndexOf('vault.secret(');
  if (open !== -1 && !ctx.linePrefix.slice(open).includes(')')) {
    const argumentStart = ctx.lineStart + open + 'vault.secret('.length;
    return referenceItems({ uri, argument: ctx.linePrefix.slice(open + 'vault.secret('.length), argumentStart, connection: model, vaults, facts, rangeFrom });
  }
  const range = prefixRange(ctx, offset, rangeFrom);
  const inAttachment = ctx.path[0] === 'vault_secrets' && ctx.path[1] === '-' && ctx.path.length === 2;
  if (inAttachment) {
    // The item the cursor is in: the last one that starts before it (a blank line at the end of
    // an item is outside the item's own range).
    const attachment = model?.attachments.filter((a) => a.span.start <= offset).at(-1);
    if (ctx.position.kind === 'key') {
      const provider = attachment?.vault ? lookupVault(vaults, attachment.vault.value)?.provider : undefined;
      return fieldNameItems(attachmentFields, provider, presentAttachmentFields(attachment), range);
    }
    if (ctx.position.kind === 'value') return attachmentValueItems(ctx.position.key, ctx.position.prefix, attachment, facts, uri, range);
    return [];
  }
  if (ctx.path.length === 0 && ctx.position.kind === 'key') {
    const present = new Set<string>();
    if (model?.name) present.add('name');
    if (model?.attachmentsKeySpan) present.add('vault_secrets');
    return fieldNameItems(connectionFields, undefined, present, range);
  }
  const inValues = ctx.path[0] === 'value' || (ctx.path.length === 0 && ctx.position.kind === 'value' && ctx.position.key === 'value');
  if (inValues && ctx.position.kind === 'value') return snippetItems(uri, analysis, facts, snippets, range);
  return [];
}

function presentAttachmentFields(attachment: Attachment | undefined): Set<string> {
  const present = new Set<string>();
  if (!attachment) return present;
  for (const field of ['vault', 'alias', 'engine', 'path', 'secret', 'version'] as const) if (attachment[field]) present.add(field);
  if (attachment.versionStage) present.add('version_stage');
  return present;
}

function attachmentValueItems(key: string, prefix: string, attachment: Attachment | undefined, facts: WorkspaceFacts, uri: string, range: Range): CompletionItem[] {
  const vaults = facts.vaults(uri);
  if (key === 'vault') return vaultItems(vaults, range);
  const vault = attachment?.vault ? lookupVault(vaults, attachment.vault.value) : undefined;
  const target = () => attachment && targetOf(attachmentUse(attachment), vaults, facts.live);
  switch (key) {
    case 'engine':
      return engineItems(vault, facts, prefix, range);
    case 'path':
      return attachment ? pathItems(target(), prefix, range, facts) : [];
    case 'version':
      return attachment ? versionItems(target(), facts, range) : [];
    case 'secret':
      return vault && vault.provider !== 'hashicorp' ? secretNameItems(vault, facts, prefix, range) : [];
    case 'version_stage':
      return stageItems(target(), facts, range);
    default:
      return [];
  }
}

/** In connection values: a `vault.secret(...)` snippet, and a ready reference per key known for the attached secret. */
function snippetItems(uri: string, analysis: FormatAnalysis<ConnectionModel> | undefined, facts: WorkspaceFacts, snippets: boolean, range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  const attachments = analysis?.model.attachments ?? [];
  const vaults = facts.vaults(uri);
  for (const attachment of attachments) {
    const target = targetOf(attachmentUse(attachment), vaults, facts.live);
    if (!target || (attachments.length > 1 && !attachment.alias)) continue;
    const prefix = attachments.length > 1 ? `${attachment.alias!.value}.` : '';
    for (const key of facts.keysUsed(uri, target.id)) {
      const text = `vault.secret(${prefix}${key})`;
      items.push({ label: text, kind: CompletionItemKind.Reference, detail: `key of ${target.secretPath?.value ?? target.secretName?.value ?? 'the attached secret'}`, textEdit: { range, newText: text }, sortText: `1${text}` });
    }
  }
  items.push({
    label: 'vault.secret(...)',
    kind: CompletionItemKind.Snippet,
    detail: 'Reference a key of an attached secret',
    documentation: 'vault.secret(KEY) reads KEY of the attached secret; vault.secret(ALIAS.KEY) picks one of several; vault.secret(VAULT:PATH.KEY) names the secret inline.',
    sortText: '0',
    filterText: 'vault.secret',
    ...(snippets
      ? { textEdit: { range, newText: 'vault.secret(${1:key})' }, insertTextFormat: InsertTextFormat.Snippet }
      : { textEdit: { range, newText: 'vault.secret()' } }),
  });
  return items;
}
