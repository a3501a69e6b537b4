/**
 * End-to-end tests of the built `secretrefs` CLI (dist/cli.js; `npm test` builds it first).
 * Every run is a child process with a timeout, so a hang or a crash fails the test instead of the run.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { usageText } from '../../server/src/cli/args';
import { allDiagnosticCodes } from '../../server/src/service/diagnostics/codes';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(repoRoot, 'dist', 'cli.js');
const examples = path.join(repoRoot, 'examples');
const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `node dist/cli.js ...args`; fails the test if it is killed, times out or does not exit normally. */
function run(args: string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Run {
  const started = Date.now();
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 20_000,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, SECRETREFS_DEBUG: '', ...options.env },
  });
  const ms = Date.now() - started;
  assert.equal(r.error, undefined, `secretrefs ${args.join(' ')}: ${r.error?.message} (after ${ms} ms)`);
  assert.equal(r.signal, null, `secretrefs ${args.join(' ')} was killed by ${r.signal}`);
  assertNoCrash(r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms };
}

/** Neither a stack trace nor a raw JavaScript error name may reach the user. */
function assertNoCrash(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at\s/m, `stack trace in stderr:\n${stderr.slice(0, 2000)}`);
  assert.doesNotMatch(stderr, /node:internal|\b(Type|Range|Reference|Syntax)Error\b/, `crash in stderr:\n${stderr.slice(0, 2000)}`);
}

// file:line:col: severity code message
const findingLine = /^(.+):(\d+):(\d+): (error|warning|info|hint) ([a-z0-9]+(?:-[a-z0-9]+)*) (\S.*)$/;
const summaryLine =
  /^(?:no problems \(\d+ files? checked\)|\d+ errors?, \d+ warnings?(?:, \d+ infos?)?(?:, \d+ hints?)? in \d+ files? \(\d+ checked\))$/;

interface TextFinding {
  file: string;
  line: number;
  col: number;
  severity: string;
  code: string;
  message: string;
}

function parseText(stdout: string): TextFinding[] {
  if (stdout === '') return [];
  assert.ok(stdout.endsWith('\n'), 'text output ends with a newline');
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const m = findingLine.exec(line);
      assert.ok(m, `line does not have the shape file:line:col: severity code message: ${JSON.stringify(line.slice(0, 300))}`);
      return { file: m[1]!, line: Number(m[2]), col: Number(m[3]), severity: m[4]!, code: m[5]!, message: m[6]! };
    });
}

/** The stderr of a text run: nothing but the summary line. */
function summaryOf(stderr: string): string {
  assert.match(stderr, /\n$/);
  const lines = stderr.slice(0, -1).split('\n');
  assert.equal(lines.length, 1, `stderr holds only the summary:\n${stderr}`);
  assert.match(lines[0]!, summaryLine);
  return lines[0]!;
}

interface JsonFinding {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: string;
  code: string;
  message: string;
}

function parseJson(stdout: string): JsonFinding[] {
  const value: unknown = JSON.parse(stdout);
  assert.ok(Array.isArray(value), 'JSON output is an array');
  for (const item of value as Record<string, unknown>[]) {
    assert.deepEqual(Object.keys(item).sort(), ['code', 'file', 'message', 'range', 'severity']);
    assert.equal(typeof item.file, 'string');
    assert.ok(['error', 'warning', 'info', 'hint'].includes(item.severity as string), `severity ${String(item.severity)}`);
    assert.ok((allDiagnosticCodes as string[]).includes(item.code as string), `code ${String(item.code)}`);
    assert.equal(typeof item.message, 'string');
    const range = item.range as JsonFinding['range'];
    for (const p of [range.start, range.end]) {
      assert.ok(Number.isInteger(p.line) && p.line >= 0, 'line is a 0-based integer');
      assert.ok(Number.isInteger(p.character) && p.character >= 0, 'character is a 0-based integer');
    }
    assert.ok(
      range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character),
      'range start is not after its end',
    );
  }
  return value as JsonFinding[];
}

