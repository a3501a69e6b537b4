/**
 * Environment isolation for provider tests: credentials and endpoints picked up from the
 * developer's environment (AWS_*, AZURE_*, GOOGLE_*, VAULT_*, proxies...) must not reach the SDKs.
 */

/** Deletes every environment variable whose name matches `pattern`. */
export function clearEnv(pattern: RegExp): void {
  for (const key of Object.keys(process.env)) if (pattern.test(key)) delete process.env[key];
}
