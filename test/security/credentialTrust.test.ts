/**
 * Credentials go only where their owner approved or trusts.
 *
 * The attacker is a loopback server (attacker.ts) that a hostile repository's vault configurations
 * point at. Canary credentials sit in the environment of every process: a Vault token, AppRole
 * IDs, an AWS key pair, an Azure service principal, Google Application Default Credentials. Each
 * attack ends with `credentialsReceived() === 0`; each has a positive control where the address is
 * approved or trusted, so the attacker is shown to count what it receives.
 *
 * - the language server in another editor (credentials from its environment): in process and over
 *   stdio; trusted only through VAULT_ADDR, SECRETREFS_TRUSTED_ADDRESSES and the trustedAddresses
 *   initialization option, never through workspace/configuration;
 * - the language server started by the VS Code client (a session key): never its own environment;
 *   a child process (the AWS SDK's credential_process) sees neither the session key nor VAULT_TOKEN;
 * - the CLI: `check --live` with and without --trust-address;
 * - the VS Code client in front of the real server: refused approval, never signed in, changed
 *   URL, user-info URL, http, TLS settings changed after approval, environment source approved
 *   then refused.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { credentialRequest, type CredentialParams, type ListVaultsResult, type VaultSummary } from '../../shared/src/customMessages';
import { newSessionKey } from '../../shared/src/sealing';
import { startExtension, type SecretRefsExtension } from '../../client/src/startExtension';
import { AzureFake } from '../fakes/azureFake';
import { challengeHeader } from '../fakes/azure/replies';
import { GcpFake } from '../fakes/gcpFake';
import { generateSelfSignedCert } from '../fakes/vault/selfSignedCert';
import { fakeUris, harness as clientHarness, serverEnv, type Harness as ClientHarness } from '../client/fakes';
import { editorCredentials, sealFor } from '../helpers/editorCredentials';
import { makeFolder, startHarness, type Harness } from '../helpers/lspHarness';
import { NetworkGuard } from '../helpers/networkGuard';
import { Attacker, type AttackerReply, type AttackerRequest } from './attacker';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const serverJs = join(repoRoot, 'dist', 'server.js');
const cliJs = join(repoRoot, 'dist', 'cli.js');

const CANARY = {
  token: 'hvs.CANARY-trust-env-token-4471',
  fileToken: 'hvs.CANARY-trust-file-token-0932',
  stored: 'hvs.CANARY-trust-stored-token-7730',
  roleId: 'CANARY-trust-role-id-2207',
  secretId: 'CANARY-trust-secret-id-5519',
  awsKeyId: 'AKIACANARYTRUST00001',
  awsSecret: 'CANARY-trust-aws-secret-8812',
  azureClient: 'canary-trust-client',
  azureSecret: 'CANARY-trust-azure-secret-3307',
  processKeyId: 'AKIACANARYPROCESS001',
  processSecret: 'CANARY-trust-process-secret-6120',
};
const canaries = Object.values(CANARY);

const settings = { live: { enabled: true, timeoutSeconds: 3, expiryWarningDays: 14 } };
/** Loopback fakes over plain http (the attacker) and a TLS authority (Entra refuses http): test-only provider options. */
let testing: Record<string, Record<string, unknown>> = {};

/** One vault configuration per provider and way of authenticating, all at `address`. */
function vaultFiles(address: string, gcpProject: string): Record<string, string> {
  return {
    'token.vault.yaml': `name: token\nprovider: hashicorp\nurl: ${address}\nengines:\n  secret: { type: kv, version: 2 }\n`,
    'role.vault.yaml': `name: role\nprovider: hashicorp\nurl: ${address}\nauth: approle\nengines:\n  secret: { type: kv, version: 2 }\n`,
    'pay.vault.yaml': `name: pay\nprovider: aws\nregion: eu-west-1\nendpoint: ${address}\n`,
    'az.vault.yaml': `name: az\nprovider: azure\nvault_url: ${address}\n`,
    'g.vault.yaml': `name: g\nprovider: gcp\nproject: ${gcpProject}\nendpoint: ${address}\n`,
  };
}

