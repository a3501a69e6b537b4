import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { credentialRequest, statusNotification } from '../../shared/src/customMessages';
import { defaultSettings } from '../../shared/src/settings';
import { startExtension, type SecretRefsExtension } from '../../client/src/startExtension';
import { flush, folder, harness, LanguageStatusSeverity, lsp, serverEnv, type Harness } from './fakes';

let running: SecretRefsExtension[] = [];

async function start(setup?: (h: Harness) => void): Promise<{ h: Harness; ext: SecretRefsExtension }> {
  const h = harness(setup);
  const ext = startExtension(h.deps);
  running.push(ext);
  await ext.ready;
  return { h, ext };
}

afterEach(async () => {
  await Promise.all(running.map((ext) => ext.stop()));
  running = [];
});

describe('startExtension: language client', () => {
  it('starts one client with id secretRefs, the bundled server over IPC and a debug inspector', async () => {
    const { h } = await start();
    assert.equal(h.clients.length, 1);
    const client = h.lastClient;
    assert.equal(client.id, 'secretRefs', 'the id must equal the settings prefix for secretRefs.trace.server');
    assert.equal(client.name, 'Secret References');
    assert.equal(client.startCalls, 1);
    const env = { ...serverEnv, AWS_EC2_METADATA_DISABLED: 'true', SECRETREFS_SESSION_KEY: client.sessionKey };
    assert.deepEqual(client.serverOptions, {
      run: { module: '/ext/dist/server.js', transport: lsp.TransportKind.ipc, options: { env } },
      debug: {
        module: '/ext/dist/server.js',
        transport: lsp.TransportKind.ipc,
        options: { env, execArgv: ['--nolazy', '--inspect=6009'] },
      },
    });
  });

  it('gives each server process a new 32-byte session key in its environment, merged with the extension host environment, and never logs it', async () => {
    const { h, ext } = await start();
    const first = h.lastClient.sessionKey;
    assert.equal(Buffer.from(first, 'base64').length, 32);
    await ext.restart('test');
    const second = h.lastClient.sessionKey;
    assert.notEqual(first, second);
    assert.equal((h.lastClient.serverOptions as { run: { options: { env: Record<string, string> } } }).run.options.env.PATH, '/usr/bin');
    assert.ok(!h.output.text().includes(first) && !h.output.text().includes(second));
  });

  it('gives the server process only what it needs of the extension host environment: no credential variable reaches it', async () => {
    const host: NodeJS.ProcessEnv = {
      ...serverEnv,
      VAULT_ADDR: 'https://vault.example.com:8200',
      VAULT_TOKEN: 'hvs.CANARY-host-token',
      VAULT_ROLE_ID: 'role',
      VAULT_SECRET_ID: 'CANARY-secret-id',
      AWS_ACCESS_KEY_ID: 'AKIDCANARY',
      AWS_SECRET_ACCESS_KEY: 'CANARY-aws-secret',
      AWS_PROFILE: 'corp',
      AWS_REGION: 'eu-west-1',
      AZURE_CLIENT_SECRET: 'CANARY-azure-secret',
      GOOGLE_APPLICATION_CREDENTIALS: '/home/dev/key.json',
      SECRETREFS_LOCAL_KEY: 'CANARY-local-key',
      GITHUB_TOKEN: 'CANARY-unrelated-token',
      VSCODE_IPC_HOOK: '/tmp/vscode.sock',
    };
    const { h } = await start((h) => {
      h.deps.processEnv = host;
    });
    const env = (h.lastClient.serverOptions as { run: { options: { env: NodeJS.ProcessEnv } } }).run.options.env;
    // vscode-languageclient merges this over the host's whole environment: a variable kept out is
    // present with the value undefined, which Node's spawn drops.
    for (const key of ['VAULT_TOKEN', 'VAULT_ROLE_ID', 'VAULT_SECRET_ID', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AZURE_CLIENT_SECRET', 'GOOGLE_APPLICATION_CREDENTIALS', 'SECRETREFS_LOCAL_KEY', 'GITHUB_TOKEN', 'VSCODE_IPC_HOOK']) {
      assert.ok(key in env && env[key] === undefined, `${key} is kept out`);
    }
    assert.deepEqual(
      Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
      { PATH: '/usr/bin', HOME: '/home/dev', VAULT_ADDR: 'https://vault.example.com:8200', AWS_REGION: 'eu-west-1', AWS_EC2_METADATA_DISABLED: 'true', SECRETREFS_SESSION_KEY: h.lastClient.sessionKey },
    );
    assert.ok(!JSON.stringify(env).includes('CANARY'));
  });

  it('merges process.env when no environment is injected', async () => {
    const { h } = await start((h) => {
      delete h.deps.processEnv;
    });
    const env = (h.lastClient.serverOptions as { run: { options: { env: Record<string, string> } } }).run.options.env;
    assert.equal(env.PATH, process.env.PATH);
    assert.equal(env.SECRETREFS_SESSION_KEY, h.lastClient.sessionKey);
    assert.equal(process.env.SECRETREFS_SESSION_KEY, undefined, 'the extension host environment is not changed');
  });

  it('answers the server\'s credential requests and trusts hover markdown only for Preview Secret Value', async () => {
    const { h } = await start();
    assert.ok(h.lastClient.requestHandlers.has(credentialRequest));
    assert.deepEqual(h.lastClient.clientOptions.markdown, { isTrusted: { enabledCommands: ['secretRefs.previewSecret'] } });
  });

  it('builds the document selector from the default file patterns', async () => {
    const { h } = await start();
    assert.deepEqual(h.lastClient.clientOptions.documentSelector, [
      { scheme: 'file', language: 'yaml', pattern: '**/*.vault.yaml' },
      { scheme: 'file', language: 'yaml', pattern: '**/*.vault.yml' },
      { scheme: 'file', language: 'yaml', pattern: '**/*.connection.yaml' },
      { scheme: 'file', language: 'yaml', pattern: '**/*.connection.yml' },
    ]);
    assert.deepEqual(h.statusItem.selector, h.lastClient.clientOptions.documentSelector);
  });

  it('builds the document selector from custom patterns of the window and every folder', async () => {
    const { h } = await start((h) => {
      h.workspace.values.set('secretRefs.files.vaultConfigs', ['vaults/*.yaml']);
      h.workspace.values.set('secretRefs.files.connections', ['**/conn-*.yml']);
      h.workspace.workspaceFolders = [folder('a', 0), folder('b', 1)];
      h.workspace.folderValues.set('b', new Map([['secretRefs.files.connections', ['./db/*.yaml', '**/conn-*.yml']]]));
    });
    assert.deepEqual(
      (h.lastClient.clientOptions.documentSelector as { pattern: string }[]).map((f) => f.pattern),
      ['**/vaults/*.yaml', '**/conn-*.yml', '**/db/*.yaml'],
    );
  });

  it('passes normalized settings and workspace trust in initializationOptions', async () => {
    const { h } = await start((h) => {
      h.workspace.isTrusted = false;
      h.workspace.values.set('secretRefs.files.maxSizeKb', 10);
      h.workspace.values.set('secretRefs.diagnostics.disabled', ['unused-secret']);
      h.workspace.values.set('secretRefs.files.exclude', 'not-an-array');
    });
    assert.deepEqual(h.lastClient.initializationOptions(), {
      settings: {
        files: { ...defaultSettings.files, maxSizeKb: 10 },
        diagnostics: { disabled: ['unused-secret'] },
        live: defaultSettings.live,
        cache: defaultSettings.cache,
      hardcodedCredentials: defaultSettings.hardcodedCredentials,
      },
      trusted: false,
      watchesFiles: true,
    });
  });

  it('uses the Secret References log channel for output and trace, and never reveals it by itself', async () => {
    const { h } = await start();
    const options = h.lastClient.clientOptions;
    assert.equal(h.window.channels.length, 1);
    assert.equal(h.output.name, 'Secret References');
    // The client writes into the Secret References channel through the plain-text wrapper.
    const channel = options.outputChannel as unknown as { info(message: string): void };
    channel.info('from the client \u001b[2J\u202eend');
    assert.deepEqual(h.output.lines.at(-1), { level: 'info', message: 'from the client [2Jend' });
    assert.equal(options.traceOutputChannel, options.outputChannel);
    assert.equal(options.revealOutputChannelOn, lsp.RevealOutputChannelOn.Never);
    assert.equal(options.synchronize?.configurationSection, undefined);
  });

  it('watches every YAML file on disk for the server', async () => {
    const { h } = await start();
    assert.equal(h.workspace.watchers.length, 1);
    assert.equal(h.workspace.watchers[0]!.glob, '**/*.{yaml,yml}');
    assert.equal(h.lastClient.clientOptions.synchronize?.fileEvents, h.workspace.watchers[0] as unknown);
  });
});

describe('startExtension: commands', () => {
  it('registers every command and sets the active context key', async () => {
    const { h } = await start();
    assert.deepEqual([...h.commands.registered.keys()].sort(), [
      'secretRefs.addVaultConfiguration',
      'secretRefs.moveToVault',
      'secretRefs.previewSecret',
      'secretRefs.resetCache',
      'secretRefs.restartServer',
      'secretRefs.showOutput',
      'secretRefs.signIn',
      'secretRefs.signOut',
      'secretRefs.troubleshoot',
      'secretRefs.writeSecret',
    ]);
    assert.deepEqual(h.commands.executed, [['setContext', 'secretRefs.active', true]]);
  });

  it('Show Output reveals the output channel', async () => {
    const { h } = await start();
    h.commands.run('secretRefs.showOutput');
    assert.equal(h.output.shown, 1);
  });

  it('Restart Server stops the client and starts a new one with a new watcher', async () => {
    const { h } = await start();
    const first = h.lastClient;
    await h.commands.run('secretRefs.restartServer');
    assert.equal(h.clients.length, 2);
    assert.equal(first.disposed, true);
    assert.equal(h.workspace.watchers[0]!.disposed, true);
    assert.equal(h.workspace.watchers[1]!.disposed, false);
    assert.equal(h.lastClient.state, lsp.State.Running);
    assert.match(h.output.text(), /Restart requested/);
  });

  it('serializes concurrent restarts', async () => {
    const { h, ext } = await start();
    await Promise.all([ext.restart('one'), ext.restart('two'), h.commands.run('secretRefs.restartServer')]);
    assert.equal(h.clients.length, 4);
    assert.deepEqual(h.clients.map((c) => c.disposed), [true, true, true, false]);
    assert.equal(ext.client, h.lastClient);
  });
});

describe('startExtension: language status item', () => {
  it('is created with id secretRefs.status, named, with the Show Output command', async () => {
    const { h } = await start();
    const item = h.statusItem;
    assert.equal(item.id, 'secretRefs.status');
    assert.equal(item.name, 'Secret References');
    assert.deepEqual(item.command, { title: 'Show Output', command: 'secretRefs.showOutput', tooltip: 'Show the Secret References output' });
  });

  it('shows ready once the client runs', async () => {
    const { h } = await start();
    assert.equal(h.statusItem.text, 'Secret References');
    assert.equal(h.statusItem.detail, 'Ready');
    assert.equal(h.statusItem.busy, false);
    assert.equal(h.statusItem.severity, LanguageStatusSeverity.Information);
  });

  it('shows starting while the client starts', async () => {
    const h = harness();
    const ext = startExtension(h.deps);
    running.push(ext);
    // Before the queued start runs, and right after the client reports Starting.
    assert.equal(h.statusItem.busy, true);
    assert.match(h.statusItem.text, /starting/);
    await ext.ready;
    h.lastClient.setState(lsp.State.Starting);
    assert.match(h.statusItem.text, /starting/);
  });

  it('updates on secretRefs/status notifications', async () => {
    const { h } = await start();
    const client = h.lastClient;
    client.notify(statusNotification, { indexing: true, vaultConfigs: 2, connections: 7, errors: 0, warnings: 0 });
    assert.equal(h.statusItem.busy, true);
    assert.match(h.statusItem.text, /indexing/);
    assert.equal(h.statusItem.detail, 'Indexing: 2 vault configurations, 7 connections so far');
    client.notify(statusNotification, { indexing: false, vaultConfigs: 1, connections: 1, errors: 3, warnings: 1 });
    assert.equal(h.statusItem.busy, false);
    assert.equal(h.statusItem.text, 'Secret References');
    assert.equal(h.statusItem.detail, '1 vault configuration, 1 connection · 3 errors, 1 warning');
  });

  it('ignores a malformed status notification', async () => {
    const { h } = await start();
    h.lastClient.notify(statusNotification, null);
    assert.equal(h.statusItem.detail, 'Ready');
  });

  it('turns to Error severity when the server stops', async () => {
    const { h } = await start();
    h.lastClient.setState(lsp.State.Stopped);
    assert.equal(h.statusItem.severity, LanguageStatusSeverity.Error);
    assert.match(h.statusItem.text, /stopped/);
    h.lastClient.setState(lsp.State.Running);
    assert.equal(h.statusItem.severity, LanguageStatusSeverity.Information);
  });

  it('shows Error severity when the server fails to start', async () => {
    const { h } = await start((h) => {
      h.behaviour = 'fail';
    });
    assert.equal(h.statusItem.severity, LanguageStatusSeverity.Error);
    assert.equal(h.statusItem.detail, 'The language server failed to start');
    assert.match(h.output.text(), /did not start: spawn failed/);
  });

  it('does not flash stopped while the extension itself restarts the server', async () => {
    const { h, ext } = await start();
    const severities: number[] = [];
    const item = h.statusItem;
    let severity = item.severity;
    Object.defineProperty(item, 'severity', {
      get: () => severity,
      set: (v) => {
        severity = v;
        severities.push(v);
      },
    });
    await ext.restart('test');
    assert.ok(!severities.includes(LanguageStatusSeverity.Error));
  });

  it('drops its listeners from a replaced client', async () => {
    const { h, ext } = await start();
    const old = h.lastClient;
    await ext.restart('test');
    assert.equal(old.handlers.size, 0, 'the old client\'s handlers are disposed');
    assert.equal(old.requestHandlers.size, 0);
    assert.equal(old.stateListeners, 0);
    old.setState(lsp.State.Stopped);
    assert.equal(h.statusItem.detail, 'Ready');
  });
});

describe('startExtension: settings and trust', () => {
  it('restarts the client with a new selector when a file pattern setting changes', async () => {
    const { h } = await start();
    h.workspace.change({ 'secretRefs.files.vaultConfigs': ['**/*.vaults.yaml'] });
    await flush();
    assert.equal(h.clients.length, 2);
    assert.equal(h.clients[0]!.disposed, true);
    assert.deepEqual(
      (h.lastClient.clientOptions.documentSelector as { pattern: string }[]).map((f) => f.pattern),
      ['**/*.vaults.yaml', '**/*.connection.yaml', '**/*.connection.yml'],
    );
    assert.deepEqual(h.statusItem.selector, h.lastClient.clientOptions.documentSelector);
    assert.match(h.output.text(), /file pattern settings changed/);
  });

  it('does not restart for other settings or when the selector stays the same', async () => {
    const { h } = await start();
    h.workspace.change({ 'secretRefs.files.exclude': ['**/tmp/**'], 'secretRefs.diagnostics.disabled': ['unused-secret'] });
    h.workspace.change({ 'secretRefs.files.connections': ['**/*.connection.yml', '**/*.connection.yaml', '**/*.connection.yml'] });
    h.workspace.change({ 'editor.tabSize': 4 });
    await flush();
    assert.equal(h.clients.length, 1);
  });

  it('a change that is undone before the restart runs still ends with the current patterns', async () => {
    const { h } = await start();
    h.workspace.change({ 'secretRefs.files.connections': ['**/*.conn.yaml'] });
    h.workspace.change({ 'secretRefs.files.connections': defaultSettings.files.connections });
    await flush();
    assert.equal(h.clients.length, 2);
    assert.deepEqual(h.lastClient.clientOptions.documentSelector, h.clients[0]!.clientOptions.documentSelector);
  });

  it('restarts when workspace folders change the selector, not otherwise', async () => {
    const { h } = await start();
    h.workspace.workspaceFolders = [folder('a')];
    h.workspace.foldersChanged.fire({ added: [folder('a')], removed: [] });
    await flush();
    assert.equal(h.clients.length, 1);
    h.workspace.folderValues.set('a', new Map([['secretRefs.files.connections', ['**/*.conn.yaml']]]));
    h.workspace.foldersChanged.fire({ added: [], removed: [] });
    await flush();
    assert.equal(h.clients.length, 2);
  });

  it('restarts with trusted: true when workspace trust is granted', async () => {
    const { h } = await start((h) => {
      h.workspace.isTrusted = false;
    });
    assert.equal((h.lastClient.initializationOptions() as { trusted: boolean }).trusted, false);
    h.workspace.isTrusted = true;
    h.workspace.trustGranted.fire();
    await flush();
    assert.equal(h.clients.length, 2);
    assert.equal(h.clients[0]!.disposed, true);
    assert.equal((h.lastClient.initializationOptions() as { trusted: boolean }).trusted, true);
    assert.match(h.output.text(), /now trusted/);
  });

  it('reads settings afresh for every (re)initialization', async () => {
    const { h } = await start();
    h.workspace.values.set('secretRefs.files.maxSizeKb', 1);
    const options = h.lastClient.initializationOptions() as { settings: { files: { maxSizeKb: number } } };
    assert.equal(options.settings.files.maxSizeKb, 1);
  });
});

describe('startExtension: failures', () => {
  it('initializationFailedHandler shows an error with Show Output and returns false', async () => {
    const { h } = await start((h) => {
      h.behaviour = 'initFail';
      h.window.nextChoice = 'Show Output';
    });
    assert.equal(h.window.errors.length, 1);
    assert.match(h.window.errors[0]!.message, /failed to initialize: bad init/);
    assert.deepEqual(h.window.errors[0]!.items, ['Show Output', 'Restart Server']);
    await flush();
    assert.equal(h.output.shown, 1);
    assert.equal(h.statusItem.severity, LanguageStatusSeverity.Error);
    assert.equal(h.lastClient.clientOptions.initializationFailedHandler?.(new Error('x')), false);
  });

  it('giving up after crashes shows one message; its Restart Server button starts a new client', async () => {
    const { h } = await start((h) => {
      h.window.nextChoice = 'Restart Server';
    });
    const handler = h.lastClient.clientOptions.errorHandler!;
    for (let i = 0; i < 4; i++) assert.equal((await handler.closed()).action, lsp.CloseAction.Restart);
    assert.equal(h.window.errors.length, 0);
    const result = await handler.closed();
    assert.equal(result.action, lsp.CloseAction.DoNotRestart);
    assert.equal(result.handled, true);
    assert.equal(h.window.errors.length, 1);
    assert.match(h.window.errors[0]!.message, /crashed 5 times in the last 3 minutes/);
    h.clients[0]!.setState(lsp.State.Stopped);
    assert.match(h.statusItem.detail ?? '', /stopped after repeated failures/);
    await flush();
    await flush();
    assert.equal(h.clients.length, 2);
    assert.equal(h.statusItem.detail, 'Ready');
  });

  it('survives a client factory that throws, and a later restart works', async () => {
    const h = harness();
    const create = h.deps.createLanguageClient;
    let fail = true;
    h.deps.createLanguageClient = (...args) => {
      if (fail) throw new Error('boom');
      return create(...args);
    };
    const ext = startExtension(h.deps);
    running.push(ext);
    await ext.ready;
    assert.equal(h.statusItem.severity, LanguageStatusSeverity.Error);
    assert.equal(h.workspace.watchers[0]!.disposed, true);
    assert.match(h.output.text(), /Could not create the language client: boom/);
    fail = false;
    await h.commands.run('secretRefs.restartServer');
    assert.equal(h.lastClient.state, lsp.State.Running);
    assert.equal(h.statusItem.detail, 'Ready');
  });
});

describe('startExtension: stop', () => {
  it('stops the client and disposes commands, status item, watcher and output channel', async () => {
    const { h, ext } = await start();
    await ext.stop();
    assert.equal(h.lastClient.disposed, true);
    assert.equal(h.commands.registered.size, 0);
    assert.equal(h.statusItem.disposed, true);
    assert.equal(h.vaultsItem.disposed, true);
    assert.equal(h.workspace.watchers[0]!.disposed, true);
    assert.equal(h.output.disposed, true);
    assert.equal(h.workspace.contentProviders.size, 0);
    assert.equal(h.workspace.documentClosed.size, 0);
    assert.ok(h.languages.codeLensProviders.every((p) => p.disposed));
    assert.equal(h.workspace.configurationChanged.size, 0);
    assert.equal(h.workspace.trustGranted.size, 0);
    assert.equal(ext.client, undefined);
  });

  it('is idempotent and a restart after stop starts nothing', async () => {
    const { h, ext } = await start();
    const a = ext.stop();
    const b = ext.stop();
    assert.equal(a, b);
    await a;
    await ext.restart('late');
    assert.equal(h.clients.length, 1);
  });

  it('stop waits for a client that is still starting', async () => {
    const h = harness();
    const ext = startExtension(h.deps);
    await ext.stop();
    assert.ok(h.clients.every((c) => c.disposed));
  });
});
