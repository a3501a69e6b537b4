/**
 * The built language server over stdio, driven like VS Code drives it with
 * `secretRefs.trace.server: verbose`: every file opened, diagnostics awaited, hover, definition
 * and completion swept over every line, code actions for every diagnostic, and every custom
 * request of the client (credentials answered sealed), then the same again while the fakes answer
 * with malformed bodies that hold canary values.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { PreviewSecretResult } from '../../shared/src/customMessages';
import { defaultSettings, type Settings } from '../../shared/src/settings';
import { previewBinding, seal, unseal, writeBinding } from '../../shared/src/sealing';
import { LspProcess } from './lspProcess';
import { serverJs, type World } from './world';

export interface ServerRun {
  lsp: LspProcess;
  /** Latest diagnostics per workspace-relative file. */
  diagnostics: Map<string, Diagnostic[]>;
  /** Every diagnostic ever published, by file (to check what the run reached). */
  codesSeen: Map<string, Set<string>>;
  /** Unsealed preview values: the one place a value may appear. */
  previews: { at: string; value: string }[];
  /** Preview requests answered with a failure message. */
  previewFailures: string[];
  /** How many requests of each kind were sent. */
  counts: Record<string, number>;
}

export const settings: Settings = { ...defaultSettings, live: { ...defaultSettings.live, timeoutSeconds: 8 } };

/**
 * Positions worth asking about on a line: the key, the value, inside each reference (after `(`,
 * `.` and `:`), and the end of the line (completion).
 */
function positionsOf(line: string): { hover: number[]; complete: number[]; define: number[] } {
  const hover = new Set<number>();
  const complete = new Set<number>([line.length]);
  const define = new Set<number>();
  const key = line.search(/\S/);
  if (key >= 0) hover.add(key + (line.slice(key).startsWith('- ') ? 2 : 0));
  const colon = line.indexOf(': ');
  if (colon > 0 && colon + 2 < line.length) {
    hover.add(colon + 2);
    complete.add(colon + 2);
  }
  for (let at = line.indexOf('vault.secret('); at !== -1; at = line.indexOf('vault.secret(', at + 1)) {
    const open = at + 'vault.secret('.length;
    const close = line.indexOf(')', open);
    for (let i = open; i <= (close === -1 ? line.length : close); i++) {
      if (i === open || /[.:]/.test(line[i - 1]!)) {
        hover.add(i);
        complete.add(i);
        define.add(i);
      }
    }
  }
  return { hover: [...hover], complete: [...complete], define: [...define] };
}

/** One reference position per attached secret (the first reference to each alias), and every inline one. */
export function onePerAttachment(text: string): { line: number; character: number }[] {
  const seen = new Set<string>();
  return referencePositions(text).filter((p) => {
    const inner = text.split('\n')[p.line]!.slice(p.character - 1);
    const alias = /^([A-Za-z_][\w-]*)\./.exec(inner)?.[1];
    if (alias === undefined) return true;
    if (seen.has(alias)) return false;
    seen.add(alias);
    return true;
  });
}

/** Positions of the `vault.secret(...)` references in a text (line, character inside the parentheses). */
export function referencePositions(text: string): { line: number; character: number }[] {
  const out: { line: number; character: number }[] = [];
  text.split('\n').forEach((line, n) => {
    for (let at = line.indexOf('vault.secret('); at !== -1; at = line.indexOf('vault.secret(', at + 1)) {
      const open = at + 'vault.secret('.length;
      const close = line.indexOf(')', open);
      out.push({ line: n, character: open + 1 });
      // An inline reference (vault:engine/path.key): also on its key.
      if (close > open && line.slice(open, close).includes(':')) out.push({ line: n, character: close - 1 });
    }
  });
  return out;
}

/**
 * `beforeFaults` settles when nothing else uses the fakes any more: the fault phases change how
 * the fakes answer everyone.
 */
