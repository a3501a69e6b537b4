import type { DiagnosticCode } from '../service/diagnostics/codes';

/**
 * How to fix each diagnostic, in Markdown (the plain-text help is derived from it). A code that is
 * missing here still gets a rule, with a generic pointer to the README.
 */
export const diagnosticHelp: Partial<Record<DiagnosticCode, string>> = {
  'yaml-syntax': 'Fix the YAML at the reported position: an unclosed quote or bracket, wrong indentation, a duplicate key, or nesting too deep to check.',
  'unreadable-file': 'Save the file as UTF-8 text. A binary file, or one in another encoding, cannot be checked.',
  'file-too-large': 'The file was not checked. Split it, or raise `secretRefs.files.maxSizeKb` (CLI: `--max-size-kb`).',
  'invalid-config':
    'Correct the field the message names: add a missing `name` or `provider`, remove an unknown field or a field of another provider, fix the type of a value, give a HashiCorp attachment both `engine` and `path`, or make aliases unique.',
  'credential-in-config':
    'Remove the field, and rotate the credential if the file was ever committed. Credentials belong in the editor\'s secret storage or the provider\'s environment (`VAULT_TOKEN`, `VAULT_SECRET_ID`, ...), never in a vault configuration.',
  'malformed-reference':
    'Write the reference as `vault.secret(KEY)`, `vault.secret(ALIAS.KEY)` or `vault.secret(VAULT:PATH.KEY)`, closed by `)`, with no blanks or quotes inside.',
  'unknown-vault': 'Use the name of a vault configuration of the same workspace folder (the message suggests the nearest one), or add a `*.vault.yaml` file with that name.',
  'duplicate-vault': 'Rename one of the vault configurations: names are unique within a workspace folder.',
  'vault-disabled': 'Attach the secret to an enabled vault, or set `enabled: true` in the vault configuration if it is in use again.',
  'no-attached-secret': 'Attach a secret under `vault_secrets`, or name the secret inline: `vault.secret(VAULT:PATH.KEY)`.',
  'ambiguous-reference': 'Give each attached secret an `alias` and name it in the reference: `vault.secret(ALIAS.KEY)`.',
  'unknown-alias': 'Use one of the aliases under `vault_secrets` (the message lists them and suggests the nearest).',
  'unknown-engine': 'Use an engine the vault declares under `engines:` (live: one mounted on the server), or declare the engine in the vault configuration.',
  'kv2-missing-data-prefix':
    'Insert `data/` between the engine and the path: `path: data/oracle`, or inline `vault.secret(prod:secret/data/oracle.password)`. The KV v2 API reads a secret at `ENGINE/data/PATH`.',
  'kv1-unexpected-data-prefix':
    'Remove `data/`: a KV v1 engine has no `data/` segment. If `data` is a real folder of the engine, silence the line with `# secretrefs-disable-next-line kv1-unexpected-data-prefix`.',
  'kv2-non-data-path': 'Replace `metadata/`, `delete/`, `destroy/`, `undelete/` or `subkeys/` with `data/`: those are KV v2 APIs, not readable secrets.',
  'engine-in-path': 'Drop the engine from the path: with `engine: secret` write `path: data/x`, not `path: secret/data/x`.',
  'invalid-version':
    'Pin a positive integer (HashiCorp KV v2, local), a positive integer or `latest` (GCP), or a version id (AWS, Azure); remove the pin on a KV v1 engine.',
  'unused-secret': 'Read the attached secret with a `vault.secret(...)` reference, or remove the attachment.',
  'secret-not-found': 'Create the secret at the API path the message shows, or correct the engine, path or name.',
  'secret-deleted': 'Undelete the version (`vault kv undelete -versions=N ...`), or pin or write another version.',
  'secret-destroyed': 'Pin another version, or write a new one: a destroyed version cannot be recovered.',
  'version-not-found': 'Pin a version that exists (the hover lists them), or remove the pin.',
  'unknown-key': 'Use a key the secret has (the message lists them and suggests the nearest), or add the key to the secret.',
  'permission-denied':
    'Grant the credential what the message names: for Vault a policy such as `path "secret/data/oracle" { capabilities = ["read"] }`; AWS `secretsmanager:GetSecretValue`; Azure the Key Vault Secrets User role; GCP `secretmanager.versions.access`. If the token was rejected, sign in again.',
  'vault-unreachable':
    'Check what the message names: the address, the network, TLS (`ca_certificate`), the HTTP status, or the credentials; for the local vault, its key `SECRETREFS_LOCAL_KEY`.',
  'tls-verification-disabled': 'Remove `tls_skip_verify: true` and name the server\'s certificate authority with `ca_certificate`.',
  'not-json': 'Read the plain-text secret whole with `*`: `vault.secret(*)` or `vault.secret(ALIAS.*)`.',
  'secret-disabled': 'Enable the secret or its version, cancel the scheduled deletion, or pin an enabled version.',
  'secret-expired': 'Rotate the secret and give it a new expiry date.',
  'secret-expiring': 'Rotate the secret before it expires, or move its expiry date.',
  'missing-credential-field':
    'Add the field the message names for the connection\'s `auth` kind (basic: `username`, `password`; api_key: `key`; aws: `access_key_id`, `secret_access_key`, `region`; oauth2: `client_id`, `client_secret`, `token_url`), preferably as a `vault.secret(...)` reference.',
  'credential-expired': 'Rotate the credential and update `expires` in the connection.',
  'credential-expiring': 'Rotate the credential before its `expires` date, then update the date.',
  'hardcoded-credential':
    'Move the value to a vault (code action **Move to vault...**) and replace it with a `vault.secret(...)` reference. Rotate the credential if the file was ever committed.',
  'declared-engine-mismatch': 'Correct the `engines:` declaration to match the server: its KV version, or remove an engine that is not mounted.',
  'untrusted-address':
    'If you trust the address the message names, pass `--trust-address URL` (repeatable), add it to `SECRETREFS_TRUSTED_ADDRESSES` (comma-separated), or list it in the language server\'s `trustedAddresses` initialization option. Otherwise fix the vault configuration\'s `url`, `vault_url` or `endpoint`: credentials from the environment go only to the cloud providers\' own endpoints, `VAULT_ADDR` and the addresses you trust.',
};

export const fallbackHelp = 'See the Diagnostics section of the Secret References README for what this code means and how to fix it.';

/** Markdown help as plain text: no code spans, no emphasis. */
export function plainText(markdown: string): string {
  return markdown.replace(/\*\*(.*?)\*\*/g, '$1').replace(/`/g, '');
}
