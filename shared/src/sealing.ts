import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Credentials cross the LSP connection sealed: AES-256-GCM with a key the client hands to the
 * server process at start (an environment variable, never an LSP message). A trace of the
 * connection therefore shows only ciphertext. The associated data binds a sealed credential to
 * the vault and address it was issued for, so it cannot be replayed for another one.
 */
export const sessionKeyEnv = 'SECRETREFS_SESSION_KEY';

export function newSessionKey(): string {
  return randomBytes(32).toString('base64');
}

function keyBytes(sessionKey: string): Buffer {
  const key = Buffer.from(sessionKey, 'base64');
  if (key.length !== 32) throw new Error('The session key must be 32 bytes, base64.');
  return key;
}

export function seal(sessionKey: string, plaintext: string, associated: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes(sessionKey), iv);
  cipher.setAAD(Buffer.from(associated, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Returns undefined when the sealed text was not made with this key for this associated data. */
export function unseal(sessionKey: string, sealed: string, associated: string): string | undefined {
  try {
    const bytes = Buffer.from(sealed, 'base64');
    if (bytes.length < 28) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', keyBytes(sessionKey), bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(associated, 'utf8'));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * What a sealed credential is bound to: the vault configuration's name, provider, address (the
 * parsed origin) and, when they are not the default, its TLS settings (see tlsIdentity), so a
 * credential released for one origin and TLS setting does not open for another.
 */
export function credentialBinding(vault: string, provider: string, address: string, tls = ''): string {
  return `secretrefs-credential\u0000${vault}\u0000${provider}\u0000${address}${tls === '' ? '' : `\u0000${tls}`}`;
}

/**
 * Reads the session key from the environment once and removes it, so nothing this process starts
 * (an AWS `credential_process`, any child) inherits it.
 */
export function takeSessionKey(env: NodeJS.ProcessEnv): string | undefined {
  const key = env[sessionKeyEnv];
  delete env[sessionKeyEnv];
  return key === '' ? undefined : key;
}

/** What sealed secret data for a write is bound to. */
export function writeBinding(vaultUri: string, engine: string | undefined, path: string): string {
  return `secretrefs-write\u0000${vaultUri}\u0000${engine ?? ''}\u0000${path}`;
}

/** What a sealed preview value is bound to. */
export function previewBinding(uri: string, line: number, character: number): string {
  return `secretrefs-preview\u0000${uri}\u0000${line}\u0000${character}`;
}
