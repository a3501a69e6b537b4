/**
 * Untrusted text inside Markdown (hovers): it reads as text, never as a link, an image, HTML, a
 * heading, a list, a table or a code span that ends where the text chooses.
 */
import { bound, oneLine, showControls } from './controls';

/**
 * ASCII punctuation that starts or ends Markdown syntax anywhere in a line: emphasis and
 * strikethrough, code, links and images, autolinks (`<`, `:`, `/`, `.`, `@` — also GFM's bare
 * `www.` and `https://` links and linkify's `example.com`), HTML and entities (`<`, `&`), tables,
 * block quotes, theme icons (`$(`) and math. CommonMark lets every ASCII punctuation character be
 * escaped with a backslash, and an escaped character is always a literal.
 */
const active = /[!$&()*./:<>@[\\\]^_`{|}~]/g;

/** Punctuation that means something only at the start of a line: headings, lists, setext underlines. */
const lineStart = /^[#+\-=]/;

/**
 * `text` as one line of Markdown that renders as exactly that text: controls removed, line
 * breaks as spaces, every active character escaped. At most `max` characters of the input.
 */
export function escapeMarkdown(text: string, max = 300): string {
  return oneLine(text, max).replace(active, (c) => `\\${c}`).replace(lineStart, (c) => `\\${c}`);
}

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x60) {
      run++;
      if (run > longest) longest = run;
    } else {
      run = 0;
    }
  }
  return longest;
}

/**
 * `text` as an inline code span that nothing inside can end early: the fence is one backtick
 * longer than any run of backticks inside; line breaks, tabs and other control or format
 * characters are spelled out (`\n`, `\u{202E}`), so no blank line ends the paragraph; a space
 * pads content that starts or ends with a backtick or a space (CommonMark strips one from each
 * side of content that is not all spaces). At most `max` characters of content.
 */
export function codeSpan(text: string, max = 200): string {
  const content = bound(showControls(text, max), max);
  const fence = '`'.repeat(longestBacktickRun(content) + 1);
  // Content of spaces only is kept as it is; an empty span would be two backticks, not a span.
  if (content.trim() === '') return `${fence}${content || ' '}${fence}`;
  const pad = /^[` ]|[` ]$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}
