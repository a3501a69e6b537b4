/**
 * A repository's text and a secret manager's answers stay text: a hostile repository (vault
 * configuration, connection, file names, field names) and a hostile Vault (metadata, times,
 * custom_metadata, key names, capabilities) carry Markdown links and images, HTML, a forged
 * `command:secretRefs.previewSecret` link, a `\n\n` that breaks out of a code span, terminal codes
 * (ESC ] 0 ; title BEL, ESC [ 2J, a carriage return writing a fake "all checks passed") and bidi
 * overrides. None of it becomes a link, an image, HTML, a command or a control byte in a hover,
 * a diagnostic, the server's log, the CLI's output or the client's notifications, status and
 * output channel.
 *
 * The hostile Vault is the real fake (test/fakes/fakeVault.ts) behind a loopback relay that
 * rewrites what only a server decides (times, capabilities) in its otherwise real answers.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import type * as vscode from 'vscode';
import { newSessionKey, sessionKeyEnv } from '../../shared/src/sealing';
import { previewSecretRequest, troubleshootRequest, type PreviewSecretParams, type VaultSummary } from '../../shared/src/customMessages';
import { FakeVault } from '../fakes/fakeVault';
import { editorCredentials } from '../helpers/editorCredentials';
import { makeFolder, startHarness, type Harness } from '../helpers/lspHarness';
import { markdownShape } from '../helpers/markdown';
import { editorAt, type Harness as ClientHarness } from '../client/fakes';
import { started, vaults } from '../client/helpers';
import { Attacker, type AttackerReply, type AttackerRequest } from './attacker';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');

// ---------------------------------------------------------------------------------------------
// The payloads

const forgedPreview =
  '[Preview value…](command:secretRefs.previewSecret?%5B%7B%22uri%22%3A%22file%3A%2F%2F%2Fetc%2Fpasswd%22%2C%22line%22%3A0%2C%22character%22%3A0%7D%5D)';
const markdown = `${forgedPreview} ![pixel](https://evil.example/pixel.png) <img src="https://evil.example/i.png"> <https://evil.example/auto> www.evil.com`;
const terminal = '\u001b]0;pwned\u0007\u001b[2J\r0 problems, all checks passed';
const bidi = 'admin\u202e\u2066gpj.exe\u2069';
const breakout = 'x`\n\n[click](https://evil.example/breakout) `';
const hostile = `${markdown} ${terminal} ${bidi} ${breakout}`;

/** Control characters a terminal or an editor acts on (newline and tab allowed: layout). */
const controlChars = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Any of them, newline and tab included, for one-line texts. */
const anyControl = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** For CLI output: only newlines allowed. */
const outputUnsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** A link VS Code renders in a notification or a status detail (src/vs/base/common/linkedText.ts). */
const linkedText = /\[[^\]]+\]\((?:https?:\/\/|command:|file:)/i;

const yaml = (text: string) => JSON.stringify(text);

/** Every string inside a parsed JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
}

function noControl(text: string, what: string): void {
  const at = controlChars.exec(text);
  assert.equal(at, null, `${what} holds U+${at?.[0].charCodeAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(text.slice(Math.max(0, (at?.index ?? 0) - 60), (at?.index ?? 0) + 60))}`);
}

function hoverText(hover: Hover | null): string {
  assert.ok(hover, 'a hover');
  return (hover.contents as { value: string }).value;
}

/** What the hover renders: no link but `allowed`, no image, no HTML, no control character. */
function assertTextOnly(markdownText: string, allowed: string[] = []): void {
  const shape = markdownShape(markdownText);
  assert.deepEqual(shape.targets, allowed, `links or images in:\n${markdownText}`);
  assert.deepEqual(shape.html, [], `HTML in:\n${markdownText}`);
  noControl(markdownText, 'the hover');
}

// ---------------------------------------------------------------------------------------------
// A hostile Vault: the fake's real answers, with times and capabilities rewritten

const hostileTime = `2024-05-01T10:00:00Z ${markdown} ${terminal}`;
const hostileCapability = `read ${markdown} ${terminal}`;

function tamper(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => tamper(v));
    if ((key === 'capabilities' || key.includes('/')) && items.every((v) => typeof v === 'string')) items.push(hostileCapability);
    return items;
  }
  if (value === null || typeof value !== 'object') {
    return ['created_time', 'updated_time', 'deletion_time'].includes(key) && typeof value === 'string' && value !== '' ? hostileTime : value;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tamper(v, k)]));
}

