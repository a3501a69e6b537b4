/**
 * The built language server (dist/server.js --stdio) driven over real stdio by a JSON-RPC client:
 * diagnostics, completion, hover, a quick fix, a clean shutdown, and a stdout that carries nothing
 * but Content-Length framed messages. `npm test` builds dist/ first.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Command, CompletionItem, CompletionList, Diagnostic, Hover, MarkedString, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { defaultSettings } from '../../shared/src/settings';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const serverJs = path.join(repoRoot, 'dist', 'server.js');
const examples = path.join(repoRoot, 'examples');

const vaultConfig = `name: stdio-prod
provider: hashicorp
url: https://vault.example.com:8200
engines:
  secret: { type: kv, version: 2 }
`;

// Line 5 (0-based) lacks the data/ prefix that KV v2 needs; line 10 holds an inline reference.
const brokenConnection = `name: stdio-broken
connector_type: SQLORACLE
vault_secrets:
  - vault: stdio-prod
    engine: secret
    path: oracle
value:
  host: my-oracle-server
  user: vault.secret(user)
  password: vault.secret(password)
  dsn: vault.secret(stdio-prod:secret/data/oracle.password)
`;
const brokenPathLine = 5;
const inlineReferenceLine = 10;

// Completion is asked for right after `vault: ` on line 2.
const completionConnection = `name: stdio-complete
vault_secrets:
  - vault: 
`;

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `promise`, or a failure naming `what` when it has not settled within `timeoutMs`. */
async function withDeadline<T>(what: string, promise: Promise<T>, timeoutMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function samePath(uri: string, file: string): boolean {
  try {
    return path.resolve(fileURLToPath(uri)) === path.resolve(file);
  } catch {
    return false;
  }
}

/**
 * Splits raw stdout into LSP frames and fails on anything else (a stray console.log, a banner,
 * a half-written message): every byte must belong to a `Content-Length` framed JSON-RPC message.
 */
function parseFrames(raw: Buffer): unknown[] {
  const messages: unknown[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const headerEnd = raw.indexOf('\r\n\r\n', offset, 'ascii');
    const context = () => JSON.stringify(raw.subarray(offset, offset + 120).toString('utf8'));
    assert.ok(headerEnd !== -1, `stdout byte ${offset} is not the start of a framed message: ${context()}`);
    let length: number | undefined;
    for (const header of raw.subarray(offset, headerEnd).toString('ascii').split('\r\n')) {
      const m = /^([A-Za-z-]+): *(.*)$/.exec(header);
      assert.ok(m, `stdout byte ${offset}: not an LSP header: ${context()}`);
      const name = m[1]!.toLowerCase();
      if (name === 'content-length') {
        assert.match(m[2]!, /^\d+$/, 'Content-Length is a number');
        length = Number(m[2]);
      } else {
        assert.equal(name, 'content-type', `unexpected header ${m[1]}`);
      }
    }
    assert.ok(length !== undefined, `stdout byte ${offset}: a frame without Content-Length`);
    const bodyStart = headerEnd + 4;
    assert.ok(bodyStart + length <= raw.length, `stdout byte ${offset}: the last frame is truncated`);
    const message = JSON.parse(raw.subarray(bodyStart, bodyStart + length).toString('utf8')) as { jsonrpc?: unknown };
    assert.equal(message.jsonrpc, '2.0');
    messages.push(message);
    offset = bodyStart + length;
  }
  return messages;
}

function hoverText(contents: Hover['contents']): { markdown: boolean; text: string } {
  if (typeof contents === 'string') return { markdown: true, text: contents };
  if (Array.isArray(contents)) {
    return { markdown: true, text: contents.map((c: MarkedString) => (typeof c === 'string' ? c : c.value)).join('\n') };
  }
  if ('kind' in contents) return { markdown: contents.kind === 'markdown', text: contents.value };
  return { markdown: true, text: contents.value };
}

/** The text edits for `file` in a workspace edit, whichever of its two shapes the server used. */
function editsFor(edit: WorkspaceEdit | undefined, file: string): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const [uri, list] of Object.entries(edit?.changes ?? {})) if (samePath(uri, file)) edits.push(...list);
  for (const change of edit?.documentChanges ?? []) {
    if ('textDocument' in change && samePath(change.textDocument.uri, file)) {
      edits.push(...change.edits.filter((e): e is TextEdit => 'range' in e && 'newText' in e));
    }
  }
  return edits;
}

