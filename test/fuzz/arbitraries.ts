/**
 * Grammar-aware generators for the fuzz suite: connection files and vault configurations built
 * from the real field names (server/src/service/model/fieldSpecs.ts and
 * server/src/service/formats/connection/fields.ts), rendered in varied YAML
 * styles, spiked with pathological YAML (alias bombs, merge keys, tags, multi-document streams,
 * deep nesting, long lines) and then mutated as text.
 */
import fc from 'fast-check';
import type { SecretScanFinding } from '../../server/src/service/facts/facts';

/** The fixed seed of the whole suite; fast-check prints it (with the path) on failure. */
export const fuzzSeed = 0x5ec7e7;

export type FileKind = 'connection' | 'vault-config';

export interface FuzzFile {
  kind: FileKind;
  text: string;
  /** Raw numbers turned into probe offsets (modulo the text length) for completion, hover... */
  probes: number[];
}

// ---------------------------------------------------------------------------------------------
// Characters and words

/** Characters that mean something to YAML, to references, or to text handling. */
const oddChars = [
  '"', "'", '\\', ':', '.', '*', '(', ')', '#', '|', '>', '&', '!', '%', '@', '`', '{', '}', '[', ']', ',', '-', '?', '<<', '$', '~',
  ' ', '  ', '\t', '\n', '\r', '\r\n', '\u000b', '\u000c', '\u0085', '\u00a0', '\u2028', '\u2029', '\u200b', '\u200e', '\ufeff', '\ufffe', '\uffff',
  'é', 'ß', 'İ', 'ǅ', '日本', 'ع', '😀', '👩‍👩‍👧', 'e\u0301', '\ud800', '\udbff', '\udc00', '\udfff', '\u0000', '\u0001', '\u001b', '\u007f',
];

const oddChar = fc.constantFrom(...oddChars);

/** `arb` about once in `n` draws, otherwise `null`. */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> => fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

const knownVaults = ['prod', 'prod-aws', 'local', 'corp-azure', 'analytics-gcp', 'old', 'staging', 'fuzz', 'fuzz-aws'];
const knownKeys = ['user', 'password', 'username', 'ssh_key', 'api-key', 'token', 'key', '*', 'db', 'smtp'];
const knownEngines = ['secret', 'legacy', 'team/kv', 'kv', 'secret/', '/secret', 'a/b/c', 'data', 'metadata'];
const knownPaths = ['data/oracle', 'oracle', 'data/reporting/postgres', 'metadata/x', 'data/', 'data', 'mail/relay', 'secret/data/x', 'ci/deploy', 'dev/postgres'];

/** A short word: a plausible identifier most of the time, sometimes odd or binary. */
export const word: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...knownVaults, ...knownKeys, ...knownEngines, ...knownPaths) },
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/) },
  { weight: 2, arbitrary: fc.string({ unit: fc.oneof(oddChar, fc.constantFrom('a', 'b', '1', '_', '-')), maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: loneSurrogate, minLength: 1, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.constant('') },
);

/** A word, rarely a huge one (thousands of characters). */
const wordOrHuge: fc.Arbitrary<string> = fc.oneof(
  { weight: 300, arbitrary: word },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('k', 'a/', 'é', '😀', '.', 'vault.secret(x)'), fc.integer({ min: 300, max: 4_000 })).map(([s, n]) => s.repeat(n)) },
);

// ---------------------------------------------------------------------------------------------
// References

