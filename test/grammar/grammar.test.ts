// Tokenizes YAML with the real TextMate engine (vscode-textmate + Oniguruma) and checks the scopes
// that the injection grammar syntaxes/secretrefs.injection.tmLanguage.json gives to vault.secret(...)
// references. The base YAML grammar is a tiny stand-in (test/grammar/fixtures/yaml-min.tmLanguage.json).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

const root = path.resolve(__dirname, '../..');
const INJECTION_PATH = path.join(root, 'syntaxes/secretrefs.injection.tmLanguage.json');
const YAML_PATH = path.join(__dirname, 'fixtures/yaml-min.tmLanguage.json');

const S = {
  vault: 'support.variable.object.vault.secretrefs',
  dot: 'punctuation.accessor.dot.secretrefs',
  fn: 'support.function.secret.secretrefs',
  open: 'punctuation.definition.arguments.begin.secretrefs',
  close: 'punctuation.definition.arguments.end.secretrefs',
  vaultName: 'entity.name.namespace.vault-name.secretrefs',
  colon: 'punctuation.separator.vault-name.secretrefs',
  path: 'string.other.path.secretrefs',
  pathSep: 'punctuation.separator.path.secretrefs',
  keySep: 'punctuation.separator.key.secretrefs',
  key: 'variable.other.property.secret-key.secretrefs',
  wildcard: 'constant.language.wildcard.whole-secret.secretrefs',
  alias: 'variable.other.object.alias.secretrefs',
  malformed: 'invalid.illegal.malformed-reference.secretrefs',
  unknownFn: 'invalid.illegal.unknown-function.secretrefs',
  plain: 'string.unquoted.plain.out.yaml',
  double: 'string.quoted.double.yaml',
  single: 'string.quoted.single.yaml',
  block: 'string.unquoted.block.yaml',
  comment: 'comment.line.number-sign.yaml',
} as const;

interface Token {
  text: string;
  start: number;
  scopes: string[];
}

let grammar: vsctm.IGrammar;

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const onigLib: Promise<vsctm.IOnigLib> = Promise.resolve({
    createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
    createOnigString: (text: string) => new oniguruma.OnigString(text),
  });
  const files: Record<string, string> = {
    'source.yaml': YAML_PATH,
    'secretrefs.injection': INJECTION_PATH,
  };
  const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async (scopeName) => {
      const file = files[scopeName];
      return file ? vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
    // What VS Code does for `"injectTo": ["source.yaml"]` in package.json.
    getInjections: (scopeName) => (scopeName === 'source.yaml' ? ['secretrefs.injection'] : undefined),
  });
  const loaded = await registry.loadGrammar('source.yaml');
  assert.ok(loaded, 'source.yaml grammar loaded');
  return loaded;
}

/** Tokenizes a document (lines separated by \n); returns the tokens of every line. */
function tokenize(text: string): Token[][] {
  let stack = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, scopes: t.scopes }));
  });
}

/** The token that starts exactly at the `nth` occurrence of `text` in the line and spans it exactly. */
function tokenOf(line: Token[], text: string, nth = 0): Token {
  const full = line.map((t) => t.text).join('');
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = full.indexOf(text, index + 1);
    assert.notEqual(index, -1, `"${text}" (#${nth}) not found in ${JSON.stringify(full)}`);
  }
  const token = line.find((t) => t.start === index);
  assert.ok(token, `no token starts at "${text}" in ${JSON.stringify(full)}; tokens: ${describeTokens(line)}`);
  assert.equal(token.text, text, `token at "${text}" is ${JSON.stringify(token.text)}; tokens: ${describeTokens(line)}`);
  return token;
}

function describeTokens(line: Token[]): string {
  return line.map((t) => `${JSON.stringify(t.text)}[${t.scopes.slice(1).join(' ')}]`).join(' ');
}

function assertScope(line: Token[], text: string, scope: string, nth = 0): Token {
  const token = tokenOf(line, text, nth);
  assert.ok(token.scopes.includes(scope), `"${text}" should have ${scope}; has ${token.scopes.join(' ')}`);
  return token;
}

function assertNoSecretRefs(line: Token[]): void {
  for (const token of line) {
    const own = token.scopes.filter((s) => s.endsWith('.secretrefs'));
    assert.deepEqual(own, [], `"${token.text}" should not be highlighted; has ${own.join(' ')}`);
  }
}

