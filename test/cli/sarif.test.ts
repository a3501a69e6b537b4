/**
 * `secretrefs check --format sarif` (the built CLI): the output validates against the SARIF 2.1.0
 * JSON schema, has one rule per diagnostic code, and places results where the text output does.
 *
 * The schema is the one @microsoft/jest-sarif ships (sarif-2.1.0-rtm.5.json, the OASIS 2.1.0
 * schema as published on SchemaStore). It is written in draft-04, which ajv 8 does not read, so it
 * is loaded as draft-07: the top-level `id` becomes `$id` and `$schema` is dropped. Its keywords
 * mean the same in both drafts (it uses no draft-04 boolean exclusiveMinimum/Maximum). Formats
 * uri, uri-reference and date-time are checked by small validators of this file.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { allDiagnosticCodes, diagnosticCodes } from '../../server/src/service/diagnostics/codes';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(repoRoot, 'dist', 'cli.js');
const examples = path.join(repoRoot, 'examples');
const schemaFile = path.join(repoRoot, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd = repoRoot): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SECRETREFS_DEBUG: '' } });
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.signal, null);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------
// The schema

let validate: ValidateFunction;

function loadValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  assert.equal(schema.$schema, 'http://json-schema.org/draft-04/schema#');
  assert.match(String(schema.title), /SARIF\) Version 2\.1\.0/);
  const { id, $schema: _draft, ...rest } = schema;
  // unicodeRegExp off: the schema's `language` pattern has a stray `]`, an error under the `u` flag.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => {
    try {
      new URL(value);
      return true;
    } catch {
      return false;
    }
  });
  ajv.addFormat('uri-reference', (value: string) => !/[\s\\]/.test(value));
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value));
  return ajv.compile({ ...rest, $id: String(id) });
}

function assertValid(log: unknown): void {
  const ok = validate(log);
  assert.ok(ok, `SARIF does not validate:\n${JSON.stringify(validate.errors?.slice(0, 10), null, 2)}`);
}

// ---------------------------------------------------------------------------------------------
// SARIF shapes read by the tests

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string; index: number }; region: Region } }[];
  partialFingerprints: Record<string, string>;
}

interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string; markdown: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
}

interface Log {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri?: string; rules: Rule[] } };
    invocations: { executionSuccessful: boolean }[];
    originalUriBaseIds: Record<string, { uri: string }>;
    artifacts: { location: { uri: string; uriBaseId?: string } }[];
    results: Result[];
    columnKind: string;
  }[];
}

function parseSarif(stdout: string): Log {
  const log = JSON.parse(stdout) as Log;
  assertValid(log);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1, 'one run');
  return log;
}

function expectedLevel(severity: DiagnosticSeverity): string {
  return severity === DiagnosticSeverity.Error ? 'error' : severity === DiagnosticSeverity.Warning ? 'warning' : 'note';
}

/** The same findings as --format json, in SARIF's terms. */
function jsonAsSarif(stdout: string): [string, number, number, number, number, string, string][] {
  const findings = JSON.parse(stdout) as { file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; severity: string; code: string }[];
  return findings.map((f) => [
    f.file.split(path.sep).join('/'),
    f.range.start.line + 1,
    f.range.start.character + 1,
    f.range.end.line + 1,
    f.range.end.character + 1,
    f.code,
    f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'note',
  ]);
}

function resultsAsRows(log: Log): [string, number, number, number, number, string, string][] {
  return log.runs[0]!.results.map((r) => {
    const p = r.locations[0]!.physicalLocation;
    return [decodeURIComponent(p.artifactLocation.uri), p.region.startLine, p.region.startColumn, p.region.endLine, p.region.endColumn, r.ruleId, r.level];
  });
}

// ---------------------------------------------------------------------------------------------

const tempRoots: string[] = [];

function workspace(files: Record<string, string | Buffer>): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'secretrefs-sarif-')));
  tempRoots.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

before(() => {
  assert.ok(existsSync(cli), `${cli} is missing: run "npm run build" first (npm test does)`);
  assert.ok(existsSync(schemaFile), `${schemaFile} is missing: run "npm ci"`);
  validate = loadValidator();
});

after(() => {
  for (const dir of tempRoots) rmSync(dir, { recursive: true, force: true });
});