/** The argument of `vault.secret(...)`: KEY, ALIAS.KEY, VAULT:PATH.KEY, or something broken. */
const referenceArgument: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: wordOrHuge },
  { weight: 3, arbitrary: fc.tuple(word, wordOrHuge).map(([a, k]) => `${a}.${k}`) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom(...knownVaults, 'x', ''), fc.constantFrom(...knownEngines, ''), fc.oneof(fc.constantFrom(...knownPaths), wordOrHuge), fc.oneof(fc.constantFrom(...knownKeys), word))
      .map(([v, e, p, k]) => `${v}:${e}${e && p ? '/' : ''}${p}.${k}`),
  },
  { weight: 1, arbitrary: fc.tuple(word, word, word).map(([a, b, c]) => ` ${a} : ${b} . ${c} `) },
  { weight: 1, arbitrary: fc.constantFrom('', '*', '.', ':', '..', '::', 'a:', ':a', 'a:.', 'a:b.', 'a.b.c', '(x)', 'a)b', '"x"', "'x'", '${X}', '{{ x }}', 'a\tb', 'a b') },
);

/** A whole reference, usually well-formed, sometimes with a wrong function, no parentheses or no `)`. */
export const reference: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: referenceArgument.map((a) => `vault.secret(${a})`) },
  { weight: 1, arbitrary: referenceArgument.map((a) => `vault.secret(${a}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('vault.secret', 'vault.secrets', 'vault.', 'vault', 'VAULT.SECRET', 'vault.secret ', 'xvault.secret', '$vault.secret', 'vault.é', 'vault.secret((', 'vault.getSecret'), referenceArgument)
      .map(([f, a]) => `${f}(${a})`),
  },
  { weight: 1, arbitrary: fc.constantFrom('vault.secret', 'vault.secret()', 'vault.secret(', 'vault.secret)', 'vault.secret(vault.secret(x))', 'vault.secret(a)vault.secret(b)') },
);

/** A string value: literal text and references, e.g. `jdbc:vault.secret(user)@host`. */
export const valueText: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 3, arbitrary: reference }, { weight: 2, arbitrary: word }, { weight: 1, arbitrary: fc.constantFrom('jdbc:', '@host:1521', 'Bearer ', ' ', ':', '/', 'host=localhost ') }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((parts) => parts.join(''));

/** Literals that look like credentials, for the hard-coded credential checks. */
const credentialLiteral = fc.oneof(
  fc.constantFrom('hunter2', 'correct horse battery staple', '${DB_PASSWORD}', '{{ secret }}', '${{ secrets.X }}', '', 'vault.secret(password)'),
  fc.stringMatching(/^ghp_[A-Za-z0-9]{36}$/),
  fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
  fc.stringMatching(/^xox[bp]-[0-9]{10}-[0-9]{10}-[A-Za-z0-9]{24}$/),
  fc.constantFrom('-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----', 'https://user:p4ssw0rd@example.com/db'),
);

// ---------------------------------------------------------------------------------------------
// Scalars and YAML styles

/** Renders a string as a YAML scalar in one of several styles (some of them deliberately invalid). */
function renderScalar(text: string, style: number, indent: string): string {
  switch (style % 8) {
    case 0:
    case 1:
      return text; // plain (may well not parse as intended)
    case 2:
      return `'${text.replace(/'/g, "''")}'`;
    case 3:
      return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    case 4:
      return `|\n${text.split('\n').map((l) => `${indent}  ${l}`).join('\n')}`;
    case 5:
      return `>-\n${text.split('\n').map((l) => `${indent}  ${l}`).join('\n')}`;
    case 6:
      return `"${text}"`; // unescaped: quotes inside break it
    default:
      return `'${text}'`;
  }
}

/** A scalar value for any field: text in some style, or a number, boolean, null, date. */
const scalarFor = (text: fc.Arbitrary<string>, indent: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.tuple(text, fc.nat()).map(([t, s]) => renderScalar(t, s, indent)) },
    { weight: 1, arbitrary: fc.constantFrom('', '~', 'null', 'true', 'false', 'yes', 'no', '0', '-1', '1.5', '.inf', '.nan', '0x1F', '2027-01-31', '2027-13-45', '1e400', '[]', '{}', '[a, b]', '{a: b}') },
  );

const tags = ['!!binary', '!!str', '!!int', '!!float', '!!bool', '!!null', '!!map', '!!seq', '!!set', '!!omap', '!!pairs', '!!timestamp', '!custom', '!<tag:yaml.org,2002:str>', '!e!foo', '!', '!!', '!<>'];

