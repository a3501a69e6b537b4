/**
 * The VS Code client half (client/src/startExtension.ts) with the VS Code fakes of
 * test/client/fakes.ts, but with a real server behind it: the language client is a bridge that
 * starts dist/server.js as the extension asks (its environment, with the session key, and its
 * initialization options), answers what vscode-languageclient answers (settings, edits), routes
 * `window/logMessage` to the extension's output channel and `window/showMessage` to the window,
 * and hands the server's credential requests to the extension. Commands run with scripted
 * prompts: Sign In for every provider, Preview (Reveal), Write Secret, Troubleshoot, Move to
 * vault, Reset Cache, Sign Out.
 */
import type * as vscode from 'vscode';
import type { LanguageClientOptions, ServerOptions, State, StateChangeEvent } from 'vscode-languageclient/node';
import { commandIds } from '../../client/src/constants';
import { readSettings } from '../../client/src/settings';
import { startExtension, type LanguageClientLike, type SecretRefsExtension } from '../../client/src/startExtension';
import { listVaultsRequest, type VaultSummary } from '../../shared/src/customMessages';
import { Emitter, FakeDocument, FakeUri, harness, microsoftSession, settle, type Harness, type PromptCall } from '../client/fakes';
import { cliCredentials } from './cliScenario';
import { deadline, LspProcess } from './lspProcess';
import { referencePositions } from './serverScenario';
import { serverJs, type World } from './world';

/** vscode-languageclient's part the extension uses, backed by the real server in a child process. */
class BridgeClient implements LanguageClientLike {
  state: State;
  process: LspProcess | undefined;
  private readonly stateEmitter = new Emitter<StateChangeEvent>();
  readonly onDidChangeState = this.stateEmitter.event as vscode.Event<StateChangeEvent>;
  private readonly notificationHandlers = new Map<string, (params: unknown) => void>();
  private readonly requestHandlers = new Map<string, (params: any) => Promise<unknown>>();
  readonly diagnostics = new Map<string, unknown[]>();
  readonly appliedEdits: unknown[] = [];

  constructor(
    private readonly world: World,
    private readonly h: Harness,
    private readonly serverOptions: ServerOptions,
    private readonly clientOptions: LanguageClientOptions,
  ) {
    this.state = h.deps.lsp.State.Stopped;
  }

  private setState(state: State): void {
    const oldState = this.state;
    this.state = state;
    if (oldState !== state) this.stateEmitter.fire({ oldState, newState: state });
  }

