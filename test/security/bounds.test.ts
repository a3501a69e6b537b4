/**
 * Bounded inputs: settings clamped to sane ranges, a cap on the files read, patterns that cannot
 * reach outside the workspace folder, and a CA certificate file that must be a regular file of at
 * most 1 MiB (checked on the open handle). Every refusal is said; nothing disappears silently.
 * The CLI runs are the built `dist/cli.js` (`npm run build` first), each in a child process with
 * a timeout, so a hang fails the test instead of the run.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { normalizeSettings, settingBounds } from '../../shared/src/settings';
import { readCaCertificate } from '../../server/src/live/caCertificate';
import { makeFolder, startHarness } from '../helpers/lspHarness';
import { Attacker } from './attacker';

const repoRoot = join(__dirname, '..', '..');
const cli = join(repoRoot, 'dist', 'cli.js');
const isWindows = process.platform === 'win32';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI with a clean environment (no developer token): fails the test when it is killed or times out. */
function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...options.env },
  });
  assert.equal(r.error, undefined, `secretrefs ${args.join(' ')}: ${r.error?.message}`);
  assert.equal(r.signal, null, `secretrefs ${args.join(' ')} was killed by ${r.signal}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('settings that bound inputs are clamped to sane ranges', () => {
  it('clamps the request timeout, the file size and the file count; a non-number is the default', () => {
    const clamp = (files: Record<string, unknown>, live: Record<string, unknown>) => normalizeSettings({ files, live });
    assert.equal(clamp({}, { timeoutSeconds: 0.001 }).live.timeoutSeconds, 1);
    assert.equal(clamp({}, { timeoutSeconds: -5 }).live.timeoutSeconds, 1);
    assert.equal(clamp({}, { timeoutSeconds: 1e9 }).live.timeoutSeconds, 60);
    assert.equal(clamp({}, { timeoutSeconds: Number.POSITIVE_INFINITY }).live.timeoutSeconds, 60);
    assert.equal(clamp({}, { timeoutSeconds: 12 }).live.timeoutSeconds, 12);
    assert.equal(clamp({}, { timeoutSeconds: '9999' }).live.timeoutSeconds, 5);
    assert.equal(clamp({ maxSizeKb: 1e12 }, {}).files.maxSizeKb, 16384);
    assert.equal(clamp({ maxSizeKb: Number.POSITIVE_INFINITY }, {}).files.maxSizeKb, 16384);
    assert.equal(clamp({ maxSizeKb: 0 }, {}).files.maxSizeKb, 1);
    assert.equal(clamp({ maxSizeKb: 300 }, {}).files.maxSizeKb, 300);
    assert.equal(clamp({ maxFiles: 1e9 }, {}).files.maxFiles, 100000);
    assert.equal(clamp({ maxFiles: 0 }, {}).files.maxFiles, 1);
    assert.equal(clamp({ maxFiles: 7.9 }, {}).files.maxFiles, 7);
    assert.equal(clamp({ maxFiles: null }, {}).files.maxFiles, 5000);
  });

  it('package.json declares the same ranges', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    const properties = pkg.contributes.configuration.properties as Record<string, { minimum?: number; maximum?: number }>;
    for (const [key, bounds] of Object.entries(settingBounds)) {
      const property = properties[`secretRefs.${key}`];
      assert.ok(property, `secretRefs.${key} is declared`);
      assert.deepEqual({ minimum: property.minimum, maximum: property.maximum }, bounds, `bounds of secretRefs.${key}`);
    }
  });

  it('the CLI refuses a value out of range with exit 2, naming the range', () => {
    const cases: [string[], RegExp][] = [
      [['check', '--timeout', '0.01'], /--timeout must be a number of seconds from 1 to 60, not "0\.01"/],
      [['check', '--timeout', '100000'], /--timeout must be a number of seconds from 1 to 60, not "100000"/],
      [['check', '--max-size-kb', '99999999'], /--max-size-kb must be a number of kilobytes from 1 to 16384, not "99999999"/],
      [['check', '--max-files', '0'], /--max-files must be a whole number from 1 to 100000, not "0"/],
      [['inventory', '--max-files', '2.5'], /--max-files must be a whole number from 1 to 100000, not "2\.5"/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});

const vault = (name: string) => `name: ${name}\nprovider: hashicorp\nurl: https://vault.example.com:8200\nengines:\n  secret: { type: kv, version: 2 }\n`;
const connection = (name: string, vaultName: string) =>
  `name: ${name}\nvault_secrets:\n  - vault: ${vaultName}\n    engine: secret\n    path: data/${name}\nvalue:\n  password: vault.secret(password)\n`;

describe('a cap on the files read', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'secretrefs-maxfiles-'));
    // A vault configuration at the top (sorting last), twelve connections below it, each naming a vault that does not exist.
    writeFileSync(join(dir, 'zz.vault.yaml'), vault('a'));
    mkdirSync(join(dir, 'conns'));
    for (let i = 0; i < 12; i++) writeFileSync(join(dir, 'conns', `c${String(i).padStart(2, '0')}.connection.yaml`), connection(`c${i}`, 'nowhere'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('check reads at most --max-files files, says so on stderr and exits 2', () => {
    const r = run(['check', '--max-files', '5', '--format', 'json', dir]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /more than 5 files match; only 5 were read \(those nearest the top of the folders\), so this result is incomplete/);
    assert.match(r.stderr, /Raise --max-files/);
    const files = new Set((JSON.parse(r.stdout) as { file: string }[]).map((f) => f.file));
    assert.ok(files.size <= 5, `at most 5 files reported, got ${files.size}`);
    // Some vault configurations may be among those left out: no vault name is called unknown.
    assert.ok(!(JSON.parse(r.stdout) as { code: string }[]).some((f) => f.code === 'unknown-vault'));
  });

  it('inventory says so too and exits 2; within the limit both run as before', () => {
    const r = run(['inventory', '--max-files', '3', dir]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /more than 3 files match; only 3 were read/);
    // The files nearest the top are the ones read: the vault configuration is among them.
    assert.deepEqual((JSON.parse(r.stdout) as { vaults: { name: string }[] }).vaults.map((v) => v.name), ['a']);
    const whole = run(['check', '--max-files', '13', '--format', 'json', dir]);
    assert.equal(whole.status, 1, whole.stderr);
    assert.equal((JSON.parse(whole.stdout) as { code: string }[]).filter((f) => f.code === 'unknown-vault').length, 12);
    assert.doesNotMatch(whole.stderr, /files match/);
  });

  it('the language server reads at most secretRefs.files.maxFiles files and says so once', async () => {
    const folder = makeFolder({ 'a.vault.yaml': vault('a'), ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`c${i}.connection.yaml`, connection(`c${i}`, 'nowhere')])) });
    const h = await startHarness({ folders: [folder.uri], initializationOptions: { settings: { files: { maxFiles: 4 } } } });
    try {
      const warnings = h.notifications.filter((n) => n.method === 'window/showMessage').map((n) => n.params as { type: number; message: string });
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.equal(warnings[0]!.type, 2);
      assert.match(warnings[0]!.message, /more than 4 vault configurations and connections match in this workspace; only 4 were read/);
      assert.match(warnings[0]!.message, /secretRefs\.files\.maxFiles/);
      const status = h.notifications.filter((n) => n.method === 'secretRefs/status').at(-1)!.params as { vaultConfigs: number; connections: number };
      assert.ok(status.vaultConfigs + status.connections <= 4, JSON.stringify(status));
      // A new file on disk past the limit is not read either.
      writeFileSync(join(folder.path, 'late.vault.yaml'), vault('late'));
      await h.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: folder.file('late.vault.yaml'), type: 1 }] });
      const uri = folder.file('c1.connection.yaml');
      h.open(uri, connection('c1', 'nowhere'));
      // Vault names are not called unknown while files are left out.
      const diagnostics = await h.waitForDiagnostics(uri, () => true);
      assert.ok(!diagnostics.some((d) => d.code === 'unknown-vault'), JSON.stringify(diagnostics));
      const after = h.notifications.filter((n) => n.method === 'secretRefs/status').at(-1)!.params as { vaultConfigs: number; connections: number };
      assert.ok(after.vaultConfigs + after.connections <= 4, JSON.stringify(after));
      assert.equal(h.notifications.filter((n) => n.method === 'window/showMessage').length, 1, 'said once');
    } finally {
      await h.dispose();
      folder.dispose();
    }
  });
});

