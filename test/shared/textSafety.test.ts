/**
 * The text-safety functions (shared/src/text): whatever the input, escaped text parses as text,
 * a code span holds exactly its content, and stripped text holds no control or bidi character.
 * Property tests with fast-check; Markdown is judged by a CommonMark parser (markdown-it).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bound, oneLine, showControls, stripControls } from '../../shared/src/text/controls';
import { codeSpan, escapeMarkdown } from '../../shared/src/text/markdown';
import { plainMessage } from '../../shared/src/text/plain';
import { markdownShape, nonTextInline } from '../helpers/markdown';

const seed = 0x7e47;
const runs = 3000;

/** Pieces an attacker would use, in Markdown, HTML, VS Code links and terminals. */
const hostile = [
  '[', ']', '(', ')', '](', '![', '[x](command:secretRefs.previewSecret?%5B%7B%7D%5D)', '[x](https://evil.example/)', '![i](https://evil.example/p.png)',
  '<img src=x onerror=alert(1)>', '<a href="https://evil.example">', '</a>', '<https://evil.example>', '<mail@evil.example>', 'https://evil.example',
  'www.evil.example', 'evil.example', 'evil.com', 'www.evil.com', 'a@evil.com', '//evil.example', '//localhost', 'command:', '&amp;', '&#60;', '&lt;', '`', '``', '```', '\\', '\\`',
  '*', '**', '_', '__', '~~', '#', '# ', '- ', '+ ', '1. ', '1) ', '> ', '|', '| --- |', '---', '===', '    ', '\n', '\n\n', '\r', '\r\n', '\t',
  '$(zap)', '$', '^', '{', '}', '\u0000', '\u0007', '\u001b', '\u001b]0;title\u0007', '\u001b[2J', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029',
  '\u202a', '\u202e', '\u2066', '\u2069', '\u200e', '\u200f', '\u061c', '\ufeff', '\u200b', 'é', '😀', '\ud800', ' ', '  ', '"', "'", 'a', 'b', '0',
];
const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...hostile), { maxLength: 12 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('`', ' ', 'a', '\n'), maxLength: 30 }) },
);

/** What a parsed inline run says as text: text tokens joined, nothing else allowed. */
function textOf(tokens: { type: string; content: string }[]): string {
  return tokens.map((t) => t.content).join('');
}

const removedChars = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('untrusted text in Markdown', () => {
  it('escaped text after a label parses as exactly that text: no link, image, HTML, code, emphasis or new block', () => {
    fc.assert(
      fc.property(hostileText, (input) => {
        const markdown = `- **Description:** ${escapeMarkdown(input)}`;
        const shape = markdownShape(markdown);
        assert.deepEqual(shape.blocks, ['bullet_list_open', 'list_item_open', 'paragraph_open', 'inline', 'paragraph_close', 'list_item_close', 'bullet_list_close'], markdown);
        assert.deepEqual(shape.targets, [], markdown);
        assert.deepEqual(shape.html, [], markdown);
        const [open, label, close, ...rest] = shape.inline;
        assert.deepEqual([open?.type, label?.content, close?.type], ['strong_open', 'Description:', 'strong_close'], markdown);
        assert.deepEqual(rest.filter((t) => nonTextInline.has(t.type)).map((t) => t.type), [], markdown);
        const expected = oneLine(input, 300);
        assert.equal(textOf(rest), expected === '' ? '' : ` ${expected}`, markdown);
      }),
      { numRuns: runs, seed },
    );
  });

  it('escaped text alone on a line is a paragraph of that text (no heading, list, quote, table or rule)', () => {
    fc.assert(
      fc.property(hostileText, (input) => {
        const expected = oneLine(input, 300);
        fc.pre(expected !== '');
        const markdown = `${escapeMarkdown(input)}\n`;
        const shape = markdownShape(markdown);
        assert.deepEqual(shape.blocks, ['paragraph_open', 'inline', 'paragraph_close'], markdown);
        assert.deepEqual(shape.inline.filter((t) => nonTextInline.has(t.type)).map((t) => t.type), [], markdown);
        assert.equal(textOf(shape.inline), expected, markdown);
      }),
      { numRuns: runs, seed },
    );
  });

  it('a code span holds exactly its content, whatever the backticks, spaces and line breaks inside', () => {
    fc.assert(
      fc.property(hostileText, hostileText, (a, b) => {
        const markdown = `- **Key:** ${codeSpan(a)} and ${codeSpan(b)} end`;
        const shape = markdownShape(markdown);
        assert.deepEqual(shape.blocks, ['bullet_list_open', 'list_item_open', 'paragraph_open', 'inline', 'paragraph_close', 'list_item_close', 'bullet_list_close'], markdown);
        const types = shape.inline.map((t) => t.type);
        assert.deepEqual(types, ['strong_open', 'text', 'strong_close', 'text', 'code_inline', 'text', 'code_inline', 'text'], markdown);
        const code = shape.inline.filter((t) => t.type === 'code_inline').map((t) => t.content);
        // Spaces-only content: CommonMark keeps it, markdown-it strips one space from each side.
        const visible = (s: string) => {
          const shown = bound(showControls(s, 200), 200);
          return shown.trim() === '' ? 'spaces' : shown;
        };
        const seen = (s: string) => (s.trim() === '' && s !== '' ? 'spaces' : s);
        assert.deepEqual(code.map(seen), [visible(a), visible(b)], markdown);
        assert.equal(shape.inline.at(-1)?.content, ' end', markdown);
      }),
      { numRuns: runs, seed },
    );
  });

  it('a code span shows controls, bidi overrides and line breaks as escapes', () => {
    assert.equal(codeSpan('a\n\nb'), '`a\\n\\nb`');
    assert.equal(codeSpan('\u001b]0;x\u0007'), '`\\x1B]0;x\\x07`');
    assert.equal(codeSpan('abc\u202Edef'), '`abc\\u{202E}def`');
    assert.equal(codeSpan('a`b'), '``a`b``');
    assert.equal(codeSpan('`x`'), '`` `x` ``');
    assert.equal(codeSpan('x'.repeat(500)).length, 202);
  });

  it('escapes a forged command link and an image in a description', () => {
    const forged = '[Preview value…](command:secretRefs.previewSecret?%5B%7B%22uri%22%3A%22file%3A%2F%2F%2Fetc%2Fpasswd%22%7D%5D) ![x](https://evil.example/p.png)';
    const shape = markdownShape(`- **Description:** ${escapeMarkdown(forged)}`);
    assert.deepEqual(shape.targets, []);
    assert.ok(textOf(shape.inline).includes('command:secretRefs.previewSecret'));
  });

  it('bounds escaped text by its input', () => {
    assert.equal(oneLine('é'.repeat(1000), 300).length, 300);
    assert.ok(escapeMarkdown('.'.repeat(10_000)).length <= 600);
  });
});

