/**
 * Reading the SDK's response objects (protobuf `toObject` output: Timestamps and Durations as
 * `{ seconds, nanos }` with int64 seconds as strings, enums as names, bytes as Buffers) into the
 * provider's facts. Every reader is defensive: a wrong shape yields undefined, never a throw.
 */
import type { SecretMetadata, VersionInfo } from '../secretProvider';

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED' | 'STATE_UNSPECIFIED';

export interface VersionFact {
  version: number;
  state: VersionState;
  createTime?: string;
  destroyTime?: string;
  scheduledDestroyTime?: string;
}

export interface SecretFact {
  createTime?: string;
  expireTime?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** alias → version number. */
  aliases: Record<string, number>;
  rotation?: { nextRotationTime?: string; rotationPeriod?: string };
  etag?: string;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  if (isObject(v) && typeof v.toString === 'function' && typeof v.low === 'number') return Number(String(v));
  return undefined;
}

/** Protobuf Timestamp (or an RFC 3339 string) → ISO 8601 with millisecond precision. */
export function isoTime(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  if (!isObject(v)) return undefined;
  const seconds = int(v.seconds);
  if (seconds === undefined) return undefined;
  const nanos = int(v.nanos) ?? 0;
  const ms = seconds * 1000 + Math.floor(nanos / 1e6);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Protobuf Duration (or "3600s") → ISO 8601 duration, e.g. `P30D`, `PT1H30M`, `PT0.5S`. */
export function isoDuration(v: unknown): string | undefined {
  let seconds: number | undefined;
  let nanos = 0;
  if (typeof v === 'string') {
    const m = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(v);
    if (!m) return undefined;
    seconds = Number(m[1]);
    nanos = m[2] ? Number(m[2].padEnd(9, '0')) : 0;
  } else if (isObject(v)) {
    seconds = int(v.seconds);
    nanos = int(v.nanos) ?? 0;
  }
  if (seconds === undefined || seconds < 0) return undefined;
  const days = Math.floor(seconds / 86400);
  let rest = seconds % 86400;
  const hours = Math.floor(rest / 3600);
  rest %= 3600;
  const minutes = Math.floor(rest / 60);
  const secs = rest % 60;
  let time = '';
  if (hours) time += `${hours}H`;
  if (minutes) time += `${minutes}M`;
  if (secs || nanos) time += `${nanos ? (secs + nanos / 1e9).toString() : secs}S`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** The last segment after `/versions/` of a version's resource name, as a number. */
export function versionNumberOf(name: unknown): number | undefined {
  if (typeof name !== 'string') return undefined;
  const m = /\/versions\/(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The secret id of a secret's resource name (`projects/<p>/secrets/<id>`). */
export function secretIdOf(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const m = /^projects\/[^/]+\/secrets\/([^/]+)$/.exec(name);
  return m ? m[1] : undefined;
}

const STATES = new Set(['ENABLED', 'DISABLED', 'DESTROYED', 'STATE_UNSPECIFIED']);
const STATE_BY_NUMBER: Record<number, VersionState> = { 0: 'STATE_UNSPECIFIED', 1: 'ENABLED', 2: 'DISABLED', 3: 'DESTROYED' };

export function readVersion(v: unknown): VersionFact | undefined {
  if (!isObject(v)) return undefined;
  const version = versionNumberOf(v.name);
  if (version === undefined) return undefined;
  const state: VersionState =
    typeof v.state === 'string' && STATES.has(v.state)
      ? (v.state as VersionState)
      : typeof v.state === 'number'
        ? (STATE_BY_NUMBER[v.state] ?? 'STATE_UNSPECIFIED')
        : 'STATE_UNSPECIFIED';
  const createTime = isoTime(v.createTime);
  const destroyTime = isoTime(v.destroyTime);
  const scheduledDestroyTime = isoTime(v.scheduledDestroyTime);
  return {
    version,
    state,
    ...(createTime ? { createTime } : {}),
    ...(destroyTime ? { destroyTime } : {}),
    ...(scheduledDestroyTime ? { scheduledDestroyTime } : {}),
  };
}

export function readSecret(s: unknown): SecretFact | undefined {
  if (!isObject(s) || typeof s.name !== 'string') return undefined;
  const aliases: Record<string, number> = {};
  if (isObject(s.versionAliases)) {
    for (const [alias, n] of Object.entries(s.versionAliases)) {
      const num = int(n);
      if (num !== undefined) aliases[alias] = num;
    }
  }
  const createTime = isoTime(s.createTime);
  const expireTime = isoTime(s.expireTime);
  let rotation: SecretFact['rotation'];
  if (isObject(s.rotation)) {
    const nextRotationTime = isoTime(s.rotation.nextRotationTime);
    const rotationPeriod = isoDuration(s.rotation.rotationPeriod);
    if (nextRotationTime || rotationPeriod) rotation = { ...(nextRotationTime ? { nextRotationTime } : {}), ...(rotationPeriod ? { rotationPeriod } : {}) };
  }
  return {
    labels: stringMap(s.labels),
    annotations: stringMap(s.annotations),
    aliases,
    ...(createTime ? { createTime } : {}),
    ...(expireTime ? { expireTime } : {}),
    ...(rotation ? { rotation } : {}),
    ...(typeof s.etag === 'string' && s.etag !== '' ? { etag: s.etag } : {}),
  };
}

/** VersionInfo of each version, oldest first; aliases (and `latest`) as stages. */
export function versionInfos(versions: readonly VersionFact[], aliases: Record<string, number>): VersionInfo[] {
  const latest = versions.reduce((max, v) => Math.max(max, v.version), 0);
  return [...versions]
    .sort((a, b) => a.version - b.version)
    .map((v) => {
      const stages = Object.entries(aliases)
        .filter(([, n]) => n === v.version)
        .map(([alias]) => alias)
        .sort();
      if (v.version === latest) stages.unshift('latest');
      return {
        version: v.version,
        ...(v.createTime ? { createdTime: v.createTime } : {}),
        ...(v.destroyTime ? { deletionTime: v.destroyTime } : {}),
        destroyed: v.state === 'DESTROYED',
        disabled: v.state === 'DISABLED',
        ...(stages.length ? { stages } : {}),
      };
    });
}

/**
 * SecretMetadata from a secret and its versions. `readVersion`: the version a reference reads
 * (pinned, or the latest); `enabled` is that version's state (undefined when it does not exist).
 */
export function buildMetadata(secret: SecretFact, versions: readonly VersionFact[] | undefined, readVersion: number | 'latest'): SecretMetadata {
  const list = versions ?? [];
  const latest = list.reduce<VersionFact | undefined>((max, v) => (!max || v.version > max.version ? v : max), undefined);
  const read = readVersion === 'latest' ? latest : list.find((v) => v.version === readVersion);
  const meta: SecretMetadata = {
    versions: versionInfos(list, secret.aliases),
    ...(latest ? { currentVersion: latest.version } : {}),
    ...(secret.createTime ? { createdTime: secret.createTime } : {}),
    ...(latest?.createTime ? { updatedTime: latest.createTime } : {}),
    tags: { ...secret.labels },
    ...(Object.keys(secret.annotations).length ? { customMetadata: { ...secret.annotations } } : {}),
    ...(secret.expireTime ? { expiresOn: secret.expireTime } : {}),
    rotation: secret.rotation
      ? {
          enabled: true,
          ...(secret.rotation.nextRotationTime ? { nextRotation: secret.rotation.nextRotationTime } : {}),
          ...(secret.rotation.rotationPeriod ? { period: secret.rotation.rotationPeriod } : {}),
        }
      : { enabled: false },
  };
  if (versions !== undefined && read) meta.enabled = read.state === 'ENABLED';
  if (read?.state === 'DESTROYED' && read.destroyTime) meta.deletionDate = read.destroyTime;
  else if (read?.scheduledDestroyTime) meta.deletionDate = read.scheduledDestroyTime;
  return meta;
}
