/**
 * Benchmark: `npm run bench` (builds dist/ first, then runs this file with tsx).
 *
 * 1. checkPaths() on (a) one connection file of 10,000 lines and (b) a workspace of 2,000
 *    connection files, each compared with a bare YAML parse of the same files read from disk.
 *    Target: checkPaths time / bare parse time ≤ 1.3 (reported, never fails the process).
 * 2. Diagnostics latency after a one-character edit in the 10,000-line file over stdio, against
 *    yaml-language-server validating the same file with the project's JSON Schemas (peer.ts).
 * 3. Warm completion latency over stdio; provider reads per distinct secret per TTL (live.ts).
 * 4. Language server start until the initialize result, compared with `node -e 0`, with and
 *    without providers configured; the .vsix size; the activation time VS Code reported in the
 *    last end-to-end run (package.ts).
 * 5. Server RSS with the 2,000-file workspace indexed, beside an idle node process (memory.ts).
 *
 * Prints a table on stdout and writes the numbers to bench/results/<timestamp>.json.
 * Inputs are generated into a temporary folder (deterministically) and removed afterwards.
 */
import { spawn } from 'node:child_process';
import { benchCloudReads, benchCompletion, benchReads } from './live';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { parseDocument } from 'yaml';
import { checkPaths } from '../server/src/workspace/checkPaths';
import { defaultSettings } from '../shared/src/settings';
import { type Corpus, generate, vaultConfigs } from './corpus';
import { benchMemory } from './memory';
import { initializeOurs } from './ourServer';
import { benchVsix, lastActivation } from './package';
import { benchEditLatency, DEBOUNCE_MS } from './peer';
import { ms, pairedRatio, round, type Stats, stats, statsRow, table, time, withTimeout } from './stats';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const serverJs = path.join(repoRoot, 'dist', 'server.js');
const resultsDir = path.join(repoRoot, 'bench', 'results');

const target = 1.3;
/** The whole run is bounded: each measurement stops repeating when its budget is spent. */
const hardLimitMs = 480_000;
const started = performance.now();

/**
 * The reference: read each file from disk and parse it, nothing else. `uniqueKeys: false` because
 * the yaml package's own duplicate-key check compares every key with every other key of a map
 * (quadratic in map size) and the service turns it off and checks duplicates itself in linear
 * time; the baseline uses the same parser options so the ratio measures the service's own work.
 */
async function bareParse(files: string[]): Promise<number> {
  let nodes = 0;
  for (const file of files) {
    const doc = parseDocument(await readFile(file, 'utf8'), { uniqueKeys: false });
    if (doc.contents) nodes++;
  }
  return nodes;
}

interface CheckBench {
  corpus: string;
  files: number;
  bytes: number;
  lines: number;
  diagnostics: number;
  bareParse: Stats;
  checkPaths: Stats;
  /** Median of the per-pair ratios check ÷ bare parse, and their range. */
  ratio: number;
  ratioSpread: [number, number];
  target: number;
  pass: boolean;
}

/** A full collection when node runs with --expose-gc (npm run bench does); otherwise nothing. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Warm-up, then alternating runs of the baseline and checkPaths until `repeats` or the budget. */
async function benchCheck(corpus: Corpus, warmups: number, repeats: number, budgetMs: number, scanSecrets = true): Promise<CheckBench> {
  const settings = { ...defaultSettings, hardcodedCredentials: { ...defaultSettings.hardcodedCredentials, enabled: scanSecrets } };
  let diagnostics = 0;
  const check = async () => {
    const result = await checkPaths([corpus.root], settings);
    diagnostics = result.files.reduce((n, f) => n + f.diagnostics.length, 0);
    if (result.files.length !== corpus.files.length) {
      throw new Error(`checkPaths checked ${result.files.length} files of ${corpus.files.length} in ${corpus.label}`);
    }
  };
  for (let i = 0; i < warmups; i++) {
    await bareParse(corpus.files);
    await check();
  }
  const base: number[] = [];
  const checked: number[] = [];
  const t0 = performance.now();
  while (base.length < repeats && (base.length < 3 || performance.now() - t0 < budgetMs)) {
    // Each sample starts from a collected heap, so neither side pays for the other's garbage.
    collectGarbage();
    base.push(await time(() => bareParse(corpus.files)));
    collectGarbage();
    checked.push(await time(check));
  }
  const bareStats = stats(base);
  const checkStats = stats(checked);
  const paired = pairedRatio(checked, base);
  const ratio = paired.median;
  return {
    corpus: scanSecrets ? corpus.label : `${corpus.label}, secret scanning off`,
    files: corpus.files.length,
    bytes: corpus.bytes,
    lines: corpus.lines,
    diagnostics,
    bareParse: bareStats,
    checkPaths: checkStats,
    ratio: round(ratio),
    ratioSpread: [paired.min, paired.max],
    target,
    pass: ratio <= target,
  };
}

