/**
 * How the server is launched and what the language client is told. Pure functions over passed-in
 * values, so tests can inspect exactly what VS Code would get.
 */
import type * as vscode from 'vscode';
import type {
  ErrorHandler,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import type { InitializationOptions } from '../../shared/src/customMessages';
import { clientId, commandIds, serverDebugPort } from './constants';
import { settingsSection } from '../../shared/src/settings';
import { readSettings, withUserOnlyValues, type ConfigurationSource, type YamlFileFilter } from './settings';

/**
 * The bundled server over Node IPC; under the debugger it also opens an inspector port. `env` is
 * what the server process gets (see serverEnvironment: the host's variables it does not need are
 * set to undefined, since vscode-languageclient merges this over the host's whole environment). It
 * carries the session key (SECRETREFS_SESSION_KEY), which never travels as an LSP message and is
 * never logged; the server reads it once and removes it.
 */
export function buildServerOptions(serverModule: string, transportKind: typeof TransportKind, env: NodeJS.ProcessEnv): ServerOptions {
  return {
    run: { module: serverModule, transport: transportKind.ipc, options: { env } },
    debug: {
      module: serverModule,
      transport: transportKind.ipc,
      options: { env, execArgv: ['--nolazy', `--inspect=${serverDebugPort}`] },
    },
  };
}

/** Read afresh on every (re)start, so a restart picks up new settings and workspace trust. */
export function buildInitializationOptions(source: ConfigurationSource & { readonly isTrusted: boolean }): InitializationOptions {
  return { settings: readSettings(source), trusted: source.isTrusted, watchesFiles: true };
}

export interface ClientOptionsInput {
  documentSelector: YamlFileFilter[];
  outputChannel: vscode.LogOutputChannel;
  /** Watches YAML files on disk so the server indexes vault configurations that are not open. */
  fileWatcher: vscode.FileSystemWatcher;
  errorHandler: ErrorHandler;
  initializationFailedHandler: (error: unknown) => boolean;
  initializationOptions: () => InitializationOptions;
  /** `RevealOutputChannelOn.Never`: the extension shows its own messages with a Show Output button. */
  revealOutputChannelOn: RevealOutputChannelOn;
  /** Where the user's own values of the user-only settings are read (see `userOnlySettingKeys`). */
  configuration: ConfigurationSource;
}

/**
 * Settings reach the server by pull (`workspace/configuration`, section `secretRefs`, answered by
 * vscode-languageclient); change notifications follow the server's own dynamic registration of
 * `workspace/didChangeConfiguration`, so the deprecated `synchronize.configurationSection` is not
 * set (it would double every notification).
 */
export function buildClientOptions(input: ClientOptionsInput): LanguageClientOptions {
  return {
    documentSelector: input.documentSelector,
    diagnosticCollectionName: clientId,
    outputChannel: input.outputChannel,
    traceOutputChannel: input.outputChannel,
    revealOutputChannelOn: input.revealOutputChannelOn,
    initializationOptions: input.initializationOptions,
    initializationFailedHandler: input.initializationFailedHandler,
    errorHandler: input.errorHandler,
    synchronize: { fileEvents: input.fileWatcher },
    middleware: {
      workspace: {
        // The server's settings, with the user-only settings taken from the user's settings alone:
        // a repository's .vscode/settings.json cannot raise the bounds on what the server reads.
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) return answer;
          return answer.map((value, i) => (params.items[i]?.section === settingsSection ? withUserOnlyValues(value, input.configuration) : value));
        },
      },
    },
    // Hovers may link to Preview Secret Value (`command:secretRefs.previewSecret?…`); no other command runs from server markdown.
    markdown: { isTrusted: { enabledCommands: [commandIds.previewSecret] } },
  };
}
