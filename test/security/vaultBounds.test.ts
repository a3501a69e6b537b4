/**
 * Every Vault answer is bounded: a body is cut at 4 MiB while it streams in (a 1 GB body, or a
 * small gzip body that inflates to 64 MiB, never sits in memory), an exchange that drips its body
 * ends at the request timeout, a LIST keeps its first 1,000 names and says so in completion and
 * in Write Secret's browser, and an operation of several requests ends at three times the timeout
 * with a message saying what did not finish. Nothing disappears silently.
 */
import { strict as assert } from 'node:assert';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { CompletionList } from 'vscode-languageserver-protocol';
import { listingCut } from '../../shared/src/listing';
import { HashicorpProvider, type HashicorpProviderOptions } from '../../server/src/providers/hashicorp';
import { MAX_RESPONSE_BYTES } from '../../server/src/providers/hashicorp/transport';
import { FakeVault } from '../fakes/fakeVault';
import { clearEnv } from '../helpers/envIsolation';
import { makeFolder, startHarness } from '../helpers/lspHarness';
import { providerError } from '../helpers/providerAssertions';

before(() => clearEnv(/^VAULT_/));

const MIB = 1024 * 1024;

/** A loopback server in Vault's place that answers every request with `answer`. */
async function rawServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; stop: () => Promise<void>; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = http.createServer(answer);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sockets,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let providers: HashicorpProvider[] = [];
const make = (address: string, opts: Partial<HashicorpProviderOptions> = {}): HashicorpProvider => {
  const p = new HashicorpProvider({ vaultName: 'prod', address, timeoutMs: 10_000, credential: { kind: 'token', token: 'hvs.bounds' }, kvVersions: { secret: 2 }, ...opts });
  providers.push(p);
  return p;
};
afterEach(() => {
  for (const p of providers) p.dispose();
  providers = [];
});

describe('Vault answers are capped while they stream', () => {
  it('a 1 GB body ends in vault-unreachable at 4 MiB; resident memory grows by far less than the body', async (t) => {
    const GB = 1024 * MIB;
    let sent = 0;
    const server = await rawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(GB) });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = (): void => {
        while (sent < GB && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    try {
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
      const e = await providerError(make(server.url).readValue({ engine: 'secret', path: 'app/db' }));
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      assert.equal(e.kind, 'unreachable');
      assert.equal(e.message, `Vault "prod" at ${server.url} answered secret/data/app/db with more than 4 MiB; the answer was dropped unread.`);
      assert.match(e.details.cause ?? '', /^it answered secret\/data\/app\/db with more than 4 MiB/);
      t.diagnostic(`resident memory grew by ${((peak - baseline) / MIB).toFixed(1)} MiB; the server sent ${(sent / MIB).toFixed(1)} MiB`);
      assert.ok(peak - baseline < 100 * MIB, `resident memory grew by ${Math.round((peak - baseline) / MIB)} MiB`);
      assert.ok(sent < 100 * MIB, `the server got to send ${Math.round(sent / MIB)} MiB before the client hung up`);
    } finally {
      await server.stop();
    }
  });

  it('a small gzip body that inflates past the cap is refused the same way', async () => {
    const inflated = Buffer.alloc(64 * MIB, 0x20);
    const zipped = gzipSync(inflated);
    assert.ok(zipped.length < MAX_RESPONSE_BYTES);
    const server = await rawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(zipped);
    });
    try {
      const e = await providerError(make(server.url).readValue({ engine: 'secret', path: 'app/db' }));
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /with more than 4 MiB; the answer was dropped unread\.$/);
    } finally {
      await server.stop();
    }
  });

  it('an error body is capped too', async () => {
    const server = await rawServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(`{"errors":["${'x'.repeat(5 * MIB)}"]}`);
    });
    try {
      const e = await providerError(make(server.url).readValue({ engine: 'secret', path: 'app/db' }));
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /with more than 4 MiB/);
    } finally {
      await server.stop();
    }
  });

  it('a body that drips ends at the request timeout and the connection is closed', async () => {
    let drips = 0;
    const server = await rawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"data":');
      const timer = setInterval(() => {
        drips += 1;
        res.write(' ');
      }, 50);
      res.on('close', () => clearInterval(timer));
    });
    try {
      const e = await providerError(make(server.url, { timeoutMs: 500 }).readValue({ engine: 'secret', path: 'app/db' }));
      assert.equal(e.kind, 'unreachable');
      assert.equal(e.details.cause, 'timed out after 500 ms');
      assert.ok(drips > 0, 'the body was still dripping');
      const end = Date.now() + 5000;
      while (server.sockets.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      assert.equal(server.sockets.size, 0, 'the exchange was ended, not left open');
    } finally {
      await server.stop();
    }
  });
});

