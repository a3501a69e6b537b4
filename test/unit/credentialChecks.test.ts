import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { defaultSettings } from '../../shared/src/settings';
import type { SecretScanFinding } from '../../server/src/service/facts/facts';
import { createLanguageService } from '../../server/src/service/languageService';
import { TestWorkspace } from '../helpers/workspace';

const now = Date.parse('2026-11-26T12:00:00Z');

function check(text: string, scan: SecretScanFinding[] = [], hardcoded = defaultSettings.hardcodedCredentials): string[] {
  const ws = new TestWorkspace();
  const doc = ws.set('c.connection.yaml', text);
  const service = createLanguageService({ settings: { ...defaultSettings, hardcodedCredentials: hardcoded }, now: () => now });
  const facts = { vaults: (u: string) => ws.index.vaults(u), keysUsed: () => [], secretScan: () => scan };
  return service.validate(doc, 'connection', facts).map((d) => `${String(d.code)}@${d.range.start.line}: ${d.message}`);
}

describe('connection credentials', () => {
  it('requires the fields of each auth kind under value', () => {
    const out = check('name: c\nauth: oauth2\nvalue:\n  client_id: app\n  token_url: https://login.example.com\n');
    assert.equal(out.length, 1);
    assert.match(out[0]!, /^missing-credential-field@1: `auth: oauth2` needs `client_secret`/);
    assert.deepEqual(check('name: c\nauth: api_key\nvalue:\n  key: vault.secret(prod:secret/data/api.key)\n'), []);
    assert.match(check('name: c\nauth: saml\n')[0]!, /invalid-config@1: `auth` must be one of basic, api_key, aws, oauth2/);
  });

  it('reports expired and expiring credentials with the owner', () => {
    assert.match(check('name: c\nowner: dba\nexpires: 2026-11-01\n')[0]!, /^credential-expired@2: .*expired on 2026-11-01\. Ask dba to renew them\./);
    assert.match(check('name: c\nexpires: 2026-12-01\n')[0]!, /^credential-expiring@1: .*in 5 days/);
    assert.deepEqual(check('name: c\nexpires: 2027-06-01\n'), []);
    assert.match(check('name: c\nexpires: next week\n')[0]!, /invalid-config@1: `expires` must be a date/);
  });

  it('reports literals in credential-named fields, never their value', () => {
    const out = check('name: c\nvalue:\n  db_password: hunter2-CANARY\n  api_key: "k-CANARY"\n  user: admin\n');
    assert.deepEqual(out.map((o) => o.split(':')[0]), ['hardcoded-credential@2', 'hardcoded-credential@3']);
    assert.ok(out.every((o) => !o.includes('CANARY')));
  });

  it('matches credential names as the whole key or its last part only', () => {
    assert.deepEqual(check('name: c\nvalue:\n  token_url: https://x\n  password_policy: strict\n  github-token: abc\n').map((o) => o.split(':')[0]), ['hardcoded-credential@4']);
  });

  it('skips references, template syntax and empty values', () => {
    const text = 'name: c\nvalue:\n  a_password: vault.secret(prod:secret/data/x.p)\n  b_password: ${DB_PASSWORD}\n  c_password: "{{ .Values.pw }}"\n  d_password: ${{ secrets.PW }}\n  e_password: ""\n  f_password: $PW\n';
    assert.deepEqual(check(text), []);
  });

  it('reports secretlint findings outside references, and can switch rules off', () => {
    const text = 'name: c\nvalue:\n  note: token ghp_abc in here\n';
    const start = text.indexOf('ghp_abc');
    const scan = [{ start, end: start + 7, ruleId: '@secretlint/secretlint-rule-github', kind: 'github token', text: 'ghp_abc' }];
    assert.deepEqual(check(text, scan).map((o) => o.split(':')[0]), ['hardcoded-credential@2']);
    assert.deepEqual(check(text, scan, { ...defaultSettings.hardcodedCredentials, disabledRules: ['@secretlint/secretlint-rule-github'] }), []);
    assert.deepEqual(check(text, scan, { ...defaultSettings.hardcodedCredentials, enabled: false }), []);
    assert.deepEqual(check('name: c\nvalue:\n  x_token: abc\n', [], { ...defaultSettings.hardcodedCredentials, disabledRules: ['credential-field'] }), []);
  });
});

describe('scanning many documents in one secretlint run', () => {
  it('maps each finding back to its document, with the same offsets as a scan of that document alone', async () => {
    const { scanForSecrets, scanManyForSecrets } = await import('../../server/src/secretScan/index');
    const token = ['ghp', '_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'].join('');
    const docs = [
      { key: 'a', text: 'name: a\nvalue:\n  x: 1\n' },
      { key: 'b', text: `name: b\nvalue:\n  note: token ${token} here\n` },
      { key: 'c', text: 'name: c\n' },
      { key: 'd', text: `value: ${token}\n` },
    ];
    const many = await scanManyForSecrets(docs);
    for (const doc of docs) {
      const alone = (await scanForSecrets(`${doc.key}.yaml`, doc.text)).map((f) => [f.start, f.end, f.ruleId]);
      assert.deepEqual(many.get(doc.key)!.map((f) => [f.start, f.end, f.ruleId]), alone, doc.key);
    }
    assert.equal(many.get('b')!.length, 1);
    assert.equal(many.get('a')!.length, 0);
  });
});

describe('the text given to secretlint', () => {
  it('leaves out lines that hold only a reference, a number or a boolean, and maps offsets back', async () => {
    const { scanText } = await import('../../server/src/secretScan/scanText');
    const text = 'name: c\nvalue:\n  user: vault.secret(db.user)\n  port: 1521\n  note: keep me\n  - ssl: true\n  q: "vault.secret(x.y)"\n  tail: kept\r\n  n: 2';
    const scanned = scanText(text);
    assert.equal(scanned.text, 'name: c\nvalue:\n  note: keep me\n  tail: kept\r\n');
    for (const word of ['name', 'value', 'note', 'keep me', 'tail']) {
      const at = scanned.text.indexOf(word);
      assert.equal(text.slice(scanned.toOriginal(at), scanned.toOriginal(at) + word.length), word);
    }
    // A reference among other words, a block scalar, a key without a value: all kept.
    const kept = 'a: vault.secret(x.y) and more\nb: |\n  1234\nc:\n  d\n';
    assert.equal(scanText(kept).text, kept);
  });

  it('finds a secret after left-out lines at its place in the document', async () => {
    const { scanForSecrets } = await import('../../server/src/secretScan/index');
    const token = ['ghp', '_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'].join('');
    const text = `name: c\nvalue:\n${'  user: vault.secret(db.user)\n  port: 1521\n'.repeat(50)}  note: ${token}\n  on: true\n`;
    const [finding, ...rest] = await scanForSecrets('c.yaml', text);
    assert.equal(rest.length, 0);
    assert.equal(text.slice(finding!.start, finding!.end), token);
  });
});
