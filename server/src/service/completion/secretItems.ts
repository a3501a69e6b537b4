import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Range } from 'vscode-languageserver-types';
import { describeCut, listingCut } from '../../../../shared/src/listing';
import type { WorkspaceFacts } from '../facts/facts';
import type { Live } from '../facts/liveFacts';
import type { VaultFact } from '../facts/vaults';
import type { SecretUse } from '../formats/facts';
import { secretLocator } from '../references/locator';
import type { SecretTarget } from '../references/resolve';

/**
 * Completion items for the parts of a secret's name, whatever the format's syntax: a format's
 * `complete` decides where the cursor stands and calls these. (Vault names: `vaultItems.ts`.)
 */

/** Engines of a HashiCorp vault: those it declares, and with live access the KV engines mounted. */
export function engineItems(vault: VaultFact | undefined, facts: WorkspaceFacts, prefix: string, range: Range): CompletionItem[] {
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

/**
 * Secret paths inside the target's engine, level by level from the secret manager: KV v2 lists
 * under metadata/ and, where the format's `data/` rule requires it, inserts under data/; KV v1
 * lists the engine itself. Offline, only `data/` on a KV v2 engine.
 */
export function pathItems(target: SecretTarget | undefined, prefix: string, range: Range, facts: WorkspaceFacts): CompletionItem[] {
  const version = target?.engineFact?.kvVersion;
  if (!target?.engine || !version) return [];
  const items: CompletionItem[] = [];
  const withData = version === 2 && target.use.dataRule === 'required';
  if (withData && !prefix.startsWith('data/')) {
    if ('data/'.startsWith(prefix)) items.push(dataPrefixItem(range));
    if (prefix !== '') return items;
  }
  const lead = withData ? 'data/' : '';
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

/** The readable versions of the target's secret (live), newest first. */
export function versionItems(target: SecretTarget | undefined, facts: WorkspaceFacts, range: Range): CompletionItem[] {
  const locator = target && secretLocator(target);
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

/** AWS staging labels: the three AWS ones, and those the target's secret carries (live). */
export function stageItems(target: SecretTarget | undefined, facts: WorkspaceFacts, range: Range): CompletionItem[] {
  const labels = new Set(['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING']);
  const locator = target && secretLocator(target);
  const fact = target?.vault && locator ? facts.live?.secret(target.vault, locator) : undefined;
  for (const v of fact?.state === 'ok' ? (fact.value.metadata?.versions ?? []) : []) for (const stage of v.stages ?? []) labels.add(stage);
  return [...labels].map((label, i) => ({ label, kind: CompletionItemKind.EnumMember, sortText: String(i).padStart(3, '0'), textEdit: { range, newText: label } }));
}

/** The secret names of a cloud or local vault (live), and a last item when the listing was cut. */
export function secretNameItems(vault: VaultFact, facts: WorkspaceFacts, prefix: string, range: Range): CompletionItem[] {
  const listing = facts.live?.list(vault, undefined, '');
  const names = listing?.state === 'ok' ? listing.value : [];
  const items: CompletionItem[] = names.map((name) => ({ label: name, kind: CompletionItemKind.File, detail: `secret in ${vault.name}`, textEdit: { range, newText: name } }));
  if (names.cut) items.push(listingCutItem(names.cut.message, vault.name, prefix, range));
  return items;
}

/** The key names the secret manager reports for the version a use reads (never values), when known. */
export function liveKeys(target: SecretTarget | undefined, use: SecretUse | undefined, facts: WorkspaceFacts): readonly string[] {
  const live = facts.live;
  if (!target?.vault || !live) return [];
  const locator = secretLocator(target, use);
  const fact = locator ? live.secret(target.vault, locator) : undefined;
  return fact?.state === 'ok' ? (fact.value.keys ?? []) : [];
}

/** Keys of a secret: from the secret manager and used elsewhere in the workspace, then `*`. */
export function keyItems(keys: readonly string[], secret: string, range: Range, fromServer: readonly string[] = []): CompletionItem[] {
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
