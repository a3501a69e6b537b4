/**
 * The encrypted file behind one local vault, and safe updates of it.
 *
 * File: `<dir>/<sanitized vault name>.vault`, a JSON envelope (see {@link LocalVaultEnvelope}) whose
 * `ciphertext` is the AES-256-GCM encryption of the vault content; the clear header fields are
 * authenticated as additional data. Directory mode 0700, file mode 0600.
 *
 * Updates:
 * - serialized within the process by a per-file promise queue;
 * - serialized between processes by a lock file `<file>.lock` created with O_EXCL (a lock whose
 *   process is gone on this host, or older than `lockStaleMs`, is broken);
 * - read-modify-write: the file is re-read and decrypted under the lock, the change (including its
 *   check-and-set test) is applied to that fresh content, and the result is written to a temporary
 *   file in the same directory, fsynced and renamed over the vault file;
 * - just before the rename the stored revision counter is compared with the one that was read; if
 *   another writer slipped in (e.g. a lock wrongly broken), the temporary file is dropped and the
 *   change is re-applied to the new content.
 * A missing file is an empty vault; a damaged file or a wrong key is an error and the file is never
 * rewritten in that case. The directory must belong to the user and be writable by nobody else
 * (checked before every read and write): otherwise another user could move the file away, and the
 * vault would look empty.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, link, lstat, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ProviderError } from '../secretProvider';
import {
  DEFAULT_SCRYPT_COST,
  IV_BYTES,
  KEY_CHECK_BYTES,
  SALT_BYTES,
  TAG_BYTES,
  checkScryptCost,
  deriveKeys,
  keyMatches,
  newKdfParams,
  open as openSealed,
  parseLocalKey,
  seal,
  type DerivedKeys,
  type KdfParams,
  type LocalVaultKey,
  type ScryptCost,
} from './localVaultCrypto';
import { parseState, serializeState, type VaultState } from './localVaultState';

export const LOCAL_VAULT_FORMAT = 'secretrefs-local-vault';
export const LOCAL_VAULT_FORMAT_VERSION = 1;
export const LOCAL_VAULT_FILE_SUFFIX = '.vault';
/** Environment variable overriding the directory of local vault files. */
export const LOCAL_DIR_ENV = 'SECRETREFS_LOCAL_DIR';

/** The JSON document stored in a local vault file. Binary fields are base64. */
export interface LocalVaultEnvelope {
  format: typeof LOCAL_VAULT_FORMAT;
  version: typeof LOCAL_VAULT_FORMAT_VERSION;
  /** Incremented by every write; used to detect a concurrent writer. */
  revision: number;
  cipher: 'aes-256-gcm';
  kdf: KdfParams;
  /** HKDF-derived check value telling a wrong key from a damaged file (16 bytes). */
  keyCheck: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** The directory of local vault files: `$SECRETREFS_LOCAL_DIR`, else `~/.secretrefs/local`. */
export function resolveLocalDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[LOCAL_DIR_ENV];
  return fromEnv ? resolve(fromEnv) : join(homedir(), '.secretrefs', 'local');
}

/**
 * The file name of a vault configuration's local vault: the name with characters outside
 * `[A-Za-z0-9_.-]` replaced by `_`, plus `.vault`. When the name had to be changed (or is a name
 * Windows reserves), a short hash of the original name is appended so distinct names never share a file.
 */
export function localVaultFileName(vaultName: string): string {
  if (typeof vaultName !== 'string' || vaultName.length === 0) {
    throw new ProviderError('invalid-request', 'A local vault needs the name of its vault configuration.');
  }
  let base = vaultName.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\./, '_').replace(/\.$/, '_').slice(0, 80);
  const reserved = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i.test(base);
  if (base !== vaultName || reserved) {
    base = `${base}-${createHash('sha256').update(vaultName, 'utf8').digest('hex').slice(0, 10)}`;
  }
  return `${base}${LOCAL_VAULT_FILE_SUFFIX}`;
}