// ---------------------------------------------------------------------------------------------
// Temporary workspaces

const tempRoots: string[] = [];

/** A fresh folder (symlinks resolved, so paths compare equal) holding `files`. */
function workspace(files: Record<string, string | Buffer>): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'secretrefs-cli-')));
  tempRoots.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

after(() => {
  for (const dir of tempRoots) rmSync(dir, { recursive: true, force: true });
});

const prodVault = `name: prod
provider: hashicorp
url: https://vault.example.com:8200
engines:
  secret: { type: kv, version: 2 }
  legacy: { type: kv, version: 1 }
`;

const goodConnection = `name: oracle
connector_type: SQLORACLE
vault_secrets:
  - vault: prod
    engine: secret
    path: data/oracle
value:
  host: my-oracle-server
  user: vault.secret(user)
  password: vault.secret(password)
`;

// Line 6 (1-based): a KV v2 path without data/.
const missingDataPrefix = `name: broken
connector_type: SQLORACLE
vault_secrets:
  - vault: prod
    engine: secret
    path: oracle
value:
  user: vault.secret(user)
  password: vault.secret(password)
`;

// Line 6 (1-based): a KV v1 path that starts with data/ — a warning only.
const kv1DataPrefix = `name: legacy
connector_type: SQLORACLE
vault_secrets:
  - vault: prod
    engine: legacy
    path: data/old
value:
  password: vault.secret(password)
`;

before(() => {
  assert.ok(existsSync(cli), `${cli} is missing: run "npm run build" first (npm test does)`);
});

// ---------------------------------------------------------------------------------------------

