/**
 * Standard input for `secretrefs local put`: values are read from it, never from the command line
 * (where any user sees them in the process list). A terminal is asked without echo.
 */

import { isatty } from 'node:tty';

/** Standard input as the CLI uses it; main passes the process's, tests their own. */
export interface StdinSource {
  /** Whether standard input is a terminal (then values are asked for, one by one, without echo). */
  readonly isTTY: boolean;
  /** All of standard input, or undefined when it holds more than `maxBytes`. */
  readAll(maxBytes: number): Promise<Buffer | undefined>;
  /** Writes `prompt` (to stderr) and reads one line from the terminal without showing it; undefined when cancelled (Ctrl-C). */
  askHidden(prompt: string): Promise<string | undefined>;
}

/** The most a value, or all the lines of --stdin, may take. */
export const MAX_STDIN_BYTES = 1024 * 1024;

/** A problem with what came on standard input; never quotes a value. */
export class StdinError extends Error {
  override name = 'StdinError';
}

/** `--stdin`: KEY=VALUE lines; empty lines and lines starting with `#` are skipped. */
export function parseKeyValueLines(text: string): Record<string, string> {
  const data: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (key === '') throw new StdinError(`line ${i + 1} of standard input is not KEY=VALUE`);
    if (key in data) throw new StdinError(`key "${key}" is given twice on standard input`);
    data[key] = line.slice(eq + 1);
  }
  return data;
}

/** A value read whole from a pipe or file: one trailing newline (as `echo` adds) is dropped. */
export function valueFromInput(bytes: Buffer): string {
  return bytes.toString('utf8').replace(/\r?\n$/, '');
}

/** The process's standard input, opened only when a command reads it. */
export function processStdin(): StdinSource {
  return {
    get isTTY() {
      return isatty(0);
    },
    async readAll(maxBytes) {
      const stdin = process.stdin;
      const chunks: Buffer[] = [];
      let length = 0;
      for await (const chunk of stdin) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        length += buffer.length;
        if (length > maxBytes) {
          stdin.destroy();
          return undefined;
        }
        chunks.push(buffer);
      }
      return Buffer.concat(chunks);
    },
    askHidden(prompt) {
      return askHidden(process.stdin, (text) => void process.stderr.write(text), prompt);
    },
  };
}

/** What `askHidden` needs of a terminal stream. */
export interface TerminalInput {
  setRawMode(raw: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/**
 * Reads one line from a terminal in raw mode, echoing nothing. Enter ends it, Backspace deletes,
 * Ctrl-C cancels (undefined), Ctrl-D ends it like Enter. At most MAX_STDIN_BYTES characters.
 */
export function askHidden(input: TerminalInput, write: (text: string) => void, prompt: string): Promise<string | undefined> {
  write(prompt);
  return new Promise((resolve) => {
    let value = '';
    const finish = (result: string | undefined) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      write('\n');
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (char === '\u0003') return finish(undefined);
        if (char === '\r' || char === '\n' || char === '\u0004') return finish(value);
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (value.length < MAX_STDIN_BYTES) value += char;
      }
    };
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}