/** Checks `vault`, `.`, `secret`, `(` and `)` of the nth reference of the line. */
function assertHead(line: Token[], nth = 0): void {
  assertScope(line, 'vault', S.vault, nth);
  assertScope(line, 'secret', S.fn, nth);
  assertScope(line, '(', S.open, nth);
  const full = line.map((t) => t.text).join('');
  let at = -1;
  for (let i = 0; i <= nth; i++) at = full.indexOf('vault.secret(', at + 1);
  const dot = line.find((t) => t.start === at + 'vault'.length);
  assert.ok(dot?.scopes.includes(S.dot), `"." after vault should be ${S.dot}`);
  const closeAt = full.indexOf(')', at);
  const close = line.find((t) => t.start === closeAt);
  assert.ok(close?.scopes.includes(S.close), `")" should be ${S.close}; tokens: ${describeTokens(line)}`);
}

before(async () => {
  grammar = await loadGrammar();
});

describe('injection grammar file', () => {
  it('is an injection into source.yaml that skips comments', () => {
    const raw = JSON.parse(readFileSync(INJECTION_PATH, 'utf8')) as { scopeName: string; injectionSelector: string };
    assert.equal(raw.scopeName, 'secretrefs.injection');
    assert.match(raw.injectionSelector, /source\.yaml/);
    assert.match(raw.injectionSelector, /-\s*comment/);
  });
});

describe('simple form vault.secret(KEY)', () => {
  it('in a plain scalar', () => {
    const [line] = tokenize('user: vault.secret(user)');
    assertHead(line!);
    const key = assertScope(line!, 'user', S.key, 1);
    assert.ok(key.scopes.includes(S.plain), 'stays inside the plain scalar');
    assert.ok(tokenOf(line!, 'vault').scopes.includes(S.plain), 'the plain scalar is not broken up');
  });

  it('in a double-quoted scalar, with text around it', () => {
    const [line] = tokenize('url: "jdbc:oracle:thin:vault.secret(user)@my-oracle-server:1521"');
    assertHead(line!);
    const key = assertScope(line!, 'user', S.key);
    assert.ok(key.scopes.includes(S.double));
    assert.ok(tokenOf(line!, '@my-oracle-server:1521').scopes.includes(S.double));
    assertNoSecretRefs([tokenOf(line!, '@my-oracle-server:1521')]);
  });

  it('in a single-quoted scalar', () => {
    const [line] = tokenize("password: 'vault.secret(password)'");
    assertHead(line!);
    const key = assertScope(line!, 'password', S.key, 1);
    assert.ok(key.scopes.includes(S.single));
  });

  it('the whole-secret key *', () => {
    const [line] = tokenize("Authorization: 'Bearer vault.secret(*)'");
    assertHead(line!);
    assertScope(line!, '*', S.key);
    assertScope(line!, '*', S.wildcard);
  });

  it('several references in one scalar', () => {
    const [line] = tokenize('login: "vault.secret(user):vault.secret(password)"');
    assertHead(line!, 0);
    assertHead(line!, 1);
    assertScope(line!, 'user', S.key);
    assertScope(line!, 'password', S.key);
  });
});

describe('alias form vault.secret(ALIAS.KEY)', () => {
  it('in a plain scalar', () => {
    const [line] = tokenize('password: vault.secret(db.password)');
    assertHead(line!);
    assertScope(line!, 'db', S.alias);
    assertScope(line!, '.', S.keySep, 1);
    assertScope(line!, 'password', S.key, 1);
  });

  it('in a double-quoted scalar', () => {
    const [line] = tokenize('password: "vault.secret(db.password)"');
    assertHead(line!);
    assertScope(line!, 'db', S.alias);
    const key = assertScope(line!, 'password', S.key, 1);
    assert.ok(key.scopes.includes(S.double));
  });

  it('in a single-quoted scalar, with the * key', () => {
    const [line] = tokenize("token: 'vault.secret(api.*)'");
    assertHead(line!);
    assertScope(line!, 'api', S.alias);
    assertScope(line!, '*', S.wildcard);
  });
});

