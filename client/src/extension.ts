/**
 * Entry point (bundled to dist/client.js). Gathers the real collaborators and hands off to
 * startExtension; all behaviour lives in modules that tests load without `vscode`.
 */
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { serverModulePath } from './constants';
import { startExtension, type SecretRefsExtension } from './startExtension';

let extension: SecretRefsExtension | undefined;

export function activate(context: vscode.ExtensionContext): void {
  extension = startExtension({
    window: vscode.window,
    workspace: vscode.workspace,
    commands: vscode.commands,
    languages: vscode.languages,
    serverModule: context.asAbsolutePath(serverModulePath),
    createLanguageClient: (id, name, serverOptions, clientOptions) =>
      new LanguageClient(id, name, serverOptions, clientOptions),
    lsp: { TransportKind, CloseAction, ErrorAction, State, RevealOutputChannelOn },
    LanguageStatusSeverity: vscode.LanguageStatusSeverity,
    secrets: context.secrets,
    workspaceState: context.workspaceState,
    globalState: context.globalState,
    env: vscode.env,
    authentication: vscode.authentication,
    types: { Uri: vscode.Uri, Range: vscode.Range, CodeLens: vscode.CodeLens, InputBoxValidationSeverity: vscode.InputBoxValidationSeverity },
  });
  context.subscriptions.push(extension);
}

export function deactivate(): Promise<void> | undefined {
  const current = extension;
  extension = undefined;
  return current?.stop();
}
