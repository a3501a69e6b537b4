/**
 * Response shapes of the fake Key Vault and the fake Microsoft Entra token endpoint.
 *
 * Key Vault errors are `{"error": {"code", "message", "innererror"?: {"code"}}}`. The 403 bodies
 * follow the three ways a real vault refuses: Azure RBAC (innererror ForbiddenByRbac), an access
 * policy without the permission (innererror AccessDenied), the network firewall
 * (ForbiddenByFirewall); a disabled secret is 403 with innererror SecretDisabled.
 */
import type { SecretRecord, VersionRecord } from './store';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type KvOperation = 'list' | 'versions' | 'get' | 'set';
export type DenyReason = 'rbac' | 'access-policy' | 'firewall';

export const RESOURCE = 'https://vault.azure.net';
/**
 * What Key Vault puts in every 401 (the SDK's challenge policy reads it), e.g. (public cloud)
 * `WWW-Authenticate: Bearer authorization="https://login.windows.net/<tenant>", resource="https://vault.azure.net"`
 * with the body {"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}.
 * The resource is the Key Vault domain of the vault's cloud (vault.azure.cn in Azure China...).
 */
export const challengeHeader = (authority: string, resource: string): string => `Bearer authorization="${authority}", resource="${resource}"`;

export function kvError(status: number, code: string, message: string, innerCode?: string, headers?: Record<string, string>): Reply {
  return {
    status,
    body: { error: { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) } },
    ...(headers ? { headers } : {}),
  };
}

/** 404 SecretNotFound for a missing (or soft-deleted) secret and a missing version (Key Vault REST API, Get Secret). */
export const secretNotFound = (name: string, version?: string): Reply =>
  kvError(
    404,
    'SecretNotFound',
    `A secret with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );

export const badParameter = (message: string): Reply => kvError(400, 'BadParameter', message);

/**
 * A disabled secret or version: 403 Forbidden with innererror SecretDisabled (real answers quoted in
 * Azure/azure-sdk-for-js#24756 and ansible-collections/azure#1989).
 */
export const disabledSecret = (): Reply => kvError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');

const RBAC_ACTIONS: Record<KvOperation, string> = {
  get: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
  list: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
  versions: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
  set: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
};
const POLICY_PERMISSIONS: Record<KvOperation, string> = { get: 'get', list: 'list', versions: 'list', set: 'set' };

export function forbidden(op: KvOperation, reason: DenyReason, vaultName: string, resource: string): Reply {
  const caller = 'appid=00000000-0000-0000-0000-0000000000aa;oid=00000000-0000-0000-0000-0000000000bb;iss=https://sts.windows.net/00000000-0000-0000-0000-0000000000cc/';
  switch (reason) {
    case 'rbac':
      return kvError(
        403,
        'Forbidden',
        `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${caller}\r\nAction: '${RBAC_ACTIONS[op]}'\r\nResource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/microsoft.keyvault/vaults/${vaultName}${resource}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${vaultName};location=westeurope\r\n`,
        'ForbiddenByRbac',
      );
    case 'access-policy':
      return kvError(
        403,
        'Forbidden',
        `The user, group or application '${caller}' does not have secrets ${POLICY_PERMISSIONS[op]} permission on key vault '${vaultName};location=westeurope'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
        'AccessDenied',
      );
    case 'firewall':
      return kvError(
        403,
        'Forbidden',
        `Client address is not authorized and caller is not a trusted service.\r\nClient address: 127.0.0.1\r\nCaller: ${caller}\r\nVault: ${vaultName};location=westeurope`,
        'ForbiddenByFirewall',
      );
  }
}

function attributes(v: VersionRecord): Record<string, unknown> {
  return {
    enabled: v.enabled,
    ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
    ...(v.exp !== undefined ? { exp: v.exp } : {}),
    created: v.created,
    updated: v.updated,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: 90,
  };
}

/**
 * GET/PUT /secrets/{name}[/{version}]: the SecretBundle (with the value): azure-rest-api-specs
 * specification/keyvault/data-plane secrets.json SecretBundle (value, id, contentType, attributes,
 * tags); attributes per SecretAttributes (enabled, nbf, exp, created, updated, recoveryLevel,
 * recoverableDays; times in epoch seconds).
 */
export function secretBundle(base: string, r: SecretRecord, v: VersionRecord): Record<string, unknown> {
  return {
    value: v.value,
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    id: `${base}/secrets/${r.name}/${v.version}`,
    attributes: attributes(v),
    ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
  };
}

/** An item of GET /secrets (SecretItem: the latest version's attributes, no version in the id, no value; paged with nextLink). */
export function secretItem(base: string, r: SecretRecord, latest: VersionRecord): Record<string, unknown> {
  return {
    id: `${base}/secrets/${r.name}`,
    attributes: attributes(latest),
    ...(latest.contentType !== undefined ? { contentType: latest.contentType } : {}),
    ...(latest.tags !== undefined ? { tags: { ...latest.tags } } : {}),
  };
}

/** An item of GET /secrets/{name}/versions. */
export function versionItem(base: string, r: SecretRecord, v: VersionRecord): Record<string, unknown> {
  return {
    id: `${base}/secrets/${r.name}/${v.version}`,
    attributes: attributes(v),
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    ...(v.tags !== undefined ? { tags: { ...v.tags } } : {}),
  };
}

/** An OAuth 2.0 error of the Microsoft identity platform (`AADSTS` codes). */
export function oauthError(status: number, error: string, aadsts: number, description: string): Reply {
  const ts = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: 00000000-0000-0000-0000-000000000001 Correlation ID: 00000000-0000-0000-0000-000000000002 Timestamp: ${ts.replace('T', ' ')}`,
      error_codes: [aadsts],
      timestamp: ts.replace('T', ' '),
      trace_id: '00000000-0000-0000-0000-000000000001',
      correlation_id: '00000000-0000-0000-0000-000000000002',
    },
  };
}