describe('patterns cannot make the server read outside the workspace folder', () => {
  const hostile = ['../**', '../../**/*.yaml', '/**', '**', '**/../**'];

  it('the language server indexes only files inside the folder, whatever the patterns, and ignores events from outside', async () => {
    const root = mkdtempSync(join(tmpdir(), 'secretrefs-outside-'));
    mkdirSync(join(root, 'ws'));
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'ws', 'inside.vault.yaml'), vault('inside'));
    writeFileSync(join(root, 'outside', 'secret.vault.yaml'), vault('outside'));
    writeFileSync(join(root, 'outside', 'other.yaml'), vault('other'));
    const ws = pathToFileURL(join(root, 'ws')).toString();
    const patterns = [...hostile, `${root.replace(/\\/g, '/')}/**`];
    const h = await startHarness({ folders: [ws], initializationOptions: { settings: { files: { vaultConfigs: patterns, connections: patterns } } } });
    try {
      const status = () => h.notifications.filter((n) => n.method === 'secretRefs/status').at(-1)!.params as { vaultConfigs: number; connections: number };
      assert.equal(status().vaultConfigs + status().connections, 1, JSON.stringify(status()));
      await h.client.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [
          { uri: pathToFileURL(join(root, 'outside', 'secret.vault.yaml')).toString(), type: 1 },
          { uri: pathToFileURL(join(root, 'outside', 'other.yaml')).toString(), type: 2 },
        ],
      });
      // The event is handled before the status that follows it.
      const before = h.notifications.length;
      await h.client.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `${ws}/inside.vault.yaml`, type: 2 }] });
      for (let i = 0; i < 200 && !h.notifications.slice(before).some((n) => n.method === 'secretRefs/status'); i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(status().vaultConfigs + status().connections, 1, JSON.stringify(status()));
    } finally {
      await h.dispose();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the CLI lists only files inside the folders it is given', () => {
    const root = mkdtempSync(join(tmpdir(), 'secretrefs-outside-'));
    try {
      mkdirSync(join(root, 'ws'));
      mkdirSync(join(root, 'outside'));
      writeFileSync(join(root, 'ws', 'inside.vault.yaml'), vault('inside'));
      writeFileSync(join(root, 'outside', 'broken.vault.yaml'), 'name: [unclosed\n');
      const args = ['check', '--format', 'json', ...hostile.flatMap((p) => ['--vault-configs', p, '--connections', p]), join(root, 'ws')];
      const r = run(args);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), []);
      assert.match(run(args.filter((a) => a !== '--format' && a !== 'json')).stderr, /no problems \(1 file checked\)/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('ca_certificate: a regular file of at most 1 MiB, or a diagnostic saying why', { skip: isWindows }, () => {
  let dir: string;
  let attacker: Attacker;
  const token = 'hvs.CANARY-ca-certificate-token';
  before(async () => {
    attacker = await Attacker.start({ canaries: [token] });
    dir = mkdtempSync(join(tmpdir(), 'secretrefs-ca-'));
    mkdirSync(join(dir, 'certs'));
    spawnSync('mkfifo', [join(dir, 'certs', 'fifo.pem')]);
    writeFileSync(join(dir, 'certs', 'big.pem'), `-----BEGIN CERTIFICATE-----\n${'A'.repeat(2 * 1024 * 1024)}\n-----END CERTIFICATE-----\n`);
    writeFileSync(join(dir, 'certs', 'text.pem'), 'not a certificate\n');
    symlinkSync('/dev/zero', join(dir, 'certs', 'link.pem'));
    const cases: Record<string, string> = {
      zero: '/dev/zero',
      fifo: 'certs/fifo.pem',
      big: 'certs/big.pem',
      link: 'certs/link.pem',
      text: 'certs/text.pem',
      folder: 'certs',
      missing: 'certs/none.pem',
    };
    for (const [name, ca] of Object.entries(cases)) {
      writeFileSync(join(dir, `${name}.vault.yaml`), `name: ${name}\nprovider: hashicorp\nurl: ${attacker.url}\nca_certificate: ${ca}\nengines:\n  secret: { type: kv, version: 2 }\n`);
      writeFileSync(join(dir, `${name}.connection.yaml`), connection(name, name));
    }
  });
  after(async () => {
    await attacker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('each unusable file gives vault-unreachable naming the file and the reason; Vault is not contacted', () => {
    const r = run(['check', '--live', '--format', 'json', dir], { env: { VAULT_TOKEN: token, VAULT_ADDR: attacker.url } });
    const findings = JSON.parse(r.stdout) as { file: string; code: string; message: string }[];
    const message = (name: string) => {
      const found = findings.filter((f) => f.file.endsWith(`${name}.connection.yaml`) && f.code === 'vault-unreachable');
      assert.equal(found.length, 1, `${name}: ${JSON.stringify(findings.filter((f) => f.file.endsWith(`${name}.connection.yaml`)))}`);
      return found[0]!.message;
    };
    assert.match(message('zero'), /CA certificate file \(ca_certificate `\/dev\/zero`\) cannot be used: it is not a regular file \(a character device\)/);
    assert.match(message('fifo'), /ca_certificate `certs\/fifo\.pem`\) cannot be used: it is not a regular file \(a named pipe\)/);
    assert.match(message('big'), /ca_certificate `certs\/big\.pem`\) cannot be used: it is 2\.0 MiB, larger than the 1 MiB a CA certificate file may be/);
    assert.match(message('link'), /ca_certificate `certs\/link\.pem`\) cannot be used: it is not a regular file \(a character device\)/);
    assert.match(message('text'), /ca_certificate `certs\/text\.pem`\) cannot be used: it holds no PEM certificate/);
    assert.match(message('folder'), /ca_certificate `certs`\) cannot be used: it is not a regular file \(a directory\)/);
    assert.match(message('missing'), /ca_certificate `certs\/none\.pem`\) cannot be used: no such file or directory/);
    assert.equal(attacker.requests.length, 0, 'Vault is not contacted without its CA');
    assert.equal(attacker.credentialsReceived(), 0);
  });

  it('VAULT_CACERT is held to the same rule', () => {
    const solo = mkdtempSync(join(tmpdir(), 'secretrefs-ca-env-'));
    try {
      writeFileSync(join(solo, 'env.vault.yaml'), `name: env\nprovider: hashicorp\nurl: ${attacker.url}\nengines:\n  secret: { type: kv, version: 2 }\n`);
      writeFileSync(join(solo, 'env.connection.yaml'), connection('env', 'env'));
      const r = run(['check', '--live', '--format', 'json', solo], { env: { VAULT_TOKEN: token, VAULT_ADDR: attacker.url, VAULT_CACERT: '/dev/zero' } });
      const findings = JSON.parse(r.stdout) as { code: string; message: string }[];
      assert.ok(
        findings.some((f) => f.code === 'vault-unreachable' && /CA certificate file \(VAULT_CACERT `\/dev\/zero`\) cannot be used: it is not a regular file/.test(f.message)),
        JSON.stringify(findings),
      );
      assert.equal(attacker.credentialsReceived(), 0);
    } finally {
      rmSync(solo, { recursive: true, force: true });
    }
  });

  it('reads a PEM file through the open handle; a FIFO does not block the open', async () => {
    const pem = join(dir, 'certs', 'ok.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    assert.deepEqual(await readCaCertificate(pem), { ok: true, pem: readFileSync(pem, 'utf8') });
    // No writer ever opens the FIFO: a blocking open would never return.
    assert.deepEqual(await readCaCertificate(join(dir, 'certs', 'fifo.pem')), { ok: false, reason: 'it is not a regular file (a named pipe)' });
  });
});
