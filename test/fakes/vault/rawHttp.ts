/**
 * Minimal HTTP/1.1 request reader and response writer for requests that Node's HTTP parser refuses
 * (Vault's `LIST` verb is not in llhttp's method table, so the server only sees a `clientError` with
 * HPE_INVALID_METHOD). The fake takes the socket over from that point, reads the request head and
 * body itself and answers with `Connection: close`, since the parser's state for the socket is lost.
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';

export interface RawRequest {
  method: string;
  /** Request target as sent, e.g. `/v1/secret/metadata/app?x=1`. */
  target: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
}

const MAX_HEAD = 64 * 1024;

type ParseResult = { done: true; request: RawRequest } | { done: false } | { done: true; error: string };

function parse(buf: Buffer): ParseResult {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return buf.length > MAX_HEAD ? { done: true, error: 'request head too large' } : { done: false };
  const lines = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
  const requestLine = lines.shift() ?? '';
  const m = /^([A-Za-z!#$%&'*+.^_`|~0-9-]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine);
  if (!m) return { done: true, error: 'malformed request line' };
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { done: true, error: 'malformed header line' };
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const rest = buf.subarray(headEnd + 4);
  const te = headers['transfer-encoding']?.toLowerCase();
  if (te && te.includes('chunked')) {
    const body = decodeChunked(rest);
    if (body === 'incomplete') return { done: false };
    if (body === 'invalid') return { done: true, error: 'malformed chunked body' };
    return { done: true, request: { method: m[1]!, target: m[2]!, headers, body } };
  }
  const length = headers['content-length'] === undefined ? 0 : Number(headers['content-length']);
  if (!Number.isInteger(length) || length < 0) return { done: true, error: 'bad content-length' };
  if (rest.length < length) return { done: false };
  return { done: true, request: { method: m[1]!, target: m[2]!, headers, body: rest.subarray(0, length) } };
}

function decodeChunked(buf: Buffer): Buffer | 'incomplete' | 'invalid' {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', pos);
    if (lineEnd < 0) return 'incomplete';
    const size = parseInt(buf.subarray(pos, lineEnd).toString('latin1').split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) return 'invalid';
    pos = lineEnd + 2;
    if (size === 0) {
      // Trailers (ignored) end with an empty line.
      const end = buf.indexOf('\r\n', pos);
      if (end < 0) return 'incomplete';
      if (end === pos) return Buffer.concat(parts);
      const trailerEnd = buf.indexOf('\r\n\r\n', pos);
      return trailerEnd < 0 ? 'incomplete' : Buffer.concat(parts);
    }
    if (buf.length < pos + size + 2) return 'incomplete';
    parts.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

/**
 * Takes over `socket` after a parser error and calls `onRequest` once the whole request (starting
 * with `firstChunk`) has arrived. Returns false when the socket was already taken over.
 */
export function isTakenOver(socket: Socket): boolean {
  return (socket as Socket & { __fakeVaultTakenOver?: boolean }).__fakeVaultTakenOver === true;
}

export function takeOverSocket(
  socket: Socket,
  firstChunk: Buffer,
  onRequest: (request: RawRequest) => void,
  onBadRequest: (reason: string) => void,
): boolean {
  const marker = socket as Socket & { __fakeVaultTakenOver?: boolean };
  if (marker.__fakeVaultTakenOver) return false;
  marker.__fakeVaultTakenOver = true;
  // Detach Node's HTTP parser from the socket: from here on, bytes are ours.
  socket.removeAllListeners('data');
  let buf = firstChunk;
  let finished = false;
  const step = (): void => {
    if (finished) return;
    const result = parse(buf);
    if (!result.done) return;
    finished = true;
    socket.removeListener('data', onData);
    if ('error' in result) onBadRequest(result.error);
    else onRequest(result.request);
  };
  const onData = (chunk: Buffer): void => {
    buf = Buffer.concat([buf, chunk]);
    step();
  };
  socket.on('data', onData);
  socket.resume();
  step();
  return true;
}

/** Writes a complete HTTP/1.1 response and closes the connection. */
export function writeRawResponse(socket: Socket, status: number, headers: Record<string, string>, body: string | Buffer): void {
  if (socket.destroyed) return;
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`, `Date: ${new Date().toUTCString()}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${payload.length}`, 'Connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), payload]));
}
