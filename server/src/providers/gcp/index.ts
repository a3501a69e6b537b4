/**
 * `provider: gcp` — Google Cloud Secret Manager through @google-cloud/secret-manager 6 (REST
 * transport), loaded lazily on first use. See gcpSession.ts for transport, credentials and time
 * bounds, gcpProvider.ts for the semantics of each method.
 *
 * Error mapping (every failure is a ProviderError; messages never hold a key, a token, a request
 * header or a secret value, and Google's own error text is never quoted nor read, except
 * google-auth-library's code-less errors before any request). Decisions come from the HTTP status,
 * the canonical status, the gRPC code, the google.rpc.ErrorInfo detail and the version's `state`:
 *
 * | Secret Manager / transport                          | kind              | details / message               |
 * |-----------------------------------------------------|-------------------|---------------------------------|
 * | 404 NOT_FOUND on the secret (GetSecret)             | not-found         | apiPath projects/P/secrets/S    |
 * | 404 on AccessSecretVersion, secret exists           | version-not-found | "has no version N" / "no versions yet" |
 * | 404 on access, secret existence unknown (denied)    | not-found         | "no secret S, or no version N"  |
 * | 400 FAILED_PRECONDITION on access, version state DISABLED (ListSecretVersions / GetSecretVersion) | disabled (describe: metadata.enabled false) | gcloud secrets versions enable |
 * | 400 FAILED_PRECONDITION on access, version state DESTROYED | destroyed     |                                 |
 * | 400 FAILED_PRECONDITION on access, state not readable | disabled         | says what could not be learned  |
 * | 403 ErrorInfo SERVICE_DISABLED                      | invalid-request   | gcloud services enable ... --project |
 * | 403 ErrorInfo ACCESS_TOKEN_SCOPE_INSUFFICIENT, 401 ACCESS_TOKEN_EXPIRED | unauthenticated |             |
 * | 403 ErrorInfo BILLING_DISABLED                      | invalid-request   |                                 |
 * | 403 PERMISSION_DENIED (ErrorInfo IAM_PERMISSION_DENIED: its metadata.permission) | permission-denied | "needs <permission> on <resource>": |
 * |   access → secretmanager.versions.access on projects/P/secrets/S; list → secretmanager.secrets.list |
 * |   on projects/P; metadata → secretmanager.secrets.get / secretmanager.versions.list; write →   |
 * |   secretmanager.versions.add (+ secretmanager.versions.get for the CAS check)                  |
 * | 401 UNAUTHENTICATED                                 | unauthenticated   |                                 |
 * | no ADC / unreadable GOOGLE_APPLICATION_CREDENTIALS file / unusable key JSON / token endpoint 4xx | unauthenticated | |
 * | CAS: latest version ≠ cas (checked before adding)   | cas-conflict      | nothing written                 |
 * | other 4xx (INVALID_ARGUMENT, ALREADY_EXISTS, ...)   | invalid-request   |                                 |
 * | 429 RESOURCE_EXHAUSTED                              | unreachable       | cause "throttled (429)"         |
 * | 5xx (INTERNAL, UNAVAILABLE, ...)                    | unreachable       | cause "<status> from Secret Manager" |
 * | ECONNREFUSED                                        | unreachable       | cause "connection refused"      |
 * | transport timeout / call deadline                   | unreachable       | cause "timed out after N ms"    |
 * | TLS codes                                           | unreachable       | cause "TLS: <code>"             |
 * | ENOTFOUND / EAI_AGAIN                               | unreachable       | cause "DNS: host not found"     |
 * | ECONNRESET / EPIPE                                  | unreachable       | cause "connection reset"        |
 * | token endpoint / metadata server down               | unreachable       | "Could not get an access token" |
 * | 2xx body that is not the API's JSON / CRC32C mismatch | bad-response    |                                 |
 * | 3xx from the API or a token endpoint (not followed) | unreachable       | cause "redirect (HTTP N) to <target> not followed" |
 * | a body over 8 MiB (not read past the cap)           | unreachable       | cause "response larger than 8 MiB" |
 * | ListSecretVersions stopped by its page cap or deadline | unreachable    | cause "version listing cut short: ..." |
 * | ADC giving an access token, for an endpoint that is not Google's | invalid-request | nothing sent         |
 */
export { GcpProvider, GCP_SECRET_PERMISSIONS, type GcpProviderOptions, type GcpDescribeResult, type GcpWriteResult } from './gcpProvider';
export type { GcpCredential, GcpTesting } from './gcpSession';
export { crc32c } from './crc32c';
