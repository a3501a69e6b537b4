/**
 * `provider: azure` — Azure Key Vault secrets through @azure/keyvault-secrets (and @azure/identity
 * for the client-secret and environment credentials), both loaded lazily.
 *
 * Error mapping (every failure is a ProviderError; messages never hold a token, client secret,
 * request header, response body or secret value; `details.apiPath` is `secrets[/<name>[/<version>|/versions]]`):
 *
 * | Key Vault / Entra / transport                               | kind              | details.cause                  |
 * |-------------------------------------------------------------|-------------------|--------------------------------|
 * Decisions come from the HTTP status, Key Vault's `error.code` and `error.innererror.code`, and
 * for SDK errors that are not REST errors from the raw 401 challenge (challenge.ts); no message text
 * is read.
 *
 * | 404 SecretNotFound (no version pinned, or no such secret)    | not-found         |                                |
 * | 404 SecretNotFound for a pinned version of an existing secret| version-not-found |                                |
 * | 404 with another error code, or without a Key Vault error    | unreachable       | `404 from Key Vault (<code>)` / `404 from <host> without a Key Vault error` |
 * | 403 innererror SecretDisabled                                | describe/metadata: `enabled: false` (`disabled: true`), no error; keys/readValue: disabled | `secret disabled` |
 * | 401 challenge the Azure SDK refuses (the vault host is not under the challenge's resource domain; a resource or authority that is not a URL) | invalid-request | the real cause and the vault_url to use |
 * | 401 without a usable challenge, no token sent (not Key Vault)| bad-response      | says no token was sent         |
 * | an SDK error that is not a REST error, before any answer     | unreachable       | `the Azure Key Vault client library failed before Key Vault answered (<name>)` |
 * | 403 ForbiddenByRbac / AccessDenied / other                   | permission-denied | message names the missing role / access-policy permission (Get, List, Set) |
 * | 403 ForbiddenByFirewall                                      | permission-denied | `firewall`                     |
 * | 401 after the token was sent (expired, revoked, wrong tenant)| unauthenticated   |                                |
 * | access token past `expiresOnTimestamp` (no call made)        | unauthenticated   |                                |
 * | Entra refused the client credentials (invalid_client ...)    | unauthenticated   | message: OAuth error + AADSTS code |
 * | EnvironmentCredential without its variables                  | unauthenticated   | message names the unset variables |
 * | token endpoint unreachable                                   | unreachable       | `connection refused`, ...      |
 * | 409 innererror ObjectIsDeletedButRecoverable (write)         | deleted (recover or purge: the az commands) |      |
 * | 409 innererror ObjectIsBeingRecovered (write)                | unreachable       | `secret being recovered (409)` |
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
