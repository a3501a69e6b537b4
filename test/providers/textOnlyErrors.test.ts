/**
 * The few failures that carry no code or field, only text: each is recognised from several
 * wordings, and each test expects exactly one kind.
 *
 * - google-auth-library's own errors before any request (plain Errors: googleauth.ts, jwtclient.ts).
 * - The AWS SDK's SSO credential failures (CredentialsProviderError with "SSO" in its text; the SSO
 *   token provider throws TokenProviderError, told by its name).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { toFailure as awsFailure, toProviderError as awsError } from '../../server/src/providers/aws/errors';
import { toFailure as gcpFailure, toProviderError as gcpError } from '../../server/src/providers/gcp/errors';

const gcpCtx = { vaultName: 'g', origin: 'secretmanager.googleapis.com', resource: 'projects/p/secrets/s', permission: 'secretmanager.versions.access', timeoutMs: 1000 };
const awsCtx = { vaultName: 'a', where: 'region us-east-1', operation: 'GetSecretValue' as const, secret: 's', timeoutMs: 1000, profile: 'dev' };

describe('google-auth-library errors (text only)', () => {
  const cases: Array<[string, RegExp]> = [
    ['Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.', /No Application Default Credentials/],
    ['Unable to detect a Project Id in the current environment. To learn more about authentication and Google APIs, visit: https://cloud.google.com/docs/authentication/getting-started', /No Application Default Credentials/],
    ['The file at /tmp/missing.json does not exist, or it is not a file. ENOENT: no such file or directory', /GOOGLE_APPLICATION_CREDENTIALS cannot be read/],
    ['The incoming JSON object does not contain a client_email field', /not a usable Google Cloud key JSON/],
    ['The incoming JSON object does not contain a private_key field', /not a usable Google Cloud key JSON/],
    ['Must pass in a JSON object containing the Google auth settings.', /not a usable Google Cloud key JSON/],
  ];
  for (const [text, expected] of cases) {
    it(`"${text.slice(0, 60)}…" is unauthenticated`, () => {
      const e = gcpError(gcpFailure(new Error(text)), gcpCtx);
      assert.equal(e.kind, 'unauthenticated');
      assert.match(e.message, expected);
      assert.ok(!e.message.includes(text), 'the library text is not quoted');
    });
  }
});

describe('AWS SDK credential errors', () => {
  for (const text of [
    'The SSO session associated with this profile is invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
    'Token is expired. To refresh this SSO session run \'aws sso login\' with the corresponding profile.',
  ]) {
    it(`CredentialsProviderError "${text.slice(0, 50)}…" says to run aws sso login`, () => {
      const e = awsError(awsFailure(Object.assign(new Error(text), { name: 'CredentialsProviderError' })), awsCtx);
      assert.equal(e.kind, 'unauthenticated');
      assert.match(e.message, /aws sso login --profile dev/);
    });
  }

  it('TokenProviderError (the SSO token provider) is SSO by its name, whatever the text', () => {
    const e = awsError(awsFailure(Object.assign(new Error('Something else.'), { name: 'TokenProviderError' })), awsCtx);
    assert.equal(e.kind, 'unauthenticated');
    assert.match(e.message, /aws sso login/);
  });

  it('CredentialsProviderError without SSO in its text names the variables to set', () => {
    const e = awsError(awsFailure(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })), awsCtx);
    assert.equal(e.kind, 'unauthenticated');
    assert.match(e.message, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE/);
  });
});
