/**
 * Vault's error mapping (server/src/providers/hashicorp/errors.ts), from the shapes node-vault
 * rejects with: the status decides wherever it can; where Vault gives only text (`errors: [..]`,
 * or a warning), each form that text takes is mapped to exactly one kind.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { describeLocation, toFailure, toProviderError, type FailureContext } from '../../server/src/providers/hashicorp/errors';

const ctx: FailureContext = { vaultName: 'prod', origin: 'https://vault.example.com:8200', apiPath: 'secret/data/app', timeoutMs: 2000, phase: 'request' };

/** What node-vault rejects with for an HTTP answer. */
const api = (statusCode: number, body: unknown) => Object.assign(new Error('x'), { response: { statusCode, body } });
const map = (statusCode: number, body: unknown, c: Partial<FailureContext> = {}) => toProviderError(toFailure(api(statusCode, body)), { ...ctx, ...c });
const envelope = (extra: Record<string, unknown>) => ({ request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: null, mount_type: '', ...extra });

describe('Vault error mapping', () => {
  it('an invalid token, in each form Vault sends it, is unauthenticated; a bare denial is permission-denied', () => {
    for (const errors of [
      ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'],
      ['permission denied', 'invalid token'],
      ['1 error occurred:\n\t* invalid token\n\n'],
    ]) {
      assert.equal(map(403, { errors }).kind, 'unauthenticated', JSON.stringify(errors));
    }
    for (const errors of [['1 error occurred:\n\t* permission denied\n\n'], ['permission denied'], [], ['preflight capability check returned 403, please ensure client\'s policies grant access to path "secret/"']]) {
      assert.equal(map(403, { errors }).kind, 'permission-denied', JSON.stringify(errors));
    }
  });

  it('a 404 is not-found; "no handler for route" says no engine is mounted there, the KV v2 warning says the path lacks data/', () => {
    const bare = map(404, { errors: [] });
    assert.deepEqual([bare.kind, bare.details.reason], ['not-found', undefined]);
    for (const text of ['no handler for route "nope/data/x". route entry not found.', 'no handler for route "nope/data/x". route entry found, but backend is nil.']) {
      const e = map(404, { errors: [text] });
      assert.deepEqual([e.kind, e.details.reason], ['not-found', 'no-mount'], text);
      assert.equal(e.message, 'Vault "prod" has no engine mounted where secret/data/app starts (HTTP 404: no handler for route).');
    }
    for (const warning of [
      "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.",
      "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv list' for this operation.",
      'Non-listing operations on the root of a K/V v2 mount are not supported.',
    ]) {
      const e = map(404, envelope({ warnings: [warning] }));
      assert.deepEqual([e.kind, e.details.reason], ['not-found', 'kv2-path'], warning);
    }
    // The same warning with an error next to it, or on another status, is not the KV v2 catch-all.
    assert.equal(map(404, { errors: ['x'], warnings: ['Invalid path for a versioned K/V secrets engine.'] }).details.reason, undefined);
    assert.equal(map(400, envelope({ warnings: ['Invalid path for a versioned K/V secrets engine.'] })).kind, 'invalid-request');
    for (const errors of [['1 error occurred:\n\t* unsupported path\n\n'], ['unsupported path']]) {
      const e = map(404, { errors });
      assert.deepEqual([e.kind, e.details.reason], ['not-found', undefined]);
    }
  });

  it('a deleted or destroyed version is read from the 404 envelope, not from text', () => {
    const meta = { version: 2, created_time: 't', custom_metadata: null };
    const deleted = map(404, envelope({ data: { data: null, metadata: { ...meta, deletion_time: '2024-01-01T00:00:00Z', destroyed: false } } }));
    assert.deepEqual([deleted.kind, deleted.details.deletionTime], ['deleted', '2024-01-01T00:00:00Z']);
    assert.equal(map(404, envelope({ data: { data: null, metadata: { ...meta, deletion_time: '', destroyed: true } } })).kind, 'destroyed');
  });

  it('check-and-set answers: a mismatch and a required cas are cas-conflict, a malformed cas is invalid-request', () => {
    for (const text of ['check-and-set parameter did not match the current version', '1 error occurred:\n\t* check-and-set parameter did not match the current version\n\n']) {
      const e = map(400, { errors: [text] }, { apiPath: 'secret/data/app' });
      assert.equal(e.kind, 'cas-conflict');
      assert.match(e.message, /changed since the version last seen/);
    }
    const required = map(400, { errors: ['check-and-set parameter required for this call'] });
    assert.equal(required.kind, 'cas-conflict');
    assert.match(required.message, /requires check-and-set/);
    assert.equal(map(400, { errors: ['error parsing check-and-set parameter'] }).kind, 'invalid-request');
    // The text on another status is not a check-and-set failure.
    assert.equal(map(403, { errors: ['check-and-set parameter required for this call'] }).kind, 'permission-denied');
  });

  it('statuses decide the rest: 429 and 5xx unreachable, the login phase unauthenticated, other 4xx invalid-request', () => {
    for (const status of [429, 500, 502, 503]) assert.equal(map(status, { errors: [] }).kind, 'unreachable');
    for (const status of [400, 401, 403]) assert.equal(map(status, { errors: ['invalid role or secret ID'] }, { phase: 'login', apiPath: 'auth/approle/login' }).kind, 'unauthenticated');
    for (const status of [400, 405, 412, 415]) assert.equal(map(status, { errors: ['anything'] }).kind, 'invalid-request');
  });

  it('a redirect names where it pointed, reduced to scheme, host, port and path', () => {
    assert.equal(describeLocation('https://user:pw@active.example.com:8200/v1/secret/data/app?x=1#f', ctx.origin), 'https://active.example.com:8200/v1/secret/data/app');
    assert.equal(describeLocation('/v1/other', ctx.origin), 'https://vault.example.com:8200/v1/other');
    assert.equal(describeLocation('ftp://x/', ctx.origin), 'an address that is not http(s)');
    assert.equal(describeLocation('http://[bad', ctx.origin), 'an address that is not a valid URL');
    assert.equal(describeLocation(`https://x.example/${'a'.repeat(500)}`, ctx.origin).length, 160);
    const e = toProviderError(toFailure({ vaultRefusal: 'redirect', status: 301, location: 'https://other.example/' }), ctx);
    assert.equal(e.kind, 'unreachable');
    assert.doesNotMatch(e.message, /standby/);
    const standby = toProviderError(toFailure({ vaultRefusal: 'redirect', status: 307, location: 'https://active.example.com:8200/v1/secret/data/app' }), ctx);
    assert.match(standby.message, /standby node redirects this way to the active node/);
  });
});

