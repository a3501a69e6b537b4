/**
 * A fake Azure Key Vault for tests: a real HTTP(S) server on 127.0.0.1 speaking the parts of the
 * Key Vault secrets REST API the product uses, plus the Microsoft Entra token endpoint a
 * ClientSecretCredential calls, with Key Vault's status codes and error bodies, access denials,
 * fault injection and a request log. Meant to be driven through the real @azure/keyvault-secrets
 * and @azure/identity clients.
 *
 * Key Vault API served (every vault call needs `api-version`):
 * - `GET /secrets?maxresults=N` and its `nextLink` pages (absolute URLs back to this server with
 *   `$skiptoken`); items carry the latest version's attributes and an id without version.
 * - `GET /secrets/{name}/versions` (paged the same way; an unknown name lists nothing, 200).
 * - `GET /secrets/{name}[/{version}]` (an empty version = the latest).
 * - `PUT /secrets/{name}` `{value, contentType?, tags?, attributes?: {enabled, nbf, exp}}`: a new version.
 * Attributes are `{enabled, nbf, exp, created, updated}` in epoch seconds; ids are
 * `<base>/secrets/<name>/<version>`; errors are `{"error": {"code", "message", "innererror"?}}`.
 *
 * Authentication, as Key Vault does it: a request without `Authorization: Bearer` (the SDK's first
 * request) gets 401 with `WWW-Authenticate: Bearer authorization="https://login.windows.net/<tenant>",
 * resource="https://vault.azure.net"` (`challengeResource` names another cloud's domain); the SDK then gets a token for that resource and retries.
 * Unknown, revoked or expired tokens get the same 401. Valid tokens: `addToken()` or issued by the
 * token endpoint.
 *
 * Entra endpoints (authority host = this server; only useful over TLS, MSAL requires https):
 * - `GET /<tenant>/v2.0/.well-known/openid-configuration`
 * - `POST /<tenant>/oauth2/v2.0/token` (client_credentials with a client secret from `addClient()`).
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import {
  type DenyReason,
  type KvOperation,
  type Reply,
  RESOURCE,
  badParameter,
  challengeHeader,
  disabledSecret,
  forbidden,
  kvError,
  oauthError,
  secretBundle,
  secretItem,
  secretNotFound,
  versionItem,
} from './azure/replies';
import { NAME_PATTERN, SecretStore, type VersionAttributes } from './azure/store';
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

export type { DenyReason, KvOperation } from './azure/replies';
export type { VersionAttributes } from './azure/store';

export type Operation = KvOperation | 'token' | 'openid' | 'unknown';

export interface AzureFakeOptions {
  /** Serve HTTPS with this key pair (PEM); needed for the Entra endpoints (MSAL wants https). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Only `127.0.0.1` is accepted. */
  host?: string;
  /** Port to listen on (default 0: any free port); lets a test bring a stopped vault back at the same URL. */
  port?: number;
  /** Tenant named in the 401 challenge and served by the token endpoint. */
  tenantId?: string;
  /** Vault name used in error messages (default `fakevault`). */
  vaultName?: string;
  /** Largest page the listings return (Key Vault: 25). */
  pageSize?: number;
}

/** `times`: only the next N matching requests; `skip`: let the first N through (e.g. hang on the second listing page). */
interface FaultBase extends FaultLimits {
  /** Only requests whose URL path starts with this prefix (e.g. `/secrets/db`, `/<tenant>/oauth2`). */
  pathPrefix?: string;
  /** Only requests of this operation. */
  operation?: Operation;
}
export type Fault = FaultBase &
  (
    | { kind: 'status'; status: number; code?: string; message?: string; innerCode?: string; headers?: Record<string, string> }
    | { kind: 'hang' }
    /** A 200 (or `status`) whose JSON body is cut short (or `body`). */
    | { kind: 'malformed'; status?: number; body?: string }
    | { kind: 'close' }
    | { kind: 'delay'; ms: number }
    /** `refused` (closed port) and `tls` (untrusted certificate; needs `tls`): see loopbackServer.ts. */
    | TransportFault
    /** A 3xx to `location` instead of the answer, on the vault or the Entra endpoints (see loopbackServer.ts). */
    | RedirectFault
    /** A body of `bytes` bytes starting like a secret bundle, streamed (see loopbackServer.ts). */
    | HugeBodyFault
    /** The listings (`list`, `versions`) answer their first page again with a new `nextLink` every time. */
    | EndlessPagesFault
    /** The listings answer their first page with `nextLink` set to `url` (e.g. another origin). */
    | { kind: 'foreignNextLink'; url: string }
  );