export function localVaultFilePath(vaultName: string, dir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(dir !== undefined ? resolve(dir) : resolveLocalDir(env), localVaultFileName(vaultName));
}

// ---------------------------------------------------------------------------------------------
// Envelope

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(value: unknown, bytes?: number): Buffer | undefined {
  if (typeof value !== 'string' || !STRICT_BASE64.test(value)) return undefined;
  const buf = Buffer.from(value, 'base64');
  return bytes === undefined || buf.length === bytes ? buf : undefined;
}

interface ParsedEnvelope {
  envelope: LocalVaultEnvelope;
  keyCheck: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** Parses and checks an envelope; returns a description of the problem when it is not valid. */
export function parseEnvelope(text: string): ParsedEnvelope | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return text.length === 0 ? 'the file is empty' : 'the file is not valid JSON (it may be truncated)';
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return 'the file is not a JSON object';
  const e = doc as Partial<Record<keyof LocalVaultEnvelope, unknown>>;
  if (e.format !== LOCAL_VAULT_FORMAT) return 'the file is not a Secret References local vault';
  if (e.version !== LOCAL_VAULT_FORMAT_VERSION) {
    return typeof e.version === 'number' && e.version > LOCAL_VAULT_FORMAT_VERSION
      ? `the file was written by a newer version of Secret References (format version ${e.version})`
      : 'the file has an unknown format version';
  }
  if (typeof e.revision !== 'number' || !Number.isSafeInteger(e.revision) || e.revision < 1) return 'the file has an invalid revision';
  if (e.cipher !== 'aes-256-gcm') return 'the file uses an unknown cipher';
  const kdf = e.kdf as Partial<{ name: unknown; salt: unknown; N: unknown; r: unknown; p: unknown }> | null | undefined;
  let cleanKdf: KdfParams;
  if (kdf && typeof kdf === 'object' && kdf.name === 'none') {
    cleanKdf = { name: 'none' };
  } else if (kdf && typeof kdf === 'object' && kdf.name === 'scrypt') {
    if (!decodeBase64(kdf.salt, SALT_BYTES)) return 'the file has an invalid scrypt salt';
    const cost = { N: kdf.N, r: kdf.r, p: kdf.p } as ScryptCost;
    const problem = checkScryptCost(cost);
    if (problem) return `the file has unsupported scrypt parameters (${problem})`;
    cleanKdf = { name: 'scrypt', salt: kdf.salt as string, N: cost.N, r: cost.r, p: cost.p };
  } else {
    return 'the file has an unknown key derivation';
  }
  const keyCheck = decodeBase64(e.keyCheck, KEY_CHECK_BYTES);
  const iv = decodeBase64(e.iv, IV_BYTES);
  const tag = decodeBase64(e.tag, TAG_BYTES);
  const ciphertext = decodeBase64(e.ciphertext);
  if (!keyCheck || !iv || !tag || !ciphertext) return 'the file has a missing or invalid keyCheck, iv, tag or ciphertext';
  return {
    envelope: {
      format: LOCAL_VAULT_FORMAT,
      version: LOCAL_VAULT_FORMAT_VERSION,
      revision: e.revision,
      cipher: 'aes-256-gcm',
      kdf: cleanKdf,
      keyCheck: e.keyCheck as string,
      iv: e.iv as string,
      tag: e.tag as string,
      ciphertext: e.ciphertext as string,
    },
    keyCheck,
    iv,
    tag,
    ciphertext,
  };
}

/** The clear header, authenticated as AES-GCM additional data. */
function headerAad(revision: number, kdf: KdfParams, keyCheck: string): Buffer {
  const kdfParts = kdf.name === 'none' ? ['none'] : ['scrypt', kdf.salt, kdf.N, kdf.r, kdf.p];
  return Buffer.from(JSON.stringify([LOCAL_VAULT_FORMAT, LOCAL_VAULT_FORMAT_VERSION, revision, 'aes-256-gcm', kdfParts, keyCheck]), 'utf8');
}

