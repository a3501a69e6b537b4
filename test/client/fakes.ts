/**
 * Fakes of the collaborators startExtension takes: just enough of `vscode` and
 * vscode-languageclient to observe what the extension does, without loading either.
 *
 * UI prompts are scripted: `h.window.answers` is a queue consumed, in order, by every quick pick,
 * input box, open dialog and message shown with buttons. An empty queue answers `undefined`,
 * which is what VS Code returns when the user cancels (Escape, closing a modal).
 */
import type * as vscode from 'vscode';
import type { LanguageClientOptions, ServerOptions, StateChangeEvent } from 'vscode-languageclient/node';
import type {
  AuthenticationLike,
  CommandsLike,
  EnvLike,
  ExtensionDeps,
  LanguageClientEnums,
  LanguageClientLike,
  LanguagesLike,
  MementoLike,
  SecretStorageLike,
  Timers,
  VscodeTypes,
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

/** Lets every pending promise chain settle (several macrotask turns). */
export async function settle(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await flush();
}

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

// ---------------------------------------------------------------------------------------------
// Uris, ranges, code lenses

export class FakeUri {
  constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query = '',
  ) {}
  get fsPath(): string {
    return this.path;
  }
  get authority(): string {
    return '';
  }
  get fragment(): string {
    return '';
  }
  toString(): string {
    const base = this.scheme === 'file' ? `file://${this.path}` : `${this.scheme}:${this.path}`;
    return this.query !== '' ? `${base}?${this.query}` : base;
  }
  toJSON(): string {
    return this.toString();
  }
}

export const fakeUris = {
  parse(value: string): vscode.Uri {
    const match = /^([a-z][a-z0-9+.-]*):(?:\/\/)?([^?]*)(?:\?(.*))?$/i.exec(value);
    if (!match) throw new Error(`bad uri ${value}`);
    return new FakeUri(match[1]!, match[2]!, match[3] ?? '') as unknown as vscode.Uri;
  },
  from(c: { scheme: string; path?: string; query?: string }): vscode.Uri {
    return new FakeUri(c.scheme, c.path ?? '', c.query ?? '') as unknown as vscode.Uri;
  },
  file(path: string): vscode.Uri {
    return new FakeUri('file', path) as unknown as vscode.Uri;
  },
  joinPath(base: vscode.Uri, ...segments: string[]): vscode.Uri {
    const b = base as unknown as FakeUri;
    return new FakeUri(b.scheme, [b.path.replace(/\/+$/, ''), ...segments].join('/')) as unknown as vscode.Uri;
  },
};

export class FakeRange {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}
}

export class FakeCodeLens {
  constructor(
    readonly range: FakeRange,
    readonly command?: vscode.Command,
  ) {}
}

export const fakeTypes = {
  Uri: fakeUris,
  Range: FakeRange,
  CodeLens: FakeCodeLens,
  // vscode.InputBoxValidationSeverity
  InputBoxValidationSeverity: { Info: 1, Warning: 2, Error: 3 },
} as unknown as VscodeTypes;

// ---------------------------------------------------------------------------------------------
// Documents and editors

export class FakeDocument {
  constructor(
    readonly uri: vscode.Uri,
    private readonly content: () => string,
  ) {}
  getText(): string {
    return this.content();
  }
  get lineCount(): number {
    return this.getText().split('\n').length;
  }
  lineAt(line: number): { text: string } {
    const lines = this.getText().split('\n');
    if (line >= lines.length) throw new Error('line out of range');
    return { text: lines[line]! };
  }
}

export function editorAt(document: FakeDocument, line: number, character: number): vscode.TextEditor {
  return { document, selection: { active: { line, character } } } as unknown as vscode.TextEditor;
}

// ---------------------------------------------------------------------------------------------
// Output

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

// ---------------------------------------------------------------------------------------------
// Window: scripted prompts

export type PromptKind = 'quickPick' | 'inputBox' | 'openDialog' | 'message';