/** Milliseconds from spawning the server to its initialize result; the server is then shut down. */
async function serverStartOnce(rootDir: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onRequest(() => null);
  connection.onNotification(() => undefined);
  connection.onError(() => undefined);
  connection.listen();
  try {
    await initializeOurs(connection, rootDir, 20_000);
    const elapsed = performance.now() - t0;
    await withTimeout('shutdown', connection.sendRequest('shutdown'), 5_000);
    await connection.sendNotification('exit');
    await withTimeout('exit', exited, 5_000);
    return elapsed;
  } finally {
    connection.dispose();
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

async function nodeStartOnce(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', () => resolve());
    child.once('error', reject);
  });
  return performance.now() - t0;
}

interface StartBench {
  server: Stats;
  nodeE0: Stats;
  ratio: number;
}

async function benchStart(rootDir: string, repeats: number): Promise<StartBench> {
  await serverStartOnce(rootDir); // warm the file system cache
  await nodeStartOnce();
  const server: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < repeats; i++) {
    node.push(await nodeStartOnce());
    server.push(await serverStartOnce(rootDir));
  }
  const s = stats(server);
  const n = stats(node);
  return { server: s, nodeE0: n, ratio: round(s.medianMs / n.medianMs) };
}

// ---------------------------------------------------------------------------------------------
// Report

