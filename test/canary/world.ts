/**
 * Everything the leak canary suite runs against: the loopback fakes seeded with canary-derived
 * secret values, the canary-derived credentials, a temporary HOME / TMPDIR / XDG tree and a
 * workspace of vault configurations and connection files covering every provider, with good,
 * missing, forbidden and unknown-key references and vaults whose credentials are wrong.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Credential } from '../../shared/src/customMessages';
import { credentialBinding, newSessionKey, seal } from '../../shared/src/sealing';
import { AwsFake } from '../fakes/awsFake';
import { AzureFake } from '../fakes/azureFake';
import { FakeVault } from '../fakes/fakeVault';
import { GcpFake, type ServiceAccount } from '../fakes/gcpFake';
import { Canary, LeakScanner } from './scanner';
import { Forwarder, harvestJsonStrings, makeCertificate, type CertificatePair } from './tls';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const serverJs = join(repoRoot, 'dist', 'server.js');
export const cliJs = join(repoRoot, 'dist', 'cli.js');
export const netShim = join(repoRoot, 'test', 'canary', 'netShim.cjs');

/** The Azure vault's host name: a real Key Vault domain (the SDK checks it) that the shim maps to loopback. */
export const azureHost = 'secretrefs-canary.vault.azure.net';
const GOOD_KEY_ID = 'AKIASECRETREFSGOOD01';
const WRONG_KEY_ID = 'AKIASECRETREFSWRONG1';
const ROLE_ID = 'secretrefs-canary-role';
const AZURE_CLIENT_ID = 'secretrefs-canary-app';

/** What each planted credential is. */
export interface Credentials {
  vaultToken: string;
  vaultTokenWrong: string;
  roleId: string;
  secretId: string;
  secretIdWrong: string;
  localKey: string;
  localKeyWrong: string;
  awsKeyId: string;
  awsKeyIdWrong: string;
  awsSecretKey: string;
  awsSecretKeyWrong: string;
  awsSessionToken: string;
  azureToken: string;
  azureTokenWrong: string;
  azureTenant: string;
  azureClientId: string;
  azureClientSecret: string;
  azureClientSecretWrong: string;
  gcp: ServiceAccount;
  gcpWrong: ServiceAccount;
}

/** Text of the workspace's files, by path relative to the workspace. */
export type Files = Record<string, string>;

export class World {
  readonly canary = new Canary();
  readonly scanner = new LeakScanner();
  readonly root: string;
  readonly home: string;
  readonly tmp: string;
  readonly xdg: Record<'config' | 'cache' | 'data' | 'state', string>;
  readonly workspace: string;
  /** Inputs the test itself writes that hold credentials (the GCP key files, ~/.vault-token): not product output. */
  readonly fixtures: string;
  readonly credentials: Credentials;
  /** Strings the user wrote into workspace files (a hard-coded password, a token in a vault configuration). */
  readonly literals: { password: string; tokenInConfig: string };
  files: Files = {};
  cert!: CertificatePair;
  vault!: FakeVault;
  /** Plain-HTTP forwarder in front of the fake Vault: keeps the tokens AppRole logins issue. */
  vaultProxy!: Forwarder;
  aws!: AwsFake;
  azure!: AzureFake;
  gcp!: GcpFake;
  /** TLS in front of the GCP fake (the built server only speaks https to GCP). */
  gcpTls!: Forwarder;
  /** Files the test wrote that hold credentials on purpose (relative to root). */
  readonly inputFiles = new Set<string>();

