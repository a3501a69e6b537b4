/**
 * End-to-end scenarios in a real VS Code: code-server 4.100.3 (VS Code 1.100.3) with the packaged
 * extension installed, driven in Debian's Chromium through playwright-core, against the fake
 * HashiCorp Vault of test/fakes on 127.0.0.1. Each scenario ends with a screenshot of its final
 * state in test-artifacts/e2e/<name>.png.
 *
 * Run with `npm run test:e2e` (test/e2e/run.sh builds the .vsix first). Needs test/e2e/setup.sh.
 * Environment: E2E_VSIX (the .vsix, default ./secret-references.vsix), E2E_TMP (a scratch
 * folder, default a new one under the system temp folder), E2E_KEEP=1 keeps the scratch folder.
 */
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import type { FakeVault } from '../fakes/fakeVault';
import { readRunningExtensions, readStartupPerformance, runningExtensionsCommand, startupPerformanceCommand } from './src/activation';
import { assertInstalled, codeServerDirs, e2eRoot, installExtension, startCodeServer, writeUserSettings, type RunningCodeServer } from './src/codeServer';
import {
  expectedDiagnostics,
  fakeVaultName,
  files,
  lines,
  paletteTitle,
  prepareWorkspace,
  previewValue,
  repoRoot,
  startFakeVault,
  tokens,
} from './src/fixtures';
import { waitFor } from './src/poll';
import { Workbench, type Marker } from './src/workbench';

const artifacts = path.join(repoRoot, 'test-artifacts', 'e2e');
const vsix = path.resolve(process.env.E2E_VSIX ?? path.join(repoRoot, 'secret-references.vsix'));
const chromiumPath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/** Palette titles of the commands the live scenarios use; undefined while the client lacks one. */
const commands = {
  signIn: paletteTitle('secretRefs.signIn'),
  writeSecret: paletteTitle('secretRefs.writeSecret'),
  previewSecret: paletteTitle('secretRefs.previewSecret'),
  resetCache: paletteTitle('secretRefs.resetCache'),
};

/** `{ todo }` for a scenario whose command the client does not contribute yet. */
function needs(...titles: (string | undefined)[]): { todo?: string } {
  return titles.every((t) => t !== undefined) ? {} : { todo: 'waiting for the command' };
}

/** The value Write Secret enters (it must cross the LSP connection sealed only). */
const writtenValue = 'service-v2-written-from-vscode';

const codes = (markers: Marker[]): string[] => markers.map((m) => m.code).sort();
const fileName = (relativePath: string): string => path.posix.basename(relativePath);

