/**
 * Diagnostics latency after a one-character edit, over stdio, for the Secret References server and
 * for yaml-language-server (the peer users already run) validating the same file with the
 * project's JSON Schemas. Both servers run side by side in one bench run; each edit goes to one,
 * then the other, so both see the same machine load.
 *
 * Latency is the time from sending `textDocument/didChange` (an incremental change of one
 * character in the middle of the file) to the next `textDocument/publishDiagnostics` for the file.
 * Both servers wait 200 ms after a change before validating (ours: the validation debounce;
 * yaml-language-server: its `validationDelayMs`), so the figures include that wait; the report
 * also gives the work after the wait (latency − 200 ms).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { initializeOurs } from './ourServer';
import { pairedRatio, type Stats, stats, withTimeout } from './stats';

export const DEBOUNCE_MS = 200;

interface Server {
  name: string;
  child: ChildProcess;
  connection: MessageConnection;
  /** Resolves with the next diagnostics published for `uri`. */
  nextDiagnostics(uri: string): Promise<unknown[]>;
  stop(): Promise<void>;
}

function startServer(name: string, args: string[], onConnection: (c: MessageConnection) => void): Server {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'], env: { PATH: process.env.PATH ?? '' } });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting = new Map<string, ((d: unknown[]) => void)[]>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => {
    const list = waiting.get(p.uri) ?? [];
    waiting.delete(p.uri);
    for (const resolve of list) resolve(p.diagnostics);
  });
  connection.onError(() => undefined);
  onConnection(connection);
  connection.listen();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    connection,
    nextDiagnostics: (uri) =>
      new Promise((resolve) => {
        waiting.set(uri, [...(waiting.get(uri) ?? []), resolve]);
      }),
    async stop() {
      try {
        await withTimeout(`${name} shutdown`, connection.sendRequest('shutdown'), 5_000);
        await connection.sendNotification('exit');
        await withTimeout(`${name} exit`, exited, 5_000);
      } catch {
        child.kill();
      } finally {
        connection.dispose();
      }
    },
  };
}

/** The peer's settings: our schemas by file pattern, and no schema store (no network). */
function peerSettings(repoRoot: string) {
  const schema = (file: string) => pathToFileURL(path.join(repoRoot, 'schemas', file)).href;
  return {
    schemas: { [schema('connection.schema.json')]: ['*.connection.yaml', '*.connection.yml'], [schema('vault-config.schema.json')]: ['*.vault.yaml', '*.vault.yml'] },
    validate: true,
    hover: false,
    completion: false,
    schemaStore: { enable: false },
    kubernetesCRDStore: { enable: false },
  };
}

async function startPeer(repoRoot: string, rootUri: string): Promise<Server> {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const bin = path.join(path.dirname(require.resolve('yaml-language-server/package.json')), 'bin', 'yaml-language-server');
  const settings = peerSettings(repoRoot);
  const server = startServer('yaml-language-server', [bin, '--stdio'], (c) => {
    c.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => (i.section === 'yaml' ? settings : i.section === 'http' ? {} : null)));
    c.onRequest('client/registerCapability', () => null);
    c.onRequest('window/workDoneProgress/create', () => null);
    c.onNotification(() => undefined);
  });
  await withTimeout(
    'yaml-language-server initialize',
    server.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: { synchronization: { dynamicRegistration: true }, publishDiagnostics: { relatedInformation: true } },
      },
      initializationOptions: {},
    }),
    30_000,
  );
  await server.connection.sendNotification('initialized', {});
  await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: settings } });
  return server;
}

async function startOurs(serverJs: string, rootUri: string): Promise<Server> {
  let indexed: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (indexed = resolve));
  const server = startServer('secretrefs-language-server', [serverJs, '--stdio'], (c) => {
    c.onRequest(() => null);
    c.onNotification('secretRefs/status', (p: { indexing?: boolean }) => {
      if (p.indexing === false) indexed();
    });
  });
  await initializeOurs(server.connection, fileURLToPath(rootUri), 30_000);
  await server.connection.sendNotification('initialized', {});
  await withTimeout('secretrefs indexing', done, 60_000);
  return server;
}

