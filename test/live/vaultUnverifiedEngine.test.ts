/**
 * A vault configuration without `engines:`, against the fake Vault with a root token and with the
 * least-privilege tokens most teams use. Vault's answers (logical_system.go
 * pathInternalUIMountRead: the preflight 403 for an unknown mount, for every token;
 * request_handling.go CheckToken before router.go routeCommon: 403 for a path the policy does not
 * grant, mounted or not, "no handler for route" for a path in no mount; the KV v2 plugin's
 * pathInvalid warning for a path without data/) must each end in exactly one diagnostic: in the
 * provider, over the language server, and in `check --live`. Never silence.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { HashicorpProvider } from '../../server/src/providers/hashicorp';
import { FakeVault, type PolicyRule } from '../fakes/fakeVault';
import { clearEnv } from '../helpers/envIsolation';
import { makeFolder, startHarness } from '../helpers/lspHarness';
import { providerError } from '../helpers/providerAssertions';

const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
const LEAST = 'hvs.CANARY-least-privilege-1181';
const WILDCARD = 'hvs.CANARY-wildcard-2291';
const SECRET_STAR = 'hvs.CANARY-secret-star-3391';
const VALUE = 'CANARY-VALUE-unverified-7713';

const least: PolicyRule[] = [
  { path: 'secret/data/*', capabilities: ['read'] },
  { path: 'secret/metadata/*', capabilities: ['read', 'list'] },
];

/** One connection file per case: an unmounted engine, a mounted engine outside the policy, a KV v2 path without data/. */
const files = {
  'unmounted.connection.yaml': 'name: a\nvault_secrets:\n  - vault: prod\n    engine: nope\n    path: data/x\nvalue:\n  p: vault.secret(password)\n',
  'outside.connection.yaml': 'name: b\nvault_secrets:\n  - vault: prod\n    engine: other\n    path: data/app\nvalue:\n  p: vault.secret(password)\n',
  'nodata.connection.yaml': 'name: c\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: app\nvalue:\n  p: vault.secret(password)\n',
};
type Case = keyof typeof files;

const NOT_VERIFIED = (engine: string) =>
  `The engine \`${engine}\` itself could not be verified with this token (it may read neither \`sys/internal/ui/mounts/${engine}\` nor \`sys/mounts\`), so it may also not be mounted.`;

/** What each case must say, per token: [code, message] pairs, exactly. */
const expected: Record<'root' | 'least', Record<Case, Array<[string, string]>>> = {
  root: {
    'unmounted.connection.yaml': [['unknown-engine', 'No engine is mounted at `nope` on vault `prod`.']],
    'outside.connection.yaml': [],
    'nodata.connection.yaml': [['kv2-missing-data-prefix', 'Engine `secret` is KV v2: the KV v2 API needs `data/` between engine and path, so write `data/app`.']],
  },
  least: {
    'unmounted.connection.yaml': [
      ['permission-denied', `Permission denied: the credentials for vault \`prod\` lack the \`read\` capability on \`nope/data/x\`. A policy that grants it: path "nope/data/x" { capabilities = ["read"] }. ${NOT_VERIFIED('nope')}`],
    ],
    'outside.connection.yaml': [
      ['permission-denied', `Permission denied: the credentials for vault \`prod\` lack the \`read\` capability on \`other/data/app\`. A policy that grants it: path "other/data/app" { capabilities = ["read"] }. ${NOT_VERIFIED('other')}`],
    ],
    'nodata.connection.yaml': [['kv2-missing-data-prefix', 'Engine `secret` is KV v2: the KV v2 API needs `data/` between engine and path, so write `data/app`.']],
  },
};

let fv: FakeVault;
before(async () => {
  clearEnv(/^VAULT_/);
  fv = await FakeVault.start();
  fv.mountKv('secret', 2);
  fv.mountKv('other', 2);
  fv.putSecret('secret', 'app', { password: VALUE });
  fv.putSecret('other', 'app', { password: VALUE });
  fv.addToken(LEAST, { policies: least });
  fv.addToken(WILDCARD, { policies: [{ path: '+/data/*', capabilities: ['read'] }] });
  fv.addToken(SECRET_STAR, { policies: [{ path: 'secret/*', capabilities: ['read'] }] });
});
after(() => fv.stop());
afterEach(() => fv.faults.clear());