describe('usage', () => {
  test('no arguments: usage on stderr, exit 2', () => {
    const r = run([]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, usageText);
    assert.ok(usageText.startsWith('Usage: secretrefs check [options] [PATH...]\n'));
  });

  for (const flag of ['-h', '--help']) {
    test(`${flag}: usage on stdout, exit 0`, () => {
      const r = run([flag]);
      assert.equal(r.status, 0);
      assert.equal(r.stdout, usageText);
      assert.equal(r.stderr, '');
    });
  }

  test('help wins wherever it appears before --', () => {
    assert.equal(run(['check', '--format', 'xml', '--help']).status, 0);
    assert.equal(run(['frobnicate', '-h']).stdout, usageText);
  });

  test('usage names every option', () => {
    for (const option of ['--format text|json', '--vault-configs GLOB', '--connections GLOB', '--exclude GLOB', '--disable CODE', '--max-size-kb N', '-h, --help', '--version']) {
      assert.ok(usageText.includes(option), option);
    }
  });

  test('--version prints the package version', () => {
    const r = run(['--version']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${version}\n`);
    assert.equal(r.stderr, '');
  });

  const usageErrors: [string[], string][] = [
    [['frobnicate'], 'secretrefs: unknown command "frobnicate"; the commands are "check", "inventory" and "local" (see "secretrefs --help")\n'],
    [['--format', 'json'], 'secretrefs: no command given; the commands are "check", "inventory" and "local" (see "secretrefs --help")\n'],
    [['check', '--frobnicate'], 'secretrefs: unknown option "--frobnicate" (see "secretrefs --help")\n'],
    [['check', '--frobnicate=1'], 'secretrefs: unknown option "--frobnicate" (see "secretrefs --help")\n'],
    [['check', '-x'], 'secretrefs: unknown option "-x" (see "secretrefs --help")\n'],
    [['check', '--format', 'xml'], 'secretrefs: --format must be "text", "json" or "sarif", not "xml"\n'],
    [['check', '--format=yaml'], 'secretrefs: --format must be "text", "json" or "sarif", not "yaml"\n'],
    [['check', '--format'], 'secretrefs: option "--format" needs a value\n'],
    [['check', '--format', '--disable', 'yaml-syntax'], 'secretrefs: option "--format" needs a value\n'],
    [['check', '--exclude='], 'secretrefs: option "--exclude" needs a value\n'],
    [['check', '--max-size-kb', 'abc'], 'secretrefs: --max-size-kb must be a number of kilobytes from 1 to 16384, not "abc"\n'],
    [['check', '--max-size-kb', '0'], 'secretrefs: --max-size-kb must be a number of kilobytes from 1 to 16384, not "0"\n'],
    [['--version=2'], 'secretrefs: option "--version" takes no value\n'],
    [
      ['check', '--disable', 'no-such-code'],
      `secretrefs: unknown diagnostic code "no-such-code" for --disable; valid codes: ${allDiagnosticCodes.join(', ')}\n`,
    ],
    [
      ['check', '--disable', 'yaml-syntax,bogus'],
      `secretrefs: unknown diagnostic code "bogus" for --disable; valid codes: ${allDiagnosticCodes.join(', ')}\n`,
    ],
  ];
  for (const [args, message] of usageErrors) {
    test(`bad usage: secretrefs ${args.join(' ')}`, () => {
      const r = run(args);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, message);
    });
  }

  test('the --disable message lists every diagnostic code', () => {
    const r = run(['check', '--disable', 'nope']);
    for (const code of allDiagnosticCodes) assert.ok(r.stderr.includes(code), code);
  });
});

describe('unreadable input', () => {
  test('a path that does not exist: exit 2, one clear line, nothing checked', () => {
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'bad.connection.yaml': missingDataPrefix });
    const r = run(['check', '.', 'does-not-exist'], { cwd: dir });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'secretrefs: cannot read "does-not-exist": no such file or directory\n');
  });

  test('every missing path is named', () => {
    const r = run(['check', 'nope-1', 'nope/2.connection.yaml', '--format', 'json']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      'secretrefs: cannot read "nope-1": no such file or directory\n' +
        'secretrefs: cannot read "nope/2.connection.yaml": no such file or directory\n',
    );
  });

  test('after --, arguments are paths even when they look like options', () => {
    const r = run(['check', '--', '--help']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'secretrefs: cannot read "--help": no such file or directory\n');
  });
});

describe('checking a workspace', () => {
  test('a clean workspace: exit 0, empty stdout, "no problems" summary', () => {
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'conn/oracle.connection.yaml': goodConnection });
    const r = run(['check'], { cwd: dir });
    assert.equal(r.stdout, '', 'no findings');
    assert.equal(r.stderr, 'no problems (2 files checked)\n');
    assert.equal(r.status, 0);

    const json = run(['check', '--format', 'json'], { cwd: dir });
    assert.equal(json.status, 0);
    assert.deepEqual(parseJson(json.stdout), []);
    assert.equal(json.stderr, '', 'JSON runs print no summary');
  });

  test('an error: exit 1, one finding line, summary on stderr', () => {
    const dir = workspace({
      'prod.vault.yaml': prodVault,
      'oracle.connection.yaml': goodConnection,
      'bad.connection.yaml': missingDataPrefix,
    });
    const r = run(['check', '.'], { cwd: dir });
    assert.equal(r.status, 1);
    const findings = parseText(r.stdout);
    assert.equal(findings.length, 1, r.stdout);
    const [f] = findings;
    assert.equal(f!.file, 'bad.connection.yaml');
    assert.equal(f!.line, 6);
    assert.equal(f!.severity, 'error');
    assert.equal(f!.code, 'kv2-missing-data-prefix');
    assert.equal(summaryOf(r.stderr), '1 error, 0 warnings in 1 file (3 checked)');
  });

  test('warnings alone: exit 0', () => {
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'legacy.connection.yaml': kv1DataPrefix });
    const r = run(['check'], { cwd: dir });
    assert.equal(r.status, 0, r.stdout);
    const findings = parseText(r.stdout);
    assert.deepEqual(
      findings.map((f) => [f.file, f.line, f.severity, f.code]),
      [['legacy.connection.yaml', 6, 'warning', 'kv1-unexpected-data-prefix']],
    );
    assert.equal(summaryOf(r.stderr), '0 errors, 1 warning in 1 file (2 checked)');
  });

  test('text and JSON agree; JSON ranges are 0-based, text positions 1-based', () => {
    const dir = workspace({
      'prod.vault.yaml': prodVault,
      'a/bad.connection.yaml': missingDataPrefix,
      'b/legacy.connection.yaml': kv1DataPrefix,
    });
    const text = parseText(run(['check'], { cwd: dir }).stdout);
    const json = parseJson(run(['check', '--format', 'json'], { cwd: dir }).stdout);
    assert.equal(json.length, text.length);
    assert.ok(json.length >= 2);
    json.forEach((j, i) => {
      const t = text[i]!;
      assert.equal(j.file, t.file);
      assert.equal(j.range.start.line + 1, t.line);
      assert.equal(j.range.start.character + 1, t.col);
      assert.equal(j.severity, t.severity);
      assert.equal(j.code, t.code);
      assert.equal(j.message.replace(/\s*[\r\n]+\s*/g, ' ').trim(), t.message);
    });
    assert.deepEqual(
      json.map((j) => j.file),
      [path.join('a', 'bad.connection.yaml'), path.join('b', 'legacy.connection.yaml')],
      'sorted by file',
    );
  });

  test('file names are relative to the working directory when inside it, absolute otherwise', () => {
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'sub/bad.connection.yaml': missingDataPrefix });
    const parent = path.dirname(dir);
    const name = path.basename(dir);

    const inside = parseText(run(['check', name], { cwd: parent }).stdout);
    assert.deepEqual(inside.map((f) => f.file), [path.join(name, 'sub', 'bad.connection.yaml')]);

    const deeper = parseText(run(['check', '..'], { cwd: path.join(dir, 'sub') }).stdout);
    assert.deepEqual(deeper.map((f) => f.file), ['bad.connection.yaml']);

    const elsewhere = workspace({});
    const outside = parseText(run(['check', dir], { cwd: elsewhere }).stdout);
    assert.deepEqual(outside.map((f) => f.file), [path.join(dir, 'sub', 'bad.connection.yaml')]);
  });

  test('a file given explicitly is checked', () => {
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'bad.connection.yaml': missingDataPrefix, 'other.connection.yaml': missingDataPrefix });
    const r = run(['check', 'bad.connection.yaml'], { cwd: dir });
    assert.equal(r.status, 1);
    const files = new Set(parseText(r.stdout).map((f) => f.file));
    assert.deepEqual([...files], ['bad.connection.yaml']);
  });

  test('--disable drops a code (and may be repeated or comma-separated)', () => {
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'bad.connection.yaml': missingDataPrefix, 'legacy.connection.yaml': kv1DataPrefix });
    const one = run(['check', '--disable', 'kv2-missing-data-prefix'], { cwd: dir });
    assert.equal(one.status, 0);
    assert.deepEqual(parseText(one.stdout).map((f) => f.code), ['kv1-unexpected-data-prefix']);

    const both = run(['check', '--disable', 'kv2-missing-data-prefix', '--disable=kv1-unexpected-data-prefix'], { cwd: dir });
    assert.equal(both.status, 0);
    assert.equal(both.stdout, '');
    assert.equal(both.stderr, 'no problems (3 files checked)\n');

    const comma = run(['check', '--disable', 'kv2-missing-data-prefix,kv1-unexpected-data-prefix'], { cwd: dir });
    assert.equal(comma.stdout, '');
  });

  test('--connections replaces the default connection patterns', () => {
    const dir = workspace({
      'prod.vault.yaml': prodVault,
      'bad.connection.yaml': missingDataPrefix,
      'conns/custom.yml': missingDataPrefix,
    });
    const r = run(['check', '--connections', 'conns/*.yml'], { cwd: dir });
    assert.equal(r.status, 1);
    assert.deepEqual(
      parseText(r.stdout).map((f) => [f.file, f.code]),
      [[path.join('conns', 'custom.yml'), 'kv2-missing-data-prefix']],
    );
    assert.equal(summaryOf(r.stderr), '1 error, 0 warnings in 1 file (2 checked)');
  });

  test('--vault-configs replaces the default vault configuration patterns', () => {
    const dir = workspace({ 'vaults/prod.yml': prodVault, 'oracle.connection.yaml': goodConnection });
    const found = run(['check', '--vault-configs', 'vaults/*.yml'], { cwd: dir });
    assert.equal(found.stderr, 'no problems (2 files checked)\n');
    assert.equal(found.status, 0);
    // With the default patterns the vault is not found, so the connection names an unknown vault.
    const missing = run(['check'], { cwd: dir });
    assert.equal(missing.status, 1);
    assert.ok(parseText(missing.stdout).some((f) => f.code === 'unknown-vault'), missing.stdout);
  });

  test('--exclude replaces the default exclusions', () => {
    const dir = workspace({
      'prod.vault.yaml': prodVault,
      'node_modules/pkg/bad.connection.yaml': missingDataPrefix,
      'skip/bad.connection.yaml': missingDataPrefix,
    });
    const byDefault = run(['check'], { cwd: dir });
    assert.deepEqual(parseText(byDefault.stdout).map((f) => f.file), [path.join('skip', 'bad.connection.yaml')]);

    const replaced = run(['check', '--exclude', 'skip/**'], { cwd: dir });
    assert.deepEqual(parseText(replaced.stdout).map((f) => f.file), [path.join('node_modules', 'pkg', 'bad.connection.yaml')]);
  });

  test('--max-size-kb: a larger file is reported, not checked', () => {
    const padding = `# ${'x'.repeat(98)}\n`.repeat(30); // ~3 KB of comments
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'bad.connection.yaml': padding + missingDataPrefix });
    const r = run(['check', '--max-size-kb', '1'], { cwd: dir });
    assert.equal(r.status, 0, 'file-too-large is a warning');
    assert.deepEqual(parseText(r.stdout).map((f) => [f.file, f.severity, f.code]), [['bad.connection.yaml', 'warning', 'file-too-large']]);
    assert.equal(run(['check', '--max-size-kb', '4'], { cwd: dir }).status, 1);
  });

  test('an empty folder: nothing checked, exit 0', () => {
    const r = run(['check'], { cwd: workspace({ 'README.md': '# nothing here\n' }) });
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'no problems (0 files checked)\n');
  });
});

