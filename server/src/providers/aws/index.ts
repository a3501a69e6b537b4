/**
 * `provider: aws` — AWS Secrets Manager through @aws-sdk/client-secrets-manager (and
 * @smithy/node-http-handler), both loaded on the first call.
 *
 * Error mapping (every failure is a ProviderError; messages never hold a credential, a request
 * header or a secret value, and AWS's own message text is never quoted). Decisions come from the
 * error type (`name`), the HTTP status (`$metadata.httpStatusCode`) and DescribeSecret's fields;
 * AWS's text is read only for facts it has no field for (marked "text"), and never shown.
 * `details.apiPath` is the IAM action of the failed call (`secretsmanager:GetSecretValue`).
 *
 * | AWS / transport                                              | kind              | details.cause              |
 * |--------------------------------------------------------------|-------------------|----------------------------|
 * | ResourceNotFoundException, DescribeSecret finds no secret    | not-found         |                            |
 * | ResourceNotFoundException, DescribeSecret finds the secret (a pin, or AWSCURRENT, names no version) | version-not-found | |
 * | ResourceNotFoundException, DescribeSecret refused: text "... secret value for VersionId / staging label" | version-not-found | |
 * | ResourceNotFoundException, DescribeSecret refused, other text | not-found ("which one could not be told") |  |
 * | InvalidRequestException on GetSecretValue / PutSecretValue, DescribeSecret DeletedDate set | disabled (deletionTime; describe(): metadata.deletionDate, no error) | |
 * | InvalidRequestException, DescribeSecret: the VersionId does not carry the VersionStage | version-not-found | |
 * | InvalidRequestException, DescribeSecret refused or without DeletedDate | disabled (says what could not be learned) | |
 * | AccessDeniedException (the action its text names, else the call's) | permission-denied | |
 * | AccessDeniedException whose text names KMS only ("Access to KMS is not allowed") | permission-denied (kms:Decrypt) | |
 * | DecryptionFailure (KMS)                                      | permission-denied (kms:Decrypt) |              |
 * | 403 without an AWS error type (proxy, endpoint policy)       | permission-denied |                            |
 * | UnrecognizedClientException, InvalidSignatureException (text: "scoped to a valid region"), ExpiredToken(Exception), IncompleteSignature, MissingAuthenticationToken, ... | unauthenticated | |
 * | no credentials in the default chain (CredentialsProviderError; TokenProviderError = SSO) | unauthenticated | |
 * | ThrottlingException / TooManyRequests / HTTP 429             | unreachable       | throttled (429) / throttled (ThrottlingException) |
 * | InternalServiceError, any 5xx (also with a non-JSON body)    | unreachable       | `<status> from Secrets Manager` |
 * | 404 with a non-JSON body (wrong endpoint)                    | unreachable       | 404 from Secrets Manager   |
 * | ECONNREFUSED                                                 | unreachable       | connection refused         |
 * | request timeout / deadline (2 × timeoutMs + 800 ms)          | unreachable       | timed out after N ms       |
 * | ENOTFOUND / EAI_AGAIN                                        | unreachable       | DNS: host not found        |
 * | ECONNRESET / EPIPE                                           | unreachable       | connection reset           |
 * | TLS codes (CERT_*, ERR_TLS_*, ...)                           | unreachable       | TLS: <code>                |
 * | 2xx / 4xx whose body is not AWS JSON; wrong shape; NextToken loop | bad-response |                            |
 * | 3xx (not followed)                                           | unreachable       | redirect (HTTP N) to <target> not followed |
 * | a body over 8 MiB (not read past the cap)                    | unreachable       | response larger than 8 MiB |
 * | ListSecretVersionIds stopped by its page cap or deadline     | unreachable       | version listing cut short: ... |
 * | ValidationException, InvalidParameterException, ResourceExistsException, ... | invalid-request | |
 * | a DescribeSecret AWSCURRENT differing from the `cas` given to write() | cas-conflict |                   |
 *
 * Check-and-set: Secrets Manager has none. write() sends a random ClientRequestToken (idempotency:
 * a retried request cannot create a second version) and, when `cas` is given, compares it with the
 * current AWSCURRENT VersionId right before PutSecretValue — a non-atomic check (see write()).
 */
export { AwsProvider, type AwsProviderOptions, type AwsSecretLocator, type AwsDescribeResult } from './awsProvider';
export { type AwsSecretMetadata, looksLikeVersionId } from './convert';
