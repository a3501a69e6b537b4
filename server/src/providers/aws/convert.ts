/**
 * Pure conversions for the AWS provider: locator pins, DescribeSecret / GetSecretValue /
 * ListSecretVersionIds shapes to SecretMetadata and VersionInfo, and the value's key names.
 */
import type {
  DescribeSecretCommandOutput,
  GetSecretValueCommandOutput,
  SecretVersionsListEntry,
} from '@aws-sdk/client-secrets-manager';
import type { SecretMetadata, VersionInfo } from '../secretProvider';

/** SecretMetadata with AWS facts that have no field of their own. */
export interface AwsSecretMetadata extends SecretMetadata {
  arn?: string;
  kmsKeyId?: string;
  /** The service that manages the secret (e.g. `rds`), when one does. */
  owningService?: string;
  primaryRegion?: string;
}

export const CURRENT = 'AWSCURRENT';
const STAGE_ORDER = ['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING'];

/**
 * Whether a pin is a VersionId rather than a staging label. VersionIds are 32–64 characters (UUIDs
 * in practice: what the console, the CLI and this provider generate); labels are short words such
 * as AWSCURRENT / AWSPREVIOUS / `release-1`. A 32+ character label made of letters, digits and
 * hyphens that contains a digit would read as a VersionId: pass it as `stage` instead.
 */
export function looksLikeVersionId(v: string): boolean {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return true;
  return v.length >= 32 && v.length <= 64 && /^[A-Za-z0-9-]+$/.test(v) && /\d/.test(v);
}

const iso = (d: unknown): string | undefined => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined);
const stageRank = (stages: readonly string[]): number => {
  const ranks = stages.map((s) => STAGE_ORDER.indexOf(s)).filter((r) => r >= 0);
  return ranks.length > 0 ? Math.min(...ranks) : STAGE_ORDER.length;
};

/** Versions with stages, AWSCURRENT first, then AWSPREVIOUS, AWSPENDING, custom labels. */
export function sortVersions(versions: VersionInfo[]): VersionInfo[] {
  return versions
    .map((v, i) => ({ v, i }))
    .sort((a, b) => stageRank(a.v.stages ?? []) - stageRank(b.v.stages ?? []) || a.i - b.i)
    .map((x) => x.v);
}

export function metadataFromDescribe(d: DescribeSecretCommandOutput): AwsSecretMetadata {
  const versions: VersionInfo[] = [];
  let currentVersion: string | undefined;
  for (const [id, stages] of Object.entries(d.VersionIdsToStages ?? {})) {
    const list = Array.isArray(stages) ? stages.filter((s): s is string => typeof s === 'string') : [];
    if (list.includes(CURRENT)) currentVersion = id;
    versions.push({ version: id, stages: list });
  }
  const tags: Record<string, string> = {};
  for (const t of d.Tags ?? []) if (typeof t.Key === 'string') tags[t.Key] = t.Value ?? '';
  const rules = d.RotationRules;
  const period = rules?.ScheduleExpression ?? (typeof rules?.AutomaticallyAfterDays === 'number' ? `${rules.AutomaticallyAfterDays} days` : undefined);
  const nextRotation = iso(d.NextRotationDate);
  const deletionDate = iso(d.DeletedDate);
  const createdTime = iso(d.CreatedDate);
  const lastChanged = iso(d.LastChangedDate);
  const lastAccessed = iso(d.LastAccessedDate);
  return {
    versions: sortVersions(versions),
    ...(currentVersion !== undefined ? { currentVersion } : {}),
    ...(createdTime ? { createdTime } : {}),
    ...(lastChanged ? { updatedTime: lastChanged, lastChangedDate: lastChanged } : {}),
    ...(lastAccessed ? { lastAccessedDate: lastAccessed } : {}),
    ...(typeof d.Description === 'string' ? { description: d.Description } : {}),
    ...(d.Tags ? { tags } : {}),
    // AWS has no "disabled" secret: one scheduled for deletion is the closest (its value cannot be read).
    enabled: deletionDate === undefined,
    ...(deletionDate ? { deletionDate } : {}),
    ...(d.RotationEnabled !== undefined || rules
      ? { rotation: { enabled: d.RotationEnabled === true, ...(nextRotation ? { nextRotation } : {}), ...(period ? { period } : {}) } }
      : {}),
    ...(typeof d.ARN === 'string' ? { arn: d.ARN } : {}),
    ...(typeof d.KmsKeyId === 'string' ? { kmsKeyId: d.KmsKeyId } : {}),
    ...(typeof d.OwningService === 'string' ? { owningService: d.OwningService } : {}),
    ...(typeof d.PrimaryRegion === 'string' ? { primaryRegion: d.PrimaryRegion } : {}),
  };
}

/** What GetSecretValue alone tells (used when DescribeSecret is denied or fails): never the value. */
export function metadataFromValue(v: GetSecretValueCommandOutput): AwsSecretMetadata {
  const stages = (v.VersionStages ?? []).filter((s): s is string => typeof s === 'string');
  const createdTime = iso(v.CreatedDate);
  const versions: VersionInfo[] =
    typeof v.VersionId === 'string' ? [{ version: v.VersionId, stages, ...(createdTime ? { createdTime } : {}) }] : [];
  return {
    versions,
    ...(typeof v.VersionId === 'string' && stages.includes(CURRENT) ? { currentVersion: v.VersionId } : {}),
    ...(typeof v.ARN === 'string' ? { arn: v.ARN } : {}),
  };
}

export function versionFromListEntry(e: SecretVersionsListEntry): VersionInfo | undefined {
  if (typeof e.VersionId !== 'string') return undefined;
  const createdTime = iso(e.CreatedDate);
  return {
    version: e.VersionId,
    stages: (e.VersionStages ?? []).filter((s): s is string => typeof s === 'string'),
    ...(createdTime ? { createdTime } : {}),
  };
}

/**
 * Key names of a secret value: a JSON object's keys, or undefined when the value is not a JSON
 * object (plain text, a JSON array/scalar, a binary secret). The parsed value is dropped here.
 */
export function keysOf(v: GetSecretValueCommandOutput): string[] | undefined {
  if (typeof v.SecretString !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v.SecretString);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? Object.keys(parsed) : undefined;
}

/** The value for a preview: the parsed JSON object, else the text; a binary secret as base64 text. */
export function valueOf(v: GetSecretValueCommandOutput): Record<string, unknown> | string {
  if (typeof v.SecretString === 'string') {
    try {
      const parsed: unknown = JSON.parse(v.SecretString);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // plain text
    }
    return v.SecretString;
  }
  if (v.SecretBinary instanceof Uint8Array) return Buffer.from(v.SecretBinary).toString('base64');
  return '';
}
