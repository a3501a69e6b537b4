/**
 * Leak canary: one random canary per run sits in every secret value the loopback fakes hold
 * (HashiCorp Vault, AWS, Azure, GCP, the local vault) and in every credential that can carry it
 * (Vault token, AppRole secret_id, local passphrase, AWS secret key and session token, Azure
 * token and client secret, wrong ones too). The built server (over stdio, trace verbose), the CLI
 * and the VS Code client half then run live, failures included, and everything they produce is
 * captured: the raw JSON-RPC bytes both ways, stderr, log and show messages, diagnostics, hovers,
 * completions, code actions, custom request answers, CLI stdout/stderr, the client's output
 * channel, messages, prompts, storage and status items, and every file under the temporary
 * HOME / TMPDIR / XDG dirs and the workspace. The canary and the credentials may appear only in an
 * explicit preview's unsealed result (and `secretrefs local get`, the CLI's explicit reveal).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareLocalVault, runCli, type CliRun } from './cliScenario';
import { runClient, shownPrompt, type ClientRun } from './clientScenario';
import { parseFrames } from './lspProcess';
import { describeFindings, totals, type Capture, type Finding } from './scanner';
import { runServer, type ServerRun } from './serverScenario';
import { cliJs, serverJs, World } from './world';

/** Every file under `dir`, relative to `root`. */
function walk(root: string, dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(root, full, out);
    else if (entry.isFile()) out.push(relative(root, full));
  }
  return out;
}

const json = (value: unknown) => JSON.stringify(value, null, 1);

/** Captures grouped by what the suite reports on. */
type Groups = Map<string, Capture[]>;

function lspCaptures(groups: Groups, prefix: string, lsp: ServerRun['lsp'], allowOnClientSide: readonly string[]): void {
  const add = (group: string, capture: Capture) => {
    const list = groups.get(group) ?? [];
    list.push(capture);
    groups.set(group, list);
  };
  add(`${prefix}: raw JSON-RPC bytes`, { channel: `${prefix} wire server→client (what trace verbose logs)`, data: Buffer.concat(lsp.fromServer) });
  // The client sends the user's own documents; the literals the user typed there are allowed on this side only.
  add(`${prefix}: raw JSON-RPC bytes`, { channel: `${prefix} wire client→server`, data: Buffer.concat(lsp.toServer), allow: allowOnClientSide });
  add(`${prefix}: stderr`, { channel: `${prefix} stderr`, data: lsp.stderr });
  const byMethod = new Map<string, unknown[]>();
  for (const n of lsp.notifications) byMethod.set(n.method, [...(byMethod.get(n.method) ?? []), n.params]);
  for (const [method, list] of byMethod) {
    const group =
      method === 'window/logMessage' || method === '$/logTrace' || method === 'window/showMessage'
        ? `${prefix}: output channel (logMessage, logTrace, showMessage)`
        : method === 'textDocument/publishDiagnostics'
          ? `${prefix}: published diagnostics`
          : `${prefix}: other notifications`;
    add(group, { channel: `${prefix} ${method}`, data: json(list) });
  }
  const answers = new Map<string, unknown[]>();
  for (const r of lsp.clientRequests) answers.set(r.method, [...(answers.get(r.method) ?? []), r.error !== undefined ? { error: r.error } : r.result]);
  for (const [method, list] of answers) {
    const group = /^secretRefs\//.test(method)
      ? `${prefix}: custom request answers`
      : method === 'textDocument/hover'
        ? `${prefix}: hovers`
        : /completion/i.test(method)
          ? `${prefix}: completions`
          : `${prefix}: code actions, definitions, other answers`;
    add(group, { channel: `${prefix} answers to ${method}`, data: json(list) });
  }
  for (const r of lsp.serverRequests) add(`${prefix}: server→client requests`, { channel: `${prefix} ${r.method} request and the client's answer`, data: json(r) });
}

