/**
 * Server memory: the resident set (RSS) of the built server over stdio once a workspace of 2,000
 * connection files is indexed, with its peak (VmHWM), beside an idle `node` process measured in the
 * same run. Read from /proc/<pid>/status, so Linux only (elsewhere the figure is skipped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { initializeOurs } from './ourServer';
import { withTimeout } from './stats';

export interface MemoryBench {
  files: number;
  /** Resident set once indexed, MB. */
  rssMb: number;
  /** Peak resident set while indexing, MB. */
  peakMb: number;
  /** An idle node process, MB. */
  idleNodeMb: number;
  ratio: number;
}

/** VmRSS and VmHWM of a process, in MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const mb = (n: number) => Math.round(n * 10) / 10;

async function idleNode(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 500));
    return memoryOf(child.pid!).rss;
  } finally {
    child.kill();
  }
}

export async function benchMemory(serverJs: string, root: string, files: number): Promise<MemoryBench | { skipped: string }> {
  if (!existsSync('/proc/self/status')) return { skipped: 'no /proc (not Linux)' };
  const child: ChildProcess = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'], env: { PATH: process.env.PATH ?? '' } });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  let indexed: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (indexed = resolve));
  let counted = 0;
  connection.onNotification('secretRefs/status', (p: { indexing?: boolean; connections?: number }) => {
    if (p.indexing === false) {
      counted = p.connections ?? 0;
      indexed();
    }
  });
  connection.onRequest(() => null);
  connection.onError(() => undefined);
  connection.listen();
  try {
    await initializeOurs(connection, root, 30_000);
    await connection.sendNotification('initialized', {});
    await withTimeout('indexing', done, 120_000);
    if (counted < files) throw new Error(`the server indexed ${counted} connection files of ${files}`);
    // Let the collector settle as a user's idle editor would, then read.
    await new Promise((r) => setTimeout(r, 1000));
    const { rss, peak } = memoryOf(child.pid!);
    const idle = await idleNode();
    await withTimeout('shutdown', connection.sendRequest('shutdown'), 5_000);
    await connection.sendNotification('exit');
    return { files: counted, rssMb: mb(rss), peakMb: mb(peak), idleNodeMb: mb(idle), ratio: Math.round((rss / idle) * 100) / 100 };
  } finally {
    connection.dispose();
    if (child.exitCode === null) child.kill();
  }
}