describe('LIST answers and multi-request operations are bounded', () => {
  let fv: FakeVault;
  before(async () => {
    fv = await FakeVault.start();
    fv.mountKv('secret', 2);
    for (let i = 0; i < 1500; i++) fv.putSecret('secret', `many/s${String(i).padStart(4, '0')}`, { k: 'v' });
    fv.putSecret('secret', 'few/a', { k: 'v' });
  });
  after(() => fv.stop());

  it('a LIST keeps the first 1,000 names and marks the listing as cut', async () => {
    const p = make(fv.address, { credential: { kind: 'token', token: fv.rootToken } });
    const names = await p.list('secret', 'many/');
    assert.equal(names.length, 1000);
    assert.equal(names[0], 's0000');
    assert.equal(names[999], 's0999');
    assert.deepEqual(listingCut(names), { message: 'first 1,000 of 1,500 shown', kept: 1000, total: 1500 });
    assert.equal(listingCut(await p.list('secret', 'few/')), undefined);
  });

  it('completion says "first 1,000 of 1,500 shown", and names a listing that failed', async () => {
    const folder = makeFolder({ 'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fv.address}\nengines:\n  secret: { type: kv, version: 2 }\n` });
    const h = await startHarness({ folders: [folder.uri], env: { VAULT_TOKEN: fv.rootToken, VAULT_ADDR: fv.address }, liveBudgetMs: 3000 });
    try {
      const uri = folder.file('c.connection.yaml');
      const text = 'name: c\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/many/\nvalue:\n  p: vault.secret(k)\n';
      h.open(uri, text);
      const position = { line: 4, character: 'path: data/many/'.length + 4 };
      const list = (await h.client.sendRequest('textDocument/completion', { textDocument: { uri }, position })) as CompletionList;
      const paths = list.items.filter((i) => i.label.startsWith('data/many/'));
      assert.equal(paths.length, 1000);
      const note = list.items.find((i) => i.label === '(first 1,000 of 1,500 shown)');
      assert.ok(note, 'the cut is said');
      assert.deepEqual(note.textEdit && 'range' in note.textEdit ? note.textEdit.newText : undefined, 'data/many/', 'picking it changes nothing');

      fv.faults.set({ kind: 'status', status: 403, pathPrefix: 'secret/metadata/few/' });
      const uri2 = folder.file('d.connection.yaml');
      h.open(uri2, text.replace('data/many/', 'data/few/'));
      const failed = (await h.client.sendRequest('textDocument/completion', { textDocument: { uri: uri2 }, position: { line: 4, character: 'path: data/few/'.length + 4 } })) as CompletionList;
      const why = failed.items.find((i) => i.label === '(secret/few/ could not be listed)');
      assert.ok(why, `the failure is said: ${JSON.stringify(failed.items.map((i) => i.label))}`);
      assert.match(why.detail ?? '', /denied access to secret\/metadata\/few\//);
    } finally {
      fv.faults.clear();
      await h.dispose();
      folder.dispose();
    }
  });

  it('an operation of several requests ends at three times the request timeout, saying what did not finish', async () => {
    fv.addAppRole('slow', 'role-slow', 'secret-slow', { policies: [{ path: 'secret/data/*', capabilities: ['read'] }, { path: 'secret/metadata/*', capabilities: ['read'] }] });
    // Login, mount lookup, sub-keys (denied), data (404), metadata (404): five requests of 0.7 s
    // each, every one within the 1 s timeout, 3.5 s in all.
    fv.faults.set({ kind: 'delay', ms: 700 });
    try {
      const p = make(fv.address, { timeoutMs: 1000, kvVersions: {}, credential: { kind: 'approle', roleId: 'role-slow', secretId: 'secret-slow' } });
      const e = await providerError(p.keys({ engine: 'secret', path: 'missing' }));
      assert.equal(e.kind, 'unreachable');
      assert.equal(e.details.cause, 'reading the keys of "missing" in engine "secret" did not finish within 3 s (3 times the request timeout)');
      assert.equal(e.message, `Vault "prod" at ${fv.address}: reading the keys of "missing" in engine "secret" did not finish within 3 s (3 times the request timeout).`);
    } finally {
      fv.faults.clear();
    }
  });
});
