import { open } from 'node:fs/promises';

export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; code: 'unreadable-file' | 'file-too-large'; message: string }
  | { ok: false; code: 'missing'; message: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a file as UTF-8 text, refusing what is too large, binary or not UTF-8.
 * The size is checked before any byte is read, so a huge file costs nothing.
 */
export async function readTextFile(path: string, maxSizeKb: number): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    return { ok: false, code: 'missing', message: describeError(error) };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, code: 'missing', message: 'not a regular file' };
    if (stat.size > maxSizeKb * 1024) {
      return {
        ok: false,
        code: 'file-too-large',
        message: `The file is ${Math.ceil(stat.size / 1024)} KB, larger than ${maxSizeKb} KB, and was not checked; raise secretRefs.files.maxSizeKb (CLI: --max-size-kb) to check it.`,
      };
    }
    const bytes = await handle.readFile();
    if (bytes.subarray(0, 8192).includes(0)) {
      return { ok: false, code: 'unreadable-file', message: 'The file holds binary data (a NUL byte), not YAML text.' };
    }
    try {
      const text = decoder.decode(bytes);
      return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
    } catch {
      return { ok: false, code: 'unreadable-file', message: 'The file is not valid UTF-8 text; save it as UTF-8.' };
    }
  } catch (error) {
    return { ok: false, code: 'missing', message: describeError(error) };
  } finally {
    await handle.close();
  }
}

/** The reason a path cannot be used, in words, e.g. `no such file or directory`. */
export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent of it is not a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Reads files in the given order with up to `window` reads in flight, so that reading the next
 * files overlaps the caller's work on the current one. `get(i)` must be asked in order; each
 * result is handed out once and then dropped.
 */
export function readAhead(paths: readonly string[], maxSizeKb: number, window = 8): { get(i: number): Promise<ReadResult> } {
  const pending: (Promise<ReadResult> | undefined)[] = [];
  return {
    get(i) {
      const upTo = Math.min(paths.length, i + 1 + window);
      for (let next = pending.length; next < upTo; next++) pending.push(readTextFile(paths[next]!, maxSizeKb));
      const read = pending[i] ?? readTextFile(paths[i]!, maxSizeKb);
      pending[i] = undefined;
      return read;
    },
  };
}
