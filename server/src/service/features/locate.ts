import type { VaultSet } from '../facts/facts';
import type { LiveFacts } from '../facts/liveFacts';
import type { Attachment, DocumentAnalysis, Located } from '../model/types';
import { resolveReference, targetOfAttachment, type ResolvedReference, type SecretTarget } from '../references/resolve';

export type LocatedItem =
  | { kind: 'reference'; resolved: ResolvedReference }
  | { kind: 'vault-name'; name: Located<string>; target: SecretTarget | undefined }
  | { kind: 'attachment'; attachment: Attachment; target: SecretTarget | undefined };

function within(span: { start: number; end: number }, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

/** What stands at `offset` of a connection: a reference, an attachment's vault name, or an attachment field. */
export function locate(analysis: DocumentAnalysis, offset: number, vaults: VaultSet, live?: LiveFacts): LocatedItem | undefined {
  const connection = analysis.connection;
  if (!connection) return undefined;
  for (const reference of connection.references) {
    if (!within(reference.span, offset)) continue;
    const resolved = resolveReference(reference, connection, vaults, live);
    if (reference.inline && within(reference.inline.vault.span, offset)) {
      return { kind: 'vault-name', name: reference.inline.vault, target: resolved.target };
    }
    return { kind: 'reference', resolved };
  }
  for (const attachment of connection.attachments) {
    if (!within(attachment.span, offset)) continue;
    const target = targetOfAttachment(attachment, vaults, live);
    if (attachment.vault && within(attachment.vault.span, offset)) return { kind: 'vault-name', name: attachment.vault, target };
    return { kind: 'attachment', attachment, target };
  }
  return undefined;
}
