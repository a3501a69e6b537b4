/**
 * An untrusted workspace opens no network connection, whatever the user does.
 *
 * The world: a FakeVault, AwsFake, AzureFake and GcpFake on loopback, each behind a counting TCP
 * proxy of this file; vault configurations for all four network providers point at the proxies;
 * valid credentials for every one of them sit in the server's environment (VAULT_TOKEN,
 * VAULT_ROLE_ID/VAULT_SECRET_ID, AWS keys, AZURE_* client secret, GOOGLE_APPLICATION_CREDENTIALS, and
 * the ~/.vault-token, ~/.aws and gcloud files of a fake HOME) and the client answers credential
 * requests for the cloud vaults. Then every feature is used: open, change and close connection
 * files, completion, hover, definition, code actions, code lens, every custom request and the file
 * events.
 *
 * Connections are counted two ways:
 * (a) in this process, by wrapping net.Socket#connect and tls.connect (every connect that is not a
 *     Unix socket; the proxies' own upstream sockets are marked and left out);
 * (b) where they arrive: the TCP connections each proxy accepts, and the ones each fake's server
 *     accepts (a 'connection' listener on the fake's http.Server, reached through its LoopbackServer).
 *
 * Each untrusted scenario has its positive control: the same scenario with trust on opens
 * connections, so the counters are shown to work. Scenarios: the server in process (LSP harness),
 * the built server over stdio (dist/server.js --stdio; counted at the proxies and fakes), and the
 * VS Code client (startExtension with the fakes of test/client) in front of the real server.
 *
 * The client's refusals are also covered one by one in test/client: writeSecret.test.ts and
 * preview.test.ts ("needs a trusted workspace"), signIn.test.ts ("says it needs a trusted
 * workspace, and asks nothing"), credentials.test.ts ("answers null in an untrusted workspace
 * without reading SecretStorage"), startExtension.test.ts (trust in initializationOptions).
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import {
  credentialRequest,
  type BrowseResult,
  type Credential,
  type CredentialParams,
  type DescribeWriteResult,
  type ListVaultsResult,
  type MoveToVaultResult,
  type PreviewSecretResult,
  type TroubleshootResult,
  type VaultSummary,
  type WriteSecretResult,
} from '../../shared/src/customMessages';
import { credentialBinding, newSessionKey, seal, writeBinding } from '../../shared/src/sealing';
import { defaultSettings } from '../../shared/src/settings';
import { startExtension } from '../../client/src/startExtension';
import { approvalKey, credentialKey } from '../../client/src/credentials';
import { originOf } from '../../shared/src/addresses';
import { storageKeys } from '../../client/src/constants';
import { AwsFake } from '../fakes/awsFake';
import { AzureFake } from '../fakes/azureFake';
import { FakeVault } from '../fakes/fakeVault';
import { GcpFake } from '../fakes/gcpFake';
import type { ServiceAccount } from '../fakes/gcp/credentials';
import { FakeDocument, fakeUris, harness as clientHarness, serverEnv, settle } from '../client/fakes';
import { clearEnv } from '../helpers/envIsolation';
import { startHarness, makeFolder, type Harness } from '../helpers/lspHarness';
import { connectTarget, NetworkGuard } from '../helpers/networkGuard';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const serverJs = join(repoRoot, 'dist', 'server.js');

const PROVIDERS = ['hashicorp', 'aws', 'azure', 'gcp'] as const;
type Provider = (typeof PROVIDERS)[number];
type Counts = Record<Provider, number>;

const VAULT_TOKEN = 'hvs.trust-test-token';
const AZ_TOKEN = 'azure-trust-token';
const AZ_CLIENT = { id: 'trust-client-id', secret: 'trust-client-secret' };
const ROLE = { id: 'trust-role-id', secret: 'trust-secret-id' };
const LITERAL = 'trust-literal-hunter2-7781';

// ---------------------------------------------------------------------------------------------
// Counting

/** Sockets the test's own plumbing opens (the proxies' upstream side): not counted. */
const INFRA = Symbol('test infrastructure socket');

function portOf(args: unknown[]): string {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) return String((first as { port?: unknown }).port ?? '?');
  return typeof first === 'number' || typeof first === 'string' ? String(first) : '?';
}

/** (a) Every non-Unix-socket connect in this process: net.Socket#connect and tls.connect. */
class ConnectCounter {
  readonly connects: string[] = [];
  readonly tlsConnects: string[] = [];
  private originalConnect: typeof net.Socket.prototype.connect | undefined;
  private originalTls: typeof tls.connect | undefined;

