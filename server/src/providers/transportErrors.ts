/**
 * Failure helpers shared by the network providers (hashicorp, aws, azure, gcp):
 * - the short cause of a transport failure (`details.cause`, and the tail of an
 *   "... is unreachable: <cause>." message): `connection refused`, `timed out after N ms`,
 *   `DNS: host not found`, `connection reset`, `host unreachable`, `TLS: <code>`,
 *   `network error (<code>)`;
 * - the last-resort redaction of credentials from a ProviderError, and the guard every public
 *   provider method runs in.
 *
 * Each provider is bundled on its own (dist/providers/<name>.js) and this module is included in
 * each bundle. A provider whose client reports codes differently passes its own code table to
 * `transportCause` (built from the ones here), so the difference stays visible in that provider.
 */
import { ProviderError } from './secretProvider';

/** What a transport error code means; each kind has one fixed cause text. */
export type TransportFault = 'refused' | 'timeout' | 'dns' | 'reset' | 'unreachable';

/** Node / libuv socket codes, read the same way by every provider. No timeout codes. */
export const SOCKET_FAULTS: ReadonlyMap<string, TransportFault> = new Map<string, TransportFault>([
  ['ECONNREFUSED', 'refused'],
  ['ENOTFOUND', 'dns'],
  ['EAI_AGAIN', 'dns'],
  ['ECONNRESET', 'reset'],
  ['EPIPE', 'reset'],
  ['EHOSTUNREACH', 'unreachable'],
  ['ENETUNREACH', 'unreachable'],
  ['EHOSTDOWN', 'unreachable'],
  ['ENETDOWN', 'unreachable'],
]);

/**
 * `SOCKET_FAULTS` plus the timeout codes: ETIMEDOUT, and the ones HTTP clients give their own
 * request timeouts (axios' ECONNABORTED, request's ESOCKETTIMEDOUT). The default table.
 */
export const TRANSPORT_FAULTS: ReadonlyMap<string, TransportFault> = new Map<string, TransportFault>([
  ...SOCKET_FAULTS,
  ['ECONNABORTED', 'timeout'],
  ['ETIMEDOUT', 'timeout'],
  ['ESOCKETTIMEDOUT', 'timeout'],
]);

const FAULT_TEXT: Record<Exclude<TransportFault, 'timeout'>, string> = {
  refused: 'connection refused',
  dns: 'DNS: host not found',
  reset: 'connection reset',
  unreachable: 'host unreachable',
};

/**
 * TLS failures: OpenSSL's verification codes (CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * DEPTH_ZERO_SELF_SIGNED_CERT, SELF_SIGNED_CERT_IN_CHAIN, HOSTNAME_MISMATCH, ...), Node's ERR_TLS_*
 * and ERR_SSL_* codes, and EPROTO (e.g. https to a plain-http server).
 */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;

export function isTlsCode(code: string): boolean {
  return TLS_CODE.test(code);
}

/** The cause of a call that ran out of time. */
export function timedOutCause(timeoutMs: number): string {
  return `timed out after ${timeoutMs} ms`;
}

/** The short cause of a transport failure with error code `code` (`details.cause`). */
export function transportCause(code: string | undefined, timeoutMs: number, faults: ReadonlyMap<string, TransportFault> = TRANSPORT_FAULTS): string {
  if (code === undefined) return 'network error';
  const fault = faults.get(code);
  if (fault === 'timeout') return timedOutCause(timeoutMs);
  if (fault !== undefined) return FAULT_TEXT[fault];
  return isTlsCode(code) ? `TLS: ${code}` : `network error (${code})`;
}

/** Credentials shorter than this are left in texts by default, so messages stay readable. */
export const DEFAULT_MIN_REDACTED_LENGTH = 6;

/**
 * Removes each of `secrets` (credentials) from a text, as a last line of defence; messages are
 * built from safe parts already. Strings shorter than `minLength` are left alone.
 */
export function redact(text: string, secrets: readonly string[], minLength = DEFAULT_MIN_REDACTED_LENGTH): string {
  let out = text;
  for (const s of secrets) if (s.length >= minLength) out = out.split(s).join('[redacted]');
  return out;
}

/** A copy of `e` with `secrets` redacted from its message and from every string in its details. */
export function redactError(e: ProviderError, secrets: readonly string[], minLength = DEFAULT_MIN_REDACTED_LENGTH): ProviderError {
  const details = { ...e.details };
  const fields = details as Record<string, unknown>;
  for (const k of Object.keys(fields)) {
    const v = fields[k];
    if (typeof v === 'string') fields[k] = redact(v, secrets, minLength);
  }
  return new ProviderError(e.kind, redact(e.message, secrets, minLength), details);
}

export interface GuardOptions {
  /** The credentials to redact, read only when a ProviderError is rethrown. */
  sensitive: () => readonly string[];
  /** Message of the bare bad-response error anything other than a ProviderError becomes. */
  unexpected: string;
  minLength?: number;
}

/**
 * Runs one public provider method: a ProviderError passes with the credentials redacted (last line
 * of defence); anything else (a bug, an unexpected shape) becomes a bare bad-response error that
 * keeps nothing of the original.
 */
export async function guardCall<T>(fn: () => Promise<T>, options: GuardOptions): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ProviderError) throw redactError(e, options.sensitive(), options.minLength);
    throw new ProviderError('bad-response', options.unexpected);
  }
}