describe('Vault answers to a token that may not see the mounts (provider)', () => {
  const provider = (token: string) => new HashicorpProvider({ vaultName: 'prod', address: fv.address, timeoutMs: 2000, credential: { kind: 'token', token } });

  it('a least-privilege token: both mount lookups refused, the read as written is a 403 on the exact API path', async () => {
    const p = provider(LEAST);
    try {
      for (const engine of ['nope', 'other']) {
        const e = await providerError(p.mountInfo(engine));
        assert.equal(e.kind, 'permission-denied');
        assert.equal(e.message, `Vault "prod" does not let this token see whether "${engine}" is mounted (HTTP 403 from sys/internal/ui/mounts/${engine} and sys/mounts).`);
      }
      const nope = await providerError(p.keys({ engine: 'nope', path: 'x', kvVersion: 2 }));
      assert.deepEqual([nope.kind, nope.details.apiPath], ['permission-denied', 'nope/data/x']);
      const other = await providerError(p.keys({ engine: 'other', path: 'app', kvVersion: 2 }));
      assert.deepEqual([other.kind, other.details.apiPath], ['permission-denied', 'other/data/app']);
      // Its own engine it reads, as written, without asking for the mount.
      fv.resetCounts();
      assert.deepEqual(await p.keys({ engine: 'secret', path: 'app', kvVersion: 2 }), ['password']);
      assert.equal(fv.countRequests((r) => r.path.startsWith('sys/')), 0);
    } finally {
      p.dispose();
    }
  });

  it('a token whose policy reaches a path in no mount: "no handler for route" is an absent engine', async () => {
    const p = provider(WILDCARD);
    try {
      const e = await providerError(p.keys({ engine: 'nope', path: 'x', kvVersion: 2 }));
      assert.deepEqual([e.kind, e.details.reason, e.details.apiPath], ['not-found', 'no-mount', 'nope/data/x']);
    } finally {
      p.dispose();
    }
  });

  it('a KV v2 path read without data/ (KV v1 assumed): the "Invalid path" 404 says the engine is KV v2', async () => {
    const p = provider(SECRET_STAR);
    fv.faults.set({ kind: 'status', status: 403, pathPrefix: 'sys/' }); // something in front of Vault refuses sys/
    try {
      const e = await providerError(p.keys({ engine: 'secret', path: 'app', kvVersion: 1 }));
      assert.deepEqual([e.kind, e.details.reason, e.details.apiPath], ['not-found', 'kv2-path', 'secret/app']);
    } finally {
      p.dispose();
    }
  });
});

