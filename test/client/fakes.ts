/**
 * Fakes of the collaborators startExtension takes: just enough of `vscode` and
 * vscode-languageclient to observe what the extension does, without loading either.
 */
import type * as vscode from 'vscode';
import type { LanguageClientOptions, ServerOptions, StateChangeEvent } from 'vscode-languageclient/node';
import type {
  CommandsLike,
  ExtensionDeps,
  LanguageClientEnums,
  LanguageClientLike,
  LanguagesLike,
  WindowLike,
  WorkspaceLike,
} from '../../client/src/startExtension';

/** Same numeric values as vscode-languageclient 9 and vscode 1.95. */
export const lsp = {
  TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 },
  CloseAction: { DoNotRestart: 1, Restart: 2 },
  ErrorAction: { Continue: 1, Shutdown: 2 },
  State: { Stopped: 1, Running: 2, Starting: 3 },
  RevealOutputChannelOn: { Debug: 0, Info: 1, Warn: 2, Error: 3, Never: 4 },
} as unknown as LanguageClientEnums;

export const LanguageStatusSeverity = { Information: 0, Warning: 1, Error: 2 } as unknown as typeof vscode.LanguageStatusSeverity;

export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Emitter<T> {
  private listeners = new Set<(e: T) => unknown>();
  readonly event = (listener: (e: T) => unknown): vscode.Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  get size(): number {
    return this.listeners.size;
  }
}

export class FakeLogChannel {
  readonly lines: { level: string; message: string }[] = [];
  shown = 0;
  disposed = false;
  constructor(readonly name: string) {}
  private add(level: string, message: string): void {
    this.lines.push({ level, message });
  }
  trace(m: string): void { this.add('trace', m); }
  debug(m: string): void { this.add('debug', m); }
  info(m: string): void { this.add('info', m); }
  warn(m: string): void { this.add('warn', m); }
  error(m: string | Error): void { this.add('error', String(m)); }
  append(m: string): void { this.add('append', m); }
  appendLine(m: string): void { this.add('append', m); }
  replace(): void {}
  clear(): void {}
  hide(): void {}
  show(): void { this.shown++; }
  dispose(): void { this.disposed = true; }
  text(): string {
    return this.lines.map((l) => `${l.level}: ${l.message}`).join('\n');
  }
}

export class FakeWindow implements WindowLike {
  readonly channels: FakeLogChannel[] = [];
  readonly errors: { message: string; items: string[] }[] = [];
  /** The button the user "clicks" on the next error message. */
  nextChoice: string | undefined;
  createOutputChannel(name: string, options: { log: true }): vscode.LogOutputChannel {
    if (options.log !== true) throw new Error('expected a log output channel');
    const channel = new FakeLogChannel(name);
    this.channels.push(channel);
    return channel as unknown as vscode.LogOutputChannel;
  }
  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    this.errors.push({ message, items });
    return Promise.resolve(this.nextChoice);
  }
}

export interface FakeFolder extends vscode.WorkspaceFolder {}

export function folder(name: string, index = 0): FakeFolder {
  return { name, index, uri: { fsPath: `/ws/${name}`, toString: () => `file:///ws/${name}` } as unknown as vscode.Uri };
}

export class FakeWatcher {
  disposed = false;
  constructor(readonly glob: string) {}
  dispose(): void { this.disposed = true; }
}

export class FakeWorkspace implements WorkspaceLike {
  isTrusted = true;
  workspaceFolders: FakeFolder[] | undefined = undefined;
  /** Window-level values by full key (`secretRefs.files.vaultConfigs`). */
  readonly values = new Map<string, unknown>();
  /** Folder-level values: folder name → full key → value. */
  readonly folderValues = new Map<string, Map<string, unknown>>();
  readonly watchers: FakeWatcher[] = [];
  readonly configurationChanged = new Emitter<vscode.ConfigurationChangeEvent>();
  readonly trustGranted = new Emitter<void>();
  readonly foldersChanged = new Emitter<vscode.WorkspaceFoldersChangeEvent>();
  readonly onDidChangeConfiguration = this.configurationChanged.event as vscode.Event<vscode.ConfigurationChangeEvent>;
  readonly onDidGrantWorkspaceTrust = this.trustGranted.event as vscode.Event<void>;
  readonly onDidChangeWorkspaceFolders = this.foldersChanged.event as vscode.Event<vscode.WorkspaceFoldersChangeEvent>;

  getConfiguration(section?: string, scope?: vscode.ConfigurationScope | null): { get<T>(key: string): T | undefined } {
    const folderName = scope !== null && scope !== undefined && 'name' in scope ? scope.name : undefined;
    return {
      get: <T>(key: string): T | undefined => {
        const full = section ? `${section}.${key}` : key;
        const own = folderName !== undefined ? this.folderValues.get(folderName) : undefined;
        if (own?.has(full)) return own.get(full) as T;
        return this.values.get(full) as T | undefined;
      },
    };
  }

  createFileSystemWatcher(globPattern: string): vscode.FileSystemWatcher {
    const watcher = new FakeWatcher(globPattern);
    this.watchers.push(watcher);
    return watcher as unknown as vscode.FileSystemWatcher;
  }

  /** Sets window-level values and fires the change event for their keys. */
  change(values: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(values)) this.values.set(k, v);
    const keys = Object.keys(values);
    this.configurationChanged.fire({
      affectsConfiguration: (section: string) => keys.some((k) => k === section || k.startsWith(`${section}.`)),
    });
  }
}