/** Optionally prefixes a tag or anchor to a rendered value. */
const decorated = (value: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(value, rarely(fc.constantFrom(...tags), 25), rarely(fc.constantFrom('&a', '&b', '&x1', '&'), 30)).map(([v, tag, anchor]) => {
    const prefix = [anchor, tag].filter((p) => p !== null).join(' ');
    return prefix ? `${prefix} ${v}` : v;
  });

/** One `key: value` line (or block) at `indent`. */
const field = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>, indent: string): fc.Arbitrary<string> =>
  fc.tuple(key, decorated(value)).map(([k, v]) => `${indent}${k}:${v.startsWith('\n') ? '' : ' '}${v}`);

// ---------------------------------------------------------------------------------------------
// Connections

const attachmentFieldValue = (name: string, indent: string): fc.Arbitrary<string> => {
  switch (name) {
    case 'vault':
      return scalarFor(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...knownVaults) }, { weight: 1, arbitrary: wordOrHuge }), indent);
    case 'alias':
      return scalarFor(fc.oneof({ weight: 3, arbitrary: fc.constantFrom('db', 'smtp', 'a', '_x') }, { weight: 1, arbitrary: word }), indent);
    case 'engine':
      return scalarFor(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...knownEngines) }, { weight: 1, arbitrary: wordOrHuge }), indent);
    case 'path':
    case 'secret':
      return scalarFor(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...knownPaths) }, { weight: 1, arbitrary: wordOrHuge }), indent);
    case 'version':
      return fc.oneof(fc.constantFrom('1', '2', '3', '0', '-1', '1.5', 'latest', '"2"', '0a1b-uuid', 'null', '[1]', '{v: 1}', '99999999999999999999'), scalarFor(word, indent));
    case 'version_stage':
      return fc.oneof(fc.constantFrom('AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING'), scalarFor(word, indent));
    default:
      return scalarFor(word, indent);
  }
};

const attachmentFieldNames = ['vault', 'alias', 'engine', 'path', 'secret', 'version', 'version_stage'];

/** One attached secret under `vault_secrets`, in block or flow style. */
const attachment: fc.Arbitrary<string> = fc
  .tuple(
    fc.shuffledSubarray(attachmentFieldNames, { minLength: 0, maxLength: 5 }),
    fc.array(word, { maxLength: 1 }),
    fc.boolean(),
  )
  .chain(([names, unknown, flow]) => {
    const all = [...names, ...unknown];
    if (flow || all.length === 0) {
      return fc
        .tuple(...all.map((n) => fc.tuple(fc.constant(n), attachmentFieldValue(n, '    ').map((v) => v.replace(/\n/g, ' ')))))
        .map((pairs) => `  - {${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`);
    }
    return fc.tuple(...all.map((n, i) => field(fc.constant(n), attachmentFieldValue(n, '    '), i === 0 ? '' : '    '))).map((lines) => `  - ${lines.join('\n')}`);
  });

const valueKeys = ['host', 'port', 'user', 'username', 'password', 'db_password', 'token', 'api_key', 'private_key', 'client_secret', 'secret_access_key', 'url', 'dsn', 'key', 'header', 'access_key_id', 'region', 'client_id', 'token_url', 'scopes', 'headers', 'Authorization'];