export interface PromptCall {
  kind: PromptKind;
  /** Messages: info | warning. */
  level?: string;
  message?: string;
  /** Quick pick items or message buttons. */
  items?: unknown[];
  options?: any;
  /** What the script answered (undefined: cancelled). */
  answer?: unknown;
}

/** A scripted answer: a value, or a function of the prompt (may be async). Strings pick by label / button. */
export type Answer = unknown;

export interface MessageRecord {
  level: 'info' | 'warning' | 'error';
  message: string;
  options?: vscode.MessageOptions;
  items: string[];
}

function itemLabel(item: unknown): string {
  return typeof item === 'string' ? item : String((item as { label?: unknown }).label ?? '');
}

/** Picks the quick-pick item whose label is, or else contains, `text`. */
export function pickByLabel(items: unknown[], text: string): unknown {
  const exact = items.find((item) => itemLabel(item) === text || itemLabel(item).replace(/^\$\([a-z-]+\) /, '') === text);
  const found = exact ?? items.find((item) => itemLabel(item).includes(text));
  if (found === undefined) throw new Error(`no quick pick item "${text}" among: ${items.map(itemLabel).join(' | ')}`);
  return found;
}

export class FakeWindow implements WindowLike {
  readonly channels: FakeLogChannel[] = [];
  readonly errors: { message: string; items: string[] }[] = [];
  readonly messages: MessageRecord[] = [];
  readonly prompts: PromptCall[] = [];
  readonly shownDocuments: { document: vscode.TextDocument; options?: vscode.TextDocumentShowOptions }[] = [];
  readonly answers: Answer[] = [];
  activeTextEditor: vscode.TextEditor | undefined;
  /** The button the user "clicks" on the next error message. */
  nextChoice: string | undefined;

  answer(...answers: Answer[]): this {
    this.answers.push(...answers);
    return this;
  }

  createOutputChannel(name: string, options: { log: true }): vscode.LogOutputChannel {
    if (options.log !== true) throw new Error('expected a log output channel');
    const channel = new FakeLogChannel(name);
    this.channels.push(channel);
    return channel as unknown as vscode.LogOutputChannel;
  }

  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined> {
    this.errors.push({ message, items });
    this.messages.push({ level: 'error', message, items });
    return Promise.resolve(this.nextChoice);
  }

  showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined> {
    return this.message('warning', message, options, items);
  }

  showInformationMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined> {
    return this.message('info', message, options, items);
  }

  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options?: vscode.QuickPickOptions): Thenable<T | undefined> {
    return this.prompt({ kind: 'quickPick', items: [...items], options }, (answer) =>
      typeof answer === 'string' ? pickByLabel([...items], answer) : answer,
    ) as Thenable<T | undefined>;
  }

  /** Validation messages an input box showed without refusing the input (Info or Warning severity). */
  readonly inputNotes: { message: string; severity: number }[] = [];

  showInputBox(options?: vscode.InputBoxOptions): Thenable<string | undefined> {
    return this.prompt({ kind: 'inputBox', options }, async (answer) => {
      if (typeof answer === 'string' && options?.validateInput) {
        const problem = await options.validateInput(answer);
        const text = typeof problem === 'string' ? problem : problem?.message;
        // As VS Code: a string or an Error-severity message refuses the input; Info and Warning only show.
        const refuses = typeof problem === 'string' || (problem !== undefined && problem !== null && problem.severity === 3);
        if (text && refuses) throw new Error(`the input box rejected ${JSON.stringify(answer)}: ${text}`);
        if (text) this.inputNotes.push({ message: text, severity: (problem as vscode.InputBoxValidationMessage).severity });
      }
      return answer;
    }) as Thenable<string | undefined>;
  }

  showOpenDialog(options?: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined> {
    return this.prompt({ kind: 'openDialog', options }, (answer) => answer) as Thenable<vscode.Uri[] | undefined>;
  }

  showTextDocument(document: vscode.TextDocument, options?: vscode.TextDocumentShowOptions): Thenable<vscode.TextEditor> {
    this.shownDocuments.push({ document, options });
    return Promise.resolve(editorAt(document as unknown as FakeDocument, 0, 0));
  }

  /** Messages of a level (all levels when omitted), as text. */
  texts(level?: MessageRecord['level']): string[] {
    return this.messages.filter((m) => level === undefined || m.level === level).map((m) => m.message);
  }

  private message(level: 'info' | 'warning', message: string, options: vscode.MessageOptions, items: string[]): Thenable<string | undefined> {
    this.messages.push({ level, message, options, items });
    if (items.length === 0) return Promise.resolve(undefined);
    return this.prompt({ kind: 'message', level, message, items, options }, (answer) => {
      if (answer !== undefined && !items.includes(answer as string)) throw new Error(`no button "${String(answer)}" on "${message}" (${items.join(', ')})`);
      return answer;
    }) as Thenable<string | undefined>;
  }

  private async prompt(call: PromptCall, interpret: (answer: unknown) => unknown): Promise<unknown> {
    this.prompts.push(call);
    const scripted = this.answers.length > 0 ? this.answers.shift() : undefined;
    const raw = typeof scripted === 'function' ? await (scripted as (c: PromptCall) => unknown)(call) : scripted;
    const answer = await interpret(raw);
    call.answer = answer;
    return answer;
  }
}

