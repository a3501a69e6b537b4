/**
 * What a local vault key may be, shared by the server (which enforces it) and the client's Sign In
 * (which says it): a random 32-byte key in hex, base64 or base64url, or a passphrase of at least
 * MIN_PASSPHRASE_LENGTH characters for a new vault file.
 */

/** The shortest passphrase a new local vault file accepts, in characters. */
export const MIN_PASSPHRASE_LENGTH = 12;

export const LOCAL_KEY_BYTES = 32;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;
const BASE64URL_KEY = /^[A-Za-z0-9_-]{43}$/;

/** Decodes a string that is exactly a 32-byte key in hex, base64 or base64url; undefined otherwise. */
export function decodeRawKey(text: string): Buffer | undefined {
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_KEY.test(text) || BASE64URL_KEY.test(text)) {
    const bytes = Buffer.from(text, BASE64URL_KEY.test(text) ? 'base64url' : 'base64');
    if (bytes.length === LOCAL_KEY_BYTES) return bytes;
  }
  return undefined;
}

/** A passphrase's length as a person counts it: characters (code points) of its NFC form. */
export function passphraseLength(passphrase: string): number {
  return [...passphrase.normalize('NFC')].length;
}
