/**
 * The parts of the VS Code API the extension uses, as interfaces. `extension.ts` passes the real
 * namespaces; tests pass fakes. Nothing here imports a `vscode` value.
 */
import type * as vscode from 'vscode';
import type { ConfigurationSource } from './settings';

export interface WindowLike {
  createOutputChannel(name: string, options: { log: true }): vscode.LogOutputChannel;
  showErrorMessage(message: string, ...items: string[]): Thenable<string | undefined>;
  showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  showInformationMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options?: vscode.QuickPickOptions): Thenable<T | undefined>;
  showInputBox(options?: vscode.InputBoxOptions): Thenable<string | undefined>;
  showOpenDialog(options?: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined>;
  showTextDocument(document: vscode.TextDocument, options?: vscode.TextDocumentShowOptions): Thenable<vscode.TextEditor>;
  readonly activeTextEditor: vscode.TextEditor | undefined;
}

export interface FileSystemLike {
  stat(uri: vscode.Uri): Thenable<vscode.FileStat>;
  readFile(uri: vscode.Uri): Thenable<Uint8Array>;
  writeFile(uri: vscode.Uri, content: Uint8Array): Thenable<void>;
}

export interface WorkspaceLike extends ConfigurationSource {
  readonly isTrusted: boolean;
  readonly onDidChangeConfiguration: vscode.Event<vscode.ConfigurationChangeEvent>;
  readonly onDidGrantWorkspaceTrust: vscode.Event<void>;
  readonly onDidChangeWorkspaceFolders: vscode.Event<vscode.WorkspaceFoldersChangeEvent>;
  readonly onDidCloseTextDocument: vscode.Event<vscode.TextDocument>;
  readonly textDocuments: readonly vscode.TextDocument[];
  readonly fs: FileSystemLike;
  createFileSystemWatcher(globPattern: string): vscode.FileSystemWatcher;
  openTextDocument(uri: vscode.Uri): Thenable<vscode.TextDocument>;
  registerTextDocumentContentProvider(scheme: string, provider: vscode.TextDocumentContentProvider): vscode.Disposable;
}

export interface CommandsLike {
  registerCommand(command: string, callback: (...args: any[]) => unknown): vscode.Disposable;
  executeCommand(command: string, ...rest: unknown[]): Thenable<unknown>;
}

export interface LanguagesLike {
  createLanguageStatusItem(id: string, selector: vscode.DocumentSelector): vscode.LanguageStatusItem;
  registerCodeLensProvider(selector: vscode.DocumentSelector, provider: vscode.CodeLensProvider): vscode.Disposable;
}

/** `context.secrets`. */
export interface SecretStorageLike {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
}

/** `context.workspaceState` / `context.globalState`. Never given a secret. */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** `vscode.env`. */
export interface EnvLike {
  readonly clipboard: { readText(): Thenable<string>; writeText(value: string): Thenable<void> };
}

/** `vscode.authentication`. */
export interface AuthenticationLike {
  getSession(
    providerId: string,
    scopes: readonly string[],
    options?: vscode.AuthenticationGetSessionOptions,
  ): Thenable<vscode.AuthenticationSession | undefined>;
}

/** The static side of `vscode.Uri`. */
export interface UriStatics {
  parse(value: string): vscode.Uri;
  from(components: { readonly scheme: string; readonly path?: string; readonly query?: string }): vscode.Uri;
  joinPath(base: vscode.Uri, ...pathSegments: string[]): vscode.Uri;
}

/** Constructors of `vscode` value types the extension creates. */
export interface VscodeTypes {
  Uri: UriStatics;
  Range: new (startLine: number, startCharacter: number, endLine: number, endCharacter: number) => vscode.Range;
  CodeLens: new (range: vscode.Range, command?: vscode.Command) => vscode.CodeLens;
  InputBoxValidationSeverity: typeof vscode.InputBoxValidationSeverity;
}

/** Injected so tests control time (the clipboard is cleared after a delay). */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A minimal event emitter that satisfies `vscode.Event` without loading `vscode`. */
export class SimpleEmitter<T> {
  private readonly listeners = new Set<(e: T) => unknown>();
  readonly event: vscode.Event<T> = (listener, thisArgs?, disposables?) => {
    const bound = (e: T) => listener.call(thisArgs, e);
    this.listeners.add(bound);
    const disposable = { dispose: () => this.listeners.delete(bound) };
    disposables?.push(disposable);
    return disposable;
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