// ---------------------------------------------------------------------------------------------
// Workspace

export interface FakeFolder extends vscode.WorkspaceFolder {}

export function folder(name: string, index = 0): FakeFolder {
  return { name, index, uri: new FakeUri('file', `/ws/${name}`) as unknown as vscode.Uri };
}

export class FakeWatcher {
  disposed = false;
  constructor(readonly glob: string) {}
  dispose(): void { this.disposed = true; }
}

export class FakeFileSystem {
  /** Files by URI string. */
  readonly files = new Map<string, Uint8Array>();
  readonly writes: string[] = [];
  failWrite: Error | undefined;
  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    if (!this.files.has(uri.toString())) throw Object.assign(new Error(`${uri.toString()} not found`), { code: 'FileNotFound' });
    return { type: 1, ctime: 0, mtime: 0, size: this.files.get(uri.toString())!.byteLength };
  }
  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const data = this.files.get(uri.toString());
    if (data === undefined) throw new Error(`${uri.toString()} not found`);
    return data;
  }
  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    if (this.failWrite) throw this.failWrite;
    this.writes.push(uri.toString());
    this.files.set(uri.toString(), content);
  }
  text(uri: string): string | undefined {
    const data = this.files.get(uri);
    return data === undefined ? undefined : Buffer.from(data).toString('utf8');
  }
  put(uri: string, text: string): void {
    this.files.set(uri, Buffer.from(text, 'utf8'));
  }
}

export class FakeWorkspace implements WorkspaceLike {
  isTrusted = true;
  workspaceFolders: FakeFolder[] | undefined = undefined;
  /** The user's values (user settings) by full key (`secretRefs.files.vaultConfigs`). */
  readonly values = new Map<string, unknown>();
  /**
   * Values from the workspace's `.vscode/settings.json`, which a repository writes. `get` merges
   * them over the user's for every key, as a VS Code that honoured them would; `inspect` reports them apart.
   */
  readonly workspaceValues = new Map<string, unknown>();
  /** Folder-level values: folder name → full key → value. */
  readonly folderValues = new Map<string, Map<string, unknown>>();
  readonly watchers: FakeWatcher[] = [];
  readonly configurationChanged = new Emitter<vscode.ConfigurationChangeEvent>();
  readonly trustGranted = new Emitter<void>();
  readonly foldersChanged = new Emitter<vscode.WorkspaceFoldersChangeEvent>();
  readonly documentClosed = new Emitter<vscode.TextDocument>();
  readonly onDidChangeConfiguration = this.configurationChanged.event as vscode.Event<vscode.ConfigurationChangeEvent>;
  readonly onDidGrantWorkspaceTrust = this.trustGranted.event as vscode.Event<void>;
  readonly onDidChangeWorkspaceFolders = this.foldersChanged.event as vscode.Event<vscode.WorkspaceFoldersChangeEvent>;
  readonly onDidCloseTextDocument = this.documentClosed.event as vscode.Event<vscode.TextDocument>;
  readonly fs = new FakeFileSystem();
  readonly contentProviders = new Map<string, vscode.TextDocumentContentProvider>();
  textDocuments: vscode.TextDocument[] = [];

