/**
 * Shared by the editor tests in this folder (Neovim, Emacs/eglot): a throw-away workspace, an
 * isolated environment for the editor, finding the editor, and a bounded child process run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const serverJs = path.join(repoRoot, 'dist', 'server.js');
export const fixtures = fileURLToPath(new URL('.', import.meta.url));
export const inCi = process.env.CI === 'true';

/** A vault with a declared KV v2 engine, one connection missing `data/`, one with a vault typo. */
export const files = {
  'vaults/prod.vault.yaml': `name: prod
provider: hashicorp
url: http://127.0.0.1:9
engines:
  secret: { type: kv, version: 2 }
`,
  // Line 6 (0-based 5) lacks the data/ prefix; line 11 names an engine the vault does not declare.
  'oracle.connection.yaml': `name: oracle
connector_type: SQLORACLE
vault_secrets:
  - vault: prod
    engine: secret
    path: oracle
value:
  host: my-oracle-server
  user: vault.secret(user)
  password: vault.secret(password)
  audit: vault.secret(prod:nosuch/data/audit.password)
`,
  // Line 3 (0-based 2): `vault: prdo`, a typo of prod.
  'typo.connection.yaml': `name: typo
vault_secrets:
  - vault: prdo
    engine: secret
    path: data/typo
value:
  password: vault.secret(password)
`,
};

export interface Workspace {
  /** Holds root and scratch; removed by removeWorkspace. */
  base: string;
  /** The folder holding the files (root_dir). */
  root: string;
  /** Scratch space: HOME, XDG folders, bin/, the results file. */
  scratch: string;
  results: string;
  /** Holds `secretrefs-language-server`, running the built server as an installed package's bin would. */
  bin: string;
}

export function makeWorkspace(prefix: string): Workspace {
  const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  const root = path.join(base, 'workspace');
  const scratch = path.join(base, 'scratch');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  for (const dir of ['home', 'config', 'data', 'state', 'cache', 'bin']) mkdirSync(path.join(scratch, dir), { recursive: true });
  const bin = path.join(scratch, 'bin');
  const shim = path.join(bin, 'secretrefs-language-server');
  writeFileSync(shim, `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(serverJs)} "$@"\n`);
  chmodSync(shim, 0o755);
  return { base, root, scratch, results: path.join(scratch, 'results.json'), bin };
}

export function removeWorkspace(workspace: Workspace): void {
  rmSync(workspace.base, { recursive: true, force: true });
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The editor's environment: this one without credentials or provider variables, with HOME and the
 * XDG folders in scratch space so no user configuration, plugin, shada or log file is involved.
 */
export function editorEnv(workspace: Workspace, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VAULT_|AWS_|AZURE_|GOOGLE_|SECRETREFS_)/.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, {
    HOME: path.join(workspace.scratch, 'home'),
    XDG_CONFIG_HOME: path.join(workspace.scratch, 'config'),
    XDG_DATA_HOME: path.join(workspace.scratch, 'data'),
    XDG_STATE_HOME: path.join(workspace.scratch, 'state'),
    XDG_CACHE_HOME: path.join(workspace.scratch, 'cache'),
    PATH: `${workspace.bin}${path.delimiter}${process.env.PATH ?? ''}`,
    ...extra,
  });
  return env;
}

/** The first line of `PROGRAM --version`, or undefined when PROGRAM is not on PATH. */
export function programVersion(program: string): string | undefined {
  const probe = spawnSync(program, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (probe.error || probe.status !== 0) return undefined;
  return probe.stdout.split('\n')[0]?.trim();
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs a program with no stdin, killing it after `timeoutMs`. Never rejects. */
export function run(program: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, timedOut, stdout, stderr: `${stderr}${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr });
    });
  });
}

/** The JSON the editor script wrote; fails with everything known when there is none. */
export function readResults<T>(workspace: Workspace, editor: string, result: RunResult): T {
  const context = `${editor} exit code ${result.code}, signal ${result.signal}${result.timedOut ? ', killed after the timeout' : ''}\nstdout: ${result.stdout.slice(-2000)}\nstderr: ${result.stderr.slice(-2000)}`;
  if (!existsSync(workspace.results)) throw new Error(`${editor} wrote no results file.\n${context}`);
  try {
    return JSON.parse(readFileSync(workspace.results, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${editor} wrote unreadable results (${error instanceof Error ? error.message : String(error)}).\n${context}`);
  }
}

/** Fails when the built server is missing (npm test builds it first). */
export function requireBuiltServer(): void {
  if (!existsSync(serverJs)) throw new Error(`${serverJs} is missing: run \`npm run build\` first`);
}