async function hostileVault(fake: FakeVault): Promise<Attacker> {
  const relay = await Attacker.start();
  relay.respond(async (req: AttackerRequest): Promise<AttackerReply> => {
    const headers: Record<string, string> = {};
    for (const name of ['x-vault-token', 'x-vault-namespace', 'x-vault-request', 'content-type']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const res = await fetch(new URL(req.url, fake.address), { method: req.method, headers, ...(req.body !== '' ? { body: req.body } : {}) });
    let body = await res.text();
    try {
      body = JSON.stringify(tamper(JSON.parse(body)));
    } catch {
      // Not JSON: relayed as it is.
    }
    return { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' }, body };
  });
  return relay;
}

const TOKEN = 'hvs.CANARY-TOKEN-untrusted-text-4471';
const VALUE = 'CANARY-VALUE-untrusted-text-9034';
/** Key names of the secret, as the server lists them. */
const hostileKeys = [`k ${markdown}`, `\u001b[2J`, `b${breakout}`, `r${bidi}`];

async function startHostileVault(): Promise<{ fake: FakeVault; relay: Attacker }> {
  const fake = await FakeVault.start();
  fake.mountKv('secret', 2);
  fake.putSecret('secret', 'oracle', { password: VALUE, ...Object.fromEntries(hostileKeys.map((k) => [k, VALUE])) }, { customMetadata: { [`note ${markdown}`]: hostile, owner: hostile } });
  fake.addToken(TOKEN, {
    policies: [
      { path: 'secret/data/*', capabilities: ['read'] },
      { path: 'secret/subkeys/*', capabilities: ['read'] },
      { path: 'secret/metadata/*', capabilities: ['read', 'list'] },
    ],
  });
  return { fake, relay: await hostileVault(fake) };
}

// ---------------------------------------------------------------------------------------------

describe('untrusted text: hovers, diagnostics and the server log', () => {
  it('a hostile vault configuration and connection show as text in the hover (no link, image, HTML, code span break-out or control)', async () => {
    const folder = makeFolder({
      'prod.vault.yaml': [
        'name: prod',
        'provider: hashicorp',
        `url: ${yaml(`https://vault.example.com/${markdown} ${breakout}`)}`,
        `namespace: ${yaml(`team${breakout}${terminal}`)}`,
        `description: ${yaml(hostile)}`,
        `owner: ${yaml(hostile)}`,
        '',
      ].join('\n'),
    });
    const h = await startHarness({ folders: [folder.uri] });
    try {
      const uri = folder.file('c.connection.yaml');
      const text = [
        'name: c',
        `owner: ${yaml(hostile)}`,
        'vault_secrets:',
        '  - vault: prod',
        '    engine: secret',
        `    path: ${yaml(`data/${breakout}${terminal}`)}`,
        'value:',
        '  p: vault.secret(password)',
        '',
      ].join('\n');
      h.open(uri, text);
      await h.waitForDiagnostics(uri, () => true);
      const value = hoverText((await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 7, character: 20 } })) as Hover);
      assertTextOnly(value);
      assert.ok(value.includes('Description'), value);
      const shown = markdownShape(value).inline.map((t) => t.content).join('');
      assert.ok(shown.includes('![pixel](https://evil.example/pixel.png)'), 'the description is shown, as text');
      const diagnostics = [...h.diagnostics.values()].flat();
      for (const d of diagnostics) noControl(d.message, `diagnostic ${String(d.code)}`);
    } finally {
      await h.dispose();
      folder.dispose();
    }
  });

  describe('with a hostile Vault', () => {
    let fake: FakeVault;
    let relay: Attacker;
    let h: Harness;
    let folder: ReturnType<typeof makeFolder>;

    before(async () => {
      ({ fake, relay } = await startHostileVault());
      folder = makeFolder({
        'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${relay.url}\nengines:\n  secret: { type: kv, version: 2 }\n`,
        'brokenca.vault.yaml': `name: brokenca\nprovider: hashicorp\nurl: ${relay.url}\nca_certificate: ${yaml(`${terminal}${bidi}.pem`)}\n`,
      });
      // The session key makes the server offer its own Preview link, as under the VS Code client,
      // which then answers for the credential (the user signed in and approved the address).
      const sessionKey = newSessionKey();
      h = await startHarness({
        folders: [folder.uri],
        env: { [sessionKeyEnv]: sessionKey },
        onCredential: editorCredentials(sessionKey, () => ({ kind: 'token', token: TOKEN })),
        liveBudgetMs: 3000,
        initializationOptions: { settings: { live: { timeoutSeconds: 3 } } },
      });
    });

    after(async () => {
      await h.dispose();
      await relay.stop();
      await fake.stop();
      folder.dispose();
    });

    it('metadata, times, custom_metadata, key names and capabilities show as text; the only link is the server\'s own Preview link for this position', async () => {
      const uri = folder.file('oracle.connection.yaml');
      h.open(uri, 'name: oracle\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/oracle\nvalue:\n  p: vault.secret(password)\n');
      await h.waitForDiagnostics(uri, () => true, 8000);
      const position = { line: 6, character: 20 };
      let value = '';
      for (let i = 0; i < 50 && !value.includes('**Live**'); i++) {
        value = hoverText((await h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position })) as Hover);
        if (!value.includes('**Live**')) await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(value, /\*\*Live\*\*/);
      assert.ok(!value.includes(VALUE) && !value.includes(TOKEN));
      const [own] = markdownShape(value).targets;
      assert.ok(own?.startsWith('command:secretRefs.previewSecret?'), value);
      assert.deepEqual(JSON.parse(decodeURIComponent(own.slice('command:secretRefs.previewSecret?'.length))), [{ uri, ...position }]);
      assertTextOnly(value, [own]);
      const shape = markdownShape(value);
      const codeSpans = shape.inline.filter((t) => t.type === 'code_inline').map((t) => t.content);
      assert.ok(codeSpans.includes('\\x1B[2J'), `a key with ESC is spelled out in its own code span: ${JSON.stringify(codeSpans)}`);
      assert.ok(codeSpans.includes('bx`\\n\\n[click](https://evil.example/breakout) `'), `the break-out key stays inside its code span: ${JSON.stringify(codeSpans)}`);
      const text = shape.inline.map((t) => t.content).join('');
      assert.ok(text.includes('2024-05-01T10:00:00Z [Preview value…](command:secretRefs.pr'), `the server's time is shown as text:\n${value}`);
    });

    it('a key suggestion from the server and a path in a message hold no control character', async () => {
      const uri = folder.file('keys.connection.yaml');
      h.open(uri, 'name: keys\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/oracle\nvalue:\n  p: vault.secret(x2J)\n');
      const diagnostics: Diagnostic[] = await h.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'unknown-key'), 8000);
      const message = diagnostics.find((d) => d.code === 'unknown-key')!.message;
      assert.match(message, /Did you mean `\\x1B\[2J`/, message);
      for (const d of diagnostics) noControl(d.message, `diagnostic ${String(d.code)}`);
    });

    it('the server log holds no control or bidi character from a path in a vault configuration', async () => {
      const uri = folder.file('ca.connection.yaml');
      h.open(uri, 'name: ca\nvalue:\n  p: vault.secret(brokenca:secret/data/x.k)\n');
      const logs = () => h.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);
      for (let i = 0; i < 80 && !logs().some((m) => m.includes('brokenca')); i++) await new Promise((r) => setTimeout(r, 100));
      const about = logs().filter((m) => m.includes('brokenca'));
      assert.ok(about.length > 0, `a log line about the vault: ${JSON.stringify(logs())}`);
      for (const m of logs()) noControl(m, 'a log message');
      for (const n of h.notifications.filter((x) => x.method === 'window/showMessage')) {
        const m = (n.params as { message: string }).message;
        assert.doesNotMatch(m, linkedText);
        assert.doesNotMatch(m, anyControl);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI, without blocking the event loop (the fake Vault in this process answers meanwhile). */
function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
  });
}

