/**
 * A fake Google Cloud Secret Manager for tests: a real HTTP server on 127.0.0.1 that speaks the
 * REST API v1 the SDK's REST transport (`fallback: true`) sends, with Google's JSON errors, IAM
 * permission checks (deny switches), bearer-token authentication (self-signed service account
 * JWTs verified against keys it generated, or opaque tokens), fault injection and a request log.
 * Meant to be driven through the real @google-cloud/secret-manager client.
 *
 * Routes (paths after `/v1/`; `P` = project id or number, `S` = secret id, `V` = number, `latest` or
 * an alias; the SDK adds `$alt=json;enum-encoding=int` to every query):
 *   GET    projects/P/secrets?pageSize&pageToken              ListSecrets          secretmanager.secrets.list
 *   POST   projects/P/secrets?secretId=S   (body: Secret)     CreateSecret         secretmanager.secrets.create
 *   GET    projects/P/secrets/S                               GetSecret            secretmanager.secrets.get
 *   DELETE projects/P/secrets/S                               DeleteSecret         secretmanager.secrets.delete
 *   POST   projects/P/secrets/S:addVersion (body: {payload})  AddSecretVersion     secretmanager.versions.add
 *   POST   projects/P/secrets/S:testIamPermissions            TestIamPermissions   (none)
 *   GET    projects/P/secrets/S/versions?pageSize&pageToken   ListSecretVersions   secretmanager.versions.list
 *   GET    projects/P/secrets/S/versions/V                    GetSecretVersion     secretmanager.versions.get
 *   GET    projects/P/secrets/S/versions/V:access             AccessSecretVersion  secretmanager.versions.access
 *   POST   projects/P/secrets/S/versions/V:disable|:enable|:destroy   secretmanager.versions.disable|enable|destroy
 *
 * Faithfulness notes (what the real service does, reproduced here):
 * - Errors are `{"error": {"code": 404, "message": "...", "status": "NOT_FOUND"}}`; a denied
 *   permission is 403 PERMISSION_DENIED "Permission 'X' denied for resource 'R' (or it may not
 *   exist)." with an ErrorInfo detail, checked BEFORE existence (so a missing secret looks denied).
 * - Resource names in answers use the project number, whatever the request named.
 * - `latest` is the newest version whatever its state; accessing a DISABLED or DESTROYED version is
 *   400 FAILED_PRECONDITION "Secret Version [...] is in DISABLED state."; accessing a missing
 *   secret (or `latest` of one without versions) is 404 "Secret [...] not found or has no versions."
 * - Access answers carry `payload.dataCrc32c` (decimal int64 string); AddSecretVersion verifies a
 *   client-sent `dataCrc32c` (400 on mismatch) and limits payloads to 64 KiB.
 * - Versions are listed newest first; a secret past its expireTime is gone (404).
 * - A missing, expired or invalid bearer token is 401 UNAUTHENTICATED with a WWW-Authenticate header
 *   and an ErrorInfo reason (CREDENTIALS_MISSING, ACCESS_TOKEN_EXPIRED, ACCESS_TOKEN_TYPE_UNSUPPORTED);
 *   a token without the cloud-platform scope is 403 ACCESS_TOKEN_SCOPE_INSUFFICIENT (see unauthenticated()).
 * - While the Secret Manager API is disabled in the project (`serviceEnabled = false`), every call
 *   is 403 SERVICE_DISABLED.
 */
import type http from 'node:http';
import { crc32cBitwise } from './gcp/crc32c';
import { CredentialStore, type ServiceAccount } from './gcp/credentials';
import {
  MAX_PAYLOAD_BYTES,
  SECRET_ID_RE,
  type SecretRecord,
  type SecretSetup,
  SecretStore,
  type VersionRecord,
  type VersionState,
  decodePageToken,
  encodePageToken,
  rfc3339,
} from './gcp/store';
import {
  type EndlessPagesFault,
  type FaultLimits,
  type HugeBodyFault,
  LOOPBACK_HOST,
  LoopbackFake,
  LoopbackServer,
  type RedirectFault,
  type TransportFault,
  readRequestBody,
  sendHugeBody,
  sendRedirect,
  sleep,
} from './loopbackServer';