describe('hostile input: a diagnostic or a clear error, in bounded time, never a crash', () => {
  /** Checks `dir` in both formats; returns the text findings. */
  function checkBoth(dir: string, extra: string[] = [], timeoutMs?: number): { status: number | null; findings: TextFinding[] } {
    const text = run(['check', ...extra], { cwd: dir, ...(timeoutMs ? { timeoutMs } : {}) });
    const findings = parseText(text.stdout);
    summaryOf(text.stderr);
    const json = run(['check', '--format', 'json', ...extra], { cwd: dir, ...(timeoutMs ? { timeoutMs } : {}) });
    assert.equal(json.status, text.status);
    assert.equal(parseJson(json.stdout).length, findings.length);
    for (const f of findings) assert.ok(f.message.length < 2000, `message of ${f.code} is ${f.message.length} characters long`);
    return { status: text.status, findings };
  }

  test('a binary file: unreadable-file', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe, 0x00, 0x01]);
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'image.connection.yaml': png });
    const { status, findings } = checkBoth(dir);
    assert.equal(status, 1);
    assert.deepEqual(findings.map((f) => [f.file, f.severity, f.code]), [['image.connection.yaml', 'error', 'unreadable-file']]);
  });

  test('a file that is not UTF-8: unreadable-file', () => {
    const latin1 = Buffer.from('name: caf\xe9\ndescription: cr\xe8me br\xfbl\xe9e\n', 'latin1');
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'latin1.connection.yaml': latin1 });
    const { status, findings } = checkBoth(dir);
    assert.equal(status, 1);
    assert.deepEqual(findings.map((f) => [f.file, f.code]), [['latin1.connection.yaml', 'unreadable-file']]);
  });

  test('a binary vault configuration: unreadable-file', () => {
    const dir = workspace({ 'broken.vault.yaml': Buffer.from([0, 1, 2, 3, 0xff, 0, 0xc3]), 'oracle.connection.yaml': goodConnection, 'prod.vault.yaml': prodVault });
    const { status, findings } = checkBoth(dir);
    assert.equal(status, 1);
    assert.deepEqual(findings.map((f) => [f.file, f.code]), [['broken.vault.yaml', 'unreadable-file']]);
  });

  function fiveMegabytes(): string {
    const lines = ['name: big', 'vault_secrets:', '  - vault: prod', '    engine: secret', '    path: data/big', 'value:'];
    let size = lines.join('\n').length;
    for (let i = 0; size < 5 * 1024 * 1024; i++) {
      const line = i % 3 === 0 ? `  key${i}: vault.secret(password${i % 50})` : `  key${i}: plain value number ${i}`;
      lines.push(line);
      size += line.length + 1;
    }
    return `${lines.join('\n')}\n`;
  }

  test('a 5 MB file: file-too-large with the default limit', () => {
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'big.connection.yaml': fiveMegabytes() });
    const { status, findings } = checkBoth(dir);
    assert.equal(status, 0);
    assert.deepEqual(findings.map((f) => [f.file, f.severity, f.code]), [['big.connection.yaml', 'warning', 'file-too-large']]);
  });

  test('a 5 MB file under a raised limit is checked completely', () => {
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'big.connection.yaml': fiveMegabytes() });
    const r = run(['check', '--max-size-kb', '8192'], { cwd: dir, timeoutMs: 40_000 });
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}`);
    assert.ok(!parseText(r.stdout).some((f) => f.code === 'file-too-large'));
    summaryOf(r.stderr);
  });

  test('YAML nested 10,000 deep', () => {
    const deep = `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'deep.connection.yaml': deep });
    const { status, findings } = checkBoth(dir);
    assert.equal(status, 1);
    assert.ok(findings.length >= 1);
    assert.ok(findings.every((f) => f.file === 'deep.connection.yaml'));
    assert.ok(findings.some((f) => f.severity === 'error'), JSON.stringify(findings));
  });

  test('flow maps nested 10,000 deep in a vault configuration', () => {
    const deep = `name: deep\nprovider: local\ndescription: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`;
    const dir = workspace({ 'deep.vault.yaml': deep });
    const { status, findings } = checkBoth(dir);
    assert.equal(status, 1);
    assert.ok(findings.some((f) => f.file === 'deep.vault.yaml' && f.severity === 'error'), JSON.stringify(findings));
  });

  test('a reference 100,000 characters long', () => {
    const key = 'k'.repeat(100_000);
    const connection = `name: long\nvalue:\n  password: vault.secret(${key})\n`;
    const dir = workspace({ 'prod.vault.yaml': prodVault, 'long.connection.yaml': connection });
    const { status, findings } = checkBoth(dir);
    assert.equal(status, 1);
    assert.deepEqual(findings.map((f) => [f.file, f.line, f.code]), [['long.connection.yaml', 3, 'no-attached-secret']]);
  });

  test('an unclosed reference 100,000 characters long', () => {
    const connection = `name: long\nvalue:\n  password: "vault.secret(${'k'.repeat(100_000)}"\n`;
    const dir = workspace({ 'long.connection.yaml': connection });
    const { status, findings } = checkBoth(dir);
    assert.equal(status, 1);
    assert.ok(findings.some((f) => f.code === 'malformed-reference'), JSON.stringify(findings.map((f) => f.code)));
  });

  test('a path below a file: exit 2 with the reason', () => {
    const dir = workspace({ 'prod.vault.yaml': prodVault });
    const r = run(['check', path.join(dir, 'prod.vault.yaml', 'below')], { cwd: dir });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `secretrefs: cannot read "${path.join(dir, 'prod.vault.yaml', 'below')}": a parent of it is not a folder\n`);
  });
});