const connectionText =
  'name: app\nvault_secrets:\n' +
  '  - { vault: token, alias: t, engine: secret, path: data/app }\n' +
  '  - { vault: role, alias: r, engine: secret, path: data/app }\n' +
  '  - { vault: pay, alias: p, secret: app }\n' +
  '  - { vault: az, alias: a, secret: app }\n' +
  '  - { vault: g, alias: g, secret: app }\n' +
  'value:\n  t: vault.secret(t.k)\n  r: vault.secret(r.k)\n  p: vault.secret(p.k)\n  a: vault.secret(a.k)\n  g: vault.secret(g.k)\n';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000, seen?: () => unknown): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${seen ? `; seen: ${JSON.stringify(seen())}` : ''}`);
    await sleep(25);
  }
}

/** Which provider a request to the attacker was meant for. */
function providerOf(r: AttackerRequest): 'hashicorp' | 'aws' | 'azure' | 'gcp' {
  if (r.url.startsWith('/v1/projects/')) return 'gcp';
  if (r.url.startsWith('/v1/')) return 'hashicorp';
  if (r.url.startsWith('/secrets')) return 'azure';
  return 'aws';
}

describe('credentials go only where their owner approved or trusts', () => {
  const guard = new NetworkGuard();
  let attacker: Attacker;
  let azure: AzureFake;
  let gcp: GcpFake;
  let home: string;
  let adcFile: string;
  /** Every canary credential, as each provider's own tools read them. */
  let canaryEnv: NodeJS.ProcessEnv;
  const savedEnv = { ...process.env };

  before(async () => {
    guard.install();
    // Entra ID (MSAL) accepts only an https authority: the user's own authority is a TLS fake.
    const pair = generateSelfSignedCert();
    assert.ok(pair, 'openssl is needed for the TLS fakes');
    testing = { azure: { allowInsecureConnection: true, disableChallengeResourceVerification: true, caCertificate: pair.cert }, gcp: { protocol: 'http' } };
    azure = await AzureFake.start({ tls: pair });
    azure.addClient(CANARY.azureClient, CANARY.azureSecret);
    gcp = await GcpFake.start();
    const sa = gcp.createServiceAccount();
    attacker = await startAttacker();
    home = mkdtempSync(join(tmpdir(), 'secretrefs-trust-home-'));
    writeFileSync(join(home, '.vault-token'), CANARY.fileToken);
    adcFile = join(home, 'adc.json');
    writeFileSync(adcFile, sa.json);
    canaryEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      VAULT_TOKEN: CANARY.token,
      VAULT_ROLE_ID: CANARY.roleId,
      VAULT_SECRET_ID: CANARY.secretId,
      AWS_ACCESS_KEY_ID: CANARY.awsKeyId,
      AWS_SECRET_ACCESS_KEY: CANARY.awsSecret,
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(home, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
      AZURE_TENANT_ID: azure.tenantId,
      AZURE_CLIENT_ID: CANARY.azureClient,
      AZURE_CLIENT_SECRET: CANARY.azureSecret,
      AZURE_AUTHORITY_HOST: azure.authorityHost,
      GOOGLE_APPLICATION_CREDENTIALS: adcFile,
      GOOGLE_CLOUD_PROJECT: gcp.projectId,
    };
  });

  after(async () => {
    guard.uninstall();
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    await attacker.stop();
    await azure.stop();
    await gcp.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /**
   * The attacker. Each scenario gets a new one (another port), so late requests of an earlier
   * scenario's providers never count in the next.
   */
  async function startAttacker(): Promise<Attacker> {
    const started = await Attacker.start({ canaries });
    // An Azure client asks without a token first; the attacker answers as Key Vault does, so the
    // SDK fetches a token (from the user's own authority) and sends it.
    started.respond((r): AttackerReply =>
      providerOf(r) === 'azure' && r.headers.authorization === undefined
        ? { status: 401, headers: { 'www-authenticate': challengeHeader(`https://login.windows.net/${azure.tenantId}`, 'https://vault.azure.net'), 'content-type': 'application/json' }, body: '{"error":{"code":"Unauthorized"}}' }
        : { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' },
    );
    return started;
  }

  /** Plants the canaries in this process's environment too: the cloud SDKs read process.env. */
  function plant(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    for (const key of Object.keys(process.env)) if (/^(VAULT_|AWS_|AZURE_|GOOGLE_|SECRETREFS_)/.test(key)) delete process.env[key];
    Object.assign(process.env, canaryEnv, extra);
    return process.env;
  }

  function received(): { total: number; byProvider: Record<string, number>; canaries: string[] } {
    const byProvider: Record<string, number> = {};
    for (const r of attacker.credentialRequests()) byProvider[providerOf(r)] = (byProvider[providerOf(r)] ?? 0) + 1;
    return { total: attacker.credentialsReceived(), byProvider, canaries: attacker.canariesReceived() };
  }

  // A new attacker for every scenario (see startAttacker).
  beforeEach(async () => {
    await attacker.stop();
    attacker = await startAttacker();
  });

  // -------------------------------------------------------------------------------------------
  describe('the language server in another editor: credentials from its environment', () => {
    async function otherEditor(options: { extraEnv?: NodeJS.ProcessEnv; initializationOptions?: Record<string, unknown>; configuration?: unknown }) {
      const folder = makeFolder({ ...vaultFiles(attacker.url, gcp.projectId), 'app.connection.yaml': connectionText });
      const env = plant(options.extraEnv);
      const h = await startHarness({
        folders: [folder.uri],
        env,
        liveBudgetMs: 1000,
        initializationOptions: { settings, ...options.initializationOptions },
        ...(options.configuration !== undefined
          ? { capabilities: { workspace: { configuration: true } }, configuration: options.configuration }
          : {}),
        providerTesting: testing,
      });
      return { h, folder };
    }

    it('sends no credential to an address a vault configuration names: nothing is contacted, untrusted-address names it and how to trust it', async () => {
      const { h, folder } = await otherEditor({});
      try {
        const uri = folder.file('app.connection.yaml');
        h.open(uri, connectionText);
        const vaultUri = folder.file('token.vault.yaml');
        h.open(vaultUri, readFileSync(fileURLToPath(vaultUri), 'utf8'));
        const inConnection = await h.waitForDiagnostics(uri, (d) => d.filter((x) => x.code === 'untrusted-address').length === 5, 15_000);
        const [onVault] = await h.waitForDiagnostics(vaultUri, (d) => d.some((x) => x.code === 'untrusted-address'));
        const warning = inConnection.find((d) => d.code === 'untrusted-address')!;
        assert.equal(warning.severity, 2, 'a warning');
        assert.match(warning.message, new RegExp(`${attacker.url.replace(/[.]/g, '\\.')} is not a trusted address`));
        assert.match(warning.message, new RegExp(`--trust-address ${attacker.url.replace(/[.]/g, '\\.')}`));
        assert.match(warning.message, /SECRETREFS_TRUSTED_ADDRESSES/);
        assert.equal(onVault!.range.start.line, 2, 'on the url the vault configuration names');
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
        assert.equal(attacker.requests.length, 0, 'not contacted at all');
        const vaults = ((await h.client.sendRequest('secretRefs/listVaults')) as ListVaultsResult).vaults;
        assert.deepEqual(vaults.map((v) => v.access), Array(5).fill('untrusted-address'));
      } finally {
        await h.dispose();
        folder.dispose();
      }
    });

    it('ignores trusted addresses that arrive through workspace/configuration (a repository\'s settings)', async () => {
      const { h, folder } = await otherEditor({ configuration: { ...settings, trustedAddresses: [attacker.url] } });
      try {
        const uri = folder.file('app.connection.yaml');
        h.open(uri, connectionText);
        await h.waitForDiagnostics(uri, (d) => d.filter((x) => x.code === 'untrusted-address').length === 5, 15_000);
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
      } finally {
        await h.dispose();
        folder.dispose();
      }
    });

    it('positive control: trusted through SECRETREFS_TRUSTED_ADDRESSES, the same address receives every provider\'s credential', async () => {
      const { h, folder } = await otherEditor({ extraEnv: { SECRETREFS_TRUSTED_ADDRESSES: `https://other.example, ${attacker.url}` } });
      try {
        h.open(folder.file('app.connection.yaml'), connectionText);
        const got = await waitFor('every provider to send its credential', () => {
          const r = received();
          return ['hashicorp', 'aws', 'azure', 'gcp'].every((p) => (r.byProvider[p] ?? 0) > 0) && r.canaries.includes(CANARY.roleId) ? r : undefined;
        }, 15_000, () => [received(), attacker.requests.map((r) => `${r.method} ${r.url}`)]);
        for (const canary of [CANARY.token, CANARY.roleId, CANARY.secretId, CANARY.awsKeyId]) assert.ok(got.canaries.includes(canary), canary);
      } finally {
        await h.dispose();
        folder.dispose();
      }
    });

    it('positive control: trusted through the trustedAddresses initialization option of the user\'s editor configuration', async () => {
      const { h, folder } = await otherEditor({ initializationOptions: { trustedAddresses: [attacker.url] } });
      try {
        h.open(folder.file('app.connection.yaml'), connectionText);
        await waitFor('the Vault token', () => (received().canaries.includes(CANARY.token) ? true : undefined));
      } finally {
        await h.dispose();
        folder.dispose();
      }
    });

    it('positive control: VAULT_ADDR is trusted, for a vault configuration that names no url', async () => {
      const folder = makeFolder({ 'env.vault.yaml': 'name: env\nprovider: hashicorp\nengines:\n  secret: { type: kv, version: 2 }\n' });
      const h = await startHarness({ folders: [folder.uri], env: plant({ VAULT_ADDR: attacker.url }), initializationOptions: { settings } });
      try {
        h.open(folder.file('c.connection.yaml'), 'name: c\nvalue:\n  k: vault.secret(env:secret/data/app.k)\n');
        await waitFor('the Vault token', () => (received().canaries.includes(CANARY.token) ? true : undefined));
      } finally {
        await h.dispose();
        folder.dispose();
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('the language server started by the VS Code client (a session key)', () => {
    async function vsCode(onCredential: (sessionKey: string) => (params: unknown) => unknown, files: Record<string, string> = vaultFiles(attacker.url, gcp.projectId)) {
      const folder = makeFolder({ ...files, 'app.connection.yaml': connectionText });
      const sessionKey = newSessionKey();
      const answer = onCredential(sessionKey);
      const asked: CredentialParams[] = [];
      plant();
      const h = await startHarness({
        folders: [folder.uri],
        // The extension host's credentials, as an older client passed them: the server must not use them.
        env: { ...canaryEnv, SECRETREFS_SESSION_KEY: sessionKey },
        liveBudgetMs: 1000,
        initializationOptions: { settings },
        providerTesting: testing,
        onCredential: (params) => {
          asked.push(params as CredentialParams);
          return answer(params);
        },
      });
      return { h, folder, sessionKey, asked };
    }

    async function settled(h: Harness): Promise<VaultSummary[]> {
      return waitFor('every vault to settle', async () => {
        const vaults = ((await h.client.sendRequest('secretRefs/listVaults')) as ListVaultsResult).vaults;
        return vaults.every((v) => v.access !== 'pending') ? vaults : undefined;
      });
    }

    it('never falls back to its own environment: when the editor gives no credential (refused, never signed in), nothing is sent', async () => {
      const { h, folder, asked } = await vsCode(() => () => null);
      try {
        h.open(folder.file('app.connection.yaml'), connectionText);
        await waitFor('a credential request per vault', () => (new Set(asked.map((a) => a.vault)).size === 5 ? true : undefined));
        const vaults = await settled(h);
        assert.deepEqual(vaults.map((v) => v.access), Array(5).fill('no-credentials'));
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
        // What the editor was asked about: the parsed origin, with the TLS settings for Vault.
        for (const a of asked) assert.equal(a.address, attacker.url);
        assert.deepEqual(asked.find((a) => a.vault === 'token')!.tls, { skipVerify: false });
      } finally {
        await h.dispose();
        folder.dispose();
      }
    });

    it('positive control: the credential the editor releases (sealed) is sent', async () => {
      const { h, folder } = await vsCode((sessionKey) => (params) => sealFor(sessionKey, params as CredentialParams, { kind: 'token', token: CANARY.token }), {
        'token.vault.yaml': vaultFiles(attacker.url, gcp.projectId)['token.vault.yaml']!,
      });
      try {
        h.open(folder.file('c.connection.yaml'), 'name: c\nvalue:\n  k: vault.secret(token:secret/data/app.k)\n');
        await waitFor('the Vault token', () => (received().canaries.includes(CANARY.token) ? true : undefined));
      } finally {
        await h.dispose();
        folder.dispose();
      }
    });

    it('a url with user info is invalid-config, never asked about and never contacted', async () => {
      const written = `http://vault.corp.example.com:8200@${attacker.url.slice('http://'.length)}`;
      const { h, folder, asked } = await vsCode((sessionKey) => editorCredentials(sessionKey, () => ({ kind: 'token', token: CANARY.token })), {
        'token.vault.yaml': `name: token\nprovider: hashicorp\nurl: ${written}\nengines:\n  secret: { type: kv, version: 2 }\n`,
      });
      try {
        const vaultUri = folder.file('token.vault.yaml');
        h.open(vaultUri, readFileSync(fileURLToPath(vaultUri), 'utf8'));
        h.open(folder.file('c.connection.yaml'), 'name: c\nvalue:\n  k: vault.secret(token:secret/data/app.k)\n');
        const [d] = await h.waitForDiagnostics(vaultUri, (x) => x.some((y) => y.code === 'invalid-config'));
        assert.match(d!.message, new RegExp(`user info before "@": requests would go to ${attacker.url.replace(/[.]/g, '\\.')}`));
        assert.ok(!d!.message.includes('vault.corp.example.com'), 'the user info is not repeated');
        await settled(h);
        assert.ok(!asked.some((a) => a.address.includes(String(attacker.port))), JSON.stringify(asked));
        assert.equal(attacker.requests.length, 0);
      } finally {
        await h.dispose();
        folder.dispose();
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('dist/server.js over stdio', () => {
    interface StdioServer {
      connection: MessageConnection;
      diagnostics: Map<string, Diagnostic[]>;
      stderr: () => string;
      stop(): Promise<void>;
    }

    async function spawnServer(env: NodeJS.ProcessEnv, folderUri: string, onCredential: (params: unknown) => unknown = () => null): Promise<StdioServer> {
      assert.ok(existsSync(serverJs), `${serverJs} is missing: run "npm run build" first (npm test does)`);
      const child: ChildProcess = spawn(process.execPath, [serverJs, '--stdio'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
      const diagnostics = new Map<string, Diagnostic[]>();
      connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => diagnostics.set(p.uri, p.diagnostics));
      connection.onRequest((method, params) => (method === credentialRequest ? onCredential(params) : null));
      connection.listen();
      await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: folderUri,
        workspaceFolders: [{ uri: folderUri, name: 'ws' }],
        capabilities: {},
        initializationOptions: { settings },
      });
      await connection.sendNotification('initialized', {});
      return {
        connection,
        diagnostics,
        stderr: () => stderr,
        async stop() {
          await connection.sendRequest('shutdown').catch(() => undefined);
          await connection.sendNotification('exit').catch(() => undefined);
          await Promise.race([exited, sleep(5000)]);
          connection.dispose();
          if (child.exitCode === null && child.signalCode === null) child.kill();
        },
      };
    }

    it('another editor: the vault at an untrusted address gets nothing, whatever credentials the environment holds', async () => {
      const folder = makeFolder({ 'token.vault.yaml': vaultFiles(attacker.url, '')['token.vault.yaml']!, 'pay.vault.yaml': vaultFiles(attacker.url, '')['pay.vault.yaml']! });
      const server = await spawnServer({ ...canaryEnv }, folder.uri);
      try {
        const uri = folder.file('c.connection.yaml');
        await server.connection.sendNotification('textDocument/didOpen', {
          textDocument: { uri, languageId: 'yaml', version: 1, text: 'name: c\nvalue:\n  k: vault.secret(token:secret/data/app.k)\n  p: vault.secret(pay:app.k)\n' },
        });
        await waitFor('untrusted-address', () => ((server.diagnostics.get(uri) ?? []).filter((d) => d.code === 'untrusted-address').length === 2 ? true : undefined));
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
      } catch (error) {
        throw new Error(`${(error as Error).message}\nserver stderr:\n${server.stderr()}`);
      } finally {
        await server.stop();
        folder.dispose();
      }
    });

    it('VS Code: a credential_process the AWS SDK runs sees neither the session key nor VAULT_TOKEN', async () => {
      // A profile whose credential_process writes its own environment to a file, then prints a key.
      const dumpFile = join(home, 'credential-process-env.json');
      const script = join(home, 'credential-process.cjs');
      writeFileSync(
        script,
        `require('fs').writeFileSync(${JSON.stringify(dumpFile)}, JSON.stringify(process.env));\n` +
          `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(CANARY.processKeyId)}, SecretAccessKey: ${JSON.stringify(CANARY.processSecret)} }));\n`,
      );
      const awsHome = join(home, 'process-home');
      mkdirSync(join(awsHome, '.aws'), { recursive: true });
      writeFileSync(join(awsHome, '.aws', 'config'), `[profile dump]\nregion = eu-west-1\ncredential_process = "${process.execPath}" "${script}"\n`);
      rmSync(dumpFile, { force: true });

      // The environment the VS Code client gives the server, from an extension host full of credentials.
      const hostEnv: NodeJS.ProcessEnv = { ...canaryEnv, HOME: awsHome, AWS_CONFIG_FILE: join(awsHome, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(awsHome, '.aws', 'credentials') };
      const ch = clientHarness((h) => {
        h.deps.processEnv = hostEnv;
      });
      const ext = startExtension(ch.deps);
      await ext.ready;
      const given = (ch.lastClient.serverOptions as { run: { options: { env: NodeJS.ProcessEnv } } }).run.options.env;
      await ext.stop();
      // Node's spawn drops undefined entries, as the client's fork does.
      const env = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
      const sessionKey = env.SECRETREFS_SESSION_KEY!;
      assert.ok(sessionKey, 'the client gives the server a session key');

      const folder = makeFolder({ 'pay.vault.yaml': `name: pay\nprovider: aws\nregion: eu-west-1\nprofile: dump\nendpoint: ${attacker.url}\n` });
      // The user approved this address for the profile (the client releases it sealed).
      const server = await spawnServer(env, folder.uri, editorCredentials(sessionKey, () => ({ kind: 'aws-profile', profile: 'dump' })));
      try {
        const uri = folder.file('c.connection.yaml');
        await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: 'name: c\nvalue:\n  p: vault.secret(pay:app.k)\n' } });
        await waitFor('the credential_process to run', () => (existsSync(dumpFile) ? true : undefined), 20_000);
        await waitFor('the approved address to receive the key the process printed', () => (received().canaries.includes(CANARY.processKeyId) ? true : undefined));
      } catch (error) {
        throw new Error(`${(error as Error).message}\nserver stderr:\n${server.stderr()}`);
      } finally {
        await server.stop();
        folder.dispose();
      }
      const childEnv = JSON.parse(readFileSync(dumpFile, 'utf8')) as Record<string, string>;
      assert.equal(childEnv.SECRETREFS_SESSION_KEY, undefined, 'no session key in a child process');
      assert.equal(childEnv.VAULT_TOKEN, undefined, 'no VAULT_TOKEN in a child process');
      const dumped = JSON.stringify(childEnv);
      assert.ok(!dumped.includes(sessionKey), 'the session key appears nowhere');
      for (const canary of canaries) assert.ok(!dumped.includes(canary), `${canary} is not in the child's environment`);
      assert.equal(childEnv.HOME, awsHome, 'the child still gets what it needs');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('the CLI: check --live on a repository whose vault configuration points elsewhere', () => {
    function cli(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
      assert.ok(existsSync(cliJs), `${cliJs} is missing: run "npm run build" first (npm test does)`);
      return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [cliJs, ...args], { env, cwd });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    }

    const repo = () =>
      makeFolder({
        'vaults/token.vault.yaml': vaultFiles(attacker.url, '')['token.vault.yaml']!,
        'vaults/role.vault.yaml': vaultFiles(attacker.url, '')['role.vault.yaml']!,
        'vaults/pay.vault.yaml': vaultFiles(attacker.url, '')['pay.vault.yaml']!,
        'app.connection.yaml':
          'name: app\nvalue:\n  t: vault.secret(token:secret/data/app.k)\n  r: vault.secret(role:secret/data/app.k)\n  p: vault.secret(pay:app.k)\n',
      });

    it('a pull request that points the vaults at another address receives nothing: untrusted-address, exit 0', async () => {
      const folder = repo();
      try {
        // CI's credentials: VAULT_TOKEN, AppRole IDs, AWS keys; also ~/.vault-token.
        const r = await cli(['check', '--live', '--timeout', '3', '.'], { ...canaryEnv }, folder.path);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        const lines = r.stdout.split('\n').filter((l) => l.includes(' untrusted-address '));
        assert.equal(lines.length, 6, r.stdout);
        assert.ok(lines.every((l) => l.includes(`${attacker.url} is not a trusted address`) && l.includes(`--trust-address ${attacker.url}`)), r.stdout);
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
        assert.equal(attacker.requests.length, 0, 'not contacted at all');
        // ~/.vault-token alone, as `vault login` leaves it.
        const fromFile = await cli(['check', '--live', '--timeout', '3', '.'], { PATH: canaryEnv.PATH, HOME: home }, folder.path);
        assert.match(fromFile.stdout, / untrusted-address /);
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
      } finally {
        folder.dispose();
      }
    });

    it('positive control: --trust-address sends them there', async () => {
      const folder = repo();
      try {
        const r = await cli(['check', '--live', '--timeout', '3', '--trust-address', `${attacker.url}/ignored/path`, '.'], { ...canaryEnv }, folder.path);
        assert.ok(!r.stdout.includes('untrusted-address'), r.stdout);
        const got = received();
        for (const canary of [CANARY.token, CANARY.roleId, CANARY.secretId, CANARY.awsKeyId]) assert.ok(got.canaries.includes(canary), `${canary}: ${JSON.stringify(got)}`);
      } finally {
        folder.dispose();
      }
    });

    it('refuses a trusted address that is not a plain http(s) address, without repeating user info', async () => {
      const folder = repo();
      try {
        const flag = await cli(['check', '--live', '--trust-address', 'https://ci:hunter2-password@vault.example.com', '.'], { PATH: canaryEnv.PATH }, folder.path);
        assert.equal(flag.status, 2);
        assert.match(flag.stderr, /--trust-address \(an address with user info\) is not used/);
        assert.ok(!flag.stderr.includes('hunter2'));
        const envList = await cli(['check', '--live', '.'], { PATH: canaryEnv.PATH, SECRETREFS_TRUSTED_ADDRESSES: 'https://ok.example,vault.example.com:8200' }, folder.path);
        assert.equal(envList.status, 2);
        assert.match(envList.stderr, /SECRETREFS_TRUSTED_ADDRESSES: "vault\.example\.com:8200" is not used/);
      } finally {
        folder.dispose();
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('the VS Code client in front of the real server', () => {
    const STORED = CANARY.stored;
    interface ClientWorld {
      h: ClientHarness;
      ext: SecretRefsExtension;
      server: Harness;
      folder: ReturnType<typeof makeFolder>;
      /** Approval prompts, with what the user answered. */
      prompts: { message: string; detail: string; answer: string | undefined }[];
      /** How the user answers the next approval prompts (default: refuse). */
      decide: (message: string) => string | undefined;
      setVault(text: string, version: number): Promise<void>;
      settled(): Promise<VaultSummary>;
      stop(): Promise<void>;
    }

    /** One HashiCorp vault `prod` in a workspace, the extension and the real server in this process. */
    async function clientWorld(vaultText: string, options: { hostEnv?: NodeJS.ProcessEnv; files?: Record<string, string>; userFiles?: Record<string, string> } = {}): Promise<ClientWorld> {
      const folder = makeFolder({ 'prod.vault.yaml': vaultText, ...options.files });
      let server: Harness | undefined;
      const world = {} as ClientWorld;
      world.prompts = [];
      world.decide = () => undefined;
      const h = clientHarness((h) => {
        h.workspace.workspaceFolders = [{ name: 'ws', index: 0, uri: fakeUris.file(folder.path) }];
        h.deps.processEnv = options.hostEnv ?? { ...serverEnv };
        for (const [file, text] of Object.entries(options.userFiles ?? {})) h.userFiles.set(file, text);
        for (const method of ['secretRefs/listVaults', 'secretRefs/resetCache', 'secretRefs/troubleshoot']) {
          h.responders.set(method, async (params) => server!.client.sendRequest(method, params));
        }
      });
      const showWarning = h.window.showWarningMessage.bind(h.window);
      h.window.showWarningMessage = (message, opts, ...items) => {
        if (!message.startsWith('Send the credential for vault ')) return showWarning(message, opts, ...items);
        const answer = world.decide(message);
        world.prompts.push({ message, detail: String(opts.detail ?? ''), answer });
        return Promise.resolve(answer);
      };
      const ext = startExtension(h.deps);
      await ext.ready;
      const client = h.lastClient;
      server = await startHarness({
        folders: [folder.uri],
        env: (client.serverOptions as { run: { options: { env: NodeJS.ProcessEnv } } }).run.options.env,
        initializationOptions: client.initializationOptions(),
        liveBudgetMs: 1000,
        onCredential: (params) => client.request(credentialRequest, params),
      });
      const vaultUri = folder.file('prod.vault.yaml');
      server.open(vaultUri, vaultText);
      server.open(folder.file('c.connection.yaml'), 'name: c\nvalue:\n  k: vault.secret(prod:secret/data/app.k)\n');
      return Object.assign(world, {
        h,
        ext,
        server,
        folder,
        async setVault(text: string, version: number) {
          writeFileSync(fileURLToPath(vaultUri), text);
          server!.change(vaultUri, text, version);
          await sleep(50);
        },
        settled: () =>
          waitFor('the vault to settle', async () => {
            const [vault] = ((await server!.client.sendRequest('secretRefs/listVaults')) as ListVaultsResult).vaults;
            return vault && vault.access !== 'pending' ? vault : undefined;
          }),
        async stop() {
          await ext.stop();
          await server!.dispose();
          folder.dispose();
        },
      });
    }

    const prodAt = (address: string, extra = '') => `name: prod\nprovider: hashicorp\nurl: ${address}\n${extra}engines:\n  secret: { type: kv, version: 2 }\n`;

    async function signIn(w: ClientWorld, token = CANARY.token): Promise<void> {
      w.h.window.answer('prod', 'Token', token);
      await w.h.commands.run('secretRefs.signIn');
      await sleep(20);
    }


    it('refused approval: neither the stored credential nor the environment\'s is sent; positive control: allowed, it is', async () => {
      // VS Code was started from a shell that holds a token too.
      const w = await clientWorld(prodAt(attacker.url), { hostEnv: { ...serverEnv, VAULT_TOKEN: CANARY.token } });
      try {
        await w.settled();
        await signIn(w, STORED);
        await w.settled();
        // A refusal holds: resetting the cache asks nothing and sends nothing.
        await w.h.commands.run('secretRefs.resetCache');
        assert.equal((await w.settled()).access, 'no-credentials');
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
        assert.deepEqual(
          w.prompts.map((p) => p.message),
          [`Send the credential for vault "prod" (VAULT_TOKEN from the environment) to ${attacker.url}?`, `Send the credential for vault "prod" to ${attacker.url}?`],
        );
        // Signing in again lifts the refusal; this time the user allows.
        w.decide = () => 'Allow';
        await signIn(w, STORED);
        await waitFor('the stored token at the approved address', () => (received().canaries.includes(STORED) ? true : undefined), 15_000, () => [w.prompts, w.h.output.text()]);
        assert.ok(!received().canaries.includes(CANARY.token), 'the stored credential comes first');
      } finally {
        await w.stop();
      }
    });

    it('never signed in: the environment token is offered with the same prompt, naming its source; refused, nothing is sent; allowed, it is', async () => {
      const refused = await clientWorld(prodAt(attacker.url), { hostEnv: { ...serverEnv, VAULT_TOKEN: CANARY.token } });
      try {
        await refused.settled();
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
        assert.equal((await refused.settled()).access, 'no-credentials');
        assert.equal(refused.prompts[0]?.message, `Send the credential for vault "prod" (VAULT_TOKEN from the environment) to ${attacker.url}?`);
      } finally {
        await refused.stop();
      }
      const allowed = await clientWorld(prodAt(attacker.url), { userFiles: { '/home/dev/.vault-token': `${CANARY.fileToken}\n` } });
      allowed.decide = () => 'Allow';
      try {
        await waitFor('the token from ~/.vault-token', () => (received().canaries.includes(CANARY.fileToken) ? true : undefined));
        assert.match(allowed.prompts[0]!.message, /\(the token in ~\/\.vault-token\)/);
      } finally {
        await allowed.stop();
      }
    });

    it('changed URL: neither the credential approved for the old origin nor the environment\'s goes to the new one unasked', async () => {
      const trusted = await Attacker.start({ canaries });
      const w = await clientWorld(prodAt(trusted.url), { hostEnv: { ...serverEnv, VAULT_TOKEN: CANARY.token } });
      w.decide = (message) => (message.includes('(VAULT_TOKEN') ? undefined : 'Allow');
      try {
        await signIn(w, STORED);
        await waitFor('the stored token at the approved address', () => (trusted.canariesReceived().includes(STORED) ? true : undefined), 15_000, () => [w.prompts, w.h.output.text()]);
        const prompts = w.prompts.length;
        await w.setVault(prodAt(attacker.url), 2);
        await w.settled();
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
        // Nothing is stored for the new origin: only the environment's token is offered, and refused.
        assert.equal(w.prompts.length, prompts + 1);
        assert.match(w.prompts.at(-1)!.message, new RegExp(`\\(VAULT_TOKEN from the environment\\) to ${attacker.url.replace(/[.]/g, '\\.')}\\?$`));
        assert.equal((await w.settled()).access, 'no-credentials');
      } finally {
        await w.stop();
        await trusted.stop();
      }
    });

    it('user-info URL: a url that looks like the approved Vault but goes to another host is invalid-config; signing in to it is refused and nothing is sent', async () => {
      const trusted = await Attacker.start({ canaries });
      // What precedes "@" looks like the trusted Vault; the request would go to the attacker.
      const w = await clientWorld(prodAt(`http://127.0.0.1:${trusted.port}@127.0.0.1:${attacker.port}`), { hostEnv: { ...serverEnv, VAULT_TOKEN: CANARY.token } });
      w.decide = () => 'Allow';
      try {
        await signIn(w, STORED);
        await w.h.commands.run('secretRefs.resetCache');
        await w.settled();
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
        assert.equal(trusted.requests.length, 0);
        assert.deepEqual(w.prompts, [], 'nothing to approve');
        assert.ok(w.h.window.errors.some((e) => /has no valid address/.test(e.message)), JSON.stringify(w.h.window.errors));
        const [d] = await w.server.waitForDiagnostics(w.folder.file('prod.vault.yaml'), (x) => x.some((y) => y.code === 'invalid-config'));
        assert.match(d!.message, new RegExp(`requests would go to ${attacker.url.replace(/[.]/g, '\\.')}`));
      } finally {
        await w.stop();
        await trusted.stop();
      }
    });

    it('http: the prompt shows the parsed origin and warns that the credential would travel unencrypted', async () => {
      const w = await clientWorld(prodAt(`${attacker.url}/some/path/`));
      try {
        await signIn(w);
        const [prompt] = await waitFor('the approval prompt', () => (w.prompts.length > 0 ? w.prompts : undefined));
        assert.equal(prompt!.message, `Send the credential for vault "prod" to ${attacker.url}?`);
        assert.match(prompt!.detail, new RegExp(`host 127\\.0\\.0\\.1, port ${attacker.port}`));
        assert.match(prompt!.detail, /uses http, not https\. The credential would cross the network unencrypted/);
        assert.equal(received().total, 0);
      } finally {
        await w.stop();
      }
    });

    it('TLS settings changed after approval: asked again; refused, nothing more is sent', async (t) => {
      const pair = generateSelfSignedCert();
      const other = generateSelfSignedCert();
      if (!pair || !other) return t.skip('openssl is not available');
      const tlsAttacker = await Attacker.start({ canaries, tls: pair });
      const w = await clientWorld(prodAt(tlsAttacker.url, 'ca_certificate: ca.pem\n'), { files: { 'ca.pem': pair.cert } });
      w.decide = () => 'Allow';
      try {
        await signIn(w);
        await waitFor('the token at the approved address and CA', () => (tlsAttacker.canariesReceived().includes(CANARY.token) ? true : undefined));
        w.decide = () => undefined;
        // From here on the stored credential is another token: any request that carries it was sent
        // after the change (requests of the provider approved earlier may still be in flight).
        const later = () => tlsAttacker.canariesReceived().includes(STORED);

        // Verification turned off: a new question, refused.
        await w.setVault(prodAt(tlsAttacker.url, 'ca_certificate: ca.pem\ntls_skip_verify: true\n'), 2);
        await w.settled();
        await signIn(w, STORED);
        assert.equal((await w.settled()).access, 'no-credentials');
        assert.equal(later(), false);
        assert.equal(w.prompts.length, 3);
        assert.match(w.prompts[1]!.detail, /TLS certificate verification is off/);

        // The approved text again, with another CA behind the same path: a new question too.
        writeFileSync(join(w.folder.path, 'ca.pem'), other.cert);
        await w.setVault(prodAt(tlsAttacker.url, 'ca_certificate: ca.pem\n'), 3);
        assert.equal((await w.settled()).access, 'no-credentials');
        assert.equal(later(), false);
        assert.equal(w.prompts.length, 4);
        assert.match(w.prompts[0]!.detail, /checked against the CA certificate ca\.pem \(SHA-256 [0-9a-f]{16}…\)/);
        assert.notEqual(w.prompts[3]!.detail.match(/SHA-256 ([0-9a-f]+)/)?.[1], w.prompts[0]!.detail.match(/SHA-256 ([0-9a-f]+)/)?.[1], 'another CA');
      } finally {
        await w.stop();
        await tlsAttacker.stop();
      }
    });

    it('environment source approved, then refused for a changed address: nothing more is sent', async () => {
      const trusted = await Attacker.start({ canaries });
      const w = await clientWorld(prodAt(trusted.url), { hostEnv: { ...serverEnv, VAULT_TOKEN: CANARY.token } });
      w.decide = () => 'Allow';
      try {
        await waitFor('the environment token at the approved address', () => (trusted.canariesReceived().includes(CANARY.token) ? true : undefined));
        w.decide = () => undefined;
        await w.setVault(prodAt(attacker.url), 2);
        await w.settled();
        await w.h.commands.run('secretRefs.resetCache');
        assert.equal((await w.settled()).access, 'no-credentials');
        assert.deepEqual(received(), { total: 0, byProvider: {}, canaries: [] });
        assert.equal(w.prompts.length, 2, 'asked once for the new address; the refusal holds');
        assert.match(w.prompts[1]!.message, new RegExp(`\\(VAULT_TOKEN from the environment\\) to ${attacker.url.replace(/[.]/g, '\\.')}\\?$`));
      } finally {
        await w.stop();
        await trusted.stop();
      }
    });
  });
});
