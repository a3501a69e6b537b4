/**
 * The auth client the Secret Manager client sends with (given to the SDK as `authClient`), built
 * here rather than by the SDK so that what a request carries depends on where it goes:
 *
 * - **Google's own endpoints** (the default secretmanager.googleapis.com, regional
 *   `*.rep.googleapis.com`, Private Service Connect `*.p.googleapis.com`, over https): exactly what
 *   the SDK sets up itself (secret_manager_service_client.js constructor; googleauth.js
 *   setGapicJWTValues): `useJWTAccessWithScope`, `defaultServicePath` secretmanager.googleapis.com,
 *   the cloud-platform scope as a default scope on the default endpoint and as the scope on another.
 *   A service account key then signs a self-signed JWT (jwtclient.js getRequestMetadataAsync,
 *   jwtaccess.js getRequestHeaders): `aud` https://secretmanager.googleapis.com/ on the default
 *   endpoint, a `scope` claim on the others; other credentials (ADC: authorized_user, external
 *   account, metadata server) send an OAuth access token.
 * - **Any other endpoint** (an emulator, a proxy, a test fake): the SDK would send the same JWT with
 *   the cloud-platform `scope` claim and no audience (the constructor sets `scopes` for a custom
 *   endpoint), which every Google API accepts for an hour (AIP-4111). Instead, a service account
 *   key signs a JWT whose only audience is that endpoint's origin (`aud` = `http(s)://host[:port]/`,
 *   no scope): Google's APIs check a self-signed JWT's audience against their own service name, so
 *   it is worth nothing anywhere else. An OAuth access token cannot be bound that way (it is valid
 *   at every Google API its scope allows), so credentials that only give one are refused for such
 *   an endpoint, with a message saying why.
 *
 * Every gaxios instance of the client sends through `boundedFetch` (transport.ts).
 */
import type { GaxiosOptions, GaxiosResponse } from 'gaxios';
import { MAX_RESPONSE_BYTES } from '../responseLimits';
import { boundTransporters, boundedFetch } from './transport';

export const SECRET_MANAGER_HOST = 'secretmanager.googleapis.com';
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

export interface AuthEndpoint {
  /** undefined = the SDK's default (secretmanager.googleapis.com). */
  host: string | undefined;
  port: number | undefined;
  protocol: 'https' | 'http';
}

/** Whether the endpoint is one of Google's own API hosts, over https. */
export function isGoogleEndpoint(endpoint: AuthEndpoint): boolean {
  if (endpoint.host === undefined) return true;
  const host = endpoint.host.toLowerCase().replace(/\.$/, '');
  return endpoint.protocol === 'https' && (host === 'googleapis.com' || host.endsWith('.googleapis.com'));
}

/** `scheme://host[:port]/` of an endpoint that is not Google's: the audience of its JWTs. */
export function audienceOf(endpoint: AuthEndpoint): string {
  const host = endpoint.host ?? SECRET_MANAGER_HOST;
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const defaultPort = endpoint.protocol === 'https' ? 443 : 80;
  const port = endpoint.port !== undefined && endpoint.port !== defaultPort ? `:${endpoint.port}` : '';
  return `${endpoint.protocol}://${shown}${port}/`;
}

/** What the SDK needs of an auth client: `getRequestHeaders` (checked for) and `fetch` (called). */
export interface SdkAuthClient {
  getRequestHeaders(url?: string): Promise<Headers>;
  fetch(url: string | URL, init?: Record<string, unknown>): Promise<GaxiosResponse>;
}

export interface AuthSetup {
  /** A service account key (parsed JSON); undefined = Application Default Credentials. */
  credentials: Record<string, unknown> | undefined;
  /**
   * The vault's project. Given to GoogleAuth so that it does not look one up while making the
   * client (googleauth.js #prepareAndCacheClient → findAndCacheProjectId: `gcloud`, the metadata
   * server, or, for an external account, a token exchange and a Resource Manager call).
   */
  projectId: string | undefined;
  endpoint: AuthEndpoint;
  timeoutMs: number;
  /**
   * The error for a credential that only gives an access token, at an endpoint that is not
   * Google's; `type` is the credential's kind (authorized_user, external_account, ...).
   */
  unboundCredential: (type: string) => Error;
}

/** The auth client for `setup` (see the module comment). Throws what google-auth-library throws for unusable credentials. */
export async function createAuthClient(setup: AuthSetup): Promise<SdkAuthClient> {
  const gal = await import('google-auth-library');
  const transport: GaxiosOptions = {
    timeout: setup.timeoutMs,
    fetchImplementation: boundedFetch(MAX_RESPONSE_BYTES) as unknown as NonNullable<GaxiosOptions['fetchImplementation']>,
  };
  const google = isGoogleEndpoint(setup.endpoint);
  const custom = setup.endpoint.host !== undefined && setup.endpoint.host !== SECRET_MANAGER_HOST;
  const auth = new gal.GoogleAuth({
    ...(setup.credentials ? { credentials: setup.credentials } : {}),
    ...(setup.projectId ? { projectId: setup.projectId } : {}),
    ...(google && custom ? { scopes: [CLOUD_PLATFORM] } : {}),
    clientOptions: { transporterOptions: transport },
  });
  if (google) {
    auth.useJWTAccessWithScope = true;
    auth.defaultServicePath = SECRET_MANAGER_HOST;
    if (!custom) auth.defaultScopes = [CLOUD_PLATFORM];
  }
  const client = await auth.getClient();
  boundTransporters(client, transport as Record<string, unknown>);
  if (google) {
    return {
      getRequestHeaders: (url?: string) => client.getRequestHeaders(url),
      fetch: (url, init) => client.fetch(url, init) as Promise<GaxiosResponse>,
    };
  }
  const jwt = client as { email?: unknown; key?: unknown; keyId?: unknown };
  if (typeof jwt.email !== 'string' || typeof jwt.key !== 'string') {
    throw setup.unboundCredential(credentialType(gal, client));
  }
  const access = new gal.JWTAccess(jwt.email, jwt.key, typeof jwt.keyId === 'string' ? jwt.keyId : undefined);
  const audience = audienceOf(setup.endpoint);
  const transporter = new gal.gaxios.Gaxios(transport);
  const headers = async (): Promise<Headers> => new Headers(await access.getRequestHeaders(audience));
  return {
    getRequestHeaders: headers,
    fetch: async (url, init = {}) => {
      const merged = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
      for (const [k, v] of await headers()) merged.set(k, v);
      return transporter.fetch(url, { ...init, headers: merged });
    },
  };
}

/** The kind of an auth client that holds no service account key, for messages. */
function credentialType(gal: typeof import('google-auth-library'), client: unknown): string {
  if (client instanceof gal.UserRefreshClient) return 'authorized_user';
  if (client instanceof gal.Compute) return 'the metadata server';
  if (client instanceof gal.Impersonated) return 'impersonated_service_account';
  if (client instanceof gal.ExternalAccountAuthorizedUserClient) return 'external_account_authorized_user';
  if (client instanceof gal.BaseExternalAccountClient) return 'external_account';
  return 'an access token';
}
