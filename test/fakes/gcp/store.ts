/**
 * State of the fake Secret Manager (one project) and the JSON it sends, shaped like the REST API v1:
 * resource names use the project NUMBER (`projects/123.../secrets/s`) whatever the request named,
 * timestamps are RFC 3339 strings with microseconds, durations `"<seconds>s"`, int64 fields strings,
 * empty maps and unset fields omitted, enums as names or (with `$alt=json;enum-encoding=int`, which
 * the SDK always asks for) as numbers.
 */
import { crc32cBitwise } from './crc32c';

export type VersionState = 'ENABLED' | 'DISABLED' | 'DESTROYED';
const STATE_NUMBER: Record<VersionState, number> = { ENABLED: 1, DISABLED: 2, DESTROYED: 3 };

export interface VersionRecord {
  number: number;
  state: VersionState;
  createTime: Stamp;
  destroyTime?: Stamp;
  /** null once destroyed. */
  data: Buffer | null;
  clientSpecifiedPayloadChecksum: boolean;
  etag: string;
}

export interface SecretRecord {
  id: string;
  createTime: Stamp;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  aliases: Map<string, number>;
  expireTime?: Stamp;
  rotation?: { nextRotationTime?: Stamp; rotationPeriodSeconds?: number };
  /** Oldest first. */
  versions: VersionRecord[];
  etag: string;
}

/** A point in time with microseconds, as Secret Manager reports them. */
export interface Stamp {
  ms: number;
  micros: number;
}

export interface SecretSetup {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  expireTime?: Date | string;
  rotation?: { nextRotationTime?: Date | string; rotationPeriodSeconds?: number };
  /** Defaults to the fake's clock. */
  createTime?: Date | string;
}

export const SECRET_ID_RE = /^[A-Za-z0-9_-]{1,255}$/;
export const MAX_PAYLOAD_BYTES = 64 * 1024;

let microCounter = 0;

export function rfc3339(s: Stamp): string {
  return `${new Date(s.ms).toISOString().slice(0, -1)}${String(s.micros).padStart(3, '0')}Z`;
}

export class SecretStore {
  readonly secrets = new Map<string, SecretRecord>();

  constructor(
    readonly projectNumber: string,
    private readonly nowMs: () => number,
  ) {}

  stamp(at?: Date | string): Stamp {
    const ms = at === undefined ? this.nowMs() : new Date(at).getTime();
    microCounter = (microCounter + 7) % 1000;
    return { ms, micros: microCounter };
  }

  private etag(): string {
    return `"${(this.nowMs() * 1000 + microCounter).toString(16)}"`;
  }

  secretName(id: string): string {
    return `projects/${this.projectNumber}/secrets/${id}`;
  }

  create(id: string, setup: SecretSetup = {}): SecretRecord {
    if (!SECRET_ID_RE.test(id)) throw new Error(`invalid secret id ${id}`);
    if (this.secrets.has(id)) throw new Error(`secret ${id} exists`);
    const rec: SecretRecord = {
      id,
      createTime: this.stamp(setup.createTime),
      labels: { ...(setup.labels ?? {}) },
      annotations: { ...(setup.annotations ?? {}) },
      aliases: new Map(),
      versions: [],
      etag: this.etag(),
      ...(setup.expireTime !== undefined ? { expireTime: this.stamp(setup.expireTime) } : {}),
      ...(setup.rotation
        ? {
            rotation: {
              ...(setup.rotation.nextRotationTime !== undefined ? { nextRotationTime: this.stamp(setup.rotation.nextRotationTime) } : {}),
              ...(setup.rotation.rotationPeriodSeconds !== undefined ? { rotationPeriodSeconds: setup.rotation.rotationPeriodSeconds } : {}),
            },
          }
        : {}),
    };
    this.secrets.set(id, rec);
    return rec;
  }

  addVersion(rec: SecretRecord, data: Buffer, clientChecksum: boolean): VersionRecord {
    const last = rec.versions[rec.versions.length - 1];
    const v: VersionRecord = {
      number: (last?.number ?? 0) + 1,
      state: 'ENABLED',
      createTime: this.stamp(),
      data: Buffer.from(data),
      clientSpecifiedPayloadChecksum: clientChecksum,
      etag: this.etag(),
    };
    rec.versions.push(v);
    return v;
  }

  setState(v: VersionRecord, state: VersionState): void {
    v.state = state;
    v.etag = this.etag();
    if (state === 'DESTROYED') {
      v.data?.fill(0);
      v.data = null;
      v.destroyTime = this.stamp();
    }
  }

  /** `latest` (the newest version, whatever its state), a number, or an alias. */
  resolveVersion(rec: SecretRecord, ref: string): VersionRecord | undefined | 'invalid' {
    if (ref === 'latest') return rec.versions[rec.versions.length - 1];
    if (/^\d+$/.test(ref)) {
      const n = Number(ref);
      if (n < 1) return 'invalid';
      return rec.versions.find((v) => v.number === n);
    }
    const aliased = rec.aliases.get(ref);
    if (aliased === undefined) return 'invalid';
    return rec.versions.find((v) => v.number === aliased);
  }

  secretJson(rec: SecretRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.secretName(rec.id),
      replication: { automatic: {} },
      createTime: rfc3339(rec.createTime),
      etag: rec.etag,
    };
    if (Object.keys(rec.labels).length) out.labels = { ...rec.labels };
    if (rec.expireTime) out.expireTime = rfc3339(rec.expireTime);
    if (rec.rotation) {
      const r: Record<string, unknown> = {};
      if (rec.rotation.nextRotationTime) r.nextRotationTime = rfc3339(rec.rotation.nextRotationTime);
      if (rec.rotation.rotationPeriodSeconds !== undefined) r.rotationPeriod = `${rec.rotation.rotationPeriodSeconds}s`;
      out.rotation = r;
    }
    if (rec.aliases.size) out.versionAliases = Object.fromEntries([...rec.aliases].map(([k, n]) => [k, String(n)]));
    if (Object.keys(rec.annotations).length) out.annotations = { ...rec.annotations };
    return out;
  }

  versionJson(rec: SecretRecord, v: VersionRecord, enumsAsInt: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: `${this.secretName(rec.id)}/versions/${v.number}`,
      createTime: rfc3339(v.createTime),
      state: enumsAsInt ? STATE_NUMBER[v.state] : v.state,
      replicationStatus: { automatic: {} },
      etag: v.etag,
    };
    if (v.destroyTime) out.destroyTime = rfc3339(v.destroyTime);
    if (v.clientSpecifiedPayloadChecksum) out.clientSpecifiedPayloadChecksum = true;
    return out;
  }

  accessJson(rec: SecretRecord, v: VersionRecord): Record<string, unknown> {
    const data = v.data ?? Buffer.alloc(0);
    return {
      name: `${this.secretName(rec.id)}/versions/${v.number}`,
      payload: { data: data.toString('base64'), dataCrc32c: String(crc32cBitwise(data)) },
    };
  }
}

/** Opaque page tokens: which list, for which parent, from which offset. */
export function encodePageToken(kind: string, parent: string, offset: number): string {
  return Buffer.from(JSON.stringify({ k: kind, p: parent, o: offset })).toString('base64url');
}

export function decodePageToken(token: string, kind: string, parent: string): number | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown; p?: unknown; o?: unknown };
    return v.k === kind && v.p === parent && typeof v.o === 'number' && Number.isInteger(v.o) && v.o >= 0 ? v.o : undefined;
  } catch {
    return undefined;
  }
}