describe('inline form vault.secret(VAULT:PATH.KEY)', () => {
  it('in a plain scalar', () => {
    const [line] = tokenize('password: vault.secret(prod:secret/data/oracle.password)');
    assertHead(line!);
    assertScope(line!, 'prod', S.vaultName);
    assertScope(line!, ':', S.colon, 1);
    const p = assertScope(line!, 'secret', S.path, 1);
    assert.ok(p.scopes.includes(S.plain));
    assertScope(line!, '/', S.pathSep);
    assertScope(line!, 'data', S.path);
    assertScope(line!, 'oracle', S.path);
    assertScope(line!, '.', S.keySep, 1);
    assertScope(line!, 'password', S.key, 1);
  });

  it('in a double-quoted scalar', () => {
    const [line] = tokenize('url: "jdbc:oracle:thin:vault.secret(prod:secret/data/oracle.user)@db:1521"');
    assertHead(line!);
    assertScope(line!, 'prod', S.vaultName);
    assertScope(line!, 'oracle', S.path, 1);
    const key = assertScope(line!, 'user', S.key);
    assert.ok(key.scopes.includes(S.double));
    assertNoSecretRefs([tokenOf(line!, '@db:1521')]);
  });

  it('in a single-quoted scalar; the last dot separates the key, the engine may be nested', () => {
    const [line] = tokenize("key: 'vault.secret(prod:team/kv/data/ci/deploy.v2.ssh_key)'");
    assertHead(line!);
    assertScope(line!, 'prod', S.vaultName);
    assertScope(line!, 'team', S.path);
    assertScope(line!, 'deploy.v2', S.path);
    assertScope(line!, 'ssh_key', S.key);
  });

  it('vault names with dashes and dots, the * key', () => {
    const [a] = tokenize('k: vault.secret(prod-aws:payments/api-key.*)');
    assertScope(a!, 'prod-aws', S.vaultName);
    assertScope(a!, 'payments', S.path);
    assertScope(a!, 'api-key', S.path);
    assertScope(a!, '*', S.wildcard);
    const [b] = tokenize('k: vault.secret(prod.eu:secret/data/x.password)');
    assertScope(b!, 'prod.eu', S.vaultName);
    assertScope(b!, 'password', S.key);
  });
});

describe('block scalars', () => {
  it('highlights references in the content lines', () => {
    const lines = tokenize(['dsn: |', '  host=localhost dbname=app', '  user=vault.secret(user) password=vault.secret(db.password)', 'next: 1'].join('\n'));
    const line = lines[2]!;
    assertHead(line, 0);
    assertHead(line, 1);
    const key = assertScope(line, 'user', S.key, 1);
    assert.ok(key.scopes.includes(S.block));
    assertScope(line, 'db', S.alias);
    assertScope(line, 'password', S.key, 1);
    assertScope(lines[3]!, 'next', 'entity.name.tag.yaml');
  });
});

describe('not references', () => {
  it('comments are not highlighted', () => {
    const [full, trailing] = tokenize('# user: vault.secret(user)\nhost: db # vault.secret(prod:secret/data/x.y)');
    assertNoSecretRefs(full!);
    assert.ok(tokenOf(full!, ' user: vault.secret(user)').scopes.includes(S.comment));
    assertNoSecretRefs(trailing!);
  });

  it('vault preceded by an identifier character', () => {
    for (const text of ['a: myvault.secret(user)', 'a: _vault.secret(user)', 'a: 1vault.secret(user)']) {
      assertNoSecretRefs(tokenize(text)[0]!);
    }
  });

  it('keys and other text', () => {
    assertNoSecretRefs(tokenize('vault_secrets:')[0]!);
    assertNoSecretRefs(tokenize('description: the vault secret (old)')[0]!);
    assertNoSecretRefs(tokenize('a: vault.secret (user)')[0]!);
  });
});

describe('malformed references', () => {
  it('empty argument: head and parentheses only', () => {
    const [line] = tokenize('password: vault.secret()');
    assertScope(line!, 'vault', S.vault);
    assertScope(line!, 'secret', S.fn);
    assertScope(line!, '(', S.open);
    assertScope(line!, ')', S.close);
  });

  it('whitespace in the argument is marked invalid', () => {
    const [line] = tokenize('password: vault.secret(wallet password)');
    assertHead(line!);
    assertScope(line!, 'wallet password', S.malformed);
  });

  it('inline form without a key is marked invalid', () => {
    const [line] = tokenize('password: vault.secret(prod:secret/data/oracle)');
    assertScope(line!, 'prod:secret/data/oracle', S.malformed);
  });

  it('unclosed: only the head is highlighted (e.g. while typing)', () => {
    const [line] = tokenize('url: "jdbc:oracle:thin:@db:1521/vault.secret(service"');
    assertScope(line!, 'vault', S.vault);
    assertScope(line!, 'secret', S.fn);
    assertScope(line!, '(', S.open);
    const rest = tokenOf(line!, 'service');
    assert.ok(rest.scopes.includes(S.double));
    assertNoSecretRefs([rest]);
  });

  it('does not run past the end of a quoted scalar', () => {
    const [line] = tokenize(`a: ["vault.secret(x", "y)"]`);
    assert.ok(!line!.some((t) => t.scopes.includes(S.malformed) || t.scopes.includes(S.key)), describeTokens(line!));
  });

  it('another function name is marked invalid', () => {
    for (const fn of ['secrets', 'get']) {
      const [line] = tokenize(`schema: vault.${fn}(schema)`);
      assertScope(line!, 'vault', S.vault);
      assertScope(line!, fn, S.unknownFn);
    }
  });
});
