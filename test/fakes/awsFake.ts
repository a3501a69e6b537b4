/**
 * A fake AWS Secrets Manager for tests: a real HTTP server on 127.0.0.1 speaking the service's wire
 * protocol (AWS JSON 1.1: `POST /`, `X-Amz-Target: secretsmanager.<Operation>`,
 * `Content-Type: application/x-amz-json-1.1`, timestamps as fractional epoch seconds, errors as
 * `{"__type": "...", "Message": "..."}` with an `x-amzn-ErrorType` header), meant to be driven
 * through the real @aws-sdk/client-secrets-manager with `endpoint: fake.address`.
 *
 * Error bodies: the errors Secrets Manager models (aws-sdk-js-v3
 * codegen/sdk-codegen/aws-models/secrets-manager.json: DecryptionFailure, InternalServiceError,
 * InvalidNextTokenException, InvalidParameterException, InvalidRequestException,
 * ResourceNotFoundException, ResourceExistsException, ...) have one member, `Message`, and are
 * serialized by member name (awsJson1_1); the service front end's own errors (authentication,
 * AccessDeniedException, ThrottlingException, ValidationException, UnknownOperationException)
 * carry `message`. Every error is HTTP 400 (a client fault) unless the model marks it a server fault
 * (InternalServiceError: 500); AccessDeniedException is 400 too ("status code: 400" in AWS SDK for
 * Go error reports of real denials).
 *
 * Operations: ListSecrets, DescribeSecret, GetSecretValue, ListSecretVersionIds, PutSecretValue,
 * CreateSecret (see aws/store.ts for their semantics). Plus, for tests: an IAM-like deny list
 * (AccessDeniedException per secret and operation), known access keys (UnrecognizedClientException
 * for others), fault injection and a request log.
 *
 * SigV4 signatures are not verified; a request without an `Authorization: AWS4-HMAC-SHA256
 * Credential=...` header is refused with MissingAuthenticationTokenException, and a credential
 * scoped to another region or service with InvalidSignatureException, as AWS does.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { AwsApiError, type RotationSetup, type SecretRecord, SecretStore, type SecretValue } from './aws/store';
import {
  type EndlessPagesFault,
  type FaultLimits,
  type HugeBodyFault,
  LoopbackFake,
  LoopbackServer,
  type RedirectFault,
  type TransportFault,
  readRequestBody,
  sendHugeBody,
  sendRedirect,
  sleep,
} from './loopbackServer';

export type { RotationSetup, SecretValue } from './aws/store';

export const OPERATIONS = ['ListSecrets', 'DescribeSecret', 'GetSecretValue', 'ListSecretVersionIds', 'PutSecretValue', 'CreateSecret'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface AwsFakeOptions {
  /** Region the fake serves (credential scopes must name it). Default `us-east-1`. */
  region?: string;
  accountId?: string;
  /** Page size of ListSecrets / ListSecretVersionIds when the request has no MaxResults. Default 100. */
  pageSize?: number;
  /** Most items per page whatever MaxResults says (AWS may return fewer than asked). Default 100. */
  maxPageSize?: number;
  /** When set, only these access key ids are accepted (others: UnrecognizedClientException). */
  accessKeyIds?: string[];
  /** Serve HTTPS with this key pair (PEM); `address` is then an https URL. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

interface FaultBase extends Pick<FaultLimits, 'times'> {
  /** Only requests for this operation are affected. */
  operation?: Operation;
}
export type AwsFault = FaultBase &
  (
    /** `type` null: no `__type` and no x-amzn-ErrorType (e.g. a proxy's error page). Default type per status. */
    | { kind: 'status'; status: number; type?: string | null; message?: string }
    | { kind: 'hang' }
    /** A body that is not JSON (default: a truncated GetSecretValue answer). */
    | { kind: 'malformed'; status?: number; body?: string }
    /** Closes the connection without an answer, before the request is processed. */
    | { kind: 'close' }
    /** Processes the request (state changes happen), then closes the connection: the answer is lost. */
    | { kind: 'drop' }
    | { kind: 'delay'; ms: number }
    /** `refused` (closed port) and `tls` (untrusted certificate; needs `tls`): see loopbackServer.ts. */
    | TransportFault
    /** A 3xx to `location` instead of the answer (see loopbackServer.ts). */
    | RedirectFault
    /** A body of `bytes` bytes starting like a GetSecretValue answer, streamed (see loopbackServer.ts). */
    | HugeBodyFault
    /**
     * ListSecrets / ListSecretVersionIds answer their first page again with a new NextToken every
     * time (other operations are served normally): a listing that never ends.
     */
    | EndlessPagesFault
  );