  getConfiguration(
    section?: string,
    scope?: vscode.ConfigurationScope | null,
  ): { get<T>(key: string): T | undefined; inspect<T>(key: string): { key: string; globalValue?: T; workspaceValue?: T; workspaceFolderValue?: T } } {
    const folderName = scope !== null && scope !== undefined && 'name' in scope ? scope.name : undefined;
    const own = folderName !== undefined ? this.folderValues.get(folderName) : undefined;
    const full = (key: string) => (section ? `${section}.${key}` : key);
    return {
      get: <T>(key: string): T | undefined => {
        if (own?.has(full(key))) return own.get(full(key)) as T;
        if (this.workspaceValues.has(full(key))) return this.workspaceValues.get(full(key)) as T;
        return this.values.get(full(key)) as T | undefined;
      },
      inspect: <T>(key: string) => ({
        key: full(key),
        globalValue: this.values.get(full(key)) as T | undefined,
        workspaceValue: this.workspaceValues.get(full(key)) as T | undefined,
        workspaceFolderValue: own?.get(full(key)) as T | undefined,
      }),
    };
  }

  createFileSystemWatcher(globPattern: string): vscode.FileSystemWatcher {
    const watcher = new FakeWatcher(globPattern);
    this.watchers.push(watcher);
    return watcher as unknown as vscode.FileSystemWatcher;
  }

  registerTextDocumentContentProvider(scheme: string, provider: vscode.TextDocumentContentProvider): vscode.Disposable {
    this.contentProviders.set(scheme, provider);
    return { dispose: () => this.contentProviders.delete(scheme) };
  }

  async openTextDocument(uri: vscode.Uri): Promise<vscode.TextDocument> {
    const open = this.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open;
    const provider = this.contentProviders.get(uri.scheme);
    let document: FakeDocument;
    if (provider) {
      document = new FakeDocument(uri, () => String(provider.provideTextDocumentContent(uri, undefined as unknown as vscode.CancellationToken) ?? ''));
    } else {
      if (!this.fs.files.has(uri.toString())) throw new Error(`cannot open ${uri.toString()}`);
      document = new FakeDocument(uri, () => this.fs.text(uri.toString()) ?? '');
    }
    this.textDocuments.push(document as unknown as vscode.TextDocument);
    return document as unknown as vscode.TextDocument;
  }

  /** Opens a file-backed document with this text (as if the user had it open). */
  openFile(uri: string, text: string): FakeDocument {
    this.fs.put(uri, text);
    const document = new FakeDocument(fakeUris.parse(uri), () => this.fs.text(uri) ?? '');
    this.textDocuments.push(document as unknown as vscode.TextDocument);
    return document;
  }

  closeDocument(document: vscode.TextDocument): void {
    this.textDocuments = this.textDocuments.filter((d) => d !== document);
    this.documentClosed.fire(document);
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

// ---------------------------------------------------------------------------------------------
// Commands and languages

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
  readonly codeLensProviders: { selector: vscode.DocumentSelector; provider: vscode.CodeLensProvider; disposed: boolean }[] = [];
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
  registerCodeLensProvider(selector: vscode.DocumentSelector, provider: vscode.CodeLensProvider): vscode.Disposable {
    const entry = { selector, provider, disposed: false };
    this.codeLensProviders.push(entry);
    return { dispose: () => void (entry.disposed = true) };
  }
}

// ---------------------------------------------------------------------------------------------
// Storage, clipboard, authentication, timers

export class FakeSecretStorage implements SecretStorageLike {
  readonly data = new Map<string, string>();
  /** Every operation, without values: `store key`, `get key`, `delete key`. */
  readonly log: string[] = [];
  /** store() rejects with this (a keyring that cannot be reached). */
  failStore: Error | undefined;
  /** store() resolves but nothing is kept (no keyring; nothing reads back). */
  dropWrites = false;
  async get(key: string): Promise<string | undefined> {
    this.log.push(`get ${key}`);
    return this.data.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.log.push(`store ${key}`);
    if (this.failStore) throw this.failStore;
    if (!this.dropWrites) this.data.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.log.push(`delete ${key}`);
    this.data.delete(key);
  }
}

export class FakeMemento implements MementoLike {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, value);
  }
}

