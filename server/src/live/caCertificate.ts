import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { describeError } from '../workspace/readTextFile';

/** A CA certificate file larger than this is refused: a bundle of every public CA is about 220 KiB. */
export const MAX_CA_CERTIFICATE_BYTES = 1024 * 1024;

export type CaCertificateRead = { ok: true; pem: string } | { ok: false; reason: string };

/**
 * Reads a PEM CA certificate file, refusing anything that is not a regular file of at most 1 MiB.
 * The checks are made on the open handle (fstat), so a file swapped for /dev/zero or a FIFO
 * between a check and the read cannot be read. Opening does not block on a FIFO (O_NONBLOCK),
 * and at most 1 MiB + 1 byte is ever read, whatever the file does meanwhile.
 */
export async function readCaCertificate(path: string): Promise<CaCertificateRead> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, reason: `it is not a regular file (${fileType(stat)})` };
    if (stat.size > MAX_CA_CERTIFICATE_BYTES) return { ok: false, reason: `it is ${kib(stat.size)}, larger than the 1 MiB a CA certificate file may be` };
    const buffer = Buffer.alloc(MAX_CA_CERTIFICATE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CA_CERTIFICATE_BYTES) return { ok: false, reason: 'it grew past the 1 MiB a CA certificate file may be while it was read' };
    }
    const pem = buffer.subarray(0, length).toString('utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) return { ok: false, reason: 'it holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line)' };
    return { ok: true, pem };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Where a vault's CA certificate comes from: `ca_certificate` (relative to its file) or VAULT_CACERT (relative to the working directory). */
export function caCertificatePath(fromConfig: string | undefined, configDir: string, env: NodeJS.ProcessEnv): { path: string; shown: string } | undefined {
  if (fromConfig) return { path: resolve(configDir, fromConfig), shown: `ca_certificate \`${bounded(fromConfig)}\`` };
  const fromEnv = env.VAULT_CACERT;
  if (fromEnv) return { path: isAbsolute(fromEnv) ? fromEnv : resolve(fromEnv), shown: `VAULT_CACERT \`${bounded(fromEnv)}\`` };
  return undefined;
}

/** A path as written, shown as text: no control characters or backquotes, at most 200 characters. */
function bounded(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f`]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

function fileType(stat: import('node:fs').Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}