export type { ServiceAccount } from './gcp/credentials';
export type { SecretSetup, VersionState } from './gcp/store';

export interface GcpFakeOptions {
  /** Only `127.0.0.1` is accepted. */
  host?: string;
  projectId?: string;
  projectNumber?: string;
  /** Largest page the fake sends (the real service allows 25000); tests set it low to force paging. */
  maxPageSize?: number;
  /** Serve HTTPS with this key pair (PEM): then `endpoint` is used without the testing `protocol: 'http'`. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export type GcpRpc =
  | 'listSecrets'
  | 'createSecret'
  | 'getSecret'
  | 'deleteSecret'
  | 'addSecretVersion'
  | 'testIamPermissions'
  | 'listSecretVersions'
  | 'getSecretVersion'
  | 'accessSecretVersion'
  | 'disableSecretVersion'
  | 'enableSecretVersion'
  | 'destroySecretVersion'
  | 'token'
  | 'unknown';

interface FaultBase extends Pick<FaultLimits, 'times'> {
  /** Only this RPC is affected. */
  rpc?: GcpRpc;
  /** Only requests whose path (after `/v1/`) starts with this prefix are affected. */
  pathPrefix?: string;
}
export type Fault = FaultBase &
  (
    | { kind: 'status'; status: number; /** Replaces the canonical message (e.g. to plant a canary). */ message?: string }
    | { kind: 'hang' }
    | { kind: 'malformed'; status?: number }
    | { kind: 'close' }
    | { kind: 'delay'; ms: number }
    /** `refused` (closed port) and `tls` (untrusted certificate; needs `tls`): see loopbackServer.ts. */
    | TransportFault
    /** A 3xx to `location` instead of the answer, on the API or `/token` (see loopbackServer.ts). */
    | RedirectFault
    /** A body of `bytes` bytes starting like an access answer, streamed (see loopbackServer.ts). */
    | HugeBodyFault
    /** ListSecrets / ListSecretVersions answer their first page again with a new nextPageToken every time. */
    | EndlessPagesFault
  );

export interface RecordedRequest {
  method: string;
  /** Path after `/v1/` (decoded, without the query), or the raw path for others (`/token`). */
  path: string;
  rpc: GcpRpc;
  query: string;
  /** Authenticated principal, when the token was valid. */
  principal?: string;
  outcome?: number | 'hang' | 'close';
}

export interface DenyRule {
  permission: string;
  /** Only for this secret id (default: every resource). */
  secret?: string;
  /** Only for this principal (`serviceAccount:<email>` or a token's principal). */
  principal?: string;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Action =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'malformed'; status: number }
  | { kind: 'hang' }
  | { kind: 'close' }
  | { kind: 'redirect'; fault: RedirectFault }
  | { kind: 'huge'; fault: HugeBodyFault };

interface Req {
  method: string;
  segments: string[];
  verb: string | undefined;
  query: URLSearchParams;
  body: Buffer;
  enumsAsInt: boolean;
  principal: string;
}

const MAX_BODY = 4 * 1024 * 1024;
const DEFAULT_PAGE = 25000;
const STATUS_OF: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};
const CANONICAL_MESSAGE: Record<number, string> = {
  400: 'Request contains an invalid argument.',
  401: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  409: 'The operation was aborted.',
  429: "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute per project' of service 'secretmanager.googleapis.com'.",
  500: 'Internal error encountered.',
  501: 'Operation is not implemented, or supported, or enabled.',
  503: 'The service is currently unavailable.',
  504: 'The request was aborted because it exceeded its deadline.',
};