export class FakeClipboard {
  value = '';
  readonly writes: string[] = [];
  async readText(): Promise<string> {
    return this.value;
  }
  async writeText(value: string): Promise<void> {
    this.writes.push(value);
    this.value = value;
  }
}

export class FakeAuthentication implements AuthenticationLike {
  readonly calls: { providerId: string; scopes: readonly string[]; options?: vscode.AuthenticationGetSessionOptions }[] = [];
  /** The session VS Code would return; undefined when nobody is signed in. */
  session: vscode.AuthenticationSession | undefined;
  /** createIfNone rejects with this (the user cancelled the sign-in). */
  failInteractive: Error | undefined;
  async getSession(
    providerId: string,
    scopes: readonly string[],
    options?: vscode.AuthenticationGetSessionOptions,
  ): Promise<vscode.AuthenticationSession | undefined> {
    this.calls.push({ providerId, scopes, options });
    if (options?.createIfNone && this.failInteractive) throw this.failInteractive;
    return this.session;
  }
}

export function microsoftSession(accessToken: string): vscode.AuthenticationSession {
  return { id: 's1', accessToken, account: { id: 'a1', label: 'dev@example.com' }, scopes: ['https://vault.azure.net/user_impersonation'] };
}

export class FakeTimers implements Timers {
  readonly pending: { id: number; callback: () => void; ms: number; cleared: boolean; fired: boolean }[] = [];
  private next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.next++, callback, ms, cleared: false, fired: false };
    this.pending.push(timer);
    return timer.id;
  }
  clearTimeout(handle: unknown): void {
    const timer = this.pending.find((t) => t.id === handle);
    if (timer) timer.cleared = true;
  }
  /** Fires every live timer. */
  fireAll(): void {
    for (const timer of this.pending) {
      if (!timer.cleared && !timer.fired) {
        timer.fired = true;
        timer.callback();
      }
    }
  }
  get live(): number {
    return this.pending.filter((t) => !t.cleared && !t.fired).length;
  }
}

// ---------------------------------------------------------------------------------------------
// Language client and the fake server behind it

export type StartBehaviour = 'succeed' | 'fail' | 'initFail';

/** Answers to the client's requests, by method; shared by every client of a harness. */
export type Responders = Map<string, (params: any) => unknown>;

export class FakeClient implements LanguageClientLike {
  state = lsp.State.Stopped;
  startCalls = 0;
  disposed = false;
  readonly handlers = new Map<string, (params: unknown) => void>();
  readonly requestHandlers = new Map<string, (params: any) => Promise<unknown>>();
  readonly requests: { method: string; params: any }[] = [];
  private readonly stateEmitter = new Emitter<StateChangeEvent>();
  readonly onDidChangeState = this.stateEmitter.event as vscode.Event<StateChangeEvent>;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly serverOptions: ServerOptions,
    readonly clientOptions: LanguageClientOptions,
    private readonly behaviour: StartBehaviour,
    private readonly responders: Responders = new Map(),
  ) {}

  get stateListeners(): number {
    return this.stateEmitter.size;
  }

  /** The session key handed to this server process. */
  get sessionKey(): string {
    const run = (this.serverOptions as { run: { options?: { env?: Record<string, string> } } }).run;
    const key = run.options?.env?.SECRETREFS_SESSION_KEY;
    if (!key) throw new Error('no session key in the server environment');
    return key;
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

  onRequest(method: string, handler: (params: any) => Promise<unknown>): vscode.Disposable {
    this.requestHandlers.set(method, handler);
    return { dispose: () => this.requestHandlers.delete(method) };
  }

  async sendRequest<R>(method: string, params: unknown): Promise<R> {
    this.requests.push({ method, params });
    if (this.state !== lsp.State.Running) throw new Error('Client is not running');
    const responder = this.responders.get(method);
    if (!responder) throw new Error(`the fake server has no answer for ${method}`);
    return (await responder(params)) as R;
  }

  notify(method: string, params: unknown): void {
    const handler = this.handlers.get(method);
    if (!handler) throw new Error(`no handler for ${method}`);
    handler(params);
  }

  /** The server sends a request to the client. */
  request(method: string, params: unknown): Promise<unknown> {
    const handler = this.requestHandlers.get(method);
    if (!handler) throw new Error(`no request handler for ${method}`);
    return handler(params);
  }
}