describe('untrusted text: the CLI', () => {
  const fieldName = `[x](https://evil.example/field) ${terminal} ${bidi}`;
  const fileName = `evil${terminal}${bidi}.connection.yaml`;
  let fake: FakeVault;
  let relay: Attacker;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    ({ fake, relay } = await startHostileVault());
    dir = mkdtempSync(join(tmpdir(), 'secretrefs-untrusted-'));
    writeFileSync(join(dir, 'prod.vault.yaml'), `name: prod\nprovider: hashicorp\nurl: ${relay.url}\nengines:\n  secret: { type: kv, version: 2 }\n`);
    writeFileSync(
      join(dir, fileName),
      `name: c\n${yaml(fieldName)}: 1\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/oracle\nvalue:\n  p: vault.secret(x2J)\n`,
    );
    env = { PATH: process.env.PATH ?? '', HOME: dir, VAULT_TOKEN: TOKEN, VAULT_ADDR: relay.url };
  });

  after(async () => {
    await relay.stop();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('text output: no control byte from a file name, a field name or a server\'s key names; one line per finding', async () => {
    const r = await runCli(['check', '--live', '--timeout', '3', '.'], env, dir);
    assert.equal(r.status, 1, r.stderr);
    noControl(r.stdout, 'stdout');
    noControl(r.stderr, 'stderr');
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.every((l) => /^.+:\d+:\d+: (error|warning|info|hint) [a-z-]+ \S/.test(l)), r.stdout);
    assert.ok(lines.some((l) => l.includes('unknown-key') && l.includes('\\x1B[2J')), r.stdout);
    assert.ok(lines.every((l) => l.startsWith('evil\\x1B]0;pwned\\x07\\x1B[2J\\r0 problems, all checks passed')), 'the file name is spelled out');
    assert.ok(!r.stdout.includes(VALUE) && !r.stdout.includes(TOKEN));
  });

  it('JSON output: no raw DEL, C1, line separator or bidi character; the names decode unchanged', async () => {
    const r = await runCli(['check', '--live', '--timeout', '3', '--format', 'json', '.'], env, dir);
    assert.equal(r.status, 1, r.stderr);
    assert.doesNotMatch(r.stdout, outputUnsafe);
    const findings = JSON.parse(r.stdout) as { file: string; message: string }[];
    assert.ok(findings.every((f) => f.file === fileName), 'the file name is kept exactly');
    assert.ok(findings.some((f) => f.message.includes('[x](https://evil.example/field)')));
  });

  it('SARIF output: no raw control character, and no embedded link in a message', async () => {
    const r = await runCli(['check', '--live', '--timeout', '3', '--format', 'sarif', '.'], env, dir);
    assert.equal(r.status, 1, r.stderr);
    assert.doesNotMatch(r.stdout, outputUnsafe);
    const log = JSON.parse(r.stdout) as { runs: { results: { message: { text: string } }[] }[] };
    const messages = log.runs[0]!.results.map((x) => x.message.text);
    assert.ok(messages.length > 0);
    // SARIF 2.1.0 §3.11.6: `[text](target)` in a plain text message is an embedded link; its target may be any URI.
    for (const m of messages) {
      assert.doesNotMatch(m, /\[[^\]]*\]\(/, m);
      assert.doesNotMatch(m, anyControl, m);
    }
  });

  it('inventory output: no raw control character from a file name', async () => {
    const r = await runCli(['inventory', '.'], { PATH: env.PATH, HOME: dir }, dir);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, outputUnsafe);
    assert.ok(stringsIn(JSON.parse(r.stdout)).includes(fileName), 'the file name decodes unchanged');
  });

  it('local vault: key names are listed without control characters; only the value asked for is written as it is', async () => {
    const store = mkdtempSync(join(tmpdir(), 'secretrefs-untrusted-local-'));
    const localEnv = { PATH: env.PATH, HOME: dir, SECRETREFS_LOCAL_DIR: store, SECRETREFS_LOCAL_KEY: 'a long passphrase for tests only' };
    try {
      const key = `k${terminal}${bidi}`;
      const value = `v${terminal}`;
      const put = await runCli(['local', 'put', 'dev', 'app', `${key}=${value}`], localEnv, dir);
      assert.equal(put.status, 0, put.stderr);
      noControl(put.stderr, 'put');
      // The local vault refuses a secret name with a control character; the refusal names none either.
      const refused = await runCli(['local', 'put', 'dev', `app${terminal}`, 'k=v'], localEnv, dir);
      assert.notEqual(refused.status, 0);
      assert.doesNotMatch(refused.stderr, outputUnsafe);
      const missing = await runCli(['local', 'get', 'dev', 'app', 'nokey'], localEnv, dir);
      assert.equal(missing.status, 1);
      assert.doesNotMatch(missing.stderr, outputUnsafe);
      assert.match(missing.stderr, /keys: k\\x1B\]0;pwned\\x07/);
      const whole = await runCli(['local', 'get', 'dev', 'app'], localEnv, dir);
      assert.equal(whole.status, 0, whole.stderr);
      assert.doesNotMatch(whole.stdout, outputUnsafe);
      assert.deepEqual(JSON.parse(whole.stdout), { [key]: value });
      const asked = await runCli(['local', 'get', 'dev', 'app', key], localEnv, dir);
      assert.equal(asked.stdout, `${value}\n`, 'the value asked for is written exactly');
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------

const connectionUri = 'file:///ws/a/oracle.connection.yaml';
const connection = ['name: oracle', 'vault_secrets:', '  - vault: prod', '    engine: secret', '    path: data/oracle', 'value:', '  password: vault.secret(password)'].join('\n');

describe('untrusted text: the VS Code client', () => {
  it('Preview Secret Value refuses a forged link argument: another file, a closed file, a file outside the workspace, a position on no reference', async () => {
    const requests: PreviewSecretParams[] = [];
    const s = await started((h: ClientHarness) => {
      h.responders.set(previewSecretRequest, (p: PreviewSecretParams) => {
        requests.push(p);
        return { ok: false, message: 'unexpected' };
      });
      h.workspace.openFile(connectionUri, connection);
      h.workspace.openFile('file:///tmp/outside.connection.yaml', connection);
      h.workspace.fs.put('file:///ws/a/closed.connection.yaml', connection);
    });
    const forged = [
      { uri: 'file:///etc/passwd', line: 0, character: 0 },
      { uri: 'file:///ws/a/closed.connection.yaml', line: 6, character: 20 },
      { uri: 'file:///tmp/outside.connection.yaml', line: 6, character: 20 },
      { uri: connectionUri, line: 0, character: 2 },
      { uri: connectionUri, line: 99, character: 0 },
      { uri: 'file:///ws/a-other/oracle.connection.yaml', line: 6, character: 20 },
      'not an argument',
    ];
    for (const args of forged) {
      await s.run('secretRefs.previewSecret', [args]);
    }
    assert.equal(s.h.window.prompts.length, 0, 'nothing was asked');
    assert.equal(requests.length, 0, 'nothing was read');
    const errors = s.h.window.texts('error');
    assert.equal(errors.length, forged.length);
    for (const e of errors) assert.match(e, /not a vault\.secret\(\.\.\.\) reference in an open file of this workspace; nothing was read/);
    // The server's own argument, for a reference in an open workspace file, is accepted.
    s.h.window.answer(undefined);
    await s.run('secretRefs.previewSecret', [{ uri: connectionUri, line: 6, character: 20 }]);
    assert.equal(s.h.window.prompts.length, 1);
    assert.match(s.h.window.prompts[0]!.message!, /Show the value of `vault\.secret\(password\)`\?/);
  });

  it('a notification quoting the server holds no link and no control character', async () => {
    const s = await started((h: ClientHarness) => {
      h.responders.set(previewSecretRequest, () => ({
        ok: false,
        message: `The secret has no key "[Run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%5Cn%22%7D) ${terminal}".`,
      }));
      const doc = h.workspace.openFile(connectionUri, connection);
      h.window.activeTextEditor = editorAt(doc, 6, 20);
    });
    s.h.window.answer('Show Value');
    await s.run('secretRefs.previewSecret');
    const [error] = s.h.window.texts('error');
    assert.ok(error?.includes('cannot preview the value'), String(error));
    assert.doesNotMatch(error!, linkedText);
    assert.doesNotMatch(error!, anyControl);
  });

  it('the vaults status detail holds no link and no control character, and a tooltip of its own keeps it from becoming trusted Markdown', async () => {
    const hostileVault: VaultSummary = { ...vaults.prod, name: `prod](command:workbench.action.terminal.new) ${terminal}`, access: 'failed' };
    const s = await started(undefined, [hostileVault]);
    const detail = String(s.h.vaultsItem.detail);
    assert.ok(detail.includes('unreachable'), detail);
    assert.doesNotMatch(detail, /\]\(/);
    assert.doesNotMatch(detail, anyControl);
    assert.equal(typeof (s.h.vaultsItem.command as vscode.Command).tooltip, 'string');
    assert.equal(typeof (s.h.statusItem.command as vscode.Command).tooltip, 'string');
  });

  it('the troubleshoot report is one line per step: a server\'s detail cannot forge a step, a result or a terminal code', async () => {
    const s = await started((h: ClientHarness) =>
      h.responders.set(troubleshootRequest, () => ({
        vault: 'prod',
        steps: [
          { name: 'reachable', status: 'error', detail: `HTTP 500\n  ✓ authenticated: ok\n  Result: every check passed.${terminal}` },
          { name: `TLS${bidi}`, status: 'constructor', detail: bidi },
        ],
      })),
    );
    s.h.window.answer('prod');
    await s.run('secretRefs.troubleshoot');
    const lines = s.h.output.lines.filter((l) => l.level === 'info').map((l) => l.message);
    const report = lines.slice(lines.findIndex((l) => l.startsWith('Troubleshooting vault')));
    assert.equal(report.length, 4, JSON.stringify(report));
    for (const line of report) assert.doesNotMatch(line, anyControl, line);
    assert.match(report[1]!, /^ {2}✗ reachable: HTTP 500 +✓ authenticated: ok +Result: every check passed\./);
    assert.match(report[2]!, /^ {2}\? TLS/);
    assert.equal(report[3], '  Result: 1 error, 0 warnings.');
  });
});