export interface EditLatencyBench {
  file: string;
  lines: number;
  edits: number;
  ours: Stats;
  peer: Stats;
  /** ours ÷ peer: the median of the per-edit ratios (each edit went to both), target < 1. */
  ratio: number;
  ratioSpread: [number, number];
  /** ours ÷ peer, medians of the work after the 200 ms wait. */
  workRatio: number;
  peerVersion: string;
  /** Diagnostics the peer published for a file that breaks the schema (proof it validates with it). */
  peerSchemaDiagnostics: number;
}

export async function benchEditLatency(repoRoot: string, serverJs: string, root: string, file: string, edits = 15): Promise<EditLatencyBench> {
  const rootUri = pathToFileURL(root).href;
  const uri = pathToFileURL(file).href;
  const text = readFileSync(file, 'utf8');
  // The edit: a digit of a port number in the middle of the file, flipped back and forth.
  const at = text.indexOf('port: ', Math.floor(text.length / 2)) + 'port: '.length;
  const lines = text.slice(0, at).split('\n');
  const position = { line: lines.length - 1, character: lines.at(-1)!.length };
  const range = { start: position, end: { line: position.line, character: position.character + 1 } };
  const original = text[at]!;
  const other = original === '1' ? '2' : '1';

  const ours = await startOurs(serverJs, rootUri);
  const peer = await startPeer(repoRoot, rootUri);
  try {
    // The peer must really validate with our schema: a file that breaks it gets diagnostics.
    const badUri = pathToFileURL(path.join(root, 'connections', 'schema-check.connection.yaml')).href;
    const bad = peer.nextDiagnostics(badUri);
    await peer.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: badUri, languageId: 'yaml', version: 1, text: 'name: 5\nvault_secrets: nope\nvalue: {}\n' } });
    const badDiagnostics = await withTimeout('yaml-language-server schema check', bad, 30_000);
    if (badDiagnostics.length === 0) throw new Error('yaml-language-server published no diagnostics for a file that breaks the connection schema: the schema was not applied');

    for (const server of [ours, peer]) {
      const first = server.nextDiagnostics(uri);
      await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      await withTimeout(`${server.name} first diagnostics`, first, 60_000);
    }
    const samples = new Map<Server, number[]>([
      [ours, []],
      [peer, []],
    ]);
    const warmups = 2;
    for (let i = 0; i < edits + warmups; i++) {
      for (const server of [ours, peer]) {
        const published = server.nextDiagnostics(uri);
        const t0 = performance.now();
        await server.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version: i + 2 },
          contentChanges: [{ range, rangeLength: 1, text: i % 2 === 0 ? other : original }],
        });
        await withTimeout(`${server.name} diagnostics after an edit`, published, 60_000);
        if (i >= warmups) samples.get(server)!.push(performance.now() - t0);
      }
    }
    const paired = pairedRatio(samples.get(ours)!, samples.get(peer)!);
    const o = stats(samples.get(ours)!);
    const p = stats(samples.get(peer)!);
    const version = (JSON.parse(readFileSync(createRequire(path.join(repoRoot, 'package.json')).resolve('yaml-language-server/package.json'), 'utf8')) as { version: string }).version;
    return {
      file: path.relative(root, file),
      lines: text.split('\n').length - 1,
      edits,
      ours: o,
      peer: p,
      ratio: paired.median,
      ratioSpread: [paired.min, paired.max],
      workRatio: Math.round((Math.max(0, o.medianMs - DEBOUNCE_MS) / Math.max(1, p.medianMs - DEBOUNCE_MS)) * 100) / 100,
      peerVersion: version,
      peerSchemaDiagnostics: badDiagnostics.length,
    };
  } finally {
    await ours.stop();
    await peer.stop();
  }
}
