import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { resetCacheRequest, statusNotification, type InitializationOptions, type StatusParams } from '../../shared/src/customMessages';
import { normalizeSettings, settingsSection, type Settings } from '../../shared/src/settings';
import { registerCommands } from './commands/registerCommands';
import { SecretScans } from './secretScan/secretScans';
import { createLiveFacts } from './live/createLiveFacts';
import { takeSessionKey } from '../../shared/src/sealing';
import { scrubCredentialVariables } from '../../shared/src/serverEnvironment';
import type { LiveFactsStore } from './live/liveFactsStore';
import { runSafe } from './runSafe';
import type { WorkspaceFacts } from './service/facts/facts';
import { WorkspaceIndex } from './service/facts/workspaceIndex';
import { BackgroundAnalysis } from './backgroundAnalysis';
import { createLanguageService } from './service/languageService';
import type { DocumentKind } from './service/documentAnalysis';
import { normalizeUri } from './uris';
import { ValidationScheduler } from './validationScheduler';
import { createFileClassifier, type FileClassifier } from './workspace/fileClassifier';
import { WorkspaceFolders } from './workspaceFolders';
import { WorkspaceIndexer } from './workspaceIndexer';
import { stripControls } from '../../shared/src/text/controls';
import { plainMessage } from '../../shared/src/text/plain';

export interface ServerOptions {
  /** Milliseconds between the last edit and validation. */
  debounceMs?: number;
  /**
   * The environment provider settings (and, outside VS Code, credentials) come from; tests pass
   * their own. Its session key, if any, is taken out at start (see takeSessionKey).
   */
  env?: NodeJS.ProcessEnv;
  /** The session key, when the caller already took it from the environment (main.ts). */
  sessionKey?: string;
  /** How long completion and hover wait for a secret manager before answering from what is known. */
  liveBudgetMs?: number;
  /** Per provider, options for loopback fakes (tests only; never read from files or settings). */
  providerTesting?: Record<string, Record<string, unknown>>;
  /** The worker script that analyses large documents off the main thread (dist/analysisWorker.js); none: all on the main thread. */
  analysisWorker?: string;
  /** Documents at least this long (characters) go to the worker. Default 64 KiB. */
  backgroundMinSize?: number;
}

