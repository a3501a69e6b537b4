/**
 * Property-based fuzzing of the language server over the in-memory LSP harness: generated and
 * mutated vault configurations and connections are opened, changed, closed and reopened while
 * completion, hover, definition and code action requests arrive.
 * Properties: every request is answered (no error response, nothing left hanging), diagnostics
 * are published for every version sent, the server logs no failure, every input is handled within
 * a bound on CPU time, and the server still answers at the end.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ErrorCodes, type CodeAction, type CompletionList, type Diagnostic, type PublishDiagnosticsParams, type Range } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { listVaultsRequest, type ListVaultsResult } from '../../shared/src/customMessages';
import { makeFolder, startHarness, type Harness } from '../helpers/lspHarness';
import { NetworkGuard } from '../helpers/networkGuard';
import { fuzzFile, fuzzSeed, pathologicalCorpus, probeOffsets, type FuzzFile } from './arbitraries';
import { cpuMs } from './cpuTime';

/** Runs of the property; each run is a pair of files, a vault configuration and a connection. */
const runs = 1_500;
/** How long one request may take before it counts as unanswered. */
const requestTimeoutMs = 5_000;
const perInputBoundMs = 2_000;

const examplesDir = fileURLToPath(new URL('../../examples/vaults/', import.meta.url));
const exampleVaults = Object.fromEntries(
  readdirSync(examplesDir)
    .filter((f) => f.endsWith('.vault.yaml'))
    .map((f) => [`vaults/${f}`, readFileSync(examplesDir + f, 'utf8')]),
);

/** Rejects when `promise` does not settle within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface ServerInput {
  vault: FuzzFile;
  connection: FuzzFile;
  /** 0: change both documents; 1: close and reopen the connection; 2: close and reopen the vault configuration. */
  lifecycle: number;
}

const serverInput: fc.Arbitrary<ServerInput> = fc.record({
  vault: fuzzFile('vault-config'),
  connection: fuzzFile('connection'),
  lifecycle: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) }),
});

