import { DiagnosticSeverity } from 'vscode-languageserver-types';

/**
 * Every diagnostic code the product reports. Users filter and suppress by these names,
 * so a code is never renamed: add a new one instead.
 */
export const diagnosticCodes = {
  'yaml-syntax': { severity: DiagnosticSeverity.Error, summary: 'The file is not valid YAML.' },
  'unreadable-file': { severity: DiagnosticSeverity.Error, summary: 'The file is binary or not UTF-8 text.' },
  'file-too-large': { severity: DiagnosticSeverity.Warning, summary: 'The file is larger than secretRefs.files.maxSizeKb and was not checked.' },
  'invalid-config': { severity: DiagnosticSeverity.Error, summary: 'A vault configuration or connection breaks its schema.' },
  'credential-in-config': { severity: DiagnosticSeverity.Error, summary: 'A credential field sits in a vault configuration.' },
  'malformed-reference': { severity: DiagnosticSeverity.Error, summary: 'A vault.secret(...) reference cannot be parsed.' },
  'unknown-vault': { severity: DiagnosticSeverity.Error, summary: 'No vault configuration with that name exists in the workspace folder.' },
  'duplicate-vault': { severity: DiagnosticSeverity.Error, summary: 'Two vault configurations in one workspace folder share a name.' },
  'vault-disabled': { severity: DiagnosticSeverity.Warning, summary: 'The vault configuration is disabled (enabled: false).' },
  'no-attached-secret': { severity: DiagnosticSeverity.Error, summary: 'vault.secret(KEY) is used in a connection with no attached secret.' },
  'ambiguous-reference': { severity: DiagnosticSeverity.Error, summary: 'vault.secret(KEY) in a connection with several attached secrets does not name one by its alias.' },
  'unknown-alias': { severity: DiagnosticSeverity.Error, summary: 'A reference names an alias that no attached secret has.' },
  'unknown-engine': { severity: DiagnosticSeverity.Error, summary: 'The engine is not among the engines the vault declares.' },
  'kv2-missing-data-prefix': { severity: DiagnosticSeverity.Error, summary: 'A KV v2 secret path lacks the data/ prefix.' },
  'kv1-unexpected-data-prefix': { severity: DiagnosticSeverity.Warning, summary: 'A KV v1 secret path starts with data/.' },
  'kv2-non-data-path': { severity: DiagnosticSeverity.Error, summary: 'A KV v2 path under metadata/, delete/, destroy/, undelete/ or subkeys/ is not a readable secret.' },
  'engine-in-path': { severity: DiagnosticSeverity.Warning, summary: 'The secret path repeats the engine path.' },
  'invalid-version': { severity: DiagnosticSeverity.Error, summary: 'A version pin is not valid for the engine or provider.' },
  'unused-secret': { severity: DiagnosticSeverity.Hint, summary: 'An attached secret that no reference uses.' },
  'secret-not-found': { severity: DiagnosticSeverity.Error, summary: 'Live: the secret does not exist in the secret manager.' },
  'secret-deleted': { severity: DiagnosticSeverity.Error, summary: 'Live: the secret version is soft-deleted (KV v2); it can be undeleted.' },
  'secret-destroyed': { severity: DiagnosticSeverity.Error, summary: 'Live: the secret version is destroyed (KV v2) and cannot be read again.' },
  'version-not-found': { severity: DiagnosticSeverity.Error, summary: 'Live: the pinned version does not exist.' },
  'unknown-key': { severity: DiagnosticSeverity.Error, summary: 'Live: the secret has no such key.' },
  'permission-denied': { severity: DiagnosticSeverity.Error, summary: 'Live: the credentials may not read the secret.' },
  'vault-unreachable': { severity: DiagnosticSeverity.Warning, summary: 'Live: the secret manager could not be reached or answered with an error.' },
  'tls-verification-disabled': { severity: DiagnosticSeverity.Warning, summary: 'tls_skip_verify: true: the identity of the Vault server is not checked.' },
  'not-json': { severity: DiagnosticSeverity.Error, summary: 'Live: a key is asked of a plain-text (non-JSON) secret.' },
  'secret-disabled': { severity: DiagnosticSeverity.Error, summary: 'Live: the secret or its version is disabled, destroyed, or scheduled for deletion.' },
  'secret-expired': { severity: DiagnosticSeverity.Error, summary: 'Live: the secret has expired.' },
  'secret-expiring': { severity: DiagnosticSeverity.Warning, summary: 'Live: the secret expires within secretRefs.live.expiryWarningDays.' },
  'missing-credential-field': { severity: DiagnosticSeverity.Error, summary: 'A connection with `auth` lacks a field that kind of authentication needs.' },
  'credential-expired': { severity: DiagnosticSeverity.Error, summary: 'The connection\'s `expires` date has passed.' },
  'credential-expiring': { severity: DiagnosticSeverity.Warning, summary: 'The connection\'s `expires` date falls within secretRefs.live.expiryWarningDays.' },
  'hardcoded-credential': { severity: DiagnosticSeverity.Error, summary: 'A literal secret in a connection file: move it to a vault.' },
  'engine-unverified': { severity: DiagnosticSeverity.Warning, summary: 'The vault declares no engines and the engine\'s mount and KV version could not be learned (offline, or a token that may not read them) nor settled by reading the secret.' },
  'declared-engine-mismatch': { severity: DiagnosticSeverity.Warning, summary: 'Live: an engine declaration contradicts the server (other KV version, or not mounted).' },
  'untrusted-address': { severity: DiagnosticSeverity.Warning, summary: 'Live: a credential from the environment was not sent to the vault\'s address, which is not trusted.' },
} as const;

export type DiagnosticCode = keyof typeof diagnosticCodes;

export const allDiagnosticCodes = Object.keys(diagnosticCodes) as DiagnosticCode[];

export function isDiagnosticCode(value: string): value is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(diagnosticCodes, value);
}

/** The `source` field of every diagnostic the product reports. */
export const diagnosticSource = 'secretrefs';