/** Renders `value:` with a simple generated shape: a mapping of keys, some nested, some lists. */
const valueBlock: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...valueKeys) }, { weight: 1, arbitrary: word }),
        fc.oneof(
          { weight: 5, arbitrary: scalarFor(valueText, '  ') },
          { weight: 2, arbitrary: scalarFor(credentialLiteral, '  ') },
          { weight: 1, arbitrary: fc.array(scalarFor(valueText, '    ').map((v) => v.replace(/\n/g, ' ')), { minLength: 1, maxLength: 3 }).map((items) => `\n${items.map((i) => `    - ${i}`).join('\n')}`) },
          {
            weight: 1,
            arbitrary: fc
              .array(fc.tuple(fc.constantFrom(...valueKeys), scalarFor(valueText, '    ').map((v) => v.replace(/\n/g, ' '))), { minLength: 1, maxLength: 3 })
              .map((pairs) => `\n${pairs.map(([k, v]) => `    ${k}: ${v}`).join('\n')}`),
          },
          { weight: 1, arbitrary: fc.array(valueText, { minLength: 1, maxLength: 3 }).map((items) => `[${items.map((i) => JSON.stringify(i)).join(', ')}]`) },
        ),
      ),
      { maxLength: 6 },
    ),
  )
  .map(([pairs]) => (pairs.length === 0 ? 'value:' : `value:\n${pairs.map(([k, v]) => `  ${k}:${v.startsWith('\n') ? '' : ' '}${v}`).join('\n')}`));

const connectionTopFields = ['name', 'connector_type', 'description', 'auth', 'owner', 'expires'];

const connectionTopValue = (name: string): fc.Arbitrary<string> => {
  switch (name) {
    case 'name':
      return scalarFor(fc.oneof(fc.constantFrom('oracle', 'ci-deploy', 'c'), wordOrHuge), '');
    case 'auth':
      return fc.oneof(fc.constantFrom('basic', 'api_key', 'aws', 'oauth2'), scalarFor(word, ''));
    case 'expires':
      return fc.oneof(fc.constantFrom('2027-01-31', '2020-01-01', '2027-02-30', '0000-00-00', '"2027-01-31"', '2027-01-31T10:00:00Z', '9999-12-31'), scalarFor(word, ''));
    default:
      return scalarFor(valueText, '');
  }
};

/** A connection file: some top-level fields, attached secrets and values with references. */
export const connectionText: fc.Arbitrary<string> = fc
  .tuple(
    fc.shuffledSubarray(connectionTopFields, { minLength: 0, maxLength: 6 }),
    fc.option(fc.array(attachment, { maxLength: 4 }), { freq: 5, nil: undefined }),
    fc.option(valueBlock, { freq: 8, nil: undefined }),
    rarely(fc.constantFrom('# secretrefs-disable-next-line unknown-vault', '# secretrefs-disable-next-line', '# secretrefs-disable-next-line *', '# a comment', '#secretrefs-disable-next-line unused-secret hardcoded-credential'), 4),
    fc.nat(),
  )
  .chain(([names, attachments, value, comment, order]) =>
    fc.tuple(...names.map((n) => field(fc.constant(n), connectionTopValue(n), ''))).map((lines) => {
      const blocks = [...lines];
      if (attachments !== undefined) blocks.push(attachments.length === 0 ? 'vault_secrets:' : `vault_secrets:\n${attachments.join('\n')}`);
      if (value !== undefined) blocks.push(value);
      if (comment !== null) blocks.splice(order % (blocks.length + 1), 0, comment);
      return `${blocks.join('\n')}\n`;
    }),
  );

// ---------------------------------------------------------------------------------------------
// Vault configurations

const providersOdd = ['hashicorp', 'aws', 'azure', 'gcp', 'local'];
const vaultFieldNames = ['enabled', 'description', 'owner', 'url', 'namespace', 'ca_certificate', 'auth', 'auth_mount', 'auto_renew', 'tls_skip_verify', 'engines', 'region', 'profile', 'endpoint', 'vault_url', 'project', 'token', 'secret_id', 'password'];

const engineDeclaration: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...knownEngines) }, { weight: 1, arbitrary: wordOrHuge }),
    fc.option(fc.constantFrom('kv', 'pki', 'transit', '', 'KV'), { freq: 5, nil: undefined }),
    fc.option(fc.constantFrom('1', '2', '3', '"2"', '0', 'v2', '~', '[2]'), { freq: 6, nil: undefined }),
    fc.nat(3),
  )
  .map(([path, type, version, style]) => {
    const parts = [type !== undefined ? `type: ${type}` : '', version !== undefined ? `version: ${version}` : ''].filter(Boolean);
    const key = style === 3 ? JSON.stringify(path) : path;
    if (style === 0) return `  ${key}:\n${parts.map((p) => `    ${p}`).join('\n')}`;
    if (style === 1) return `  ${key}: ${parts.join(' ')}`; // not a mapping
    return `  ${key}: { ${parts.join(', ')} }`;
  });