export class FakeCommands implements CommandsLike {
  readonly registered = new Map<string, (...args: any[]) => unknown>();
  readonly executed: unknown[][] = [];
  disposedCommands: string[] = [];
  registerCommand(command: string, callback: (...args: any[]) => unknown): vscode.Disposable {
    if (this.registered.has(command)) throw new Error(`command ${command} already registered`);
    this.registered.set(command, callback);
    return {
      dispose: () => {
        this.registered.delete(command);
        this.disposedCommands.push(command);
      },
    };
  }
  executeCommand(command: string, ...rest: unknown[]): Thenable<unknown> {
    this.executed.push([command, ...rest]);
    return Promise.resolve(undefined);
  }
  run(command: string, ...args: unknown[]): unknown {
    const callback = this.registered.get(command);
    if (!callback) throw new Error(`command ${command} not registered`);
    return callback(...args);
  }
}

export interface FakeStatusItem {
  id: string;
  name: string | undefined;
  selector: vscode.DocumentSelector;
  severity: vscode.LanguageStatusSeverity;
  text: string;
  detail: string | undefined;
  busy: boolean;
  command: vscode.Command | undefined;
  accessibilityInformation: vscode.AccessibilityInformation | undefined;
  disposed: boolean;
  dispose(): void;
}

export class FakeLanguages implements LanguagesLike {
  readonly items: FakeStatusItem[] = [];
  createLanguageStatusItem(id: string, selector: vscode.DocumentSelector): vscode.LanguageStatusItem {
    const item: FakeStatusItem = {
      id,
      name: undefined,
      selector,
      severity: LanguageStatusSeverity.Information,
      text: '',
      detail: undefined,
      busy: false,
      command: undefined,
      accessibilityInformation: undefined,
      disposed: false,
      dispose() {
        this.disposed = true;
      },
    };
    this.items.push(item);
    return item;
  }
}

export type StartBehaviour = 'succeed' | 'fail' | 'initFail';

export class FakeClient implements LanguageClientLike {
  state = lsp.State.Stopped;
  startCalls = 0;
  disposed = false;
  readonly handlers = new Map<string, (params: unknown) => void>();
  private readonly stateEmitter = new Emitter<StateChangeEvent>();
  readonly onDidChangeState = this.stateEmitter.event as vscode.Event<StateChangeEvent>;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly serverOptions: ServerOptions,
    readonly clientOptions: LanguageClientOptions,
    private readonly behaviour: StartBehaviour,
  ) {}

  get stateListeners(): number {
    return this.stateEmitter.size;
  }

  /** What the server would receive as `initializationOptions` now. */
  initializationOptions(): unknown {
    const o = this.clientOptions.initializationOptions;
    return typeof o === 'function' ? o() : o;
  }

  setState(state: number): void {
    const oldState = this.state;
    this.state = state as typeof this.state;
    if (oldState !== state) this.stateEmitter.fire({ oldState, newState: this.state });
  }

  async start(): Promise<void> {
    this.startCalls++;
    if (this.disposed) throw new Error('disposed');
    this.setState(lsp.State.Starting);
    if (this.behaviour === 'initFail') {
      const retry = this.clientOptions.initializationFailedHandler?.(new Error('bad init'));
      if (retry) throw new Error('fake does not retry');
      this.setState(lsp.State.Stopped);
      throw new Error('bad init');
    }
    if (this.behaviour === 'fail') {
      this.setState(lsp.State.Stopped);
      throw new Error('spawn failed');
    }
    this.setState(lsp.State.Running);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.setState(lsp.State.Stopped);
  }

  onNotification(method: string, handler: (params: unknown) => void): vscode.Disposable {
    this.handlers.set(method, handler);
    return { dispose: () => this.handlers.delete(method) };
  }

  notify(method: string, params: unknown): void {
    const handler = this.handlers.get(method);
    if (!handler) throw new Error(`no handler for ${method}`);
    handler(params);
  }
}

export interface Harness {
  deps: ExtensionDeps;
  window: FakeWindow;
  workspace: FakeWorkspace;
  commands: FakeCommands;
  languages: FakeLanguages;
  clients: FakeClient[];
  /** Behaviour of the clients created from now on. */
  behaviour: StartBehaviour;
  clock: { now: number };
  readonly output: FakeLogChannel;
  readonly statusItem: FakeStatusItem;
  readonly lastClient: FakeClient;
}

export function harness(setup?: (h: Harness) => void): Harness {
  const window = new FakeWindow();
  const workspace = new FakeWorkspace();
  const commands = new FakeCommands();
  const languages = new FakeLanguages();
  const clients: FakeClient[] = [];
  const h: Harness = {
    window,
    workspace,
    commands,
    languages,
    clients,
    behaviour: 'succeed',
    clock: { now: 1_000_000 },
    get output() {
      return window.channels[0]!;
    },
    get statusItem() {
      return languages.items[0]!;
    },
    get lastClient() {
      return clients[clients.length - 1]!;
    },
    deps: undefined as unknown as ExtensionDeps,
  };
  h.deps = {
    window,
    workspace,
    commands,
    languages,
    serverModule: '/ext/dist/server.js',
    createLanguageClient: (id, name, serverOptions, clientOptions) => {
      const client = new FakeClient(id, name, serverOptions, clientOptions, h.behaviour);
      clients.push(client);
      return client;
    },
    lsp,
    LanguageStatusSeverity,
    now: () => h.clock.now,
  };
  setup?.(h);
  return h;
}