describe('Secret References in VS Code (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let scratch = '';
  let fake: FakeVault;
  let server: RunningCodeServer | undefined;
  let browser: BrowserContext | undefined;
  let wb: Workbench;
  let workspace = '';
  /** Wall-clock milestones of the first start (Date.now()), for activation.json. */
  const startup: { workspaceOpened?: number; editorOpened?: number; firstProblems?: number } = {};

  /** Runs a scenario and always saves its screenshot, failed or not. */
  function scenario(name: string, title: string, options: { todo?: string; timeout?: number }, body: () => Promise<void>): void {
    it(title, { timeout: options.timeout ?? 120_000, ...(options.todo ? { todo: options.todo } : {}) }, async () => {
      if (options.todo) return;
      try {
        await body();
      } finally {
        await wb?.screenshot(name).catch(() => undefined);
      }
    });
  }

  /** Signs in to the fake vault with a token through the command palette, as a person does. */
  async function signIn(token: string): Promise<void> {
    await wb.runCommand(commands.signIn!);
    await wb.pick((item) => item.label === fakeVaultName, `the vault "${fakeVaultName}" in Sign In`);
    await wb.pick((item) => /^token$/i.test(item.label), 'the Token method');
    await wb.waitForQuickInput((s) => s.password, 'the (hidden) token input');
    await wb.answerInput(token);
    await wb.waitForNotification((n) => n.message.includes(`signed in to vault "${fakeVaultName}"`), 'the sign-in confirmation');
  }

  /** Approves sending the credential to the fake's address when the extension asks (once per workspace). */
  async function approveAddressIfAsked(timeout: number, screenshot?: string): Promise<boolean> {
    try {
      const dialog = await wb.waitForDialog((d) => d.message.includes(fake.address), `the question whether to send the credential to ${fake.address}`, timeout);
      assert.ok(dialog.buttons.includes('Allow'), `the dialog offers Allow: ${JSON.stringify(dialog)}`);
      if (screenshot !== undefined) await wb.screenshot(screenshot);
      await wb.clickDialogButton('Allow');
      return true;
    } catch (error) {
      if ((await wb.readDialog()) !== undefined) throw error;
      return false;
    }
  }

  /** Successful reads of the fake under the `secret` engine since `from`. */
  const secretReads = (from = 0): number =>
    fake.requests.slice(from).filter((r) => r.path.startsWith('secret/') && r.outcome === 200).length;

  before(async () => {
    assertInstalled();
    assert.ok(existsSync(vsix), `the extension package ${vsix} exists (run "npm run package" first)`);
    assert.ok(existsSync(chromiumPath), `Chromium is installed at ${chromiumPath} (run test/e2e/setup.sh)`);
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    scratch = process.env.E2E_TMP ? path.resolve(process.env.E2E_TMP) : mkdtempSync(path.join(os.tmpdir(), 'secretrefs-e2e-'));
    mkdirSync(scratch, { recursive: true });

    fake = await startFakeVault();
    workspace = prepareWorkspace(path.join(scratch, 'workspace'), fake.address);
    const dirs = codeServerDirs(path.join(scratch, 'code-server'));
    writeUserSettings(dirs);
    await installExtension(dirs, vsix);
    server = await startCodeServer(dirs, workspace, path.join(artifacts, 'code-server.log'));

    browser = await chromium.launchPersistentContext(path.join(scratch, 'chromium-profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
      viewport: { width: 1440, height: 900 },
      timeout: 60_000,
    });
    // tsx compiles with esbuild's keepNames, which wraps named functions in `__name(...)`; the
    // functions given to page.evaluate run in the page, where that helper must exist too.
    await browser.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(20_000);
    wb = new Workbench(page, artifacts);
    startup.workspaceOpened = Date.now();
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    await wb.waitReady();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    if (fake !== undefined) {
      // What the fake Vault was asked (paths and statuses; tokens are not recorded).
      writeFileSync(path.join(artifacts, 'fake-vault-requests.json'), `${JSON.stringify(fake.requests, null, 1)}\n`);
      await fake.stop().catch(() => undefined);
    }
    // The extension's log (with the LSP trace: credentials and values cross it sealed only).
    const logs = path.join(scratch, 'code-server', 'user-data', 'logs');
    if (scratch !== '' && existsSync(logs)) cpSync(logs, path.join(artifacts, 'logs'), { recursive: true });
    if (scratch !== '' && process.env.E2E_KEEP !== '1') rmSync(scratch, { recursive: true, force: true });
  });

  // ---------------------------------------------------------------- offline, from the files alone

  scenario('problems', 'an example connection shows the expected problems (count and codes) in the Problems panel', { timeout: 180_000 }, async () => {
    await wb.showProblems(); // open already, so the time to the first problems (activation.json) does not include opening it
    for (const example of ['connections/broken/kv2-missing-data.connection.yaml', 'connections/broken/malformed.connection.yaml']) {
      const expected = expectedDiagnostics(example);
      await wb.openFile(example);
      startup.editorOpened ??= Date.now();
      const markers = await wb.waitForProblems(
        fileName(example),
        (m) => m.length === expected.length,
        `${expected.length} problems for ${example}`,
        90_000,
      );
      startup.firstProblems ??= Date.now();
      assert.deepEqual(codes(markers), expected.map((e) => e.code).sort(), `codes of ${example}`);
      assert.deepEqual(markers.map((m) => m.line).sort((a, b) => a - b), expected.map((e) => e.line).sort((a, b) => a - b), `lines of ${example}`);
      assert.ok(markers.every((m) => m.source === 'secretrefs'), 'every problem comes from secretrefs');
    }
    // The first file again, as the final state of the screenshot.
    await wb.openFile('connections/broken/kv2-missing-data.connection.yaml');
  });

  scenario('activation', "VS Code reports the extension's activation time (Running Extensions, Startup Performance)", { timeout: 60_000 }, async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; publisher: string; displayName: string; version: string };
    const id = `${pkg.publisher}.${pkg.name}`;
    // Running Extensions: one row per activated extension with code, "Activation: N ms".
    const rows = await readRunningExtensions(wb, pkg.name);
    await wb.screenshot('activation-running-extensions');
    const ours = rows.find((r) => r.name === pkg.name);
    assert.ok(ours !== undefined, `Secret References is listed in Running Extensions: ${rows.map((r) => r.text).join(' / ')}`);
    assert.equal(ours.displayName, pkg.displayName);
    assert.equal(ours.version, pkg.version);
    assert.ok(typeof ours.activationMs === 'number' && Number.isFinite(ours.activationMs) && ours.activationMs > 0, `a positive activation time: ${ours.text}`);
    // The rows name extensions by their manifest name; Startup Performance lists them by id.
    const others = rows.filter((r) => r !== ours && r.activationMs !== undefined);
    const perf = await readStartupPerformance(wb, [id], others.map((r) => `vscode.${r.name}`));
    await wb.screenshot('activation-startup-performance');
    const statOf = (name: string) => {
      const matching = perf.stats.filter((s) => s.id.slice(s.id.indexOf('.') + 1) === name);
      return matching.length === 1 ? matching[0] : undefined;
    };
    const stat = perf.stats.find((s) => s.id === id);
    assert.ok(stat !== undefined, `${id} is in Extension Activation Stats: ${perf.stats.map((s) => s.id).join(', ')}`);
    assert.equal(stat.codeLoadingMs + stat.activateCallMs, ours.activationMs, 'Running Extensions shows Load Code + Call Activate');
    assert.equal(stat.eager, ours.startup, 'both call the activation a startup (eager) one');
    // Other (built-in) extensions of the same window, by id where the table names it.
    const comparison = others.map((r) => {
      const s = statOf(r.name);
      return {
        id: s?.id ?? r.name,
        displayName: r.displayName,
        activationMs: r.activationMs!,
        startup: r.startup,
        ...(s === undefined ? {} : { codeLoadingMs: s.codeLoadingMs, activateCallMs: s.activateCallMs, activateResolvedMs: s.activateResolvedMs, activationEvent: s.event }),
      };
    });
    assert.ok(comparison.length > 0, 'other (built-in) extensions activated in the same window, for comparison');
    const codeServerVersion = (JSON.parse(readFileSync(path.join(e2eRoot, 'node_modules', 'code-server', 'package.json'), 'utf8')) as { version: string }).version;
    const { workspaceOpened, editorOpened, firstProblems } = startup;
    const report = {
      measuredAt: new Date().toISOString(),
      vscode: perf.version,
      codeServer: codeServerVersion,
      commit: perf.commit,
      extension: {
        id,
        activationMs: ours.activationMs,
        codeLoadingMs: stat.codeLoadingMs,
        activateCallMs: stat.activateCallMs,
        activateResolvedMs: stat.activateResolvedMs,
        startup: ours.startup,
        activationEvent: stat.event,
      },
      others: comparison,
      firstProblems:
        workspaceOpened !== undefined && editorOpened !== undefined && firstProblems !== undefined
          ? {
              fromWorkspaceOpenMs: firstProblems - workspaceOpened,
              fromEditorOpenMs: firstProblems - editorOpened,
              note:
                'Wall clock in the test, polled every 100 ms: from page.goto(workspace), and from the first editor shown (opened with Quick Open, ' +
                'Problems panel already open), to the Problems panel listing that file\'s secretrefs problems.',
            }
          : undefined,
      source:
        `VS Code ${perf.version} (code-server ${codeServerVersion}), the extension host's activationTimes as the workbench shows them: ` +
        `"${runningExtensionsCommand}" row "Activation: N ms" (N = codeLoadingTime + activateCallTime; "Startup Activation" when eager) → activationMs; ` +
        `"${startupPerformanceCommand}", table "Extension Activation Stats" (Load Code, Call Activate, Finish Activate) → codeLoadingMs, activateCallMs, activateResolvedMs.`,
    };
    writeFileSync(path.join(artifacts, 'activation.json'), `${JSON.stringify(report, null, 2)}\n`);
    await wb.closeAllEditors();
  });

  scenario('quick-fix', 'the `data/` quick fix inserts data/ and its problem disappears', {}, async () => {
    const example = 'connections/broken/kv2-missing-data.connection.yaml';
    await wb.openFile(example);
    const before = await wb.waitForProblems(fileName(example), (m) => m.length === 2, 'the two kv2-missing-data-prefix problems');
    const attachment = before.find((m) => m.line === 8)!;
    assert.equal(attachment.code, 'kv2-missing-data-prefix');
    await wb.goTo(attachment.line, attachment.column);
    await wb.applyQuickFix('Insert `data/` (KV v2)');
    const text = await waitFor(() => wb.editorLines(), (l) => /path: data\/oracle-qa\b/.test(l[7] ?? ''), { what: 'line 8 to read path: data/oracle-qa' });
    assert.match(text[7]!, /^ {4}path: data\/oracle-qa # expect: kv2-missing-data-prefix$/);
    const after = await wb.waitForProblems(fileName(example), (m) => m.length === 1, 'one problem left after the quick fix');
    assert.deepEqual(after.map((m) => [m.line, m.code]), [[14, 'kv2-missing-data-prefix']], 'only the inline reference is left');
  });

  scenario('completion-offline', 'completion offers vault names after vault: and data/ first on a KV v2 path', {}, async () => {
    await wb.revertFile().catch(() => undefined);
    const example = 'connections/oracle.connection.yaml';
    await wb.openFile(example);
    // `  - vault: prod` → clear the value, ask for suggestions.
    await wb.goTo(7, 12);
    await wb.replaceToLineEnd('');
    const vaults = await wb.suggest((items) => items.some((i) => i.label === 'prod'), 'vault names after `vault:`');
    const names = vaults.map((i) => i.label);
    for (const name of ['prod', 'prod-aws', 'local', fakeVaultName]) assert.ok(names.includes(name), `"${name}" is offered: ${names.join(', ')}`);
    await wb.screenshot('completion-vaults');
    await wb.closeSuggestions();
    await wb.page.keyboard.type('prod');
    // `    path: data/oracle` → clear it: on a KV v2 engine `data/` comes first.
    await wb.goTo(9, 11);
    await wb.replaceToLineEnd('');
    const paths = await wb.suggest((items) => items.some((i) => i.label === 'data/'), '`data/` on the KV v2 path');
    assert.equal(paths[0]?.label, 'data/', `data/ is the first path suggestion: ${paths.map((i) => i.label).join(', ')}`);
  });

  scenario('hover-offline', 'hover on a reference shows the vault, the engine and the full API path', {}, async () => {
    await wb.closeSuggestions();
    await wb.revertFile();
    await wb.goTo(13, 23); // `  user: vault.secret(user)`
    const text = await wb.hover((t) => t.includes('/v1/secret/data/oracle'), 'the hover with the API path');
    assert.match(text, /prod/);
    assert.match(text, /KV v2|version 2/i);
  });

  // ---------------------------------------------------------------- live, against the fake Vault

  scenario('sign-in', 'Sign In stores the token: live checks run with it, and again after a reload', needs(commands.signIn), async () => {
    await wb.closeAllEditors();
    await wb.openFile(files.fakeConnection);
    // Without credentials the keys of the secret are unknown and so is the engine (the vault
    // configuration declares no engines): one warning saying so, and the hover says why.
    await wb.goTo(lines.password.line, lines.password.column);
    await wb.hover((t) => /no credentials/i.test(t), 'the hover saying there are no credentials');
    assert.deepEqual(codes(await wb.problemsOf(fileName(files.fakeConnection))), ['engine-unverified'], 'offline, only the engine that could not be verified');
    await wb.page.keyboard.press('Escape');
    assert.equal(fake.requests.length, 0, 'nothing asked the fake Vault before signing in');
    const from = fake.requests.length;
    await signIn(tokens.good);
    assert.ok(await approveAddressIfAsked(30_000, 'sign-in-approve'), 'the extension asked before sending the credential to the fake Vault');
    const markers = await wb.waitForProblems(
      fileName(files.fakeConnection),
      (m) => m.some((x) => x.code === 'unknown-key'),
      'the live unknown-key problem for api_token',
      60_000,
    );
    assert.deepEqual(codes(markers), ['unknown-key'], 'only api_token is unknown');
    assert.equal(markers[0]!.line, lines.apiToken.line);
    assert.ok(secretReads(from) > 0, 'the fake Vault answered reads made with the token');

    // Stored, not only kept in memory: a reloaded window (new extension host, new server) reads it back.
    const beforeReload = fake.requests.length;
    await wb.reloadWindow();
    await wb.openFile(files.fakeConnection);
    await wb.waitForProblems(
      fileName(files.fakeConnection),
      (m) => m.some((x) => x.code === 'unknown-key'),
      'the live unknown-key problem again after the reload, without signing in',
      60_000,
    );
    assert.ok(secretReads(beforeReload) > 0, 'the new server read the fake Vault with the stored token');
    assert.equal(await wb.readDialog(), undefined, 'the approved address is not asked about again');
  });

  scenario('completion-live', 'path and key completion list what the fake Vault holds', needs(commands.signIn), async () => {
    await wb.openFile(files.fakeConnection);
    // `    path: data/app/db` → `data/`: the folders of the engine, listed live.
    await wb.goTo(lines.path.line, lines.path.column);
    await wb.replaceToLineEnd('');
    const paths = await wb.suggest((items) => items.some((i) => i.label === 'data/app/'), 'the live folder data/app/', 30_000);
    assert.ok(paths.some((i) => i.label === 'data/shared/'), `data/shared/ is offered: ${paths.map((i) => i.label).join(', ')}`);
    await wb.closeSuggestions();
    await wb.page.keyboard.type('app/db');
    // `vault.secret(api_token)` → `vault.secret()`: the keys of app/db, from the server.
    await wb.goTo(lines.apiToken.line, lines.apiToken.column);
    for (let i = 0; i < lines.apiToken.length; i++) await wb.page.keyboard.press('Shift+ArrowRight');
    await wb.page.keyboard.press('Delete');
    const keys = await wb.suggest((items) => items.some((i) => i.label === 'port'), 'the key `port`, known only to the fake Vault', 30_000);
    const labels = keys.map((i) => i.label);
    for (const key of ['user', 'password', 'port']) assert.ok(labels.includes(key), `key ${key} is offered: ${labels.join(', ')}`);
  });

  scenario('hover-live', 'hover shows the API path and the metadata the fake Vault holds, never a value', needs(commands.signIn), async () => {
    await wb.closeSuggestions();
    await wb.revertFile();
    await wb.goTo(lines.password.line, lines.password.column);
    const text = await wb.hover((t) => /Current version:?\s*2/.test(t), 'the live metadata in the hover', 30_000);
    assert.match(text, /\/v1\/secret\/data\/app\/db/);
    assert.match(text, /owner:?\s*payments-team/);
    assert.match(text, /Keys:.*password/s);
    assert.ok(!text.includes(previewValue), 'no value in the hover');
    await wb.screenshot('hover-live-top');
    assert.ok(await wb.scrollHoverTo('payments-team'), 'the hover scrolls to its metadata');
  });

  scenario('write-secret', 'Write Secret creates a new version with check-and-set', needs(commands.signIn, commands.writeSecret), async () => {
    await wb.page.keyboard.press('Escape');
    await wb.runCommand(commands.writeSecret!);
    await wb.pick((item) => item.label === fakeVaultName, `the vault "${fakeVaultName}"`);
    await wb.pick((item) => item.label === 'secret', 'the engine secret');
    await wb.pick((item) => item.label.trim() === 'app/' || item.ariaLabel.startsWith('app/'), 'the folder app/');
    await wb.pick((item) => item.label.trim() === 'service' || item.ariaLabel.startsWith('service'), 'the secret app/service');
    await wb.pick((item) => item.label.trim() === 'client_id' || item.ariaLabel.startsWith('client_id'), 'the existing key client_id');
    await wb.waitForQuickInput((s) => s.password, 'the hidden value input');
    await wb.answerInput(writtenValue);
    await wb.pick((item) => /Done/.test(item.label) || /Done/.test(item.ariaLabel), 'Done');
    const dialog = await wb.waitForDialog((d) => d.message.includes('/v1/secret/data/app/service'), 'the confirmation with the API path');
    assert.match(dialog.message, /version 2/, `the next version is named: ${dialog.message}`);
    assert.equal(fake.readSecret('secret', 'app/service', { version: 2 }), undefined, 'nothing is written before confirming');
    await wb.screenshot('write-secret-confirm');
    await wb.clickDialogButton('Write');
    await wb.waitForNotification((n) => /wrote version 2/.test(n.message), 'the confirmation of the write');
    assert.deepEqual(fake.readSecret('secret', 'app/service'), { client_id: writtenValue });
    assert.deepEqual(fake.readSecret('secret', 'app/service', { version: 1 }), { client_id: 'service-v1' }, 'version 1 is kept');
    assert.equal(fake.readSecret('secret', 'app/service', { version: 3 }), undefined, 'exactly one new version');
  });

  scenario('preview', 'Preview shows the value only after confirmation, masked until Reveal', needs(commands.signIn, commands.previewSecret), async () => {
    await wb.clearNotifications();
    await wb.openFile(files.fakeConnection);
    await wb.goTo(lines.password.line, lines.password.column);
    await wb.runCommand(commands.previewSecret!);
    const dialog = await wb.waitForDialog((d) => /vault\.secret\(password\)/.test(d.message), 'the confirmation before reading the value');
    assert.ok(dialog.buttons.some((b) => /show/i.test(b)), `the dialog offers to show the value: ${dialog.buttons.join(', ')}`);
    assert.ok(!(await wb.page.content()).includes(previewValue), 'the value is nowhere in the page before confirming');
    await wb.screenshot('preview-confirm');
    await wb.clickDialogButton(dialog.buttons.find((b) => /show/i.test(b))!);
    const masked = await waitFor(() => wb.editorLines(), (l) => l.some((x) => x.includes('••••')), { what: 'the masked preview document', timeout: 30_000 });
    assert.ok(!masked.join('\n').includes(previewValue), 'the preview is masked');
    await wb.waitForNotification((n) => n.buttons.includes('Reveal'), 'the Reveal button');
    assert.ok(!(await wb.page.content()).includes(previewValue), 'the value is nowhere in the page while masked');
    await wb.screenshot('preview-masked');
    await wb.clickNotificationButton('masked', 'Reveal');
    await waitFor(() => wb.editorLines(), (l) => l.some((x) => x.includes(previewValue)), { what: 'the revealed value', timeout: 15_000 });
    await wb.waitForNotification((n) => n.message.includes('the value is shown') && n.buttons.includes('Hide'), 'the Hide button');
  });

  scenario('reset-cache', 'Reset Secret Cache makes a changed secret visible', needs(commands.signIn, commands.resetCache), async () => {
    // Close the preview (the value is forgotten with it) and go back to the connection.
    await wb.closeAllEditors();
    await wb.clearNotifications();
    await wb.openFile(files.fakeConnection);
    await wb.waitForProblems(fileName(files.fakeConnection), (m) => codes(m).join() === 'unknown-key', 'unknown-key for api_token');
    // Someone changes the secret at the fake Vault: api_token added, password gone. The cached
    // key list still says api_token is missing and password is there.
    fake.putSecret('secret', 'app/db', { user: 'app', port: '5432', api_token: 'tok-1' }, { customMetadata: { owner: 'payments-team' } });
    const keyReads = () => fake.countRequests((r) => r.path === 'secret/subkeys/app/db' || r.path === 'secret/data/app/db');
    const readsBefore = keyReads();
    // An edit re-validates from the cache: a typo'd key is found unknown, api_token still is.
    await wb.goTo(10, 26); // `  user: vault.secret(user)` after `user`
    await wb.page.keyboard.type('x');
    await wb.waitForProblems(
      fileName(files.fakeConnection),
      (m) => m.map((x) => `${x.line}:${x.code}`).sort().join() === '10:unknown-key,12:unknown-key',
      'unknown-key for userx and (from the cache) api_token',
    );
    assert.equal(keyReads(), readsBefore, 'the edit was checked from the cache, without reading the fake Vault');
    await wb.page.keyboard.press('Control+Z');
    await wb.waitForProblems(fileName(files.fakeConnection), (m) => m.map((x) => `${x.line}:${x.code}`).join() === '12:unknown-key', 'the typo undone');
    await wb.runCommand(commands.resetCache!);
    // After the reset the server reads the secret again: password is now the unknown key.
    const after = await wb.waitForProblems(
      fileName(files.fakeConnection),
      (m) => m.map((x) => `${x.line}:${x.code}`).join() === `${lines.password.line}:unknown-key`,
      'unknown-key moving from api_token to password after the reset',
      30_000,
    );
    assert.match(after[0]!.message, /password/);
    assert.ok(keyReads() > readsBefore, 'the reset made the server read the secret again');
  });

  scenario('permission-denied', 'a token without read on the path gives permission-denied, naming the policy it needs', needs(commands.signIn), async () => {
    await wb.clearNotifications();
    await wb.openFile(files.fakeConnection);
    await signIn(tokens.limited);
    await approveAddressIfAsked(3000);
    const markers = await wb.waitForProblems(
      fileName(files.fakeConnection),
      (m) => m.length > 0 && m.every((x) => x.code === 'permission-denied'),
      'permission-denied with the limited token',
      30_000,
    );
    assert.ok(
      markers.some((m) => m.message.includes('secret/data/app/db') && /capabilities\s*=\s*\["read"\]/.test(m.message)),
      `the message names the path and the policy stanza: ${markers.map((m) => m.message).join(' | ')}`,
    );
  });

  scenario('wrong-token', 'a wrong (rejected) token gives permission-denied', needs(commands.signIn), async () => {
    await wb.clearNotifications();
    await wb.openFile(files.fakeConnection);
    await signIn(tokens.wrong);
    await approveAddressIfAsked(3000);
    const markers = await wb.waitForProblems(
      fileName(files.fakeConnection),
      (m) => m.length > 0 && m.every((x) => x.code === 'permission-denied'),
      'permission-denied with the wrong token',
      30_000,
    );
    assert.ok(markers.some((m) => /denied|invalid token/i.test(m.message)), `the message says why: ${markers.map((m) => m.message).join(' | ')}`);
  });

  scenario('no-leak', 'the verbose LSP trace and every log hold no token and no secret value', {}, async () => {
    // The output channel, where the trace is shown.
    await wb.runCommand(paletteTitle('secretRefs.showOutput') ?? 'Secret References: Show Output');
    await waitFor(
      () => wb.page.evaluate(() => (document.querySelector('.part.panel .monaco-editor .view-lines') as HTMLElement | null)?.innerText ?? ''),
      (text) => /\[Trace/.test(text),
      { what: 'the LSP trace in the Secret References output channel' },
    );
    const logs = path.join(scratch, 'code-server', 'user-data', 'logs');
    const texts = readdirSync(logs, { recursive: true, encoding: 'utf8' })
      .map((name) => path.join(logs, name))
      .filter((file) => statSync(file).isFile())
      .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    const trace = texts.filter((t) => t.file.includes('secretrefs.secret-references'));
    assert.ok(trace.some((t) => t.text.includes("'secretRefs/credential")), 'the extension log holds the LSP trace of the credential requests');
    for (const needle of [tokens.good, tokens.limited, tokens.wrong, previewValue, writtenValue]) {
      const found = texts.filter((t) => t.text.includes(needle)).map((t) => path.relative(logs, t.file));
      assert.deepEqual(found, [], `"${needle}" appears in no log`);
    }
  });
});
