import type { CompletionItem, Range } from 'vscode-languageserver-types';
import type { DocumentAnalysis } from '../documentAnalysis';
import { engineFields, vaultConfigFields } from '../model/fieldSpecs';
import { fieldNameItems, fieldValueItems } from './fieldCompletion';
import { prefixRange, type LineContext } from './lineContext';

/** Field names and values of a vault configuration and of its engine declarations. */
export function vaultConfigItems(ctx: LineContext, analysis: DocumentAnalysis, offset: number, rangeFrom: (start: number) => Range): CompletionItem[] {
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