  private constructor() {
    this.root = realpathSync(mkdtempSync(join(tmpdir(), 'secretrefs-canary-')));
    this.home = join(this.root, 'home');
    this.tmp = join(this.root, 'tmp');
    this.xdg = { config: join(this.root, 'xdg', 'config'), cache: join(this.root, 'xdg', 'cache'), data: join(this.root, 'xdg', 'data'), state: join(this.root, 'xdg', 'state') };
    this.workspace = join(this.root, 'workspace');
    this.fixtures = join(this.root, 'fixtures');
    for (const dir of [this.home, this.tmp, ...Object.values(this.xdg), this.workspace, this.fixtures]) mkdirSync(dir, { recursive: true });
    const d = (label: string) => this.canary.derive(label);
    this.credentials = {
      vaultToken: `hvs.${d('vault-token')}`,
      vaultTokenWrong: `hvs.${d('vault-token-wrong')}`,
      roleId: ROLE_ID,
      secretId: d('approle-secret-id'),
      secretIdWrong: d('approle-secret-id-wrong'),
      localKey: d('local-passphrase'),
      localKeyWrong: d('local-passphrase-wrong'),
      awsKeyId: GOOD_KEY_ID,
      awsKeyIdWrong: WRONG_KEY_ID,
      awsSecretKey: d('aws-secret-access-key'),
      awsSecretKeyWrong: d('aws-secret-access-key-wrong'),
      awsSessionToken: d('aws-session-token'),
      azureToken: d('azure-token'),
      azureTokenWrong: d('azure-token-wrong'),
      azureTenant: '11111111-2222-3333-4444-555555555555',
      azureClientId: AZURE_CLIENT_ID,
      azureClientSecret: d('azure-client-secret'),
      azureClientSecretWrong: d('azure-client-secret-wrong'),
      gcp: undefined as unknown as ServiceAccount,
      gcpWrong: undefined as unknown as ServiceAccount,
    };
    this.literals = { password: d('hardcoded-password'), tokenInConfig: d('token-in-vault-config') };
  }

  static async create(): Promise<World> {
    const world = new World();
    try {
      await world.start();
    } catch (error) {
      await world.stop();
      throw error;
    }
    return world;
  }