export interface Harness {
  deps: ExtensionDeps;
  window: FakeWindow;
  workspace: FakeWorkspace;
  commands: FakeCommands;
  languages: FakeLanguages;
  secrets: FakeSecretStorage;
  workspaceState: FakeMemento;
  globalState: FakeMemento;
  clipboard: FakeClipboard;
  authentication: FakeAuthentication;
  timers: FakeTimers;
  /** The fake server's answers, by method. */
  responders: Responders;
  clients: FakeClient[];
  /** Behaviour of the clients created from now on. */
  behaviour: StartBehaviour;
  clock: { now: number };
  /** The user's files the extension may read for environment credentials (~/.vault-token...), by path. */
  userFiles: Map<string, string>;
  readonly output: FakeLogChannel;
  readonly statusItem: FakeStatusItem;
  readonly vaultsItem: FakeStatusItem;
  readonly lastClient: FakeClient;
  /** Requests the client sent to the (last) server, by method (`listVaults` etc. included). */
  sent(method?: string): any[];
}

export const serverEnv = { PATH: '/usr/bin', HOME: '/home/dev' };

export function harness(setup?: (h: Harness) => void): Harness {
  const window = new FakeWindow();
  const workspace = new FakeWorkspace();
  const commands = new FakeCommands();
  const languages = new FakeLanguages();
  const clients: FakeClient[] = [];
  const clipboard = new FakeClipboard();
  const responders: Responders = new Map();
  const h: Harness = {
    window,
    workspace,
    commands,
    languages,
    secrets: new FakeSecretStorage(),
    workspaceState: new FakeMemento(),
    globalState: new FakeMemento(),
    clipboard,
    authentication: new FakeAuthentication(),
    timers: new FakeTimers(),
    responders,
    clients,
    behaviour: 'succeed',
    clock: { now: 1_000_000 },
    userFiles: new Map(),
    get output() {
      return window.channels[0]!;
    },
    get statusItem() {
      return languages.items[0]!;
    },
    get vaultsItem() {
      return languages.items[1]!;
    },
    get lastClient() {
      return clients[clients.length - 1]!;
    },
    sent(method?: string) {
      return clients.flatMap((c) => c.requests).filter((r) => method === undefined || r.method === method).map((r) => r.params);
    },
    deps: undefined as unknown as ExtensionDeps,
  };
  const env: EnvLike = { clipboard };
  h.deps = {
    window,
    workspace,
    commands,
    languages,
    serverModule: '/ext/dist/server.js',
    createLanguageClient: (id, name, serverOptions, clientOptions) => {
      const client = new FakeClient(id, name, serverOptions, clientOptions, h.behaviour, responders);
      clients.push(client);
      return client;
    },
    lsp,
    LanguageStatusSeverity,
    secrets: h.secrets,
    workspaceState: h.workspaceState,
    globalState: h.globalState,
    env,
    authentication: h.authentication,
    types: fakeTypes,
    now: () => h.clock.now,
    timers: h.timers,
    processEnv: serverEnv,
    readUserFile: async (file) => h.userFiles.get(file),
  };
  setup?.(h);
  return h;
}
