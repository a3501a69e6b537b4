import { CompletionItemKind, type CompletionItem, type Range } from 'vscode-languageserver-types';
import type { FieldSpec } from '../model/fieldSpecs';
import type { Provider } from '../model/types';

/** Field names of a mapping, minus those already present, for the provider when it is known. */
export function fieldNameItems(specs: Record<string, FieldSpec>, provider: Provider | undefined, present: ReadonlySet<string>, range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    if (present.has(name)) continue;
    if (spec.providers && provider && !spec.providers.includes(provider)) continue;
    items.push({
      label: name,
      kind: CompletionItemKind.Field,
      detail: spec.required ? 'required' : spec.providers ? spec.providers.join(', ') : undefined,
      documentation: spec.doc,
      sortText: `${spec.required ? '0' : '1'}${name}`,
      textEdit: { range, newText: `${name}: ` },
    });
  }
  return items;
}

/** The allowed values of an enum or boolean field. */
export function fieldValueItems(spec: FieldSpec | undefined, range: Range): CompletionItem[] {
  if (!spec) return [];
  const values = spec.type === 'boolean' ? ['true', 'false'] : spec.type === 'enum' ? (spec.values ?? []) : [];
  return values.map((value, i) => ({
    label: value,
    kind: CompletionItemKind.EnumMember,
    sortText: String(i).padStart(3, '0'),
    textEdit: { range, newText: value },
  }));
}