  private async start(): Promise<void> {
    const d = (label: string) => this.canary.derive(label);
    const c = this.credentials;
    this.cert = makeCertificate(this.fixtures, [azureHost]);
    this.inputFiles.add('fixtures/tls-key.pem');
    this.inputFiles.add('fixtures/tls-cert.pem');

    // HashiCorp Vault: KV v2 and v1, a denied path, a deleted version, a token, an AppRole.
    this.vault = await FakeVault.start();
    this.vault.mountKv('secret', 2);
    this.vault.mountKv('legacy', 1);
    this.vault.putSecret('secret', 'app/db', { user: d('hc-user'), password: d('hc-password') }, { customMetadata: { owner: 'dba-team' } });
    this.vault.putSecret('secret', 'app/locked', { password: d('hc-locked') });
    this.vault.putSecret('secret', 'app/gone', { password: d('hc-gone-v1') });
    this.vault.putSecret('secret', 'app/gone', { password: d('hc-gone-v2') });
    this.vault.deleteVersion('secret', 'app/gone', 2);
    this.vault.putSecret('legacy', 'mail', { relay: d('hc-relay') });
    this.vault.putSecret('secret', 'app/nested', { config: { user: d('hc-nested-user'), list: [d('hc-nested-item')] }, port: 5432 });
    const policies = [
      { path: 'secret/data/*', capabilities: ['read', 'create', 'update'] as const },
      { path: 'secret/data/app/locked', capabilities: ['deny'] as const },
      { path: 'secret/subkeys/*', capabilities: ['read'] as const },
      { path: 'secret/subkeys/app/locked', capabilities: ['deny'] as const },
      { path: 'secret/metadata/*', capabilities: ['read', 'list'] as const },
      { path: 'legacy/*', capabilities: ['read', 'list'] as const },
      { path: 'sys/mounts', capabilities: ['read'] as const },
    ].map((p) => ({ path: p.path, capabilities: [...p.capabilities] }));
    this.vault.addToken(c.vaultToken, { ttlSeconds: 3600, policies });
    // AppRole tokens are not renewable: with auto_renew the server says so (window/showMessage).
    this.vault.addAppRole('canary', c.roleId, c.secretId, { ttlSeconds: 3600, renewable: false, policies });
    this.vaultProxy = new Forwarder(this.vault.port);
    await this.vaultProxy.start();

    // AWS Secrets Manager: JSON, plain text, denied, scheduled for deletion; only one access key id is known.
    this.aws = await AwsFake.start({ region: 'eu-west-1', accessKeyIds: [c.awsKeyId] });
    this.aws.createSecret('app-db', { user: d('aws-user'), password: d('aws-password') }, { description: 'Payments database', tags: { owner: 'payments' } });
    this.aws.createSecret('app-plain', d('aws-plain'));
    this.aws.createSecret('app-locked', { password: d('aws-locked') });
    this.aws.deny('app-locked', ['GetSecretValue', 'DescribeSecret', 'ListSecretVersionIds']);
    this.aws.createSecret('app-old', { password: d('aws-old') });
    // Shapes that break parsers: binary, and JSON cut short in the middle of a value.
    this.aws.createSecret('app-binary', Buffer.concat([Buffer.from([0, 0xff, 0xfe]), Buffer.from(d('aws-binary'))]));
    this.aws.createSecret('app-almostjson', `{"password": "${d('aws-almost-json')}`);
    this.aws.scheduleDeletion('app-old');

    // Azure Key Vault over TLS (its Entra token endpoint too): a bearer token and an application.
    this.azure = await AzureFake.start({ tls: { key: this.cert.key, cert: this.cert.cert }, tenantId: c.azureTenant });
    this.azure.addToken(c.azureToken);
    this.azure.addClient(c.azureClientId, c.azureClientSecret);
    this.azure.setSecret('app-db', JSON.stringify({ user: d('az-user'), password: d('az-password') }));
    this.azure.setSecret('app-plain', d('az-plain'));
    this.azure.setSecret('app-locked', JSON.stringify({ password: d('az-locked') }));
    this.azure.deny(['get', 'versions'], { secret: 'app-locked' });
    this.azure.setSecret('app-off', d('az-disabled'), { enabled: false });
    this.azure.setSecret('app-almostjson', `{"password": "${d('az-almost-json')}`);

    // GCP Secret Manager behind TLS: a trusted service account, and one whose key was deleted.
    this.gcp = await GcpFake.start();
    c.gcp = this.gcp.createServiceAccount();
    c.gcpWrong = this.gcp.createServiceAccount(`secretrefs-revoked@${this.gcp.projectId}.iam.gserviceaccount.com`, true);
    this.gcp.revokeServiceAccount(c.gcpWrong.email);
    this.gcp.createSecret('app-db');
    this.gcp.addVersion('app-db', { user: d('gcp-user'), password: d('gcp-password') });
    this.gcp.createSecret('app-plain');
    this.gcp.addVersion('app-plain', d('gcp-plain'));
    this.gcp.createSecret('app-locked');
    this.gcp.addVersion('app-locked', { password: d('gcp-locked') });
    this.gcp.deny('secretmanager.versions.access', { secret: 'app-locked' });
    this.gcp.createSecret('app-binary');
    this.gcp.addVersion('app-binary', Buffer.concat([Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(d('gcp-binary'))]));
    this.gcp.createSecret('app-almostjson');
    this.gcp.addVersion('app-almostjson', `{"password": "${d('gcp-almost-json')}`);
    this.gcpTls = new Forwarder(this.gcp.port, this.cert);
    await this.gcpTls.start();
    this.gcp.acceptAudience(this.gcpTls.origin); // the key's JWT names the endpoint it goes to: the forwarder
    this.writeFixture('gcp-key.json', c.gcp.json);
    this.writeFixture('gcp-key-revoked.json', c.gcpWrong.json);

    this.addNeedles();
    this.files = this.workspaceFiles();
    for (const [rel, text] of Object.entries(this.files)) {
      mkdirSync(dirname(join(this.workspace, rel)), { recursive: true });
      writeFileSync(join(this.workspace, rel), text);
    }
  }

  private writeFixture(name: string, text: string): string {
    const file = join(this.fixtures, name);
    writeFileSync(file, text);
    this.inputFiles.add(`fixtures/${name}`);
    return file;
  }

