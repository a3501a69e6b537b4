/**
 * A fake HashiCorp Vault for tests: a real HTTP(S) server on 127.0.0.1 that speaks the parts of the
 * Vault HTTP API the product uses (KV v1/v2, mount discovery, token and AppRole auth, capabilities,
 * namespaces), with Vault's status codes and error bodies, policy checks, fault injection and a
 * request log. Meant to be driven through the real node-vault client.
 *
 * Faithfulness notes (what real Vault does, reproduced here):
 * - Errors are `{"errors": [...]}`. Core errors use Go multierror text, e.g. a policy denial is
 *   `"1 error occurred:\n\t* permission denied\n\n"`, an unknown/expired token
 *   `"2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"` (both 403).
 * - Not found is 404 `{"errors":[]}`; an empty LIST is 404 too. A soft-deleted or destroyed KV v2
 *   version is 404 with the normal envelope `{data: {data: null, metadata: {deletion_time, destroyed,...}}}`.
 * - LIST works with the `LIST` verb (taken over from Node's parser, see vault/rawHttp.ts) and with
 *   `GET ...?list=true`; list paths get a trailing `/` before the policy check, as in Vault.
 * - The `default` policy's grants are implied for every valid token: auth/token/lookup-self,
 *   auth/token/renew-self and sys/capabilities-self. sys/internal/ui/mounts(/...) is an
 *   unauthenticated path: no token check before it; its handler finds the mount first (an unknown
 *   one is the preflight 403 for every token) and the token after.
 * - Every other request is checked against the token's policies BEFORE it is routed
 *   (request_handling.go CheckToken, then router.go routeCommon): a non-root token gets 403
 *   "permission denied" for a path its policies do not grant, mounted or not; a root token gets
 *   404 "no handler for route" for a path in no mount.
 * - A standby node that cannot forward answers 307 to the active node (fault `standby`).
 * - Namespaces come from the `X-Vault-Namespace` header. A token works in its own namespace and its
 *   descendants; policies of a parent-namespace token see child paths prefixed with the child's
 *   relative namespace path (`ns1/secret/data/x`), like Vault Enterprise.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Socket } from 'node:net';
import { type FaultLimits, LoopbackFake, LoopbackServer, type TransportFault, readRequestBody, sleep } from './loopbackServer';
import { Acl, type Capability, type PolicyRule } from './vault/acl';
import { KvEngine } from './vault/kv';
import { type RawRequest, isTakenOver, takeOverSocket, writeRawResponse } from './vault/rawHttp';
import {
  type Operation,
  type Reply,
  badRequest,
  envelope,
  errors,
  goDuration,
  multiError,
  ok,
  parseBool,
  parseDuration,
  unsupportedOperation,
  unsupportedPath,
} from './vault/replies';

export type { Capability, PolicyRule } from './vault/acl';
/** Alias kept for readability in tests: a policy is a list of rules. */
export type Policy = PolicyRule;

export interface FakeVaultOptions {
  /** Serve HTTPS with this key pair (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Only `127.0.0.1` is accepted; anything else makes start() reject. */
  host?: string;
  /** Id of the built-in root token (root namespace, all capabilities). Default `root`. */
  rootToken?: string;
}

export interface TokenOptions {
  /** ACL rules of the token (ignored for root tokens). */
  policies?: PolicyRule[];
  /** Policy names reported by lookup-self / login (default `['default']`, `['root']` for root). */
  policyNames?: string[];
  /** TTL in seconds; 0 or undefined = never expires (like a root token). */
  ttlSeconds?: number;
  /** Default true. */
  renewable?: boolean;
  /** Explicit max TTL in seconds (0/undefined = Vault's system max of 32 days). */
  maxTtlSeconds?: number;
  /** Namespace the token belongs to (default: root namespace). */
  namespace?: string;
  /** All capabilities everywhere (policy `root`). */
  root?: boolean;
  displayName?: string;
  meta?: Record<string, string>;
}

interface FaultBase extends Pick<FaultLimits, 'times'> {
  /** Only requests whose API path (without `/v1/`) starts with this prefix are affected. */
  pathPrefix?: string;
}
export type Fault = FaultBase &
  (
    | { kind: 'status'; status: number; errors?: string[] }
    | { kind: 'hang' }
    | { kind: 'malformed'; status?: number }
    | { kind: 'close' }
    | { kind: 'delay'; ms: number }
    /**
     * A standby node that cannot forward: 307 to the active node, Location = `activeAddress` +
     * the request's path and query, no body (vault/http/handler.go respondStandby).
     */
    | { kind: 'standby'; activeAddress: string }
    /** `refused` (closed port) and `tls` (untrusted certificate; needs `tls`): see loopbackServer.ts. */
    | TransportFault
  );

