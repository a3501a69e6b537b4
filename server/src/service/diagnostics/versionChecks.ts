import type { Located, Problem, Provider } from '../model/types';

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** `invalid-version` for a HashiCorp pin: a positive integer, and only on KV v2. */
export function checkHashicorpVersion(version: Located<unknown> | undefined, kvVersion: 1 | 2 | undefined, problems: Problem[]): void {
  if (!version) return;
  if (!isPositiveInteger(version.value)) {
    problems.push({ code: 'invalid-version', span: version.span, message: 'A KV v2 version pin is a positive integer, e.g. `version: 3`.' });
  } else if (kvVersion === 1) {
    problems.push({ code: 'invalid-version', span: version.span, message: 'KV v1 keeps no versions: remove `version`, or move the secret to a KV v2 engine.' });
  }
}

/** `invalid-version` for a pin of another provider, as that provider names versions. */
export function checkProviderVersion(version: Located<unknown> | undefined, provider: Provider, problems: Problem[]): void {
  if (!version) return;
  const value = version.value;
  const fail = (message: string) => problems.push({ code: 'invalid-version', span: version.span, message });
  switch (provider) {
    case 'gcp':
      if (!isPositiveInteger(value) && value !== 'latest' && !(typeof value === 'string' && /^[1-9][0-9]*$/.test(value))) {
        fail('A Secret Manager version is a positive integer or `latest`.');
      }
      return;
    case 'local':
      if (!isPositiveInteger(value)) fail('A local vault version is a positive integer.');
      return;
    case 'aws':
      if (typeof value !== 'string' || value.trim() === '') fail('An AWS version is a version ID (text, a UUID); to pick a label use `version_stage`.');
      return;
    case 'azure':
      if (typeof value !== 'string' || value.trim() === '') fail('An Azure Key Vault version is its version ID (text).');
      return;
  }
}
