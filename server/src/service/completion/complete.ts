import { InsertTextFormat, CompletionItemKind, type CompletionItem, type CompletionList, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { describeCut, listingCut } from '../../../../shared/src/listing';
import type { WorkspaceFacts } from '../facts/facts';
import type { Live } from '../facts/liveFacts';
import { attachmentFields, connectionFields, engineFields, vaultConfigFields } from '../model/fieldSpecs';
import type { Attachment, DocumentAnalysis } from '../model/types';
import { lookupVault, targetOfAttachment, type SecretTarget } from '../references/resolve';
import { secretLocator } from '../diagnostics/liveChecks';
import { fieldNameItems, fieldValueItems } from './fieldCompletion';
import { lineContext, type LineContext } from './lineContext';
import { dataPrefixItem, referenceItems } from './referenceCompletion';
import { vaultItems } from './vaultItems';

export interface CompletionOptions {
  snippets: boolean;
}

/** Completion at `offset` of a vault configuration or connection. */
export function complete(document: TextDocument, analysis: DocumentAnalysis, offset: number, facts: WorkspaceFacts, options: CompletionOptions): CompletionList {
  const text = document.getText();
  const ctx = lineContext(text, offset);
  const rangeFrom = (start: number): Range => ({ start: document.positionAt(start), end: document.positionAt(offset) });
  const items = analysis.kind === 'vault-config' ? vaultConfigItems(ctx, analysis, offset, rangeFrom) : connectionItems(ctx, analysis, offset, facts, options, rangeFrom);
  return { isIncomplete: false, items };
}

function prefixRange(ctx: LineContext, offset: number, rangeFrom: (start: number) => Range): Range {
  const prefix = ctx.position.kind === 'other' ? '' : ctx.position.prefix.replace(/^["']/, '');
  return rangeFrom(offset - prefix.length);
}

function vaultConfigItems(ctx: LineContext, analysis: DocumentAnalysis, offset: number, rangeFrom: (start: number) => Range): CompletionItem[] {
  const range = prefixRange(ctx, offset, rangeFrom);
  const inEngine = ctx.path.length === 2 && ctx.path[0] === 'engines';
  const specs = inEngine ? engineFields : ctx.path.length === 0 ? vaultConfigFields : undefined;
  if (!specs) return [];
  if (ctx.position.kind === 'value') return fieldValueItems(specs[ctx.position.key], range);
  if (ctx.position.kind !== 'key') return [];
  const present = new Set<string>(inEngine ? [] : presentVaultFields(analysis));
  return fieldNameItems(specs, inEngine ? undefined : analysis.vault?.provider, present, range);
}

function presentVaultFields(analysis: DocumentAnalysis): string[] {
  const v = analysis.vault;
  if (!v) return [];
  const present: string[] = [];
  if (v.name) present.push('name');
  if (v.provider) present.push('provider');
  return present;
}

function connectionItems(
  ctx: LineContext,
  analysis: DocumentAnalysis,
  offset: number,
  facts: WorkspaceFacts,
  options: CompletionOptions,
  rangeFrom: (start: number) => Range,
): CompletionItem[] {
  const vaults = facts.vaults(analysis.uri);
  const open = ctx.linePrefix.lastIndexOf('vault.secret(');
  if (open !== -1 && !ctx.linePrefix.slice(open).includes(')')) {
    const argumentStart = ctx.lineStart + open + 'vault.secret('.length;
    return referenceItems({ uri: analysis.uri, argument: ctx.linePrefix.slice(open + 'vault.secret('.length), argumentStart, connection: analysis.connection, vaults, facts, rangeFrom });
  }
  const range = prefixRange(ctx, offset, rangeFrom);
  const inAttachment = ctx.path[0] === 'vault_secrets' && ctx.path[1] === '-' && ctx.path.length === 2;
  if (inAttachment) {
    // The item the cursor is in: the last one that starts before it (a blank line at the end of
    // an item is outside the item's own range).
    const attachment = analysis.connection?.attachments.filter((a) => a.span.start <= offset).at(-1);
    if (ctx.position.kind === 'key') {
      const provider = attachment?.vault ? lookupVault(vaults, attachment.vault.value)?.provider : undefined;
      return fieldNameItems(attachmentFields, provider, presentAttachmentFields(attachment), range);
    }
    if (ctx.position.kind === 'value') return attachmentValueItems(ctx.position.key, ctx.position.prefix, attachment, facts, analysis.uri, range);
    return [];
  }
  if (ctx.path.length === 0 && ctx.position.kind === 'key') {
    const present = new Set<string>();
    if (analysis.connection?.name) present.add('name');
    if (analysis.connection?.attachmentsKeySpan) present.add('vault_secrets');
    return fieldNameItems(connectionFields, undefined, present, range);
  }
  const inValues = ctx.path[0] === 'value' || (ctx.path.length === 0 && ctx.position.kind === 'value' && ctx.position.key === 'value');
  if (inValues && ctx.position.kind === 'value') return snippetItems(analysis, facts, options, range);
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
  if (key === 'engine') {
    const engines = new Map<string, CompletionItem>();
    for (const e of vault?.engines ?? []) {
      engines.set(e.path, { label: e.path, kind: CompletionItemKind.Folder, detail: e.kvVersion ? `KV v${e.kvVersion} engine (declared)` : 'engine (declared)', textEdit: { range, newText: e.path } });
    }
    const live = vault && facts.live?.engines(vault);
    if (live?.state === 'error') {
      const note = listingNote(live, `the engines of ${vault!.name}`, prefix.replace(/^["']/, ''), range);
      if (note) engines.set('\u0000note', note);
    }
    for (const e of live?.state === 'ok' ? live.value : []) {
      if (e.type !== 'kv') continue;
      engines.set(e.path, { label: e.path, kind: CompletionItemKind.Folder, detail: `KV v${e.kvVersion ?? 1} engine (mounted)`, textEdit: { range, newText: e.path } });
    }
    return [...engines.values()];
  }
  if (key === 'path' && attachment) {
    const target = targetOfAttachment(attachment, vaults, facts.live);
    return pathItems(target, prefix, range, facts);
  }
  if (key === 'version' && attachment) {
    const target = targetOfAttachment(attachment, vaults, facts.live);
    const locator = target && secretLocator(target, undefined);
    const fact = target?.vault && locator ? facts.live?.secret(target.vault, locator) : undefined;
    const versions = fact?.state === 'ok' ? (fact.value.metadata?.versions ?? []) : [];
    return versions
      .filter((v) => !v.destroyed && !v.deletionTime && !v.disabled)
      .map((v, i) => {
        const text = typeof v.version === 'number' ? String(v.version) : `"${v.version}"`;
        const order = typeof v.version === 'number' ? 100000 - v.version : i;
        return { label: String(v.version), kind: CompletionItemKind.Value, detail: `created ${v.createdTime ?? '?'}${v.stages?.length ? ` · ${v.stages.join(', ')}` : ''}`, sortText: String(order).padStart(6, '0'), textEdit: { range, newText: text } };
      });
  }
  if (key === 'secret' && vault && vault.provider !== 'hashicorp') {
    const listing = facts.live?.list(vault, undefined, '');
    const names = listing?.state === 'ok' ? listing.value : [];
    const items: CompletionItem[] = names.map((name) => ({ label: name, kind: CompletionItemKind.File, detail: `secret in ${vault.name}`, textEdit: { range, newText: name } }));
    if (names.cut) items.push(listingCutItem(names.cut.message, vault.name, prefix, range));
    return items;
  }
  if (key === 'version_stage') {
    const labels = new Set(['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING']);
    const target = attachment && targetOfAttachment(attachment, vaults, facts.live);
    const locator = target && secretLocator(target, undefined);
    const fact = target?.vault && locator ? facts.live?.secret(target.vault, locator) : undefined;
    for (const v of fact?.state === 'ok' ? (fact.value.metadata?.versions ?? []) : []) for (const stage of v.stages ?? []) labels.add(stage);
    return [...labels].map((label, i) => ({ label, kind: CompletionItemKind.EnumMember, sortText: String(i).padStart(3, '0'), textEdit: { range, newText: label } }));
  }
  return [];
}

/**
 * The last item of a listing that a page cap or deadline stopped: its message (which matches
 * whatever was typed, and changes nothing when picked), so the list does not look complete.
 */
function listingCutItem(message: string, vaultName: string, prefix: string, range: Range): CompletionItem {
  const typed = prefix.replace(/^["']/, '');
  return {
    label: `… ${message}`,
    kind: CompletionItemKind.Text,
    detail: `${vaultName}: not every secret is listed; type the name`,
    sortText: '\uffff',
    filterText: typed,
    textEdit: { range, newText: typed },
  };
}

/**
 * Secret paths level by level from the secret manager: KV v2 lists under metadata/ and inserts
 * under data/; KV v1 lists the engine itself. Offline, only `data/` on a KV v2 engine.
 */
function pathItems(target: SecretTarget | undefined, prefix: string, range: Range, facts: WorkspaceFacts): CompletionItem[] {
  const version = target?.engineFact?.kvVersion;
  if (!target?.engine || !version) return [];
  const items: CompletionItem[] = [];
  if (version === 2 && !prefix.startsWith('data/')) {
    if ('data/'.startsWith(prefix)) items.push(dataPrefixItem(range));
    if (prefix !== '') return items;
  }
  const lead = version === 2 ? 'data/' : '';
  const inside = prefix.slice(lead.length);
  const folder = inside.slice(0, inside.lastIndexOf('/') + 1);
  const listing = target.vault && facts.live ? facts.live.list(target.vault, target.engine.value, folder) : undefined;
  const note = listing && listingNote(listing, `${target.engine.value}/${folder}`, prefix.replace(/^["']/, ''), range);
  if (note) items.push(note);
  for (const name of listing?.state === 'ok' ? listing.value : []) {
    const text = `${lead}${folder}${name}`;
    items.push({
      label: text,
      kind: name.endsWith('/') ? CompletionItemKind.Folder : CompletionItemKind.File,
      detail: name.endsWith('/') ? 'folder' : 'secret',
      textEdit: { range, newText: text },
      ...(name.endsWith('/') ? { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } } : {}),
    });
  }
  return items;
}

/**
 * What a listing could not show, as an item that changes nothing when picked (it inserts what is
 * already typed), sorted last: the listing was cut ("first N of M shown") or failed (why). So a
 * partial or failed listing never looks like a complete one.
 */
function listingNote(listing: Live<readonly unknown[]>, where: string, typed: string, range: Range): CompletionItem | undefined {
  let label: string;
  let detail: string;
  if (listing.state === 'error') {
    label = `(${where.slice(0, 80)} could not be listed)`;
    detail = (listing.error.cause ?? listing.error.message).slice(0, 300);
  } else {
    const cut = listingCut(listing.value as readonly string[]);
    if (!cut) return undefined;
    label = `(${describeCut(cut)})`;
    detail = `The listing of ${where.slice(0, 80)} was cut: type more of the name to narrow it.`;
  }
  return { label, kind: CompletionItemKind.Text, detail, filterText: typed, sortText: '\uffff', textEdit: { range, newText: typed } };
}

/** In connection values: a `vault.secret(...)` snippet, and a ready reference per key known for the attached secret. */
function snippetItems(analysis: DocumentAnalysis, facts: WorkspaceFacts, options: CompletionOptions, range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  const attachments = analysis.connection?.attachments ?? [];
  const vaults = facts.vaults(analysis.uri);
  for (const attachment of attachments) {
    const target = targetOfAttachment(attachment, vaults, facts.live);
    if (!target || (attachments.length > 1 && !attachment.alias)) continue;
    const prefix = attachments.length > 1 ? `${attachment.alias!.value}.` : '';
    for (const key of facts.keysUsed(analysis.uri, target.id)) {
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
    ...(options.snippets
      ? { textEdit: { range, newText: 'vault.secret(${1:key})' }, insertTextFormat: InsertTextFormat.Snippet }
      : { textEdit: { range, newText: 'vault.secret()' } }),
  });
  return items;
}
