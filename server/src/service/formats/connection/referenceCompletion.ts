import { CompletionItemKind, type CompletionItem, type Range } from 'vscode-languageserver-types';
import { dataPrefixItem, keyItems, liveKeys } from '../../completion/secretItems';
import { vaultItems } from '../../completion/vaultItems';
import type { VaultSet, WorkspaceFacts } from '../../facts/facts';
import { lookupVault, targetOf } from '../../references/resolve';
import { attachmentUse, inlineUse } from './facts';
import type { ConnectionModel } from './types';

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

/** Completion inside `vault.secret(`: aliases, keys used elsewhere, and the inline form's parts. */
export function referenceItems(input: ReferenceCompletionInput): CompletionItem[] {
  const { argument, argumentStart, connection, vaults, facts, uri } = input;
  const colon = argument.indexOf(':');
  if (colon !== -1) return inlineItems(input, colon);
  const attachments = connection?.attachments ?? [];
  const dot = argument.indexOf('.');
  if (dot !== -1) {
    const attachment = attachments.find((a) => a.alias?.value === argument.slice(0, dot));
    const use = attachment && attachmentUse(attachment);
    const target = use && targetOf(use, vaults, facts.live);
    if (!target) return [];
    return keyItems(facts.keysUsed(uri, target.id), target.secretPath?.value ?? target.secretName?.value ?? 'the secret', input.rangeFrom(argumentStart + dot + 1), liveKeys(target, use, facts));
  }
  const range = input.rangeFrom(argumentStart);
  const items: CompletionItem[] = [];
  if (attachments.length === 1) {
    const use = attachmentUse(attachments[0]!);
    const target = targetOf(use, vaults, facts.live);
    if (target) items.push(...keyItems(facts.keysUsed(uri, target.id), target.secretPath?.value ?? target.secretName?.value ?? 'the secret', range, liveKeys(target, use, facts)));
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
    const vaultName = { value: argument.slice(0, colon), span: { start: argumentStart, end: argumentStart + colon } };
    const use = inlineUse({ start: argumentStart, end: pathStart + dot }, vaultName, pathValue);
    return keyItems(facts.keysUsed(uri, id), path.slice(0, dot), input.rangeFrom(pathStart + dot + 1), liveKeys(targetOf(use, vaults, facts.live), undefined, facts));
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
