/**
 * Live benchmarks against the fake Vault on loopback:
 * - reads per distinct secret per TTL window, counted at the fake, for 500 references to 50 secrets;
 * - warm completion latency (median, p95) of the built server over stdio.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { FakeVault } from '../test/fakes/fakeVault';
import { makeFolder, startHarness } from '../test/helpers/lspHarness';

const secrets = 50;
const referencesPerFile = 50;
const files = 10;

async function seededVault(): Promise<FakeVault> {
  const fake = await FakeVault.start();
  fake.mountKv('secret', 2);
  for (let i = 0; i < secrets; i++) {
    fake.putSecret('secret', `bench/s${i}`, Object.fromEntries(Array.from({ length: 5 }, (_, k) => [`k${k}`, `value-${i}-${k}`])));
  }
  return fake;
}

const vaultConfig = (address: string) => `name: prod\nprovider: hashicorp\nurl: ${address}\nengines:\n  secret: { type: kv, version: 2 }\n`;

/** File f references 5 secrets (f*5 .. f*5+4), 10 keys' worth of references each: 50 per file. */
function connectionText(f: number): string {
  const lines = ['name: c', 'value:'];
  for (let r = 0; r < referencesPerFile; r++) {
    const secret = (f * 5 + (r % 5)) % secrets;
    // Key k9 does not exist: every reference gets a live unknown-key, the sign that its read is done.
    lines.push(`  r${r}: vault.secret(prod:secret/data/bench/s${secret}.k9)`);
  }
  return `${lines.join('\n')}\n`;
}

export interface ReadsBench {
  references: number;
  distinctSecrets: number;
  /** Requests that read a secret (subkeys or data) at the fake over two validation rounds. */
  reads: number;
  readsPerSecret: number;
}

export async function benchReads(): Promise<ReadsBench> {
  const fake = await seededVault();
  const folder = makeFolder({ 'prod.vault.yaml': vaultConfig(fake.address) });
  const h = await startHarness({ folders: [folder.uri], env: { VAULT_TOKEN: fake.rootToken, SECRETREFS_TRUSTED_ADDRESSES: fake.address } });
  try {
    fake.resetCounts();
    const uris = Array.from({ length: files }, (_, f) => folder.file(`c${f}.connection.yaml`));
    uris.forEach((uri, f) => h.open(uri, connectionText(f)));
    for (const uri of uris) await h.waitForDiagnostics(uri, (d) => d.length === referencesPerFile, 20_000);
    // A second round of edits within the TTL must not read again.
    uris.forEach((uri, f) => h.change(uri, `${connectionText(f)}# edited\n`, 2));
    await new Promise((r) => setTimeout(r, 500));
    const reads = fake.countRequests((r) => r.path.startsWith('secret/subkeys/') || r.path.startsWith('secret/data/'));
    return { references: files * referencesPerFile, distinctSecrets: secrets, reads, readsPerSecret: Math.round((reads / secrets) * 100) / 100 };
  } finally {
    await h.dispose();
    await fake.stop();
    folder.dispose();
  }
}

export interface CompletionBench {
  runs: number;
  medianMs: number;
  p95Ms: number;
}

export async function benchCompletion(serverJs: string, runs = 200): Promise<CompletionBench> {
  const fake = await seededVault();
  const folder = makeFolder({ 'prod.vault.yaml': vaultConfig(fake.address) });
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'], env: { PATH: process.env.PATH, VAULT_TOKEN: fake.rootToken, SECRETREFS_TRUSTED_ADDRESSES: fake.address } });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onRequest(() => null);
  connection.onNotification(() => undefined);
  connection.listen();
  try {
    await connection.sendRequest('initialize', { processId: null, rootUri: folder.uri, workspaceFolders: [{ uri: folder.uri, name: 'bench' }], capabilities: {} });
    await connection.sendNotification('initialized', {});
    const uri = pathToFileURL(path.join(folder.path, 'c.connection.yaml')).href;
    const text = 'name: c\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/bench/s1\nvalue:\n  p: vault.secret()\n';
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const params = { textDocument: { uri }, position: { line: 6, character: 18 } };
    // Warm: until the keys from the server are in the answer.
    for (let i = 0; i < 50; i++) {
      const list = (await connection.sendRequest('textDocument/completion', params)) as { items: { label: string }[] } | null;
      if (list?.items.some((item) => item.label === 'k4')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await connection.sendRequest('textDocument/completion', params);
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]! * 100) / 100;
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    return { runs, medianMs: at(0.5), p95Ms: at(0.95) };
  } finally {
    connection.dispose();
    if (child.exitCode === null) child.kill();
    await fake.stop();
    folder.dispose();
  }
}

