import type { LocalCommand } from './args';
import { exitCodes, type Io } from './check';
import { loadLocal } from '../providers/loadProviders';
import { isProviderError } from '../providers/secretProvider';
import { oneLine } from '../../../shared/src/text/controls';
import { terminalJson, terminalPath as shown } from './format';

/**
 * `secretrefs local put|get|list`: the embedded local vault from the shell. Names and messages
 * are written with their control characters spelled out or removed; only the value `get VAULT
 * NAME KEY` asks for is written as it is, and the whole secret (`get VAULT NAME`) as JSON.
 */
export async function runLocal(command: LocalCommand, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { localGet, localList, localPut } = await loadLocal();
  try {
    switch (command.action) {
      case 'put': {
        const result = await localPut(command.vault, command.secret, command.data, { env, ...(command.cas !== undefined ? { cas: command.cas } : {}) });
        io.stderr(`wrote version ${result.version} of "${shown(command.secret)}" to the local vault "${shown(command.vault)}"\n`);
        return exitCodes.ok;
      }
      case 'get': {
        const result = await localGet(command.vault, command.secret, { env, ...(command.version !== undefined ? { version: command.version } : {}) });
        if (command.key === undefined) {
          io.stdout(terminalJson(result.data));
          return exitCodes.ok;
        }
        const value = result.data[command.key];
        if (value === undefined) {
          io.stderr(`secretrefs: "${shown(command.secret)}" has no key "${shown(command.key)}"; keys: ${Object.keys(result.data).map(shown).join(', ')}\n`);
          return exitCodes.errors;
        }
        io.stdout(`${value}\n`);
        return exitCodes.ok;
      }
      case 'list':
        for (const name of await localList(command.vault, command.folder, { env })) io.stdout(`${shown(name)}\n`);
        return exitCodes.ok;
    }
  } catch (error) {
    if (isProviderError(error)) {
      io.stderr(`secretrefs: ${oneLine(error.message)}\n`);
      return exitCodes.errors;
    }
    throw error;
  }
}
