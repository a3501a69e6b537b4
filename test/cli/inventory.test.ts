/**
 * `secretrefs inventory` (the built CLI): the JSON inventory of examples/, the Veza OAA
 * `secret_store` payload, and --live against a local vault seeded with a canary value that must
 * never appear in any output.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { usageText } from '../../server/src/cli/args';
import { LocalVaultProvider } from '../../server/src/providers/local';
import { FakeVault } from '../fakes/fakeVault';
import type { Inventory } from '../../server/src/cli/inventory/types';
import type { VezaSecretStorePayload } from '../../server/src/cli/inventory/veza';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(repoRoot, 'dist', 'cli.js');
const examples = path.join(repoRoot, 'examples');
const CANARY = 'CANARY-inventory-value-7731';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: options.env ?? { ...process.env, SECRETREFS_DEBUG: '' },
  });
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.signal, null);
  assert.doesNotMatch(r.stderr, /^\s+at\s|internal error/m, r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like run, without blocking the event loop (a fake server in this process must answer meanwhile). */
function runAsync(args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
  });
}

function inventoryOf(args: string[], options: Parameters<typeof run>[1] = {}): Inventory {
  const r = run(['inventory', ...args], options);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Inventory;
}

function vezaOf(args: string[], options: Parameters<typeof run>[1] = {}): VezaSecretStorePayload {
  const r = run(['inventory', '--format', 'veza-oaa', ...args], options);
  assert.equal(r.status, 0, r.stderr);
  const payload = JSON.parse(r.stdout) as VezaSecretStorePayload;
  assertVezaShape(payload);
  return payload;
}

const tempRoots: string[] = [];

function workspace(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'secretrefs-inventory-')));
  tempRoots.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

function filesUnder(dir: string, suffix: RegExp): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full, suffix));
    else if (suffix.test(entry.name)) found.push(full);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// The Veza OAA secret_store template, as far as the payload can be checked offline

const propertyChecks: Record<string, (v: unknown) => boolean> = {
  STRING: (v) => typeof v === 'string',
  STRING_LIST: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  BOOLEAN: (v) => typeof v === 'boolean',
  NUMBER: (v) => typeof v === 'number',
  TIMESTAMP: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
};

function assertProperties(where: string, properties: Record<string, unknown>, definition: Record<string, string>): void {
  for (const [name, value] of Object.entries(properties)) {
    const type = definition[name];
    assert.ok(type, `${where}: custom property "${name}" is not defined`);
    assert.ok(propertyChecks[type]!(value), `${where}: "${name}" is not a ${type}: ${JSON.stringify(value)}`);
    assert.match(name, /^[a-z][a-z0-9_]*$/, `${where}: property names are lower snake case`);
  }
}

function assertVezaShape(payload: VezaSecretStorePayload): void {
  assert.deepEqual(Object.keys(payload).sort(), ['custom_property_definition', 'secret_store', 'secret_store_type']);
  assert.equal(typeof payload.secret_store_type, 'string');
  const defs = payload.custom_property_definition;
  assert.deepEqual(Object.keys(defs).sort(), ['entry_properties', 'permission_properties', 'secret_store_properties', 'vault_properties']);
  for (const scope of Object.values(defs)) for (const type of Object.values(scope)) assert.ok(type in propertyChecks, type);
  const store = payload.secret_store;
  for (const field of ['name', 'id', 'description']) assert.equal(typeof (store as unknown as Record<string, unknown>)[field], 'string', field);
  assertProperties('secret_store', store.custom_properties, defs.secret_store_properties);
  assert.ok(Array.isArray(store.permissions) && store.permissions.length > 0);
  const permissionNames = new Set<string>();
  for (const p of store.permissions) {
    assert.equal(typeof p.name, 'string');
    assert.equal(typeof p.allow_identity_assume, 'boolean');
    assert.ok(!permissionNames.has(p.name), `permission ${p.name} twice`);
    permissionNames.add(p.name);
  }
  assert.ok(permissionNames.has('read'));
  const vaultIds = new Set<string>();
  const entryIds = new Set<string>();
  for (const v of store.secret_store_vaults) {
    assert.equal(typeof v.name, 'string');
    assert.equal(typeof v.id, 'string');
    assert.ok(typeof v.vault_type === 'string' && v.vault_type !== '', 'vault_type is required');
    assert.ok(!vaultIds.has(v.id), `vault ${v.id} twice`);
    vaultIds.add(v.id);
    assertProperties(`vault ${v.id}`, v.custom_properties, defs.vault_properties);
    assert.ok(Array.isArray(v.entries));
    for (const e of v.entries) {
      assert.equal(typeof e.name, 'string');
      assert.equal(typeof e.id, 'string');
      assert.ok(!entryIds.has(e.id), `entry ${e.id} twice`);
      entryIds.add(e.id);
      assertProperties(`entry ${e.id}`, e.custom_properties, defs.entry_properties);
    }
  }
  for (const binding of store.identity_to_permissions) {
    assert.equal(typeof binding.identity, 'string');
    assert.equal(typeof binding.identity_type, 'string');
    assert.ok(binding.permission_assignments.length > 0);
    for (const a of binding.permission_assignments) {
      assert.ok(a.vault.length > 0 && a.permissions.length > 0);
      for (const v of a.vault) assert.ok(vaultIds.has(v), `${binding.identity}: unknown vault ${v}`);
      for (const p of a.permissions) assert.ok(permissionNames.has(p), `${binding.identity}: undefined permission ${p}`);
    }
  }
}

