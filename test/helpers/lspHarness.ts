import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection } from 'vscode-languageserver/node';
import type { ClientCapabilities, Diagnostic, InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { startServer } from '../../server/src/server';

/** Writes files (relative path → text) into a fresh temporary folder. */
export function makeFolder(files: Record<string, string>): { path: string; uri: string; file: (rel: string) => string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'secretrefs-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return {
    path: root,
    uri: pathToFileURL(root).toString(),
    file: (rel) => pathToFileURL(join(root, rel)).toString(),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface Harness {
  client: MessageConnection;
  initializeResult: InitializeResult;
  /** The latest diagnostics published for each URI. */
  diagnostics: Map<string, Diagnostic[]>;
  notifications: { method: string; params: unknown }[];
  /** Edits the server asked the client to apply (workspace/applyEdit), all accepted. */
  appliedEdits: unknown[];
  /** Methods the server registered dynamically. */
  registrations: string[];
  /** Resolves when `predicate` holds for the diagnostics of `uri`; polls each publish, bounded by `timeoutMs`. */
  waitForDiagnostics(uri: string, predicate: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, text: string, version: number): void;
  close(uri: string): void;
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  folders: string[];
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** Answers `workspace/configuration` requests when the capability is advertised. */
  configuration?: unknown;
  /** The server's environment (credentials); empty by default so a developer's VAULT_TOKEN never leaks in. */
  env?: NodeJS.ProcessEnv;
  /** How long completion and hover wait for a secret manager. */
  liveBudgetMs?: number;
  /** Wait for the workspace to be indexed before returning (default true). */
  waitForIndexing?: boolean;
  /** Options for loopback fakes, per provider. */
  providerTesting?: Record<string, Record<string, unknown>>;
  /** Answers `secretRefs/credential` requests. */
  onCredential?: (params: unknown) => unknown;
}

/** Starts the real server over a pair of in-memory streams and initializes it as a client would. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(serverConnection, {
    debounceMs: 10,
    env: options.env ?? {},
    liveBudgetMs: options.liveBudgetMs ?? 300,
    ...(options.providerTesting ? { providerTesting: options.providerTesting } : {}),
  });
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const diagnostics = new Map<string, Diagnostic[]>();
  const notifications: { method: string; params: unknown }[] = [];
  const waiters = new Set<() => void>();
  const appliedEdits: unknown[] = [];
  const registrations: string[] = [];
  client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    diagnostics.set(params.uri, params.diagnostics);
    for (const wake of waiters) wake();
  });
  client.onNotification((method, params) => {
    notifications.push({ method, params });
    for (const wake of waiters) wake();
  });
  client.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => options.configuration ?? null));
  client.onRequest('client/registerCapability', (params: { registrations: { method: string }[] }) => {
    registrations.push(...params.registrations.map((r) => r.method));
    return null;
  });
  client.onRequest('window/showMessageRequest', () => null);
  client.onRequest('workspace/applyEdit', (params: unknown) => {
    appliedEdits.push(params);
    return { applied: true };
  });
  client.onRequest('secretRefs/credential', (params: unknown) => options.onCredential?.(params) ?? null);
  client.listen();
  const initializeResult = (await client.sendRequest('initialize', {
    processId: null,
    rootUri: options.folders[0] ?? null,
    workspaceFolders: options.folders.map((uri, i) => ({ uri, name: `folder${i}` })),
    capabilities: options.capabilities ?? { textDocument: { completion: { completionItem: { snippetSupport: true } } } },
    initializationOptions: options.initializationOptions,
  })) as InitializeResult;
  await client.sendNotification('initialized', {});
  // Tests start once the workspace is indexed, as a user's first action effectively does.
  const indexedBy = Date.now() + 10_000;
  const indexed = () => notifications.some((n) => n.method === 'secretRefs/status' && (n.params as { indexing?: boolean }).indexing === false);
  while (options.waitForIndexing !== false && !indexed() && Date.now() < indexedBy) await new Promise((r) => setTimeout(r, 5));

  return {
    client,
    initializeResult,
    diagnostics,
    notifications,
    appliedEdits,
    registrations,
    waitForDiagnostics(uri, predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const current = diagnostics.get(uri);
          if (current && predicate(current)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(current);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for diagnostics of ${uri}; last: ${JSON.stringify(diagnostics.get(uri)?.map((d) => d.code))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    open(uri, text, version = 1) {
      void client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
    },
    change(uri, text, version) {
      void client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    close(uri) {
      void client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    },
    async dispose() {
      await client.sendRequest('shutdown');
      client.dispose();
      serverConnection.dispose();
      toServer.destroy();
      toClient.destroy();
    },
  };
}

export const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => String(d.code));
