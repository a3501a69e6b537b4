/**
 * `provider: hashicorp` — HashiCorp Vault (KV v1 / v2) through node-vault, loaded lazily.
 *
 * Error mapping (every failure is a ProviderError; messages never hold a token, secret id,
 * request header or secret value, and include the HTTP status when there is one):
 *
 * | Vault / transport                                   | kind              | details                    |
 * |-----------------------------------------------------|-------------------|----------------------------|
 * | 403 "permission denied"                             | permission-denied | apiPath                    |
 * | 403 "invalid token" (AppRole: after one re-login)   | unauthenticated   | apiPath                    |
 * | 400/401/403 from the AppRole login                  | unauthenticated   | apiPath (auth/<mount>/login)|
 * | 404 with a deleted / destroyed KV v2 version        | deleted / destroyed | apiPath, deletionTime    |
 * | 404 for a pinned version the metadata does not have | version-not-found | apiPath                    |
 * | 404 otherwise                                       | not-found         | apiPath                    |
 * | 400 "check-and-set parameter ..."                   | cas-conflict      | apiPath                    |
 * | other 4xx                                           | invalid-request   | apiPath                    |
 * | 429, 5xx                                            | unreachable       | cause "Vault answered N"   |
 * | ECONNREFUSED                                        | unreachable       | cause "connection refused" |
 * | ECONNABORTED / ETIMEDOUT (and the call deadline)    | unreachable       | cause "timed out after N ms" |
 * | TLS codes (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_*, ...) | unreachable      | cause "TLS: <code>"        |
 * | ENOTFOUND / EAI_AGAIN                               | unreachable       | cause "DNS: host not found" |
 * | ECONNRESET / EPIPE                                  | unreachable       | cause "connection reset"   |
 * | 200 whose body is not a JSON object / wrong shape   | bad-response      | apiPath                    |
 */
export { HashicorpProvider, type HashicorpProviderOptions, type HashicorpTokenInfo, type MountInfo } from './hashicorpProvider';
export type { HashicorpCredential } from './vaultSession';
export type { TokenEvent, RenewTimers } from './tokenRenewer';