describe('examples/', () => {
  // examples/ holds good files and files broken on purpose.
  before(() => {
    assert.ok(existsSync(examples), 'examples/ exists');
  });

  test('text: exit 1, well-formed lines, paths relative to the working directory', () => {
    const r = run(['check', 'examples']);
    assert.equal(r.status, 1, 'the broken examples have errors');
    const findings = parseText(r.stdout);
    assert.ok(findings.length > 0);
    for (const f of findings) {
      assert.ok(f.file.startsWith(`examples${path.sep}`), f.file);
      assert.ok(f.line >= 1 && f.col >= 1);
      assert.ok((allDiagnosticCodes as string[]).includes(f.code), f.code);
    }
    const summary = summaryOf(r.stderr);
    const errors = findings.filter((f) => f.severity === 'error').length;
    assert.ok(summary.startsWith(`${errors} error`), summary);
    assert.ok(findings.some((f) => f.code === 'kv2-missing-data-prefix'), 'examples show kv2-missing-data-prefix');
  });

  test('json: same findings as text', () => {
    const text = parseText(run(['check', 'examples']).stdout);
    const r = run(['check', '--format', 'json', 'examples']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, '');
    const json = parseJson(r.stdout);
    assert.deepEqual(
      json.map((j) => [j.file, j.range.start.line + 1, j.range.start.character + 1, j.severity, j.code]),
      text.map((t) => [t.file, t.line, t.col, t.severity, t.code]),
    );
  });

  test('matches examples/expected-diagnostics.json exactly (file, line, code), every listed file checked', () => {
    const expected = (JSON.parse(readFileSync(path.join(examples, 'expected-diagnostics.json'), 'utf8')) as {
      files: Record<string, { line: number; code: string }[]>;
    }).files;
    const r = run(['check', '--format', 'json'], { cwd: examples });
    const actual: Record<string, { line: number; code: string }[]> = Object.fromEntries(Object.keys(expected).map((f) => [f, []]));
    for (const j of parseJson(r.stdout)) {
      const key = j.file.split(path.sep).join('/');
      (actual[key] ??= []).push({ line: j.range.start.line + 1, code: j.code });
    }
    const order = (list: { line: number; code: string }[]) => [...list].sort((a, b) => a.line - b.line || a.code.localeCompare(b.code));
    assert.deepEqual(
      Object.fromEntries(Object.entries(actual).map(([f, list]) => [f, order(list)])),
      Object.fromEntries(Object.entries(expected).map(([f, list]) => [f, order(list)])),
    );
    const text = run(['check'], { cwd: examples });
    assert.match(summaryOf(text.stderr), new RegExp(`\\(${Object.keys(expected).length} checked\\)$`));
  });

  test('from inside examples/, paths have no prefix', () => {
    const r = run(['check'], { cwd: examples });
    for (const f of parseText(r.stdout)) assert.ok(!f.file.startsWith('examples') && !path.isAbsolute(f.file), f.file);
  });

  test('disabling every reported code gives exit 0 and no output', () => {
    const codes = [...new Set(parseText(run(['check', 'examples']).stdout).map((f) => f.code))];
    const r = run(['check', 'examples', ...codes.flatMap((c) => ['--disable', c])]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^no problems \(\d+ files checked\)\n$/);
  });
});