describe('token renewal warnings', () => {
  it('each form of the max-TTL warning ends the renewal cycle with max-ttl; another warning does not', async () => {
    const { TokenRenewer } = await import('../../server/src/providers/hashicorp/tokenRenewer');
    const outcome = async (warnings: string[]) => {
      const events: Array<{ kind: string; code?: string }> = [];
      let fire: (() => void) | undefined;
      const renewer = new TokenRenewer({
        lookupSelf: async () => ({ ttlSeconds: 60, renewable: true }),
        renewSelf: async () => ({ ttlSeconds: 30, renewable: true, warnings }),
        emit: (e) => events.push(e as { kind: string; code?: string }),
        timers: { setTimeout: (fn) => ((fire = fn), 1), clearTimeout: () => undefined },
      });
      await renewer.start();
      fire!();
      while (events.length === 0) await new Promise((r) => setTimeout(r, 1));
      renewer.stop();
      return events[0]!;
    };
    for (const warning of [
      'TTL of "1h0m0s" exceeded the effective max_ttl of "30m0s"; TTL value is capped accordingly',
      'Period of "1h0m0s" exceeded the effective max_ttl of "30m0s"; Period value is capped accordingly',
      'period of "1h0m0s" exceeded the effective max_ttl of "30m0s"; period value is capped accordingly',
    ]) {
      assert.deepEqual(await outcome([warning]), { kind: 'cannot-renew', code: 'max-ttl', reason: 'The token reached its maximum TTL and cannot be renewed further; it expires in 30 s.', ttlSeconds: 30 }, warning);
    }
    assert.deepEqual(await outcome(['Endpoint ignored these unrecognized parameters: [x]']), { kind: 'renewed', ttlSeconds: 30 });
  });
});
