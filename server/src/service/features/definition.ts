import type { Location } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LocatedItem } from './locate';

/**
 * A vault name goes to its configuration; a key read goes to the use it reads when that use is
 * named apart (`vault.secret(KEY)` to its attached secret), else to the use's vault configuration.
 */
export function definitionFor(document: TextDocument, located: LocatedItem): Location[] {
  if (located.kind === 'vault-name') {
    const vault = located.target?.vault;
    return vault ? [{ uri: vault.uri, range: vault.nameRange }] : [];
  }
  if (located.kind === 'read') {
    const use = located.resolved.use;
    if (use?.form === 'apart') {
      return [{ uri: document.uri, range: { start: document.positionAt(use.span.start), end: document.positionAt(use.span.end) } }];
    }
    const vault = located.resolved.target?.vault;
    return vault ? [{ uri: vault.uri, range: vault.nameRange }] : [];
  }
  return [];
}