async function serverDiagnostics(token: string, wait: (d: Map<string, Diagnostic[]>) => boolean): Promise<{ diagnostics: Map<Case, Diagnostic[]>; hover: (file: Case, line: number, character: number) => Promise<string>; dispose: () => Promise<void> }> {
  const folder = makeFolder({ 'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fv.address}\n`, ...files });
  const h = await startHarness({ folders: [folder.uri], env: { VAULT_TOKEN: token, VAULT_ADDR: fv.address }, liveBudgetMs: 3000, initializationOptions: { settings: { live: { timeoutSeconds: 2 } } } });
  for (const [name, text] of Object.entries(files)) h.open(folder.file(name), text);
  const byCase = (): Map<string, Diagnostic[]> => new Map(Object.keys(files).map((name) => [name, h.diagnostics.get(folder.file(name)) ?? []]));
  const end = Date.now() + 10_000;
  while (!wait(byCase()) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 300)); // nothing else arrives after the last read
  return {
    diagnostics: byCase() as Map<Case, Diagnostic[]>,
    hover: async (file, line, character) => {
      const hover = (await h.client.sendRequest('textDocument/hover', { textDocument: { uri: folder.file(file) }, position: { line, character } })) as Hover;
      return (hover.contents as { value: string }).value;
    },
    dispose: async () => {
      await h.dispose();
      folder.dispose();
    },
  };
}

const summary = (d: Diagnostic[]): Array<[string, string]> => d.map((x) => [String(x.code), x.message]);

describe('over the language server', () => {
  for (const who of ['root', 'least'] as const) {
    it(`a ${who} token: each case ends in exactly the answer the server gives`, async () => {
      const token = who === 'root' ? fv.rootToken : LEAST;
      const want = expected[who];
      const s = await serverDiagnostics(token, (d) => Object.entries(want).every(([name, pairs]) => pairs.length === 0 || (d.get(name) ?? []).length === pairs.length));
      try {
        for (const name of Object.keys(files) as Case[]) assert.deepEqual(summary(s.diagnostics.get(name)!), want[name], `${who} ${name}`);
        if (who === 'least') {
          const text = await s.hover('outside.connection.yaml', 6, 20);
          assert.match(text, /KV v2 assumed, because the path starts with `data\/`/);
          // The live message is shown as Markdown text: its punctuation arrives backslash-escaped.
          assert.match(text.replace(/\\([!-/:-@[-`{-~])/g, '$1'), /\*\*Live:\*\* Vault "prod" denied access to other\/data\/app \(HTTP 403: permission denied\)\./);
        } else {
          assert.ok(fv.countRequests((r) => r.path === 'other/subkeys/app' && r.outcome === 200) > 0, 'the secret outside any policy was read and found');
        }
      } finally {
        await s.dispose();
      }
    });
  }

  it('a token whose policy reaches a path in no mount: unknown-engine from "no handler for route"', async () => {
    const s = await serverDiagnostics(WILDCARD, (d) => (d.get('unmounted.connection.yaml') ?? []).length > 0);
    try {
      assert.deepEqual(summary(s.diagnostics.get('unmounted.connection.yaml')!), [
        ['unknown-engine', 'No engine is mounted at `nope` on vault `prod`: reading `nope/data/x` as written, Vault found no engine for the path (HTTP 404, no handler for route).'],
      ]);
    } finally {
      await s.dispose();
    }
  });

  it('with sys/ refused in front of Vault: a KV v2 path without data/ is kv2-missing-data-prefix from the read itself', async () => {
    fv.faults.set({ kind: 'status', status: 403, pathPrefix: 'sys/' });
    const s = await serverDiagnostics(SECRET_STAR, (d) => (d.get('nodata.connection.yaml') ?? []).length > 0);
    try {
      assert.deepEqual(summary(s.diagnostics.get('nodata.connection.yaml')!), [
        ['kv2-missing-data-prefix', 'Engine `secret` is KV v2 (Vault answered `secret/app` with its KV v2 "invalid path" warning): the KV v2 API needs `data/` between engine and path, so write `data/app`.'],
      ]);
    } finally {
      await s.dispose();
    }
  });
});

describe('in `check --live`', () => {
  const run = (token: string): Promise<{ status: number | null; stdout: string; stderr: string }> => {
    const folder = makeFolder({ 'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fv.address}\n`, ...files });
    const env = { PATH: process.env.PATH ?? '', HOME: folder.path, VAULT_ADDR: fv.address, ...(token ? { VAULT_TOKEN: token } : {}) };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'check', '--live', '--timeout', '2', '--format', 'json', '.'], { cwd: folder.path, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => {
        folder.dispose();
        resolve({ status, stdout, stderr });
      });
    });
  };

  for (const who of ['root', 'least'] as const) {
    it(`a ${who} token: the same answers, exit 1, no value and no token in the output`, async () => {
      const r = await run(who === 'root' ? fv.rootToken : LEAST);
      const findings = JSON.parse(r.stdout) as Array<{ file: string; code: string; message: string }>;
      for (const name of Object.keys(files) as Case[]) {
        assert.deepEqual(findings.filter((f) => f.file.endsWith(name)).map((f) => [f.code, f.message]), expected[who][name], `${who} ${name}`);
      }
      assert.equal(r.status, 1, r.stderr);
      for (const canary of [VALUE, LEAST]) assert.ok(!r.stdout.includes(canary) && !r.stderr.includes(canary));
    });
  }

  it('--live without any credential: each engine is not verified, because there are no credentials', async () => {
    const r = await run('');
    const findings = JSON.parse(r.stdout) as Array<{ code: string; severity: string; message: string }>;
    assert.deepEqual(findings.map((f) => [f.code, f.severity]), Array(3).fill(['engine-unverified', 'warning']), r.stderr);
    for (const f of findings) assert.match(f.message, /declares no engines and there are no credentials for this vault, so/);
  });

  it('offline (no --live), the same workspace says each engine is not verified, and fails nothing', async () => {
    const folder = makeFolder({ 'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fv.address}\n`, ...files });
    try {
      const r = await new Promise<{ status: number | null; stdout: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [cli, 'check', '--format', 'json', '.'], { cwd: folder.path, env: { PATH: process.env.PATH ?? '', HOME: folder.path }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout }));
      });
      const findings = JSON.parse(r.stdout) as Array<{ code: string; severity: string }>;
      assert.deepEqual(findings.map((f) => [f.code, f.severity]), Array(3).fill(['engine-unverified', 'warning']));
      assert.equal(r.status, 0, 'warnings only');
    } finally {
      folder.dispose();
    }
  });
});
