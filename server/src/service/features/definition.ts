import type { Location } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LocatedItem } from './locate';

/** A vault name goes to its configuration; `vault.secret(KEY)` goes to the attached secret it reads. */
export function definitionFor(document: TextDocument, located: LocatedItem): Location[] {
  if (located.kind === 'vault-name') {
    const vault = located.target?.vault;
    return vault ? [{ uri: vault.uri, range: vault.nameRange }] : [];
  }
  if (located.kind === 'reference') {
    const attachment = located.resolved.attachment;
    if (attachment) {
      return [{ uri: document.uri, range: { start: document.positionAt(attachment.span.start), end: document.positionAt(attachment.span.end) } }];
    }
    const vault = located.resolved.target?.vault;
    return vault ? [{ uri: vault.uri, range: vault.nameRange }] : [];
  }
  return [];
}
