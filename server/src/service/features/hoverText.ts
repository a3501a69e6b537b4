import { codeSpan, escapeMarkdown } from '../../../../shared/src/text/markdown';

/** A name, path or key from a file or a server, as a code span nothing inside can end early. */
export function code(text: string): string {
  return codeSpan(text, 200);
}

/**
 * Prose from a file or a server (a description, an owner, times, tags, an error text), as Markdown
 * text: a hostile file or server must not put a link, an image or HTML in a hover.
 */
export function escaped(value: unknown, max = 200): string {
  return escapeMarkdown(String(value), max);
}