describe('language server over stdio', () => {
  let workspace: string;
  let brokenFile: string;
  let completionFile: string;
  let child: ChildProcess;
  let connection: MessageConnection;
  const stdoutChunks: Buffer[] = [];
  let stderr = '';
  const diagnostics = new Map<string, Diagnostic[]>();
  const logMessages: string[] = [];
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  let serverExit: Promise<never>;
  let streamBroken: Promise<never>;
  const uriOf = (file: string) => pathToFileURL(file).href;
  let indexedOnce = false;
  /** A request that fails fast when the server dies or does not answer in time. */
  const request = <T>(method: string, params?: unknown, timeoutMs = 10_000): Promise<T> =>
    withDeadline(method, Promise.race([connection.sendRequest<T>(method, params), serverExit, streamBroken]), timeoutMs);
  const diagnosticsFor = (file: string) => [...diagnostics].find(([uri]) => samePath(uri, file))?.[1];
  const diagnosticAt = (file: string, code: string, line: number) =>
    diagnosticsFor(file)?.find((d) => d.code === code && d.range.start.line === line);

  before(async () => {
    assert.ok(existsSync(serverJs), `${serverJs} is missing: run "npm run build" first (npm test does)`);
    workspace = path.join(realpathSync(mkdtempSync(path.join(os.tmpdir(), 'secretrefs-stdio-'))), 'workspace');
    if (existsSync(examples)) cpSync(examples, workspace, { recursive: true });
    mkdirSync(path.join(workspace, 'stdio-test'), { recursive: true });
    writeFileSync(path.join(workspace, 'stdio-test', 'stdio-prod.vault.yaml'), vaultConfig);
    brokenFile = path.join(workspace, 'stdio-test', 'broken.connection.yaml');
    completionFile = path.join(workspace, 'stdio-test', 'complete.connection.yaml');
    writeFileSync(brokenFile, brokenConnection);
    writeFileSync(completionFile, completionConnection);

    child = spawn(process.execPath, [serverJs, '--stdio'], { cwd: workspace, stdio: ['pipe', 'pipe', 'pipe'] });
    serverExit = new Promise<never>((_, reject) => {
      child.on('exit', (code, signal) => {
        exited = { code, signal };
        reject(new Error(`the server exited (code ${code}, signal ${signal}); stderr:\n${stderr}`));
      });
    });
    serverExit.catch(() => undefined); // observed by each request; the final exit is expected
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
    });
    // Keep every stdout byte for the framing check while the JSON-RPC reader consumes a copy.
    const tee = new PassThrough();
    child.stdout!.on('data', (chunk: Buffer) => {
      stdoutChunks.push(chunk);
      tee.write(chunk);
    });
    child.stdout!.on('end', () => tee.end());

    connection = createMessageConnection(new StreamMessageReader(tee), new StreamMessageWriter(child.stdin!));
    streamBroken = new Promise<never>((_, reject) => {
      connection.onError(([error]) => reject(new Error(`the JSON-RPC stream broke: ${error.message}`)));
    });
    streamBroken.catch(() => undefined); // observed by each request
    connection.onNotification((method, params) => {
      if (method === 'textDocument/publishDiagnostics') {
        const p = params as { uri: string; diagnostics: Diagnostic[] };
        diagnostics.set(p.uri, p.diagnostics);
      } else if (method === 'window/logMessage' || method === 'window/showMessage') {
        logMessages.push((params as { message: string }).message);
      } else if (method === 'secretRefs/status' && (params as { indexing?: boolean }).indexing === false) {
        indexedOnce = true;
      }
    });
    // Requests a client answers: settings, capability registration, progress.
    connection.onRequest((method, params) => {
      if (method === 'workspace/configuration') {
        return (params as { items: { section?: string }[] }).items.map(({ section }) => {
          if (section === 'secretRefs') return defaultSettings;
          if (section?.startsWith('secretRefs.')) {
            let value: unknown = defaultSettings;
            for (const key of section.split('.').slice(1)) value = (value as Record<string, unknown> | undefined)?.[key];
            return value ?? null;
          }
          return null;
        });
      }
      if (method === 'workspace/workspaceFolders') return [{ uri: uriOf(workspace), name: 'workspace' }];
      return null;
    });
    connection.listen();

    const result = await request<{ capabilities: Record<string, unknown> }>(
      'initialize',
      {
        processId: process.pid,
        clientInfo: { name: 'secretrefs-stdio-test', version: '1' },
        locale: 'en',
        rootPath: workspace,
        rootUri: uriOf(workspace),
        workspaceFolders: [{ uri: uriOf(workspace), name: 'workspace' }],
        initializationOptions: { settings: defaultSettings },
        capabilities: {
          workspace: {
            configuration: true,
            workspaceFolders: true,
            applyEdit: true,
            workspaceEdit: { documentChanges: true },
            didChangeConfiguration: { dynamicRegistration: true },
            didChangeWatchedFiles: { dynamicRegistration: true },
          },
          textDocument: {
            synchronization: { dynamicRegistration: false, didSave: true },
            publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, versionSupport: true },
            completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            codeAction: {
              codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } },
              isPreferredSupport: true,
              dataSupport: true,
              resolveSupport: { properties: ['edit'] },
            },
          },
          window: { workDoneProgress: true },
        },
      },
      20_000,
    );
    assert.ok(result.capabilities.completionProvider, 'completion is offered');
    assert.ok(result.capabilities.hoverProvider, 'hover is offered');
    assert.ok(result.capabilities.codeActionProvider, 'code actions are offered');
    await connection.sendNotification('initialized', {});
  });

  after(() => {
    connection?.dispose();
    if (child && child.exitCode === null && child.signalCode === null) child.kill();
    if (workspace) rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  test('publishes kv2-missing-data-prefix for an opened broken connection', async () => {
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uriOf(brokenFile), languageId: 'yaml', version: 1, text: brokenConnection },
    });
    const diagnostic = await waitFor('kv2-missing-data-prefix on the broken connection', () =>
      diagnosticAt(brokenFile, 'kv2-missing-data-prefix', brokenPathLine),
    );
    assert.equal(diagnostic.source, 'secretrefs');
    assert.equal(diagnostic.severity, 1, 'an error');
    assert.ok(diagnostic.range.start.character >= '    path: '.length - 1, JSON.stringify(diagnostic.range));
    assert.ok(
      !diagnosticsFor(brokenFile)!.some((d) => d.range.start.line === inlineReferenceLine),
      'the inline reference is valid',
    );
  });

  test('completes vault names after "vault: "', async () => {
    // Vault names come from the index: ask once the workspace is indexed, as the client's status shows.
    for (const by = Date.now() + 10_000; !indexedOnce && Date.now() < by; ) await new Promise((r) => setTimeout(r, 10));
    assert.ok(indexedOnce, 'the server reported the workspace indexed');
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uriOf(completionFile), languageId: 'yaml', version: 1, text: completionConnection },
    });
    const result = await request<CompletionItem[] | CompletionList | null>('textDocument/completion', {
      textDocument: { uri: uriOf(completionFile) },
      position: { line: 2, character: '  - vault: '.length },
      context: { triggerKind: 1 },
    });
    assert.ok(result, 'completion result');
    const items = Array.isArray(result) ? result : result.items;
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('stdio-prod'), `vault names offered: ${JSON.stringify(labels)}`);
    // The copy of examples/ was indexed too: its vault `prod` is offered as well.
    if (existsSync(path.join(examples, 'vaults', 'prod.vault.yaml'))) assert.ok(labels.includes('prod'), JSON.stringify(labels));
  });

  test('hover on an inline reference shows the API path in markdown', async () => {
    const line = brokenConnection.split('\n')[inlineReferenceLine]!;
    const character = line.indexOf('secret/data/oracle');
    assert.ok(character > 0);
    const hover = await request<Hover | null>('textDocument/hover', {
      textDocument: { uri: uriOf(brokenFile) },
      position: { line: inlineReferenceLine, character },
    });
    assert.ok(hover, 'a hover');
    const { markdown, text } = hoverText(hover.contents);
    assert.ok(markdown, 'markdown hover');
    assert.ok(text.includes('/v1/secret/data/oracle'), `API path in hover:\n${text}`);
  });

  test('offers a quick fix that inserts data/', async () => {
    const diagnostic = diagnosticAt(brokenFile, 'kv2-missing-data-prefix', brokenPathLine);
    assert.ok(diagnostic, 'the diagnostic from the first test');
    const actions = await request<(CodeAction | Command)[] | null>('textDocument/codeAction', {
      textDocument: { uri: uriOf(brokenFile) },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], triggerKind: 1 },
    });
    assert.ok(actions && actions.length > 0, 'code actions');
    const quickFixes = actions.filter((a): a is CodeAction => 'kind' in a && typeof a.kind === 'string' && a.kind.startsWith('quickfix'));
    assert.ok(quickFixes.length > 0, `a quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);

    const document = TextDocument.create(uriOf(brokenFile), 'yaml', 1, brokenConnection);
    const fixedLines: string[] = [];
    for (let action of quickFixes) {
      if (!action.edit && action.data !== undefined) action = await request<CodeAction>('codeAction/resolve', action);
      const edits = editsFor(action.edit, brokenFile);
      if (edits.length === 0) continue;
      const fixed = TextDocument.applyEdits(document, edits);
      fixedLines.push(fixed.split('\n')[brokenPathLine]!);
    }
    assert.ok(fixedLines.includes('    path: data/oracle'), `a quick fix inserts data/: ${JSON.stringify(fixedLines)}`);
  });

  test('shuts down and exits with status 0', async () => {
    await request('shutdown');
    await connection.sendNotification('exit');
    const result = await waitFor('the server to exit', () => exited, 10_000);
    assert.deepEqual(result, { code: 0, signal: null });
  });

  test('stderr has no stack trace', () => {
    assert.doesNotMatch(stderr, /^\s+at\s/m, stderr);
    assert.doesNotMatch(stderr, /\b(Type|Range|Reference|Syntax)Error\b|Unhandled|node:internal/, stderr);
    const crashes = logMessages.filter((m) => /^\s+at\s/m.test(m));
    assert.deepEqual(crashes, [], 'no stack traces in log messages');
  });

  test('stdout carried nothing but Content-Length framed messages', async () => {
    if (!exited) child.kill(); // an earlier failure left it running; its output so far is still checked
    await waitFor('stdout to close', () => (child.stdout!.readableEnded || child.stdout!.destroyed ? true : undefined), 5_000);
    const messages = parseFrames(Buffer.concat(stdoutChunks));
    assert.ok(messages.length >= 5, `${messages.length} messages`);
  });
});