describe('check --format sarif', () => {
  test('the schema validator rejects a broken log (so that a pass means something)', () => {
    const log = JSON.parse(run(['check', '--format', 'sarif', 'examples']).stdout) as Log;
    assertValid(log);
    const broken = structuredClone(log) as unknown as { runs: { tool?: unknown; results: { level: string }[] }[] };
    delete broken.runs[0]!.tool;
    assert.equal(validate(broken), false, 'a run without tool is invalid');
    const badLevel = structuredClone(log) as unknown as { runs: { results: { level: string }[] }[] };
    badLevel.runs[0]!.results[0]!.level = 'fatal';
    assert.equal(validate(badLevel), false, 'an unknown level is invalid');
    const badRegion = structuredClone(log) as unknown as { runs: { results: Result[] }[] };
    badRegion.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    assert.equal(validate(badRegion), false, 'a 0-based line is invalid');
  });

  test('examples/: valid SARIF 2.1.0, exit 1 as with text, nothing on stderr', () => {
    const r = run(['check', '--format', 'sarif', 'examples']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, '');
    const log = parseSarif(r.stdout);
    const runLog = log.runs[0]!;
    assert.equal(runLog.tool.driver.name, 'secretrefs');
    assert.equal(runLog.tool.driver.version, version);
    assert.equal(runLog.tool.driver.informationUri, undefined, 'no repository address');
    assert.equal(runLog.columnKind, 'utf16CodeUnits');
    assert.deepEqual(runLog.invocations, [{ executionSuccessful: true }]);
    assert.equal(runLog.originalUriBaseIds['%SRCROOT%']!.uri, pathToFileURL(repoRoot).href.replace(/\/?$/, '/'));
  });

  test('one rule per diagnostic code, in order, with help and the code\'s severity as level', () => {
    const log = parseSarif(run(['check', '--format', 'sarif', 'examples']).stdout);
    const rules = log.runs[0]!.tool.driver.rules;
    assert.deepEqual(
      rules.map((r) => r.id),
      allDiagnosticCodes,
    );
    for (const rule of rules) {
      const code = diagnosticCodes[rule.id as keyof typeof diagnosticCodes];
      assert.equal(rule.defaultConfiguration.level, expectedLevel(code.severity), rule.id);
      assert.equal(rule.shortDescription.text, code.summary.replace(/`/g, ''), rule.id);
      assert.match(rule.name, /^[A-Z][A-Za-z0-9]*$/, rule.id);
      for (const text of [rule.fullDescription.text, rule.help.text, rule.help.markdown, rule.fullDescription.markdown]) {
        assert.ok(text.length > code.summary.length, `${rule.id}: help says more than the summary`);
      }
      assert.ok(!rule.help.text.includes('`') && !rule.help.text.includes('**'), `${rule.id}: plain help has no markdown`);
      assert.match(rule.help.markdown, /\*\*How to fix:\*\*/);
    }
    const kv2 = rules.find((r) => r.id === 'kv2-missing-data-prefix')!;
    assert.equal(kv2.name, 'Kv2MissingDataPrefix');
    assert.equal(kv2.defaultConfiguration.level, 'error');
    assert.match(kv2.help.markdown, /`data\/`/);
    assert.equal(rules.find((r) => r.id === 'unused-secret')!.defaultConfiguration.level, 'note');
    assert.equal(rules.find((r) => r.id === 'engine-in-path')!.defaultConfiguration.level, 'warning');
  });

  test('results: same findings as --format json, 1-based regions, ruleIndex points at the rule, %SRCROOT%-relative uris', () => {
    const sarif = parseSarif(run(['check', '--format', 'sarif', 'examples']).stdout);
    const json = run(['check', '--format', 'json', 'examples']);
    assert.deepEqual(resultsAsRows(sarif), jsonAsSarif(json.stdout));
    const runLog = sarif.runs[0]!;
    const artifacts = runLog.artifacts.map((a) => a.location.uri);
    assert.ok(runLog.results.length > 0);
    for (const result of runLog.results) {
      assert.equal(runLog.tool.driver.rules[result.ruleIndex]!.id, result.ruleId);
      const loc = result.locations[0]!.physicalLocation.artifactLocation;
      assert.equal(loc.uriBaseId, '%SRCROOT%');
      assert.ok(loc.uri.startsWith('examples/'), loc.uri);
      assert.equal(artifacts[loc.index], loc.uri, 'index points at the artifact');
      assert.ok(Object.values(result.partialFingerprints)[0]);
    }
    const fingerprints = runLog.results.map((r) => Object.values(r.partialFingerprints)[0]);
    assert.equal(new Set(fingerprints).size, fingerprints.length, 'fingerprints are distinct');
    // Every checked file is an artifact, clean ones too.
    assert.ok(artifacts.includes('examples/connections/oracle.connection.yaml'));
    assert.ok(artifacts.includes('examples/vaults/prod.vault.yaml'));
  });

  test('kv2-missing-data-prefix at a known place: line 8, columns 11-20 of kv2-missing-data.connection.yaml', () => {
    const log = parseSarif(run(['check', '--format', 'sarif', 'examples/connections/broken/kv2-missing-data.connection.yaml']).stdout);
    const results = log.runs[0]!.results;
    assert.deepEqual(
      results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.region.startLine, r.locations[0]!.physicalLocation.region.startColumn]),
      [
        ['kv2-missing-data-prefix', 'error', 8, 11],
        ['kv2-missing-data-prefix', 'error', 14, 44],
      ],
    );
    assert.deepEqual(results[0]!.locations[0]!.physicalLocation.region, { startLine: 8, startColumn: 11, endLine: 8, endColumn: 20 });
    assert.equal(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, 'examples/connections/broken/kv2-missing-data.connection.yaml');
    assert.match(results[0]!.message.text, /data\/oracle-qa/);
  });

  test('from inside examples/: uris have no prefix, and the text and SARIF positions agree', () => {
    const sarif = parseSarif(run(['check', '--format', 'sarif'], examples).stdout);
    const text = run(['check'], examples).stdout.trim().split('\n');
    const rows = resultsAsRows(sarif);
    assert.equal(rows.length, text.length);
    rows.forEach((row, i) => assert.ok(text[i]!.startsWith(`${row[0]}:${row[1]}:${row[2]}: `), `${text[i]} ~ ${row.join(':')}`));
    assert.ok(rows.every(([uri]) => !uri.startsWith('examples/')));
  });

  describe('a workspace with every severity', () => {
    const vault = `name: prod
provider: hashicorp
url: https://vault.example.com:8200
tls_skip_verify: true
engines:
  secret: { type: kv, version: 2 }
`;
    const connection = `name: app
vault_secrets:
  - vault: prod
    alias: db
    engine: secret
    path: app/db
  - vault: prod
    alias: spare
    engine: secret
    path: secret/data/spare
value:
  user: vault.secret(db.user)
`;
    // No attachment: vault.secret(user) after two astral characters (2 UTF-16 units each).
    const wide = 'name: wide\nvalue:\n  x: "\u{1F600}\u{1F600} vault.secret(user)"\n';

    test('error, warning and note results; UTF-16 columns; spaces in names percent-encoded', () => {
      const dir = workspace({ 'prod.vault.yaml': vault, 'my app.connection.yaml': connection, 'wide.connection.yaml': wide });
      const r = run(['check', '--format', 'sarif'], dir);
      assert.equal(r.status, 1);
      const log = parseSarif(r.stdout);
      const results = log.runs[0]!.results;
      const levels = new Set(results.map((x) => x.level));
      assert.deepEqual([...levels].sort(), ['error', 'note', 'warning']);
      const byCode = (code: string) => results.filter((x) => x.ruleId === code);
      assert.equal(byCode('kv2-missing-data-prefix')[0]!.level, 'error');
      assert.equal(byCode('engine-in-path')[0]!.level, 'warning');
      assert.equal(byCode('tls-verification-disabled')[0]!.level, 'warning');
      assert.equal(byCode('unused-secret')[0]!.level, 'note');
      assert.equal(byCode('kv2-missing-data-prefix')[0]!.locations[0]!.physicalLocation.artifactLocation.uri, 'my%20app.connection.yaml');

      const noAttachment = byCode('no-attached-secret')[0]!;
      const line = wide.split('\n')[2]!;
      const start = line.indexOf('vault.secret'); // JavaScript indexes count UTF-16 code units
      assert.equal(start, 11);
      assert.deepEqual(noAttachment.locations[0]!.physicalLocation.region, {
        startLine: 3,
        startColumn: start + 1,
        endLine: 3,
        endColumn: start + 'vault.secret(user)'.length + 1,
      });
      assert.deepEqual(resultsAsRows(log), jsonAsSarif(run(['check', '--format', 'json'], dir).stdout));
    });

    test('--disable drops results, not rules; a clean run exits 0 with no results', () => {
      const dir = workspace({ 'prod.vault.yaml': vault.replace('tls_skip_verify: true\n', ''), 'ok.connection.yaml': 'name: ok\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/ok\nvalue:\n  u: vault.secret(user)\n' });
      const clean = run(['check', '--format', 'sarif'], dir);
      assert.equal(clean.status, 0);
      const log = parseSarif(clean.stdout);
      assert.deepEqual(log.runs[0]!.results, []);
      assert.equal(log.runs[0]!.tool.driver.rules.length, allDiagnosticCodes.length);
      assert.deepEqual(log.runs[0]!.artifacts.map((a) => a.location.uri).sort(), ['ok.connection.yaml', 'prod.vault.yaml']);

      const dir2 = workspace({ 'prod.vault.yaml': vault, 'my app.connection.yaml': connection });
      const disabled = run(['check', '--format', 'sarif', '--disable', 'kv2-missing-data-prefix,engine-in-path,tls-verification-disabled,unused-secret'], dir2);
      assert.equal(disabled.status, 0);
      assert.deepEqual(parseSarif(disabled.stdout).runs[0]!.results, []);
    });

    test('a file outside the current folder gets an absolute file: uri; a binary file is a result', () => {
      const dir = workspace({ 'prod.vault.yaml': vault, 'bin.connection.yaml': Buffer.from([0x6e, 0x00, 0x01, 0x02]) });
      const elsewhere = workspace({});
      const r = run(['check', '--format', 'sarif', dir], elsewhere);
      assert.equal(r.status, 1);
      const log = parseSarif(r.stdout);
      const binary = log.runs[0]!.results.find((x) => x.ruleId === 'unreadable-file')!;
      const loc = binary.locations[0]!.physicalLocation;
      assert.equal(loc.artifactLocation.uri, pathToFileURL(path.join(dir, 'bin.connection.yaml')).href);
      assert.equal(loc.artifactLocation.uriBaseId, undefined);
      assert.deepEqual(loc.region, { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 });
    });

    test('a missing path: exit 2 and no output, as with the other formats', () => {
      const r = run(['check', '--format', 'sarif', 'no-such-folder']);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /cannot read "no-such-folder"/);
    });
  });
});
