/**
 * Keys and encryption of the embedded local vault.
 *
 * A vault file is protected either by a raw 32-byte key (given as base64, base64url or hex) or by a
 * passphrase stretched with scrypt (random salt kept in the file). From that master key two
 * independent keys are derived with HKDF-SHA256: one for AES-256-GCM, one for a short key check
 * stored in the file, so that a wrong key ("wrong-key") can be told apart from a damaged file
 * ("bad-response").
 *
 * Nothing here ever puts a key, a passphrase or a secret value into an error message.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { decodeRawKey, MIN_PASSPHRASE_LENGTH, passphraseLength } from '../../../../shared/src/localKey';
import { ProviderError } from '../secretProvider';

export { decodeRawKey, MIN_PASSPHRASE_LENGTH };

/** A key as the caller has it: a base64/base64url/hex string of exactly 32 bytes, raw bytes, or a passphrase. */
export type LocalVaultKey = string | Uint8Array;

/** scrypt cost parameters. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * The cost of a NEW passphrase-protected file: N = 2^17, r = 8, p = 1 (128 MiB, a few hundred
 * milliseconds). A file keeps the parameters it was written with (they are stored in it), so files
 * written with the earlier N = 2^15 still open.
 */
export const DEFAULT_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });


/** How the master key of a file is obtained; stored (without secrets) in the envelope. */
export type KdfParams = { name: 'none' } | { name: 'scrypt'; salt: string; N: number; r: number; p: number };

export type ParsedKey = { kind: 'raw'; bytes: Buffer } | { kind: 'passphrase'; passphrase: string };

/** The keys a file is read and written with. */
export interface DerivedKeys {
  encryptionKey: Buffer;
  /** Short value stored in the file to recognise the right key. */
  keyCheck: Buffer;
}

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const KEY_CHECK_BYTES = 16;
export const SALT_BYTES = 16;

/** The environment variable holding the local vault key for the CLI. */
export const LOCAL_KEY_ENV = 'SECRETREFS_LOCAL_KEY';

/**
 * The local vault key from the environment (`SECRETREFS_LOCAL_KEY`), or undefined when it is not
 * set or empty. The value is returned as given (a 32-byte key as base64/hex, or a passphrase).
 */
export function resolveLocalKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[LOCAL_KEY_ENV];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Interprets a key given for a NEW vault file: bytes must be exactly 32 bytes; a string that is
 * exactly 32 bytes in hex/base64/base64url is a raw key; any other string is a passphrase of at
 * least MIN_PASSPHRASE_LENGTH characters. (An existing file opens with whatever it was written with.)
 */
export function parseLocalKey(key: LocalVaultKey): ParsedKey {
  if (typeof key !== 'string') {
    if (key.length !== KEY_BYTES) {
      throw new ProviderError('invalid-request', `A raw local vault key must be exactly ${KEY_BYTES} bytes (got ${key.length}).`);
    }
    return { kind: 'raw', bytes: Buffer.from(key) };
  }
  if (key.length === 0) throw new ProviderError('invalid-request', 'The local vault key is empty.');
  const raw = decodeRawKey(key);
  if (raw) return { kind: 'raw', bytes: raw };
  const length = passphraseLength(key);
  if (length < MIN_PASSPHRASE_LENGTH) {
    throw new ProviderError(
      'invalid-request',
      `A new local vault needs a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters (this one has ${length}), or a random 32-byte key in base64 or hex (e.g. from "openssl rand -base64 32", or "Generate a new random key" in VS Code's Sign In).`,
    );
  }
  return { kind: 'passphrase', passphrase: key };
}

/** Checks that stored scrypt parameters are sane (a damaged or hostile file must not exhaust memory). */
export function checkScryptCost(cost: ScryptCost): string | undefined {
  const { N, r, p } = cost;
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 22 || (N & (N - 1)) !== 0) return 'N must be a power of two between 2 and 2^22';
  if (!Number.isInteger(r) || r < 1 || r > 32) return 'r must be an integer between 1 and 32';
  if (!Number.isInteger(p) || p < 1 || p > 16) return 'p must be an integer between 1 and 16';
  if (128 * N * r > 1024 * 1024 * 1024) return 'the memory cost (128·N·r) exceeds 1 GiB';
  return undefined;
}

function scryptAsync(passphrase: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const maxmem = 128 * cost.r * (cost.N + 2) + 128 * cost.r * cost.p + 4 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, KEY_BYTES, { N: cost.N, r: cost.r, p: cost.p, maxmem }, (err, derived) => {
      if (err) reject(new ProviderError('bad-response', `Deriving the local vault key with scrypt failed (${err.message}).`));
      else resolve(derived);
    });
  });
}

function deriveFromMaster(master: Buffer, salt: Buffer): DerivedKeys {
  const encryptionKey = Buffer.from(hkdfSync('sha256', master, salt, 'secretrefs-local-vault v1 encryption', KEY_BYTES));
  const keyCheck = Buffer.from(hkdfSync('sha256', master, salt, 'secretrefs-local-vault v1 key check', KEY_CHECK_BYTES));
  return { encryptionKey, keyCheck };
}

/** Fresh KDF parameters for a new file protected by `key`. */
export function newKdfParams(key: ParsedKey, cost: ScryptCost = DEFAULT_SCRYPT_COST): KdfParams {
  if (key.kind === 'raw') return { name: 'none' };
  const problem = checkScryptCost(cost);
  if (problem) throw new ProviderError('invalid-request', `Invalid scrypt cost for the local vault: ${problem}.`);
  return { name: 'scrypt', salt: randomBytes(SALT_BYTES).toString('base64'), N: cost.N, r: cost.r, p: cost.p };
}

/**
 * Derives the keys of a file whose KDF parameters are `kdf`. The way the file was protected decides
 * how a string key is read: for a passphrase file the whole string is the passphrase (even if it
 * looks like hex); for a raw-key file it must decode to 32 bytes. A key of the other kind is a
 * `wrong-key` error.
 */
export async function deriveKeys(vaultName: string, key: LocalVaultKey, kdf: KdfParams): Promise<DerivedKeys> {
  if (kdf.name === 'none') {
    const bytes = typeof key === 'string' ? decodeRawKey(key) : key.length === KEY_BYTES ? Buffer.from(key) : undefined;
    if (!bytes) {
      throw new ProviderError(
        'wrong-key',
        `The local vault "${vaultName}" cannot be opened with this key: the vault uses a raw ${KEY_BYTES}-byte key (base64 or hex), but a passphrase was given.`,
      );
    }
    return deriveFromMaster(bytes, Buffer.alloc(0));
  }
  if (typeof key !== 'string') {
    throw new ProviderError(
      'wrong-key',
      `The local vault "${vaultName}" cannot be opened with this key: the vault is protected by a passphrase, but raw key bytes were given.`,
    );
  }
  if (key.length === 0) throw new ProviderError('invalid-request', 'The local vault key is empty.');
  const salt = Buffer.from(kdf.salt, 'base64');
  const master = await scryptAsync(key, salt, kdf);
  return deriveFromMaster(master, salt);
}

/** True when `keys` is the key the file was written with. */
export function keyMatches(keys: DerivedKeys, storedCheck: Buffer): boolean {
  return storedCheck.length === keys.keyCheck.length && timingSafeEqual(storedCheck, keys.keyCheck);
}

export interface Sealed {
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function seal(keys: DerivedKeys, plaintext: Buffer, aad: Buffer): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

/** Decrypts; undefined when authentication fails (a damaged file, since the key check already passed). */
export function open(keys: DerivedKeys, sealed: Sealed, aad: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, sealed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}
