/**
 * Markdown as a CommonMark parser sees it (markdown-it, present through @vscode/vsce), with HTML
 * and bare-URL linkification on, so a test can ask what a hover would render: links, images,
 * HTML, code spans, blocks.
 */
interface Token {
  type: string;
  tag: string;
  content: string;
  attrs: [string, string][] | null;
  children: Token[] | null;
}

interface MarkdownIt {
  parse(src: string, env: object): Token[];
}

// markdown-it ships no types; only the parts used here are declared above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownItClass = require('markdown-it') as new (options: object) => MarkdownIt;
const parser = new MarkdownItClass({ html: true, linkify: true });

export interface MarkdownShape {
  /** Block token types, in order (`bullet_list_open`, `paragraph_open`, `inline`, ...). */
  blocks: string[];
  /** Inline token types of every inline block, in order. */
  inline: Token[];
  /** Every link or image target, and every link that linkify would make. */
  targets: string[];
  /** Inline and block HTML. */
  html: string[];
}

export function markdownShape(markdown: string): MarkdownShape {
  const tokens = parser.parse(markdown, {});
  const inline: Token[] = [];
  const targets: string[] = [];
  const html: string[] = [];
  for (const t of tokens) {
    if (t.type === 'html_block') html.push(t.content);
    for (const c of t.children ?? []) {
      // markdown-it leaves empty text tokens around delimiters; they say nothing.
      if (c.type !== 'text' || c.content !== '') inline.push(c);
      if (c.type === 'html_inline') html.push(c.content);
      if (c.type === 'link_open' || c.type === 'image') {
        const target = c.attrs?.find(([k]) => k === 'href' || k === 'src')?.[1];
        targets.push(target ?? '');
      }
    }
  }
  return { blocks: tokens.map((t) => t.type), inline, targets, html };
}

/** Inline token types that mean the text became something other than text. */
export const nonTextInline = new Set(['link_open', 'link_close', 'image', 'html_inline', 'code_inline', 'em_open', 's_open', 'strong_open', 'hardbreak', 'softbreak']);