export async function runServer(world: World, beforeFaults: Promise<unknown> = Promise.resolve()): Promise<ServerRun> {
  const sessionKey = world.newSessionKey();
  const d = (label: string) => world.canary.derive(label);
  const counts: Record<string, number> = {};
  const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);
  const diagnostics = new Map<string, Diagnostic[]>();
  const codesSeen = new Map<string, Set<string>>();
  const relOf = (uri: string) => decodeURIComponent(uri.slice(world.workspaceUri.length + 1));
  const lsp = new LspProcess({
    serverJs,
    cwd: world.workspace,
    env: world.env({ SECRETREFS_SESSION_KEY: sessionKey }),
    execArgv: world.execArgv,
    onRequest: (method, params) => {
      switch (method) {
        case 'workspace/configuration':
          return (params as { items: { section?: string }[] }).items.map((i) => (i.section === 'secretRefs' ? settings : null));
        case 'workspace/workspaceFolders':
          return [{ uri: world.workspaceUri, name: 'workspace' }];
        case 'workspace/applyEdit':
          return { applied: true };
        case 'secretRefs/credential':
          return world.sealedCredential(sessionKey, params);
        default:
          return null;
      }
    },
    onNotification: (method, params) => {
      if (method !== 'textDocument/publishDiagnostics') return;
      const p = params as { uri: string; diagnostics: Diagnostic[] };
      const rel = relOf(p.uri);
      diagnostics.set(rel, p.diagnostics);
      const seen = codesSeen.get(rel) ?? new Set<string>();
      for (const diagnostic of p.diagnostics) seen.add(String(diagnostic.code));
      codesSeen.set(rel, seen);
    },
  });

  const run: ServerRun = { lsp, diagnostics, codesSeen, previews: [], previewFailures: [], counts };
  try {
    await lsp.request(
      'initialize',
      {
        processId: process.pid,
        clientInfo: { name: 'secretrefs-leak-canary', version: '1' },
        rootUri: world.workspaceUri,
        workspaceFolders: [{ uri: world.workspaceUri, name: 'workspace' }],
        initializationOptions: { settings, trusted: true },
        trace: 'verbose',
        capabilities: {
          workspace: { configuration: true, workspaceFolders: true, applyEdit: true, workspaceEdit: { documentChanges: true }, didChangeConfiguration: { dynamicRegistration: true } },
          textDocument: {
            synchronization: { didSave: true },
            publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
            completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'], resolveSupport: { properties: ['documentation', 'detail'] } } },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } }, dataSupport: true, resolveSupport: { properties: ['edit'] } },
            codeLens: {},
            documentSymbol: {},
          },
          window: { workDoneProgress: true, showMessage: {} },
        },
      },
      30_000,
    );
    lsp.notify('initialized', {});
    lsp.notify('$/setTrace', { value: 'verbose' });
    await lsp.waitFor('indexing', () => (lsp.notifications.some((n) => n.method === 'secretRefs/status' && (n.params as { indexing?: boolean }).indexing === false) ? true : undefined), 20_000);

    // Open every file, as an editor with all of them in tabs.
    const texts = new Map(Object.entries(world.files));
    for (const [rel, text] of texts) lsp.notify('textDocument/didOpen', { textDocument: { uri: world.uri(rel), languageId: 'yaml', version: 1, text } });
    await settleDiagnostics(lsp, run);

    const initialize = lsp.clientRequests.find((r) => r.method === 'initialize')?.result as { capabilities?: Record<string, unknown> } | undefined;
    const caps = initialize?.capabilities ?? {};
    await sweep(lsp, world, texts, caps, count);
    await customRequests(lsp, world, sessionKey, run, count);

    await beforeFaults;
    // Error paths with canary bytes in the answers: bodies cut short in the middle of a value.
    world.aws.faults.set({ kind: 'malformed', operation: 'GetSecretValue', body: `{"ARN":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-db","Name":"app-db","SecretString":"{\\"password\\":\\"${d('aws-malformed')}` });
    world.azure.faults.set({ kind: 'malformed', operation: 'get', body: `{"value":"${d('az-malformed')}","id":"https://${d('az-malformed-id')}` });
    world.gcp.faults.set({ kind: 'malformed', rpc: 'accessSecretVersion' });
    world.vault.faults.set({ kind: 'malformed', pathPrefix: 'secret/data/app/db' });
    await lsp.request('secretRefs/resetCache', {});
    count('secretRefs/resetCache');
    await settleDiagnostics(lsp, run, 1500);
    const cloud = texts.get('connections/cloud.connection.yaml')!;
    const hc = texts.get('connections/hc.connection.yaml')!;
    for (const [rel, text] of [['connections/cloud.connection.yaml', cloud], ['connections/hc.connection.yaml', hc]] as const) {
      for (const position of onePerAttachment(text)) {
        await preview(lsp, world, sessionKey, run, rel, position);
        count('secretRefs/previewSecret (faults)');
        await lsp.request('textDocument/hover', { textDocument: { uri: world.uri(rel) }, position });
        count('textDocument/hover (faults)');
      }
    }
    for (const fake of [world.aws, world.azure, world.gcp, world.vault]) fake.faults.clear();

    // Error answers whose text echoes the credentials and values of the request (untrusted text).
    await echoFaults(lsp, world, sessionKey, run, count);
  } finally {
    await lsp.stop();
  }
  return run;
}