  async start(): Promise<void> {
    const { State } = this.h.deps.lsp;
    this.setState(State.Starting);
    const run = (this.serverOptions as { run: { module: string; options?: { env?: NodeJS.ProcessEnv } } }).run;
    if (run.module !== serverJs) throw new Error(`unexpected server module ${run.module}`);
    // The extension's session key for this server process is a secret too.
    const sessionKey = run.options?.env?.SECRETREFS_SESSION_KEY;
    if (sessionKey) this.world.scanner.add('client session key', sessionKey);
    const output = this.clientOptions.outputChannel as vscode.LogOutputChannel;
    const trace = (this.clientOptions.traceOutputChannel ?? output) as vscode.LogOutputChannel;
    this.process = new LspProcess({
      serverJs: run.module,
      cwd: this.world.workspace,
      // The loopback shim's host map is test plumbing: the extension passes the server only what it needs.
      env: { ...(run.options?.env ?? {}), SECRETREFS_CANARY_LOOPBACK_HOSTS: this.world.env().SECRETREFS_CANARY_LOOPBACK_HOSTS },
      execArgv: this.world.execArgv,
      onRequest: (method, params) => this.answer(method, params),
      onNotification: (method, params) => {
        const p = params as { type?: number; message?: string; uri?: string; diagnostics?: unknown[] };
        if (method === 'window/logMessage') {
          const log = p.type === 1 ? output.error : p.type === 2 ? output.warn : p.type === 3 ? output.info : output.debug;
          log.call(output, String(p.message));
        } else if (method === 'window/showMessage') {
          const show = p.type === 1 ? 'error' : p.type === 2 ? 'warning' : 'info';
          if (show === 'error') void this.h.window.showErrorMessage(String(p.message));
          else if (show === 'warning') void this.h.window.showWarningMessage(String(p.message), {});
          else void this.h.window.showInformationMessage(String(p.message), {});
        } else if (method === '$/logTrace') {
          trace.trace(String(p.message));
        } else if (method === 'textDocument/publishDiagnostics') {
          this.diagnostics.set(String(p.uri), p.diagnostics ?? []);
        } else {
          this.notificationHandlers.get(method)?.(params);
        }
      },
    });
    const init = this.clientOptions.initializationOptions;
    const folders = (this.h.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name }));
    await this.process.call(
      'initialize',
      {
        processId: process.pid,
        clientInfo: { name: 'Visual Studio Code (leak canary bridge)', version: '1.95.0' },
        rootUri: folders[0]?.uri ?? null,
        workspaceFolders: folders,
        initializationOptions: typeof init === 'function' ? init() : init,
        trace: 'verbose',
        capabilities: {
          workspace: { configuration: true, workspaceFolders: true, applyEdit: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
          textDocument: {
            synchronization: { didSave: true },
            publishDiagnostics: { relatedInformation: true },
            completion: { completionItem: { snippetSupport: true } },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix'] } } },
          },
          window: { workDoneProgress: true },
        },
      },
      30_000,
    );
    this.process.notify('initialized', {});
    this.process.notify('$/setTrace', { value: 'verbose' });
    this.setState(State.Running);
  }

  /** What vscode-languageclient answers the server, or the extension's own handler (credentials). */
  private async answer(method: string, params: unknown): Promise<unknown> {
    switch (method) {
      case 'workspace/configuration':
        return (params as { items: { section?: string }[] }).items.map((i) => (i.section === 'secretRefs' ? readSettings(this.h.workspace) : null));
      case 'workspace/workspaceFolders':
        return (this.h.workspace.workspaceFolders ?? []).map((f) => ({ uri: f.uri.toString(), name: f.name }));
      case 'workspace/applyEdit':
        this.appliedEdits.push(params);
        return { applied: true };
      case 'window/showMessageRequest': {
        // Shown as vscode-languageclient shows it (the server's messages here carry no buttons).
        const p = params as { type?: number; message?: string };
        if (p.type === 1) void this.h.window.showErrorMessage(String(p.message));
        else if (p.type === 2) void this.h.window.showWarningMessage(String(p.message), {});
        else void this.h.window.showInformationMessage(String(p.message), {});
        return null;
      }
      case 'client/registerCapability':
      case 'window/workDoneProgress/create':
        return null;
      default: {
        const handler = this.requestHandlers.get(method);
        return handler ? handler(params) : null;
      }
    }
  }

  async dispose(): Promise<void> {
    await this.process?.stop();
    this.setState(this.h.deps.lsp.State.Stopped);
  }

  onNotification(method: string, handler: (params: unknown) => void): vscode.Disposable {
    this.notificationHandlers.set(method, handler);
    return { dispose: () => this.notificationHandlers.delete(method) };
  }

  onRequest(method: string, handler: (params: any) => Promise<unknown>): vscode.Disposable {
    this.requestHandlers.set(method, handler);
    return { dispose: () => this.requestHandlers.delete(method) };
  }

  sendRequest<R>(method: string, params: unknown): Promise<R> {
    if (!this.process || this.state !== this.h.deps.lsp.State.Running) return Promise.reject(new Error('Client is not running'));
    return this.process.call<R>(method, params);
  }

  /** Document sync, as vscode-languageclient does for an open editor. */
  open(uri: string, text: string): void {
    this.process?.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  }
}

