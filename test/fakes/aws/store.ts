/**
 * State and operations of the fake AWS Secrets Manager (see ../awsFake.ts for the wire side).
 *
 * What real Secrets Manager does, reproduced here:
 * - A secret has versions; staging labels (AWSCURRENT, AWSPREVIOUS, AWSPENDING, custom) are attached
 *   to at most one version each. A version without labels is "deprecated": ListSecretVersionIds hides
 *   it unless IncludeDeprecated, DescribeSecret's VersionIdsToStages never lists it.
 * - PutSecretValue without VersionStages makes the new version AWSCURRENT, moves AWSPREVIOUS to the
 *   old current version and drops it from the version that had it. ClientRequestToken becomes the
 *   VersionId: the same token with the same value is a no-op answering the existing version, the same
 *   token with a different value is ResourceExistsException.
 * - A secret scheduled for deletion (DeleteSecret with a recovery window) still answers DescribeSecret
 *   (with DeletedDate) and ListSecretVersionIds, is hidden from ListSecrets unless
 *   IncludePlannedDeletion, and GetSecretValue / PutSecretValue fail with InvalidRequestException.
 * - LastAccessedDate is a date (midnight UTC), updated by GetSecretValue.
 * - Errors are 400 with a `__type` for everything the client did wrong; 500 InternalServiceError otherwise.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export class AwsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface VersionRecord {
  id: string;
  secretString?: string;
  secretBinary?: Buffer;
  createdDate: Date;
  lastAccessedDate?: Date;
}

export interface RotationSetup {
  enabled: boolean;
  /** RotationRules.AutomaticallyAfterDays */
  days?: number;
  /** RotationRules.ScheduleExpression, e.g. `rate(10 days)` or `cron(0 16 1,15 * ? *)` */
  schedule?: string;
  nextRotationDate?: Date;
  lastRotatedDate?: Date;
  lambdaArn?: string;
}

export interface SecretRecord {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  tags: Array<{ Key: string; Value: string }>;
  createdDate: Date;
  lastChangedDate: Date;
  lastAccessedDate?: Date;
  deletedDate?: Date;
  rotation?: RotationSetup;
  /** Insertion order = creation order. */
  versions: Map<string, VersionRecord>;
  /** staging label → version id */
  stages: Map<string, string>;
}

export type SecretValue = string | Buffer | Record<string, unknown>;

const VERSION_STAGE_RE = /^[\s\S]{1,256}$/;
const TOKEN_RE = /^[\s\S]{32,64}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const epoch = (d: Date): number => d.getTime() / 1000;
const day = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
const ARN_SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function arnSuffix(): string {
  const bytes = randomBytes(6);
  let out = '';
  for (const b of bytes) out += ARN_SUFFIX_CHARS[b % ARN_SUFFIX_CHARS.length];
  return out;
}

function str(body: Record<string, unknown>, field: string, required = false): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (required) throw new AwsApiError('InvalidParameterException', `You must provide a value for the ${field} parameter.`);
    return undefined;
  }
  if (typeof v !== 'string') throw new AwsApiError('SerializationException', `Unexpected value type for ${field}`);
  return v;
}

export class SecretStore {
  readonly secrets = new Map<string, SecretRecord>();

  constructor(
    readonly region: string,
    readonly accountId: string,
    private readonly now: () => Date,
    /** Page size when a list call sends no MaxResults. */
    private readonly defaultPageSize: number,
    /** Most items per page whatever MaxResults says. */
    private readonly maxPageSize: number,
  ) {}

  // ================================================================ setup helpers (not wire)