export interface RecordedRequest {
  /** HTTP method as sent (`LIST` when the LIST verb was used). */
  method: string;
  operation: Operation | 'unknown';
  /** API path without `/v1/` and without the query; list paths end with `/`. */
  path: string;
  query: string;
  /** Request namespace (X-Vault-Namespace), undefined for the root namespace. */
  namespace: string | undefined;
  /** HTTP status sent, or `hang` / `close` for faults that sent nothing. */
  outcome?: number | 'hang' | 'close';
}

export interface TokenInfo {
  policyNames: string[];
  namespace: string;
  renewable: boolean;
  ttlSeconds: number;
  expireTime: Date | null;
  renewCount: number;
}

interface TokenRecord {
  id: string;
  accessor: string;
  acl: Acl;
  policyNames: string[];
  root: boolean;
  namespace: string;
  creationTtl: number;
  explicitMaxTtl: number;
  renewable: boolean;
  issueTime: number;
  expireAt: number | null;
  lastRenewal: number | null;
  renewCount: number;
  displayName: string;
  path: string;
  meta: Record<string, string> | null;
}

interface MountEntry {
  path: string;
  type: string;
  accessor: string;
  uuid: string;
  options: Record<string, string> | null;
  kv?: KvEngine;
}

interface AppRole {
  roleName: string;
  roleId: string;
  secretIds: Set<string>;
  tokenOptions: TokenOptions;
}

interface AuthMount {
  path: string;
  type: string;
  accessor: string;
  uuid: string;
  roles: Map<string, AppRole>;
}

interface IncomingLike {
  method: string;
  target: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

type Action =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'malformed'; status: number }
  | { kind: 'hang' }
  | { kind: 'close' };

const SYSTEM_MAX_TTL = 32 * 24 * 3600;
const MAX_BODY = 4 * 1024 * 1024;
const BUILTIN_MOUNTS: Array<[string, string]> = [
  ['cubbyhole/', 'cubbyhole'],
  ['identity/', 'identity'],
  ['sys/', 'system'],
];

