/** The initialize request the benchmarks send to our server: one workspace folder, default settings. */
import { pathToFileURL } from 'node:url';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { defaultSettings } from '../shared/src/settings';
import { withTimeout } from './stats';

export async function initializeOurs(connection: MessageConnection, rootDir: string, timeoutMs: number): Promise<void> {
  const rootUri = pathToFileURL(rootDir).href;
  await withTimeout(
    'initialize',
    connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: {},
      initializationOptions: { settings: defaultSettings },
    }),
    timeoutMs,
  );
}
