/**
 * Shared set-up for the command tests: a started extension with one workspace folder and a fake
 * server that knows a few vault configurations.
 */
import { afterEach } from 'node:test';
import { listVaultsRequest, resetCacheRequest, type VaultSummary } from '../../shared/src/customMessages';
import { startExtension, type SecretRefsExtension } from '../../client/src/startExtension';
import { folder, harness, settle, type Harness } from './fakes';

export const vaults = {
  prod: {
    name: 'prod',
    provider: 'hashicorp',
    address: 'https://vault.example.com:8200',
    enabled: true,
    uri: 'file:///ws/a/prod.vault.yaml',
    folder: 'file:///ws/a',
    access: 'no-credentials',
  },
  local: { name: 'dev', provider: 'local', address: '', enabled: true, uri: 'file:///ws/a/dev.vault.yaml', folder: 'file:///ws/a', access: 'no-credentials' },
  // The server names every cloud vault's origin, the provider's own endpoint when the file names none.
  aws: { name: 'payments', provider: 'aws', address: 'https://secretsmanager.eu-west-1.amazonaws.com', enabled: true, uri: 'file:///ws/a/payments.vault.yaml', folder: 'file:///ws/a', access: 'no-credentials' },
  azure: {
    name: 'kv',
    provider: 'azure',
    address: 'https://team.vault.azure.net',
    enabled: true,
    uri: 'file:///ws/a/kv.vault.yaml',
    folder: 'file:///ws/a',
    access: 'no-credentials',
  },
  gcp: { name: 'gsm', provider: 'gcp', address: 'https://secretmanager.googleapis.com', enabled: true, uri: 'file:///ws/a/gsm.vault.yaml', folder: 'file:///ws/a', access: 'no-credentials' },
  disabled: {
    name: 'old',
    provider: 'hashicorp',
    address: 'https://old.example.com',
    enabled: false,
    uri: 'file:///ws/a/old.vault.yaml',
    folder: 'file:///ws/a',
    access: 'off',
  },
} satisfies Record<string, VaultSummary>;

export const allVaults: VaultSummary[] = Object.values(vaults);

let running: SecretRefsExtension[] = [];

afterEach(async () => {
  await Promise.all(running.map((ext) => ext.stop()));
  running = [];
});

export interface Started {
  h: Harness;
  ext: SecretRefsExtension;
  /** Runs a command and waits for it (and what it started) to finish. */
  run(command: string, ...args: unknown[]): Promise<void>;
}

/** A started extension whose server lists `list` (all the vaults above by default) and accepts resetCache. */
export async function started(setup?: (h: Harness) => void, list: VaultSummary[] = allVaults): Promise<Started> {
  const h = harness((h) => {
    h.workspace.workspaceFolders = [folder('a')];
    h.responders.set(listVaultsRequest, () => ({ vaults: list }));
    h.responders.set(resetCacheRequest, () => null);
    setup?.(h);
  });
  const ext = startExtension(h.deps);
  running.push(ext);
  await ext.ready;
  await settle();
  return {
    h,
    ext,
    async run(command, ...args) {
      await h.commands.run(command, ...args);
      await settle();
    },
  };
}

/** Requests other than the status item's listVaults. */
export function requestsBesidesListing(h: Harness): string[] {
  return h.clients.flatMap((c) => c.requests).map((r) => r.method).filter((m) => m !== listVaultsRequest);
}

/** Every value in SecretStorage, the mementos and the output, as one string (to look for leaks). */
export function everythingButSecrets(h: Harness): string {
  return JSON.stringify({
    output: h.output.text(),
    messages: h.window.messages,
    workspaceState: [...h.workspaceState.data],
    globalState: [...h.globalState.data],
    secretLog: h.secrets.log,
    files: [...h.workspace.fs.files.keys()].map((k) => h.workspace.fs.text(k)),
  });
}