describe('fuzzing the language server', { timeout: 300_000 }, () => {
  const folder = makeFolder({ ...exampleVaults, 'other.connection.yaml': 'name: o\nvalue: vault.secret(prod:secret/data/oracle.user)\n' });
  const guard = new NetworkGuard();
  const vaultUri = folder.file('fuzz.vault.yaml');
  const connectionUri = folder.file('fuzz.connection.yaml');
  /** Versions whose diagnostics were published, by URI. */
  const published = new Map<string, Set<number>>();
  const wakers = new Set<() => void>();
  const versions = new Map<string, number>();
  let h: Harness;

  before(async () => {
    guard.install();
    h = await startHarness({ folders: [folder.uri] });
    // Replaces the harness's handler to record versions too (and keeps its diagnostics map up to date).
    h.client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      h.diagnostics.set(params.uri, params.diagnostics);
      if (params.version !== undefined) {
        const set = published.get(params.uri) ?? new Set<number>();
        set.add(params.version);
        published.set(params.uri, set);
      }
      for (const wake of wakers) wake();
    });
  });

  after(async () => {
    await h.dispose();
    folder.dispose();
    guard.uninstall();
  });

  function waitForVersion(uri: string, version: number): Promise<Diagnostic[]> {
    return within(
      new Promise<Diagnostic[]>((resolve) => {
        const check = () => {
          if (published.get(uri)?.has(version)) {
            wakers.delete(check);
            resolve(h.diagnostics.get(uri) ?? []);
          }
        };
        wakers.add(check);
        check();
      }),
      requestTimeoutMs,
      `diagnostics of ${uri.split('/').pop()} version ${version}`,
    );
  }

  /** Sends the text as a new version (opening, or closing and reopening, as asked); returns the version. */
  function send(uri: string, text: string, reopen: boolean): number {
    const previous = versions.get(uri);
    const version = (previous ?? 0) + 1;
    versions.set(uri, version);
    if (previous !== undefined && reopen) h.close(uri);
    if (previous === undefined || reopen) h.open(uri, text, version);
    else h.change(uri, text, version);
    return version;
  }

  function request<T>(method: string, params: unknown): Promise<T> {
    return within(h.client.sendRequest(method, params) as Promise<T>, requestTimeoutMs, method);
  }

  /** Completion, hover and definition, each at one of the probe offsets of a document (or past its end). */
  function positionRequests(uri: string, file: FuzzFile): Promise<unknown>[] {
    const doc = TextDocument.create(uri, 'yaml', 1, file.text);
    const offsets = probeOffsets(file.text, file.probes);
    const at = (i: number) => doc.positionAt(offsets[(file.probes[0]! + i) % offsets.length]!);
    const beyond = file.probes[0]! % 5 === 0 ? { line: doc.lineCount + (file.probes[0]! % 3), character: file.probes[0]! % 7 } : at(2);
    return [
      request('textDocument/completion', { textDocument: { uri }, position: at(0) }),
      request('textDocument/hover', { textDocument: { uri }, position: at(1) }),
      request('textDocument/definition', { textDocument: { uri }, position: beyond }),
    ];
  }

  function codeActionRequests(uri: string, text: string, diagnostics: Diagnostic[]): Promise<unknown>[] {
    const doc = TextDocument.create(uri, 'yaml', 1, text);
    const whole: Range = { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) };
    return [
      request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: whole, context: { diagnostics } }),
      ...diagnostics.slice(0, 1).map((d) => request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })),
    ];
  }

  const errorsLogged = () => h.notifications.filter((n) => n.method === 'window/logMessage' && (n.params as { type: number }).type === 1);

  it(`answers every request for ${(2 * runs).toLocaleString('en')} generated and mutated files: ${runs.toLocaleString('en')} vault configurations and ${runs.toLocaleString('en')} connections (seed ${fuzzSeed + 1})`, async (t) => {
    const timing = { max: 0, total: 0 };
    await fc.assert(
      fc.asyncProperty(serverInput, async (input) => {
        const started = cpuMs();
        const errorsBefore = errorsLogged().length;
        const vaultVersion = send(vaultUri, input.vault.text, input.lifecycle === 2);
        const connectionVersion = send(connectionUri, input.connection.text, input.lifecycle === 1);
        // Requests arrive while validation is pending; the server answers them from the new text.
        await Promise.all([...positionRequests(vaultUri, input.vault), ...positionRequests(connectionUri, input.connection)]);
        const [vaultDiagnostics, connectionDiagnostics] = await Promise.all([waitForVersion(vaultUri, vaultVersion), waitForVersion(connectionUri, connectionVersion)]);
        await Promise.all([...codeActionRequests(vaultUri, input.vault.text, vaultDiagnostics), ...codeActionRequests(connectionUri, input.connection.text, connectionDiagnostics)]);
        const errors = errorsLogged().slice(errorsBefore);
        assert.deepEqual(errors.map((e) => (e.params as { message: string }).message.split('\n')[0]), [], 'the server logged a failure');
        const elapsed = cpuMs() - started;
        timing.total += elapsed;
        timing.max = Math.max(timing.max, elapsed);
        if (elapsed >= perInputBoundMs) assert.fail(`one input took ${elapsed.toFixed(0)} ms of CPU time (bound ${perInputBoundMs} ms)`);
      }),
      { numRuns: runs, seed: fuzzSeed + 1 },
    );
    t.diagnostic(`max per-input CPU time ${timing.max.toFixed(1)} ms; mean ${(timing.total / runs).toFixed(2)} ms over ${runs} runs`);
  });

  it('answers for the pathological corpus at full size: alias bombs, 4,000-deep nesting, 200,000-character lines', async (t) => {
    let max = 0;
    for (const { label, kind, text } of pathologicalCorpus()) {
      const started = cpuMs();
      const errorsBefore = errorsLogged().length;
      const uri = kind === 'connection' ? connectionUri : vaultUri;
      const version = send(uri, text, false);
      await Promise.all(positionRequests(uri, { kind, text, probes: [0, 9, text.length >> 1] }));
      const diagnostics = await waitForVersion(uri, version);
      await Promise.all(codeActionRequests(uri, text, diagnostics));
      assert.deepEqual(errorsLogged().slice(errorsBefore).map((e) => (e.params as { message: string }).message.split('\n')[0]), [], `${label}: the server logged a failure`);
      const elapsed = cpuMs() - started;
      max = Math.max(max, elapsed);
      assert.ok(elapsed < perInputBoundMs, `${label}: ${elapsed.toFixed(0)} ms of CPU time (bound ${perInputBoundMs} ms)`);
    }
    t.diagnostic(`max per-input CPU time ${max.toFixed(1)} ms`);
  });

  it('is still responsive at the end: a fresh connection is validated and completed', async () => {
    const uri = folder.file('final.connection.yaml');
    h.open(uri, 'name: final\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: oracle\nvalue:\n  password: vault.secret(password)\n');
    const diagnostics = await waitForVersion(uri, 1);
    assert.deepEqual(diagnostics.map((d) => d.code), ['kv2-missing-data-prefix']);
    const completion = await request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 2, character: 13 } });
    assert.ok(completion.items.some((i) => i.label === 'prod'), 'vault names are completed');
    // A request the server does not offer is answered with MethodNotFound, not left hanging or failed internally.
    await assert.rejects(request('textDocument/documentSymbol', { textDocument: { uri } }), (error: { code?: number }) => error.code === ErrorCodes.MethodNotFound);
    const vaults = await request<ListVaultsResult>(listVaultsRequest, {});
    assert.ok(vaults.vaults.some((v) => v.name === 'prod'));
    assert.deepEqual(guard.violations, [], 'no connection left the machine');
  });
});
