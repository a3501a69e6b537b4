/** Response shapes shared by the fake Vault's handlers (Vault's JSON envelope and error bodies). */
import { randomUUID } from 'node:crypto';

export interface Reply {
  status: number;
  /** JSON body; omitted for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Operation = 'read' | 'list' | 'write' | 'delete' | 'patch';

/** Vault's standard response envelope. */
export function envelope(data: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: null,
    auth: null,
    ...extra,
  };
}

export function ok(data: unknown, extra: Record<string, unknown> = {}, status = 200): Reply {
  return { status, body: envelope(data, extra) };
}

export const noContent = (): Reply => ({ status: 204 });

/** `{"errors": [...]}` exactly as Vault's HTTP layer writes it. */
export function errors(status: number, ...messages: string[]): Reply {
  return { status, body: { errors: messages } };
}

/** Go's multierror formatting, which Vault core errors (permission denied, unsupported path...) carry. */
export function multiError(...messages: string[]): string {
  const head = messages.length === 1 ? '1 error occurred:' : `${messages.length} errors occurred:`;
  return `${head}\n${messages.map((m) => `\t* ${m}`).join('\n')}\n\n`;
}

export const notFound = (): Reply => errors(404);
export const unsupportedPath = (): Reply => errors(404, multiError('unsupported path'));
export const unsupportedOperation = (): Reply => errors(405, multiError('unsupported operation'));
export const badRequest = (message: string): Reply => errors(400, message);

/** Go `time.Duration.String()` for whole seconds: `1h0m0s`, `1m30s`, `5s`, `0s`. */
export function goDuration(totalSeconds: number): string {
  let s = Math.max(0, Math.round(totalSeconds));
  if (s === 0) return '0s';
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Parses a Vault duration parameter: integer seconds or a Go-style string (`90`, `"90s"`, `"1h30m"`). */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const re = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
    consumed += m[0].length;
  }
  return consumed === v.length ? Math.floor(total) : undefined;
}

/** Vault's truthy parsing for query flags such as `list=true` / `list=1`. */
export function parseBool(value: string | null): boolean {
  return value !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
}