const vaultFieldValue = (name: string): fc.Arbitrary<string> => {
  switch (name) {
    case 'enabled':
    case 'auto_renew':
    case 'tls_skip_verify':
      return fc.constantFrom('true', 'false', 'yes', '"true"', '1', '~', 'TRUE');
    case 'url':
    case 'vault_url':
    case 'endpoint':
      return fc.oneof(
        fc.constantFrom('https://vault.example.com:8200', 'http://127.0.0.1:9', 'https://corp.vault.azure.net', 'ftp://x', 'not a url', 'https://', 'https://[::1', 'http://ünï.example/'),
        scalarFor(wordOrHuge, ''),
      );
    case 'auth':
      return fc.oneof(fc.constantFrom('token', 'approle'), scalarFor(word, ''));
    case 'engines':
      return fc.oneof(
        { weight: 6, arbitrary: fc.array(engineDeclaration, { maxLength: 4 }).map((es) => (es.length === 0 ? '' : `\n${es.join('\n')}`)) },
        { weight: 1, arbitrary: fc.constantFrom('[]', '[secret]', 'secret', '{}', '{secret: {type: kv, version: 2}}', '~') },
      );
    default:
      return scalarFor(fc.oneof(word, valueText), '');
  }
};

/** A vault configuration: name, provider and a subset of the provider fields, in any order. */
export const vaultText: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(scalarFor(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...knownVaults) }, { weight: 1, arbitrary: wordOrHuge }), ''), { freq: 10, nil: undefined }),
    fc.option(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...providersOdd) }, { weight: 1, arbitrary: scalarFor(word, '') }), { freq: 10, nil: undefined }),
    fc.shuffledSubarray(vaultFieldNames, { minLength: 0, maxLength: 8 }),
    fc.array(word, { maxLength: 1 }),
    fc.nat(),
  )
  .chain(([name, provider, names, unknown, order]) =>
    fc.tuple(...[...names, ...unknown].map((n) => field(fc.constant(n), vaultFieldValue(n), ''))).map((lines) => {
      const blocks = [...lines];
      if (provider !== undefined) blocks.splice(order % (blocks.length + 1), 0, `provider: ${provider}`);
      if (name !== undefined) blocks.splice((order >> 3) % (blocks.length + 1), 0, `name: ${name}`);
      return `${blocks.join('\n')}\n`;
    }),
  );

// ---------------------------------------------------------------------------------------------
// Pathological YAML