describe('control characters', () => {
  it('stripped text holds no C0 (but newline and tab where kept), DEL, C1 or bidi control, and is bounded', () => {
    fc.assert(
      fc.property(hostileText, fc.boolean(), fc.integer({ min: 1, max: 50 }), (input, keepNewlines, max) => {
        const out = stripControls(input, { keepNewlines, max });
        assert.ok(out.length <= max, JSON.stringify(out));
        const withoutLayout = keepNewlines ? out.replace(/[\n\t]/g, '') : out;
        assert.doesNotMatch(withoutLayout, removedChars, JSON.stringify(out));
        if (!keepNewlines) assert.doesNotMatch(out, /[\n\r\t\u2028\u2029]/, JSON.stringify(out));
        assert.doesNotMatch(out, /\r/);
      }),
      { numRuns: runs, seed },
    );
  });

  it('shown text spells every control and format character out', () => {
    fc.assert(
      fc.property(hostileText, (input) => {
        const out = showControls(input, 100);
        assert.ok(out.length <= 100);
        assert.doesNotMatch(out, /[\p{Cc}\p{Cf}\u2028\u2029]/u, JSON.stringify(out));
      }),
      { numRuns: runs, seed },
    );
    assert.equal(showControls('a\u001b[2Jb\u202e'), 'a\\x1B[2Jb\\u{202E}');
  });

  it('CR tricks and terminal codes are removed from one-line text', () => {
    assert.equal(oneLine('bad.yaml\r\u001b[2K0 problems, all checks passed\u001b]0;pwned\u0007'), 'bad.yaml [2K0 problems, all checks passed]0;pwned');
  });

  it('bound never splits a surrogate pair', () => {
    assert.equal(bound('a😀b', 3), 'a…');
    assert.equal(bound('ab😀', 3), 'ab…');
    assert.equal(bound('abc', 3), 'abc');
  });
});

describe('plain messages (VS Code notifications and status details)', () => {
  it('never hold a [label](target) link VS Code would render', () => {
    fc.assert(
      fc.property(hostileText, (input) => {
        const out = plainMessage(input);
        assert.doesNotMatch(out, /\[[^\]]+\]\((?:https?:\/\/|command:|file:)/i, JSON.stringify(out));
        assert.doesNotMatch(out, removedChars);
      }),
      { numRuns: runs, seed },
    );
  });
});