describe('leak canary: no secret value or credential leaves through any channel', () => {
  let world: World;
  let cli: CliRun[] = [];
  let server: ServerRun | undefined;
  let client: ClientRun | undefined;
  const groups: Groups = new Map();
  const timings: Record<string, number> = {};
  let issuedTokens = 0;
  let scannedFiles: string[] = [];

  before(
    async () => {
      assert.ok(existsSync(serverJs) && existsSync(cliJs), 'dist/ is missing: run "npm run build" first (npm test does)');
      let t = Date.now();
      const lap = (name: string) => {
        timings[name] = Date.now() - t;
        t = Date.now();
      };
      world = await World.create();
      lap('setup');
      cli = await prepareLocalVault(world);
      lap('local vault');
      // The CLI, the server and the client half run side by side; the server's fault phases wait for the other two.
      const started = Date.now();
      const since = () => Date.now() - started;
      const cliRuns = runCli(world).then((runs) => ((timings.cli = since()), runs));
      const clientRun = runClient(world).then((run) => ((timings.client = since()), run));
      const serverRun = runServer(world, Promise.allSettled([cliRuns, clientRun])).then((run) => ((timings.server = since()), run));
      const [more, clientResult, serverResult] = await Promise.all([cliRuns, clientRun, serverRun]);
      cli.push(...more);
      client = clientResult;
      server = serverResult;
      lap('scenarios');
      await world.stop();
      issuedTokens = world.harvestIssuedTokens();

      const literals = [world.literals.password, world.literals.tokenInConfig];
      lspCaptures(groups, 'server', server.lsp, literals);
      for (const [i, bridge] of client.bridges.entries()) {
        if (bridge.process) lspCaptures(groups, `client half: server #${i + 1}`, bridge.process, literals);
      }
      for (const run of cli) {
        const group = `CLI: ${run.name}`;
        // `local get` prints the value on purpose (the explicit reveal): its stdout is the positive control.
        if (!run.revealsValue) groups.set(group, [{ channel: `CLI ${run.args.join(' ')} stdout`, data: run.stdout }]);
        groups.set(group, [...(groups.get(group) ?? []), { channel: `CLI ${run.args.join(' ')} stderr`, data: run.stderr }]);
      }
      const h = client.h;
      const clientHalf: Capture[] = [
        { channel: 'client output channel', data: h.output.text() },
        { channel: 'client window messages', data: json(h.window.messages) },
        { channel: 'client prompts (without what the user typed)', data: json(h.window.prompts.map(shownPrompt)) },
        { channel: 'client workspaceState', data: json([...h.workspaceState.data]) },
        { channel: 'client globalState', data: json([...h.globalState.data]) },
        { channel: 'client SecretStorage operations and keys', data: json({ log: h.secrets.log, keys: [...h.secrets.data.keys()] }) },
        { channel: 'client language status items', data: json(h.languages.items.map((i) => ({ name: i.name, text: i.text, detail: i.detail, command: i.command }))) },
        // After Copy (an explicit action) the value was on the clipboard; once the timer fired it must be gone.
        { channel: 'client clipboard after the clear timer', data: json({ value: h.clipboard.value, writesAfterCopy: h.clipboard.writes.slice(1) }) },
        { channel: 'client files written', data: json(h.workspace.fs.writes.map((uri) => [uri, h.workspace.fs.text(uri)])) },
        { channel: 'client code lenses', data: json(client.codeLenses) },
        { channel: 'client commands executed', data: json(h.commands.executed) },
        { channel: 'client diagnostics received', data: json(client.bridges.map((b) => [...b.diagnostics])) },
        { channel: 'client edits applied', data: json(client.bridges.map((b) => b.appliedEdits)) },
      ];
      groups.set('client half: output channel, messages, prompts, storage, status, clipboard', clientHalf);

      // Every file under the temporary HOME, TMPDIR, XDG dirs and the workspace.
      const workspaceFiles = new Set(Object.keys(world.files).map((rel) => join('workspace', rel)));
      scannedFiles = walk(world.root, world.root).filter((rel) => !world.inputFiles.has(rel));
      groups.set(
        'files written',
        scannedFiles.map((rel) => ({
          channel: `file ${rel}`,
          data: readFileSync(join(world.root, rel)),
          // The files the test wrote hold the literals the user typed; nothing else may appear there.
          ...(workspaceFiles.has(rel) ? { allow: literals } : {}),
        })),
      );
    },
    { timeout: 180_000 },
  );

  after(async () => {
    await world?.stop();
    const all = [...groups.values()].flat();
    const { captures, bytes } = totals(all);
    const messages = [server?.lsp, ...(client?.bridges.map((b) => b.process) ?? [])]
      .filter((l): l is ServerRun['lsp'] => l !== undefined)
      .reduce((n, l) => n + parseFrames(Buffer.concat(l.fromServer)).length + parseFrames(Buffer.concat(l.toServer)).length, 0);
    process.stderr.write(
      `leak canary: ${captures} captures, ${(bytes / 1024 / 1024).toFixed(1)} MiB scanned (${messages} JSON-RPC messages, ${cli.length} CLI runs, ${scannedFiles.length} files), ` +
        `${world?.scanner.needles.length ?? 0} needles; ${issuedTokens} AppRole-issued tokens harvested; ms: ${JSON.stringify(timings)}\n`,
    );
    if (server?.counts) process.stderr.write(`leak canary: server requests ${JSON.stringify(server.counts)}\n`);
    world?.dispose();
  });

  it('finds the canary and the credentials in every encoding it searches (positive control)', () => {
    const s = world.scanner;
    const value = world.canary.derive('probe');
    const samples = [
      value,
      JSON.stringify({ a: `x${value}y` }),
      encodeURIComponent(`a b/${value}`),
      Buffer.from(`${value}`).toString('hex'),
      ...[0, 1, 2].map((pad) => Buffer.from(`${'p'.repeat(pad)}${value}q`).toString('base64')),
      ...[0, 1, 2].map((pad) => Buffer.from(`${'p'.repeat(pad)}${value}`).toString('base64url')),
    ];
    for (const sample of samples) assert.ok(s.finds(sample), `the canary is found in ${JSON.stringify(sample)}`);
    assert.ok(s.finds(Buffer.from(`{"key": ${JSON.stringify(world.credentials.gcp.json)}}`)), 'the GCP key material is found');
    assert.ok(!s.finds('nothing secret here: CANARY- alone, hvs.'), 'no false positive');
    // The file scan reads what it must: the credential files the test itself wrote are found.
    for (const input of ['home/.vault-token', 'fixtures/gcp-key.json']) assert.ok(s.finds(readFileSync(join(world.root, input))), `${input} holds a needle`);
    const finding = s.scan({ channel: 'probe', data: `before ${value} after` })[0]!;
    assert.ok(!finding.excerpt.includes(world.canary.value), `the excerpt masks the canary: ${finding.excerpt}`);
  });

  it('shows the value in an explicit preview only: unsealed, it holds the canary (so a leak would have been found)', () => {
    assert.ok(server, 'the server scenario ran');
    const values = server.previews.map((p) => p.value);
    assert.ok(values.length >= 10, `previews of every provider were read: ${json(server.previews.map((p) => p.at))}`);
    for (const provider of ['hc-', 'local-', 'aws-', 'az-', 'gcp-']) {
      assert.ok(values.some((v) => v.includes(`${world.canary.value}-${provider}`)), `a ${provider} value was previewed`);
    }
    for (const v of values) assert.ok(world.scanner.finds(v), 'the scanner finds the canary in the unsealed preview');
    assert.ok(client, 'the client scenario ran');
    assert.ok(client.previews.length >= 5, `the client opened revealed previews: ${client.previews.length}; problems: ${client.problems.join('; ')}`);
    for (const text of client.previews) assert.ok(world.scanner.finds(text), `the revealed preview document holds the value: ${JSON.stringify(text.slice(0, 60))}`);
    assert.ok(client.copiedToClipboard !== undefined && world.scanner.finds(client.copiedToClipboard), 'Copy put the value on the clipboard');
    const get = cli.find((r) => r.name === 'local get KEY');
    assert.ok(get && get.stdout.includes(world.canary.derive('local-password-v2')), '`secretrefs local get` prints the value it was asked for');
  });

  it('reached every provider live, with values, failures and wrong credentials', () => {
    assert.ok(server);
    const seen = (rel: string) => [...(server!.codesSeen.get(rel) ?? [])];
    for (const code of ['unknown-key', 'secret-not-found', 'permission-denied', 'secret-deleted']) {
      assert.ok(seen('connections/hc.connection.yaml').includes(code), `hc: ${code} in ${seen('connections/hc.connection.yaml')}`);
    }
    for (const code of ['unknown-key', 'not-json', 'secret-not-found', 'permission-denied', 'secret-disabled', 'vault-unreachable']) {
      assert.ok(seen('connections/cloud.connection.yaml').includes(code), `cloud: ${code} in ${seen('connections/cloud.connection.yaml')}`);
    }
    assert.ok(seen('connections/local.connection.yaml').includes('unknown-key'));
    assert.ok(seen('connections/literal.connection.yaml').includes('hardcoded-credential'));
    const failures = server.previewFailures.join('\n');
    for (const refused of [/"hcwrong" rejected the token/, /"paywrong": AWS rejected the credentials/, /"azwrong" rejected the access token/, /"gwrong" as invalid or expired/, /Entra ID is unreachable .*"azsp"/]) {
      assert.match(failures, refused);
    }
    assert.ok(issuedTokens >= 1, 'an AppRole login issued a token (harvested as a needle)');
    assert.ok(world.aws.countRequests((r) => r.hasSessionToken) > 0, 'the AWS session token was used');
    assert.ok(world.azure.countRequests((r) => r.auth === 'valid') > 0, 'the Azure token was accepted');
    assert.ok(world.azure.countRequests((r) => r.operation === 'token') > 0, 'the Azure client secret was used (CLI)');
    assert.ok(world.gcp.countRequests((r) => r.principal !== undefined) > 0, 'the GCP key was accepted');
    assert.match(String(world.vault.readSecret('secret', 'app/written')?.token), new RegExp(`^${world.canary.derive('written-hc')}`), 'a sealed write reached the Vault');
    assert.equal(world.vault.readSecret('secret', 'app/client-written')?.token, world.canary.derive('client-written'), "the client's Write Secret... reached the Vault");
    assert.equal(world.vault.readSecret('secret', 'app/moved')?.db_password, world.literals.password, 'Move to vault wrote the literal');
    const live = cli.find((r) => r.name === 'check --live');
    assert.ok(live, 'check --live ran');
    for (const code of ['unknown-key', 'secret-not-found', 'permission-denied', 'not-json', 'secret-deleted', 'secret-disabled']) assert.ok(live.stdout.includes(` ${code} `), `CLI: ${code}\n${live.stdout}`);
    const refused = cli.find((r) => r.name === 'check --live --format sarif (wrong credentials)');
    assert.ok(refused && /rejected the credentials/.test(refused.stdout), 'CLI: the wrong credentials were refused');
    assert.ok(scannedFiles.includes(join('home', '.secretrefs', 'local', 'dev.vault')), `the local vault file under HOME was scanned: ${scannedFiles.join(', ')}`);
    assert.ok(client);
    assert.deepEqual(client.problems, [], 'the client scenario ran as scripted');
    assert.ok(client.approvals.length >= 5, `the client asked to approve the addresses: ${json(client.approvals)}`);
  });

  const channelGroups = [
    'server: raw JSON-RPC bytes',
    'server: stderr',
    'server: output channel (logMessage, logTrace, showMessage)',
    'server: published diagnostics',
    'server: hovers',
    'server: completions',
    'server: code actions, definitions, other answers',
    'server: custom request answers',
    'server: server→client requests',
    'server: other notifications',
    'CLI',
    'client half: output channel, messages, prompts, storage, status, clipboard',
    'client half: LSP traffic and stderr',
    'files written',
  ];
  for (const group of channelGroups) {
    it(`leaks nothing: ${group}`, () => {
      const captures = [...groups]
        .filter(([name]) => (group === 'CLI' ? name.startsWith('CLI: ') : group === 'client half: LSP traffic and stderr' ? name.startsWith('client half: server #') : name === group))
        .flatMap(([, list]) => list);
      if (group !== 'server: other notifications') assert.ok(captures.length > 0, `something was captured for ${group}`);
      const findings: Finding[] = captures.flatMap((c) => world.scanner.scan(c));
      assert.ok(findings.length === 0, `a secret leaked (${findings.length} finding(s), at most 5 per capture):\n${describeFindings(findings)}`);
    });
  }

  it('scanned every group it captured', () => {
    const covered = (name: string) =>
      channelGroups.includes(name) || name.startsWith('CLI: ') || name.startsWith('client half: server #');
    assert.deepEqual([...groups.keys()].filter((name) => !covered(name)), []);
  });
});