/** A billion-laughs document: `levels` anchors, each a list of `fanout` aliases of the one before. */
export function aliasBomb(levels: number, fanout: number, where: 'value' | 'name' | 'vault_secrets' | 'engines' | 'merge'): string {
  const lines = ['l0: &l0 "vault.secret(lol)"'];
  for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: fanout }, () => `*l${i - 1}`).join(', ')}]`);
  const top = `*l${levels}`;
  switch (where) {
    case 'value':
      return `name: bomb\n${lines.join('\n')}\nvalue: ${top}\n`;
    case 'name':
      return `${lines.join('\n')}\nname: ${top}\nprovider: ${top}\n`;
    case 'vault_secrets':
      return `name: bomb\n${lines.join('\n')}\nvault_secrets: ${top}\nvalue:\n  k: ${top}\n`;
    case 'engines':
      return `name: bomb\nprovider: hashicorp\n${lines.join('\n')}\nengines: ${top}\n`;
    case 'merge': {
      // YAML 1.1 merge keys over mappings of aliases: a resolver that expands them explodes.
      const maps = ['m0: &m0 { vault: prod, engine: secret, path: data/x }'];
      for (let i = 1; i <= levels; i++) maps.push(`m${i}: &m${i} { <<: [${Array.from({ length: fanout }, () => `*m${i - 1}`).join(', ')}], k${i}: v }`);
      return `%YAML 1.1\n---\nname: bomb\n${maps.join('\n')}\nvault_secrets:\n  - <<: *m${levels}\n    alias: db\nvalue: { <<: *m${levels}, k: vault.secret(db.k) }\n`;
    }
  }
}

/** Nesting `depth` levels deep, in one of several styles, closed or not. */
export function deepNesting(depth: number, style: number, closed: boolean): string {
  switch (style % 5) {
    case 0:
      return `name: deep\nvalue: ${'['.repeat(depth)}vault.secret(k)${closed ? ']'.repeat(depth) : ''}\n`;
    case 1:
      return `name: deep\nvalue: ${'{a: '.repeat(depth)}vault.secret(k)${closed ? '}'.repeat(depth) : ''}\n`;
    case 2:
      return `name: deep\nvault_secrets:\n  ${'- '.repeat(depth)}vault: prod\n`;
    case 3: {
      // Block mappings, one more space per level: quadratic text, so kept shallower.
      const levels = Math.min(depth, 300);
      return `name: deep\nvalue:\n${Array.from({ length: levels }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} vault.secret(k)\n`;
    }
    default:
      return `name: deep\nengines: ${'[{x: '.repeat(Math.floor(depth / 2))}1${closed ? '}]'.repeat(Math.floor(depth / 2)) : ''}\n`;
  }
}

/** A document with one very long line, of a kind chosen by `style`. */
export function longLine(length: number, style: number): string {
  switch (style % 6) {
    case 0:
      return `name: long\nvalue:\n  k: ${'x'.repeat(length)}\n`;
    case 1:
      return `name: long\nvalue:\n  k: "${'vault.secret(a) '.repeat(Math.ceil(length / 16))}"\n`;
    case 2:
      return `name: long\nvalue:\n  ${'k'.repeat(length)}: vault.secret(k)\n`;
    case 3:
      return `name: long\nvalue: vault.secret(prod:${'a/'.repeat(Math.ceil(length / 2))}x.k)\n`;
    case 4:
      return `name: long\nvalue:\n  k: vault.secret(${'('.repeat(length)}\n`;
    default:
      return `name: ${'é😀'.repeat(Math.ceil(length / 3))}\nprovider: hashicorp\nurl: https://${'a'.repeat(length)}.example\n`;
  }
}

const pathological: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 10 }), fc.constantFrom('value', 'name', 'vault_secrets', 'engines', 'merge') as fc.Arbitrary<'value' | 'name' | 'vault_secrets' | 'engines' | 'merge'>)
      .map(([l, f, w]) => aliasBomb(l, f, w)),
  },
  { weight: 3, arbitrary: fc.tuple(fc.integer({ min: 100, max: 4000 }), fc.nat(), fc.boolean()).map(([d, s, c]) => deepNesting(d, s, c)) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 2_000, max: 60_000 }), fc.nat()).map(([n, s]) => longLine(n, s)) },
);