function googleError(status: number, message: string, details?: unknown[], name?: string): Reply {
  const statusName = name ?? STATUS_OF[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  return { status, body: { error: { code: status, message, status: statusName, ...(details ? { details } : {}) } } };
}

/**
 * How Google's API front end refuses a credential, with the google.rpc.ErrorInfo reason of the
 * `googleapis.com` domain (googleapis/googleapis google/api/error_reason.proto; status codes per
 * https://cloud.google.com/apis/design/errors: UNAUTHENTICATED 401 for a missing, invalid or expired
 * OAuth token, PERMISSION_DENIED 403 for a token without the right scopes):
 * - no credential: 401 "Request is missing required authentication credential..." CREDENTIALS_MISSING;
 * - an expired token: 401 ACCESS_TOKEN_EXPIRED; any other unusable token: 401 ACCESS_TOKEN_TYPE_UNSUPPORTED;
 * - a token without the cloud-platform scope: 403 "Request had insufficient authentication scopes."
 *   ACCESS_TOKEN_SCOPE_INSUFFICIENT.
 */
function unauthenticated(why: string): Reply {
  const info = (reason: string) => [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: 'secretmanager.googleapis.com' } },
  ];
  if (why === 'wrong scope') return googleError(403, 'Request had insufficient authentication scopes.', info('ACCESS_TOKEN_SCOPE_INSUFFICIENT'));
  const reply =
    why === 'no bearer token'
      ? googleError(
          401,
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
          info('CREDENTIALS_MISSING'),
        )
      : googleError(401, CANONICAL_MESSAGE[401]!, info(why === 'expired' ? 'ACCESS_TOKEN_EXPIRED' : 'ACCESS_TOKEN_TYPE_UNSUPPORTED'));
  reply.headers = { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"' };
  return reply;
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const notFound = (message: string): Reply => googleError(404, message);
const invalid = (message: string): Reply => googleError(400, message);

export class GcpFake extends LoopbackFake<RecordedRequest, Fault> {
  readonly host = LOOPBACK_HOST;
  /** `127.0.0.1:<port>`, for the provider's `endpoint` (with testing.protocol 'http'). */
  readonly endpoint: string;
  readonly projectId: string;
  readonly projectNumber: string;
  maxPageSize: number;

  private readonly store: SecretStore;
  private readonly creds = new CredentialStore();
  private denies: DenyRule[] = [];
  private endlessCounter = 0;

  private constructor(loopback: LoopbackServer, options: GcpFakeOptions) {
    super(loopback);
    this.endpoint = `${LOOPBACK_HOST}:${loopback.port}`;
    this.creds.acceptAudience(`${loopback.url}/`);
    this.projectId = options.projectId ?? 'demo-project';
    this.projectNumber = options.projectNumber ?? '123456789012';
    this.maxPageSize = options.maxPageSize ?? DEFAULT_PAGE;
    this.store = new SecretStore(this.projectNumber, () => this.nowMs());
  }

  static async start(options: GcpFakeOptions = {}): Promise<GcpFake> {
    let fake: GcpFake | undefined;
    const loopback = await LoopbackServer.start(
      { name: 'GcpFake', ...(options.host !== undefined ? { host: options.host } : {}), ...(options.tls ? { tls: options.tls } : {}) },
      (req, res) => void fake?.handle(req, res),
    );
    fake = new GcpFake(loopback, options);
    return fake;
  }

  // =================================================================== credentials

  /**
   * A new service account key trusted by the fake; `json` is what the provider's credential holds.
   * Keys share one RSA key pair (generation is slow) unless `freshKey`; each has its own key id.
   */
  createServiceAccount(email = `secretrefs-test@${this.projectId}.iam.gserviceaccount.com`, freshKey = false): ServiceAccount {
    return this.creds.createServiceAccount(this.projectId, email, `http://127.0.0.1:${this.port}/token`, freshKey);
  }

  /**
   * Also accepts self-signed JWTs made for `origin` (e.g. a proxy's address in front of the fake):
   * a service account key signs a JWT whose audience is the endpoint the provider was given.
   */
  acceptAudience(origin: string): void {
    this.creds.acceptAudience(`${origin.replace(/\/+$/, '')}/`);
  }

  revokeServiceAccount(email: string): void {
    this.creds.revokeServiceAccount(email);
  }

  /** An opaque bearer token the fake accepts (for auth clients that send their own token). */
  addToken(token: string, principal = 'user:tester@example.com'): void {
    this.creds.addToken(token, principal);
  }

  revokeToken(token: string): void {
    this.creds.revokeToken(token);
  }

  // =================================================================== state

  createSecret(id: string, setup: SecretSetup = {}): void {
    this.store.create(id, setup);
  }

  /** Adds a version (objects are stored as JSON); returns its number. */
  addVersion(id: string, value: string | Buffer | Record<string, unknown>): number {
    const data = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
    return this.store.addVersion(this.mustGet(id), data, false).number;
  }

  setVersionState(id: string, version: number, state: VersionState): void {
    const v = this.mustGet(id).versions.find((x) => x.number === version);
    if (!v) throw new Error(`secret ${id} has no version ${version}`);
    this.store.setState(v, state);
  }

  setAlias(id: string, alias: string, version: number): void {
    this.mustGet(id).aliases.set(alias, version);
  }

  deleteSecret(id: string): void {
    this.store.secrets.delete(id);
  }

  /** The stored value of a version (default latest), undefined when destroyed or missing. */
  readVersion(id: string, version?: number): string | undefined {
    const rec = this.store.secrets.get(id);
    const v = version === undefined ? rec?.versions[rec.versions.length - 1] : rec?.versions.find((x) => x.number === version);
    return v?.data ? v.data.toString('utf8') : undefined;
  }

  versionStates(id: string): Array<{ version: number; state: VersionState }> {
    return (this.store.secrets.get(id)?.versions ?? []).map((v) => ({ version: v.number, state: v.state }));
  }

  secretIds(): string[] {
    return [...this.store.secrets.keys()];
  }

  // =================================================================== IAM deny switches

  deny(permission: string, scope: { secret?: string; principal?: string } = {}): void {
    this.denies.push({ permission, ...scope });
  }

  /** Removes every deny rule of `permission`. */
  allow(permission: string): void {
    this.denies = this.denies.filter((d) => d.permission !== permission);
  }

  clearDenies(): void {
    this.denies = [];
  }

  /**
   * Whether the Secret Manager API is enabled in the project (`gcloud services enable`). While it is
   * not, every API call answers 403 PERMISSION_DENIED with ErrorInfo reason SERVICE_DISABLED, before
   * any IAM check, as Google's front end does for a disabled service.
   */
  serviceEnabled = true;

  // =================================================================== transport

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readRequestBody(req, MAX_BODY, () =>
      res.writeHead(413, { 'Content-Type': 'application/json' }).end(JSON.stringify(googleError(400, 'Request payload size exceeds the limit.').body)),
    );
    if (raw === undefined) return;
    let action: Action;
    try {
      action = await this.dispatch(req.method ?? 'GET', req.url ?? '/', req.headers, raw);
    } catch (e) {
      action = { kind: 'reply', reply: googleError(500, `fake secret manager: ${(e as Error).message}`) };
    }
    if (action.kind === 'hang') return;
    if (action.kind === 'close') {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    if (action.kind === 'redirect') return sendRedirect(res, action.fault);
    if (action.kind === 'huge') return sendHugeBody(res, action.fault, 'application/json; charset=UTF-8', '{"name":"projects/1/secrets/s/versions/1","payload":{"data":"');
    if (action.kind === 'malformed') {
      res.writeHead(action.status, { 'Content-Type': 'application/json; charset=UTF-8' });
      res.end('{"name":"projects/1/secrets/s/versions/1","payload":{"data":"eyJw');
      return;
    }
    const { status, body, headers } = action.reply;
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private async dispatch(method: string, target: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<Action> {
    const url = new URL(target, 'http://fake-secretmanager.invalid');
    const isApi = url.pathname.startsWith('/v1/');
    let path = url.pathname;
    if (isApi) {
      try {
        path = decodeURIComponent(url.pathname.slice(4));
      } catch {
        path = url.pathname.slice(4);
      }
    }
    let verb: string | undefined;
    let base = path;
    const vm = /^(.*):([A-Za-z]+)$/.exec(path);
    if (isApi && vm) {
      base = vm[1]!;
      verb = vm[2];
    }
    const segments = base.split('/');
    const rpc: GcpRpc = isApi ? rpcOf(method.toUpperCase(), segments, verb) : url.pathname === '/token' ? 'token' : 'unknown';
    const record: RecordedRequest = { method: method.toUpperCase(), path, rpc, query: url.search.replace(/^\?/, '') };
    this.requests.push(record);
    const finish = (action: Action): Action => {
      record.outcome =
        action.kind === 'reply'
          ? action.reply.status
          : action.kind === 'malformed'
            ? action.status
            : action.kind === 'redirect' || action.kind === 'huge'
              ? (action.fault.status ?? 200)
              : action.kind;
      return action;
    };

    let endless = false;
    const fault = this.faults.take((f) => (f.rpc === undefined || f.rpc === rpc) && (f.pathPrefix === undefined || path.startsWith(f.pathPrefix)));
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
          return finish({ kind: 'malformed', status: fault.status ?? 200 });
        case 'status': {
          const reply = googleError(fault.status, fault.message ?? CANONICAL_MESSAGE[fault.status] ?? `fault ${fault.status}`);
          if (fault.status === 429) reply.headers = { 'Retry-After': '1' };
          return finish({ kind: 'reply', reply });
        }
        case 'delay':
          await sleep(fault.ms);
          break;
      }
    }

    if (rpc === 'token') {
      // Service account keys are used as self-signed JWTs; a token exchange means the client did not.
      return finish({ kind: 'reply', reply: { status: 400, body: { error: 'unsupported_grant_type', error_description: 'fake: use a self-signed JWT' } } });
    }
    if (rpc === 'unknown') return finish({ kind: 'reply', reply: notFound(`Method not found: ${method} ${url.pathname}`) });

    const authorization = Array.isArray(headers.authorization) ? headers.authorization[0] : headers.authorization;
    const verdict = this.creds.check(authorization, Math.floor(this.nowMs() / 1000));
    if (!verdict.ok) return finish({ kind: 'reply', reply: unauthenticated(verdict.reason) });
    record.principal = verdict.principal;
    if (!this.serviceEnabled) return finish({ kind: 'reply', reply: this.serviceDisabled() });
    const alt = url.searchParams.get('$alt') ?? '';
    const query = new URLSearchParams(url.searchParams);
    const listing = rpc === 'listSecrets' || rpc === 'listSecretVersions';
    if (endless && listing) query.delete('pageToken');
    const reply = this.route(rpc, {
      method: record.method,
      segments,
      verb,
      query,
      body,
      enumsAsInt: /enum-encoding=int/.test(alt),
      principal: verdict.principal,
    });
    if (endless && listing && reply.status === 200 && typeof reply.body === 'object' && reply.body !== null) {
      // The endlessPages fault: the first page again, with a token never sent before.
      this.endlessCounter += 1;
      reply.body = { ...(reply.body as Record<string, unknown>), nextPageToken: `endless-${this.endlessCounter}` };
    }
    return finish({ kind: 'reply', reply });
  }

  // =================================================================== API

  private route(rpc: GcpRpc, r: Req): Reply {
    const [, project, , secretId, , versionRef] = r.segments;
    const requested = r.segments.join('/');
    const permission = PERMISSION_OF[rpc];
    const knownProject = project === this.projectId || project === this.projectNumber;
    if (permission && (!knownProject || this.denied(permission, secretId, r.principal))) return this.permissionDenied(permission, requested, rpc);
    if (!knownProject) return notFound(`Project [${project}] not found.`);

    switch (rpc) {
      case 'listSecrets':
        return this.listSecrets(r);
      case 'createSecret':
        return this.createSecretRpc(r);
      default:
        break;
    }
    if (!SECRET_ID_RE.test(secretId ?? '')) return invalid(`Invalid resource field value in the request.`);
    const rec = this.live(secretId!);
    const secretName = this.store.secretName(secretId!);
    switch (rpc) {
      case 'getSecret':
        return rec ? ok(this.store.secretJson(rec)) : notFound(`Secret [${secretName}] not found.`);
      case 'deleteSecret':
        if (!rec) return notFound(`Secret [${secretName}] not found.`);
        this.store.secrets.delete(rec.id);
        return ok({});
      case 'addSecretVersion':
        return this.addVersionRpc(rec, secretName, r);
      case 'testIamPermissions':
        return this.testIam(rec, secretName, r);
      case 'listSecretVersions':
        return rec ? this.listVersions(rec, r) : notFound(`Secret [${secretName}] not found.`);
      default:
        break;
    }
    // version RPCs
    if (rpc === 'accessSecretVersion' && (!rec || (versionRef === 'latest' && rec.versions.length === 0))) {
      return notFound(`Secret [${secretName}] not found or has no versions.`);
    }
    if (!rec) return notFound(`Secret [${secretName}] not found.`);
    const v = this.store.resolveVersion(rec, versionRef ?? '');
    const versionName = `${secretName}/versions/${versionRef}`;
    if (v === 'invalid') return invalid(`Invalid resource field value in the request.`);
    if (!v) return notFound(`Secret Version [${versionName}] not found.`);
    switch (rpc) {
      case 'getSecretVersion':
        return ok(this.store.versionJson(rec, v, r.enumsAsInt));
      case 'accessSecretVersion':
        // service.proto AccessSecretVersion reads an ENABLED version only; otherwise 400
        // {"error":{"code":400,"message":"Secret Version [.../versions/4] is in DESTROYED state.",
        // "status":"FAILED_PRECONDITION"}} without details (a real answer quoted in
        // google-github-actions/get-secretmanager-secrets#268).
        if (v.state !== 'ENABLED') {
          return googleError(400, `Secret Version [${secretName}/versions/${v.number}] is in ${v.state} state.`, undefined, 'FAILED_PRECONDITION');
        }
        return ok(this.store.accessJson(rec, v));
      case 'disableSecretVersion':
      case 'enableSecretVersion':
      case 'destroySecretVersion':
        return this.changeState(rec, v, rpc, r);
      default:
        return notFound('Method not found.');
    }
  }

  private denied(permission: string, secretId: string | undefined, principal: string): boolean {
    return this.denies.some(
      (d) => d.permission === permission && (d.secret === undefined || d.secret === secretId) && (d.principal === undefined || d.principal === principal),
    );
  }

  /**
   * The answer of Google's API front end for a service not enabled in the consumer project: 403
   * PERMISSION_DENIED with google.rpc.Help and google.rpc.ErrorInfo details (reason
   * SERVICE_DISABLED, domain googleapis.com, metadata service and consumer). Source: the
   * google.rpc.ErrorInfo reasons of googleapis/googleapis google/api/error_reason.proto
   * (SERVICE_DISABLED) and the error model of https://cloud.google.com/apis/design/errors.
   */
  private serviceDisabled(): Reply {
    const consumer = `projects/${this.projectNumber}`;
    const console = `https://console.developers.google.com/apis/api/secretmanager.googleapis.com/overview?project=${this.projectNumber}`;
    return googleError(
      403,
      `Secret Manager API has not been used in project ${this.projectNumber} before or it is disabled. Enable it by visiting ${console} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
      [
        { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Google developers console API activation', url: console }] },
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'SERVICE_DISABLED',
          domain: 'googleapis.com',
          metadata: { service: 'secretmanager.googleapis.com', consumer, activationUrl: console, serviceTitle: 'Secret Manager API' },
        },
      ],
    );
  }

  /**
   * 403 PERMISSION_DENIED "Permission 'P' denied for resource 'R' (or it may not exist)." (the text
   * of real denials, e.g. googleapis/python-secret-manager#389), checked before existence, with an
   * ErrorInfo IAM_PERMISSION_DENIED naming the permission and the resource.
   */
  private permissionDenied(permission: string, requested: string, rpc: GcpRpc): Reply {
    const resource = rpc === 'listSecretVersions' ? requested.replace(/\/versions$/, '') : requested;
    return googleError(403, `Permission '${permission}' denied for resource '${resource}' (or it may not exist).`, [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'IAM_PERMISSION_DENIED',
        domain: 'iam.googleapis.com',
        metadata: { permission, resource },
      },
    ]);
  }

  /** The secret, unless missing or past its expireTime (then it is gone, as in the service). */
  private live(id: string): SecretRecord | undefined {
    const rec = this.store.secrets.get(id);
    if (rec?.expireTime && rec.expireTime.ms <= this.nowMs()) {
      this.store.secrets.delete(id);
      return undefined;
    }
    return rec;
  }

  private page(r: Req, kind: string, parent: string, total: number): { offset: number; size: number } | Reply {
    const rawSize = r.query.get('pageSize');
    const requested = rawSize === null || rawSize === '' ? 0 : Number(rawSize);
    if (!Number.isInteger(requested) || requested < 0) return invalid('Invalid page_size.');
    if (r.query.get('filter')) return invalid('The fake Secret Manager does not implement filter.');
    const size = Math.min(requested === 0 ? DEFAULT_PAGE : requested, this.maxPageSize, DEFAULT_PAGE);
    const token = r.query.get('pageToken');
    let offset = 0;
    if (token) {
      const decoded = decodePageToken(token, kind, parent);
      if (decoded === undefined || decoded > total) return invalid('Invalid page token.');
      offset = decoded;
    }
    return { offset, size };
  }

  private listSecrets(r: Req): Reply {
    const all = [...this.store.secrets.keys()].map((id) => this.live(id)).filter((s): s is SecretRecord => s !== undefined);
    const p = this.page(r, 'secrets', this.projectNumber, all.length);
    if ('status' in p) return p;
    const slice = all.slice(p.offset, p.offset + p.size);
    const next = p.offset + p.size < all.length ? encodePageToken('secrets', this.projectNumber, p.offset + p.size) : undefined;
    return ok({
      ...(slice.length ? { secrets: slice.map((s) => this.store.secretJson(s)) } : {}),
      ...(next ? { nextPageToken: next } : {}),
      totalSize: all.length,
    });
  }

  private listVersions(rec: SecretRecord, r: Req): Reply {
    const all = [...rec.versions].reverse();
    const p = this.page(r, 'versions', rec.id, all.length);
    if ('status' in p) return p;
    const slice = all.slice(p.offset, p.offset + p.size);
    const next = p.offset + p.size < all.length ? encodePageToken('versions', rec.id, p.offset + p.size) : undefined;
    return ok({
      ...(slice.length ? { versions: slice.map((v) => this.store.versionJson(rec, v, r.enumsAsInt)) } : {}),
      ...(next ? { nextPageToken: next } : {}),
      totalSize: all.length,
    });
  }

  private json(r: Req): { ok: true; value: Record<string, unknown> } | { ok: false; reply: Reply } {
    if (r.body.length === 0) return { ok: true, value: {} };
    try {
      const v: unknown = JSON.parse(r.body.toString('utf8'));
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
      return { ok: true, value: v as Record<string, unknown> };
    } catch {
      return { ok: false, reply: invalid('Invalid JSON payload received.') };
    }
  }

  private createSecretRpc(r: Req): Reply {
    const id = r.query.get('secretId') ?? '';
    if (!SECRET_ID_RE.test(id)) return invalid('Invalid secret id: letters, digits, underscores and hyphens, at most 255.');
    const body = this.json(r);
    if (!body.ok) return body.reply;
    const secret = body.value;
    if (typeof secret.replication !== 'object' || secret.replication === null) return invalid('Secret.replication is required.');
    if (this.live(id)) return googleError(409, `Secret [${this.store.secretName(id)}] already exists.`, undefined, 'ALREADY_EXISTS');
    const strMap = (v: unknown): Record<string, string> =>
      typeof v === 'object' && v !== null ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
    const setup: SecretSetup = { labels: strMap(secret.labels), annotations: strMap(secret.annotations) };
    if (typeof secret.expireTime === 'string') setup.expireTime = secret.expireTime;
    if (typeof secret.ttl === 'string' && /^\d+s$/.test(secret.ttl)) setup.expireTime = new Date(this.nowMs() + parseInt(secret.ttl, 10) * 1000);
    const rot = secret.rotation as Record<string, unknown> | undefined;
    if (rot && typeof rot === 'object') {
      setup.rotation = {
        ...(typeof rot.nextRotationTime === 'string' ? { nextRotationTime: rot.nextRotationTime } : {}),
        ...(typeof rot.rotationPeriod === 'string' && /^\d+s$/.test(rot.rotationPeriod) ? { rotationPeriodSeconds: parseInt(rot.rotationPeriod, 10) } : {}),
      };
    }
    return ok(this.store.secretJson(this.store.create(id, setup)));
  }

  private addVersionRpc(rec: SecretRecord | undefined, secretName: string, r: Req): Reply {
    const body = this.json(r);
    if (!body.ok) return body.reply;
    if (!rec) return notFound(`Secret [${secretName}] not found.`);
    const payload = body.value.payload as Record<string, unknown> | undefined;
    if (!payload || typeof payload !== 'object') return invalid('Secret payload is required.');
    const data = typeof payload.data === 'string' ? Buffer.from(payload.data, 'base64') : Buffer.alloc(0);
    if (data.length > MAX_PAYLOAD_BYTES) return invalid(`Secret payload data must be at most ${MAX_PAYLOAD_BYTES} bytes.`);
    const sent = payload.dataCrc32c;
    const hasChecksum = sent !== undefined && sent !== null;
    if (hasChecksum && String(sent) !== String(crc32cBitwise(data))) {
      return invalid('Checksum mismatch: the data does not match the provided data_crc32c.');
    }
    const v = this.store.addVersion(rec, data, hasChecksum);
    data.fill(0);
    return ok(this.store.versionJson(rec, v, r.enumsAsInt));
  }

  private testIam(rec: SecretRecord | undefined, secretName: string, r: Req): Reply {
    const body = this.json(r);
    if (!body.ok) return body.reply;
    if (!rec) return notFound(`Secret [${secretName}] not found.`);
    const asked = body.value.permissions;
    const list = Array.isArray(asked) ? asked.filter((p): p is string => typeof p === 'string') : [];
    const granted = list.filter((p) => !this.denied(p, rec.id, r.principal));
    return ok(granted.length ? { permissions: granted } : {});
  }

  private changeState(rec: SecretRecord, v: VersionRecord, rpc: GcpRpc, r: Req): Reply {
    if (v.state === 'DESTROYED' && rpc !== 'destroySecretVersion') {
      return googleError(400, `Secret Version [${this.store.secretName(rec.id)}/versions/${v.number}] is in DESTROYED state.`, undefined, 'FAILED_PRECONDITION');
    }
    const state: VersionState = rpc === 'disableSecretVersion' ? 'DISABLED' : rpc === 'enableSecretVersion' ? 'ENABLED' : 'DESTROYED';
    if (v.state !== 'DESTROYED') this.store.setState(v, state);
    return ok(this.store.versionJson(rec, v, r.enumsAsInt));
  }

  private mustGet(id: string): SecretRecord {
    const rec = this.store.secrets.get(id);
    if (!rec) throw new Error(`no secret ${id}`);
    return rec;
  }
}

const PERMISSION_OF: Partial<Record<GcpRpc, string>> = {
  listSecrets: 'secretmanager.secrets.list',
  createSecret: 'secretmanager.secrets.create',
  getSecret: 'secretmanager.secrets.get',
  deleteSecret: 'secretmanager.secrets.delete',
  addSecretVersion: 'secretmanager.versions.add',
  listSecretVersions: 'secretmanager.versions.list',
  getSecretVersion: 'secretmanager.versions.get',
  accessSecretVersion: 'secretmanager.versions.access',
  disableSecretVersion: 'secretmanager.versions.disable',
  enableSecretVersion: 'secretmanager.versions.enable',
  destroySecretVersion: 'secretmanager.versions.destroy',
};

function rpcOf(method: string, s: string[], verb: string | undefined): GcpRpc {
  if (s[0] !== 'projects' || !s[1] || s[2] !== 'secrets') return 'unknown';
  if (s.length === 3 && verb === undefined) return method === 'GET' ? 'listSecrets' : method === 'POST' ? 'createSecret' : 'unknown';
  if (s.length === 4) {
    if (verb === undefined) return method === 'GET' ? 'getSecret' : method === 'DELETE' ? 'deleteSecret' : 'unknown';
    if (method !== 'POST') return 'unknown';
    return verb === 'addVersion' ? 'addSecretVersion' : verb === 'testIamPermissions' ? 'testIamPermissions' : 'unknown';
  }
  if (s[4] !== 'versions') return 'unknown';
  if (s.length === 5) return method === 'GET' && verb === undefined ? 'listSecretVersions' : 'unknown';
  if (s.length !== 6 || !s[5]) return 'unknown';
  if (verb === undefined) return method === 'GET' ? 'getSecretVersion' : 'unknown';
  if (verb === 'access') return method === 'GET' ? 'accessSecretVersion' : 'unknown';
  if (method !== 'POST') return 'unknown';
  return verb === 'disable' ? 'disableSecretVersion' : verb === 'enable' ? 'enableSecretVersion' : verb === 'destroy' ? 'destroySecretVersion' : 'unknown';
}

/** RFC 3339 rendering, exported for tests that compare timestamps. */
export { rfc3339 };