export interface RecordedRequest {
  /** From X-Amz-Target, without the `secretsmanager.` prefix; `unknown` when absent or foreign. */
  operation: string;
  secretId?: string;
  /** Access key id of the SigV4 credential scope. */
  accessKeyId?: string;
  /** Region of the SigV4 credential scope. */
  region?: string;
  hasAuthorization: boolean;
  hasSessionToken: boolean;
  contentType?: string;
  clientRequestToken?: string;
  /** MaxResults / NextToken of list calls. */
  maxResults?: number;
  nextToken?: string;
  /** HTTP status sent, or `hang` / `close`. */
  outcome?: number | 'hang' | 'close';
  errorType?: string;
}

interface Reply {
  status: number;
  body?: unknown;
  /** Raw body (malformed fault). */
  raw?: string;
  errorType?: string | null;
}

type Action =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'hang' }
  | { kind: 'close' }
  | { kind: 'redirect'; fault: RedirectFault }
  | { kind: 'huge'; fault: HugeBodyFault };

const JSON_11 = 'application/x-amz-json-1.1';
/** The error shapes of the Secrets Manager model (secrets-manager.json): their member is `Message`. */
const MODELED_ERRORS = new Set([
  'DecryptionFailure',
  'EncryptionFailure',
  'InternalServiceError',
  'InvalidNextTokenException',
  'InvalidParameterException',
  'InvalidRequestException',
  'LimitExceededException',
  'MalformedPolicyDocumentException',
  'PreconditionNotMetException',
  'PublicPolicyException',
  'ResourceExistsException',
  'ResourceNotFoundException',
]);
const MAX_BODY = 1024 * 1024;
const DEFAULT_FAULT_TYPES: Record<number, [string, string]> = {
  400: ['ValidationException', 'Fault injected by the fake.'],
  403: ['AccessDeniedException', 'User: arn:aws:iam::123456789012:user/fake is not authorized to perform this operation'],
  404: ['ResourceNotFoundException', "Secrets Manager can't find the specified secret."],
  429: ['ThrottlingException', 'Rate exceeded'],
  500: ['InternalServiceError', 'An error occurred on the server side.'],
  502: ['InternalServiceError', 'An error occurred on the server side.'],
  503: ['ServiceUnavailable', 'Service is unavailable.'],
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const header = (h: http.IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

export class AwsFake extends LoopbackFake<RecordedRequest, AwsFault> {
  readonly address: string;
  readonly region: string;
  readonly accountId: string;
  readonly store: SecretStore;

  private readonly denied = new Map<string, Set<string>>();
  private endlessCounter = 0;
  private readonly accessKeyIds: Set<string> | undefined;

  private constructor(loopback: LoopbackServer, options: AwsFakeOptions) {
    super(loopback);
    this.address = loopback.url;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.accessKeyIds = options.accessKeyIds ? new Set(options.accessKeyIds) : undefined;
    this.store = new SecretStore(this.region, this.accountId, () => this.now(), options.pageSize ?? 100, options.maxPageSize ?? 100);
  }

  static async start(options: AwsFakeOptions = {}): Promise<AwsFake> {
    let fake: AwsFake | undefined;
    const loopback = await LoopbackServer.start({ name: 'AwsFake', ...(options.tls ? { tls: options.tls } : {}) }, (req, res) => void fake?.handle(req, res));
    fake = new AwsFake(loopback, options);
    return fake;
  }

  // =================================================================== setup API

  /** Creates a secret; with a value, its first version is AWSCURRENT. Objects are stored as JSON text. */
  createSecret(
    name: string,
    value?: SecretValue,
    opts: { description?: string; tags?: Record<string, string>; kmsKeyId?: string; rotation?: RotationSetup; versionId?: string } = {},
  ): { arn: string; versionId?: string } {
    return this.store.create(name, value, opts);
  }

  /** Adds a version (like PutSecretValue): default stages [AWSCURRENT]. Returns the VersionId. */
  putValue(name: string, value: SecretValue, opts: { stages?: string[]; versionId?: string } = {}): string {
    return this.store.addVersion(this.secret(name), value, opts.versionId ?? randomUUID(), opts.stages);
  }

  /** Attaches a staging label to a version (UpdateSecretVersionStage). */
  moveStage(name: string, stage: string, versionId: string): void {
    this.store.moveStage(this.secret(name), stage, versionId);
  }

  /**
   * DeleteSecret with a recovery window (RecoveryWindowInDays, 7-30, default 30): values can no
   * longer be read, and DescribeSecret's DeletedDate is "the date the secret is scheduled for
   * deletion" (Secrets Manager API reference, DescribeSecret): the end of the window, by default
   * 30 days from now.
   */
  scheduleDeletion(name: string, at: Date = new Date(this.now().getTime() + 30 * 24 * 3600 * 1000)): void {
    this.secret(name).deletedDate = at;
  }

  /** RestoreSecret. */
  restore(name: string): void {
    delete this.secret(name).deletedDate;
  }

  setRotation(name: string, rotation: RotationSetup | undefined): void {
    const s = this.secret(name);
    if (rotation) s.rotation = { ...rotation };
    else delete s.rotation;
  }

  /** The stored record (for assertions). */
  secret(name: string): SecretRecord {
    const s = this.store.secrets.get(name);
    if (!s) throw new Error(`no secret ${name} in the fake`);
    return s;
  }

  /** VersionIds with their stages, in creation order. */
  versionsOf(name: string): Array<{ versionId: string; stages: string[] }> {
    const s = this.secret(name);
    return [...s.versions.keys()].map((id) => ({ versionId: id, stages: this.store.stagesOf(s, id) }));
  }

  /**
   * IAM-like explicit deny: `operations` on `secret` (a name, or `*` for every secret and for
   * ListSecrets, which has no resource) answer AccessDeniedException.
   */
  deny(secret: string, operations: Operation[]): void {
    let set = this.denied.get(secret);
    if (!set) this.denied.set(secret, (set = new Set()));
    for (const op of operations) set.add(op);
  }

  clearDenies(): void {
    this.denied.clear();
  }

  // =================================================================== wire

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readRequestBody(req, MAX_BODY, () =>
      this.send(res, { status: 413, body: { __type: 'RequestEntityTooLargeException', message: 'Request is too large.' } }),
    );
    if (raw === undefined) return;
    let action: Action;
    try {
      action = await this.dispatch(req, raw);
    } catch (e) {
      action = { kind: 'reply', reply: { status: 500, body: { __type: 'InternalServiceError', Message: `fake: ${(e as Error).message}` } } };
    }
    if (action.kind === 'hang') return;
    if (action.kind === 'close') {
      req.socket.destroy();
      return;
    }
    if (action.kind === 'redirect') return sendRedirect(res, action.fault);
    if (action.kind === 'huge') return sendHugeBody(res, action.fault, JSON_11, '{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:x","SecretString":"');
    this.send(res, action.reply);
  }

  private send(res: http.ServerResponse, reply: Reply): void {
    if (res.destroyed) return;
    const headers: Record<string, string> = { 'Content-Type': JSON_11, 'x-amzn-RequestId': randomUUID() };
    let errorType = reply.errorType;
    if (errorType === undefined && isObject(reply.body) && typeof reply.body.__type === 'string') errorType = reply.body.__type;
    if (errorType) headers['x-amzn-ErrorType'] = errorType;
    const body = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  private async dispatch(req: http.IncomingMessage, raw: Buffer): Promise<Action> {
    const target = header(req.headers, 'x-amz-target') ?? '';
    const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : 'unknown';
    const auth = header(req.headers, 'authorization');
    const scope = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth ?? '');
    const contentType = header(req.headers, 'content-type');
    const record: RecordedRequest = {
      operation,
      hasAuthorization: auth !== undefined && auth !== '',
      hasSessionToken: header(req.headers, 'x-amz-security-token') !== undefined,
      ...(scope ? { accessKeyId: scope[1]!, region: scope[3]! } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
    };
    this.requests.push(record);
    const finish = (action: Action): Action => {
      if (action.kind === 'reply') {
        record.outcome = action.reply.status;
        const t = action.reply.errorType ?? (isObject(action.reply.body) ? action.reply.body.__type : undefined);
        if (typeof t === 'string') record.errorType = t;
      } else if (action.kind === 'redirect' || action.kind === 'huge') record.outcome = action.fault.status ?? 200;
      else record.outcome = action.kind;
      return action;
    };
    const error = (type: string, message: string, status = 400): Action =>
      finish({ kind: 'reply', reply: { status, body: { __type: type, [MODELED_ERRORS.has(type) ? 'Message' : 'message']: message } } });

    let body: Record<string, unknown> = {};
    let parsedOk = true;
    try {
      const parsed: unknown = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {};
      if (!isObject(parsed)) throw new Error('not an object');
      body = parsed;
    } catch {
      parsedOk = false;
    }
    if (typeof body.SecretId === 'string') record.secretId = body.SecretId;
    else if (typeof body.Name === 'string') record.secretId = body.Name;
    if (typeof body.ClientRequestToken === 'string') record.clientRequestToken = body.ClientRequestToken;
    if (typeof body.MaxResults === 'number') record.maxResults = body.MaxResults;
    if (typeof body.NextToken === 'string') record.nextToken = body.NextToken;

    let dropAnswer = false;
    let endless = false;
    const fault = this.faults.take((f) => f.operation === undefined || f.operation === operation);
    if (fault) {
      switch (fault.kind) {
        case 'redirect':
        case 'huge':
          return finish({ kind: fault.kind, fault } as Action);
        case 'endlessPages':
          endless = true;
          break;
        case 'hang':
          return finish({ kind: 'hang' });
        case 'close':
          return finish({ kind: 'close' });
        case 'malformed':
          return finish({
            kind: 'reply',
            reply: {
              status: fault.status ?? 200,
              raw: fault.body ?? '{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:x","Name":"x","Secre',
              errorType: null,
            },
          });
        case 'status': {
          const [defType, defMessage] = DEFAULT_FAULT_TYPES[fault.status] ?? ['InternalServiceError', 'Fault injected by the fake.'];
          if (fault.type === null) {
            return finish({ kind: 'reply', reply: { status: fault.status, raw: `<html><body>${fault.status}</body></html>`, errorType: null } });
          }
          return error(fault.type ?? defType, fault.message ?? defMessage, fault.status);
        }
        case 'delay':
          await sleep(fault.ms);
          break;
        case 'drop':
          dropAnswer = true;
          break;
      }
    }

    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
      return error('UnknownOperationException', 'Unknown operation.', 404);
    }
    if (!record.hasAuthorization) return error('MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (!scope) return error('IncompleteSignatureException', 'Authorization header requires a Credential parameter.');
    if (scope[4] !== 'secretsmanager' || scope[3] !== this.region) {
      return error('InvalidSignatureException', `Credential should be scoped to a valid region. `);
    }
    if (this.accessKeyIds && !this.accessKeyIds.has(scope[1]!)) {
      return error('UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (!(OPERATIONS as readonly string[]).includes(operation)) return error('UnknownOperationException', 'Unknown operation.');
    if (contentType !== JSON_11) return error('UnknownOperationException', 'Unknown operation.');
    if (!parsedOk) return error('SerializationException', 'Start of structure or map found where not expected.');

    const denied = this.deniedFor(operation as Operation, record.secretId);
    if (denied) {
      const s = record.secretId !== undefined ? this.store.find(record.secretId) : undefined;
      const resource = operation === 'ListSecrets' ? '*' : (s?.arn ?? record.secretId ?? '*');
      return error(
        'AccessDeniedException',
        `User: arn:aws:iam::${this.accountId}:user/fake is not authorized to perform: secretsmanager:${operation} on resource: ${resource} because no identity-based policy allows the secretsmanager:${operation} action`,
      );
    }

    try {
      const out = endless ? this.endlessPage(operation as Operation, body) : this.run(operation as Operation, body);
      if (dropAnswer) return finish({ kind: 'close' });
      return finish({ kind: 'reply', reply: { status: 200, body: out } });
    } catch (e) {
      if (e instanceof AwsApiError) return error(e.type, e.message, e.status);
      throw e;
    }
  }

  /** The endlessPages fault: the first page of a listing again, with a token never sent before. */
  private endlessPage(operation: Operation, body: Record<string, unknown>): Record<string, unknown> {
    if (operation !== 'ListSecrets' && operation !== 'ListSecretVersionIds') return this.run(operation, body);
    const first = { ...body };
    delete first.NextToken;
    const out = this.run(operation, first);
    this.endlessCounter += 1;
    return { ...out, NextToken: `endless-${this.endlessCounter}-${randomUUID()}` };
  }

  private deniedFor(operation: Operation, secretId: string | undefined): boolean {
    if (this.denied.get('*')?.has(operation)) return true;
    if (secretId === undefined) return false;
    const s = this.store.find(secretId);
    const name = s?.name ?? secretId;
    return this.denied.get(name)?.has(operation) ?? false;
  }

  private run(operation: Operation, body: Record<string, unknown>): Record<string, unknown> {
    switch (operation) {
      case 'ListSecrets':
        return this.store.listSecrets(body);
      case 'DescribeSecret':
        return this.store.describeSecret(body);
      case 'GetSecretValue':
        return this.store.getSecretValue(body);
      case 'ListSecretVersionIds':
        return this.store.listSecretVersionIds(body);
      case 'PutSecretValue':
        return this.store.putSecretValue(body);
      case 'CreateSecret':
        return this.store.createSecret(body);
    }
  }
}
