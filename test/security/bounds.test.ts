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
import { after, before, describe, it } from 'node:test';
import { readCaCertificate } from '../../server/src/live/caCertificate';
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

const connection = (name: string, vaultName: string) =>
  `name: ${name}\nvault_secrets:\n  - vault: ${vaultName}\n    engine: secret\n    path: data/${name}\nvalue:\n  password: vault.secret(password)\n`;

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
