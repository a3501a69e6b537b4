/**
 * The transport faults every loopback fake understands (test/fakes/loopbackServer.ts): `refused`
 * closes the port and reopens it at the same address once cleared; `tls` makes an HTTPS fake
 * present a certificate nobody trusts, cutting kept-alive connections, and its own once cleared.
 */
import { strict as assert } from 'node:assert';
import http from 'node:http';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { FakeVault } from '../fakes/fakeVault';
import { generateSelfSignedCert } from '../fakes/vault/selfSignedCert';

type Outcome = { status: number } | { code: string };

/** Waits until `agent` has noticed that the fake closed its kept-alive sockets (at most 2 s). */
async function noFreeSockets(agent: http.Agent): Promise<void> {
  const end = Date.now() + 2000;
  while (Object.values(agent.freeSockets).some((list) => (list?.length ?? 0) > 0) && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  assert.ok(Date.now() < end, 'the kept-alive connection was cut');
}

/** GET sys/health-like path of the fake; resolves with the status or the error code. */
function get(url: string, agent: http.Agent | https.Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const client = url.startsWith('https:') ? https : http;
    const req = client.get(`${url}/v1/sys/mounts`, { agent, headers: { 'X-Vault-Token': 'root' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ code: e.code ?? e.message }));
    req.setTimeout(3000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TEST_TIMEOUT' })));
  });
}

describe('transport faults of the loopback fakes', () => {
  const pair = generateSelfSignedCert();
  let plain: FakeVault;
  let secure: FakeVault | undefined;

  before(async () => {
    plain = await FakeVault.start();
    if (pair) secure = await FakeVault.start({ tls: pair });
  });

  after(async () => {
    await plain.stop();
    await secure?.stop();
  });

  it('refused: the port is closed until the fault is cleared, then open at the same address', async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      assert.deepEqual(await get(plain.address, agent), { status: 200 });
      plain.faults.set({ kind: 'refused' });
      await plain.faults.ready();
      await noFreeSockets(agent);
      assert.deepEqual(await get(plain.address, agent), { code: 'ECONNREFUSED' });
      assert.equal(plain.faults.take(() => true), undefined, 'no request takes a transport fault');
      plain.faults.clear();
      await plain.faults.ready();
      assert.deepEqual(await get(plain.address, agent), { status: 200 });
    } finally {
      agent.destroy();
    }
  });

  it('tls: an untrusted certificate until the fault is cleared, kept-alive connections cut', { skip: !pair && 'no openssl' }, async () => {
    const agent = new https.Agent({ keepAlive: true, ca: pair!.cert });
    try {
      assert.deepEqual(await get(secure!.address, agent), { status: 200 });
      secure!.faults.set({ kind: 'tls' });
      await secure!.faults.ready();
      await noFreeSockets(agent);
      assert.deepEqual(await get(secure!.address, agent), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      secure!.faults.clear();
      await secure!.faults.ready();
      assert.deepEqual(await get(secure!.address, agent), { status: 200 });
    } finally {
      agent.destroy();
    }
  });

  it('tls on a plain-HTTP fake is refused, and request faults still work after transport faults', async () => {
    plain.faults.set({ kind: 'tls' });
    await assert.rejects(plain.faults.ready(), /serves plain HTTP/);
    plain.faults.set({ kind: 'status', status: 503, times: 1 });
    const agent = new http.Agent();
    try {
      assert.deepEqual(await get(plain.address, agent), { status: 503 });
      assert.deepEqual(await get(plain.address, agent), { status: 200 }, 'times: 1 cleared it');
    } finally {
      agent.destroy();
    }
  });

  it('a fake stopped while refusing connections stops cleanly', async () => {
    const fake = await FakeVault.start();
    fake.faults.set({ kind: 'refused' });
    await fake.faults.ready();
    await fake.stop();
  });
});
