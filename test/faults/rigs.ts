/**
 * One "rig" per network provider for the fault matrix: its loopback fake (serving HTTPS with a
 * certificate the product trusts), a workspace folder with one vault configuration, and the real
 * language server over the in-memory harness with live checks on, credentials as the live suites
 * give them (HashiCorp: VAULT_TOKEN; the clouds: sealed by the "editor" on request), and a low
 * `secretRefs.live.timeoutSeconds`. Each rig translates the matrix's faults to its fake's.
 */
import type { Credential, CredentialParams } from '../../shared/src/customMessages';
import { credentialBinding, newSessionKey, seal } from '../../shared/src/sealing';
import { AwsFake } from '../fakes/awsFake';
import { AzureFake } from '../fakes/azureFake';
import { FakeVault } from '../fakes/fakeVault';
import { GcpFake } from '../fakes/gcpFake';
import { makeFolder, startHarness, type Harness, type HarnessOptions } from '../helpers/lspHarness';
import type { LoopbackTrust } from './loopbackTrust';

export const PROVIDERS = ['hashicorp', 'aws', 'azure', 'gcp'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const FAULTS = ['500', '403', '404', '429', 'hang', 'refused', 'malformed', 'tls'] as const;
export type MatrixFault = (typeof FAULTS)[number];

/** How long completion and hover wait for live facts they need (the product's default is 300 ms). */
export const LIVE_BUDGET_MS = 2000;

export type KeyPair = { key: string; cert: string };

/** What a rig's fake records of each request, as far as the matrix reads it. */
interface Recorded {
  outcome?: number | 'hang' | 'close';
}

/** The fault switch of any of the four fakes (each accepts its own fault shapes). */
interface Switch {
  set(fault: never): void;
  clear(): void;
  ready(): Promise<void>;
}

export interface Rig {
  provider: Provider;
  harness: Harness;
  /** A new connection file's URI. */
  nextUri(): string;
  /** A connection that attaches the healthy secret (keys `k`, `other`) and reads `k` and `nokey`. */
  connection: string;
  /** An open connection file that needs no secret manager (OFFLINE), for probes. */
  offlineUri: string;
  /** Puts the fault on the fake and waits until it applies. */
  setFault(fault: MatrixFault): Promise<void>;
  clearFault(): Promise<void>;
  /** Whether a request is hanging at the fake now. */
  hanging(): boolean;
  /** Forgets the fake's request log. */
  resetRequests(): void;
  /** Requests the fake answered (or left hanging) since resetRequests(). */
  requestCount(): number;
  dispose(): Promise<void>;
}

export interface RigOptions {
  timeoutSeconds: number;
  /** The certificate the fakes present when healthy (trusted by the product). */
  pair: KeyPair;
  /** Trust in `pair` for the SDKs without a CA option (AWS, GCP): their fakes' ports are added. */
  trust: LoopbackTrust;
}

/** A connection that names no vault of the workspace: everything about it is known offline. */
export const OFFLINE = 'name: offline\nvault_secrets:\n  - vault: elsewhere\n    secret: x\nvalue:\n  a: vault.secret(k)\n';

/** Status faults, hang and malformed body, in each fake's own shape, aimed at the secret's requests. */
function requestFault(fault: Exclude<MatrixFault, 'refused' | 'tls'>, scope: Record<string, string>): Record<string, unknown> {
  if (fault === 'hang') return { kind: 'hang', ...scope };
  if (fault === 'malformed') return { kind: 'malformed', ...scope };
  return { kind: 'status', status: Number(fault), ...scope };
}

function switchOf(fake: { faults: unknown }): Switch {
  return fake.faults as Switch;
}

interface Parts {
  provider: Provider;
  folderFiles: Record<string, string>;
  attach: string;
  fakeSwitch: Switch;
  /** Request faults are limited to the secret's requests with this filter. */
  scope: Record<string, string>;
  requests: () => Recorded[];
  resetRequests: () => void;
  stop: () => Promise<void>;
  harness: Omit<HarnessOptions, 'folders'>;
}

async function assemble(parts: Parts, options: RigOptions): Promise<Rig> {
  const folder = makeFolder(parts.folderFiles);
  const harness = await startHarness({
    folders: [folder.uri],
    // Completion and hover may wait this long for a secret manager they need (the live suites use
    // 3000): long enough that a probe held up by an unrelated hang would show.
    liveBudgetMs: LIVE_BUDGET_MS,
    initializationOptions: { settings: { live: { timeoutSeconds: options.timeoutSeconds } } },
    ...parts.harness,
  });
  let n = 0;
  const offlineUri = folder.file('offline.connection.yaml');
  harness.open(offlineUri, OFFLINE);
  return {
    provider: parts.provider,
    harness,
    nextUri: () => folder.file(`${parts.provider}-${++n}.connection.yaml`),
    connection: `name: c\nvault_secrets:\n${parts.attach}value:\n  p: vault.secret(k)\n  q: vault.secret(nokey)\n`,
    offlineUri,
    async setFault(fault) {
      const shaped = fault === 'refused' || fault === 'tls' ? { kind: fault } : requestFault(fault, parts.scope);
      parts.fakeSwitch.set(shaped as never);
      await parts.fakeSwitch.ready();
    },
    async clearFault() {
      parts.fakeSwitch.clear();
      await parts.fakeSwitch.ready();
    },
    hanging: () => parts.requests().some((r) => r.outcome === 'hang'),
    resetRequests: parts.resetRequests,
    requestCount: () => parts.requests().length,
    async dispose() {
      await harness.dispose();
      await parts.stop();
      folder.dispose();
    },
  };
}

/** Seals a credential for the server as the editor does (see test/live/liveCloud.test.ts). */
function sealer(sessionKey: string, make: (p: CredentialParams) => Credential): (params: unknown) => unknown {
  return (params) => {
    const p = params as CredentialParams;
    return { sealed: seal(sessionKey, JSON.stringify(make(p)), credentialBinding(p.vault, p.provider, p.address)) };
  };
}

export async function hashicorpRig(options: RigOptions): Promise<Rig> {
  const token = 'hvs.FAULT-MATRIX-TOKEN-5521';
  const fake = await FakeVault.start({ tls: options.pair });
  fake.mountKv('secret', 2);
  fake.putSecret('secret', 'app', { k: 'v1', other: 'v2' });
  fake.addToken(token, {
    policies: [
      { path: 'secret/*', capabilities: ['read', 'list'] },
      { path: 'sys/mounts', capabilities: ['read'] },
    ],
  });
  const vaultConfig = `name: hv\nprovider: hashicorp\nurl: ${fake.address}\nca_certificate: ca.pem\nengines:\n  secret: { type: kv, version: 2 }\n`;
  return assemble(
    {
      provider: 'hashicorp',
      folderFiles: { 'hv.vault.yaml': vaultConfig, 'ca.pem': options.pair.cert },
      attach: '  - vault: hv\n    engine: secret\n    path: data/app\n',
      fakeSwitch: switchOf(fake),
      scope: { pathPrefix: 'secret/' },
      requests: () => fake.requests,
      resetRequests: () => fake.resetCounts(),
      stop: () => fake.stop(),
      // The fake's address is trusted explicitly: credentials from the environment go nowhere else.
      harness: { env: { VAULT_TOKEN: token, SECRETREFS_TRUSTED_ADDRESSES: fake.address } },
    },
    options,
  );
}

export async function awsRig(options: RigOptions): Promise<Rig> {
  const fake = await AwsFake.start({ region: 'eu-west-1', tls: options.pair });
  fake.createSecret('app', { k: 'v1', other: 'v2' });
  options.trust.allow(fake.port);
  const sessionKey = newSessionKey();
  return assemble(
    {
      provider: 'aws',
      folderFiles: { 'aw.vault.yaml': `name: aw\nprovider: aws\nregion: eu-west-1\nendpoint: ${fake.address}\n` },
      attach: '  - vault: aw\n    secret: app\n',
      fakeSwitch: switchOf(fake),
      scope: {},
      requests: () => fake.requests,
      resetRequests: () => fake.resetCounts(),
      stop: () => fake.stop(),
      harness: {
        env: { SECRETREFS_SESSION_KEY: sessionKey },
        onCredential: sealer(sessionKey, () => ({ kind: 'aws-keys', accessKeyId: 'AKIDFAULTMATRIX', secretAccessKey: 'fault-matrix-secret-key-2290' })),
      },
    },
    options,
  );
}

export async function azureRig(options: RigOptions): Promise<Rig> {
  const token = 'FAULT-MATRIX-azure-token-7313';
  const fake = await AzureFake.start({ tls: options.pair });
  fake.addToken(token);
  fake.setSecret('app', JSON.stringify({ k: 'v1', other: 'v2' }));
  const sessionKey = newSessionKey();
  return assemble(
    {
      provider: 'azure',
      folderFiles: { 'az.vault.yaml': `name: az\nprovider: azure\nvault_url: ${fake.url}\n` },
      attach: '  - vault: az\n    secret: app\n',
      fakeSwitch: switchOf(fake),
      scope: { pathPrefix: '/secrets/' },
      requests: () => fake.requests,
      resetRequests: () => fake.resetCounts(),
      stop: () => fake.stop(),
      harness: {
        env: { SECRETREFS_SESSION_KEY: sessionKey },
        providerTesting: { azure: { disableChallengeResourceVerification: true, caCertificate: options.pair.cert } },
        onCredential: sealer(sessionKey, () => ({ kind: 'azure-token', token })),
      },
    },
    options,
  );
}

export async function gcpRig(options: RigOptions): Promise<Rig> {
  const fake = await GcpFake.start({ tls: options.pair });
  const sa = fake.createServiceAccount();
  fake.createSecret('app');
  fake.addVersion('app', { k: 'v1', other: 'v2' });
  options.trust.allow(fake.port);
  const sessionKey = newSessionKey();
  return assemble(
    {
      provider: 'gcp',
      folderFiles: { 'g.vault.yaml': `name: g\nprovider: gcp\nproject: ${fake.projectId}\nendpoint: https://${fake.endpoint}\n` },
      attach: '  - vault: g\n    secret: app\n',
      fakeSwitch: switchOf(fake),
      scope: { pathPrefix: 'projects/' },
      requests: () => fake.requests,
      resetRequests: () => fake.resetCounts(),
      stop: () => fake.stop(),
      harness: {
        env: { SECRETREFS_SESSION_KEY: sessionKey },
        onCredential: sealer(sessionKey, () => ({ kind: 'gcp-service-account', json: sa.json })),
      },
    },
    options,
  );
}

export const RIGS: Record<Provider, (options: RigOptions) => Promise<Rig>> = {
  hashicorp: hashicorpRig,
  aws: awsRig,
  azure: azureRig,
  gcp: gcpRig,
};