const normalizeNamespace = (ns: string | undefined): string => (ns ?? '').replace(/^\/+|\/+$/g, '');
const normalizeMountPath = (p: string): string => `${p.replace(/^\/+|\/+$/g, '')}/`;
const randomId = (prefix: string, bytes = 18): string => prefix + randomBytes(bytes).toString('base64url');
const header = (h: IncomingLike['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

export class FakeVault extends LoopbackFake<RecordedRequest, Fault> {
  readonly address: string;
  readonly rootToken: string;

  private readonly mounts = new Map<string, Map<string, MountEntry>>();
  private readonly authMounts = new Map<string, Map<string, AuthMount>>();
  private readonly tokens = new Map<string, TokenRecord>();

  private constructor(loopback: LoopbackServer, rootToken: string) {
    super(loopback);
    this.address = loopback.url;
    this.rootToken = rootToken;
    this.addToken(rootToken, { root: true });
  }

  static async start(options: FakeVaultOptions = {}): Promise<FakeVault> {
    let vault: FakeVault | undefined;
    const loopback = await LoopbackServer.start(
      {
        name: 'FakeVault',
        ...(options.host !== undefined ? { host: options.host } : {}),
        ...(options.tls ? { tls: options.tls } : {}),
        onClientError: (err, socket) => vault?.onClientError(err, socket),
      },
      (req, res) => void vault?.handleHttp(req, res),
    );
    vault = new FakeVault(loopback, options.rootToken ?? 'root');
    return vault;
  }

  // =================================================================== setup API

  /**
   * Mounts a KV engine (`options.version` = "1" or "2"). `path` may contain slashes.
   * `withoutSubkeys`: a KV v2 plugin older than the subkeys endpoint (Vault before 1.10).
   */
  mountKv(path: string, version: 1 | 2, namespace?: string, opts: { withoutSubkeys?: boolean } = {}): void {
    this.addMount(path, 'kv', namespace, { version: String(version) }, new KvEngine(version, () => this.now(), opts.withoutSubkeys !== true));
  }

  /**
   * Mounts a non-KV engine (e.g. `transit`); requests under it answer "unsupported path".
   * Type `kv` mounts an unversioned KV engine (options null), which behaves like KV v1.
   */
  mount(path: string, type: string, namespace?: string): void {
    const kv = type === 'kv' ? new KvEngine(1, () => this.now()) : undefined;
    this.addMount(path, type, namespace, null, kv);
  }

  /** Writes a secret; returns the new version for KV v2, 0 for KV v1. */
  putSecret(
    mount: string,
    path: string,
    data: Record<string, unknown>,
    opts: { namespace?: string; customMetadata?: Record<string, string> } = {},
  ): number {
    const kv = this.kvEngine(mount, opts.namespace);
    if (kv.version === 1) {
      kv.putV1(path, data);
      return 0;
    }
    return kv.putV2(path, data, opts.customMetadata);
  }

  /** Current stored data (KV v2: a version, default current; undefined if deleted/destroyed/missing). */
  readSecret(mount: string, path: string, opts: { namespace?: string; version?: number } = {}): Record<string, unknown> | undefined {
    const kv = this.kvEngine(mount, opts.namespace);
    if (kv.version === 1) return kv.v1.has(path) ? structuredClone(kv.v1.get(path)) : undefined;
    const entry = kv.entry(path);
    const v = entry?.versions.get(opts.version ?? entry.currentVersion);
    if (!v || v.destroyed || v.deletionTime !== '') return undefined;
    return structuredClone(v.data ?? undefined);
  }

  /** KV v2 soft delete of versions (KV v1: removes the secret). */
  deleteVersion(mount: string, path: string, versions: number | number[], opts: { namespace?: string } = {}): void {
    const kv = this.kvEngine(mount, opts.namespace);
    if (kv.version === 1) kv.v1.delete(path);
    else kv.softDelete(path, ([] as number[]).concat(versions));
  }

  undeleteVersion(mount: string, path: string, versions: number | number[], opts: { namespace?: string } = {}): void {
    this.kv2(mount, opts.namespace).undelete(path, ([] as number[]).concat(versions));
  }

  destroyVersion(mount: string, path: string, versions: number | number[], opts: { namespace?: string } = {}): void {
    this.kv2(mount, opts.namespace).destroy(path, ([] as number[]).concat(versions));
  }

  /** KV v2: removes the key and all its versions (DELETE metadata/<path>). */
  deleteMetadata(mount: string, path: string, opts: { namespace?: string } = {}): void {
    this.kv2(mount, opts.namespace).v2.delete(path);
  }

  setMaxVersions(mount: string, path: string, maxVersions: number, opts: { namespace?: string } = {}): void {
    const kv = this.kv2(mount, opts.namespace);
    // Like a metadata write: nothing is trimmed until the next version is written.
    kv.entryFor(path).maxVersions = maxVersions;
  }

  setCasRequired(mount: string, path: string, required: boolean, opts: { namespace?: string } = {}): void {
    this.kv2(mount, opts.namespace).entryFor(path).casRequired = required;
  }

  /** Engine-wide KV v2 config (`<mount>/config`). */
  setKvConfig(mount: string, config: { maxVersions?: number; casRequired?: boolean }, opts: { namespace?: string } = {}): void {
    const kv = this.kv2(mount, opts.namespace);
    if (config.maxVersions !== undefined) kv.config.maxVersions = config.maxVersions;
    if (config.casRequired !== undefined) kv.config.casRequired = config.casRequired;
  }

  addToken(token: string, opts: TokenOptions): void {
    this.tokens.set(token, this.makeToken(token, opts, { displayName: opts.displayName ?? 'token', path: 'auth/token/create' }));
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  tokenInfo(token: string): TokenInfo | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    return {
      policyNames: [...t.policyNames],
      namespace: t.namespace,
      renewable: t.renewable,
      ttlSeconds: this.remainingTtl(t),
      expireTime: t.expireAt === null ? null : new Date(t.expireAt),
      renewCount: t.renewCount,
    };
  }

  /** Adds an AppRole role (enabling the auth mount if needed) in `tokenOptions.namespace`. */
  addAppRole(role: string, roleId: string, secretId: string, tokenOptions: TokenOptions = {}, mount = 'approle'): void {
    const ns = normalizeNamespace(tokenOptions.namespace);
    const mountPath = normalizeMountPath(mount);
    const table = this.authTable(ns);
    let auth = table.get(mountPath);
    if (!auth) {
      auth = { path: mountPath, type: 'approle', accessor: randomId('auth_approle_', 4), uuid: randomUUID(), roles: new Map() };
      table.set(mountPath, auth);
    }
    const existing = auth.roles.get(roleId);
    if (existing && existing.roleName === role) existing.secretIds.add(secretId);
    else auth.roles.set(roleId, { roleName: role, roleId, secretIds: new Set([secretId]), tokenOptions: { ...tokenOptions } });
  }

  // =================================================================== internals: state

  private mountTable(ns: string): Map<string, MountEntry> {
    let table = this.mounts.get(ns);
    if (!table) {
      table = new Map();
      for (const [p, type] of BUILTIN_MOUNTS) {
        table.set(p, { path: p, type, accessor: randomId(`${type}_`, 4), uuid: randomUUID(), options: null });
      }
      this.mounts.set(ns, table);
    }
    return table;
  }

  private authTable(ns: string): Map<string, AuthMount> {
    let table = this.authMounts.get(ns);
    if (!table) {
      table = new Map([['token/', { path: 'token/', type: 'token', accessor: randomId('auth_token_', 4), uuid: randomUUID(), roles: new Map() }]]);
      this.authMounts.set(ns, table);
    }
    return table;
  }

  private addMount(path: string, type: string, namespace: string | undefined, options: Record<string, string> | null, kv: KvEngine | undefined): void {
    const mountPath = normalizeMountPath(path);
    if (mountPath === '/') throw new Error('mount path must not be empty');
    if (mountPath.startsWith('auth/')) throw new Error('auth/ is reserved');
    const table = this.mountTable(normalizeNamespace(namespace));
    for (const existing of table.keys()) {
      if (existing.startsWith(mountPath) || mountPath.startsWith(existing)) {
        throw new Error(`path is already in use at ${existing}`);
      }
    }
    table.set(mountPath, { path: mountPath, type, accessor: randomId(`${type}_`, 4), uuid: randomUUID(), options, ...(kv ? { kv } : {}) });
  }

  private kvEngine(mount: string, namespace: string | undefined): KvEngine {
    const entry = this.mountTable(normalizeNamespace(namespace)).get(normalizeMountPath(mount));
    if (!entry?.kv) throw new Error(`no KV mount at ${mount} in namespace "${namespace ?? ''}"`);
    return entry.kv;
  }

  private kv2(mount: string, namespace: string | undefined): KvEngine {
    const kv = this.kvEngine(mount, namespace);
    if (kv.version !== 2) throw new Error(`${mount} is not a KV v2 mount`);
    return kv;
  }

  private makeToken(id: string, opts: TokenOptions, extra: { displayName: string; path: string }): TokenRecord {
    const root = opts.root === true;
    const ttl = root ? 0 : Math.max(0, opts.ttlSeconds ?? 0);
    const now = this.nowMs();
    return {
      id,
      accessor: randomId('', 18),
      acl: new Acl(opts.policies ?? [], root),
      policyNames: opts.policyNames ?? (root ? ['root'] : ['default']),
      root,
      namespace: normalizeNamespace(opts.namespace),
      creationTtl: ttl,
      explicitMaxTtl: Math.max(0, opts.maxTtlSeconds ?? 0),
      renewable: root ? false : opts.renewable ?? true,
      issueTime: now,
      expireAt: ttl > 0 ? now + ttl * 1000 : null,
      lastRenewal: null,
      renewCount: 0,
      displayName: extra.displayName,
      path: extra.path,
      meta: opts.meta ? { ...opts.meta } : null,
    };
  }

  private remainingTtl(t: TokenRecord): number {
    return t.expireAt === null ? 0 : Math.max(0, Math.round((t.expireAt - this.nowMs()) / 1000));
  }

  private liveToken(id: string | undefined): TokenRecord | undefined {
    if (!id) return undefined;
    const t = this.tokens.get(id);
    if (!t) return undefined;
    if (t.expireAt !== null && this.nowMs() >= t.expireAt) {
      this.tokens.delete(id); // Vault revokes expired tokens
      return undefined;
    }
    return t;
  }

  // =================================================================== internals: transports

  private async handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readRequestBody(req, MAX_BODY, () =>
      res.writeHead(413, { 'Content-Type': 'application/json' }).end('{"errors":["request body too large"]}'),
    );
    if (raw === undefined) return;
    const incoming: IncomingLike = { method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headers, body: raw };
    const action = await this.dispatch(incoming);
    if (action.kind === 'hang') return;
    if (action.kind === 'close') {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    const { status, headers, body } = this.serialize(action);
    res.writeHead(status, headers);
    res.end(body);
  }

  private onClientError(err: Error, socket: Socket): void {
    const code = (err as NodeJS.ErrnoException).code;
    const raw = (err as Error & { rawPacket?: Buffer }).rawPacket;
    if (isTakenOver(socket)) return; // later chunks of a request we already own
    if (code === 'HPE_INVALID_METHOD' && raw && raw.length > 0) {
      takeOverSocket(
        socket,
        raw,
        (request) => void this.handleRaw(socket, request),
        (reason) => writeRawResponse(socket, 400, { 'Content-Type': 'application/json' }, JSON.stringify({ errors: [reason] })),
      );
      return;
    }
    if (code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  }

  private async handleRaw(socket: Socket, request: RawRequest): Promise<void> {
    const action = await this.dispatch({ method: request.method, target: request.target, headers: request.headers, body: request.body });
    if (action.kind === 'hang') return;
    if (action.kind === 'close') {
      socket.destroy();
      return;
    }
    const { status, headers, body } = this.serialize(action);
    writeRawResponse(socket, status, headers, body);
  }

  private serialize(action: Exclude<Action, { kind: 'hang' } | { kind: 'close' }>): { status: number; headers: Record<string, string>; body: string } {
    if (action.kind === 'malformed') {
      return {
        status: action.status,
        headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
        body: '{"request_id":"00000000-0000-0000-0000-000000000000","data":{"data":{"pass',
      };
    }
    const { reply } = action;
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...reply.headers };
    if (reply.status === 204 || reply.body === undefined) return { status: reply.status, headers, body: '' };
    headers['Content-Type'] = 'application/json';
    return { status: reply.status, headers, body: JSON.stringify(reply.body) };
  }

  // =================================================================== internals: request pipeline

  private async dispatch(req: IncomingLike): Promise<Action> {
    try {
      return await this.dispatchUnsafe(req);
    } catch (e) {
      // A bug in the fake must not crash the test process: answer like Vault's internal errors.
      return { kind: 'reply', reply: errors(500, multiError(`fake vault: ${(e as Error).message}`)) };
    }
  }

  private async dispatchUnsafe(req: IncomingLike): Promise<Action> {
    const url = new URL(req.target, 'http://fake-vault.invalid');
    const namespace = normalizeNamespace(header(req.headers, 'x-vault-namespace'));
    const method = req.method.toUpperCase();
    let operation: Operation | 'unknown';
    if (method === 'GET') operation = parseBool(url.searchParams.get('list')) ? 'list' : 'read';
    else if (method === 'LIST') operation = 'list';
    else if (method === 'POST' || method === 'PUT') operation = 'write';
    else if (method === 'DELETE') operation = 'delete';
    else if (method === 'PATCH') operation = 'patch';
    else operation = 'unknown';

    let apiPath: string | undefined;
    if (url.pathname.startsWith('/v1/')) {
      try {
        apiPath = decodeURIComponent(url.pathname.slice(4)).replace(/\/{2,}/g, '/');
      } catch {
        apiPath = url.pathname.slice(4);
      }
      if (operation === 'list' && !apiPath.endsWith('/')) apiPath += '/';
    }
    const record: RecordedRequest = {
      method,
      operation,
      path: apiPath ?? url.pathname,
      query: url.search.replace(/^\?/, ''),
      namespace: namespace || undefined,
    };
    this.requests.push(record);
    const finish = (action: Action): Action => {
      record.outcome = action.kind === 'reply' ? action.reply.status : action.kind === 'malformed' ? action.status : action.kind;
      return action;
    };

    const fault = this.faults.take((f) => f.pathPrefix === undefined || (apiPath ?? '').startsWith(f.pathPrefix));
    if (fault) {
      switch (fault.kind) {
        case 'hang':
          return finish({ kind: 'hang' });
        case 'close':
          return finish({ kind: 'close' });
        case 'malformed':
          return finish({ kind: 'malformed', status: fault.status ?? 200 });
        case 'status':
          return finish({ kind: 'reply', reply: this.faultReply(fault.status, fault.errors, apiPath ?? '') });
        case 'standby': {
          const active = new URL(fault.activeAddress);
          const location = `${active.protocol}//${active.host}${url.pathname}${url.search}`;
          return finish({ kind: 'reply', reply: { status: 307, headers: { Location: location } } });
        }
        case 'delay':
          await sleep(fault.ms);
          break;
      }
    }

    if (apiPath === undefined) return finish({ kind: 'reply', reply: errors(404) });
    if (operation === 'unknown') return finish({ kind: 'reply', reply: errors(405) });

    let body: Record<string, unknown> = {};
    if ((operation === 'write' || operation === 'patch') && req.body.length > 0) {
      try {
        const parsed: unknown = JSON.parse(req.body.toString('utf8'));
        if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new Error('expected a JSON object');
        body = (parsed ?? {}) as Record<string, unknown>;
      } catch (e) {
        return finish({ kind: 'reply', reply: badRequest(`failed to parse JSON input: ${(e as Error).message}`) });
      }
    }
    const token = header(req.headers, 'x-vault-token') ?? header(req.headers, 'authorization')?.replace(/^Bearer\s+/i, '');
    const reply = this.route({
      op: operation,
      path: apiPath,
      namespace,
      body,
      query: url.searchParams,
      token,
      contentType: header(req.headers, 'content-type'),
    });
    return finish({ kind: 'reply', reply });
  }

  private faultReply(status: number, custom: string[] | undefined, apiPath: string): Reply {
    if (custom) return errors(status, ...custom);
    const headers: Record<string, string> = {};
    let messages: string[];
    switch (status) {
      case 403:
        messages = [multiError('permission denied')];
        break;
      case 404:
        messages = [];
        break;
      case 429:
        messages = [`request path "${apiPath}": rate limit quota exceeded`];
        headers['Retry-After'] = '1';
        break;
      case 503:
        messages = ['Vault is sealed'];
        break;
      default:
        messages = status >= 500 ? [multiError('internal error')] : [`fault ${status}`];
    }
    return { status, body: { errors: messages }, headers };
  }

  private route(r: {
    op: Operation;
    path: string;
    namespace: string;
    body: Record<string, unknown>;
    query: URLSearchParams;
    token: string | undefined;
    contentType: string | undefined;
  }): Reply {
    const { op, path, namespace } = r;

    // ---- unauthenticated endpoints (vault/http/sys_health.go handleSysHealthGet: 200 when active,
    // unsealed and initialized)
    if (path === 'sys/health' && op === 'read') {
      return {
        status: 200,
        body: {
          initialized: true,
          sealed: false,
          standby: false,
          performance_standby: false,
          replication_performance_mode: 'disabled',
          replication_dr_mode: 'disabled',
          server_time_utc: Math.floor(this.nowMs() / 1000),
          version: '1.17.0',
          cluster_name: 'fake-vault',
          cluster_id: '00000000-0000-0000-0000-000000000000',
        },
      };
    }
    const login = this.findLoginMount(path, namespace);
    if (login) return op === 'write' ? this.appRoleLogin(login, namespace, r.body) : unsupportedOperation();

    // ---- sys/internal/ui/mounts(/<path>): unauthenticated paths of the system backend
    // (PathsSpecial), so no CheckToken before them; the handlers look the mount up first and the
    // token after it (vault/logical_system.go pathInternalUIMountRead, pathInternalUIMountsRead;
    // vault/request_handling.go fetchACLTokenEntryAndEntity).
    if (path === 'sys/internal/ui/mounts' || path === 'sys/internal/ui/mounts/') {
      return op === 'read' ? this.uiMountsList(r.token, namespace) : unsupportedOperation();
    }
    if (path.startsWith('sys/internal/ui/mounts/')) {
      return op === 'read' ? this.uiMount(r.token, namespace, path.slice('sys/internal/ui/mounts/'.length)) : unsupportedOperation();
    }

    // ---- token (vault/request_handling.go CheckToken): before the request is routed
    const checked = this.checkToken(r.token, namespace);
    if ('status' in checked) return checked;
    const { token, rel } = checked;

    // ---- endpoints the default policy grants (vault/policy_store.go defaultPolicy: lookup-self,
    // renew-self, capabilities-self); CheckToken still runs first
    if (path === 'auth/token/lookup-self') return op === 'read' ? this.lookupSelf(token) : unsupportedOperation();
    if (path === 'auth/token/renew-self') return op === 'write' ? this.renewSelf(token, r.body) : unsupportedOperation();
    if (path === 'sys/capabilities-self') return op === 'write' ? this.capabilitiesSelf(token, rel, r.body) : unsupportedOperation();

    // ---- policy check (request_handling.go CheckToken: create vs update decided by the engine's
    // existence check, RouteExistenceCheck; a path with none, or in no mount, counts as update),
    // then routing (router.go routeCommon)
    const mount = this.matchMount(namespace, path);
    let capability: Capability;
    if (op === 'write') {
      const exists = mount?.kv ? mount.kv.exists(path.slice(mount.path.length)) : true;
      capability = exists ? 'update' : 'create';
    } else capability = op;
    if (!token.acl.allows(rel + path, capability)) return errors(403, multiError('permission denied'));

    if (path === 'sys/mounts') return op === 'read' ? this.sysMounts(namespace) : unsupportedOperation();
    if (path.startsWith('sys/') || path.startsWith('auth/')) return unsupportedPath();
    // router.go routeCommon: ErrorResponse + ErrUnsupportedPath, so 404 with the unframed text.
    if (!mount) return errors(404, `no handler for route "${path}". route entry not found.`);
    // A non-KV engine's framework router finds no path: sdk/framework/backend.go, ErrUnsupportedPath.
    if (!mount.kv) return unsupportedPath();
    return mount.kv.handle({ op, subPath: path.slice(mount.path.length), body: r.body, query: r.query, contentType: r.contentType });
  }

  /**
   * The token of a request, as Vault resolves it: none → 403 "permission denied"; unknown or
   * expired → 403 "permission denied" and "invalid token"; a namespace outside the token's → 403.
   */
  private checkToken(id: string | undefined, namespace: string): { token: TokenRecord; rel: string } | Reply {
    if (!id) return errors(403, multiError('permission denied'));
    const token = this.liveToken(id);
    if (!token) return errors(403, multiError('permission denied', 'invalid token'));
    const rel = relativeNamespace(token.namespace, namespace);
    if (rel === undefined) return errors(403, multiError('permission denied'));
    return { token, rel };
  }

  private matchMount(namespace: string, path: string): MountEntry | undefined {
    let best: MountEntry | undefined;
    for (const entry of this.mountTable(namespace).values()) {
      if ((path + (path.endsWith('/') ? '' : '/')).startsWith(entry.path) && (!best || entry.path.length > best.path.length)) best = entry;
    }
    return best;
  }

  private mountInfo(entry: MountEntry | AuthMount): Record<string, unknown> {
    return {
      accessor: entry.accessor,
      config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 },
      description: '',
      external_entropy_access: false,
      local: false,
      options: 'options' in entry ? (entry.options ? { ...entry.options } : null) : null,
      plugin_version: '',
      running_plugin_version: `v1.17.0+builtin.vault`,
      running_sha256: '',
      seal_wrap: false,
      type: entry.type,
      uuid: entry.uuid,
    };
  }

  /** vault/logical_system.go handleMountTable: the table, also at the top level (HTTPSysInjector). */
  private sysMounts(namespace: string): Reply {
    const data: Record<string, unknown> = {};
    for (const entry of [...this.mountTable(namespace).values()].sort((a, b) => a.path.localeCompare(b.path))) {
      data[entry.path] = this.mountInfo(entry);
    }
    // Vault returns the mount table both at the top level (legacy) and under `data`.
    return { status: 200, body: { ...data, ...envelope(data) } };
  }

  private uiMount(tokenId: string | undefined, namespace: string, rawPath: string): Reply {
    const path = normalizeMountPath(rawPath);
    const denied = errors(
      403,
      `preflight capability check returned 403, please ensure client's policies grant access to path "${path}"`,
    );
    let entry: MountEntry | AuthMount | undefined;
    let fullPath = '';
    if (path.startsWith('auth/')) {
      for (const a of this.authTable(namespace).values()) {
        if (path.startsWith(`auth/${a.path}`) && (!entry || a.path.length > entry.path.length)) {
          entry = a;
          fullPath = `auth/${a.path}`;
        }
      }
    } else {
      const m = this.matchMount(namespace, path);
      if (m) {
        entry = m;
        fullPath = m.path;
      }
    }
    // Unknown mounts answer exactly like inaccessible ones, for every token (root included, and
    // before the token is even looked up), so the endpoint cannot enumerate mounts.
    if (!entry) return denied;
    const checked = this.checkToken(tokenId, namespace);
    if ('status' in checked) return checked;
    if (!checked.token.acl.hasMountAccess(checked.rel + fullPath)) return denied;
    return ok({ ...this.mountInfo(entry), path: fullPath });
  }

  private uiMountsList(tokenId: string | undefined, namespace: string): Reply {
    const secret: Record<string, unknown> = {};
    const auth: Record<string, unknown> = {};
    // Without a token only mounts tuned to listing_visibility "unauth" are listed: none here.
    if (!tokenId) return ok({ auth, secret });
    const checked = this.checkToken(tokenId, namespace);
    if ('status' in checked) return checked;
    const { token, rel } = checked;
    for (const entry of this.mountTable(namespace).values()) {
      if (token.acl.hasMountAccess(rel + entry.path)) secret[entry.path] = this.mountInfo(entry);
    }
    for (const a of this.authTable(namespace).values()) {
      if (token.acl.hasMountAccess(`${rel}auth/${a.path}`)) auth[a.path] = this.mountInfo(a);
    }
    return ok({ auth, secret });
  }

  /**
   * vault/logical_system.go handleCapabilities: `paths` (or the older `path`); per path its
   * capabilities, and `capabilities` too for a single path; 400 without a path.
   */
  private capabilitiesSelf(token: TokenRecord, rel: string, body: Record<string, unknown>): Reply {
    const asList = (v: unknown): string[] =>
      Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? v.split(',').map((s) => s.trim()) : [];
    let paths = asList(body.paths);
    if (paths.length === 0) paths = asList(body.path);
    if (paths.length === 0) return badRequest('paths must be supplied');
    const data: Record<string, unknown> = {};
    for (const p of paths) data[p] = token.acl.capabilities(rel + p.replace(/^\/+/, ''));
    if (paths.length === 1) data.capabilities = data[paths[0]!];
    return { status: 200, body: { ...data, ...envelope(data) } };
  }

  private authBlock(t: TokenRecord, leaseDuration: number, metadata: Record<string, string> | null): Record<string, unknown> {
    return {
      client_token: t.id,
      accessor: t.accessor,
      policies: [...t.policyNames],
      token_policies: [...t.policyNames],
      metadata,
      lease_duration: leaseDuration,
      renewable: t.renewable,
      entity_id: '',
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    };
  }

  /** vault/token_store.go handleLookupSelf: the token entry's fields, `ttl` remaining. */
  private lookupSelf(t: TokenRecord): Reply {
    const data: Record<string, unknown> = {
      accessor: t.accessor,
      creation_time: Math.floor(t.issueTime / 1000),
      creation_ttl: t.creationTtl,
      display_name: t.displayName,
      entity_id: '',
      expire_time: t.expireAt === null ? null : new Date(t.expireAt).toISOString(),
      explicit_max_ttl: t.explicitMaxTtl,
      id: t.id,
      issue_time: new Date(t.issueTime).toISOString(),
      meta: t.meta ? { ...t.meta } : null,
      num_uses: 0,
      orphan: true,
      path: t.path,
      policies: [...t.policyNames],
      renewable: t.renewable,
      ttl: this.remainingTtl(t),
      type: 'service',
    };
    if (t.lastRenewal !== null) {
      data.last_renewal = new Date(t.lastRenewal).toISOString();
      data.last_renewal_time = Math.floor(t.lastRenewal / 1000);
    }
    if (t.namespace) data.namespace_path = `${t.namespace}/`;
    return ok(data);
  }

  /**
   * vault/token_store.go handleRenewSelf → expiration.RenewToken: "lease is not renewable" (400);
   * past the max TTL "past the max TTL, cannot renew"; an increment over it is capped with the
   * warning of sdk/framework/lease.go CalculateTTL.
   */
  private renewSelf(t: TokenRecord, body: Record<string, unknown>): Reply {
    if (t.expireAt === null) {
      // Tokens without a TTL (root) have nothing to extend.
      return { status: 200, body: envelope(null, { auth: this.authBlock(t, 0, t.meta) }) };
    }
    if (!t.renewable) return badRequest('lease is not renewable');
    let increment = t.creationTtl;
    if (body.increment !== undefined && body.increment !== null && body.increment !== '') {
      const parsed = parseDuration(body.increment);
      if (parsed === undefined) return badRequest(`error converting input ${String(body.increment)} for field "increment"`);
      if (parsed > 0) increment = parsed;
    }
    const now = this.nowMs();
    const maxTtl = t.explicitMaxTtl > 0 ? Math.min(t.explicitMaxTtl, SYSTEM_MAX_TTL) : SYSTEM_MAX_TTL;
    const maxValid = t.issueTime + maxTtl * 1000;
    if (maxValid <= now) return badRequest('past the max TTL, cannot renew');
    const warnings: string[] = [];
    let ttl = increment;
    const maxValidTtl = Math.round((maxValid - now) / 1000);
    if (ttl > maxValidTtl) {
      warnings.push(
        `TTL of "${goDuration(ttl)}" exceeded the effective max_ttl of "${goDuration(maxValidTtl)}"; TTL value is capped accordingly`,
      );
      ttl = maxValidTtl;
    }
    t.expireAt = Math.min(now + ttl * 1000, maxValid);
    t.lastRenewal = now;
    t.renewCount += 1;
    return { status: 200, body: envelope(null, { auth: this.authBlock(t, ttl, t.meta), warnings: warnings.length ? warnings : null }) };
  }

  private findLoginMount(path: string, namespace: string): AuthMount | undefined {
    if (!path.startsWith('auth/') || !path.endsWith('/login')) return undefined;
    const mountPath = path.slice('auth/'.length, -'login'.length);
    const table = this.authMounts.get(namespace);
    const auth = table?.get(mountPath);
    return auth && auth.type === 'approle' ? auth : undefined;
  }

  /**
   * builtin/credential/approle/path_login.go pathLoginUpdate: "missing role_id",
   * "missing secret_id", "invalid role or secret ID" (400); an unauthenticated path (no token).
   */
  private appRoleLogin(auth: AuthMount, namespace: string, body: Record<string, unknown>): Reply {
    const roleId = typeof body.role_id === 'string' ? body.role_id : '';
    const secretId = typeof body.secret_id === 'string' ? body.secret_id : '';
    if (!roleId) return badRequest('missing role_id');
    if (!secretId) return badRequest('missing secret_id');
    const role = auth.roles.get(roleId);
    if (!role || !role.secretIds.has(secretId)) return badRequest('invalid role or secret ID');
    const id = randomId('hvs.', 18);
    const t = this.makeToken(id, { ...role.tokenOptions, namespace }, { displayName: `approle`, path: `auth/${auth.path}login` });
    t.meta = { role_name: role.roleName };
    this.tokens.set(id, t);
    return { status: 200, body: envelope(null, { auth: this.authBlock(t, t.creationTtl, t.meta) }) };
  }
}

/**
 * Path prefix a token's policies see for a request namespace: '' for the token's own namespace,
 * 'child/' for a descendant, undefined when the request namespace is outside the token's.
 */
function relativeNamespace(tokenNs: string, requestNs: string): string | undefined {
  if (tokenNs === requestNs) return '';
  if (tokenNs === '') return `${requestNs}/`;
  if (requestNs.startsWith(`${tokenNs}/`)) return `${requestNs.slice(tokenNs.length + 1)}/`;
  return undefined;
}