/** Wires the language service to an LSP connection. Knows nothing of how the connection is made. */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const env = options.env ?? process.env;
  // Read once and removed, so no child process inherits it.
  const sessionKey = options.sessionKey ?? takeSessionKey(env);
  // Started by the VS Code client: credentials come only from the client, never from this environment.
  if (sessionKey !== undefined) scrubCredentialVariables(env);
  const documents = new TextDocuments(TextDocument);
  const folders = new WorkspaceFolders();
  const openUris = new Map<string, string>(); // normalized → client's URI
  const index = new WorkspaceIndex((uri) => folders.folderOf(normalizeUri(uri)), normalizeUri);
  let settings: Settings = normalizeSettings(undefined);
  let initialSettings: unknown;
  let classifier: FileClassifier = createFileClassifier(settings);
  let service = createLanguageService({ settings });
  let pullConfiguration = false;
  let watchFilesDynamically = false;
  let folderEvents = false;
  let registerConfigurationChanges = false;
  let indexing = true;
  let trusted = true;
  let shutDown = false;
  let live: LiveFactsStore | undefined;
  const liveBudgetMs = options.liveBudgetMs ?? 300;
  const scans = new SecretScans(() => settings.hardcodedCredentials.enabled, (uri) => scheduler.schedule(uri, 0), (m) => log.error(m));
  const facts: WorkspaceFacts = {
    vaults: (uri) => {
      syncIndex();
      return index.vaults(uri);
    },
    keysUsed: (uri, id) => {
      syncIndex();
      return index.keysUsed(uri, id);
    },
    get live() {
      return live;
    },
    secretScan: (uri) => {
      const document = documents.get(uri);
      return document ? scans.findings(document) : undefined;
    },
  };
  // Logging goes through the connection (window/logMessage), never to stdout. Messages quote
  // files, paths and servers: control and bidi characters are removed (line breaks kept).
  const remote = connection.console;
  const logText = (message: string) => stripControls(message, { keepNewlines: true, max: 20_000 });
  const log = {
    // After shutdown the connection may be gone: late messages (an indexing run that ends then) are dropped.
    error: (message: string) => {
      if (!shutDown) remote.error(logText(message));
    },
    info: (message: string) => {
      if (!shutDown) remote.info(logText(message));
    },
  };

  // A format that tests the text classifies an open document by the editor's text.
  const kindOf = (uri: string, text?: string): DocumentKind | undefined => {
    const normalized = normalizeUri(uri);
    return classifier.kindOf(folders.relativePath(normalized), text ?? documents.get(uri)?.getText());
  };
  const indexer = new WorkspaceIndexer(
    index,
    (uri) => openUris.has(normalizeUri(uri)),
    kindOf,
    (uri) => folders.folderOf(normalizeUri(uri)) !== '',
    (uri) => classifier.classify(folders.relativePath(normalizeUri(uri))) === 'by-text',
  );
  /** Whether the user was told the file limit was reached (told again only after it was not). */
  let toldFileLimit = false;
  const problemCounts = new Map<string, { errors: number; warnings: number }>();

  const background = new BackgroundAnalysis(
    options.analysisWorker,
    options.backgroundMinSize ?? 64 * 1024,
    (uri, version, kind, maxSizeKb, analysis) => service.prime(uri, version, kind, maxSizeKb, analysis),
    (message) => log.error(message),
  );
  // Validation waits for a background analysis of the document's version still in the worker.
  const scheduler = new ValidationScheduler(options.debounceMs ?? 200, (uri) => {
    const document = documents.get(uri);
    if (!document) return;
    const version = document.version;
    // A newer edit meanwhile has its own validation scheduled: this one is dropped.
    void background.ready(uri, version).then(() => {
      if (documents.get(uri)?.version === version) validate(uri);
    });
  });

  /**
   * Open documents edited since the index last recorded them. The index takes an open document's
   * analysis from the language service when facts are next needed (validation, a request, a
   * command), so a keystroke costs nothing and each version is parsed once.
   */
  const unindexed = new Set<string>();

  function syncIndex(): void {
    if (unindexed.size === 0) return;
    const changedVaults: string[] = [];
    for (const uri of [...unindexed]) {
      // Still in the worker: indexed when its validation takes the analysis, not parsed twice now.
      if (background.isPending(uri)) continue;
      unindexed.delete(uri);
      const document = documents.get(uri);
      const kind = document && kindOf(uri);
      if (!document || !kind) continue;
      indexer.recordAnalysis(service.analyze(document, kind), document.getText());
      if (kind === 'vault-config') changedVaults.push(uri);
    }
    // Other documents of the folder may name the vault: check them again now.
    for (const uri of changedVaults) revalidateFolder(folders.folderOf(normalizeUri(uri)), uri, 0);
  }

  function validate(uri: string): void {
    if (shutDown) return;
    syncIndex();
    const document = documents.get(uri);
    const kind = document && kindOf(uri);
    if (!document || !kind) return;
    try {
      const diagnostics = service.validate(document, kind, facts);
      problemCounts.set(uri, {
        errors: diagnostics.filter((d) => d.severity === 1).length,
        warnings: diagnostics.filter((d) => d.severity === 2).length,
      });
      void connection.sendDiagnostics({ uri, version: document.version, diagnostics }).catch(() => undefined);
    } catch (error) {
      log.error(`Validating ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    sendStatus();
  }

  function revalidateFolder(folder: string, except?: string, delayMs?: number): void {
    for (const document of documents.all()) {
      if (document.uri !== except && folders.folderOf(normalizeUri(document.uri)) === folder) scheduler.schedule(document.uri, delayMs);
    }
  }

  function sendStatus(): void {
    if (shutDown) return;
    let errors = 0;
    let warnings = 0;
    for (const counts of problemCounts.values()) {
      errors += counts.errors;
      warnings += counts.warnings;
    }
    const status: StatusParams = { indexing, ...index.counts(), errors, warnings };
    void connection.sendNotification(statusNotification, status).catch(() => undefined);
  }

  async function loadSettings(init?: unknown): Promise<void> {
    let raw: unknown = init;
    if (pullConfiguration) {
      try {
        raw = await connection.workspace.getConfiguration(settingsSection);
      } catch (error) {
        log.error(`Reading settings failed; using defaults: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    // A client that answers workspace/configuration with nothing for our section keeps the
    // settings it gave in initializationOptions.
    settings = normalizeSettings(raw ?? init ?? initialSettings);
    classifier = createFileClassifier(settings);
    service.configure(settings);
  }

  // Resolved when the workspace has been indexed once: the client's commands wait for it.
  let markIndexed: () => void = () => undefined;
  const indexedOnce = new Promise<void>((resolve) => (markIndexed = resolve));

  async function reindex(): Promise<void> {
    indexing = true;
    index.setComplete(false);
    sendStatus();
    const started = Date.now();
    let files = 0;
    indexer.reset();
    for (const folder of folders.all()) {
      try {
        files += await indexer.indexFolder(folder, classifier, settings);
      } catch (error) {
        log.error(`Indexing ${folder} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const document of documents.all()) unindexed.add(document.uri);
    syncIndex();
    // Past the file limit some vault configurations were not read: no name is then "unknown".
    index.setComplete(!indexer.limitReached);
    indexing = false;
    markIndexed();
    log.info(`Indexed ${files} files in ${folders.all().length} workspace folder(s) in ${Date.now() - started} ms.`);
    reportFileLimit();
    for (const document of documents.all()) scheduler.schedule(document.uri, 0);
    sendStatus();
  }

  /** Says once (in the log and as a warning) that more files matched than `secretRefs.files.maxFiles`. */
  function reportFileLimit(): void {
    if (!indexer.limitReached) {
      toldFileLimit = false;
      return;
    }
    if (toldFileLimit || shutDown) return;
    toldFileLimit = true;
    const limit = settings.files.maxFiles;
    const message =
      `Secret References: more than ${limit} vault configurations and connections match in this workspace; only ${limit} were read. ` +
      'Vault names are not reported as unknown while files are left out. Raise secretRefs.files.maxFiles in your user settings, or narrow secretRefs.files.vaultConfigs, connections and exclude.';
    log.error(message);
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }).catch(() => undefined);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities;
    pullConfiguration = capabilities.workspace?.configuration === true;
    watchFilesDynamically = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    folderEvents = capabilities.workspace?.workspaceFolders === true;
    registerConfigurationChanges = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    const snippets = capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
    const init = (params.initializationOptions ?? {}) as Partial<InitializationOptions>;
    // From the user's editor configuration (other editors); the VS Code client's user approves each address instead.
    const trustedAddresses = sessionKey === undefined && Array.isArray(init.trustedAddresses) ? init.trustedAddresses.filter((a): a is string => typeof a === 'string') : [];
    if (init.watchesFiles === true) watchFilesDynamically = false;
    // Editors without a notion of workspace trust send nothing: their workspaces are trusted.
    trusted = init.trusted !== false;
    live = createLiveFacts({
      settings: () => settings,
      trusted: () => trusted,
      onFactsChanged: () => {
        if (shutDown) return;
        for (const document of documents.all()) scheduler.schedule(document.uri, 0);
      },
      log: (message) => log.info(message),
      warn: (message) => {
        log.info(message);
        // VS Code turns `[label](command:…)` in a notification into a link that runs the command.
        if (!shutDown) connection.window.showWarningMessage(plainMessage(message));
      },
      connection,
      ...(sessionKey !== undefined ? { sessionKey } : {}),
      env,
      trustedAddresses,
      ...(options.providerTesting ? { testing: options.providerTesting } : {}),
    });
    initialSettings = init.settings;
    settings = normalizeSettings(init.settings);
    classifier = createFileClassifier(settings);
    service = createLanguageService({ settings, snippets, previewCommand: sessionKey !== undefined });
    const folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders.set(folderUris.map(normalizeUri));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: ['(', ':', '.', '/', ' '], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'secretrefs-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (pullConfiguration) {
      if (registerConfigurationChanges) {
        void connection.client.register(DidChangeConfigurationNotification.type, { section: settingsSection }).catch(() => undefined);
      }
      await loadSettings(undefined);
    }
    if (watchFilesDynamically) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] })
        .catch(() => undefined);
    }
    if (folderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        for (const removed of event.removed) folders.remove(normalizeUri(removed.uri));
        for (const added of event.added) folders.add(normalizeUri(added.uri));
        void reindex();
      });
    }
    await reindex();
  });

  connection.onDidChangeConfiguration(async (change) => {
    const raw = (change.settings as Record<string, unknown> | null)?.[settingsSection];
    await loadSettings(raw);
    live?.reset();
    await reindex();
  });

  connection.onRequest(resetCacheRequest, () => {
    live?.reset();
    for (const document of documents.all()) scheduler.schedule(document.uri, 0);
    return null;
  });

  connection.onDidChangeWatchedFiles(async (params) => {
    const touched = new Set<string>();
    for (const change of params.changes) {
      const uri = normalizeUri(change.uri);
      if (change.type === FileChangeType.Deleted) indexer.forget(uri);
      else await indexer.indexFile(uri, undefined, settings);
      touched.add(folders.folderOf(uri));
    }
    if (indexer.limitReached) index.setComplete(false);
    reportFileLimit();
    for (const folder of touched) revalidateFolder(folder);
    sendStatus();
  });

  documents.onDidOpen((event) => {
    openUris.set(normalizeUri(event.document.uri), event.document.uri);
  });

  documents.onDidChangeContent((event) => {
    const uri = event.document.uri;
    const kind = kindOf(uri);
    if (!kind) return;
    unindexed.add(uri);
    background.submit(event.document, kind, settings.files.maxSizeKb);
    scheduler.schedule(uri);
  });

  documents.onDidClose((event) => {
    const uri = event.document.uri;
    const normalized = normalizeUri(uri);
    openUris.delete(normalized);
    scheduler.cancel(uri);
    unindexed.delete(uri);
    background.forget(uri);
    service.forget(uri);
    scans.forget(uri);
    problemCounts.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
    void indexer.indexFile(normalized, undefined, settings).then(() => revalidateFolder(folders.folderOf(normalized)));
  });

  /**
   * Answers from what is known; if the answer needed facts still loading (or started loads), waits
   * for them within the budget and answers again. An answer that needed nothing still to come is
   * final: it does not wait on the loads of other documents (a hanging secret manager).
   */
  async function withLive<T>(answer: () => T): Promise<T> {
    let misses = live?.misses() ?? 0;
    let result = answer();
    const deadline = Date.now() + liveBudgetMs;
    // Each answer may start further loads (a provider, then a mount, then the secret).
    for (let round = 0; live && live.misses() !== misses && live.pending() > 0 && round < 4 && Date.now() < deadline; round++) {
      await live.settle(deadline - Date.now());
      misses = live.misses();
      result = answer();
    }
    return result;
  }

  connection.onCompletion((params, token) =>
    runSafe(log, 'Completion', token, null, () => {
      const document = documents.get(params.textDocument.uri);
      const kind = document && kindOf(document.uri);
      return document && kind ? withLive(() => service.complete(document, kind, params.position, facts)) : null;
    }),
  );

  connection.onHover((params, token) =>
    runSafe(log, 'Hover', token, null, () => {
      const document = documents.get(params.textDocument.uri);
      const kind = document && kindOf(document.uri);
      return document && kind ? withLive(() => service.hover(document, kind, params.position, facts)) : null;
    }),
  );

  connection.onDefinition((params, token) =>
    runSafe(log, 'Definition', token, null, () => {
      const document = documents.get(params.textDocument.uri);
      const kind = document && kindOf(document.uri);
      return document && kind ? service.definition(document, kind, params.position, facts) : null;
    }),
  );

  connection.onCodeAction((params, token) =>
    runSafe(log, 'Code actions', token, null, () => {
      const document = documents.get(params.textDocument.uri);
      const kind = document && kindOf(document.uri);
      return document && kind ? service.codeActions(document, kind, params.range, params.context.diagnostics, facts) : null;
    }),
  );

  registerCommands(
    connection,
    {
      index,
      facts,
      service: () => service,
      live: () => live,
      document: (uri) => documents.get(uri),
      kindOf,
      sessionKey,
      normalize: normalizeUri,
      ready: async () => {
        await indexedOnce;
        syncIndex();
      },
      revalidateAll: () => {
        for (const document of documents.all()) scheduler.schedule(document.uri, 0);
      },
    },
    log,
    env,
  );

  connection.onShutdown(() => {
    shutDown = true;
    scheduler.dispose();
    background.dispose();
    live?.dispose();
  });

  documents.listen(connection);
  connection.listen();
}
