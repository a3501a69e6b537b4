/**
 * Large documents are analysed in a worker thread (dist/analysisWorker.js): the analysis it sends
 * back must be the one the main thread would make, only the latest version is worked on, and the
 * server's diagnostics of a large document after quick edits are those of its final text.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-types';
import { BackgroundAnalysis } from '../../server/src/backgroundAnalysis';
import { analyzeDocument } from '../../server/src/service/analyzeDocument';
import type { DocumentAnalysis } from '../../server/src/service/documentAnalysis';
import { checkPaths } from '../../server/src/workspace/checkPaths';
import { defaultSettings } from '../../shared/src/settings';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const workerJs = path.join(dist, 'analysisWorker.js');
const serverJs = path.join(dist, 'server.js');

/** A connection of about `lines` lines with a malformed reference on its last line. */
function largeConnection(lines: number, last = '  broken: vault.secret(db.password\n'): string {
  const out = ['name: big', 'vault_secrets:', '  - vault: prod', '    alias: db', '    engine: secret', '    path: data/app/db', 'value:'];
  for (let i = 0; out.length < lines; i++) out.push(`  n${i}:`, `    password: vault.secret(db.password)`, `    host: db-${i}.example.com`, `    port: ${1000 + i}`);
  return `${out.join('\n')}\n${last}`;
}

describe('background analysis in a worker thread', () => {
  it('sends back the analysis the main thread would make, for the latest version only', async () => {
    assert.ok(existsSync(workerJs), `${workerJs} is missing: run npm run build`);
    const delivered: { version: number; analysis: DocumentAnalysis }[] = [];
    const errors: string[] = [];
    const background = new BackgroundAnalysis(workerJs, 1000, (_uri, version, _kind, _max, analysis) => delivered.push({ version, analysis }), (m) => errors.push(m));
    try {
      const uri = 'file:///w/big.connection.yaml';
      const texts = [largeConnection(3000), largeConnection(3000, '  fixed: vault.secret(db.password)\n'), largeConnection(3000, '  again: vault.secret(\n'), largeConnection(3000, '  last: vault.secret(db.user)\n')];
      const docs = texts.map((t, i) => TextDocument.create(uri, 'yaml', i + 1, t));
      for (const d of docs) background.submit(d, 'connection', 512);
      assert.equal(background.isPending(uri), true, 'in the worker');
      await background.ready(uri, 4);
      assert.equal(background.isPending(uri), false, 'done');
      assert.deepEqual(errors, []);
      // Version 1 was already in the worker; 2 and 3 were replaced by 4 while it ran.
      assert.deepEqual(delivered.map((d) => d.version), [1, 4]);
      assert.deepEqual(delivered[1]!.analysis, analyzeDocument(uri, texts[3]!, 'connection', { maxSizeKb: 512 }));
      assert.deepEqual(delivered[0]!.analysis, analyzeDocument(uri, texts[0]!, 'connection', { maxSizeKb: 512 }));
      // A small document stays on the main thread: nothing to wait for, nothing delivered.
      background.submit(TextDocument.create('file:///w/small.connection.yaml', 'yaml', 1, 'name: s\n'), 'connection', 512);
      await background.ready('file:///w/small.connection.yaml', 1);
      assert.equal(delivered.length, 2);
    } finally {
      background.dispose();
    }
  });

  it('falls back to the main thread when the worker cannot start', async () => {
    const errors: string[] = [];
    const background = new BackgroundAnalysis(path.join(dist, 'no-such-worker.js'), 10, () => assert.fail('nothing is delivered'), (m) => errors.push(m));
    const doc = TextDocument.create('file:///w/a.connection.yaml', 'yaml', 1, largeConnection(100));
    background.submit(doc, 'connection', 512);
    await background.ready(doc.uri, 1);
    assert.ok(errors.length > 0 && /Background analysis/.test(errors[0]!), errors.join());
    background.dispose();
  });
});

describe('the server on a large document edited quickly', () => {
  let folder: string;
  let connection: MessageConnection;
  let child: ReturnType<typeof spawn>;
  const published: { uri: string; version?: number; diagnostics: Diagnostic[] }[] = [];
  const logs: string[] = [];

  before(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'secretrefs-large-'));
    writeFileSync(path.join(folder, 'prod.vault.yaml'), 'name: prod\nprovider: hashicorp\nurl: https://vault.example.com\nengines:\n  secret: { type: kv, version: 2 }\n');
    child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'], env: { PATH: process.env.PATH ?? '' } });
    connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => published.push(p));
    connection.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));
    connection.onRequest(() => null);
    connection.listen();
    const rootUri = pathToFileURL(folder).href;
    await connection.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'w' }], capabilities: {}, initializationOptions: { settings: defaultSettings } });
    await connection.sendNotification('initialized', {});
  });

  after(async () => {
    await connection.sendRequest('shutdown').catch(() => undefined);
    await connection.sendNotification('exit').catch(() => undefined);
    connection.dispose();
    child.kill();
    rmSync(folder, { recursive: true, force: true });
  });

  it('publishes the diagnostics of the final text, the same as the CLI finds', async () => {
    const file = path.join(folder, 'big.connection.yaml');
    const uri = pathToFileURL(file).href;
    let text = largeConnection(6000);
    assert.ok(text.length > 64 * 1024, 'large enough for the worker');
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    // Quick edits, each replacing the last line; the final one leaves an unclosed reference elsewhere on it.
    const lastLine = text.split('\n').length - 2;
    const endings = ['  broken: vault.secret(db.password)', '  broken: vault.secret(', '  a_much_longer_key: vault.secret(db.password'];
    for (const [i, ending] of endings.entries()) {
      const old = text.split('\n')[lastLine]!;
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: i + 2 },
        contentChanges: [{ range: { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: old.length } }, text: ending }],
      });
      const lines = text.split('\n');
      lines[lastLine] = ending;
      text = lines.join('\n');
    }
    const finalVersion = endings.length + 1;
    const deadline = Date.now() + 20_000;
    while (!published.some((p) => p.uri === uri && p.version === finalVersion) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const final = published.filter((p) => p.uri === uri && p.version === finalVersion).at(-1);
    assert.ok(final, `diagnostics of version ${finalVersion} were published (got versions ${published.map((p) => p.version).join(', ')})`);
    writeFileSync(file, text);
    const cli = (await checkPaths([folder], defaultSettings)).files.find((f) => f.path === file)!;
    const shape = (d: Diagnostic[]) => d.map((x) => `${x.code}@${x.range.start.line}:${x.range.start.character}`).sort();
    assert.deepEqual(shape(final.diagnostics), shape(cli.diagnostics));
    // Not the initial text's problem: the final one, at its own column.
    assert.deepEqual(shape(final.diagnostics), [`malformed-reference@${lastLine}:${endings[2]!.indexOf('vault.secret(')}`]);
    assert.deepEqual(logs.filter((m) => /Background analysis|failed/i.test(m)), []);
  });
});
