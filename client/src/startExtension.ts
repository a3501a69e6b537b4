/**
 * The extension's behaviour, given its collaborators. `extension.ts` passes the real `vscode`
 * namespaces and vscode-languageclient; tests pass fakes. Nothing here imports a `vscode` value.
 */
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { homedir } from 'node:os';
import type * as vscode from 'vscode';
import type {
  CloseAction,
  ErrorAction,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  StateChangeEvent,
  TransportKind,
} from 'vscode-languageclient/node';
import { credentialRequest, listVaultsRequest, statusNotification } from '../../shared/src/customMessages';
import { newSessionKey, sessionKeyEnv } from '../../shared/src/sealing';
import { serverEnvironment } from '../../shared/src/serverEnvironment';
import { settingsSection } from '../../shared/src/settings';
import { ClipboardGuard } from './clipboard';
import { buildClientOptions, buildInitializationOptions, buildServerOptions } from './clientOptions';
import { ReferenceCodeLensProvider } from './codeLens';
import { addVaultConfiguration } from './commands/addVaultConfiguration';
import type { CommandContext, ServerSession } from './commands/context';
import { previewSecret } from './commands/preview';
import { resetCache, signIn, signOut } from './commands/signIn';
import { troubleshoot } from './commands/troubleshoot';
import { writeSecret } from './commands/writeSecret';
import { moveToVault } from './commands/moveToVault';
import {
  activeContextKey,
  clientId,
  clientSettingKeys,
  commandIds,
  displayName,
  previewScheme,
  statusItemId,
  vaultsStatusItemId,
  watchedFilesGlob,
} from './constants';
import { AddressApprovals, CredentialResponder, CredentialStore } from './credentials';
import { createErrorHandler } from './errorHandler';
import {
  describeError,
  systemTimers,
  type AuthenticationLike,
  type CommandsLike,
  type EnvLike,
  type LanguagesLike,
  type MementoLike,
  type SecretStorageLike,
  type Timers,
  type VscodeTypes,
  type WindowLike,
  type WorkspaceLike,
} from './host';
import { plainLog, plainWindow } from './plainText';
import { PreviewDocuments } from './previewDocuments';
import { currentDocumentSelector, filePatternKeys, sameSelector, type YamlFileFilter } from './settings';
import { parseStatusParams, StatusItemController } from './status';
import { VaultStatusController } from './vaultStatus';

export type {
  AuthenticationLike,
  CommandsLike,
  EnvLike,
  LanguagesLike,
  MementoLike,
  SecretStorageLike,
  Timers,
  VscodeTypes,
  WindowLike,
  WorkspaceLike,
} from './host';

/** The part of a vscode-languageclient `LanguageClient` the extension uses. */
export interface LanguageClientLike {
  readonly state: State;
  start(): Promise<void>;
  dispose(timeout?: number): Promise<void>;
  onNotification(method: string, handler: (params: unknown) => void): vscode.Disposable;
  onRequest(method: string, handler: (params: any) => Promise<unknown>): vscode.Disposable;
  sendRequest<R>(method: string, params: unknown): Promise<R>;
  readonly onDidChangeState: vscode.Event<StateChangeEvent>;
}

/** Enums of vscode-languageclient, passed in so this module loads without `vscode`. */
export interface LanguageClientEnums {
  TransportKind: typeof TransportKind;
  CloseAction: typeof CloseAction;
  ErrorAction: typeof ErrorAction;
  State: typeof State;
  RevealOutputChannelOn: typeof RevealOutputChannelOn;
}

export type CreateLanguageClient = (
  id: string,
  name: string,
  serverOptions: ServerOptions,
  clientOptions: LanguageClientOptions,
) => LanguageClientLike;

export interface ExtensionDeps {
  window: WindowLike;
  workspace: WorkspaceLike;
  commands: CommandsLike;
  languages: LanguagesLike;
  /** Absolute path of the bundled server (`dist/server.js`). */
  serverModule: string;
  createLanguageClient: CreateLanguageClient;
  lsp: LanguageClientEnums;
  LanguageStatusSeverity: typeof vscode.LanguageStatusSeverity;
  /** `context.secrets`: the only place credentials are kept. */
  secrets: SecretStorageLike;
  /** `context.workspaceState`: the addresses approved for this workspace (no secrets). */
  workspaceState: MementoLike;
  /** `context.globalState`: the names of the stored credentials (no secrets). */
  globalState: MementoLike;
  env: EnvLike;
  authentication: AuthenticationLike;
  types: VscodeTypes;
  /** Clock for the crash policy; Date.now by default. */
  now?: () => number;
  /** Timers for clearing the clipboard; the system's by default. */
  timers?: Timers;
  /**
   * The extension host's environment; process.env by default. The server process gets only what
   * it needs of it (serverEnvironment); its credentials are one more source the user approves.
   */
  processEnv?: NodeJS.ProcessEnv;
  /** Reads a small file of the user's (~/.vault-token, ADC JSON); the file system by default. */
  readUserFile?: (file: string) => Promise<string | undefined>;
}

