import type { Hover, Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../documentAnalysis';
import type { WorkspaceFacts } from '../facts/facts';
import { formatOf } from '../formats/registry';
import { hoverFor } from './hover';
import { locate } from './locate';

/**
 * The hover at `position` of a format's document: on a key read (spanning it, with the Preview
 * link when the client offers it and the vault is live), a use, or a vault name.
 */
export function hoverAt(document: TextDocument, analysis: DocumentAnalysis, position: Position, facts: WorkspaceFacts, previewCommand: boolean): Hover | null {
  if (analysis.kind === 'vault-config') return null;
  const vaults = facts.vaults(document.uri);
  const found = locate(analysis.format, document.offsetAt(position), vaults, facts.live);
  if (!found) return null;
  const format = formatOf(analysis.kind);
  const documentLines = format.hoverLines && analysis.format ? format.hoverLines(analysis.format) : [];
  const hover = hoverFor(found, (name) => (vaults.byName.get(name)?.length ?? 0) > 0, facts.live, format.labels, documentLines);
  if (hover && found.kind === 'read') {
    const span = found.resolved.read.span;
    hover.range = { start: document.positionAt(span.start), end: document.positionAt(span.end) };
    if (previewCommand && found.resolved.target?.vault && facts.live?.access(found.resolved.target.vault) === 'live') {
      (hover.contents as { value: string }).value += `\n\n${previewLink(document.uri, position)}`;
    }
  }
  return hover;
}

/**
 * The one command link a hover carries: Preview Secret Value for this position. Every character
 * of the argument outside [A-Za-z0-9-_.~] is percent-encoded (parentheses and quotes included),
 * so no URI can end the link destination or its title; the client checks the argument again.
 */
export function previewLink(uri: string, position: Position): string {
  const json = JSON.stringify([{ uri, line: position.line, character: position.character }]);
  const args = encodeURIComponent(json).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[Preview value…](command:secretRefs.previewSecret?${args} "Asks for confirmation, then shows the value")`;
}