export interface RecordedRequest {
  method: string;
  operation: Operation;
  /** URL path, decoded. */
  path: string;
  query: string;
  /** Bearer token state for vault calls: none sent, a valid one, an unknown/expired one. */
  auth: 'none' | 'valid' | 'invalid' | undefined;
  outcome?: number | 'hang' | 'close';
}

interface DenyRule {
  operation: KvOperation;
  secret?: string;
  reason: DenyReason;
}

type Action =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'malformed'; status: number; body?: string }
  | { kind: 'hang' }
  | { kind: 'close' }
  | { kind: 'redirect'; fault: RedirectFault }
  | { kind: 'huge'; fault: HugeBodyFault };

const MAX_BODY = 1024 * 1024;
const MAX_VALUE_CHARS = 25 * 1024;

export class AzureFake extends LoopbackFake<RecordedRequest, Fault> {
  /** The vault URL: `http(s)://127.0.0.1:<port>`. */
  readonly url: string;
  /** Authority host for a ClientSecretCredential (the same server). */
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly vaultName: string;
  /** Largest page of the listings. */
  pageSize: number;
  /** Lifetime of tokens issued by the token endpoint. */
  tokenLifetimeSeconds = 3599;
  /** The resource the 401 challenge names: the Key Vault domain of the vault's cloud. */
  challengeResource = RESOURCE;
  /** The authority the 401 challenge names (default: the public cloud's, with the tenant). */
  challengeAuthority: string | undefined;

  private readonly store: SecretStore;
  private readonly tokens = new Map<string, { expiresAt: number | null }>();
  private readonly clients = new Map<string, string>();
  private denies: DenyRule[] = [];
  private endlessCounter = 0;

  private constructor(loopback: LoopbackServer, options: AzureFakeOptions) {
    super(loopback);
    this.url = loopback.url;
    this.authorityHost = loopback.url;
    this.tenantId = options.tenantId ?? '11111111-2222-3333-4444-555555555555';
    this.vaultName = options.vaultName ?? 'fakevault';
    this.pageSize = options.pageSize ?? 25;
    this.store = new SecretStore(() => Math.floor(this.nowMs() / 1000));
  }

  static async start(options: AzureFakeOptions = {}): Promise<AzureFake> {
    let fake: AzureFake | undefined;
    const loopback = await LoopbackServer.start(
      {
        name: 'AzureFake',
        ...options,
        onClientError: (_err, socket) => socket.destroy(),
      },
      (req, res) => void fake?.handle(req, res),
    );
    fake = new AzureFake(loopback, options);
    return fake;
  }

  // =================================================================== setup API: secrets

  /** Adds a version (creating the secret); returns the version id. */
  setSecret(name: string, value: string, attrs: VersionAttributes = {}): string {
    if (!NAME_PATTERN.test(name)) throw new Error(`invalid Key Vault secret name: ${name}`);
    return this.store.addVersion(name, value, attrs).version;
  }

  /** Changes attributes of a version (default: the latest); `null` removes nbf / exp. */
  updateSecret(name: string, version: string | undefined, patch: VersionAttributes & { notBefore?: Date | null; expiresOn?: Date | null }): void {
    this.store.updateVersion(name, version, patch);
  }

  /** Soft delete: GET/LIST answer 404, PUT answers 409 until recovered or purged. */
  deleteSecret(name: string): void {
    this.store.softDelete(name);
  }

  recoverSecret(name: string): void {
    this.store.recover(name);
  }

  purgeSecret(name: string): void {
    this.store.purge(name);
  }

  /** Version ids of a secret, oldest first ([] when missing). */
  versions(name: string): string[] {
    return this.store.record(name)?.versions.map((v) => v.version) ?? [];
  }

  latestVersion(name: string): string | undefined {
    const r = this.store.live(name);
    return r ? this.store.latest(r)?.version : undefined;
  }

