/**
 * Credentials the fake Secret Manager accepts: service accounts whose keys it generated (the SDK
 * signs a self-signed JWT with the key and sends it as the bearer token: RS256, `kid` = key id,
 * `iss` = `sub` = client email, `iat`/`exp` one hour apart) and opaque bearer tokens registered by
 * tests.
 *
 * A self-signed JWT is accepted as Google's APIs accept one (AIP-4111, "Self-signed JWT"): with
 * the cloud-platform `scope` claim, or with an `aud` naming the service. The service is
 * https://secretmanager.googleapis.com/ and, since the fake stands where a custom endpoint does,
 * its own origin (`acceptAudience`); a JWT for another audience is refused, as Google refuses one
 * made for another service.
 */
import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';

export interface ServiceAccount {
  email: string;
  keyId: string;
  publicKey: KeyObject;
  /** The key JSON a user would download from the console (private key included). */
  json: string;
}

export type Verdict = { ok: true; principal: string } | { ok: false; reason: string };

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
const ALLOWED_SKEW_S = 300;

function b64urlJson(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** RSA key generation takes ~0.2 s: one key pair serves every account unless a fresh one is asked for. */
let sharedKey: KeyObject | undefined;
function rsaKey(fresh: boolean): KeyObject {
  if (!fresh && sharedKey) return sharedKey;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (!fresh) sharedKey = privateKey;
  return privateKey;
}

export class CredentialStore {
  private readonly accounts = new Map<string, ServiceAccount>();
  private readonly tokens = new Map<string, string>();
  private readonly audiences = new Set<string>(['https://secretmanager.googleapis.com/', 'https://secretmanager.googleapis.com']);

  /** Accepts self-signed JWTs whose `aud` is `audience` (the fake's own origin, with a trailing slash). */
  acceptAudience(audience: string): void {
    this.audiences.add(audience);
  }

  /** Creates a service account key (RSA 2048) trusted by the fake; `freshKey`: not the shared key pair. */
  createServiceAccount(projectId: string, email: string, tokenUri: string, freshKey = false): ServiceAccount {
    const privateKey = rsaKey(freshKey);
    const keyId = randomBytes(20).toString('hex');
    const json = JSON.stringify(
      {
        type: 'service_account',
        project_id: projectId,
        private_key_id: keyId,
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        client_email: email,
        client_id: '100000000000000000001',
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: tokenUri,
        universe_domain: 'googleapis.com',
      },
      null,
      2,
    );
    const account = { email, keyId, publicKey: createPublicKey(privateKey), json };
    this.accounts.set(email, account);
    return account;
  }

  /** Stops trusting a service account's key (as if the key were deleted). */
  revokeServiceAccount(email: string): void {
    this.accounts.delete(email);
  }

  addToken(token: string, principal: string): void {
    this.tokens.set(token, principal);
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  /** Checks an Authorization header value; `nowS`: the fake's clock in seconds. */
  check(authorization: string | undefined, nowS: number): Verdict {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return { ok: false, reason: 'no bearer token' };
    const token = m[1]!;
    const opaque = this.tokens.get(token);
    if (opaque !== undefined) return { ok: true, principal: opaque };
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'unknown token' };
    const header = b64urlJson(parts[0]!);
    const claims = b64urlJson(parts[1]!);
    if (!header || !claims || header.alg !== 'RS256') return { ok: false, reason: 'malformed JWT' };
    const account = typeof claims.iss === 'string' ? this.accounts.get(claims.iss) : undefined;
    if (!account || header.kid !== account.keyId) return { ok: false, reason: 'unknown key' };
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verify('RSA-SHA256', signed, account.publicKey, Buffer.from(parts[2]!, 'base64url'))) return { ok: false, reason: 'bad signature' };
    if (claims.sub !== account.email) return { ok: false, reason: 'bad subject' };
    const exp = typeof claims.exp === 'number' ? claims.exp : 0;
    const iat = typeof claims.iat === 'number' ? claims.iat : Infinity;
    if (exp <= nowS || iat > nowS + ALLOWED_SKEW_S) return { ok: false, reason: 'expired' };
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    const audOk = typeof claims.aud === 'string' && this.audiences.has(claims.aud);
    // A self-signed JWT authorizes either by `aud` (the API's own address) or by `scope`
    // (https://developers.google.com/identity/protocols/oauth2/service-account#jwt-auth): one
    // with neither a matching audience nor a scope is not a credential for this API at all (401);
    // one with scopes that do not include cloud-platform lacks scope (403).
    if (!audOk && scopes.length === 0) return { ok: false, reason: 'wrong audience' };
    if (!scopes.includes(CLOUD_PLATFORM) && !audOk) return { ok: false, reason: 'wrong scope' };
    return { ok: true, principal: `serviceAccount:${account.email}` };
  }
}

/** A self-signed service-account JWT like the SDK's (RS256, `kid`, iss = sub = email, one hour), with `claims` added. */
export function signServiceAccountJwt(sa: ServiceAccount, claims: Record<string, unknown>): string {
  const key = JSON.parse(sa.json) as { private_key: string };
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = `${enc({ alg: 'RS256', typ: 'JWT', kid: sa.keyId })}.${enc({ iss: sa.email, sub: sa.email, iat: now, exp: now + 3600, ...claims })}`;
  return `${head}.${sign('RSA-SHA256', Buffer.from(head), createPrivateKey(key.private_key)).toString('base64url')}`;
}