before(() => {
  assert.ok(existsSync(cli), `${cli} is missing: run "npm run build" first (npm test does)`);
});

after(() => {
  for (const dir of tempRoots) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('inventory: usage', () => {
  test('the usage documents inventory and both formats', () => {
    for (const text of ['secretrefs inventory [options] [PATH...]', '--format json|veza-oaa', '--format text|json|sarif', 'never holds', 'secret_store']) {
      assert.ok(usageText.includes(text), text);
    }
  });

  const bad: [string[], RegExp][] = [
    [['inventory', '--format', 'text'], /^secretrefs: --format of inventory must be "json" or "veza-oaa", not "text"\n$/],
    [['inventory', '--format', 'sarif'], /not "sarif"/],
    [['inventory', '--disable', 'unused-secret'], /"--disable" applies to "check" only/],
    [['inventory', '--frobnicate'], /unknown option "--frobnicate"/],
    [['inventory', 'no-such-folder'], /^secretrefs: cannot read "no-such-folder": no such file or directory\n$/],
  ];
  for (const [args, message] of bad) {
    test(`exit 2: secretrefs ${args.join(' ')}`, () => {
      const r = run(args);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  }
});

describe('inventory --format json on examples/', () => {
  let inventory: Inventory;
  before(() => {
    inventory = inventoryOf(['examples']);
  });

  test('the default format is json; exit 0 even though examples/ has errors', () => {
    const r = run(['inventory', '--format', 'json', 'examples']);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    assert.deepEqual(JSON.parse(r.stdout), inventory);
    assert.equal(inventory.format, 1);
    assert.equal(inventory.live, false);
    assert.deepEqual(inventory.folders, ['examples']);
  });

  test('every vault configuration, with its fields', () => {
    const vaultFiles = filesUnder(examples, /\.vault\.ya?ml$/);
    assert.equal(inventory.vaults.length, vaultFiles.length);
    assert.deepEqual(inventory.vaults.map((v) => v.file).sort(), vaultFiles.map((f) => path.relative(repoRoot, f)).sort());
    const prod = inventory.vaults.find((v) => v.name === 'prod')!;
    assert.deepEqual(
      { provider: prod.provider, address: prod.address, namespace: prod.namespace, description: prod.description, owner: prod.owner, enabled: prod.enabled, file: prod.file },
      {
        provider: 'hashicorp',
        address: 'https://vault.example.com:8200',
        namespace: 'ops',
        description: 'Production Vault cluster (EU)',
        owner: 'platform-team',
        enabled: true,
        file: path.join('examples', 'vaults', 'prod.vault.yaml'),
      },
    );
    // Declared engines, and an engine seen only in an attachment (`secrets`, a typo the check reports).
    assert.deepEqual(
      prod.engines.map((e) => [e.path, e.kvVersion ?? null, e.declared, e.used]),
      [
        ['legacy', 1, true, true],
        ['secret', 2, true, true],
        ['secrets', null, false, true],
        ['team/kv', 2, true, true],
      ],
    );
    assert.equal(inventory.vaults.find((v) => v.name === 'old')!.enabled, false);
    assert.deepEqual(inventory.vaults.find((v) => v.name === 'prod-aws')!.store, { type: 'aws_secrets_manager', location: 'eu-central-1' });
    assert.deepEqual(inventory.vaults.find((v) => v.name === 'analytics-gcp')!.store, { type: 'gcp_secret_manager', location: 'projects/acme-analytics-prod' });
    assert.equal(inventory.vaults.find((v) => v.name === 'corp-azure')!.address, 'https://corp-secrets.vault.azure.net');
  });

  test('every referenced secret, attached or inline: 17 from the example connections', () => {
    const knownFiles = new Set(
      [
        'ci-deploy',
        'local-dev',
        'oracle',
        'payments-api',
        'reporting',
        'live/local-live',
        ...['ambiguous', 'disabled-vault', 'engine-in-path', 'invalid-version', 'kv1-data', 'kv2-metadata-path', 'kv2-missing-data', 'malformed', 'no-attachment', 'unknown-alias', 'unknown-engine', 'unknown-vault', 'unused-secret'].map((f) => `broken/${f}`),
      ].map((f) => path.join('examples', 'connections', `${f}.connection.yaml`)),
    );
    const ids = inventory.secrets.filter((s) => s.connections.some((c) => knownFiles.has(c.file))).map((s) => s.id);
    assert.deepEqual(ids.sort(), [
      'local:dev/postgres',
      'local:dev/queue',
      'local:dev/redis',
      'old:secret/crm',
      'prdo:secret/data/inventory',
      'prod-aws:payments/api-key',
      'prod:legacy/data/ftp',
      'prod:legacy/ftp',
      'prod:legacy/mail/relay',
      'prod:secret/data/oracle',
      'prod:secret/data/reporting/postgres',
      'prod:secret/metadata/billing',
      'prod:secret/oracle-qa',
      'prod:secret/oracle-qa-admin',
      'prod:secret/secret/data/crm',
      'prod:secrets/data/jira',
      'prod:team/kv/data/ci/deploy',
    ]);
    assert.equal(new Set(inventory.secrets.map((s) => s.id)).size, inventory.secrets.length, 'each secret once');
  });

  test('prod:secret/data/oracle: read by oracle (attached) and ci-deploy (inline), with the keys each reads', () => {
    const oracle = inventory.secrets.find((s) => s.id === 'prod:secret/data/oracle')!;
    assert.deepEqual(
      { vault: oracle.vault, provider: oracle.provider, engine: oracle.engine, path: oracle.path, kvVersion: oracle.kvVersion, apiPath: oracle.apiPath, keys: oracle.keys },
      { vault: 'prod', provider: 'hashicorp', engine: 'secret', path: 'data/oracle', kvVersion: 2, apiPath: '/v1/secret/data/oracle', keys: ['password', 'user'] },
    );
    const uses = Object.fromEntries(oracle.connections.map((c) => [c.connection, c]));
    assert.deepEqual(Object.keys(uses).sort(), ['ci-deploy', 'oracle', 'oracle-malformed']);
    assert.deepEqual([uses.oracle!.keys, uses.oracle!.via, uses.oracle!.file], [['password', 'user'], ['attachment'], path.join('examples', 'connections', 'oracle.connection.yaml')]);
    assert.deepEqual([uses['ci-deploy']!.keys, uses['ci-deploy']!.via], [['password'], ['inline']]);
    // The whole secret, and a secret read both ways.
    const api = inventory.secrets.find((s) => s.id === 'prod-aws:payments/api-key')!;
    assert.deepEqual([api.provider, api.name, api.keys], ['aws', 'payments/api-key', ['*']]);
    assert.deepEqual(api.connections.map((c) => [c.connection, c.via, c.versionStage ?? null]), [
      ['ci-deploy', ['inline'], null],
      ['payments-api', ['attachment'], 'AWSCURRENT'],
    ]);
    const reporting = inventory.secrets.find((s) => s.id === 'prod:secret/data/reporting/postgres')!;
    assert.deepEqual(
      reporting.connections.filter((c) => c.connection === 'reporting').map((c) => [c.alias, c.version]),
      [['db', 3]],
    );
    // An unknown vault: listed, without a provider.
    assert.equal(inventory.secrets.find((s) => s.id === 'prdo:secret/data/inventory')!.provider, null);
    // Connections list what they read.
    assert.deepEqual(inventory.connections.find((c) => c.name === 'ci-deploy')!.secrets, [
      'prod-aws:payments/api-key',
      'prod:legacy/ftp',
      'prod:secret/data/oracle',
      'prod:team/kv/data/ci/deploy',
    ]);
  });

  test('no live facts offline; the credential field of leaky.vault.yaml is not echoed', () => {
    const text = JSON.stringify(inventory);
    assert.ok(!text.includes('not-a-real-token'));
    // Nor a literal credential of a connection (examples/connections/broken/credentials.connection.yaml).
    assert.ok(!text.includes('not-a-real-password'));
    for (const s of inventory.secrets) {
      assert.equal(s.live, undefined);
      assert.equal(s.owner, undefined);
    }
  });
});

describe('inventory --format veza-oaa on examples/', () => {
  test('the secret_store template: vaults = engines and stores, entries = secrets, connections read them', () => {
    const payload = vezaOf(['examples']);
    assert.equal(payload.secret_store_type, 'secretrefs');
    const store = payload.secret_store;
    assert.deepEqual(store.permissions, [{ name: 'read', id: 'read', allow_identity_assume: true }]);
    const vault = (id: string) => store.secret_store_vaults.find((v) => v.id === id)!;
    assert.equal(vault('prod:secret').vault_type, 'kv-v2');
    assert.equal(vault('prod:legacy').vault_type, 'kv-v1');
    assert.equal(vault('prod-aws').vault_type, 'aws_secrets_manager');
    assert.equal(vault('corp-azure').entries.length, 0, 'a vault configuration without referenced secrets is still there');
    const oracle = vault('prod:secret').entries.find((e) => e.id === 'prod:secret/data/oracle')!;
    assert.equal(oracle.name, 'data/oracle');
    assert.deepEqual(oracle.custom_properties.read_by, ['ci-deploy', 'oracle', 'oracle-malformed']);
    assert.deepEqual(oracle.custom_properties.keys_read, ['password', 'user']);
    const binding = (identity: string) => store.identity_to_permissions.find((b) => b.identity === identity)!;
    assert.deepEqual(binding('oracle'), { identity: 'oracle', identity_type: 'connection', permission_assignments: [{ vault: ['prod:secret'], permissions: ['read'] }] });
    assert.deepEqual(binding('ci-deploy').permission_assignments, [{ vault: ['prod-aws', 'prod:legacy', 'prod:secret', 'prod:team/kv'], permissions: ['read'] }]);
    assert.ok(!JSON.stringify(payload).includes('not-a-real-token'));
  });

  test('several folders: ids carry the folder, so equal vault names stay apart', () => {
    const root = workspace({
      'a/dev.vault.yaml': 'name: dev\nprovider: local\n',
      'a/app.connection.yaml': 'name: app\nvault_secrets:\n  - vault: dev\n    secret: app/db\nvalue:\n  u: vault.secret(user)\n',
      'b/dev.vault.yaml': 'name: dev\nprovider: local\n',
    });
    const payload = vezaOf(['a', 'b'], { cwd: root });
    assert.deepEqual(payload.secret_store.secret_store_vaults.map((v) => v.id), ['a/dev', 'b/dev']);
    assert.deepEqual(payload.secret_store.secret_store_vaults[0]!.entries.map((e) => e.id), ['a/dev:app/db']);
    assert.deepEqual(payload.secret_store.identity_to_permissions, [
      { identity: 'a/app', identity_type: 'connection', permission_assignments: [{ vault: ['a/dev'], permissions: ['read'] }] },
    ]);
  });
});

describe('inventory --live with a local vault: owner, expiry, permissions, and never a value', () => {
  const store = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'secretrefs-inventory-local-')));
  tempRoots.push(store);
  const key = 'a passphrase for inventory tests only';
  const env = { PATH: process.env.PATH ?? '', SECRETREFS_LOCAL_DIR: store, SECRETREFS_LOCAL_KEY: key, HOME: store };
  const dir = workspace({
    'dev.vault.yaml': 'name: dev\nprovider: local\nowner: dev-team\n',
    'app.connection.yaml':
      'name: app\nvault_secrets:\n  - vault: dev\n    alias: db\n    secret: app/db\n  - vault: dev\n    alias: gone\n    secret: app/missing\nvalue:\n  user: vault.secret(db.user)\n  password: vault.secret(db.password)\n  token: vault.secret(gone.token)\n',
    'job.connection.yaml': 'name: job\nvalue:\n  password: vault.secret(dev:app/db.password)\n',
  });

  before(async () => {
    const put = run(['local', 'put', 'dev', 'app/db', 'user=app', `password=${CANARY}`], { env });
    assert.equal(put.status, 0, put.stderr);
    const vault = new LocalVaultProvider({ name: 'dev', key, dir: store, env });
    try {
      await vault.updateMetadata({ path: 'app/db' }, { customMetadata: { owner: 'db-team', expiry: '2031-01-31', rotation: 'quarterly' } });
    } finally {
      vault.dispose();
    }
  });

  test('json: owner, expiry and rotation from custom metadata; key names and capabilities; no canary', () => {
    const r = run(['inventory', '--live', dir], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes(CANARY) && !r.stderr.includes(CANARY), 'the value never appears');
    const inventory = JSON.parse(r.stdout) as Inventory;
    assert.equal(inventory.live, true);
    assert.deepEqual(inventory.vaults.map((v) => [v.name, v.owner, v.live?.access]), [['dev', 'dev-team', 'live']]);
    const db = inventory.secrets.find((s) => s.id === 'dev:app/db')!;
    assert.equal(db.owner, 'db-team');
    assert.equal(db.expires, '2031-01-31');
    assert.deepEqual(db.rotation, { policy: 'quarterly' });
    assert.equal(db.live?.state, 'ok');
    assert.equal(db.live?.currentVersion, 1);
    assert.deepEqual(db.live?.keys, ['password', 'user']);
    assert.deepEqual(db.live?.permissions, { state: 'ok', path: 'app/db', capabilities: ['create', 'delete', 'list', 'read', 'update'] });
    assert.deepEqual(db.connections.map((c) => [c.connection, c.via, c.keys]), [
      ['app', ['attachment'], ['password', 'user']],
      ['job', ['inline'], ['password']],
    ]);
    const missing = inventory.secrets.find((s) => s.id === 'dev:app/missing')!;
    assert.equal(missing.live?.state, 'error');
    assert.equal(missing.live?.errorKind, 'not-found');
  });

  test('veza-oaa --live: the credential is an identity with its capabilities; no canary', () => {
    const r = run(['inventory', '--live', '--format', 'veza-oaa', dir], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes(CANARY) && !r.stderr.includes(CANARY));
    const payload = JSON.parse(r.stdout) as VezaSecretStorePayload;
    assertVezaShape(payload);
    const store = payload.secret_store;
    assert.deepEqual(store.permissions.map((p) => [p.name, p.allow_identity_assume]), [
      ['create', false],
      ['delete', false],
      ['list', false],
      ['read', true],
      ['update', false],
    ]);
    const entry = store.secret_store_vaults.find((v) => v.id === 'dev')!.entries.find((e) => e.id === 'dev:app/db')!;
    assert.equal(entry.custom_properties.owner, 'db-team');
    assert.equal(entry.custom_properties.expires, '2031-01-31');
    assert.equal(entry.custom_properties.rotation, 'quarterly');
    assert.deepEqual(store.identity_to_permissions.find((b) => b.identity === 'credential:dev'), {
      identity: 'credential:dev',
      identity_type: 'vault_credential',
      permission_assignments: [{ vault: ['dev'], permissions: ['create', 'delete', 'list', 'read', 'update'] }],
    });
    assert.deepEqual(store.identity_to_permissions.filter((b) => b.identity_type === 'connection').map((b) => b.identity), ['app', 'job']);
  });

  test('a wrong key or no key: exit 0, live facts unavailable or failed, still no canary', () => {
    const wrong = run(['inventory', '--live', dir], { env: { ...env, SECRETREFS_LOCAL_KEY: 'the wrong passphrase' } });
    assert.equal(wrong.status, 0, wrong.stderr);
    assert.ok(!wrong.stdout.includes(CANARY) && !wrong.stderr.includes(CANARY));
    const db = (JSON.parse(wrong.stdout) as Inventory).secrets.find((s) => s.id === 'dev:app/db')!;
    assert.equal(db.live?.state, 'error');
    assert.match(db.live?.reason ?? '', /cannot be opened with this key/);
    assert.equal(db.owner, undefined);

    const none = run(['inventory', '--live', dir], { env: { PATH: env.PATH, SECRETREFS_LOCAL_DIR: store, HOME: store } });
    assert.equal(none.status, 0, none.stderr);
    const inventory = JSON.parse(none.stdout) as Inventory;
    assert.equal(inventory.vaults[0]!.live?.access, 'no-credentials');
    assert.deepEqual(inventory.secrets.find((s) => s.id === 'dev:app/db')!.live, { state: 'unavailable', reason: 'no credentials for this vault in the environment' });
  });
});

describe('inventory --live with HashiCorp Vault (fake): custom_metadata and capabilities on the read path', () => {
  const TOKEN = 'hvs.CANARY-TOKEN-inventory-1290';
  const VALUES = ['CANARY-VALUE-inv-user-5518', 'CANARY-VALUE-inv-pw-9921'];
  let fake: FakeVault;
  let dir: string;

  before(async () => {
    fake = await FakeVault.start();
    fake.mountKv('secret', 2);
    fake.putSecret('secret', 'oracle', { user: VALUES[0], password: VALUES[1] }, { customMetadata: { owner: 'dba-team', expires: '2030-06-30' } });
    fake.putSecret('secret', 'forbidden', { password: VALUES[1] });
    fake.addToken(TOKEN, {
      policies: [
        { path: 'secret/data/*', capabilities: ['read'] },
        { path: 'secret/data/forbidden', capabilities: ['deny'] },
        { path: 'secret/subkeys/*', capabilities: ['read'] },
        { path: 'secret/subkeys/forbidden', capabilities: ['deny'] },
        { path: 'secret/metadata/*', capabilities: ['read', 'list'] },
      ],
    });
    // No engines declared: the KV version of `secret` comes from the server.
    dir = workspace({
      'prod.vault.yaml': `name: prod\nprovider: hashicorp\nurl: ${fake.address}\n`,
      'oracle.connection.yaml': 'name: oracle\nvault_secrets:\n  - vault: prod\n    engine: secret\n    path: data/oracle\nvalue:\n  u: vault.secret(user)\n  p: vault.secret(password)\n',
      'other.connection.yaml': 'name: other\nvalue:\n  p: vault.secret(prod:secret/data/forbidden.password)\n',
    });
  });

  after(async () => {
    await fake.stop();
  });

  test('owner and expiry from custom_metadata, the token\'s capabilities, the live KV version; no value, no token', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: dir, VAULT_TOKEN: TOKEN };
    // The fake's loopback address is trusted explicitly: credentials from the environment go nowhere else.
    const r = await runAsync(['inventory', '--live', '--timeout', '3', '--trust-address', fake.address, '.'], env, dir);
    assert.equal(r.status, 0, r.stderr);
    for (const secret of [...VALUES, TOKEN]) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'no value and no token in the output');
    const inventory = JSON.parse(r.stdout) as Inventory;
    const prod = inventory.vaults.find((v) => v.name === 'prod')!;
    assert.equal(prod.live?.access, 'live');
    assert.deepEqual(prod.engines, [{ path: 'secret', type: 'kv', kvVersion: 2, declared: false, used: true, live: { state: 'ok', mounted: true, type: 'kv', kvVersion: 2 } }]);
    const oracle = inventory.secrets.find((s) => s.id === 'prod:secret/data/oracle')!;
    assert.equal(oracle.owner, 'dba-team');
    assert.equal(oracle.expires, '2030-06-30');
    assert.deepEqual(oracle.live?.keys, ['password', 'user']);
    assert.deepEqual(oracle.live?.permissions, { state: 'ok', path: 'secret/data/oracle', capabilities: ['read'] });
    const forbidden = inventory.secrets.find((s) => s.id === 'prod:secret/data/forbidden')!;
    assert.deepEqual(forbidden.live?.permissions, { state: 'ok', path: 'secret/data/forbidden', capabilities: ['deny'] });
    assert.equal(forbidden.live?.state, 'error');
    assert.equal(forbidden.live?.errorKind, 'permission-denied');

    const veza = await runAsync(['inventory', '--live', '--timeout', '3', '--format', 'veza-oaa', '.'], { ...env, SECRETREFS_TRUSTED_ADDRESSES: fake.address }, dir);
    assert.equal(veza.status, 0, veza.stderr);
    for (const secret of [...VALUES, TOKEN]) assert.ok(!veza.stdout.includes(secret));
    const payload = JSON.parse(veza.stdout) as VezaSecretStorePayload;
    assertVezaShape(payload);
    // deny is not a grant: the credential reads oracle but not forbidden, so on the engine as a whole nothing is common.
    assert.equal(payload.secret_store.identity_to_permissions.find((b) => b.identity === 'credential:prod'), undefined);
    const entry = payload.secret_store.secret_store_vaults.find((v) => v.id === 'prod:secret')!.entries.find((e) => e.id === 'prod:secret/data/oracle')!;
    assert.deepEqual(entry.custom_properties.caller_capabilities, ['read']);
    assert.equal(payload.secret_store.secret_store_vaults.find((v) => v.id === 'prod:secret')!.vault_type, 'kv-v2');
  });
});
