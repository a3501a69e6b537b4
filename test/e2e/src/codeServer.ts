/**
 * code-server (VS Code 1.100 for the browser, from the npm registry) as a child process: installs
 * the .vsix into a fresh extensions folder, starts the server on 127.0.0.1 with a throwaway user
 * data folder, and stops it with its whole process group.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The code-server installed by test/e2e/package.json. */
export const e2eRoot = fileURLToPath(new URL('..', import.meta.url));
export const codeServerBin = path.join(e2eRoot, 'node_modules', '.bin', 'code-server');

export interface CodeServerDirs {
  /** Everything code-server writes goes under here. */
  root: string;
  userDataDir: string;
  extensionsDir: string;
  /** HOME and XDG folders of the process, so nothing lands in the real home. */
  home: string;
}

export function codeServerDirs(root: string): CodeServerDirs {
  const dirs = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    home: path.join(root, 'home'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  return dirs;
}

/**
 * The environment of code-server and so of the extension host and the language server: the
 * caller's, without anything that would hand the server credentials behind the extension's back
 * (VAULT_TOKEN, ~/.vault-token, the local vault's key).
 */
function environment(dirs: CodeServerDirs): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VAULT_|SECRETREFS_|AWS_|AZURE_|GOOGLE_|VSCODE_|ELECTRON_)/.test(key)) continue;
    if (key === 'NODE_OPTIONS' || key === 'NODE_TEST_CONTEXT') continue;
    env[key] = value;
  }
  env.HOME = dirs.home;
  env.XDG_CONFIG_HOME = path.join(dirs.home, '.config');
  env.XDG_DATA_HOME = path.join(dirs.home, '.local', 'share');
  env.XDG_CACHE_HOME = path.join(dirs.home, '.cache');
  env.SECRETREFS_LOCAL_DIR = path.join(dirs.home, 'local-vault');
  // The example workspace has AWS, Azure and GCP vaults and no credentials for them: keep the
  // cloud SDKs' credential chains from probing instance-metadata addresses off this machine.
  env.AWS_EC2_METADATA_DISABLED = 'true';
  env.METADATA_SERVER_DETECTION = 'none';
  return env;
}

/** User settings: no trust prompt, no welcome page, nothing that calls home. */
export function writeUserSettings(dirs: CodeServerDirs, extra: Record<string, unknown> = {}): void {
  const settings = {
    'security.workspace.trust.enabled': false,
    'secretRefs.trace.server': 'verbose',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'files.hotExit': 'off',
    // VS Code for the browser saves after a delay by default: the scenarios' edits would reach
    // the disk, and File: Revert File would then keep them.
    'files.autoSave': 'off',
    // Nor forward the ports other processes of the machine (other test runs) open meanwhile.
    'remote.autoForwardPorts': false,
    'git.enabled': false,
    'chat.commandCenter.enabled': false,
    'window.commandCenter': false,
    'editor.minimap.enabled': false,
    'editor.hover.delay': 200,
    ...extra,
  };
  const dir = path.join(dirs.userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

export async function installExtension(dirs: CodeServerDirs, vsix: string): Promise<string> {
  const { stdout, stderr } = await execFileAsync(
    codeServerBin,
    ['--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--config', configFile(dirs), '--install-extension', vsix, '--force'],
    { env: environment(dirs), timeout: 120_000 },
  );
  const out = `${stdout}${stderr}`;
  if (!/successfully installed/i.test(out)) throw new Error(`code-server --install-extension failed:\n${out}`);
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function configFile(dirs: CodeServerDirs): string {
  return path.join(dirs.root, 'code-server.yaml');
}

export interface RunningCodeServer {
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  /** True once the process ended. */
  readonly exited: boolean;
  /** Stops code-server and everything it started (extension host, language server). */
  stop(): Promise<void>;
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      const response = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server was not ready within ${timeoutMs} ms (${last})`);
}

/**
 * Starts `code-server --auth none --bind-addr 127.0.0.1:PORT ... WORKSPACE` in its own process
 * group, writes its pid to `<root>/code-server.pid` (run.sh kills that group if the tests die),
 * and resolves once /healthz answers.
 */
export async function startCodeServer(dirs: CodeServerDirs, workspace: string, logFile: string): Promise<RunningCodeServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const child = spawn(
    codeServerBin,
    [
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', dirs.userDataDir,
      '--extensions-dir', dirs.extensionsDir,
      '--config', configFile(dirs),
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      workspace,
    ],
    { env: environment(dirs), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  writeFileSync(path.join(dirs.root, 'code-server.pid'), `${pid}\n`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      const kill = (signal: NodeJS.Signals) => {
        try {
          process.kill(-pid, signal);
        } catch {
          // The group is gone already.
        }
      };
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      // Children (extension host, language server) may outlive the leader for a moment.
      kill('SIGKILL');
      log.end();
    }
  };
  try {
    await waitForHealth(url, child, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    pid,
    logFile,
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    stop,
  };
}

export function assertInstalled(): void {
  if (!existsSync(codeServerBin)) {
    throw new Error(`code-server is not installed at ${codeServerBin}: run "bash test/e2e/setup.sh" first`);
  }
}
