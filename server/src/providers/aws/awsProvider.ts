/**
 * `provider: aws` — AWS Secrets Manager through @aws-sdk/client-secrets-manager, loaded lazily.
 *
 * Locators: `path` is the secret's name (or ARN); `version` pins a VersionId, or a staging label
 * when it does not look like a VersionId (see looksLikeVersionId); an optional `stage` field pins a
 * staging label explicitly. Without a pin, AWSCURRENT is read.
 *
 * Values are only returned by `readValue`; `keys` / `describe` parse the value and keep nothing but
 * the key names.
 */
import { randomUUID } from 'node:crypto';
import type { DescribeSecretCommandOutput, GetSecretValueCommandInput, GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import {
  ProviderError,
  type EngineInfo,
  type SecretLocator,
  type SecretProvider,
  type VersionInfo,
  type WriteResult,
} from '../secretProvider';
import { type ListLimits, type Listing, listLimits, namesListing, readPages, versionsCutError } from '../listing';
import { findTransportRefusal, refusalError } from '../responseLimits';
import { guardCall, redactError } from '../transportErrors';
import { AwsSession, type OperationTypes } from './awsSession';
import {
  type AwsSecretMetadata,
  CURRENT,
  keysOf,
  looksLikeVersionId,
  metadataFromDescribe,
  metadataFromValue,
  sortVersions,
  valueOf,
  versionFromListEntry,
} from './convert';
import { type AwsFailure, type AwsOperation, actionOf, toFailure, toProviderError } from './errors';

export interface AwsProviderOptions {
  /** The vault configuration's `name` (used in messages). */
  vaultName: string;
  region: string;
  /** A profile of the shared config / credentials files, for the SDK's default credential chain. */
  profile?: string;
  /** A custom endpoint URL (e.g. a VPC endpoint, LocalStack, or a test fake). */
  endpoint?: string;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Static credentials; absent = the SDK's default chain (env, shared files, SSO profile, ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Page cap and deadline of the listings (default: listing.ts, 100 pages of ListSecrets, 30 s). */
  listLimits?: Partial<ListLimits>;
}

/** A SecretLocator with the AWS staging label pin. */
export type AwsSecretLocator = SecretLocator & { stage?: string };

export interface AwsDescribeResult {
  /** Key names of the JSON object value; undefined when the value is not a JSON object. */
  keys: string[] | undefined;
  metadata: AwsSecretMetadata;
  /**
   * Set when DescribeSecret failed (typically denied) while the value could be read: `metadata`
   * then holds only what GetSecretValue tells (version id, stages, ARN).
   */
  metadataError?: ProviderError;
}

interface Located {
  name: string;
  versionId?: string;
  stage?: string;
}

type CallResult<K extends AwsOperation> =
  | { ok: true; out: OperationTypes[K][1] }
  | { ok: false; failure: AwsFailure; error: ProviderError };

const PAGE_SIZE = 100;
/** ListSecretVersionIds lists the versions that carry a staging label (a few); 1000 is far past any secret. */
const MAX_VERSION_PAGES = 10;

/** A secret name or ARN as an argument of an `aws` command in a message; `SECRET` when it is not one. */
function cliArg(name: string): string {
  return /^[A-Za-z0-9/_+=.@:-]{1,2048}$/.test(name) ? name : 'SECRET';
}

/** Why DescribeSecret could not settle a question, for messages. */
function describeFailed(error: ProviderError | undefined): string {
  if (error?.kind === 'permission-denied') return 'DescribeSecret was denied (grant secretsmanager:DescribeSecret)';
  if (error?.details.cause) return `DescribeSecret failed (${error.details.cause})`;
  return 'DescribeSecret failed';
}

export class AwsProvider implements SecretProvider {
  readonly vaultName: string;
  private readonly session: AwsSession;
  private readonly timeoutMs: number;
  private readonly region: string;
  private readonly endpoint: string | undefined;
  private readonly profile: string | undefined;
  private readonly sensitive: string[];
  private readonly limits: ListLimits;
  private readonly versionLimits: ListLimits;

  constructor(options: AwsProviderOptions) {
    this.vaultName = options.vaultName;
    this.timeoutMs = options.timeoutMs;
    this.region = options.region;
    this.endpoint = options.endpoint;
    this.profile = options.profile;
    const c = options.credentials;
    this.sensitive = c ? [c.accessKeyId, c.secretAccessKey, ...(c.sessionToken ? [c.sessionToken] : [])] : [];
    this.limits = listLimits(PAGE_SIZE, options.listLimits);
    this.versionLimits = { ...this.limits, maxPages: Math.min(this.limits.maxPages, MAX_VERSION_PAGES) };
    this.session = new AwsSession({
      region: options.region,
      timeoutMs: options.timeoutMs,
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(c ? { credentials: { ...c } } : {}),
    });
  }

  // ================================================================ SecretProvider

  async listEngines(): Promise<EngineInfo[]> {
    return [];
  }

  async engineVersion(): Promise<1 | 2 | undefined> {
    return undefined;
  }

  /**
   * Every secret name (ListSecrets, page after page; secrets scheduled for deletion are not listed,
   * as in AWS). There are no folders: a non-empty `folder` only keeps the names that start with it.
   * A listing stops at the page cap or the deadline (see listing.ts) with the names read so far and
   * a `cut` saying so.
   */
  async list(_engine: string | undefined, folder: string): Promise<Listing> {
    return this.guard(async () => {
      const read = await readPages<string>(
        this.limits,
        async (token) => {
          const out = await this.call('ListSecrets', { MaxResults: PAGE_SIZE, ...(token !== undefined ? { NextToken: token } : {}) });
          if (!Array.isArray(out.SecretList)) throw this.badResponse('ListSecrets');
          const items = out.SecretList.flatMap((s) => (typeof s.Name === 'string' ? [s.Name] : []));
          return { items, next: typeof out.NextToken === 'string' && out.NextToken !== '' ? out.NextToken : undefined };
        },
        () => this.badResponse('ListSecrets'),
      );
      const prefix = folder ?? '';
      const listing = namesListing(read);
      if (prefix === '') return listing;
      const kept = listing.filter((n) => n.startsWith(prefix));
      return listing.cut ? Object.assign(kept, { cut: listing.cut }) : kept;
    });
  }

  /** DescribeSecret: description, dates, rotation, tags, versions with stages, deletion date. Never the value. */
  async metadata(secret: SecretLocator): Promise<AwsSecretMetadata> {
    return this.guard(async () => {
      const s = this.locate(secret);
      return metadataFromDescribe(await this.call('DescribeSecret', { SecretId: s.name }, s.name));
    });
  }

  /** Key names of the (pinned or current) value; [] when it is not a JSON object (see describe). */
  async keys(secret: SecretLocator): Promise<string[]> {
    return this.guard(async () => {
      const s = this.locate(secret);
      return keysOf(await this.readSecret(s)) ?? [];
    });
  }

  /** The value (explicit preview only): the parsed JSON object, or the text. */
  async readValue(secret: SecretLocator): Promise<Record<string, unknown> | string> {
    return this.guard(async () => valueOf(await this.readSecret(this.locate(secret))));
  }

  /**
   * Stores `data` as a NEW version (PutSecretValue; it becomes AWSCURRENT, the previous one
   * AWSPREVIOUS; no version is deleted or overwritten). A random ClientRequestToken is sent per
   * write, so the SDK's retry of the same request cannot create a second version.
   *
   * `cas` — Secrets Manager has no check-and-set. Accepted values:
   * - a string: the VersionId the writer last saw as AWSCURRENT. It is compared with the current
   *   AWSCURRENT (DescribeSecret) right before the write; a difference is `cas-conflict`. This is
   *   NOT atomic: a write by someone else between the check and PutSecretValue goes unnoticed.
   * - 0: the secret must not have a current value yet (same non-atomic check).
   * - any other number: `invalid-request` (AWS versions are ids, not numbers).
   */
  async write(secret: SecretLocator, data: Record<string, string>, cas?: number | string): Promise<WriteResult> {
    return this.guard(async () => {
      const s = this.locate({ path: secret.path });
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw new ProviderError('invalid-request', `Secret data for AWS vault "${this.vaultName}" must be an object.`);
      }
      if (cas !== undefined) {
        if (typeof cas === 'number' && cas !== 0) {
          throw new ProviderError(
            'invalid-request',
            `AWS vault "${this.vaultName}": versions are VersionIds, not numbers; pass the VersionId last seen as AWSCURRENT (or 0 for "no value yet").`,
          );
        }
        const meta = metadataFromDescribe(await this.call('DescribeSecret', { SecretId: s.name }, s.name));
        const current = meta.currentVersion;
        if (cas === 0 ? current !== undefined : current !== cas) {
          throw new ProviderError(
            'cas-conflict',
            cas === 0
              ? `AWS vault "${this.vaultName}": secret "${s.name}" already has a current value (version ${current}).`
              : `AWS vault "${this.vaultName}": secret "${s.name}" changed since version ${cas} was read (current: ${current ?? 'none'}).`,
            { apiPath: actionOf('DescribeSecret') },
          );
        }
      }
      const r = await this.tryCall(
        'PutSecretValue',
        { SecretId: s.name, SecretString: JSON.stringify(data), ClientRequestToken: randomUUID() },
        s.name,
      );
      if (!r.ok) throw r.failure.type === 'InvalidRequestException' ? await this.stateError(s, 'PutSecretValue', undefined) : r.error;
      if (typeof r.out.VersionId !== 'string') throw this.badResponse('PutSecretValue');
      return { version: r.out.VersionId };
    });
  }

  /** IAM permissions cannot be told cheaply (it would take iam:SimulatePrincipalPolicy): always []. */
  async capabilities(): Promise<string[]> {
    return [];
  }

  dispose(): void {
    this.session.dispose();
  }

  // ================================================================ AWS extras

  /**
   * Keys and metadata with one value read (GetSecretValue, for the pin) and one DescribeSecret, in
   * parallel. `keys` undefined and `metadata.json` false: the value is not a JSON object.
   */
  async describe(secret: SecretLocator): Promise<AwsDescribeResult> {
    return this.guard(async () => {
      const s = this.locate(secret);
      const [value, desc] = await Promise.all([
        this.tryCall('GetSecretValue', this.valueInput(s), s.name),
        this.tryCall('DescribeSecret', { SecretId: s.name }, s.name),
      ]);
      if (!value.ok) {
        // A secret scheduled for deletion answers GetSecretValue with InvalidRequestException;
        // DescribeSecret's DeletedDate says so, and the metadata carries it (secret-disabled).
        if (value.failure.type === 'InvalidRequestException' && desc.ok && metadataFromDescribe(desc.out).deletionDate !== undefined) {
          return { keys: undefined, metadata: metadataFromDescribe(desc.out) };
        }
        throw await this.valueError(s, value, desc.ok ? desc.out : desc.error);
      }
      const keys = keysOf(value.out);
      const metadata = desc.ok ? metadataFromDescribe(desc.out) : metadataFromValue(value.out);
      metadata.json = keys !== undefined;
      return { keys, metadata, ...(desc.ok ? {} : { metadataError: redactError(desc.error, this.sensitive) }) };
    });
  }

  /**
   * Versions that carry a staging label, with their creation dates (ListSecretVersionIds, all
   * pages), AWSCURRENT first. Falls back to DescribeSecret's VersionIdsToStages (no dates) when
   * ListSecretVersionIds is denied.
   */
  async versions(secret: SecretLocator): Promise<VersionInfo[]> {
    return this.guard(async () => {
      const s = this.locate(secret);
      let denied = false;
      const read = await readPages<VersionInfo>(
        this.versionLimits,
        async (token) => {
          const r = await this.tryCall(
            'ListSecretVersionIds',
            { SecretId: s.name, MaxResults: PAGE_SIZE, ...(token !== undefined ? { NextToken: token } : {}) },
            s.name,
          );
          if (!r.ok) {
            if (r.error.kind !== 'permission-denied') throw r.error;
            denied = true;
            return { items: [], next: undefined };
          }
          if (!Array.isArray(r.out.Versions)) throw this.badResponse('ListSecretVersionIds');
          const items = r.out.Versions.flatMap((e) => {
            const v = versionFromListEntry(e);
            return v ? [v] : [];
          });
          return { items, next: typeof r.out.NextToken === 'string' && r.out.NextToken !== '' ? r.out.NextToken : undefined };
        },
        () => this.badResponse('ListSecretVersionIds'),
      );
      if (denied) return (await this.metadata(secret)).versions;
      if (read.cut) throw versionsCutError(read.cut, `AWS vault "${this.vaultName}"`, s.name, actionOf('ListSecretVersionIds'));
      const versions = read.items;
      return sortVersions(versions);
    });
  }

  // ================================================================ internals

  private valueInput(s: Located): GetSecretValueCommandInput {
    return {
      SecretId: s.name,
      ...(s.versionId !== undefined ? { VersionId: s.versionId } : {}),
      ...(s.stage !== undefined ? { VersionStage: s.stage } : {}),
    };
  }

  private async readSecret(s: Located): Promise<GetSecretValueCommandOutput> {
    const r = await this.tryCall('GetSecretValue', this.valueInput(s), s.name);
    if (!r.ok) throw await this.valueError(s, r, undefined);
    return r.out;
  }

  /**
   * The error for a failed GetSecretValue, decided from DescribeSecret's fields, not from AWS's
   * message text:
   * - ResourceNotFoundException: DescribeSecret finds the secret → `version-not-found` (the pin,
   *   or AWSCURRENT, names no version; the message lists the labels it has); it does not →
   *   `not-found`. Only when DescribeSecret cannot answer (denied, failed) does the text of the
   *   error tell a missing version from a missing secret (`versionMissing`).
   * - InvalidRequestException ("not valid for the current state of the resource"): see stateError.
   * `describe`: the DescribeSecret answer (or its failure) when already at hand, undefined to ask now.
   */
  private async valueError(
    s: Located,
    r: Extract<CallResult<'GetSecretValue'>, { ok: false }>,
    describe: DescribeSecretCommandOutput | ProviderError | undefined,
  ): Promise<ProviderError> {
    if (r.failure.type === 'InvalidRequestException') return this.stateError(s, 'GetSecretValue', describe);
    if (r.error.kind !== 'not-found') return r.error;
    const described = await this.tryDescribe(s, describe);
    const apiPath = actionOf('GetSecretValue');
    if (described.notFound) return r.error;
    const meta = described.meta;
    if (!meta && !r.failure.versionMissing) {
      return new ProviderError(
        'not-found',
        `AWS vault "${this.vaultName}" has no secret "${s.name}", or it has no ${this.pinText(s)} (ResourceNotFoundException); which one could not be told: ${describeFailed(described.error)}. Check with \`aws secretsmanager describe-secret --secret-id ${cliArg(s.name)}\`.`,
        { apiPath },
      );
    }
    const stages = meta ? [...new Set(meta.versions.flatMap((v) => v.stages ?? []))] : [];
    const known = meta ? ` (staging labels: ${stages.length > 0 ? stages.join(', ') : 'none'})` : '';
    const hint = ` List them with \`aws secretsmanager list-secret-version-ids --secret-id ${cliArg(s.name)}\`.`;
    const pinned = s.versionId !== undefined || s.stage !== undefined;
    const message = pinned
      ? `AWS vault "${this.vaultName}": secret "${s.name}" has no ${this.pinText(s)}${known}.${hint}`
      : `AWS vault "${this.vaultName}": secret "${s.name}" has no current value (no version labelled ${CURRENT})${known}: put one with \`aws secretsmanager put-secret-value --secret-id ${cliArg(s.name)}\`.`;
    return new ProviderError('version-not-found', message, { apiPath });
  }

  /** `VersionId X with staging label Y`, `staging label AWSCURRENT`, ... for messages. */
  private pinText(s: Located): string {
    const pin = [
      ...(s.versionId !== undefined ? [`version with VersionId ${s.versionId}`] : []),
      ...(s.stage !== undefined ? [`${s.versionId !== undefined ? '' : 'version with '}staging label ${s.stage}`] : []),
    ].join(' and ');
    return pin || `version labelled ${CURRENT}`;
  }

  /**
   * InvalidRequestException on GetSecretValue or PutSecretValue: AWS refuses the call in the
   * secret's current state. DescribeSecret's DeletedDate says whether the secret is scheduled for
   * deletion (the case AWS documents); without it the product says what it could not learn.
   * Always `disabled` (secret-disabled): the secret exists and cannot be used as it is.
   */
  private async stateError(s: Located, operation: AwsOperation, describe: DescribeSecretCommandOutput | ProviderError | undefined): Promise<ProviderError> {
    const described = await this.tryDescribe(s, describe);
    const apiPath = actionOf(operation);
    const verb = operation === 'PutSecretValue' ? 'write' : 'read';
    const restore = `\`aws secretsmanager restore-secret --secret-id ${cliArg(s.name)}\``;
    const deletionTime = described.meta?.deletionDate;
    if (deletionTime) {
      return new ProviderError(
        'disabled',
        `AWS vault "${this.vaultName}": secret "${s.name}" is scheduled for deletion on ${deletionTime}; Secrets Manager does not ${verb} it until it is restored. Restore it with ${restore}.`,
        { apiPath, deletionTime },
      );
    }
    if (described.meta && s.versionId !== undefined && s.stage !== undefined) {
      // The other InvalidRequestException of GetSecretValue: a VersionId and a VersionStage that
      // name different versions.
      const stages = described.meta.versions.find((v) => v.version === s.versionId)?.stages;
      if (!stages?.includes(s.stage)) {
        return new ProviderError(
          'version-not-found',
          `AWS vault "${this.vaultName}": secret "${s.name}" has no ${this.pinText(s)}${stages ? ` (that version carries: ${stages.join(', ') || 'no label'})` : ''}. List them with \`aws secretsmanager list-secret-version-ids --secret-id ${cliArg(s.name)}\`.`,
          { apiPath },
        );
      }
    }
    if (described.meta) {
      return new ProviderError(
        'disabled',
        `AWS vault "${this.vaultName}": Secrets Manager refuses to ${verb} secret "${s.name}" in its current state (InvalidRequestException), though DescribeSecret shows no deletion date; see \`aws secretsmanager describe-secret --secret-id ${cliArg(s.name)}\`.`,
        { apiPath },
      );
    }
    return new ProviderError(
      'disabled',
      `AWS vault "${this.vaultName}": Secrets Manager refuses to ${verb} secret "${s.name}" in its current state (InvalidRequestException), as it does for a secret scheduled for deletion; whether it is could not be learned: ${describeFailed(described.error)}. If it is, restore it with ${restore}.`,
      { apiPath },
    );
  }

  /** DescribeSecret, when needed: `describe` if given (an answer or its failure), else asked now. */
  private async tryDescribe(
    s: Located,
    describe: DescribeSecretCommandOutput | ProviderError | undefined,
  ): Promise<{ meta?: AwsSecretMetadata; notFound?: boolean; error?: ProviderError }> {
    let answer = describe;
    if (answer === undefined) {
      const r = await this.tryCall('DescribeSecret', { SecretId: s.name }, s.name);
      answer = r.ok ? r.out : r.error;
    }
    if (!(answer instanceof ProviderError)) return { meta: metadataFromDescribe(answer) };
    return answer.kind === 'not-found' ? { notFound: true } : { error: answer };
  }

  private async call<K extends AwsOperation>(operation: K, input: OperationTypes[K][0], secret?: string): Promise<OperationTypes[K][1]> {
    const r = await this.tryCall(operation, input, secret);
    if (!r.ok) throw r.error;
    return r.out;
  }

  private async tryCall<K extends AwsOperation>(operation: K, input: OperationTypes[K][0], secret?: string): Promise<CallResult<K>> {
    this.checkConfig();
    try {
      return { ok: true, out: await this.session.send(operation, input) };
    } catch (e) {
      const refusal = findTransportRefusal(e);
      if (refusal) {
        const error = refusalError(refusal, `AWS vault "${this.vaultName}": Secrets Manager (${this.where()})`, actionOf(operation));
        return { ok: false, failure: {}, error };
      }
      const failure = toFailure(e);
      const error = toProviderError(failure, {
        vaultName: this.vaultName,
        where: this.where(),
        operation,
        ...(secret !== undefined ? { secret } : {}),
        timeoutMs: this.timeoutMs,
        ...(this.profile !== undefined ? { profile: this.profile } : {}),
      });
      return { ok: false, failure, error };
    }
  }

  /** Configuration the SDK would otherwise reject with an unhelpful error (or silently replace from the environment). */
  private checkConfig(): void {
    if (!/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(this.region ?? '')) {
      throw new ProviderError('invalid-request', `AWS vault "${this.vaultName}": "${this.region ?? ''}" is not an AWS region (e.g. us-east-1).`);
    }
    if (this.endpoint !== undefined) {
      let ok = false;
      try {
        const u = new URL(this.endpoint);
        ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
      } catch {
        ok = false;
      }
      if (!ok) throw new ProviderError('invalid-request', `AWS vault "${this.vaultName}": the endpoint is not an http(s) URL without user info.`);
    }
  }

  /** `region us-east-1`, or the custom endpoint's origin (never user info or a path). */
  private where(): string {
    if (this.endpoint) {
      try {
        const u = new URL(this.endpoint);
        return `${u.protocol}//${u.host}`;
      } catch {
        return 'custom endpoint';
      }
    }
    return `region ${this.region}`;
  }

  private badResponse(operation: AwsOperation): ProviderError {
    return new ProviderError('bad-response', `AWS vault "${this.vaultName}": Secrets Manager sent an unexpected ${operation} response.`, {
      apiPath: actionOf(operation),
    });
  }

  private locate(secret: AwsSecretLocator): Located {
    const name = typeof secret?.path === 'string' ? secret.path.trim() : '';
    if (name === '') throw new ProviderError('invalid-request', `A secret name is required for AWS vault "${this.vaultName}".`);
    const out: Located = { name };
    const { version, stage } = secret;
    if (version !== undefined && version !== '') {
      if (typeof version !== 'string') {
        throw new ProviderError(
          'invalid-request',
          `AWS vault "${this.vaultName}": a version is a VersionId or a staging label (a string), not a number.`,
        );
      }
      if (looksLikeVersionId(version)) out.versionId = version;
      else out.stage = version;
    }
    if (typeof stage === 'string' && stage !== '') {
      if (out.stage !== undefined && out.stage !== stage) {
        throw new ProviderError('invalid-request', `AWS vault "${this.vaultName}": two different staging labels were given (${out.stage}, ${stage}).`);
      }
      out.stage = stage;
    }
    return out;
  }

  /**
   * Every public method runs in here: ProviderErrors pass (credentials redacted); anything else (a
   * bug, an SDK that failed to load) becomes a bare bad-response error without the original text.
   */
  private guard<T>(fn: () => Promise<T>): Promise<T> {
    return guardCall(fn, {
      sensitive: () => this.sensitive,
      unexpected: `Unexpected failure talking to AWS Secrets Manager for vault "${this.vaultName}".`,
    });
  }
}