export interface ClientRun {
  h: Harness;
  bridges: BridgeClient[];
  /** The revealed preview documents' text: the one place a value may appear. */
  previews: string[];
  /** Code lenses the extension offered for the connection files. */
  codeLenses: unknown[];
  /** Steps that did not happen as scripted (reported by the suite). */
  problems: string[];
  /** Commands run. */
  commands: string[];
  /** What Copy put on the clipboard (the explicit way to take a value), before the clear timer fired. */
  copiedToClipboard?: string;
  /** The address approvals the user was asked for. */
  approvals: string[];
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function runClient(world: World): Promise<ClientRun> {
  const c = world.credentials;
  const bridges: BridgeClient[] = [];
  const problems: string[] = [];
  const commands: string[] = [];
  const h = harness((h) => {
    h.workspace.workspaceFolders = [{ name: 'workspace', index: 0, uri: new FakeUri('file', world.workspace) as unknown as vscode.Uri }];
    h.workspace.values.set('secretRefs.trace.server', 'verbose');
    h.workspace.values.set('secretRefs.preview.codeLens', true);
    h.workspace.values.set('secretRefs.live.timeoutSeconds', 8);
    h.deps.serverModule = serverJs;
    // VS Code started from a shell with credentials in its environment: the extension offers them,
    // once approved, for the vaults nobody signs in to (a signed-in credential comes first); the
    // server process does not inherit them.
    h.deps.processEnv = world.env(cliCredentials(world, false));
    h.deps.createLanguageClient = (_id, _name, serverOptions, clientOptions) => {
      const bridge = new BridgeClient(world, h, serverOptions, clientOptions);
      bridges.push(bridge);
      return bridge;
    };
  });
  // The GCP key file the user imports through the open dialog.
  const keyUri = new FakeUri('file', world.fixture('gcp-key.json'));
  h.workspace.fs.put(keyUri.toString(), c.gcp.json);
  h.authentication.session = microsoftSession(c.azureToken);

  const ext: SecretRefsExtension = startExtension(h.deps);
  const run: ClientRun = { h, bridges, previews: [], codeLenses: [], problems, commands, approvals: [] };
  const command = async (id: string, ...args: unknown[]) => {
    commands.push(id);
    await deadline(id, Promise.resolve(h.commands.run(id, ...args)), 30_000);
    await settle();
  };
  try {
    await deadline('extension start', ext.ready, 30_000);
    const bridge = bridges.at(-1)!;
    for (const rel of ['connections/hc.connection.yaml', 'connections/cloud.connection.yaml', 'connections/local.connection.yaml', 'connections/literal.connection.yaml']) {
      bridge.open(world.uri(rel), world.files[rel]!);
      h.workspace.openFile(world.uri(rel), world.files[rel]!);
    }

    // The user allows sending each credential to its vault's address whenever VS Code asks (a
    // modal shown when the server first needs the credential, at a moment the script cannot know).
    const approvals = run.approvals;
    const showWarning = h.window.showWarningMessage.bind(h.window);
    h.window.showWarningMessage = (message: string, options: vscode.MessageOptions, ...items: string[]) => {
      if (!/^Send the credential for vault /.test(message)) return showWarning(message, options, ...items);
      approvals.push(message);
      h.window.messages.push({ level: 'warning', message, options, items });
      return Promise.resolve('Allow');
    };

    // Sign in to every provider, with each way of entering a credential.
    const signIns: Array<{ vault: string; answers: unknown[] }> = [
      { vault: 'hc', answers: ['Token', c.vaultToken] },
      { vault: 'hcrole', answers: ['AppRole', c.roleId, c.secretId] },
      { vault: 'dev', answers: ['Enter the key or passphrase', c.localKey] },
      { vault: 'pay', answers: ['Access key', c.awsKeyId, c.awsSecretKey, c.awsSessionToken] },
      { vault: 'az', answers: ['Microsoft account (built-in sign-in)'] },
      { vault: 'azsp', answers: ['Service principal', c.azureTenant, c.azureClientId, c.azureClientSecret] },
      { vault: 'g', answers: [[keyUri]] },
      { vault: 'hcwrong', answers: ['Token', c.vaultTokenWrong] },
    ];
    for (const signIn of signIns) {
      h.window.answer(signIn.vault, ...signIn.answers);
      await command(commandIds.signIn);
      if (h.window.answers.length > 0) {
        problems.push(`sign in to ${signIn.vault}: ${h.window.answers.length} scripted answers left over`);
        h.window.answers.length = 0;
      }
    }
    // Let the live checks of the open files finish: every signed-in vault in use.
    await until(
      'the signed-in vaults in use',
      async () => {
        const vaults = (await bridge.sendRequest<{ vaults: VaultSummary[] }>(listVaultsRequest, {})).vaults ?? [];
        const waiting = vaults.filter((v) => signIns.some((x) => x.vault === v.name) && (v.access === 'pending' || v.access === 'no-credentials'));
        return waiting.length === 0 ? true : undefined;
      },
      30_000,
    ).catch((error: unknown) => problems.push(String(error)));
    await until('live diagnostics', () => {
      const all = [...bridge.diagnostics.values()].flat() as { code?: unknown }[];
      return all.some((d) => d.code === 'unknown-key') ? true : undefined;
    }, 30_000).catch((error: unknown) => problems.push(String(error)));

    // Code lenses (secretRefs.preview.codeLens is on), then Preview → Reveal for a few references.
    const hcText = world.files['connections/hc.connection.yaml']!;
    const cloudText = world.files['connections/cloud.connection.yaml']!;
    for (const rel of ['connections/hc.connection.yaml', 'connections/cloud.connection.yaml']) {
      const document = new FakeDocument(new FakeUri('file', `${world.workspace}/${rel}`) as unknown as vscode.Uri, () => world.files[rel]!);
      for (const provider of h.languages.codeLensProviders) run.codeLenses.push(...(provider.provider.provideCodeLenses(document as unknown as vscode.TextDocument, undefined as never) as unknown[]));
    }
    const lineOf = (text: string, needle: string) => referencePositions(text).find((p) => text.split('\n')[p.line]!.includes(needle))!;
    const previews: Array<[string, { line: number; character: number }, boolean]> = [
      ['connections/hc.connection.yaml', lineOf(hcText, '(db.password)'), true],
      ['connections/hc.connection.yaml', lineOf(hcText, '(role.password)'), true],
      ['connections/cloud.connection.yaml', lineOf(cloudText, '(aws.password)'), true],
      ['connections/cloud.connection.yaml', lineOf(cloudText, '(az.password)'), true],
      ['connections/cloud.connection.yaml', lineOf(cloudText, '(g.password)'), true],
      ['connections/local.connection.yaml', lineOf(world.files['connections/local.connection.yaml']!, '(db.password)'), true],
      ['connections/hc.connection.yaml', lineOf(hcText, '(nested.*)'), true],
      // Failures: the preview command reports them.
      ['connections/hc.connection.yaml', lineOf(hcText, '(locked.password)'), false],
      ['connections/hc.connection.yaml', lineOf(hcText, '(wrong.password)'), false],
      ['connections/cloud.connection.yaml', lineOf(cloudText, '(azsp.password)'), false],
    ];
    for (const [rel, position, readable] of previews) {
      const shown = h.window.shownDocuments.length;
      h.window.answer('Show Value', ...(readable ? ['Reveal', undefined] : []));
      await command(commandIds.previewSecret, { uri: world.uri(rel), line: position.line, character: position.character });
      const document = h.window.shownDocuments[shown]?.document;
      if (document) run.previews.push(document.getText());
      else if (readable) problems.push(`no preview document for ${rel}:${position.line + 1}`);
      h.window.answers.length = 0;
    }

    // Copy: the value goes to the clipboard (an explicit action) and is cleared when the timer fires.
    const copied = lineOf(hcText, '(db.user)');
    h.window.answer('Show Value', 'Copy', undefined);
    await command(commandIds.previewSecret, { uri: world.uri('connections/hc.connection.yaml'), line: copied.line, character: copied.character });
    run.copiedToClipboard = h.clipboard.value;
    h.timers.fireAll();
    await settle();
    h.window.answers.length = 0;

    // Write Secret... to the Vault: a new secret whose value is typed hidden.
    h.window.answer('hc', 'secret', 'New secret here...', 'app/client-written', 'Add a key...', 'token', world.canary.derive('client-written'), 'Done', 'Write');
    await command(commandIds.writeSecret);
    if (h.window.answers.length > 0) problems.push(`write secret: ${h.window.answers.length} scripted answers left over`);
    h.window.answers.length = 0;

    // Troubleshoot Connection... for a working and a refused vault.
    for (const vault of ['hc', 'hcwrong', 'pay', 'azsp', 'g']) {
      h.window.answer(vault);
      await command(commandIds.troubleshoot);
      h.window.answers.length = 0;
    }

    // Move to vault...: the hard-coded password, from the quick fix the server offers.
    const literalUri = world.uri('connections/literal.connection.yaml');
    const literalDiagnostic = await until('hardcoded-credential', () => (bridge.diagnostics.get(literalUri) as Array<{ code?: unknown; range: unknown }> | undefined)?.find((d) => d.code === 'hardcoded-credential')).catch(() => undefined);
    if (literalDiagnostic) {
      const actions = await bridge.sendRequest<Array<{ command?: { command: string; arguments?: unknown[] } }>>('textDocument/codeAction', {
        textDocument: { uri: literalUri },
        range: literalDiagnostic.range,
        context: { diagnostics: [literalDiagnostic] },
      });
      const move = actions.find((a) => a.command?.command === commandIds.moveToVault)?.command;
      if (move) {
        h.window.answer('hc', 'secret', 'New secret here...', 'app/moved-by-client', 'db_password', 'Move');
        await command(commandIds.moveToVault, ...(move.arguments ?? []));
        h.window.answers.length = 0;
      } else problems.push('no Move to vault... quick fix');
    } else problems.push('no hardcoded-credential diagnostic');

    await command(commandIds.resetCache);
    h.window.answer('pay');
    await command(commandIds.signOut);
    h.window.answers.length = 0;
    await command(commandIds.showOutput);
  } catch (error) {
    problems.push(`the client scenario stopped: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    await deadline('extension stop', ext.stop(), 20_000).catch((error: unknown) => problems.push(String(error)));
    for (const bridge of bridges) await bridge.dispose().catch(() => undefined);
  }
  return run;
}

/** A prompt as shown to the user: without what the user typed (a password box's answer is the user's own input). */
export function shownPrompt(p: PromptCall): unknown {
  const shown: Partial<PromptCall> = { ...p };
  delete shown.answer;
  return shown;
}