  install(): void {
    if (this.originalConnect) return;
    const originalConnect = (this.originalConnect = net.Socket.prototype.connect);
    const originalTls = (this.originalTls = tls.connect);
    const counter = this;
    net.Socket.prototype.connect = function countedConnect(this: net.Socket & { [INFRA]?: boolean }, ...args: unknown[]) {
      const target = connectTarget(args);
      if (!this[INFRA] && !target.startsWith('unix:')) counter.connects.push(`${target}:${portOf(args)}`);
      return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof net.Socket.prototype.connect;
    (tls as { connect: unknown }).connect = function countedTlsConnect(this: unknown, ...args: unknown[]) {
      const target = connectTarget(args);
      if (!target.startsWith('unix:')) counter.tlsConnects.push(`${target}:${portOf(args)}`);
      return (originalTls as (...a: unknown[]) => tls.TLSSocket).apply(this, args);
    };
  }

  uninstall(): void {
    if (this.originalConnect) net.Socket.prototype.connect = this.originalConnect;
    if (this.originalTls) (tls as { connect: unknown }).connect = this.originalTls;
    this.originalConnect = undefined;
    this.originalTls = undefined;
  }

  snapshot(): { connects: number; tls: number } {
    return { connects: this.connects.length, tls: this.tlsConnects.length };
  }
}

/** (b) A TCP forwarder that counts the connections it accepts. */
class CountingProxy {
  accepted = 0;
  port = 0;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly targetPort: number) {}

