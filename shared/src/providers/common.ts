/** Small pieces the descriptors share. */
import { addressProblem, parseAddress } from '../addresses';
import type { AddressSource, AddressTarget } from './descriptor';

/** An address as written, parsed, or why it is not used (`what` names where it came from). */
export function addressFromText(text: string, source: AddressSource, what: string): AddressTarget {
  const parsed = parseAddress(text);
  if (!parsed.ok) return { ok: false, reason: `${what} is not used: ${addressProblem(parsed)}.` };
  return { ok: true, origin: parsed.origin, url: parsed.url, source };
}

/** The origin of an address, or undefined when it is not a plain http(s) address. */
export function originOrUndefined(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const parsed = parseAddress(text);
  return parsed.ok ? parsed.origin : undefined;
}

/** A variable's value without surrounding whitespace; undefined when unset or blank. */
export function envText(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/** Why an input is not an http(s) URL (https only when asked), or undefined. */
export function httpUrlProblem(value: string, httpsOnly: boolean): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || (!httpsOnly && url.protocol === 'http:')) return undefined;
  } catch {
    // reported below
  }
  return httpsOnly ? 'Enter an https:// URL.' : 'Enter an http:// or https:// URL.';
}

export const noSpaces = (text: string): string | undefined => (/\s/.test(text) ? 'No spaces, please.' : undefined);

/** Whether a value read back from storage is non-empty text. */
export function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