  create(
    name: string,
    value: SecretValue | undefined,
    opts: { description?: string; tags?: Record<string, string>; kmsKeyId?: string; rotation?: RotationSetup; versionId?: string } = {},
  ): { arn: string; versionId?: string } {
    if (this.secrets.has(name)) throw new AwsApiError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    const now = this.now();
    const record: SecretRecord = {
      name,
      arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${arnSuffix()}`,
      ...(opts.description !== undefined ? { description: opts.description } : {}),
      ...(opts.kmsKeyId !== undefined ? { kmsKeyId: opts.kmsKeyId } : {}),
      tags: Object.entries(opts.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      createdDate: now,
      lastChangedDate: now,
      ...(opts.rotation ? { rotation: { ...opts.rotation } } : {}),
      versions: new Map(),
      stages: new Map(),
    };
    this.secrets.set(name, record);
    if (value === undefined) return { arn: record.arn };
    const versionId = this.addVersion(record, value, opts.versionId ?? randomUUID(), undefined);
    return { arn: record.arn, versionId };
  }

  /** Adds a version (default: becomes AWSCURRENT). Returns its id. */
  addVersion(record: SecretRecord, value: SecretValue, versionId: string, stages: string[] | undefined): string {
    const existing = record.versions.get(versionId);
    const { secretString, secretBinary } = toStored(value);
    if (existing) {
      const same =
        existing.secretString === secretString &&
        ((existing.secretBinary === undefined && secretBinary === undefined) ||
          (existing.secretBinary !== undefined && secretBinary !== undefined && existing.secretBinary.equals(secretBinary)));
      if (!same) {
        throw new AwsApiError('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
      }
      return versionId;
    }
    const now = this.now();
    record.versions.set(versionId, {
      id: versionId,
      ...(secretString !== undefined ? { secretString } : {}),
      ...(secretBinary !== undefined ? { secretBinary } : {}),
      createdDate: now,
    });
    for (const stage of stages && stages.length > 0 ? stages : ['AWSCURRENT']) this.moveStage(record, stage, versionId);
    record.lastChangedDate = now;
    return versionId;
  }

  /** Attaches `stage` to `versionId` (AWSCURRENT also moves AWSPREVIOUS, as Secrets Manager does). */
  moveStage(record: SecretRecord, stage: string, versionId: string): void {
    if (!record.versions.has(versionId)) throw new AwsApiError('ResourceNotFoundException', `Secrets Manager can't find the specified secret version.`);
    const from = record.stages.get(stage);
    if (from === versionId) return;
    if (stage === 'AWSCURRENT' && from !== undefined) record.stages.set('AWSPREVIOUS', from);
    record.stages.set(stage, versionId);
  }

  find(secretId: string): SecretRecord | undefined {
    const byName = this.secrets.get(secretId);
    if (byName) return byName;
    for (const s of this.secrets.values()) if (s.arn === secretId) return s;
    return undefined;
  }

  stagesOf(record: SecretRecord, versionId: string): string[] {
    const out: string[] = [];
    for (const [stage, id] of record.stages) if (id === versionId) out.push(stage);
    return out;
  }

  // ================================================================ wire operations

  private require(body: Record<string, unknown>): SecretRecord {
    const id = str(body, 'SecretId', true)!;
    const record = this.find(id);
    if (!record) throw new AwsApiError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return record;
  }

  /**
   * GetSecretValue / PutSecretValue on a secret scheduled for deletion: InvalidRequestException
   * (API reference, GetSecretValue "Errors": "The secret is scheduled for deletion"). AWS's text
   * varies ("...because it was marked for deletion.", "...that's currently marked deleted."): the
   * product must not depend on it.
   */
  private notDeleted(record: SecretRecord): void {
    if (record.deletedDate) {
      throw new AwsApiError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
  }

  private page<T>(items: T[], body: Record<string, unknown>): { items: T[]; nextToken?: string } {
    let max = this.defaultPageSize;
    if (body.MaxResults !== undefined) {
      if (typeof body.MaxResults !== 'number' || !Number.isInteger(body.MaxResults) || body.MaxResults < 1 || body.MaxResults > 100) {
        throw new AwsApiError('ValidationException', "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100");
      }
      max = body.MaxResults;
    }
    let start = 0;
    const token = str(body, 'NextToken');
    if (token !== undefined) {
      const m = /^fake-page:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
      if (!m || Number(m[1]) > items.length) throw new AwsApiError('InvalidNextTokenException', 'The NextToken value is invalid.');
      start = Number(m[1]);
    }
    const end = start + Math.min(max, this.maxPageSize);
    return {
      items: items.slice(start, end),
      ...(end < items.length ? { nextToken: Buffer.from(`fake-page:${end}`).toString('base64') } : {}),
    };
  }

  /**
   * ListSecrets (API reference ListSecrets; model ListSecretsResponse: SecretList of
   * SecretListEntry, NextToken): secrets scheduled for deletion only with IncludePlannedDeletion;
   * MaxResults 1-100; an entry names its stages map SecretVersionsToStages.
   */
  listSecrets(body: Record<string, unknown>): Record<string, unknown> {
    const includeDeleted = body.IncludePlannedDeletion === true;
    const all = [...this.secrets.values()].filter((s) => includeDeleted || !s.deletedDate);
    const { items, nextToken } = this.page(all, body);
    return {
      SecretList: items.map((s) => {
        const entry = this.describeShape(s);
        // ListSecrets names the map SecretVersionsToStages (DescribeSecret: VersionIdsToStages).
        const stages = entry.VersionIdsToStages;
        delete entry.VersionIdsToStages;
        if (stages) entry.SecretVersionsToStages = stages;
        return entry;
      }),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  /**
   * DescribeSecret (API reference DescribeSecret; model DescribeSecretResponse): answers for a
   * secret scheduled for deletion too, with DeletedDate; VersionIdsToStages lists only versions
   * that carry a label; ResourceNotFoundException "Secrets Manager can't find the specified secret."
   */
  describeSecret(body: Record<string, unknown>): Record<string, unknown> {
    return this.describeShape(this.require(body));
  }

  private describeShape(s: SecretRecord): Record<string, unknown> {
    const versionsToStages: Record<string, string[]> = {};
    for (const v of s.versions.values()) {
      const stages = this.stagesOf(s, v.id);
      if (stages.length > 0) versionsToStages[v.id] = stages;
    }
    const r = s.rotation;
    return {
      ARN: s.arn,
      Name: s.name,
      ...(s.description !== undefined ? { Description: s.description } : {}),
      ...(s.kmsKeyId !== undefined ? { KmsKeyId: s.kmsKeyId } : {}),
      RotationEnabled: r?.enabled ?? false,
      ...(r?.lambdaArn ? { RotationLambdaARN: r.lambdaArn } : {}),
      ...(r && (r.days !== undefined || r.schedule !== undefined)
        ? {
            RotationRules: {
              ...(r.days !== undefined ? { AutomaticallyAfterDays: r.days } : {}),
              ...(r.schedule !== undefined ? { ScheduleExpression: r.schedule } : {}),
            },
          }
        : {}),
      ...(r?.lastRotatedDate ? { LastRotatedDate: epoch(r.lastRotatedDate) } : {}),
      LastChangedDate: epoch(s.lastChangedDate),
      ...(s.lastAccessedDate ? { LastAccessedDate: epoch(s.lastAccessedDate) } : {}),
      ...(s.deletedDate ? { DeletedDate: epoch(s.deletedDate) } : {}),
      ...(r?.enabled && r.nextRotationDate ? { NextRotationDate: epoch(r.nextRotationDate) } : {}),
      ...(s.tags.length > 0 ? { Tags: s.tags.map((t) => ({ ...t })) } : {}),
      ...(Object.keys(versionsToStages).length > 0 ? { VersionIdsToStages: versionsToStages } : {}),
      CreatedDate: epoch(s.createdDate),
    };
  }

  /**
   * GetSecretValue (API reference GetSecretValue; model GetSecretValueResponse: ARN, Name,
   * VersionId, SecretString | SecretBinary, VersionStages, CreatedDate): without a pin, AWSCURRENT;
   * a missing version is ResourceNotFoundException "...can't find the specified secret value for
   * VersionId: X" / "...for staging label: L"; a VersionId and a VersionStage of different versions
   * is InvalidRequestException (as getmoto/moto reproduces it from AWS).
   */
  getSecretValue(body: Record<string, unknown>): Record<string, unknown> {
    const s = this.require(body);
    this.notDeleted(s);
    const versionId = str(body, 'VersionId');
    const stage = str(body, 'VersionStage');
    if (stage !== undefined && !VERSION_STAGE_RE.test(stage)) throw new AwsApiError('ValidationException', 'Invalid VersionStage.');
    let v: VersionRecord | undefined;
    if (versionId !== undefined) {
      v = s.versions.get(versionId);
      if (!v) throw new AwsApiError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
      if (stage !== undefined && s.stages.get(stage) !== versionId) {
        throw new AwsApiError('InvalidRequestException', 'The VersionId and VersionStage you specified refer to different versions of the secret.');
      }
    } else {
      const label = stage ?? 'AWSCURRENT';
      const id = s.stages.get(label);
      v = id !== undefined ? s.versions.get(id) : undefined;
      if (!v) throw new AwsApiError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${label}`);
    }
    const now = this.now();
    s.lastAccessedDate = day(now);
    v.lastAccessedDate = day(now);
    return {
      ARN: s.arn,
      Name: s.name,
      VersionId: v.id,
      ...(v.secretString !== undefined ? { SecretString: v.secretString } : {}),
      ...(v.secretBinary !== undefined ? { SecretBinary: v.secretBinary.toString('base64') } : {}),
      VersionStages: this.stagesOf(s, v.id),
      CreatedDate: epoch(v.createdDate),
    };
  }

  /**
   * ListSecretVersionIds (API reference; model ListSecretVersionIdsResponse: Versions of
   * SecretVersionsListEntry, NextToken, ARN, Name): versions without a label only with
   * IncludeDeprecated; KmsKeyIds names DefaultEncryptionKey for the AWS managed key.
   */
  listSecretVersionIds(body: Record<string, unknown>): Record<string, unknown> {
    const s = this.require(body);
    const includeDeprecated = body.IncludeDeprecated === true;
    const all = [...s.versions.values()].filter((v) => includeDeprecated || this.stagesOf(s, v.id).length > 0);
    const { items, nextToken } = this.page(all, body);
    return {
      Versions: items.map((v) => {
        const stages = this.stagesOf(s, v.id);
        return {
          VersionId: v.id,
          ...(stages.length > 0 ? { VersionStages: stages } : {}),
          ...(v.lastAccessedDate ? { LastAccessedDate: epoch(v.lastAccessedDate) } : {}),
          CreatedDate: epoch(v.createdDate),
          KmsKeyIds: [s.kmsKeyId ?? 'DefaultEncryptionKey'],
        };
      }),
      ...(nextToken ? { NextToken: nextToken } : {}),
      ARN: s.arn,
      Name: s.name,
    };
  }

  /**
   * PutSecretValue (API reference; model PutSecretValueRequest.ClientRequestToken): the token is the
   * new VersionId (32-64 characters); the same token with the same value changes nothing, with
   * another value is ResourceExistsException; without VersionStages the new version is AWSCURRENT.
   */
  putSecretValue(body: Record<string, unknown>): Record<string, unknown> {
    const s = this.require(body);
    this.notDeleted(s);
    const value = valueFromBody(body);
    const token = str(body, 'ClientRequestToken') ?? randomUUID();
    if (!TOKEN_RE.test(token)) throw new AwsApiError('ValidationException', 'ClientRequestToken must be 32 to 64 characters long.');
    let stages: string[] | undefined;
    if (body.VersionStages !== undefined) {
      if (!Array.isArray(body.VersionStages) || !body.VersionStages.every((x) => typeof x === 'string' && VERSION_STAGE_RE.test(x))) {
        throw new AwsApiError('ValidationException', 'Invalid VersionStages.');
      }
      stages = body.VersionStages as string[];
    }
    const versionId = this.addVersion(s, value, token, stages);
    return { ARN: s.arn, Name: s.name, VersionId: versionId, VersionStages: this.stagesOf(s, versionId) };
  }

  createSecret(body: Record<string, unknown>): Record<string, unknown> {
    const name = str(body, 'Name', true)!;
    const hasValue = body.SecretString !== undefined || body.SecretBinary !== undefined;
    const tags: Record<string, string> = {};
    if (Array.isArray(body.Tags)) for (const t of body.Tags) if (isObject(t) && typeof t.Key === 'string') tags[t.Key] = String(t.Value ?? '');
    const description = str(body, 'Description');
    const kmsKeyId = str(body, 'KmsKeyId');
    const token = str(body, 'ClientRequestToken');
    const { arn, versionId } = this.create(name, hasValue ? valueFromBody(body) : undefined, {
      ...(description !== undefined ? { description } : {}),
      ...(kmsKeyId !== undefined ? { kmsKeyId } : {}),
      tags,
      ...(token !== undefined ? { versionId: token } : {}),
    });
    return { ARN: arn, Name: name, ...(versionId ? { VersionId: versionId } : {}) };
  }
}

function toStored(value: SecretValue): { secretString?: string; secretBinary?: Buffer } {
  if (Buffer.isBuffer(value)) return { secretBinary: Buffer.from(value) };
  if (typeof value === 'string') return { secretString: value };
  return { secretString: JSON.stringify(value) };
}

function valueFromBody(body: Record<string, unknown>): SecretValue {
  const s = body.SecretString;
  const b = body.SecretBinary;
  if (s !== undefined && b !== undefined) {
    throw new AwsApiError('InvalidParameterException', 'You must provide either SecretString or SecretBinary, but not both.');
  }
  if (typeof s === 'string') return s;
  if (typeof b === 'string') return Buffer.from(b, 'base64');
  throw new AwsApiError('InvalidParameterException', 'You must provide either SecretString or SecretBinary.');
}