  get address(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      this.accepted++;
      const upstream = new net.Socket() as net.Socket & { [INFRA]?: boolean };
      upstream[INFRA] = true;
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      upstream.connect(this.targetPort, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Cuts every forwarded connection, so that no pooled keep-alive socket outlives a scenario. */
  cut(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    this.cut();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** (b) The TCP connections a fake's own server accepts: a listener on its http.Server. */
function acceptedBy(fake: object): { count: number; cut(): void } {
  const server = (fake as { loopback?: { server?: unknown } }).loopback?.server;
  if (!(server instanceof net.Server)) throw new Error('the fake\'s http.Server is not reachable as loopback.server: update acceptedBy()');
  const sockets = new Set<net.Socket>();
  const counter = {
    count: 0,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
  server.on('connection', (socket: net.Socket) => {
    counter.count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return counter;
}

// ---------------------------------------------------------------------------------------------
// The world: fakes, proxies, vault configurations, connection files, credentials

interface World {
  vault: FakeVault;
  aws: AwsFake;
  azure: AzureFake;
  gcp: GcpFake;
  sa: ServiceAccount;
  proxies: Record<Provider, CountingProxy>;
  folder: ReturnType<typeof makeFolder>;
  home: string;
  /** Valid credentials for every vault, as the providers' own tools read them. */
  env: NodeJS.ProcessEnv;
  connectionFiles: Record<string, string>;
  atProxies(): Counts;
  atFakes(): Counts;
  /** HTTP requests each fake received (a second witness: a pooled connection carries requests without a new connect). */
  requestsAtFakes(): Counts;
  /**
   * Ends every open connection to the proxies and fakes, so that each scenario starts without
   * pooled keep-alive sockets (some SDKs keep a process-wide pool) and must connect anew.
   */
  cutAll(): Promise<void>;
  /**
   * What the editor would answer to `secretRefs/credential`. A server started by the VS Code client
   * (a session key) never reads credentials from its own environment: every vault's comes from here.
   */
  credentialFor(params: CredentialParams): Credential | undefined;
  /** The fakes' stores, to show that nothing was written. */
  stored(): unknown;
  stop(): Promise<void>;
}

const connections = (): Record<string, string> => ({
  'vault.connection.yaml':
    'name: cv\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/app\nvalue:\n  user: vault.secret(user)\n  password: vault.secret(password)\n' +
    `  inline: vault.secret(prod:secret/data/app.user)\n  db_password: ${LITERAL}\n`,
  'approle.connection.yaml': 'name: ca\nvault_secrets:\n  - vault: ops\n    engine: secret\n    path: data/app\nvalue:\n  user: vault.secret(user)\n',
  'envaddr.connection.yaml': 'name: ce\nvalue:\n  user: vault.secret(envprod:secret/data/app.user)\n',
  'aws.connection.yaml': 'name: cw\nvault_secrets:\n  - vault: pay\n    secret: app/db\nvalue:\n  user: vault.secret(user)\n',
  'azure.connection.yaml': 'name: cz\nvault_secrets:\n  - vault: az\n    secret: db\nvalue:\n  user: vault.secret(user)\n',
  'gcp.connection.yaml': 'name: cg\nvault_secrets:\n  - vault: g\n    secret: db\nvalue:\n  user: vault.secret(user)\n',
});

async function startWorld(): Promise<World> {
  const vault = await FakeVault.start();
  vault.mountKv('secret', 2);
  vault.putSecret('secret', 'app', { user: 'app', password: 'pw' });
  const policy = [
    { path: 'secret/*', capabilities: ['create', 'read', 'update', 'list'] as const },
    { path: 'sys/mounts', capabilities: ['read'] as const },
  ].map((p) => ({ ...p, capabilities: [...p.capabilities] }));
  vault.addToken(VAULT_TOKEN, { ttlSeconds: 3600, policies: policy });
  vault.addAppRole('trust', ROLE.id, ROLE.secret, { ttlSeconds: 3600, policies: policy });
  const aws = await AwsFake.start({ region: 'eu-west-1' });
  aws.createSecret('app/db', { user: 'app' });
  const azure = await AzureFake.start();
  azure.addToken(AZ_TOKEN);
  azure.addClient(AZ_CLIENT.id, AZ_CLIENT.secret);
  azure.setSecret('db', JSON.stringify({ user: 'app' }));
  const gcp = await GcpFake.start();
  const sa = gcp.createServiceAccount();
  gcp.createSecret('db');
  gcp.addVersion('db', { user: 'app' });

  const fakes: Record<Provider, { port: number }> = { hashicorp: vault, aws, azure, gcp };
  const accepted = Object.fromEntries(PROVIDERS.map((p) => [p, acceptedBy(fakes[p])])) as Record<Provider, ReturnType<typeof acceptedBy>>;
  const withLog: Record<Provider, { requests: unknown[] }> = { hashicorp: vault, aws, azure, gcp };
  const proxies = Object.fromEntries(PROVIDERS.map((p) => [p, new CountingProxy(fakes[p].port)])) as Record<Provider, CountingProxy>;
  for (const p of PROVIDERS) await proxies[p].start();

  const folder = makeFolder({
    'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${proxies.hashicorp.address}\nauto_renew: true\nengines:\n  secret: { type: kv, version: 2 }\n`,
    'ops.vault.yaml': `name: ops\nprovider: hashicorp\nurl: ${proxies.hashicorp.address}\nauth: approle\nengines:\n  secret: { type: kv, version: 2 }\n`,
    // No url: VAULT_ADDR from the environment.
    'envprod.vault.yaml': 'name: envprod\nprovider: hashicorp\nengines:\n  secret: { type: kv, version: 2 }\n',
    'pay.vault.yaml': `name: pay\nprovider: aws\nregion: eu-west-1\nendpoint: ${proxies.aws.address}\n`,
    'az.vault.yaml': `name: az\nprovider: azure\nvault_url: ${proxies.azure.address}\n`,
    'g.vault.yaml': `name: g\nprovider: gcp\nproject: ${gcp.projectId}\nendpoint: ${proxies.gcp.address}\n`,
    ...connections(),
  });

  const home = mkdtempSync(join(tmpdir(), 'secretrefs-trust-home-'));
  mkdirSync(join(home, '.aws'), { recursive: true });
  mkdirSync(join(home, '.config', 'gcloud'), { recursive: true });
  writeFileSync(join(home, '.vault-token'), VAULT_TOKEN);
  writeFileSync(join(home, '.aws', 'credentials'), '[default]\naws_access_key_id = AKIDTRUSTTEST\naws_secret_access_key = trust-secret-access-key\n');
  writeFileSync(join(home, '.aws', 'config'), `[default]\nregion = eu-west-1\nendpoint_url = ${proxies.aws.address}\n`);
  writeFileSync(join(home, '.config', 'gcloud', 'application_default_credentials.json'), sa.json);
  const saFile = join(home, 'service-account.json');
  writeFileSync(saFile, sa.json);

  const env: NodeJS.ProcessEnv = {
    HOME: home,
    VAULT_TOKEN,
    VAULT_ADDR: proxies.hashicorp.address,
    VAULT_ROLE_ID: ROLE.id,
    VAULT_SECRET_ID: ROLE.secret,
    AWS_ACCESS_KEY_ID: 'AKIDTRUSTTEST',
    AWS_SECRET_ACCESS_KEY: 'trust-secret-access-key',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: proxies.aws.address,
    AZURE_TENANT_ID: azure.tenantId,
    AZURE_CLIENT_ID: AZ_CLIENT.id,
    AZURE_CLIENT_SECRET: AZ_CLIENT.secret,
    AZURE_AUTHORITY_HOST: azure.authorityHost,
    GOOGLE_APPLICATION_CREDENTIALS: saFile,
    GOOGLE_CLOUD_PROJECT: gcp.projectId,
  };

  return {
    vault,
    aws,
    azure,
    gcp,
    sa,
    proxies,
    folder,
    home,
    env,
    connectionFiles: connections(),
    atProxies: () => Object.fromEntries(PROVIDERS.map((p) => [p, proxies[p].accepted])) as Counts,
    atFakes: () => Object.fromEntries(PROVIDERS.map((p) => [p, accepted[p].count])) as Counts,
    requestsAtFakes: () => Object.fromEntries(PROVIDERS.map((p) => [p, withLog[p].requests.length])) as Counts,
    async cutAll() {
      for (const p of PROVIDERS) {
        proxies[p].cut();
        accepted[p].cut();
      }
      await sleep(50);
    },
    credentialFor(params) {
      if (params.provider === 'hashicorp') return params.vault === 'ops' ? { kind: 'approle', roleId: ROLE.id, secretId: ROLE.secret } : { kind: 'token', token: VAULT_TOKEN };
      if (params.provider === 'aws') return { kind: 'aws-keys', accessKeyId: 'AKIDTRUSTTEST', secretAccessKey: 'trust-secret-access-key' };
      if (params.provider === 'azure') return { kind: 'azure-token', token: AZ_TOKEN };
      if (params.provider === 'gcp') return { kind: 'gcp-service-account', json: sa.json };
      return undefined;
    },
    stored: () => ({
      vault: [1, 2, 3].map((version) => vault.readSecret('secret', 'app', { version })),
      aws: aws.versionsOf('app/db').length,
      azure: azure.versions('db').length,
      gcp: gcp.versionStates('db').length,
    }),
    async stop() {
      for (const p of PROVIDERS) await proxies[p].stop();
      await Promise.all([vault.stop(), aws.stop(), azure.stop(), gcp.stop()]);
      folder.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

const sum = (c: Counts): number => PROVIDERS.reduce((n, p) => n + c[p], 0);
const minus = (a: Counts, b: Counts): Counts => Object.fromEntries(PROVIDERS.map((p) => [p, a[p] - b[p]])) as Counts;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The scenario: everything a user can do, through any LSP connection

interface Lsp {
  request<T>(method: string, params?: unknown): Promise<T>;
  notify(method: string, params?: unknown): void;
  diagnostics(uri: string): Diagnostic[] | undefined;
  sessionKey: string;
}

interface ScenarioResults {
  vaults: VaultSummary[];
  browse: BrowseResult[];
  describe: DescribeWriteResult[];
  write: WriteSecretResult[];
  preview: PreviewSecretResult[];
  troubleshoot: TroubleshootResult[];
  move: MoveToVaultResult | undefined;
  codeLens: string;
  diagnosticCodes: string[];
}

async function waitUntil(what: string, probe: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Positions inside every `vault.secret(...)` of a text, and after every `path: ` / `secret: `. */
function positions(text: string): { line: number; character: number }[] {
  const out: { line: number; character: number }[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/vault\.secret\(/g)) out.push({ line: i, character: m.index! + 'vault.secret('.length + 1 });
    const attach = /^\s+(path|secret|vault|engine): /.exec(line);
    if (attach) out.push({ line: i, character: attach[0].length + 1 });
  });
  return out;
}

async function runScenario(lsp: Lsp, world: World, tag: string): Promise<ScenarioResults> {
  const { folder } = world;
  const files = Object.entries(world.connectionFiles);
  const uris = files.map(([name]) => folder.file(name));
  files.forEach(([name, text]) => lsp.notify('textDocument/didOpen', { textDocument: { uri: folder.file(name), languageId: 'yaml', version: 1, text } }));
  await waitUntil('diagnostics of every opened file', () => uris.every((u) => lsp.diagnostics(u) !== undefined));
  // The hard-coded credential is reported once the secret scan is done (Move to vault starts there).
  const literalUri = folder.file('vault.connection.yaml');
  await waitUntil('the hard-coded credential', () => (lsp.diagnostics(literalUri) ?? []).some((d) => d.code === 'hardcoded-credential'));
  // Room for live lookups (which an untrusted server must not start) before asking features.
  await sleep(150);

  let codeLens = '';
  for (const [name, text] of files) {
    const uri = folder.file(name);
    const textDocument = { uri };
    for (const position of positions(text)) {
      await lsp.request('textDocument/completion', { textDocument, position });
      await lsp.request('textDocument/hover', { textDocument, position });
      await lsp.request('textDocument/definition', { textDocument, position });
    }
    const diagnostics = lsp.diagnostics(uri) ?? [];
    const whole = { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } };
    await lsp.request('textDocument/codeAction', { textDocument, range: whole, context: { diagnostics } });
    for (const d of diagnostics) await lsp.request('textDocument/codeAction', { textDocument, range: d.range, context: { diagnostics: [d] } });
    // The server offers no code lens (the client draws them); asking must still contact nothing.
    codeLens = await lsp.request('textDocument/codeLens', { textDocument }).then(
      (r) => JSON.stringify(r),
      (e: Error) => e.message,
    );
  }

  const results: ScenarioResults = { vaults: [], browse: [], describe: [], write: [], preview: [], troubleshoot: [], move: undefined, codeLens, diagnosticCodes: [] };
  results.vaults = (await lsp.request<ListVaultsResult>('secretRefs/listVaults')).vaults;
  for (const v of results.vaults) {
    const engine = v.provider === 'hashicorp' ? 'secret' : undefined;
    const path = v.provider === 'hashicorp' ? 'app' : v.provider === 'aws' ? 'app/db' : 'db';
    results.browse.push(await lsp.request<BrowseResult>('secretRefs/browse', { vaultUri: v.uri }));
    if (engine) results.browse.push(await lsp.request<BrowseResult>('secretRefs/browse', { vaultUri: v.uri, engine, folder: '' }));
    const description = await lsp.request<DescribeWriteResult>('secretRefs/describeWrite', { vaultUri: v.uri, ...(engine ? { engine } : {}), path });
    results.describe.push(description);
    const sealedData = seal(lsp.sessionKey, JSON.stringify({ user: `${tag}-written` }), writeBinding(v.uri, engine, path));
    results.write.push(
      await lsp.request<WriteSecretResult>('secretRefs/writeSecret', { vaultUri: v.uri, ...(engine ? { engine } : {}), path, sealedData, cas: description.currentVersion }),
    );
    results.troubleshoot.push(await lsp.request<TroubleshootResult>('secretRefs/troubleshoot', { vaultUri: v.uri }));
  }
  for (const [name, text] of files) {
    for (const position of positions(text).filter((p) => text.split('\n')[p.line]!.includes('vault.secret('))) {
      results.preview.push(await lsp.request<PreviewSecretResult>('secretRefs/previewSecret', { textDocument: { uri: folder.file(name) }, position }));
    }
  }
  const hardcoded = (lsp.diagnostics(literalUri) ?? []).find((d) => d.code === 'hardcoded-credential');
  if (hardcoded) {
    const actions = await lsp.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: literalUri }, range: hardcoded.range, context: { diagnostics: [hardcoded] } });
    assert.ok(actions.some((a) => a.command?.command === 'secretRefs.moveToVault'), 'the Move to vault quick fix is offered');
    results.move = await lsp.request<MoveToVaultResult>('secretRefs/moveToVault', {
      textDocument: { uri: literalUri, version: 1 },
      range: hardcoded.range,
      vaultUri: folder.file('prod.vault.yaml'),
      engine: 'secret',
      path: `moved-${tag}`,
      key: 'db_password',
    });
  }
  await lsp.request('secretRefs/resetCache');

  // File events: a vault configuration changed on disk, a connection created and deleted.
  const created = join(folder.path, `new-${tag}.connection.yaml`);
  writeFileSync(created, 'name: cn\nvalue:\n  u: vault.secret(prod:secret/data/app.user)\n  w: vault.secret(pay:app/db.user)\n');
  lsp.notify('workspace/didChangeWatchedFiles', {
    changes: [
      { uri: folder.file('prod.vault.yaml'), type: 2 },
      { uri: folder.file('pay.vault.yaml'), type: 2 },
      { uri: pathToFileURL(created).toString(), type: 1 },
    ],
  });
  lsp.notify('textDocument/didChange', {
    textDocument: { uri: folder.file('aws.connection.yaml'), version: 2 },
    contentChanges: [{ text: 'name: cw\nvault_secrets:\n  - vault: pay\n    secret: app/other\nvalue:\n  user: vault.secret(user)\n' }],
  });
  await sleep(200);
  rmSync(created);
  lsp.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(created).toString(), type: 3 }] });
  for (const uri of uris) lsp.notify('textDocument/didClose', { textDocument: { uri } });
  results.vaults = (await lsp.request<ListVaultsResult>('secretRefs/listVaults')).vaults;
  // Whatever was started in the background (indexing, revalidation, token renewal) gets its chance.
  await sleep(500);
  results.diagnosticCodes = uris.flatMap((u) => (lsp.diagnostics(u) ?? []).map((d) => String(d.code)));
  return results;
}

/** What an untrusted server answers: refusals that say why, and no live access anywhere. */
function assertRefusals(results: ScenarioResults): void {
  assert.equal(results.vaults.length, 6);
  assert.deepEqual(new Set(results.vaults.map((v) => v.access)), new Set(['untrusted']));
  for (const b of results.browse) assert.match(b.error ?? '', /no live access.*untrusted/, JSON.stringify(b));
  for (const d of results.describe) assert.match(d.error ?? '', /no live access/, JSON.stringify(d));
  for (const w of results.write) assert.equal(!w.ok && w.reason, 'no-credentials', JSON.stringify(w));
  for (const t of results.troubleshoot) {
    const step = t.steps.find((s) => s.name === 'Credentials');
    assert.equal(step?.status, 'error', JSON.stringify(t));
    assert.match(step!.detail, /not trusted: no secret manager is contacted/);
  }
  assert.ok(results.preview.length >= 6);
  for (const p of results.preview) assert.equal(p.ok, false, JSON.stringify(p));
  assert.ok(results.move, 'the hard-coded credential was offered to be moved');
  assert.equal(results.move.ok, false);
  assert.match(!results.move.ok ? results.move.message : '', /no live access/);
  for (const code of ['vault-unreachable', 'permission-denied', 'secret-not-found', 'unknown-key']) assert.ok(!results.diagnosticCodes.includes(code), `${code} needs a secret manager`);
}

// ---------------------------------------------------------------------------------------------

describe('an untrusted workspace opens no network connection', { timeout: 90_000 }, () => {
  let world: World;
  const counter = new ConnectCounter();
  const guard = new NetworkGuard();
  const savedEnv = { ...process.env };
  const figures: Record<string, unknown> = {};

  before(async () => {
    // A developer's own credentials and proxies never reach the SDKs in this process.
    clearEnv(/^(AWS_|AZURE_|GOOGLE_|GCLOUD|CLOUDSDK_|VAULT_|SECRETREFS_|HTTPS?_PROXY$|NO_PROXY$)/i);
    world = await startWorld();
    // The same valid credentials in this process's environment, where the SDKs' default chains look.
    Object.assign(process.env, world.env);
    guard.install();
    counter.install();
  });

  after(async () => {
    counter.uninstall();
    guard.uninstall();
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    await world?.stop();
    process.stdout.write(`# trust figures: ${JSON.stringify(figures)}\n`);
  });

  /** The server in this process over the LSP harness, with the scenario's credentials everywhere. */
  async function inProcess(trusted: boolean, tag: string) {
    const sessionKey = newSessionKey();
    const credentialRequests: CredentialParams[] = [];
    await world.cutAll();
    const before = { process: counter.snapshot(), proxies: world.atProxies(), fakes: world.atFakes(), requests: world.requestsAtFakes(), blocked: guard.violations.length };
    const h = await startHarness({
      folders: [world.folder.uri],
      env: { ...world.env, SECRETREFS_SESSION_KEY: sessionKey },
      liveBudgetMs: 500,
      initializationOptions: { trusted, settings: { ...defaultSettings, live: { ...defaultSettings.live, timeoutSeconds: 2 } } },
      providerTesting: { azure: { allowInsecureConnection: true, disableChallengeResourceVerification: true }, gcp: { protocol: 'http' } },
      onCredential: (params) => {
        const p = params as CredentialParams;
        credentialRequests.push(p);
        const credential = world.credentialFor(p);
        return credential ? { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(p.vault, p.provider, p.address)) } : null;
      },
    });
    let results: ScenarioResults;
    try {
      results = await runScenario(
        {
          request: <T>(method: string, params?: unknown) => h.client.sendRequest(method, params) as Promise<T>,
          notify: (method, params) => void h.client.sendNotification(method, params),
          diagnostics: (uri) => h.diagnostics.get(uri),
          sessionKey,
        },
        world,
        tag,
      );
    } finally {
      await h.dispose();
    }
    const process_ = counter.snapshot();
    return {
      results,
      h,
      credentialRequests,
      connects: process_.connects - before.process.connects,
      tlsConnects: process_.tls - before.process.tls,
      proxies: minus(world.atProxies(), before.proxies),
      fakes: minus(world.atFakes(), before.fakes),
      requests: minus(world.requestsAtFakes(), before.requests),
      blocked: guard.violations.slice(before.blocked),
    };
  }

  it('in process, untrusted: zero connects in this process, zero at the proxies and the fakes, no credential asked', async () => {
    const stored = world.stored();
    const run = await inProcess(false, 'untrusted');
    figures.inProcessUntrusted = { connects: run.connects, tls: run.tlsConnects, proxies: sum(run.proxies), fakes: sum(run.fakes), requests: sum(run.requests) };
    assert.equal(run.connects, 0, `net.Socket#connect calls: ${counter.connects.join(', ')}`);
    assert.equal(run.tlsConnects, 0, `tls.connect calls: ${counter.tlsConnects.join(', ')}`);
    assert.deepEqual(run.proxies, { hashicorp: 0, aws: 0, azure: 0, gcp: 0 });
    assert.deepEqual(run.fakes, { hashicorp: 0, aws: 0, azure: 0, gcp: 0 });
    assert.deepEqual(run.requests, { hashicorp: 0, aws: 0, azure: 0, gcp: 0 });
    assert.deepEqual(run.blocked, []);
    assert.deepEqual(run.credentialRequests, [], 'no credential is asked of the editor');
    assert.deepEqual(world.stored(), stored, 'nothing was written');
    assert.equal(run.h.appliedEdits.length, 0, 'Move to vault changed nothing');
    assertRefusals(run.results);
    assert.match(run.results.codeLens, /Unhandled method textDocument\/codeLens/);
  });

  it('in process, trusted (positive control): the same scenario connects to every fake, seen by all three counters', async () => {
    const run = await inProcess(true, 'trusted');
    figures.inProcessTrusted = { connects: run.connects, tls: run.tlsConnects, proxies: run.proxies, fakes: run.fakes, requests: sum(run.requests) };
    assert.ok(run.connects > 0, 'net.Socket#connect was counted');
    for (const p of PROVIDERS) {
      assert.ok(run.proxies[p] > 0, `${p}: connections accepted by its proxy (${JSON.stringify(run.proxies)})`);
      assert.ok(run.fakes[p] > 0, `${p}: connections accepted by the fake (${JSON.stringify(run.fakes)})`);
    }
    // Every product connection is to a proxy (or to a fake directly: token endpoints); each is counted at both ends.
    assert.ok(run.connects >= sum(run.proxies), `${run.connects} connects, ${sum(run.proxies)} accepted by the proxies`);
    assert.deepEqual(run.blocked, []);
    assert.ok(run.credentialRequests.length > 0, 'credentials were asked of the editor');
    assert.ok(run.results.vaults.some((v) => v.access === 'live'), JSON.stringify(run.results.vaults.map((v) => [v.name, v.access])));
    assert.ok(run.results.write.some((w) => w.ok), JSON.stringify(run.results.write));
  });

  /** The built server as a child process over stdio, with the credentials in its environment. */
  async function overStdio(trusted: boolean, tag: string) {
    assert.ok(existsSync(serverJs), `${serverJs} is missing: run "npm run build" first (npm test does)`);
    const sessionKey = newSessionKey();
    const credentialRequests: CredentialParams[] = [];
    const diagnostics = new Map<string, Diagnostic[]>();
    await world.cutAll();
    const before = { proxies: world.atProxies(), fakes: world.atFakes(), requests: world.requestsAtFakes() };
    const child: ChildProcess = spawn(process.execPath, [serverJs, '--stdio'], {
      cwd: world.folder.path,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...world.env, SECRETREFS_SESSION_KEY: sessionKey },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const connection: MessageConnection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    let indexed = false;
    connection.onNotification((method, params) => {
      if (method === 'textDocument/publishDiagnostics') {
        const p = params as { uri: string; diagnostics: Diagnostic[] };
        diagnostics.set(p.uri, p.diagnostics);
      } else if (method === 'secretRefs/status' && (params as { indexing?: boolean }).indexing === false) indexed = true;
    });
    connection.onRequest((method, params) => {
      if (method === credentialRequest) {
        const p = params as CredentialParams;
        credentialRequests.push(p);
        const credential = world.credentialFor(p);
        return credential ? { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(p.vault, p.provider, p.address)) } : null;
      }
      if (method === 'workspace/applyEdit') return { applied: true };
      return null;
    });
    connection.listen();
    let results: ScenarioResults;
    try {
      await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: world.folder.uri,
        workspaceFolders: [{ uri: world.folder.uri, name: 'ws' }],
        capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } } },
        initializationOptions: { trusted, settings: { ...defaultSettings, live: { ...defaultSettings.live, timeoutSeconds: 2 } } },
      });
      await connection.sendNotification('initialized', {});
      await waitUntil('the workspace to be indexed', () => indexed, 15_000);
      results = await runScenario(
        {
          request: <T>(method: string, params?: unknown) => connection.sendRequest(method, params) as Promise<T>,
          notify: (method, params) => void connection.sendNotification(method, params),
          diagnostics: (uri) => diagnostics.get(uri),
          sessionKey,
        },
        world,
        tag,
      );
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      await Promise.race([exited, sleep(5000)]);
    } catch (error) {
      throw new Error(`${(error as Error).message}; server stderr:\n${stderr}`);
    } finally {
      connection.dispose();
      if (child.exitCode === null && child.signalCode === null) child.kill();
    }
    return {
      results,
      credentialRequests,
      proxies: minus(world.atProxies(), before.proxies),
      fakes: minus(world.atFakes(), before.fakes),
      requests: minus(world.requestsAtFakes(), before.requests),
      stderr,
    };
  }

  it('dist/server.js --stdio, untrusted: zero connections at the proxies and the fakes, no credential asked', async () => {
    const stored = world.stored();
    const run = await overStdio(false, 'stdio-untrusted');
    figures.stdioUntrusted = { proxies: sum(run.proxies), fakes: sum(run.fakes), requests: sum(run.requests) };
    assert.deepEqual(run.proxies, { hashicorp: 0, aws: 0, azure: 0, gcp: 0 });
    assert.deepEqual(run.fakes, { hashicorp: 0, aws: 0, azure: 0, gcp: 0 });
    assert.deepEqual(run.requests, { hashicorp: 0, aws: 0, azure: 0, gcp: 0 });
    assert.deepEqual(run.credentialRequests, []);
    assert.deepEqual(world.stored(), stored, 'nothing was written');
    assertRefusals(run.results);
  });

  it('dist/server.js --stdio, trusted (positive control): the same scenario connects', async () => {
    const run = await overStdio(true, 'stdio-trusted');
    figures.stdioTrusted = { proxies: run.proxies, fakes: run.fakes };
    // Without the in-process test options the Azure SDK refuses plain http and GCP speaks its
    // default transport, so only HashiCorp and AWS are required to get through here.
    assert.ok(run.proxies.hashicorp > 0 && run.fakes.hashicorp > 0, JSON.stringify(run));
    assert.ok(run.proxies.aws > 0 && run.fakes.aws > 0, JSON.stringify(run));
    assert.ok(run.credentialRequests.length > 0);
  });

  /**
   * The VS Code client (startExtension over the fakes of test/client) in front of the real server:
   * the FakeClient forwards the client's requests to the server, and the server's credential
   * requests to the extension's own handler. Every vault has a stored credential whose address is
   * approved, so only trust stands between the commands and the secret managers.
   */
  async function withClient(trusted: boolean) {
    await world.cutAll();
    const before = { process: counter.snapshot(), proxies: world.atProxies(), fakes: world.atFakes(), requests: world.requestsAtFakes() };
    let server: Harness | undefined;
    let serverStarted: (h: Harness) => void = () => undefined;
    const serverReady = new Promise<Harness>((resolve) => (serverStarted = resolve));
    const credentialAnswers: unknown[] = [];
    const forwarded = ['secretRefs/listVaults', 'secretRefs/browse', 'secretRefs/describeWrite', 'secretRefs/writeSecret', 'secretRefs/previewSecret', 'secretRefs/troubleshoot', 'secretRefs/resetCache', 'secretRefs/moveToVault'];
    const h = clientHarness((h) => {
      h.workspace.isTrusted = trusted;
      h.workspace.workspaceFolders = [{ name: 'ws', index: 0, uri: fakeUris.file(world.folder.path) }];
      h.workspace.values.set('secretRefs.preview.codeLens', true);
      h.deps.processEnv = { ...serverEnv, ...world.env };
      for (const method of forwarded) h.responders.set(method, async (params) => (await serverReady).client.sendRequest(method, params));
    });
    // Sign-ins made earlier, in a trusted session: a credential for every vault, its origin approved.
    // (The extension host's environment holds credentials too; the stored ones come first.)
    const origin = (p: Provider) => originOf(world.proxies[p].address)!;
    const signedIn: [string, Provider][] = [['prod', 'hashicorp'], ['ops', 'hashicorp'], ['envprod', 'hashicorp'], ['pay', 'aws'], ['az', 'azure'], ['g', 'gcp']];
    const approved: string[] = [];
    const stored: string[] = [];
    for (const [name, provider] of signedIn) {
      const identity = { name, provider, address: origin(provider) };
      h.secrets.data.set(credentialKey(identity), JSON.stringify(world.credentialFor({ vault: name, provider, address: identity.address })));
      stored.push(credentialKey(identity));
      approved.push(approvalKey(identity, 'stored'));
    }
    h.workspaceState.data.set(storageKeys.approvedAddresses, approved);
    h.globalState.data.set(storageKeys.credentialIndex, stored);
    const ext = startExtension(h.deps);
    try {
      await ext.ready;
      const client = h.lastClient;
      const serverProcessEnv = (client.serverOptions as { run: { options: { env: NodeJS.ProcessEnv } } }).run.options.env;
      server = await startHarness({
        folders: [world.folder.uri],
        env: serverProcessEnv,
        initializationOptions: client.initializationOptions(),
        providerTesting: { azure: { allowInsecureConnection: true, disableChallengeResourceVerification: true }, gcp: { protocol: 'http' } },
        onCredential: async (params) => {
          const answer = await client.request(credentialRequest, params);
          credentialAnswers.push(answer);
          return answer;
        },
      });
      serverStarted(server);

      // VS Code syncs the open documents to the server; the client knows them too (code lenses).
      const [name, text] = ['vault.connection.yaml', world.connectionFiles['vault.connection.yaml']!];
      const uri = world.folder.file(name);
      h.workspace.openFile(uri, text);
      server.open(uri, text);
      const [hardcoded] = await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'hardcoded-credential'));
      const literal = (server.diagnostics.get(uri) ?? []).find((d) => d.code === 'hardcoded-credential') ?? hardcoded!;

      const run = async (command: string, ...args: unknown[]) => {
        await h.commands.run(command, ...args);
        await settle(20);
      };
      await run('secretRefs.signIn');
      await run('secretRefs.writeSecret');
      const document = new FakeDocument(fakeUris.parse(uri), () => text);
      const lenses = h.languages.codeLensProviders.at(-1)!.provider.provideCodeLenses(document as never, undefined as never) as { command?: { command: string; arguments?: unknown[] } }[];
      assert.ok(lenses.length >= 3, 'a Preview value lens per reference');
      // Refusals show a warning with a "Manage Workspace Trust" button: nothing is scripted for them.
      if (trusted) h.window.answer('Show Value');
      await run(lenses[0]!.command!.command, ...(lenses[0]!.command!.arguments ?? []));
      await run('secretRefs.moveToVault', { uri, version: 1, range: literal.range, key: 'db_password' });
      h.window.answers.length = 0;
      h.window.answer('prod');
      await run('secretRefs.troubleshoot');
      await run('secretRefs.resetCache');
      await sleep(300);
      const process_ = counter.snapshot();
      return {
        h,
        credentialAnswers,
        connects: process_.connects - before.process.connects,
        proxies: minus(world.atProxies(), before.proxies),
        fakes: minus(world.atFakes(), before.fakes),
        requests: minus(world.requestsAtFakes(), before.requests),
      };
    } finally {
      await ext.stop();
      await server?.dispose();
    }
  }

  it('VS Code client, untrusted: the commands refuse and say why, no credential leaves SecretStorage, zero connections', async () => {
    const run = await withClient(false);
    figures.clientUntrusted = { connects: run.connects, proxies: sum(run.proxies), fakes: sum(run.fakes), requests: sum(run.requests) };
    const warnings = run.h.window.texts('warning');
    for (const what of ['Signing in', 'Writing a secret', 'Previewing a secret value', 'Moving a credential to a vault']) {
      assert.ok(warnings.some((w) => w.startsWith(`${what} needs a trusted workspace`)), `${what}: ${JSON.stringify(warnings)}`);
    }
    assert.match(run.h.output.text(), /The workspace is not trusted: no secret manager is contacted/, 'troubleshooting says why');
    assert.deepEqual(run.credentialAnswers, [], 'the server asked for no credential');
    assert.deepEqual(run.h.secrets.log.filter((l) => l.startsWith('get ')), [], 'SecretStorage was not read');
    assert.equal(run.connects, 0, counter.connects.join(', '));
    assert.deepEqual(run.proxies, { hashicorp: 0, aws: 0, azure: 0, gcp: 0 });
    assert.deepEqual(run.fakes, { hashicorp: 0, aws: 0, azure: 0, gcp: 0 });
    assert.deepEqual(run.requests, { hashicorp: 0, aws: 0, azure: 0, gcp: 0 });
  });

  it('VS Code client, trusted (positive control): troubleshooting sends the stored credential and connects', async () => {
    const run = await withClient(true);
    figures.clientTrusted = { connects: run.connects, proxies: run.proxies, fakes: run.fakes };
    assert.ok(run.credentialAnswers.some((a) => a !== null), 'a sealed credential was sent');
    assert.ok(run.connects > 0);
    assert.ok(run.proxies.hashicorp > 0 && run.fakes.hashicorp > 0, JSON.stringify(run.proxies));
    assert.match(run.h.output.text(), /Reachable, TLS and authenticated/);
  });
});
