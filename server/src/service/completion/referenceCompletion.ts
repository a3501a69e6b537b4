import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Range } from 'vscode-languageserver-types';
import type { VaultSet, WorkspaceFacts } from '../facts/facts';
import type { Attachment, ConnectionModel } from '../model/types';
import { lookupVault, targetOfAttachment, targetOfInline, type SecretTarget } from '../references/resolve';
import { secretLocator } from '../diagnostics/liveChecks';
import { vaultItems } from './vaultItems';

export interface ReferenceCompletionInput {
  uri: string;
  /** Text between `vault.secret(` and the cursor. */
  argument: string;
  /** Offset of the first character of the argument. */
  argumentStart: number;
  connection: ConnectionModel | undefined;
  vaults: VaultSet;
  facts: WorkspaceFacts;
  rangeFrom: (start: number) => Range;
}

/** The key names the secret manager reports for the version an attachment reads (never values), when known. */
export function liveKeys(target: SecretTarget | undefined, attachment: Attachment | undefined, facts: WorkspaceFacts): readonly string[] {
  const live = facts.live;
  if (!target?.vault || !live) return [];
  const locator = secretLocator(target, attachment);
  const fact = locator ? live.secret(target.vault, locator) : undefined;
  return fact?.state === 'ok' ? (fact.value.keys ?? []) : [];
}

function keyItems(keys: readonly string[], secret: string, range: Range, fromServer: readonly string[] = []): CompletionItem[] {
  const all = [...new Set([...fromServer, ...keys])].sort();
  const items: CompletionItem[] = all.map((key) => ({
    label: key,
    kind: CompletionItemKind.Property,
    detail: `key of ${secret}`,
    documentation: fromServer.includes(key) ? 'A key of this secret in the secret manager.' : 'Used for this secret elsewhere in the workspace.',
    textEdit: { range, newText: key },
    sortText: `0${key}`,
  }));
  items.push({ label: '*', kind: CompletionItemKind.Constant, detail: 'the whole secret', documentation: 'Reads the whole secret, e.g. a plain-text (non-JSON) value.', textEdit: { range, newText: '*' }, sortText: '1*' });
  return items;
}

/** Completion inside `vault.secret(`: aliases, keys used elsewhere, and the inline form's parts. */
export function referenceItems(input: ReferenceCompletionInput): CompletionItem[] {
  const { argument, argumentStart, connection, vaults, facts, uri } = input;
  const colon = argument.indexOf(':');
  if (colon !== -1) return inlineItems(input, colon);
  const attachments = connection?.attachments ?? [];
  const dot = argument.indexOf('.');
  if (dot !== -1) {
    const attachment = attachments.find((a) => a.alias?.value === argument.slice(0, dot));
    const target = attachment && targetOfAttachment(attachment, vaults, facts.live);
    if (!target) return [];
    return keyItems(facts.keysUsed(uri, target.id), target.secretPath?.value ?? target.secretName?.value ?? 'the secret', input.rangeFrom(argumentStart + dot + 1), liveKeys(target, attachment, facts));
  }
  const range = input.rangeFrom(argumentStart);
  const items: CompletionItem[] = [];
  if (attachments.length === 1) {
    const target = targetOfAttachment(attachments[0]!, vaults, facts.live);
    if (target) items.push(...keyItems(facts.keysUsed(uri, target.id), target.secretPath?.value ?? target.secretName?.value ?? 'the secret', range, liveKeys(target, attachments[0], facts)));
  } else {
    for (const attachment of attachments) {
      if (!attachment.alias) continue;
      items.push({
        label: `${attachment.alias.value}.`,
        kind: CompletionItemKind.Variable,
        detail: `${attachment.vault?.value ?? '?'}: ${attachment.path?.value ?? attachment.secret?.value ?? ''}`,
        textEdit: { range, newText: `${attachment.alias.value}.` },
        command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
        sortText: `0${attachment.alias.value}`,
      });
    }
  }
  for (const item of vaultItems(vaults, range)) {
    items.push({ ...item, label: `${item.label}:`, textEdit: { range, newText: `${item.label}:` }, sortText: `2${item.label}`, detail: `inline form · ${item.detail ?? ''}` });
  }
  return items;
}

function inlineItems(input: ReferenceCompletionInput, colon: number): CompletionItem[] {
  const { argument, argumentStart, vaults, facts, uri } = input;
  const vault = lookupVault(vaults, argument.slice(0, colon));
  const path = argument.slice(colon + 1);
  const pathStart = argumentStart + colon + 1;
  const dot = path.lastIndexOf('.');
  if (dot !== -1) {
    const id = `${argument.slice(0, colon)}|${path.slice(0, dot).replace(/^\/+/, '')}`;
    const pathValue = { value: path.slice(0, dot), span: { start: pathStart, end: pathStart + dot } };
    const target = targetOfInline({ vault: { value: argument.slice(0, colon), span: { start: argumentStart, end: argumentStart + colon } }, path: pathValue, key: { value: '', span: { start: 0, end: 0 } } }, vaults, facts.live);
    return keyItems(facts.keysUsed(uri, id), path.slice(0, dot), input.rangeFrom(pathStart + dot + 1), liveKeys(target, undefined, facts));
  }
  if (vault?.provider !== 'hashicorp' || !vault.engines) return [];
  const engine = [...vault.engines].sort((a, b) => b.path.length - a.path.length).find((e) => path.startsWith(`${e.path}/`));
  if (!engine) {
    return vault.engines.map((e) => ({
      label: `${e.path}/`,
      kind: CompletionItemKind.Folder,
      detail: e.kvVersion ? `KV v${e.kvVersion} engine` : 'engine',
      textEdit: { range: input.rangeFrom(pathStart), newText: `${e.path}/${e.kvVersion === 2 ? 'data/' : ''}` },
    }));
  }
  const rest = path.slice(engine.path.length + 1);
  if (engine.kvVersion === 2 && 'data/'.startsWith(rest)) {
    return [dataPrefixItem(input.rangeFrom(pathStart + engine.path.length + 1))];
  }
  return [];
}

export function dataPrefixItem(range: Range): CompletionItem {
  return {
    label: 'data/',
    kind: CompletionItemKind.Folder,
    detail: 'KV v2: secrets are read under data/',
    sortText: '0',
    textEdit: { range, newText: 'data/' },
    insertTextFormat: InsertTextFormat.PlainText,
  };
}