/** Credential files are small: anything larger than this, or not a regular file, is not read. */
const maxCredentialFileBytes = 64 * 1024;

async function readUserFile(file: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > maxCredentialFileBytes) return undefined;
    const buffer = Buffer.alloc(maxCredentialFileBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return bytesRead > maxCredentialFileBytes ? undefined : buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export interface SecretRefsExtension extends vscode.Disposable {
  /** Settles (never rejects) once the first start attempt is over, whether or not it succeeded. */
  readonly ready: Promise<void>;
  /** The current language client, if a server session exists. */
  readonly client: LanguageClientLike | undefined;
  /** Stops the current server (if any) and starts a new client; settles when that is done. */
  restart(reason: string): Promise<void>;
  /** Stops the server and releases everything; used by `deactivate`. */
  stop(): Promise<void>;
}

/** Starts the server and wires commands, status, settings and trust. Returns immediately. */
export function startExtension(deps: ExtensionDeps): SecretRefsExtension {
  return new ExtensionController(deps);
}

interface Session {
  client: LanguageClientLike | undefined;
  /** Given to this server process only (environment), to seal what crosses the connection. */
  readonly sessionKey: string;
  readonly disposables: vscode.Disposable[];
  /** Set while the extension itself stops the client: its state changes are then not shown. */
  retiring: boolean;
  /** Why the server stopped, once the error handler gave up on it. */
  stopReason?: string;
}

const showOutputAction = 'Show Output';
const restartAction = 'Restart Server';

class ExtensionController implements SecretRefsExtension {
  readonly ready: Promise<void>;
  private readonly output: vscode.LogOutputChannel;
  private readonly window: WindowLike;
  private readonly status: StatusItemController;
  private readonly vaultStatus: VaultStatusController;
  private readonly credentials: CredentialStore;
  private readonly responder: CredentialResponder;
  private readonly clipboard: ClipboardGuard;
  private readonly previews = new PreviewDocuments();
  private readonly codeLenses: ReferenceCodeLensProvider;
  private readonly subscriptions: vscode.Disposable[] = [];
  private session: Session | undefined;
  /** Selector of the most recently started session. */
  private selector: YamlFileFilter[];
  /** Lifecycle operations (start, restart, stop) run one after another. */
  private queue: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(private readonly deps: ExtensionDeps) {
    const { workspace, commands, languages } = deps;
    // Files, paths and server answers reach the output channel and notifications as plain text only.
    const window = plainWindow(deps.window);
    this.window = window;
    this.output = plainLog(window.createOutputChannel(displayName, { log: true }));
    this.selector = currentDocumentSelector(workspace);
    this.status = new StatusItemController(
      languages.createLanguageStatusItem(statusItemId, this.selector),
      deps.LanguageStatusSeverity,
    );
    this.vaultStatus = new VaultStatusController(
      languages.createLanguageStatusItem(vaultsStatusItemId, this.selector),
      deps.LanguageStatusSeverity,
      () => this.currentServer()?.request(listVaultsRequest, {}),
    );
    this.credentials = new CredentialStore(deps.secrets, deps.globalState);
    this.responder = new CredentialResponder({
      workspace,
      window,
      authentication: deps.authentication,
      store: this.credentials,
      approvals: new AddressApprovals(deps.workspaceState),
      environment: {
        env: deps.processEnv ?? process.env,
        home: () => {
          const env = deps.processEnv ?? process.env;
          return env.HOME ?? env.USERPROFILE ?? (deps.processEnv === undefined ? homedir() : undefined);
        },
        readFile: deps.readUserFile ?? readUserFile,
      },
      log: this.output,
    });
    this.clipboard = new ClipboardGuard(deps.env.clipboard, deps.timers ?? systemTimers, this.output);
    this.codeLenses = new ReferenceCodeLensProvider(deps.types, () => workspace.getConfiguration(settingsSection).get<unknown>(clientSettingKeys.codeLens) === true);
    const context = this.commandContext();
    const command = (id: string, run: (...args: any[]) => Promise<void>) =>
      commands.registerCommand(id, (...args: unknown[]) =>
        run(...args).catch((error: unknown) => {
          const message = `${displayName}: the command failed: ${describeError(error)}`;
          this.output.error(message);
          void window.showErrorMessage(message);
        }),
      );
    this.subscriptions.push(
      commands.registerCommand(commandIds.showOutput, () => this.output.show(true)),
      commands.registerCommand(commandIds.restartServer, () => this.restart('Restart requested.')),
      command(commandIds.signIn, () => signIn(context)),
      command(commandIds.signOut, () => signOut(context)),
      command(commandIds.addVaultConfiguration, () => addVaultConfiguration(context)),
      command(commandIds.writeSecret, () => writeSecret(context)),
      command(commandIds.moveToVault, (args: unknown) => moveToVault(context, args)),
      command(commandIds.previewSecret, (args?: unknown) => previewSecret(context, args)),
      command(commandIds.resetCache, () => resetCache(context)),
      command(commandIds.troubleshoot, () => troubleshoot(context)),
      workspace.registerTextDocumentContentProvider(previewScheme, this.previews),
      workspace.onDidCloseTextDocument((document) => {
        if (document.uri.scheme === previewScheme) this.previews.forget(document.uri);
      }),
      workspace.onDidChangeConfiguration((event) => this.onDidChangeConfiguration(event)),
      workspace.onDidChangeWorkspaceFolders(() => this.restartIfSelectorChanged('The workspace folders changed')),
      workspace.onDidGrantWorkspaceTrust(() => {
        void this.restart('The workspace is now trusted; restarting the server so that every check can run.');
      }),
    );
    commands.executeCommand('setContext', activeContextKey, true).then(undefined, (error: unknown) => {
      this.output.warn(`Could not set the ${activeContextKey} context key: ${describeError(error)}`);
    });
    this.ready = this.enqueue(() => this.startSession());
  }

  private commandContext(): CommandContext {
    const { deps } = this;
    return {
      window: this.window,
      workspace: deps.workspace,
      commands: deps.commands,
      env: deps.env,
      authentication: deps.authentication,
      types: deps.types,
      output: this.output,
      credentials: this.credentials,
      responder: this.responder,
      clipboard: this.clipboard,
      previews: this.previews,
      server: () => this.currentServer(),
      vaultsChanged: () => void this.vaultStatus.refresh(),
      randomKey: () => randomBytes(32).toString('base64'),
    };
  }

  /** The running session, for requests; undefined while none exists or it is being replaced. */
  private currentServer(): ServerSession | undefined {
    const session = this.session;
    const client = session?.client;
    if (session === undefined || client === undefined || session.retiring || this.stopping !== undefined) return undefined;
    if (client.state === this.deps.lsp.State.Stopped) return undefined;
    return { sessionKey: session.sessionKey, request: <R>(method: string, params?: unknown) => client.sendRequest<R>(method, params) };
  }

  get client(): LanguageClientLike | undefined {
    return this.session?.client;
  }

  restart(reason: string): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    return this.enqueue(async () => {
      this.output.info(reason);
      await this.stopSession();
      await this.startSession();
    });
  }

  stop(): Promise<void> {
    if (this.stopping === undefined) {
      for (const d of this.subscriptions.splice(0)) d.dispose();
      this.stopping = this.enqueue(() => this.stopSession()).finally(async () => {
        await this.clipboard.dispose();
        this.previews.dispose();
        this.codeLenses.dispose();
        this.status.dispose();
        this.vaultStatus.dispose();
        this.output.dispose();
      });
    }
    return this.stopping;
  }

  dispose(): void {
    void this.stop();
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const run = this.queue.then(operation).catch((error: unknown) => {
      this.output.error(`Unexpected error: ${describeError(error)}`);
    });
    this.queue = run;
    return run;
  }

  private onDidChangeConfiguration(event: vscode.ConfigurationChangeEvent): void {
    if (filePatternKeys.some((key) => event.affectsConfiguration(`${settingsSection}.${key}`))) {
      this.restartIfSelectorChanged('The file pattern settings changed');
    }
    if (event.affectsConfiguration(`${settingsSection}.${clientSettingKeys.codeLens}`)) this.codeLenses.refresh();
  }

  /** The document selector is fixed for a client's lifetime, so a new one needs a new client. */
  private restartIfSelectorChanged(why: string): void {
    if (this.stopping !== undefined) return;
    const selector = currentDocumentSelector(this.deps.workspace);
    if (sameSelector(selector, this.selector)) return;
    void this.restart(`${why}; restarting the server with the new file patterns.`);
  }

  private async startSession(): Promise<void> {
    if (this.stopping !== undefined) return;
    const { workspace, lsp } = this.deps;
    const selector = currentDocumentSelector(workspace);
    this.selector = selector;
    this.status.setSelector(selector);
    this.vaultStatus.setSelector(selector);
    this.status.starting();

    const fileWatcher = workspace.createFileSystemWatcher(watchedFilesGlob);
    const sessionKey = newSessionKey();
    const session: Session = { client: undefined, sessionKey, disposables: [fileWatcher], retiring: false };
    const clientOptions = buildClientOptions({
      documentSelector: selector,
      outputChannel: this.output,
      fileWatcher,
      revealOutputChannelOn: lsp.RevealOutputChannelOn.Never,
      initializationOptions: () => buildInitializationOptions(workspace),
      configuration: workspace,
      initializationFailedHandler: (error) => {
        const message = `${displayName}: the server failed to initialize: ${describeError(error)}`;
        this.output.error(message);
        this.showError(message);
        return false;
      },
      errorHandler: createErrorHandler({
        CloseAction: lsp.CloseAction,
        ErrorAction: lsp.ErrorAction,
        now: this.deps.now ?? Date.now,
        log: this.output,
        onGiveUp: (message) => {
          session.stopReason = `The server stopped after repeated failures; run "${displayName}: Restart Server"`;
          this.showError(message);
        },
      }),
    });
    let client: LanguageClientLike;
    try {
      client = this.deps.createLanguageClient(
        clientId,
        displayName,
        buildServerOptions(this.deps.serverModule, lsp.TransportKind, { ...serverEnvironment(this.deps.processEnv ?? process.env), [sessionKeyEnv]: sessionKey }),
        clientOptions,
      );
    } catch (error) {
      fileWatcher.dispose();
      this.output.error(`Could not create the language client: ${describeError(error)}`);
      this.status.stopped('The language server failed to start');
      return;
    }
    session.client = client;
    session.disposables.push(
      client.onDidChangeState((event) => this.onDidChangeState(session, event.newState)),
      client.onNotification(statusNotification, (params) => {
        const status = parseStatusParams(params);
        if (status === undefined || this.session !== session || session.retiring) return;
        this.status.update(status);
        // Sign-in states change after indexing and live checks, not with every indexing step.
        if (!status.indexing) void this.vaultStatus.refresh();
      }),
      client.onRequest(credentialRequest, (params: unknown) => this.responder.answer(sessionKey, params)),
      this.deps.languages.registerCodeLensProvider(selector, this.codeLenses),
    );
    this.session = session;

    const patterns = selector.map((filter) => filter.pattern).join(', ') || '(none)';
    this.output.info(
      `Starting the server for ${patterns}; the workspace is ${workspace.isTrusted ? 'trusted' : 'not trusted (offline checks only)'}.`,
    );
    try {
      await client.start();
      this.output.info('The server is ready.');
    } catch (error) {
      this.output.error(`The server did not start: ${describeError(error)}`);
      if (this.session === session) this.status.stopped('The language server failed to start');
    }
  }

  private onDidChangeState(session: Session, state: State): void {
    if (this.session !== session || session.retiring) return;
    const { State } = this.deps.lsp;
    if (state === State.Starting) this.status.starting();
    else if (state === State.Running) {
      this.status.running();
      void this.vaultStatus.refresh();
    } else this.status.stopped(session.stopReason);
  }

  private async stopSession(): Promise<void> {
    const session = this.session;
    if (session === undefined) return;
    this.session = undefined;
    session.retiring = true;
    const { client } = session;
    for (const d of session.disposables.splice(0)) d.dispose();
    if (client === undefined) return;
    const { State } = this.deps.lsp;
    // A client that is still starting can't be stopped: let the start settle first.
    if (client.state === State.Starting) await client.start().catch(() => undefined);
    if (client.state === State.Running) {
      await client.dispose().catch((error: unknown) => this.output.warn(`Stopping the server failed: ${describeError(error)}`));
    } else {
      // Stopped or failed: dispose only marks it unusable (and may reject for a failed start).
      await client.dispose().catch(() => undefined);
    }
    if (this.stopping !== undefined) this.output.info('The server stopped.');
  }

  private showError(message: string): void {
    this.window.showErrorMessage(message, showOutputAction, restartAction).then(
      (choice) => {
        if (choice === showOutputAction) this.output.show(true);
        else if (choice === restartAction) void this.restart('Restart requested.');
      },
      () => undefined,
    );
  }
}
