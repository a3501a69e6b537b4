import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanReferences, type ScanResult } from '../../server/src/service/formats/connection/scanReferences';

function scan(text: string): ScanResult {
  const out: ScanResult = { references: [], problems: [] };
  scanReferences(text, 0, text.length, out);
  return out;
}

describe('scanReferences', () => {
  it('finds a simple reference with its spans', () => {
    const { references, problems } = scan('vault.secret(user)');
    assert.equal(problems.length, 0);
    assert.equal(references.length, 1);
    assert.deepEqual(references[0]!.span, { start: 0, end: 18 });
    assert.deepEqual(references[0]!.argument, { value: 'user', span: { start: 13, end: 17 } });
    assert.equal(references[0]!.inline, undefined);
  });

  it('finds several references inside one longer string', () => {
    const text = 'jdbc:oracle:thin:vault.secret(user)/vault.secret(password)@host:1521';
    const { references } = scan(text);
    assert.deepEqual(references.map((r) => r.argument.value), ['user', 'password']);
    assert.equal(text.slice(references[1]!.span.start, references[1]!.span.end), 'vault.secret(password)');
  });

  it('splits the inline form at the first colon and the last dot', () => {
    const { references } = scan('vault.secret(prod:secret/data/app.v1/db.password)');
    const inline = references[0]!.inline!;
    assert.equal(inline.vault.value, 'prod');
    assert.equal(inline.path.value, 'secret/data/app.v1/db');
    assert.equal(inline.key.value, 'password');
  });

  it('ignores text that only mentions vault. without a call', () => {
    assert.deepEqual(scan('https://vault.example.com/v1 myvault.secret(x) a_vault.secret(y)'), { references: [], problems: [] });
  });

  const malformed: [string, RegExp][] = [
    ['vault.secret()', /Empty key/],
    ['vault.secret(user', /Unclosed/],
    ['vault.secret( user )', /no spaces/],
    ['vault.secret("user")', /without quotes/],
    ['vault.secrets(user)', /Unknown function `vault.secrets`/],
    ['vault.get(user)', /Unknown function `vault.get`/],
    ['vault.secret', /between parentheses/],
    ['vault.secret(prod:)', /ends with the key/],
    ['vault.secret(:secret/data/x.k)', /names the vault first/],
    ['vault.secret(prod:secret/data/x.)', /Empty key after/],
    ['vault.secret(db.)', /Empty alias or key/],
  ];
  for (const [text, message] of malformed) {
    it(`reports ${text} as malformed`, () => {
      const { references, problems } = scan(text);
      assert.equal(references.length, 0);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.code, 'malformed-reference');
      assert.match(problems[0]!.message, message);
    });
  }

  it('stops an unclosed reference at the end of its line', () => {
    const text = 'a vault.secret(user\nvault.secret(ok)';
    const { references, problems } = scan(text);
    assert.deepEqual(problems[0]!.span, { start: 2, end: 19 });
    assert.deepEqual(references.map((r) => r.argument.value), ['ok']);
  });

  it('scans a 100,000-character reference in linear time and keeps messages short', () => {
    const text = `vault.secret(${'k'.repeat(100_000)} )`;
    const { problems } = scan(text);
    assert.equal(problems.length, 1);
    assert.ok(problems[0]!.message.length < 200);
  });
});
