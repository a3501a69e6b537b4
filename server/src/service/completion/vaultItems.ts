import { CompletionItemKind, type CompletionItem, type Range } from 'vscode-languageserver-types';
import { vaultLocation } from '../../../../shared/src/providers';
import type { VaultSet } from '../facts/facts';

/** One item per vault configuration name, with its provider and address. */
export function vaultItems(vaults: VaultSet, range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const [name, facts] of vaults.byName) {
    const vault = facts[0]!;
    const where = vaultLocation(vault)?.value;
    items.push({
      label: name,
      kind: CompletionItemKind.Module,
      detail: `${vault.provider ?? 'unknown provider'}${where ? ` · ${where}` : ''}${vault.enabled ? '' : ' · disabled'}`,
      documentation: vault.description,
      sortText: `${vault.enabled ? '0' : '1'}${name}`,
      textEdit: { range, newText: name },
    });
  }
  return items;
}