/** Waits until the connection files have live diagnostics and nothing was published for `quietMs`. */
async function settleDiagnostics(lsp: LspProcess, run: ServerRun, quietMs = 1000): Promise<void> {
  const wanted = ['connections/hc.connection.yaml', 'connections/cloud.connection.yaml', 'connections/local.connection.yaml'];
  const started = Date.now();
  let last = lsp.notifications.length;
  let quietSince = Date.now();
  await lsp
    .waitFor(
      'diagnostics to settle',
      () => {
        if (lsp.notifications.length !== last) {
          last = lsp.notifications.length;
          quietSince = Date.now();
        }
        const live = wanted.every((rel) => run.codesSeen.get(rel)?.has('unknown-key'));
        return live && Date.now() - quietSince >= quietMs && Date.now() - started > quietMs ? true : undefined;
      },
      25_000,
    )
    .catch(() => undefined); // what the run reached is asserted by the suite, with the codes seen
}

async function sweep(lsp: LspProcess, world: World, texts: Map<string, string>, caps: Record<string, unknown>, count: (what: string) => void): Promise<void> {
  const resolveCompletions = (caps.completionProvider as { resolveProvider?: boolean } | undefined)?.resolveProvider === true;
  for (const [rel, text] of texts) {
    const uri = world.uri(rel);
    const lines = text.split('\n');
    const requests: Promise<unknown>[] = [];
    for (const [n, line] of lines.entries()) {
      const at = positionsOf(line);
      const position = (character: number) => ({ line: n, character });
      for (const character of at.hover) requests.push(lsp.request('textDocument/hover', { textDocument: { uri }, position: position(character) }).then(() => count('textDocument/hover')));
      for (const character of at.define) requests.push(lsp.request('textDocument/definition', { textDocument: { uri }, position: position(character) }).then(() => count('textDocument/definition')));
      for (const character of at.complete) {
        requests.push(
          lsp.request<{ items?: unknown[] } | unknown[] | null>('textDocument/completion', { textDocument: { uri }, position: position(character), context: { triggerKind: 1 } }).then(async (list) => {
            count('textDocument/completion');
            const items = Array.isArray(list) ? list : (list?.items ?? []);
            if (resolveCompletions) {
              for (const item of items) {
                await lsp.request('completionItem/resolve', item);
                count('completionItem/resolve');
              }
            }
          }),
        );
      }
      // Keep a bounded number of requests in flight.
      if (requests.length > 120) await Promise.all(requests.splice(0));
    }
    await Promise.all(requests);
    // Code actions for every diagnostic (and the whole file), resolved when the server defers edits.
    const diagnostics = (lsp.notifications.filter((x) => x.method === 'textDocument/publishDiagnostics' && (x.params as { uri: string }).uri === uri).at(-1)?.params as { diagnostics: Diagnostic[] } | undefined)?.diagnostics ?? [];
    for (const diagnostic of diagnostics) {
      const actions = await lsp.request<Array<{ data?: unknown; edit?: unknown }>>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], triggerKind: 1 } });
      count('textDocument/codeAction');
      for (const action of actions ?? []) {
        if (action.data !== undefined && action.edit === undefined) {
          await lsp.request('codeAction/resolve', action);
          count('codeAction/resolve');
        }
      }
    }
    await lsp.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } }, context: { diagnostics } });
    count('textDocument/codeAction');
    // Not served by this server (no capability): asked anyway, answered with an error that is scanned too.
    if (!caps.codeLensProvider) await lsp.request('textDocument/codeLens', { textDocument: { uri } });
    if (!caps.documentSymbolProvider) await lsp.request('textDocument/documentSymbol', { textDocument: { uri } });
    count('textDocument/codeLens');
    count('textDocument/documentSymbol');
  }
}