/** Snippets of unusual YAML spliced into otherwise ordinary files. */
const snippet: fc.Arbitrary<string> = fc.constantFrom(
  'base: &base { vault: prod, engine: secret }',
  '  - <<: *base\n    path: data/x',
  '<<: *base',
  '<<: [*a, *b]',
  '<<: {name: merged}',
  '? complex key\n: value',
  '? [a, b]\n: vault.secret(k)',
  '---',
  '...',
  '--- !!map',
  '%YAML 1.1',
  '%YAML 1.2',
  '%YAML 9.9',
  '%TAG !e! tag:example.com,2000:',
  '%FOO bar',
  'value: !!binary aGVsbG8gd29ybGQ=',
  'name: !!binary |\n  R0lGODlhDAAMAIQAAP//9/X17unp5WZmZgAAAOfn515eXvPz7Y6OjuDg4J+fn5',
  'vault_secrets: !!set {a, b}',
  'vault_secrets: !!omap [ a: 1, b: 2 ]',
  'value: !custom { k: vault.secret(x) }',
  'engines: !!pairs [ secret: {type: kv, version: 2} ]',
  '{name: flow, vault_secrets: [{vault: prod, engine: secret, path: data/x}], value: {k: "vault.secret(k)"}}',
  '[a, b, {c: d}]',
  'name: *undefined_alias',
  'x: *',
  'a: &a &b c',
  '- - - - - - - - -',
  '"unterminated',
  "'unterminated",
  'key: |\n  block\n wrong indent',
  'key: >+\n\n\n',
  'k: |-2\n    x',
  '\t- tab indented',
  '# secretrefs-disable-next-line',
  'value: vault.secret(prod:secret/data/x.k) # trailing comment',
  'password: hunter2',
  'token: ghp_0123456789abcdefghijABCDEFGHIJ012345',
);

// ---------------------------------------------------------------------------------------------
// Mutations