  /** Writes a credential file into the temporary HOME (e.g. ~/.vault-token), as a user would have it. */
  writeHomeFile(rel: string, text: string): void {
    mkdirSync(dirname(join(this.home, rel)), { recursive: true });
    writeFileSync(join(this.home, rel), text);
    this.inputFiles.add(`home/${rel}`);
  }

  fixture(name: string): string {
    return join(this.fixtures, name);
  }

  private addNeedles(): void {
    this.scanner.add('canary', this.canary.value);
    // Credentials that cannot carry the canary: the service-account keys (PEM body lines, key id).
    for (const [label, sa] of [['gcp key', this.credentials.gcp], ['revoked gcp key', this.credentials.gcpWrong]] as const) {
      const key = JSON.parse(sa.json) as { private_key: string; private_key_id: string };
      this.scanner.add(`${label} private_key_id`, key.private_key_id);
      key.private_key
        .split('\n')
        .filter((line) => line.length >= 16 && !line.startsWith('-----'))
        .forEach((line, i) => this.scanner.add(`${label} PEM line ${i + 1}`, line));
    }
  }

  /** Tokens the fakes issued during the run (AppRole logins), added as needles; returns how many. */
  harvestIssuedTokens(): number {
    const tokens = harvestJsonStrings(this.vaultProxy.answered, 'client_token');
    for (const [i, token] of tokens.entries()) this.scanner.add(`AppRole-issued Vault token ${i + 1}`, token);
    return tokens.length;
  }

  uri(rel: string): string {
    return pathToFileURL(join(this.workspace, rel)).href;
  }

  /** The addresses of the fakes as the vault configurations name them (trusted for the CLI's environment credentials). */
  get trustedAddresses(): string[] {
    return [this.vaultProxy.origin, this.aws.address, `https://${azureHost}:${this.azure.port}`, this.gcpTls.origin];
  }

  get workspaceUri(): string {
    return pathToFileURL(this.workspace).href;
  }