export interface ProviderReads {
  provider: string;
  distinctSecrets: number;
  references: number;
  /** Value reads counted at the fake over two validation rounds within the TTL. */
  reads: number;
  readsPerSecret: number;
}

/** One cloud provider: 10 secrets, 5 connection files with 10 references each, two rounds. */
async function cloudReads(
  provider: string,
  vaultConfig: string,
  credential: Record<string, string>,
  count: () => number,
  testing?: Record<string, Record<string, unknown>>,
): Promise<ProviderReads> {
  const { newSessionKey, seal, credentialBinding } = await import('../shared/src/sealing');
  const sessionKey = newSessionKey();
  const folder = makeFolder({ 'cloud.vault.yaml': vaultConfig });
  const h = await startHarness({
    folders: [folder.uri],
    env: { SECRETREFS_SESSION_KEY: sessionKey },
    ...(testing ? { providerTesting: testing } : {}),
    onCredential: (params) => {
      const p = params as { vault: string; provider: string; address: string };
      return { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(p.vault, p.provider, p.address)) };
    },
  });
  try {
    const before = count();
    // Key `nokey` does not exist: each reference gets a live unknown-key once its secret was read.
    const text = (f: number) => `name: c${f}\nvalue:\n${Array.from({ length: 10 }, (_, r) => `  r${r}: vault.secret(cloud:s${(f * 2 + r) % 10}.nokey)`).join('\n')}\n`;
    const uris = Array.from({ length: 5 }, (_, f) => folder.file(`c${f}.connection.yaml`));
    uris.forEach((uri, f) => h.open(uri, text(f)));
    for (const uri of uris) await h.waitForDiagnostics(uri, (d) => d.length === 10, 20_000);
    uris.forEach((uri, f) => h.change(uri, `${text(f)}# edited\n`, 2));
    await new Promise((r) => setTimeout(r, 500));
    const reads = count() - before;
    return { provider, distinctSecrets: 10, references: 50, reads, readsPerSecret: Math.round((reads / 10) * 100) / 100 };
  } finally {
    await h.dispose();
    folder.dispose();
  }
}

export async function benchCloudReads(): Promise<ProviderReads[]> {
  const { AwsFake } = await import('../test/fakes/awsFake');
  const { AzureFake } = await import('../test/fakes/azureFake');
  const { GcpFake } = await import('../test/fakes/gcpFake');
  const results: ProviderReads[] = [];
  const aws = await AwsFake.start({ region: 'eu-west-1' });
  try {
    for (let i = 0; i < 10; i++) aws.createSecret(`s${i}`, { k: 'v' });
    results.push(
      await cloudReads('aws', `name: cloud\nprovider: aws\nregion: eu-west-1\nendpoint: ${aws.address}\n`, { kind: 'aws-keys', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, () =>
        aws.countRequests((r) => (r as { operation?: string }).operation === 'GetSecretValue'),
      ),
    );
  } finally {
    await aws.stop();
  }
  const azure = await AzureFake.start();
  try {
    azure.addToken('bench-token');
    for (let i = 0; i < 10; i++) azure.setSecret(`s${i}`, JSON.stringify({ k: 'v' }));
    results.push(
      await cloudReads(
        'azure',
        `name: cloud\nprovider: azure\nvault_url: ${azure.url}\n`,
        { kind: 'azure-token', token: 'bench-token' },
        () => azure.countRequests((r) => (r as { operation?: string }).operation === 'get' && (r as { auth?: string }).auth === 'valid'),
        { azure: { allowInsecureConnection: true, disableChallengeResourceVerification: true } },
      ),
    );
  } finally {
    await azure.stop();
  }
  const gcp = await GcpFake.start();
  try {
    const sa = gcp.createServiceAccount();
    for (let i = 0; i < 10; i++) {
      gcp.createSecret(`s${i}`);
      gcp.addVersion(`s${i}`, { k: 'v' });
    }
    results.push(
      await cloudReads(
        'gcp',
        `name: cloud\nprovider: gcp\nproject: ${gcp.projectId}\nendpoint: http://${gcp.endpoint}\n`,
        { kind: 'gcp-service-account', json: sa.json },
        () => gcp.countRequests((r) => (r as { rpc?: string }).rpc === 'accessSecretVersion'),
        { gcp: { protocol: 'http' } },
      ),
    );
  } finally {
    await gcp.stop();
  }
  return results;
}
