/**
 * The built CLI (dist/cli.js) with credentials in its environment: local put/get/list, check
 * (text, json, sarif; live and offline) and inventory (json, veza-oaa), with good and with wrong
 * credentials. Every stdout and stderr is kept.
 */
import { spawn } from 'node:child_process';
import { cliJs, type World } from './world';

export interface CliRun {
  name: string;
  args: string[];
  stdout: string;
  stderr: string;
  status: number | null;
  /** `local get`: stdout is the explicit way to see a value (like a preview). */
  revealsValue: boolean;
  ms: number;
}

function run(world: World, name: string, args: string[], env: NodeJS.ProcessEnv, revealsValue = false): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...world.execArgv, cliJs, ...args], { cwd: world.workspace, env: world.env(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ name, args, stdout, stderr, status, revealsValue, ms: Date.now() - started });
    });
  });
}

/** Runs `tasks` at most `width` at a time. */
async function pool<T>(width: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

/** The environment credentials of every provider; `wrong` gives each provider a credential it refuses. */
export function cliCredentials(world: World, wrong: boolean): NodeJS.ProcessEnv {
  const c = world.credentials;
  return {
    VAULT_TOKEN: wrong ? c.vaultTokenWrong : c.vaultToken,
    VAULT_ROLE_ID: c.roleId,
    VAULT_SECRET_ID: wrong ? c.secretIdWrong : c.secretId,
    SECRETREFS_LOCAL_KEY: wrong ? c.localKeyWrong : c.localKey,
    AWS_ACCESS_KEY_ID: wrong ? c.awsKeyIdWrong : c.awsKeyId,
    AWS_SECRET_ACCESS_KEY: wrong ? c.awsSecretKeyWrong : c.awsSecretKey,
    ...(wrong ? {} : { AWS_SESSION_TOKEN: c.awsSessionToken }),
    AWS_REGION: 'eu-west-1',
    AZURE_TENANT_ID: c.azureTenant,
    AZURE_CLIENT_ID: c.azureClientId,
    AZURE_CLIENT_SECRET: wrong ? c.azureClientSecretWrong : c.azureClientSecret,
    AZURE_AUTHORITY_HOST: world.azure.authorityHost,
    GOOGLE_APPLICATION_CREDENTIALS: world.fixture(wrong ? 'gcp-key-revoked.json' : 'gcp-key.json'),
    // Credentials from the environment go only to trusted addresses: the fakes' are named here.
    SECRETREFS_TRUSTED_ADDRESSES: world.trustedAddresses.join(','),
  };
}

/** Creates the local vault's secrets (the other scenarios read them) and ~/.vault-token. */
export async function prepareLocalVault(world: World): Promise<CliRun[]> {
  const d = (label: string) => world.canary.derive(label);
  const local = { SECRETREFS_LOCAL_KEY: world.credentials.localKey };
  const runs: CliRun[] = [];
  runs.push(await run(world, 'local put', ['local', 'put', 'dev', 'app/db', `user=${d('local-user')}`, `password=${d('local-password')}`], local));
  runs.push(await run(world, 'local put (second version)', ['local', 'put', 'dev', 'app/db', `user=${d('local-user')}`, `password=${d('local-password-v2')}`, '--cas', '1'], local));
  runs.push(await run(world, 'local put (stale --cas)', ['local', 'put', 'dev', 'app/db', `password=${d('local-password-rejected')}`, '--cas', '1'], local));
  // ~/.vault-token, as `vault login` leaves it: the inventory run below has no VAULT_TOKEN.
  world.writeHomeFile('.vault-token', `${world.credentials.vaultToken}\n`);
  return runs;
}

/** Every other command, three at a time. */
export async function runCli(world: World): Promise<CliRun[]> {
  const c = world.credentials;
  const local = { SECRETREFS_LOCAL_KEY: c.localKey };
  const good = cliCredentials(world, false);
  const wrong = cliCredentials(world, true);
  const goodWithoutToken = { ...good };
  delete goodWithoutToken.VAULT_TOKEN;
  const tasks: Array<() => Promise<CliRun>> = [
    () => run(world, 'check --live', ['check', '--live', '--timeout', '10', '.'], good),
    () => run(world, 'check --live --format sarif (wrong credentials)', ['check', '--live', '--timeout', '10', '--format', 'sarif', '.'], wrong),
    () => run(world, 'inventory --live --format json (~/.vault-token)', ['inventory', '--live', '--timeout', '10', '--format', 'json', '.'], goodWithoutToken),
    () => run(world, 'check --format json (offline)', ['check', '--format', 'json', '.'], {}),
    () => run(world, 'local get KEY', ['local', 'get', 'dev', 'app/db', 'password'], local, true),
    () => run(world, 'local get (unknown key)', ['local', 'get', 'dev', 'app/db', 'pasword'], local),
    () => run(world, 'local get (wrong key)', ['local', 'get', 'dev', 'app/db', 'password'], { SECRETREFS_LOCAL_KEY: c.localKeyWrong }),
  ];
  return pool(3, tasks);
}