async function preview(lsp: LspProcess, world: World, sessionKey: string, run: ServerRun, rel: string, position: { line: number; character: number }, version?: number | string): Promise<void> {
  const uri = world.uri(rel);
  const result = await lsp.request<PreviewSecretResult>('secretRefs/previewSecret', { textDocument: { uri }, position, ...(version !== undefined ? { version } : {}) });
  if (!result) return;
  if (!result.ok) {
    run.previewFailures.push(`${rel}:${position.line}: ${result.message}`);
    return;
  }
  const plain = unseal(sessionKey, result.sealed, previewBinding(uri, position.line, position.character));
  if (plain !== undefined) run.previews.push({ at: `${rel}:${position.line + 1}`, value: plain });
}

interface VaultRow {
  name: string;
  provider: string;
  uri: string;
  access: string;
}

async function customRequests(lsp: LspProcess, world: World, sessionKey: string, run: ServerRun, count: (what: string) => void): Promise<void> {
  const d = (label: string) => world.canary.derive(label);
  const call = async <T>(method: string, params?: unknown): Promise<T | undefined> => {
    count(method);
    return lsp.request<T>(method, params);
  };
  const listed = await call<{ vaults: VaultRow[] }>('secretRefs/listVaults', {});
  const vaults = listed?.vaults ?? [];
  const engineOf = (v: VaultRow) => (v.provider === 'hashicorp' ? 'secret' : undefined);
  for (const v of vaults) {
    await call('secretRefs/browse', { vaultUri: v.uri });
    if (v.provider === 'hashicorp') {
      await call('secretRefs/browse', { vaultUri: v.uri, engine: 'secret', folder: '' });
      await call('secretRefs/browse', { vaultUri: v.uri, engine: 'secret', folder: 'app/' });
      await call('secretRefs/browse', { vaultUri: v.uri, engine: 'legacy', folder: '' });
    } else {
      await call('secretRefs/browse', { vaultUri: v.uri, folder: 'app/' });
    }
    const existing = v.provider === 'hashicorp' || v.provider === 'local' ? 'app/db' : 'app-db';
    await call('secretRefs/describeWrite', { vaultUri: v.uri, engine: engineOf(v), path: existing });
    const target = v.provider === 'hashicorp' || v.provider === 'local' ? 'app/written' : 'app-written';
    const described = await call<{ currentVersion?: number | string }>('secretRefs/describeWrite', { vaultUri: v.uri, engine: engineOf(v), path: target });
    const data = JSON.stringify({ token: d(`written-${v.name}`), note: d(`written-note-${v.name}`) });
    await call('secretRefs/writeSecret', { vaultUri: v.uri, engine: engineOf(v), path: target, cas: described?.currentVersion ?? 0, sealedData: seal(sessionKey, data, writeBinding(v.uri, engineOf(v), target)) });
    // Sealed for another target: refused without reading it.
    await call('secretRefs/writeSecret', { vaultUri: v.uri, engine: engineOf(v), path: target, cas: 0, sealedData: seal(sessionKey, data, writeBinding(v.uri, engineOf(v), 'elsewhere')) });
    await call('secretRefs/troubleshoot', { vaultUri: v.uri });
  }
  // Previews of every reference (values only sealed; failures as messages), and of older versions.
  for (const rel of ['connections/hc.connection.yaml', 'connections/local.connection.yaml', 'connections/cloud.connection.yaml']) {
    for (const position of referencePositions(world.files[rel]!)) {
      await preview(lsp, world, sessionKey, run, rel, position);
      count('secretRefs/previewSecret');
    }
  }
  const hcText = world.files['connections/hc.connection.yaml']!;
  const gone = referencePositions(hcText).find((p) => hcText.split('\n')[p.line]!.includes('(gone.password)'))!;
  for (const version of [1, 2, 99]) {
    await preview(lsp, world, sessionKey, run, 'connections/hc.connection.yaml', gone, version);
    count('secretRefs/previewSecret');
  }
  // Move to vault: the hard-coded password, through its quick fix.
  const literalRel = 'connections/literal.connection.yaml';
  const literalUri = world.uri(literalRel);
  const hardcoded = run.diagnostics.get(literalRel)?.find((x) => x.code === 'hardcoded-credential');
  const hc = vaults.find((v) => v.name === 'hc');
  if (hardcoded && hc) {
    const actions = await call<Array<{ command?: { arguments?: unknown[] } }>>('textDocument/codeAction', { textDocument: { uri: literalUri }, range: hardcoded.range, context: { diagnostics: [hardcoded] } });
    const args = actions?.map((a) => a.command?.arguments?.[0] as { version?: number; range?: unknown; key?: string } | undefined).find((a) => a?.range !== undefined);
    const range = args?.range ?? hardcoded.range;
    await call('secretRefs/moveToVault', { textDocument: { uri: literalUri, version: 1 }, range, vaultUri: hc.uri, engine: 'secret', path: 'app/moved', key: args?.key ?? 'db_password' });
    // Into a path the token may not write: refused, nothing changes.
    await call('secretRefs/moveToVault', { textDocument: { uri: literalUri, version: 1 }, range, vaultUri: vaults.find((v) => v.name === 'hcwrong')?.uri ?? hc.uri, engine: 'secret', path: 'app/moved2', key: 'db_password' });
    await call('secretRefs/moveToVault', { textDocument: { uri: literalUri, version: 1 }, range, vaultUri: vaults.find((v) => v.name === 'pay')?.uri ?? hc.uri, path: 'app-moved', key: 'db_password' });
  }
  await call('secretRefs/listVaults', {});
  await call('secretRefs/resetCache', {});
}