async function main(): Promise<void> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'secretrefs-bench-'));
  const hardLimit = setTimeout(() => {
    process.stderr.write(`bench: stopped after ${hardLimitMs / 1000} s, over its time budget\n`);
    rmSync(base, { recursive: true, force: true });
    process.exit(2);
  }, hardLimitMs);
  hardLimit.unref();
  try {
    // First, so that every measurement below runs the production bundles a user installs.
    const vsix = benchVsix(repoRoot);
    const activation = lastActivation(repoRoot);
    const corpora = generate(base);
    const checks: CheckBench[] = [];
    checks.push(await benchCheck(corpora[0]!, 2, 9, 15_000));
    checks.push(await benchCheck(corpora[0]!, 1, 7, 10_000, false));
    checks.push(await benchCheck(corpora[1]!, 1, 7, 50_000));
    checks.push(await benchCheck(corpora[1]!, 1, 3, 20_000, false));

    let start: StartBench | undefined;
    let startSkipped: string | undefined;
    if (existsSync(serverJs)) {
      start = await benchStart(corpora[0]!.root, 7);
    } else {
      startSkipped = `${path.relative(repoRoot, serverJs)} is missing (run npm run build)`;
    }

    const reads = await benchReads();
    const cloudReads = await benchCloudReads();
    let providersStart: { none: Stats; four: Stats; ratio: number } | undefined;
    if (existsSync(serverJs)) {
      const none = mkdtempSync(path.join(base, 'none-'));
      const four = mkdtempSync(path.join(base, 'four-'));
      writeFileSync(path.join(four, 'v.vault.yaml'), 'name: v\nprovider: hashicorp\nurl: https://vault.example.com\n');
      writeFileSync(path.join(four, 'a.vault.yaml'), 'name: a\nprovider: aws\nregion: eu-west-1\n');
      writeFileSync(path.join(four, 'z.vault.yaml'), 'name: z\nprovider: azure\nvault_url: https://z.vault.azure.net\n');
      writeFileSync(path.join(four, 'g.vault.yaml'), 'name: g\nprovider: gcp\nproject: p\n');
      const noneTimes: number[] = [];
      const fourTimes: number[] = [];
      await serverStartOnce(none);
      for (let i = 0; i < 7; i++) {
        noneTimes.push(await serverStartOnce(none));
        fourTimes.push(await serverStartOnce(four));
      }
      const n = stats(noneTimes);
      const f = stats(fourTimes);
      providersStart = { none: n, four: f, ratio: round(f.medianMs / n.medianMs) };
    }
    const completion = existsSync(serverJs) ? await benchCompletion(serverJs) : undefined;
    const bigFile = corpora[0]!.files.find((f) => f.endsWith('.connection.yaml'))!;
    const edit = existsSync(serverJs) ? await benchEditLatency(repoRoot, serverJs, corpora[0]!.root, bigFile) : undefined;
    const memory = existsSync(serverJs) ? await benchMemory(serverJs, corpora[1]!.root, 2_000) : { skipped: 'dist/server.js is missing' };

    const rows: string[][] = [['measurement', 'median', 'min', 'max', 'runs', 'result']];
    const notes: string[] = [];
    for (const c of checks) {
      rows.push(statsRow(`${c.corpus}: bare YAML parse`, c.bareParse));
      rows.push(statsRow(`${c.corpus}: checkPaths`, c.checkPaths));
      rows.push([`  ratio checkPaths / bare parse, median of pairs (target ≤ ${target})`, c.ratio.toFixed(2), c.ratioSpread[0].toFixed(2), c.ratioSpread[1].toFixed(2), '', c.pass ? 'PASS' : 'FAIL']);
      notes.push(`${c.corpus}: ${c.files} files in all (with ${Object.keys(vaultConfigs).length} vault configurations), ${(c.bytes / 1024).toFixed(0)} KB, ${c.lines} lines, ${c.diagnostics} diagnostics`);
    }
    if (start) {
      rows.push(statsRow('server start → initialize result', start.server));
      rows.push(statsRow('node -e 0', start.nodeE0));
      rows.push(['  ratio server start / node -e 0', start.ratio.toFixed(2), '', '', '', '']);
    } else {
      rows.push(['server start → initialize result', 'skipped', '', '', '', startSkipped ?? '']);
    }
    rows.push([
      `live Vault: reads per distinct secret (${reads.references} refs in 10 files opened at once, ${reads.distinctSecrets} secrets, 2 rounds; target 1)`,
      reads.readsPerSecret.toFixed(2),
      '',
      '',
      String(reads.reads),
      reads.readsPerSecret <= 1 ? 'PASS' : 'FAIL',
    ]);
    for (const c of cloudReads) {
      rows.push([`live ${c.provider}: reads per distinct secret (${c.references} refs, ${c.distinctSecrets} secrets, 2 rounds; target ≤ 1)`, c.readsPerSecret.toFixed(2), '', '', String(c.reads), c.readsPerSecret <= 1 ? 'PASS' : 'FAIL']);
    }
    if (providersStart) {
      rows.push(statsRow('server start, no vault configured', providersStart.none));
      rows.push(statsRow('server start, 4 providers configured, unused', providersStart.four));
      rows.push(['  ratio 4 providers / none (SDKs not loaded)', providersStart.ratio.toFixed(2), '', '', '', '']);
    }
    if (completion) {
      rows.push(['live: warm completion over stdio, median', ms(completion.medianMs), '', '', String(completion.runs), '']);
      rows.push(['live: warm completion over stdio, p95 (target < 15 ms)', ms(completion.p95Ms), '', '', String(completion.runs), completion.p95Ms < 15 ? 'PASS' : 'FAIL']);
    }
    if (edit) {
      rows.push(statsRow(`edit → diagnostics, ${edit.lines}-line file, secretrefs-language-server`, edit.ours));
      rows.push(statsRow(`edit → diagnostics, same file, yaml-language-server ${edit.peerVersion} with our schemas`, edit.peer));
      rows.push(['  ratio ours / peer, median of pairs (target < 1)', edit.ratio.toFixed(2), edit.ratioSpread[0].toFixed(2), edit.ratioSpread[1].toFixed(2), '', edit.ratio < 1 ? 'PASS' : 'FAIL']);
      rows.push([`  ratio of the work after both servers' ${DEBOUNCE_MS} ms wait`, edit.workRatio.toFixed(2), '', '', '', '']);
    }
    if ('rssMb' in memory) {
      rows.push([`server RSS, ${memory.files} connection files indexed (target < 150 MB)`, `${memory.rssMb} MB`, '', `${memory.peakMb} MB`, '1', memory.rssMb < 150 ? 'PASS' : 'FAIL']);
      rows.push(['  ratio to an idle node process', memory.ratio.toFixed(2), '', '', '', `idle ${memory.idleNodeMb} MB`]);
    } else {
      rows.push(['server RSS with 2,000 files indexed', 'skipped', '', '', '', memory.skipped]);
    }
    if ('mb' in vsix) rows.push([`.vsix size, production build (${vsix.files} files; target < 8 MB)`, `${vsix.mb} MB`, '', '', '', vsix.mb < 8 ? 'PASS' : 'FAIL']);
    else rows.push(['.vsix size', 'skipped', '', '', '', vsix.skipped]);
    if ('extension' in activation) {
      const others = (activation.others ?? []).map((o) => `${o.id} ${o.activationMs} ms`).join(', ');
      rows.push([`extension activation in VS Code ${activation.vscode ?? ''} (e2e run of ${activation.measuredAt.slice(0, 10)})`, ms(activation.extension.activationMs), '', '', '1', others ? `beside ${others}` : '']);
    } else {
      rows.push(['extension activation', 'skipped', '', '', '', activation.skipped]);
    }
    const totalMs = performance.now() - started;
    process.stdout.write(`${table(rows)}\n\n${notes.join('\n')}\nnode ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}; total ${(totalMs / 1000).toFixed(1)} s\n`);

    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const packageVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    const result = {
      timestamp: new Date().toISOString(),
      version: packageVersion,
      node: process.version,
      platform: `${process.platform} ${os.release()} ${process.arch}`,
      cpu: { model: os.cpus()[0]?.model ?? 'unknown', count: os.cpus().length },
      target,
      checks,
      serverStart: start ?? { skipped: startSkipped },
      liveReads: reads,
      cloudReads,
      providersStart: providersStart ?? { skipped: 'dist/server.js is missing' },
      completion: completion ?? { skipped: 'dist/server.js is missing' },
      editLatency: edit ?? { skipped: 'dist/server.js is missing' },
      memory,
      vsix,
      activation,
      totalMs: round(totalMs),
    };
    mkdirSync(resultsDir, { recursive: true });
    const out = path.join(resultsDir, `${stamp}.json`);
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`results: ${path.relative(process.cwd(), out)}\n`);
  } finally {
    rmSync(base, { recursive: true, force: true });
    clearTimeout(hardLimit);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
