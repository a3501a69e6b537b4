import type { LocalCommand } from './args';
import { exitCodes, type Io } from './check';
import { loadLocal } from '../providers/loadProviders';
import { isProviderError } from '../providers/secretProvider';

/** `secretrefs local put|get|list`: the embedded local vault from the shell. */
export async function runLocal(command: LocalCommand, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { localGet, localList, localPut } = await loadLocal();
  try {
    switch (command.action) {
      case 'put': {
        const result = await localPut(command.vault, command.secret, command.data, { env, ...(command.cas !== undefined ? { cas: command.cas } : {}) });
        io.stderr(`wrote version ${result.version} of "${command.secret}" to the local vault "${command.vault}"\n`);
        return exitCodes.ok;
      }
      case 'get': {
        const result = await localGet(command.vault, command.secret, { env, ...(command.version !== undefined ? { version: command.version } : {}) });
        if (command.key === undefined) {
          io.stdout(`${JSON.stringify(result.data, null, 2)}\n`);
          return exitCodes.ok;
        }
        const value = result.data[command.key];
        if (value === undefined) {
          io.stderr(`secretrefs: "${command.secret}" has no key "${command.key}"; keys: ${Object.keys(result.data).join(', ')}\n`);
          return exitCodes.errors;
        }
        io.stdout(`${value}\n`);
        return exitCodes.ok;
      }
      case 'list':
        for (const name of await localList(command.vault, command.folder, { env })) io.stdout(`${name}\n`);
        return exitCodes.ok;
    }
  } catch (error) {
    if (isProviderError(error)) {
      io.stderr(`secretrefs: ${error.message}\n`);
      return exitCodes.errors;
    }
    throw error;
  }
}
