import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TestWorkspace } from '../helpers/workspace';

describe('bad input', () => {
  it('reports YAML nested 10,000 deep as yaml-syntax instead of overflowing the stack', () => {
    const ws = new TestWorkspace();
    for (const text of [`a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, `a:\n  ${'- '.repeat(10_000)}x\n`]) {
      const diagnostics = ws.validate('c.connection.yaml', text);
      assert.deepEqual(diagnostics.map((d) => d.code), ['yaml-syntax']);
      assert.match(diagnostics[0]!.message, /nested too deeply/);
    }
  });

  it('reports binary content as unreadable-file', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.codes('c.connection.yaml', 'name: c\u0000\u0001\u0002'), ['unreadable-file']);
  });

  it('reports a file over the size limit without parsing it', () => {
    const ws = new TestWorkspace();
    const text = `name: c\nvalue: "${'x'.repeat(3 * 1024 * 1024)}"\n`;
    assert.deepEqual(ws.codes('c.connection.yaml', text), ['file-too-large']);
  });

  it('handles a 100,000-character reference', () => {
    const ws = new TestWorkspace();
    const diagnostics = ws.validate('c.connection.yaml', `name: c\nvalue: vault.secret(prod:${'a/'.repeat(50_000)}x.k)\n`);
    assert.ok(diagnostics.every((d) => d.message.length < 400));
  });

  it('treats a document that is not a mapping as invalid-config', () => {
    const ws = new TestWorkspace();
    assert.deepEqual(ws.codes('c.connection.yaml', '- just\n- a list\n'), ['invalid-config']);
    assert.deepEqual(ws.codes('v.vault.yaml', 'plain text\n'), ['invalid-config']);
    assert.deepEqual(ws.codes('e.connection.yaml', ''), ['invalid-config']);
  });

  it('survives every prefix of a real file (what a user types)', () => {
    const ws = new TestWorkspace();
    const text = 'name: c\nvault_secrets:\n  - vault: prod\n    alias: db\n    engine: secret\n    path: data/x\n    version: 2\nvalue:\n  url: "jdbc:vault.secret(db.user)@h"\n  p: vault.secret(prod:secret/data/y.k)\n';
    for (let i = 0; i <= text.length; i++) {
      const prefix = text.slice(0, i);
      ws.validate('c.connection.yaml', prefix);
      const position = ws.doc('c.connection.yaml').positionAt(i);
      ws.service.complete(ws.doc('c.connection.yaml'), 'connection', position, ws.index);
      ws.service.hover(ws.doc('c.connection.yaml'), 'connection', position, ws.index);
    }
  });
});