  /** The stored value of a version (default: the latest). */
  readSecret(name: string, version?: string): string | undefined {
    const r = this.store.live(name);
    if (!r) return undefined;
    return (version === undefined ? this.store.latest(r) : this.store.findVersion(r, version))?.value;
  }

  /** Content type and tags of a version (default: the latest). */
  versionInfo(name: string, version?: string): { contentType?: string; tags?: Record<string, string>; enabled: boolean } | undefined {
    const r = this.store.live(name);
    const v = r && (version === undefined ? this.store.latest(r) : this.store.findVersion(r, version));
    if (!v) return undefined;
    return { enabled: v.enabled, ...(v.contentType !== undefined ? { contentType: v.contentType } : {}), ...(v.tags ? { tags: { ...v.tags } } : {}) };
  }

  // =================================================================== setup API: auth

  /** Makes `token` a valid bearer token for the vault (optionally expiring). */
  addToken(token: string, opts: { expiresOn?: Date } = {}): void {
    this.tokens.set(token, { expiresAt: opts.expiresOn ? opts.expiresOn.getTime() : null });
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  /** Revokes every token (including issued ones). */
  revokeAllTokens(): void {
    this.tokens.clear();
  }

  /** Registers an application for the client-credentials flow. */
  addClient(clientId: string, clientSecret: string): void {
    this.clients.set(clientId, clientSecret);
  }

  /** 403 for `operation` (optionally only on one secret), the way Key Vault refuses (RBAC by default). */
  deny(operation: KvOperation | KvOperation[], opts: { secret?: string; reason?: DenyReason } = {}): void {
    for (const op of ([] as KvOperation[]).concat(operation)) {
      this.denies.push({ operation: op, reason: opts.reason ?? 'rbac', ...(opts.secret !== undefined ? { secret: opts.secret } : {}) });
    }
  }

  clearDenies(): void {
    this.denies = [];
  }

  // =================================================================== internals: transport

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readRequestBody(req, MAX_BODY, () =>
      res.writeHead(413, { 'Content-Type': 'application/json' }).end('{"error":{"code":"RequestTooLarge","message":"Request body too large"}}'),
    );
    if (body === undefined) return;
    let action: Action;
    try {
      action = await this.dispatch(req.method ?? 'GET', req.url ?? '/', req.headers, body);
    } catch (e) {
      action = { kind: 'reply', reply: kvError(500, 'InternalServerError', `fake key vault: ${(e as Error).message}`) };
    }
    if (action.kind === 'hang') return;
    if (action.kind === 'close') {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    if (action.kind === 'redirect') return sendRedirect(res, action.fault);
    if (action.kind === 'huge') return sendHugeBody(res, action.fault, 'application/json; charset=utf-8', '{"value":"');
    if (action.kind === 'malformed') {
      res.writeHead(action.status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end(action.body ?? '{"value":"partial-value","id":"https://fake');
      return;
    }
    const { reply } = action;
    const headers: Record<string, string> = { 'Cache-Control': 'no-cache', 'x-ms-keyvault-service-version': '1.9.0.0', ...reply.headers };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    headers['Content-Type'] = 'application/json; charset=utf-8';
    res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
  }

  private classify(method: string, segments: string[]): Operation {
    if (segments[0] === 'secrets') {
      if (segments.length === 1 && method === 'GET') return 'list';
      if (segments.length === 3 && segments[2] === 'versions' && method === 'GET') return 'versions';
      if ((segments.length === 2 || segments.length === 3) && method === 'GET') return 'get';
      if (segments.length === 2 && method === 'PUT') return 'set';
      return 'unknown';
    }
    if (segments.length === 4 && segments.slice(1).join('/') === 'oauth2/v2.0/token' && method === 'POST') return 'token';
    if (segments.length === 4 && segments.slice(1).join('/') === 'v2.0/.well-known/openid-configuration' && method === 'GET') return 'openid';
    return 'unknown';
  }

  private async dispatch(rawMethod: string, target: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<Action> {
    const url = new URL(target, 'http://fake-key-vault.invalid');
    const method = rawMethod.toUpperCase();
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    // Keep a trailing empty segment: `/secrets/name/` is "the latest version".
    const segments = path.replace(/^\/+/, '').split('/');
    if (segments.length === 3 && segments[0] === 'secrets' && segments[2] === '' && method === 'PUT') segments.pop();
    const operation = this.classify(method, segments);
    const isVaultCall = operation !== 'token' && operation !== 'openid';
    const authHeader = headers.authorization;
    const bearer = typeof authHeader === 'string' ? /^Bearer\s+(.+)$/i.exec(authHeader)?.[1] : undefined;
    const record: RecordedRequest = {
      method,
      operation,
      path,
      query: url.search.replace(/^\?/, ''),
      auth: isVaultCall ? (bearer === undefined ? 'none' : this.validToken(bearer) ? 'valid' : 'invalid') : undefined,
    };
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

    let nextLinkFault: EndlessPagesFault | { kind: 'foreignNextLink'; url: string } | undefined;
    const fault = this.faults.take(
      (f) => (f.pathPrefix === undefined || path.startsWith(f.pathPrefix)) && (f.operation === undefined || f.operation === operation),
    );
    if (fault) {
      switch (fault.kind) {
        case 'redirect':
        case 'huge':
          return finish({ kind: fault.kind, fault } as Action);
        case 'endlessPages':
        case 'foreignNextLink':
          nextLinkFault = fault;
          break;
        case 'hang':
          return finish({ kind: 'hang' });
        case 'close':
          return finish({ kind: 'close' });
        case 'malformed':
          return finish({ kind: 'malformed', status: fault.status ?? 200, ...(fault.body !== undefined ? { body: fault.body } : {}) });
        case 'status':
          return finish({ kind: 'reply', reply: this.faultReply(fault, operation, segments) });
        case 'delay':
          await sleep(fault.ms);
          break;
      }
    }

    if (operation === 'openid') return finish({ kind: 'reply', reply: this.openIdConfiguration(segments[0]!) });
    if (operation === 'token') return finish({ kind: 'reply', reply: this.issueToken(segments[0]!, body, headers['content-type']) });

    // ---- vault: authentication first, as Key Vault does
    if (record.auth !== 'valid') {
      const message = record.auth === 'none' ? 'AKV10000: Request is missing a Bearer or PoP token.' : 'AKV10022: Invalid token: the token is expired, revoked or unknown.';
      return finish({ kind: 'reply', reply: kvError(401, 'Unauthorized', message, undefined, { 'WWW-Authenticate': this.challenge() }) });
    }
    if (!url.searchParams.get('api-version')) return finish({ kind: 'reply', reply: badParameter('The api-version query parameter is missing.') });
    if (operation === 'unknown') {
      return finish({ kind: 'reply', reply: kvError(405, 'MethodNotAllowed', `The fake key vault does not serve ${method} ${path}.`) });
    }
    const name = segments[1];
    if (operation !== 'list' && (name === undefined || !NAME_PATTERN.test(name))) {
      return finish({ kind: 'reply', reply: badParameter(`The secret name is invalid. Names may contain only 0-9, a-z, A-Z and -.`) });
    }
    const denied = this.denies.find((d) => d.operation === operation && (d.secret === undefined || d.secret.toLowerCase() === (name ?? '').toLowerCase()));
    if (denied) return finish({ kind: 'reply', reply: forbidden(operation, denied.reason, this.vaultName, operation === 'list' ? '' : `/secrets/${name}`) });

    switch (operation) {
      case 'list':
        return finish({ kind: 'reply', reply: this.withNextLinkFault(nextLinkFault, url, (u) => this.list(u)) });
      case 'versions':
        return finish({ kind: 'reply', reply: this.withNextLinkFault(nextLinkFault, url, (u) => this.listVersions(name!, u)) });
      case 'get':
        return finish({ kind: 'reply', reply: this.get(name!, segments[2] ?? '') });
      case 'set':
        return finish({ kind: 'reply', reply: this.set(name!, body) });
    }
  }

  private challenge(): string {
    // A real vault names login.windows.net with the tenant (a 401 of a public-cloud vault recorded in
    // hashicorp/terraform-provider-azurerm#19749: authorization="https://login.windows.net/<tenant>",
    // resource="https://vault.azure.net").
    return challengeHeader(this.challengeAuthority ?? `https://login.windows.net/${this.tenantId}`, this.challengeResource);
  }

  /**
   * A listing page under the endlessPages / foreignNextLink faults: the first page, whose nextLink
   * is a link never sent before (back to this vault) or the fault's foreign URL.
   */
  private withNextLinkFault(
    fault: EndlessPagesFault | { kind: 'foreignNextLink'; url: string } | undefined,
    url: URL,
    page: (url: URL) => Reply,
  ): Reply {
    if (!fault) return page(url);
    const first = new URL(url);
    first.searchParams.delete('$skiptoken');
    const reply = page(first);
    if (reply.status !== 200 || typeof reply.body !== 'object' || reply.body === null) return reply;
    let nextLink: string;
    if (fault.kind === 'foreignNextLink') nextLink = fault.url;
    else {
      this.endlessCounter += 1;
      const next = new URL(`${this.url}${url.pathname}`);
      next.searchParams.set('api-version', url.searchParams.get('api-version') ?? '');
      next.searchParams.set('$skiptoken', Buffer.from(`offset:0`).toString('base64url'));
      next.searchParams.set('endless', String(this.endlessCounter));
      nextLink = next.toString();
    }
    return { ...reply, body: { ...(reply.body as Record<string, unknown>), nextLink } };
  }

  private validToken(token: string): boolean {
    const t = this.tokens.get(token);
    return t !== undefined && (t.expiresAt === null || t.expiresAt > this.nowMs());
  }

  private faultReply(fault: Extract<Fault, { kind: 'status' }>, operation: Operation, segments: string[]): Reply {
    const { status } = fault;
    let reply: Reply;
    if (operation === 'token' || operation === 'openid') {
      // Entra answers in OAuth's shape
      reply =
        status === 429 || status >= 500
          ? oauthError(status, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.')
          : oauthError(status, fault.code ?? 'invalid_request', 900144, fault.message ?? `fault ${status}`);
    } else if (fault.code !== undefined || fault.message !== undefined) {
      reply = kvError(status, fault.code ?? 'Fault', fault.message ?? `fault ${status}`, fault.innerCode);
    } else if (status === 401) {
      reply = kvError(401, 'Unauthorized', 'AKV10022: Invalid token.', undefined, { 'WWW-Authenticate': this.challenge() });
    } else if (status === 403) {
      const op: KvOperation = operation === 'list' || operation === 'versions' || operation === 'set' ? operation : 'get';
      reply = forbidden(op, 'rbac', this.vaultName, segments[1] ? `/secrets/${segments[1]}` : '');
    } else if (status === 404) {
      reply = secretNotFound(segments[1] ?? '');
    } else if (status === 429) {
      reply = kvError(429, 'Throttled', 'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached', undefined, {
        'Retry-After': '10',
      });
    } else if (status === 503) {
      reply = kvError(503, 'ServiceUnavailable', 'The service is temporarily unavailable.', undefined, { 'Retry-After': '10' });
    } else if (status >= 500) {
      reply = kvError(status, 'InternalServerError', 'An unexpected error occurred.');
    } else {
      reply = kvError(status, 'Fault', `fault ${status}`);
    }
    if (fault.headers) reply.headers = { ...reply.headers, ...fault.headers };
    return reply;
  }

  // =================================================================== internals: vault operations

  private pageOf<T>(items: T[], url: URL, pagePath: string): Reply | { page: T[]; nextLink: string | null } {
    const maxParam = url.searchParams.get('maxresults');
    let max = this.pageSize;
    if (maxParam !== null) {
      const n = Number(maxParam);
      if (!Number.isInteger(n) || n < 1 || n > 25) return badParameter('Invalid maxresults: the value must be between 1 and 25.');
      max = Math.min(n, this.pageSize);
    }
    let offset = 0;
    const skip = url.searchParams.get('$skiptoken');
    if (skip !== null) {
      const decoded = Number(Buffer.from(skip, 'base64url').toString('utf8').replace(/^offset:/, ''));
      if (!Number.isInteger(decoded) || decoded < 0) return badParameter('The $skiptoken is invalid.');
      offset = decoded;
    }
    const page = items.slice(offset, offset + max);
    let nextLink: string | null = null;
    if (offset + max < items.length) {
      const next = new URL(`${this.url}${pagePath}`);
      next.searchParams.set('api-version', url.searchParams.get('api-version') ?? '');
      next.searchParams.set('$skiptoken', Buffer.from(`offset:${offset + max}`).toString('base64url'));
      if (maxParam !== null) next.searchParams.set('maxresults', String(max));
      nextLink = next.toString();
    }
    return { page, nextLink };
  }

  private list(url: URL): Reply {
    const items = this.store.liveSecrets().map((r) => secretItem(this.url, r, this.store.latest(r)!));
    const paged = this.pageOf(items, url, '/secrets');
    if ('status' in paged) return paged;
    return { status: 200, body: { value: paged.page, nextLink: paged.nextLink } };
  }

  private listVersions(name: string, url: URL): Reply {
    const r = this.store.live(name);
    const items = r ? r.versions.map((v) => versionItem(this.url, r, v)) : [];
    const paged = this.pageOf(items, url, `/secrets/${r?.name ?? name}/versions`);
    if ('status' in paged) return paged;
    return { status: 200, body: { value: paged.page, nextLink: paged.nextLink } };
  }

  private get(name: string, version: string): Reply {
    const r = this.store.live(name);
    if (!r) return secretNotFound(name, version || undefined);
    const v = version === '' ? this.store.latest(r) : this.store.findVersion(r, version);
    if (!v) return secretNotFound(name, version);
    if (!v.enabled) return disabledSecret();
    return { status: 200, body: secretBundle(this.url, r, v) };
  }

  private set(name: string, raw: Buffer): Reply {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return badParameter('The request body is not a valid JSON object.');
    }
    if (typeof body.value !== 'string') return badParameter('Property value is required.');
    if (body.value.length > MAX_VALUE_CHARS) return badParameter('The secret value is too large (at most 25 KB).');
    const existing = this.store.record(name);
    if (existing?.deleted) {
      return kvError(
        409,
        'Conflict',
        `Secret ${existing.name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
        'ObjectIsDeletedButRecoverable',
      );
    }
    const attrs = typeof body.attributes === 'object' && body.attributes !== null ? (body.attributes as Record<string, unknown>) : {};
    const tags =
      typeof body.tags === 'object' && body.tags !== null && !Array.isArray(body.tags)
        ? Object.fromEntries(Object.entries(body.tags as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
        : undefined;
    const v = this.store.addVersion(name, body.value, {
      ...(typeof body.contentType === 'string' ? { contentType: body.contentType } : {}),
      ...(tags ? { tags } : {}),
      ...(typeof attrs.enabled === 'boolean' ? { enabled: attrs.enabled } : {}),
      ...(typeof attrs.nbf === 'number' ? { notBefore: new Date(attrs.nbf * 1000) } : {}),
      ...(typeof attrs.exp === 'number' ? { expiresOn: new Date(attrs.exp * 1000) } : {}),
    });
    return { status: 200, body: secretBundle(this.url, this.store.live(name)!, v) };
  }

  // =================================================================== internals: Entra

  private openIdConfiguration(tenant: string): Reply {
    if (tenant !== this.tenantId) {
      return oauthError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
    }
    const base = `${this.authorityHost}/${tenant}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${this.authorityHost}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
      },
    };
  }

  private issueToken(tenant: string, raw: Buffer, contentType: string | undefined): Reply {
    if (tenant !== this.tenantId) return oauthError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (!contentType?.startsWith('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    }
    const form = new URLSearchParams(raw.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    const clientId = form.get('client_id') ?? '';
    const expected = this.clients.get(clientId);
    if (expected === undefined) {
      return oauthError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory.`);
    }
    if (form.get('client_secret') !== expected) {
      return oauthError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    }
    const scopes = (form.get('scope') ?? '').split(' ');
    if (!scopes.includes(`${RESOURCE}/.default`)) {
      return oauthError(400, 'invalid_scope', 70011, 'The provided request must include a scope input parameter.');
    }
    const token = `fake-entra-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { expiresAt: this.nowMs() + this.tokenLifetimeSeconds * 1000 });
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds, ext_expires_in: this.tokenLifetimeSeconds, access_token: token },
    };
  }
}