type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete' | 'truncate' | 'duplicateLine' | 'swapLines' | 'indent' | 'dedent' | 'tabify'; at: number; len: number }
  | { op: 'replace'; at: number; len: number; text: string }
  | { op: 'crlf' | 'cr' | 'bom' | 'nul' | 'trailingSpace' | 'noFinalNewline' }
  | { op: 'splice'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(oddChar, word, reference, loneSurrogate) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('delete' as const, 'truncate' as const, 'duplicateLine' as const, 'swapLines' as const, 'indent' as const, 'dedent' as const, 'tabify' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }), text: fc.oneof(oddChar, word) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('crlf' as const, 'cr' as const, 'bom' as const, 'nul' as const, 'trailingSpace' as const, 'noFinalNewline' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('splice' as const), at: fc.nat(), text: snippet }) },
);

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** Applies one mutation to a text; positions are taken modulo the text (or line count). */
export function mutate(text: string, m: Mutation): string {
  const at = 'at' in m ? m.at % (text.length + 1) : 0;
  const lines = text.split('\n');
  const line = 'at' in m ? m.at % lines.length : 0;
  switch (m.op) {
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len);
    case 'replace':
      return text.slice(0, at) + m.text + text.slice(at + m.len);
    case 'truncate':
      return text.slice(0, at);
    case 'duplicateLine':
      lines.splice(line, 0, ...lines.slice(line, line + Math.min(m.len, 3)));
      return lines.join('\n');
    case 'swapLines': {
      const other = (line + m.len) % lines.length;
      [lines[line], lines[other]] = [lines[other]!, lines[line]!];
      return lines.join('\n');
    }
    case 'indent':
      for (let i = line; i < Math.min(lines.length, line + m.len); i++) lines[i] = ` ${lines[i]}`;
      return lines.join('\n');
    case 'dedent':
      for (let i = line; i < Math.min(lines.length, line + m.len); i++) lines[i] = lines[i]!.replace(/^ {1,2}/, '');
      return lines.join('\n');
    case 'tabify':
      for (let i = line; i < Math.min(lines.length, line + m.len); i++) lines[i] = lines[i]!.replace(/^( {2})+/, (s) => '\t'.repeat(s.length / 2));
      return lines.join('\n');
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'cr':
      return text.replace(/\r?\n/g, '\r');
    case 'bom':
      return `\ufeff${text}`;
    case 'nul':
      return text.slice(0, at) + '\u0000' + text.slice(at);
    case 'trailingSpace':
      return lines.map((l) => `${l}  `).join('\n');
    case 'noFinalNewline':
      return text.replace(/\n+$/, '');
    case 'splice': {
      const starts = lineStarts(text);
      const start = starts[m.at % starts.length]!;
      return `${text.slice(0, start)}${m.text}\n${text.slice(start)}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Whole inputs

const baseText = (kind: FileKind): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 60, arbitrary: kind === 'connection' ? connectionText : vaultText },
    { weight: 2, arbitrary: pathological },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '\n', '\ufeff', '---', '---\n---\n', '...', '- a\n- b\n', 'just text', '{', '[', '"', '&a *a', '!!binary', ':', '? ', '\r\n\r\n') },
  );

/** A file of the given kind: generated, then mutated 0–6 times as text. */
export const fuzzFile = (kind: FileKind): fc.Arbitrary<FuzzFile> =>
  fc
    .record({
      base: baseText(kind),
      mutations: fc.array(mutation, { maxLength: 6 }),
      // Multi-document streams: a second generated document after `---`.
      second: rarely(kind === 'connection' ? connectionText : vaultText, 15),
      probes: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
    })
    .map(({ base, mutations, second, probes }) => {
      let text = second === null ? base : `${base}---\n${second}`;
      for (const m of mutations) text = mutate(text, m);
      return { kind, text, probes };
    });

/** A connection (mostly) or a vault configuration. */
export const anyFuzzFile: fc.Arbitrary<FuzzFile> = fc.oneof({ weight: 3, arbitrary: fuzzFile('connection') }, { weight: 2, arbitrary: fuzzFile('vault-config') });

/** Offsets worth probing in a text: the generated ones, every reference's start, inside and end, and the text's end. */
export function probeOffsets(text: string, probes: readonly number[], max = 8): number[] {
  const offsets = new Set<number>(probes.map((p) => p % (text.length + 1)));
  let from = 0;
  for (let found = 0; found < 2; found++) {
    const at = text.indexOf('vault.secret(', from);
    if (at === -1) break;
    offsets.add(at).add(at + 13).add(Math.min(text.length, at + 15));
    const close = text.indexOf(')', at);
    if (close !== -1) offsets.add(close);
    from = at + 1;
  }
  for (const marker of ['vault: ', 'engine: ', 'path: ', 'secret: ', 'provider: ']) {
    const at = text.indexOf(marker);
    if (at !== -1) offsets.add(at + marker.length);
  }
  offsets.add(text.length);
  return [...offsets].slice(0, max);
}

/** Findings a secret scanner could report for a text: random spans within it. */
export const scanFindings = (seedSpans: readonly [number, number][], text: string): SecretScanFinding[] =>
  seedSpans.map(([a, len]) => {
    const start = a % (text.length + 1);
    const end = Math.min(text.length, start + (len % 64));
    return { start, end, ruleId: '@secretlint/secretlint-rule-preset-recommend', kind: 'fuzz token', text: text.slice(start, end) };
  });

/** The pathological families at their largest, for deterministic checks besides the random runs. */
export function pathologicalCorpus(): { label: string; kind: FileKind; text: string }[] {
  const corpus: { label: string; kind: FileKind; text: string }[] = [];
  for (const where of ['value', 'name', 'vault_secrets', 'engines', 'merge'] as const) {
    corpus.push({ label: `alias bomb (10^12 nodes) in ${where}`, kind: where === 'engines' || where === 'name' ? 'vault-config' : 'connection', text: aliasBomb(12, 10, where) });
  }
  for (let style = 0; style < 5; style++) {
    for (const closed of [true, false]) corpus.push({ label: `nesting 4,000 deep, style ${style}${closed ? '' : ', unclosed'}`, kind: 'connection', text: deepNesting(4000, style, closed) });
  }
  for (let style = 0; style < 6; style++) corpus.push({ label: `200,000-character line, style ${style}`, kind: style === 5 ? 'vault-config' : 'connection', text: longLine(200_000, style) });
  for (const [label, run] of [['dashes', '- '], ['question marks', '? '], ['colons', ': '], ['tags', '!t '], ['anchors', '&a ']] as const) {
    corpus.push({ label: `6,000 ${label} on one line`, kind: 'connection', text: `name: c\nvalue:\n  ${run.repeat(6000)}x\n` });
  }
  return corpus;
}