function buildEnvelope(state: VaultState, revision: number, kdf: KdfParams, keys: DerivedKeys): string {
  const keyCheck = keys.keyCheck.toString('base64');
  const sealed = seal(keys, Buffer.from(serializeState(state), 'utf8'), headerAad(revision, kdf, keyCheck));
  const envelope: LocalVaultEnvelope = {
    format: LOCAL_VAULT_FORMAT,
    version: LOCAL_VAULT_FORMAT_VERSION,
    revision,
    cipher: 'aes-256-gcm',
    kdf,
    keyCheck,
    iv: sealed.iv.toString('base64'),
    tag: sealed.tag.toString('base64'),
    ciphertext: sealed.ciphertext.toString('base64'),
  };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function ioError(err: unknown, action: string, path: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const code = errCode(err);
  const kind = code === 'EACCES' || code === 'EPERM' ? 'permission-denied' : 'unreachable';
  return new ProviderError(kind, `Could not ${action} ${path}${code ? ` (${code})` : ''}.`, code ? { cause: code } : {});
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A lock file's content, read without following a symbolic link; undefined when it cannot be read. */
async function readLock(path: string): Promise<string | undefined> {
  try {
    const handle = await open(path, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0));
    try {
      const info = await handle.stat();
      if (!info.isFile() || info.size > 4096) return undefined;
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errCode(err) === 'EPERM';
  }
}

const isWindows = process.platform === 'win32';

/** Per-file write queues shared by every store of this process. */
const sharedQueues = new Map<string, Promise<void>>();

function enqueue<T>(queues: Map<string, Promise<void>>, key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

// ---------------------------------------------------------------------------------------------
// Store

export interface LocalVaultStoreOptions {
  /** The vault configuration's name (for messages). */
  vaultName: string;
  filePath: string;
  key?: LocalVaultKey;
  /** scrypt cost for a NEW passphrase-protected file (existing files keep theirs). */
  scryptCost?: ScryptCost;
  /** How long a write waits for another process's lock (default 10 s). */
  lockTimeoutMs?: number;
  /** Age after which a lock is considered abandoned (default 30 s). */
  lockStaleMs?: number;
  /** Share the per-file write queue with other stores of this process (default true). Tests set false to exercise the cross-process path. */
  sharedQueue?: boolean;
}

interface Snapshot {
  exists: boolean;
  revision: number;
  kdf?: KdfParams;
  keys?: DerivedKeys;
  state: VaultState;
}

const MAX_WRITE_ATTEMPTS = 8;

export class LocalVaultStore {
  readonly vaultName: string;
  readonly filePath: string;
  private readonly key: LocalVaultKey | undefined;
  private readonly scryptCost: ScryptCost;
  private readonly lockTimeoutMs: number;
  private readonly lockStaleMs: number;
  private readonly queues: Map<string, Promise<void>>;
  private readonly keyCache = new Map<string, Promise<DerivedKeys>>();

  constructor(options: LocalVaultStoreOptions) {
    this.vaultName = options.vaultName;
    this.filePath = resolve(options.filePath);
    this.key = options.key;
    this.scryptCost = options.scryptCost ?? DEFAULT_SCRYPT_COST;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.lockStaleMs = options.lockStaleMs ?? 30_000;
    this.queues = options.sharedQueue === false ? new Map() : sharedQueues;
  }

  /** Forgets derived keys. */
  dispose(): void {
    this.keyCache.clear();
  }

  /** The current content; an empty vault when the file does not exist. */
  async read(): Promise<VaultState> {
    return (await this.readSnapshot()).state;
  }

  /**
   * Applies `change` to the freshest content and writes the result atomically. `change` mutates
   * the state in place and may throw (e.g. a check-and-set conflict): then nothing is written.
   * It may run more than once (on fresh content each time) if another writer interferes.
   */
  mutate<T>(change: (state: VaultState, now: string) => T): Promise<T> {
    return enqueue(this.queues, this.filePath, async () => {
      await this.ensureDir();
      for (let attempt = 1; ; attempt++) {
        const release = await this.acquireLock();
        try {
          const snapshot = await this.readSnapshot();
          const result = change(snapshot.state, new Date().toISOString());
          let kdf = snapshot.kdf;
          let keys = snapshot.keys;
          if (!kdf || !keys) {
            kdf = newKdfParams(parseLocalKey(this.requireKey()), this.scryptCost);
            keys = await this.keysFor(kdf);
          }
          const text = buildEnvelope(snapshot.state, snapshot.revision + 1, kdf, keys);
          if (await this.replaceFile(text, snapshot)) return result;
        } finally {
          await release();
        }
        if (attempt >= MAX_WRITE_ATTEMPTS) {
          throw new ProviderError('unreachable', `The local vault "${this.vaultName}" kept changing while it was being written (${this.filePath}); try again.`);
        }
        await sleep(Math.random() * 10);
      }
    });
  }

  private requireKey(): LocalVaultKey {
    if (this.key === undefined || this.key === '') {
      throw new ProviderError(
        'unauthenticated',
        `No key was given for the local vault "${this.vaultName}": set SECRETREFS_LOCAL_KEY for the CLI, or set the key in the editor (kept in its secret storage).`,
      );
    }
    return this.key;
  }

  private keysFor(kdf: KdfParams): Promise<DerivedKeys> {
    const cacheKey = JSON.stringify(kdf);
    let keys = this.keyCache.get(cacheKey);
    if (!keys) {
      keys = deriveKeys(this.vaultName, this.requireKey(), kdf);
      this.keyCache.set(cacheKey, keys);
      keys.catch(() => this.keyCache.delete(cacheKey));
    }
    return keys;
  }

  private damaged(reason: string): ProviderError {
    return new ProviderError(
      'bad-response',
      `The local vault file of "${this.vaultName}" (${this.filePath}) cannot be used: ${reason}. It was left unchanged; restore it from a backup or move it away to start an empty vault.`,
    );
  }

  /**
   * Refuses a directory another user owns or that group or others may write to: they could move
   * the vault file away (an empty vault) or put another in its place. A missing directory is
   * fine (an empty vault; a write creates it with mode 0700). Not checked on Windows (no modes).
   */
  private async checkDir(): Promise<void> {
    if (isWindows || typeof process.getuid !== 'function') return;
    const dir = dirname(this.filePath);
    let info;
    try {
      info = await stat(dir);
    } catch (err) {
      if (errCode(err) === 'ENOENT') return;
      throw ioError(err, 'inspect the local vault directory', dir);
    }
    const fix = `Keep local vaults in a folder of your own that only you can write to (mode 0700), e.g. the default ~/.secretrefs/local, or set ${LOCAL_DIR_ENV}.`;
    if (!info.isDirectory()) throw new ProviderError('unreachable', `The local vault "${this.vaultName}" cannot be used: ${dir} is not a folder. ${fix}`);
    const uid = process.getuid();
    if (info.uid !== uid) {
      throw new ProviderError(
        'unreachable',
        `The local vault "${this.vaultName}" cannot be used: its folder ${dir} belongs to another user (uid ${info.uid}), who could move the vault file away or replace it. ${fix}`,
      );
    }
    if ((info.mode & 0o022) !== 0) {
      const who = (info.mode & 0o002) !== 0 ? 'every user' : 'its group';
      throw new ProviderError(
        'unreachable',
        `The local vault "${this.vaultName}" cannot be used: its folder ${dir} is writable by ${who} (mode ${(info.mode & 0o7777).toString(8).padStart(4, '0')}), who could move the vault file away or replace it. Run: chmod 700 ${dir}`,
      );
    }
  }

  private async readText(): Promise<string | undefined> {
    await this.checkDir();
    try {
      return await readFile(this.filePath, 'utf8');
    } catch (err) {
      if (errCode(err) === 'ENOENT') return undefined;
      throw ioError(err, 'read the local vault file', this.filePath);
    }
  }

  private async readSnapshot(): Promise<Snapshot> {
    const text = await this.readText();
    if (text === undefined) return { exists: false, revision: 0, state: new Map() };
    const parsed = parseEnvelope(text);
    if (typeof parsed === 'string') throw this.damaged(parsed);
    const { envelope } = parsed;
    const keys = await this.keysFor(envelope.kdf);
    if (!keyMatches(keys, parsed.keyCheck)) {
      const what = envelope.kdf.name === 'none' ? 'a different 32-byte key' : 'a different passphrase';
      throw new ProviderError('wrong-key', `The local vault "${this.vaultName}" cannot be opened with this key: it was encrypted with ${what}.`);
    }
    const plain = openSealed(keys, parsed, headerAad(envelope.revision, envelope.kdf, envelope.keyCheck));
    if (!plain) throw this.damaged('the key is right but the encrypted content fails its integrity check (the file was modified or truncated)');
    const state = parseState(plain.toString('utf8'));
    if (typeof state === 'string') throw this.damaged(state);
    return { exists: true, revision: envelope.revision, kdf: envelope.kdf, keys, state };
  }

  /** The revision currently on disk (0 when missing); throws if the file became unreadable. */
  private async currentRevision(): Promise<number> {
    const text = await this.readText();
    if (text === undefined) return 0;
    const parsed = parseEnvelope(text);
    if (typeof parsed === 'string') throw this.damaged(parsed);
    return parsed.envelope.revision;
  }

  private async ensureDir(): Promise<void> {
    const dir = dirname(this.filePath);
    try {
      const created = await mkdir(dir, { recursive: true, mode: 0o700 });
      if (created !== undefined && !isWindows) {
        // mkdir's mode is filtered by the umask: set it explicitly on every directory created.
        for (let d = dir; ; d = dirname(d)) {
          await chmod(d, 0o700);
          if (d === resolve(created) || dirname(d) === d) break;
        }
      }
    } catch (err) {
      throw ioError(err, 'create the local vault directory', dir);
    }
    await this.checkDir();
  }

  /**
   * Writes `text` to a temporary file next to the vault file, fsyncs it and renames it over the
   * vault file, unless the file's revision is no longer the one that was read (returns false).
   */
  private async replaceFile(text: string, expected: Snapshot): Promise<boolean> {
    const tmp = `${this.filePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    let renamed = false;
    try {
      const handle = await open(tmp, 'wx', 0o600);
      try {
        if (!isWindows) await handle.chmod(0o600);
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      if ((await this.currentRevision()) !== expected.revision) return false;
      for (let attempt = 1; ; attempt++) {
        try {
          await rename(tmp, this.filePath);
          break;
        } catch (err) {
          // Windows refuses to replace a file another process has open for a moment.
          const code = errCode(err);
          if (attempt >= 10 || !(code === 'EPERM' || code === 'EACCES' || code === 'EBUSY')) throw err;
          await sleep(attempt * 5);
        }
      }
      renamed = true;
      await this.syncDir();
      return true;
    } catch (err) {
      throw ioError(err, 'write the local vault file', this.filePath);
    } finally {
      if (!renamed) await unlink(tmp).catch(() => undefined);
    }
  }

  private async syncDir(): Promise<void> {
    if (isWindows) return;
    try {
      const handle = await open(dirname(this.filePath), 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // Best effort: some file systems cannot fsync a directory.
    }
  }

  private async acquireLock(): Promise<() => Promise<void>> {
    const lockPath = `${this.filePath}.lock`;
    const body = JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now(), token: randomBytes(12).toString('hex') });
    const deadline = Date.now() + this.lockTimeoutMs;
    let delay = 2;
    let lastTry = false;
    // Every pass either takes the lock, breaks a stale one, or sleeps; the deadline is checked on
    // every pass, so nothing the lock file does can keep this loop running past it.
    for (;;) {
      try {
        const handle = await open(lockPath, 'wx', 0o600);
        try {
          await handle.writeFile(body, 'utf8');
        } finally {
          await handle.close();
        }
        return async () => {
          try {
            if ((await readFile(lockPath, 'utf8')) === body) await unlink(lockPath);
          } catch {
            // Already gone.
          }
        };
      } catch (err) {
        if (errCode(err) !== 'EEXIST') throw ioError(err, 'lock the local vault file', lockPath);
      }
      const broken = await this.breakStaleLock(lockPath);
      const left = deadline - Date.now();
      // A lock just broken is tried once more even past the deadline (breaking it took the time);
      // only once, so a lock that keeps coming back cannot hold the loop.
      if (left <= 0 && !(broken && !lastTry)) throw await this.lockedError(lockPath);
      if (left <= 0) lastTry = true;
      if (!broken) {
        await sleep(Math.min(left, delay + Math.random() * delay));
        delay = Math.min(delay * 2, 40);
      }
    }
  }

  /** Said when the lock was not released in time: who holds it, when known, and what to do. */
  private async lockedError(lockPath: string): Promise<ProviderError> {
    const owner = await lstat(lockPath).then(
      (info) => info.uid,
      () => undefined,
    );
    const other = owner !== undefined && typeof process.getuid === 'function' && owner !== process.getuid() ? ` The lock file belongs to another user (uid ${owner}).` : '';
    return new ProviderError(
      'unreachable',
      `The local vault "${this.vaultName}" is locked by another process (${lockPath}).${other} If no other Secret References process is running, delete that lock file.`,
    );
  }

  /**
   * Removes the lock if its owner is gone or it is older than `lockStaleMs`; true when it was
   * removed (or vanished), so the caller may try again at once. The lock file is never followed
   * if it is a symbolic link, and a stale lock that cannot be removed is an error that says why.
   */
  private async breakStaleLock(lockPath: string): Promise<boolean> {
    let info;
    try {
      info = await lstat(lockPath);
    } catch (err) {
      if (errCode(err) === 'ENOENT') return true;
      throw ioError(err, 'inspect the lock file', lockPath);
    }
    const age = Date.now() - info.mtimeMs;
    const content = info.isFile() ? await readLock(lockPath) : undefined;
    let owner: { pid?: unknown; host?: unknown } | undefined;
    try {
      owner = content === undefined ? undefined : (JSON.parse(content) as { pid?: unknown; host?: unknown });
    } catch {
      owner = undefined; // Being written right now, or garbage: only its age can tell.
    }
    const ownerGone =
      owner !== undefined && owner.host === hostname() && typeof owner.pid === 'number' && Number.isSafeInteger(owner.pid) && owner.pid > 0 && !pidAlive(owner.pid);
    if (!ownerGone && age < this.lockStaleMs) return false;
    // Move the stale lock aside atomically; if what was moved is not the lock that was judged
    // stale (another process replaced it meanwhile), put it back.
    const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
    try {
      await rename(lockPath, aside);
    } catch (err) {
      if (errCode(err) === 'ENOENT') return true;
      const whose = typeof process.getuid === 'function' && info.uid !== process.getuid() ? ` (it belongs to another user, uid ${info.uid})` : '';
      throw new ProviderError(
        errCode(err) === 'EACCES' || errCode(err) === 'EPERM' ? 'permission-denied' : 'unreachable',
        `The local vault "${this.vaultName}" is locked by a stale lock file that cannot be removed${whose}: ${lockPath} (${errCode(err) ?? 'error'}). Remove it, or ask its owner or an administrator to.`,
      );
    }
    const moved = await readLock(aside);
    if (moved !== content) await link(aside, lockPath).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return true;
  }
}