/** Each fake answers with an error whose text quotes the caller's credential and canary values. */
async function echoFaults(lsp: LspProcess, world: World, sessionKey: string, run: ServerRun, count: (what: string) => void): Promise<void> {
  const d = (label: string) => world.canary.derive(label);
  const c = world.credentials;
  const gcpKey = JSON.parse(c.gcp.json) as { private_key: string; private_key_id: string };
  const pemLine = gcpKey.private_key.split('\n')[3] ?? '';
  const echo = (what: string) => `${what}: request by ${c.vaultToken} / ${c.secretId} / ${c.awsSecretKey} / ${c.awsSessionToken} / ${c.azureToken} / ${gcpKey.private_key_id} / ${pemLine} with value ${d(`echo-${what}`)}`;
  world.vault.faults.set({ kind: 'status', status: 400, errors: [echo('vault')], pathPrefix: 'secret/' });
  world.aws.faults.set({ kind: 'status', status: 400, type: 'ValidationException', message: echo('aws') });
  world.azure.faults.set({ kind: 'status', status: 400, code: 'BadParameter', message: echo('azure'), pathPrefix: '/secrets' });
  world.gcp.faults.set({ kind: 'status', status: 400, message: echo('gcp'), rpc: 'accessSecretVersion' });
  await lsp.request('secretRefs/resetCache', {});
  count('secretRefs/resetCache');
  await settleDiagnostics(lsp, run, 1000);
  const listed = await lsp.request<{ vaults: VaultRow[] }>('secretRefs/listVaults', {});
  for (const rel of ['connections/hc.connection.yaml', 'connections/cloud.connection.yaml']) {
    for (const position of onePerAttachment(world.files[rel]!)) {
      await preview(lsp, world, sessionKey, run, rel, position);
      count('secretRefs/previewSecret (echo faults)');
      await lsp.request('textDocument/hover', { textDocument: { uri: world.uri(rel) }, position });
      count('textDocument/hover (echo faults)');
    }
  }
  for (const v of listed?.vaults ?? []) {
    const engine = v.provider === 'hashicorp' ? 'secret' : undefined;
    const path = v.provider === 'hashicorp' || v.provider === 'local' ? 'app/echo' : 'app-echo';
    await lsp.request('secretRefs/writeSecret', { vaultUri: v.uri, engine, path, cas: 0, sealedData: seal(sessionKey, JSON.stringify({ k: d(`echo-write-${v.name}`) }), writeBinding(v.uri, engine, path)) });
    count('secretRefs/writeSecret (echo faults)');
    await lsp.request('secretRefs/troubleshoot', { vaultUri: v.uri });
    count('secretRefs/troubleshoot (echo faults)');
  }
  for (const fake of [world.aws, world.azure, world.gcp, world.vault]) fake.faults.clear();
}
