/**
 * The environment of a language server started by the VS Code client. The server gets what it
 * needs to run and to find configuration, never the extension host's credentials: those reach it
 * only sealed, through `secretRefs/credential`, for an address the user approved.
 */

/** Variables that hold credentials, or that point the cloud SDKs at them. Never passed, and removed by the server. */
export const credentialVariables = [
  'VAULT_TOKEN',
  'VAULT_ROLE_ID',
  'VAULT_SECRET_ID',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  'AZURE_USERNAME',
  'AZURE_PASSWORD',
  'AZURE_FEDERATED_TOKEN_FILE',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'SECRETREFS_LOCAL_KEY',
] as const;

/**
 * What the server process may inherit: the platform's basics (paths, locale, temporary folder,
 * Windows system variables), proxies and extra CAs (the user's network), and configuration that is
 * not a credential (VAULT_ADDR, VAULT_NAMESPACE, VAULT_CACERT, the AWS region and shared-file
 * locations, the local vault's folder).
 */
export const serverVariables: readonly string[] = [
  'PATH',
  'Path',
  'PATHEXT',
  'HOME',
  'USERPROFILE',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
  'SystemRoot',
  'SYSTEMROOT',
  'windir',
  'ComSpec',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  'XDG_STATE_HOME',
  'XDG_RUNTIME_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'VAULT_ADDR',
  'VAULT_NAMESPACE',
  'VAULT_CACERT',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'CLOUDSDK_CONFIG',
  'SECRETREFS_LOCAL_DIR',
];

/**
 * The server's environment from the extension host's: the variables above, every other one set to
 * undefined. vscode-languageclient merges the options' `env` over the host's whole `process.env`
 * (getEnvironment in vscode-languageclient/lib/node/main.js), and Node drops undefined entries when
 * it spawns (normalizeSpawnArguments), so an undefined entry is how a variable is kept out.
 * `AWS_EC2_METADATA_DISABLED`: the AWS SDK never probes the instance metadata service from here.
 */
export function serverEnvironment(hostEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const allowed = new Set(serverVariables);
  const env: NodeJS.ProcessEnv = {};
  for (const key of Object.keys(hostEnv)) env[key] = allowed.has(key) ? hostEnv[key] : undefined;
  env.AWS_EC2_METADATA_DISABLED = 'true';
  return env;
}

/** Removes the credential variables from an environment (the server's own, when the VS Code client started it). */
export function scrubCredentialVariables(env: NodeJS.ProcessEnv): void {
  for (const key of credentialVariables) delete env[key];
}