  private workspaceFiles(): Files {
    const hc = (name: string, extra = '') =>
      `name: ${name}\nprovider: hashicorp\nurl: ${this.vaultProxy.origin}\n${extra}engines:\n  secret: { type: kv, version: 2 }\n  legacy: { type: kv, version: 1 }\n`;
    const aws = (name: string) => `name: ${name}\nprovider: aws\nregion: eu-west-1\nendpoint: ${this.aws.address}\n`;
    const azure = (name: string) => `name: ${name}\nprovider: azure\nvault_url: https://${azureHost}:${this.azure.port}\n`;
    const gcp = (name: string) => `name: ${name}\nprovider: gcp\nproject: ${this.gcp.projectId}\nendpoint: ${this.gcpTls.origin}\n`;
    const attach = (alias: string, vault: string, where: string) => `  - vault: ${vault}\n    alias: ${alias}\n${where}`;
    const hcPath = (engine: string, path: string) => `    engine: ${engine}\n    path: ${path}\n`;
    const named = (secret: string) => `    secret: ${secret}\n`;
    return {
      'vaults/hc.vault.yaml': hc('hc'),
      'vaults/hcwrong.vault.yaml': hc('hcwrong'),
      'vaults/hcrole.vault.yaml': hc('hcrole', 'auth: approle\nauto_renew: true\n'),
      // A user's mistake: a token in a vault configuration (reported as credential-in-config).
      'vaults/hcbad.vault.yaml': hc('hcbad', `token: ${this.literals.tokenInConfig}\n`),
      'vaults/dev.vault.yaml': 'name: dev\nprovider: local\n',
      'vaults/pay.vault.yaml': aws('pay'),
      'vaults/paywrong.vault.yaml': aws('paywrong'),
      'vaults/az.vault.yaml': azure('az'),
      'vaults/azwrong.vault.yaml': azure('azwrong'),
      'vaults/azsp.vault.yaml': azure('azsp'),
      'vaults/g.vault.yaml': gcp('g'),
      'vaults/gwrong.vault.yaml': gcp('gwrong'),
      'connections/hc.connection.yaml':
        'name: hc-app\nvault_secrets:\n' +
        attach('db', 'hc', hcPath('secret', 'data/app/db')) +
        attach('missing', 'hc', hcPath('secret', 'data/app/missing')) +
        attach('locked', 'hc', hcPath('secret', 'data/app/locked')) +
        attach('gone', 'hc', hcPath('secret', 'data/app/gone')) +
        attach('mail', 'hc', hcPath('legacy', 'mail')) +
        attach('wrong', 'hcwrong', hcPath('secret', 'data/app/db')) +
        attach('role', 'hcrole', hcPath('secret', 'data/app/db')) +
        attach('nested', 'hc', hcPath('secret', 'data/app/nested')) +
        'value:\n' +
        '  user: vault.secret(db.user)\n' +
        '  password: vault.secret(db.password)\n' +
        '  typo: vault.secret(db.pasword)\n' +
        '  missing: vault.secret(missing.password)\n' +
        '  locked: vault.secret(locked.password)\n' +
        '  gone: vault.secret(gone.password)\n' +
        '  relay: vault.secret(mail.relay)\n' +
        '  wrong: vault.secret(wrong.password)\n' +
        '  role: vault.secret(role.password)\n' +
        '  inline: vault.secret(hc:secret/data/app/db.password)\n' +
        '  whole: vault.secret(db.*)\n' +
        '  nested: vault.secret(nested.config)\n' +
        '  nested_typo: vault.secret(nested.confg)\n' +
        '  nested_whole: vault.secret(nested.*)\n',
      'connections/local.connection.yaml':
        'name: local-app\nvault_secrets:\n' +
        attach('db', 'dev', named('app/db')) +
        attach('missing', 'dev', named('app/missing')) +
        'value:\n  user: vault.secret(db.user)\n  password: vault.secret(db.password)\n  typo: vault.secret(db.pasword)\n  missing: vault.secret(missing.password)\n',
      'connections/cloud.connection.yaml':
        'name: cloud-app\nvault_secrets:\n' +
        attach('aws', 'pay', named('app-db')) +
        attach('awsplain', 'pay', named('app-plain')) +
        attach('awsmissing', 'pay', named('app-missing')) +
        attach('awslocked', 'pay', named('app-locked')) +
        attach('awsold', 'pay', named('app-old')) +
        attach('awswrong', 'paywrong', named('app-db')) +
        attach('az', 'az', named('app-db')) +
        attach('azplain', 'az', named('app-plain')) +
        attach('azmissing', 'az', named('app-missing')) +
        attach('azlocked', 'az', named('app-locked')) +
        attach('azoff', 'az', named('app-off')) +
        attach('azwrong', 'azwrong', named('app-db')) +
        attach('azsp', 'azsp', named('app-db')) +
        attach('g', 'g', named('app-db')) +
        attach('gplain', 'g', named('app-plain')) +
        attach('gmissing', 'g', named('app-missing')) +
        attach('glocked', 'g', named('app-locked')) +
        attach('gwrong', 'gwrong', named('app-db')) +
        attach('awsbin', 'pay', named('app-binary')) +
        attach('awsalmost', 'pay', named('app-almostjson')) +
        attach('azalmost', 'az', named('app-almostjson')) +
        attach('gbin', 'g', named('app-binary')) +
        attach('galmost', 'g', named('app-almostjson')) +
        'value:\n' +
        ['aws', 'az', 'g']
          .map((p) =>
            [
              `  ${p}_user: vault.secret(${p}.user)`,
              `  ${p}_password: vault.secret(${p}.password)`,
              `  ${p}_typo: vault.secret(${p}.pasword)`,
              `  ${p}_plain: vault.secret(${p}plain.*)`,
              `  ${p}_plain_key: vault.secret(${p}plain.password)`,
              `  ${p}_missing: vault.secret(${p}missing.password)`,
              `  ${p}_locked: vault.secret(${p}locked.password)`,
              `  ${p}_wrong: vault.secret(${p}wrong.password)`,
            ].join('\n'),
          )
          .join('\n') +
        '\n  aws_old: vault.secret(awsold.password)\n  az_off: vault.secret(azoff.*)\n  az_sp: vault.secret(azsp.password)\n' +
        ['awsbin', 'awsalmost', 'azalmost', 'gbin', 'galmost'].map((a) => `  ${a}_whole: vault.secret(${a}.*)\n  ${a}_key: vault.secret(${a}.password)\n`).join(''),
      // A hard-coded password the user typed (hardcoded-credential; Move to vault... moves it).
      'connections/literal.connection.yaml': `name: literal-app\nvalue:\n  host: db.internal\n  db_password: ${this.literals.password}\n`,
    };
  }

