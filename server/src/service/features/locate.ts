import type { VaultSet } from '../facts/vaults';
import type { LiveFacts } from '../facts/liveFacts';
import type { FormatAnalysis, SecretUse } from '../formats/facts';
import type { Located, Span } from '../model/types';
import { targetOf, type ResolvedRead, type SecretTarget } from '../references/resolve';
import { linkSpan } from '../references/vaultLink';

export type LocatedItem =
  | { kind: 'read'; resolved: ResolvedRead }
  | { kind: 'vault-name'; name: Located<string>; target: SecretTarget | undefined }
  | { kind: 'use'; use: SecretUse; target: SecretTarget | undefined };

function within(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

/** The link of a use as a name where it is written (the text of the document at the link). */
function writtenLink(use: SecretUse, target: SecretTarget | undefined, offset: number): Located<string> | undefined {
  const link = use.vault;
  if (!link || !within(linkSpan(link), offset)) return undefined;
  if (link.by === 'name') return link.name;
  if (link.by === 'address') return link.address;
  return target?.vaultName;
}

/**
 * What stands at `offset` of a format's document: a key read (or, inside it, the vault it names),
 * a use's vault, or a use. Reads come first: an inline use lies inside its read.
 */
export function locate(analysis: FormatAnalysis | undefined, offset: number, vaults: VaultSet, live?: LiveFacts): LocatedItem | undefined {
  if (!analysis) return undefined;
  for (const read of analysis.reads) {
    if (!within(read.span, offset)) continue;
    const use = read.use === undefined ? undefined : analysis.uses[read.use];
    const target = use && targetOf(use, vaults, live);
    const name = use?.form === 'inline' ? writtenLink(use, target, offset) : undefined;
    if (name) return { kind: 'vault-name', name, target };
    return { kind: 'read', resolved: { read, use, target } };
  }
  for (const use of analysis.uses) {
    if (use.form === 'inline' || !within(use.span, offset)) continue;
    const target = targetOf(use, vaults, live);
    const name = writtenLink(use, target, offset);
    if (name) return { kind: 'vault-name', name, target };
    return { kind: 'use', use, target };
  }
  return undefined;
}
