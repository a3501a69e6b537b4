import type { LocalCommand } from './args';
import { exitCodes, type Io } from './check';
import { loadLocal } from '../providers/loadProviders';
import { isProviderError } from '../providers/secretProvider';
import { oneLine } from '../../../shared/src/text/controls';
import { terminalJson, terminalPath as shown } from './format';
import { MAX_STDIN_BYTES, parseKeyValueLines, StdinError, valueFromInput, type StdinSource } from './stdin';

const emptyStdin: StdinSource = { isTTY: false, readAll: () => Promise.resolve(Buffer.alloc(0)), askHidden: () => Promise.resolve(undefined) };

/** The values of `local put`: from the command line, then standard input (KEY=- or --stdin lines). */
async function putValues(command: Extract<LocalCommand, { action: 'put' }>, stdin: StdinSource): Promise<Record<string, string>> {
  const data = { ...command.data };
  const add = (key: string, value: string) => {
    if (key in data) throw new StdinError(`key "${key}" is given twice`);
    data[key] = value;
  };
  if (command.stdinLines) {
    const bytes = await stdin.readAll(MAX_STDIN_BYTES);
    if (bytes === undefined) throw new StdinError('standard input holds more than 1 MiB');
    for (const [key, value] of Object.entries(parseKeyValueLines(bytes.toString('utf8')))) add(key, value);
    if (Object.keys(data).length === 0) throw new StdinError('standard input held no KEY=VALUE line');
    return data;
  }
  if (command.fromStdin.length === 0) return data;
  if (stdin.isTTY) {
    for (const key of command.fromStdin) {
      const value = await stdin.askHidden(`value of "${shown(key)}" for "${shown(command.secret)}" (not shown): `);
      if (value === undefined) throw new StdinError('cancelled; nothing was written');
      add(key, value);
    }
    return data;
  }
  if (command.fromStdin.length > 1) {
    throw new StdinError(`only one KEY=- can read a pipe (${command.fromStdin.join(', ')} were given): use --stdin with KEY=VALUE lines`);
  }
  const bytes = await stdin.readAll(MAX_STDIN_BYTES);
  if (bytes === undefined) throw new StdinError(`the value of "${command.fromStdin[0]}" on standard input is larger than 1 MiB`);
  if (bytes.length === 0) throw new StdinError(`standard input was empty: no value for "${command.fromStdin[0]}"`);
  add(command.fromStdin[0]!, valueFromInput(bytes));
  return data;
}

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
        let data: Record<string, string>;
        try {
          data = await putValues(command, io.stdin ?? emptyStdin);
        } catch (error) {
          if (!(error instanceof StdinError)) throw error;
          io.stderr(`secretrefs: ${error.message}\n`);
          return exitCodes.trouble;
        }
        const result = await localPut(command.vault, command.secret, data, { env, ...(command.cas !== undefined ? { cas: command.cas } : {}) });
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
