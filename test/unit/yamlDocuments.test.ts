import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseYaml } from '../../server/src/service/yaml/parseYaml';
import { syntaxMessage } from '../../server/src/service/yaml/syntaxMessages';
import { TestWorkspace, prodVault } from '../helpers/workspace';

const twoConnections = `name: a
vault_secrets:
  - { vault: prod, engine: secret, path: data/app }
value:
  password: vault.secret(password)
---
name: b
value: {}
`;

describe('several YAML documents in one file', () => {
  it('a connection file with two documents: invalid-config at the second `---`, in the product\'s words', () => {
    const ws = new TestWorkspace({ 'prod.vault.yaml': prodVault });
    const diagnostics = ws.validate('two.connection.yaml', twoConnections);
    assert.deepEqual(diagnostics.map((d) => d.code), ['invalid-config']);
    const d = diagnostics[0]!;
    assert.deepEqual(d.range, { start: { line: 5, character: 0 }, end: { line: 5, character: 3 } });
    assert.equal(d.message, 'A connection file holds one connection: this second YAML document (after `---`) is not checked. Move each to a file of its own.');
    assert.doesNotMatch(d.message, /parseAllDocuments|Source contains/);
  });

  it('the first document is still checked as before', () => {
    const ws = new TestWorkspace({ 'prod.vault.yaml': prodVault });
    const text = twoConnections.replace('data/app', 'app');
    assert.deepEqual(ws.codes('two.connection.yaml', text).sort(), ['invalid-config', 'kv2-missing-data-prefix']);
  });

  it('a vault configuration with three documents: one diagnostic counting the rest', () => {
    const ws = new TestWorkspace({});
    const text = `${prodVault}---\nname: b\nprovider: local\n---\nname: c\nprovider: local\n`;
    const diagnostics = ws.validate('many.vault.yaml', text);
    assert.deepEqual(diagnostics.map((d) => d.code), ['invalid-config']);
    assert.match(diagnostics[0]!.message, /^A vault configuration file holds one vault configuration: the 2 YAML documents from here on/);
    assert.equal(diagnostics[0]!.range.start.line, prodVault.split('\n').length - 1);
  });

  it('a leading `---`, a trailing `---` with nothing after it, and `...` end markers are one document', () => {
    const ws = new TestWorkspace({ 'prod.vault.yaml': prodVault });
    assert.deepEqual(ws.codes('a.connection.yaml', '---\nname: a\nvalue: {}\n'), []);
    assert.deepEqual(ws.codes('b.connection.yaml', 'name: b\nvalue: {}\n---\n'), []);
    assert.deepEqual(ws.codes('c.connection.yaml', 'name: c\nvalue: {}\n...\n'), []);
    assert.deepEqual(ws.codes('d.connection.yaml', 'name: d\nvalue: {}\n---\n# only a comment\n'), []);
  });

  it('syntax errors and duplicate keys in a later document are reported where they are', () => {
    const ws = new TestWorkspace({});
    const diagnostics = ws.validate('e.connection.yaml', 'name: e\nvalue: {}\n---\nname: f\nname: g\n');
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]).sort(), [['invalid-config', 2], ['yaml-syntax', 4]]);
  });

  it('an empty file and a file of comments parse as one empty document', () => {
    for (const text of ['', '# nothing\n', '\n\n']) {
      const parsed = parseYaml(text);
      assert.equal(parsed.documents.length, 1);
      assert.equal(parsed.fatal, undefined);
      assert.deepEqual(parsed.syntaxErrors, []);
    }
  });
});

describe('YAML syntax errors speak the product\'s words', () => {
  const cases: [string, string, RegExp][] = [
    ['tab indentation', 'name: a\nvalue:\n\tkey: 1\n', /YAML allows only spaces/],
    ['an unclosed flow list', 'name: a\nprovider: [hashicorp\n', /A `\[` list is not closed/],
    ['an unclosed flow map', 'name: a\nvalue: {a: 1\n', /A `\{` mapping is not closed/],
    ['an unclosed single quote', "name: 'a\n", /single-quoted string is not closed/],
    ['a misaligned mapping item', 'name: a\nvalue:\n  b: 1\n c: 2\n', /indentation here does not fit/],
    ['a compact nested mapping', 'name: a: b\n', /cannot start on the same line as its key/],
    ['an unclosed double quote', 'name: "a\n', /double-quoted string is not closed/],
    ['a reserved first character', 'name: @a\n', /cannot start with `@`/],
    ['two anchors', 'name: &x &y a\n', /only one anchor/],
    ['a bad escape', 'name: "a\\qb"\n', /escape YAML does not know/],
  ];
  for (const [what, text, expected] of cases) {
    it(what, () => {
      const parsed = parseYaml(text);
      assert.ok(parsed.syntaxErrors.length > 0, 'a syntax error is found');
      for (const error of parsed.syntaxErrors) {
        const library = parseAllDocuments(text, { prettyErrors: false }).flatMap((d) => (Array.isArray(d.errors) ? d.errors.map((e) => e.message) : []));
        for (const message of library) assert.ok(!error.message.includes(message), `the library's text "${message}" reached the user`);
      }
      assert.match(parsed.syntaxErrors.map((e) => e.message).join('\n'), expected);
    });
  }

  it('every code of the library has a message of its own, and an unknown code a general one', () => {
    const codes = ['ALIAS_PROPS', 'BAD_ALIAS', 'BAD_DIRECTIVE', 'BAD_DQ_ESCAPE', 'BAD_INDENT', 'BAD_PROP_ORDER', 'BAD_SCALAR_START', 'BLOCK_AS_IMPLICIT_KEY', 'BLOCK_IN_FLOW', 'DUPLICATE_KEY', 'IMPOSSIBLE', 'KEY_OVER_1024_CHARS', 'MISSING_CHAR', 'MULTILINE_IMPLICIT_KEY', 'MULTIPLE_ANCHORS', 'MULTIPLE_DOCS', 'MULTIPLE_TAGS', 'NON_STRING_KEY', 'TAB_AS_INDENT', 'TAG_RESOLVE_FAILED', 'UNEXPECTED_TOKEN', 'BAD_COLLECTION_TYPE'];
    const messages = codes.map((c) => syntaxMessage(c, 'x', 0));
    assert.equal(new Set(messages).size, codes.length);
    assert.equal(syntaxMessage('SOMETHING_NEW', 'x', 0), 'The YAML here is not valid.');
  });
});