  /** The credential the test's editor answers for a vault (sealed by the caller). */
  credentialFor(vault: string): Credential | undefined {
    const c = this.credentials;
    switch (vault) {
      case 'hc':
      case 'hcbad':
        return { kind: 'token', token: c.vaultToken };
      case 'hcwrong':
        return { kind: 'token', token: c.vaultTokenWrong };
      case 'hcrole':
        return { kind: 'approle', roleId: c.roleId, secretId: c.secretId };
      case 'dev':
        return { kind: 'local-key', key: c.localKey };
      case 'pay':
        return { kind: 'aws-keys', accessKeyId: c.awsKeyId, secretAccessKey: c.awsSecretKey, sessionToken: c.awsSessionToken };
      case 'paywrong':
        return { kind: 'aws-keys', accessKeyId: c.awsKeyIdWrong, secretAccessKey: c.awsSecretKeyWrong };
      case 'az':
        return { kind: 'azure-token', token: c.azureToken };
      case 'azwrong':
        return { kind: 'azure-token', token: c.azureTokenWrong };
      case 'azsp':
        // No authority host travels with it: the default one is unreachable here (the shim blocks it).
        return { kind: 'azure-client-secret', tenantId: c.azureTenant, clientId: c.azureClientId, clientSecret: c.azureClientSecret };
      case 'g':
        return { kind: 'gcp-service-account', json: c.gcp.json };
      case 'gwrong':
        return { kind: 'gcp-service-account', json: c.gcpWrong.json };
      default:
        return undefined;
    }
  }

  /** Answers a `secretRefs/credential` request as the VS Code client does: sealed, bound to vault and address. */
  sealedCredential(sessionKey: string, params: unknown): { sealed: string } | null {
    const p = params as { vault: string; provider: string; address: string };
    const credential = this.credentialFor(p.vault);
    return credential ? { sealed: seal(sessionKey, JSON.stringify(credential), credentialBinding(p.vault, p.provider, p.address)) } : null;
  }

  /** The environment of a spawned product process: temporary HOME/TMPDIR/XDG, loopback-only shim, the TLS certificate. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.home,
      USERPROFILE: this.home,
      TMPDIR: this.tmp,
      TMP: this.tmp,
      TEMP: this.tmp,
      XDG_CONFIG_HOME: this.xdg.config,
      XDG_CACHE_HOME: this.xdg.cache,
      XDG_DATA_HOME: this.xdg.data,
      XDG_STATE_HOME: this.xdg.state,
      LANG: 'C.UTF-8',
      NODE_EXTRA_CA_CERTS: this.cert.certFile,
      SECRETREFS_CANARY_LOOPBACK_HOSTS: azureHost,
      // Nothing from the developer's own environment: no AWS/GCP config files outside HOME.
      AWS_CONFIG_FILE: join(this.home, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(this.home, '.aws', 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...extra,
    };
  }

  readonly execArgv = ['--require', netShim];

  newSessionKey(): string {
    const key = newSessionKey();
    this.scanner.add('session key', key);
    return key;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.vaultProxy?.stop(), this.gcpTls?.stop()]);
    await Promise.allSettled([this.vault?.stop(), this.aws?.stop(), this.azure?.stop(), this.gcp?.stop()]);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
