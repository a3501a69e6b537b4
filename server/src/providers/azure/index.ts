/**
 * `provider: azure` — Azure Key Vault secrets through @azure/keyvault-secrets (and @azure/identity
 * for the client-secret and environment credentials), both loaded lazily.
 *
 * Error mapping (every failure is a ProviderError; messages never hold a token, client secret,
 * request header, response body or secret value; `details.apiPath` is `secrets[/<name>[/<version>|/versions]]`):
 *
 * | Key Vault / Entra / transport                               | kind              | details.cause                  |
 * |-------------------------------------------------------------|-------------------|--------------------------------|
 * | 404 SecretNotFound (no version pinned, or no such secret)    | not-found         |                                |
 * | 404 for a pinned version of an existing secret               | version-not-found |                                |
 * | 403 on a disabled secret ("Operation get is not allowed...") | describe/metadata: `enabled: false` (`disabled: true`), no error; keys/readValue: invalid-request | `secret disabled` |
 * | 403 ForbiddenByRbac / AccessDenied / other                   | permission-denied | message names the missing role / access-policy permission (Get, List, Set) |
 * | 403 ForbiddenByFirewall                                      | permission-denied | `firewall`                     |
 * | 401 after the token was sent (expired, revoked, wrong tenant)| unauthenticated   |                                |
 * | access token past `expiresOnTimestamp` (no call made)        | unauthenticated   |                                |
 * | Entra refused the client credentials (invalid_client ...)    | unauthenticated   | message: OAuth error + AADSTS code |
 * | EnvironmentCredential without its variables                  | unauthenticated   | message names the unset variables |
 * | token endpoint unreachable                                   | unreachable       | `connection refused`, ...      |
 * | 409 deleted but recoverable (write)                          | deleted           |                                |
 * | other 4xx                                                    | invalid-request   |                                |
 * | 429 (not retried)                                            | unreachable       | `throttled (429)`              |
 * | 5xx (retried once)                                           | unreachable       | `<status> from Key Vault`      |
 * | ECONNREFUSED                                                 | unreachable       | `connection refused`           |
 * | no answer within timeoutMs                                   | unreachable       | `timed out after N ms`         |
 * | TLS failures                                                 | unreachable       | `TLS: <code>`                  |
 * | ENOTFOUND / EAI_AGAIN                                        | unreachable       | `DNS: host not found`          |
 * | ECONNRESET / EPIPE                                           | unreachable       | `connection reset`             |
 * | 2xx body that is not JSON / not a Key Vault shape            | bad-response      |                                |
 * | a nextLink pointing outside the vault origin (not sent)      | bad-response      |                                |
 * | 3xx from the vault or Entra ID (not followed)                | unreachable       | `redirect (HTTP N) to <target> not followed` |
 * | a body over 8 MiB (not read past the cap)                    | unreachable       | `response larger than 8 MiB`   |
 * | a versions listing stopped by its page cap or deadline       | unreachable       | `version listing cut short: ...` |
 * | a 401 challenge naming a resource other than Key Vault       | unreachable       | no token sent                  |
 *
 * Check-and-set: see AzureProvider.write — a check of the latest version before the write, not atomic.
 */
export { AzureProvider, type AzureProviderOptions, type AzureDescription } from './azureProvider';
export type { AzureCredential } from './credentials';
export type { AzureTestingOptions } from './session';
