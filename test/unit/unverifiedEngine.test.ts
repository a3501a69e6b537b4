/**
 * A HashiCorp vault that declares no engines, with a token that may not look the mount up: the
 * service reads the secret as written (data/... as KV v2, else KV v1), reports what the answer
 * says, and `engine-unverified` only when no read settles it. Live facts come from a table here.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Hover } from 'vscode-languageserver-types';
import type { SecretLocator } from '../../server/src/providers/secretProvider';
import type { VaultFact } from '../../server/src/service/facts/facts';
import type { Live, LiveAccess, LiveError, LiveFacts, LiveMount, LiveSecret } from '../../server/src/service/facts/liveFacts';
import { TestWorkspace } from '../helpers/workspace';

const denied: Live<LiveMount> = { state: 'error', error: { kind: 'permission-denied', message: 'Vault "prod" does not let this token see whether "x" is mounted.' } };
const err = (e: LiveError): Live<LiveSecret> => ({ state: 'error', error: e });

function liveFrom(secrets: Record<string, Live<LiveSecret>>, opts: { mount?: Live<LiveMount>; access?: LiveAccess } = {}): LiveFacts & { asked: SecretLocator[] } {
  const asked: SecretLocator[] = [];
  return {
    asked,
    access: () => opts.access ?? 'live',
    mount: () => opts.mount ?? denied,
    secret: (_vault: VaultFact, locator: SecretLocator) => {
      asked.push(locator);
      return secrets[`${locator.engine}|${locator.path}`];
    },
    capabilities: () => undefined,
    engines: () => undefined,
    list: () => undefined,
  };
}

const vault = 'name: prod\nprovider: hashicorp\nurl: https://vault.example.com:8200\n';
const attachment = (engine: string, path: string) => `name: c\nvault_secrets:\n  - vault: prod\n    engine: ${engine}\n    path: ${path}\nvalue:\n  p: vault.secret(password)\n`;

function check(text: string, live: LiveFacts) {
  const ws = new TestWorkspace({ 'prod.vault.yaml': vault });
  const doc = ws.set('c.connection.yaml', text);
  const facts = { vaults: (u: string) => ws.index.vaults(u), keysUsed: () => [], live };
  const diagnostics = ws.service.validate(doc, 'connection', facts);
  const hover = (line: number, character: number) => ws.service.hover(doc, 'connection', { line, character }, facts) as Hover | null;
  const at = (i: number) => {
    const { start, end } = diagnostics[i]!.range;
    return text.split('\n')[start.line]!.slice(start.character, end.character);
  };
  const fix = (d: (typeof diagnostics)[number]) => ws.service.codeActions(doc, 'connection', d.range, [d], facts);
  return { diagnostics, codes: diagnostics.map((d) => d.code), at, hover, fix, doc };
}

describe('engines the server will not describe (service level)', () => {
  it('reads data/... as KV v2 and anything else as KV v1, with the locator saying so', () => {
    const v2 = liveFrom({ 'secret|app': { state: 'ok', value: { keys: ['password'], metadata: undefined } } });
    assert.deepEqual(check(attachment('secret', 'data/app'), v2).codes, []);
    assert.deepEqual(v2.asked, [{ engine: 'secret', path: 'app', kvVersion: 2 }]);
    const v1 = liveFrom({ 'legacy|mail/relay': { state: 'ok', value: { keys: ['password'], metadata: undefined } } });
    assert.deepEqual(check(attachment('legacy', 'mail/relay'), v1).codes, []);
    assert.deepEqual(v1.asked, [{ engine: 'legacy', path: 'mail/relay', kvVersion: 1 }]);
  });

  it('says which KV version was assumed, and why, on hover', () => {
    const live = liveFrom({ 'secret|app': { state: 'ok', value: { keys: ['password'], metadata: undefined } } });
    const hover = check(attachment('secret', 'data/app'), live).hover(6, 20);
    const text = (hover!.contents as { value: string }).value;
    assert.match(
      text,
      /- \*\*Engine:\*\* `secret` — KV v2 assumed, because the path starts with `data\/`: the vault configuration declares no engines and the token may read neither `sys\/internal\/ui\/mounts\/secret` nor `sys\/mounts`, so the secret is read as written/,
    );
    const v1 = check(attachment('legacy', 'mail'), liveFrom({})).hover(6, 20);
    assert.match((v1!.contents as { value: string }).value, /KV v1 assumed, because the path does not start with `data\/`/);
  });

  it('403: permission-denied with the API path, the policy stanza, and the engine not verified', () => {
    const live = liveFrom({ 'nope|x': err({ kind: 'permission-denied', message: 'denied', apiPath: 'nope/data/x' }) });
    const r = check(attachment('nope', 'data/x'), live);
    assert.deepEqual(r.codes, ['permission-denied']);
    assert.equal(
      r.diagnostics[0]!.message,
      'Permission denied: the credentials for vault `prod` lack the `read` capability on `nope/data/x`. A policy that grants it: path "nope/data/x" { capabilities = ["read"] }. ' +
        'The engine `nope` itself could not be verified with this token (it may read neither `sys/internal/ui/mounts/nope` nor `sys/mounts`), so it may also not be mounted.',
    );
    assert.equal(r.at(0), 'data/x');
  });

  it('the KV v2 "invalid path" 404: kv2-missing-data-prefix with the fix, the server having said the engine is KV v2', () => {
    const live = liveFrom({ 'secret|app': err({ kind: 'not-found', message: 'x', apiPath: 'secret/app', reason: 'kv2-path' }) });
    const r = check(attachment('secret', 'app'), live);
    assert.deepEqual(r.codes, ['kv2-missing-data-prefix']);
    assert.equal(r.diagnostics[0]!.message, 'Engine `secret` is KV v2 (Vault answered `secret/app` with its KV v2 "invalid path" warning): the KV v2 API needs `data/` between engine and path, so write `data/app`.');
    const actions = r.fix(r.diagnostics[0]!);
    assert.deepEqual(actions.map((a) => a.title), ['Insert `data/` (KV v2)']);
    assert.match(TextDocument.applyEdits(r.doc, Object.values(actions[0]!.edit!.changes!)[0]!), /path: data\/app\n/);
  });

  it('"no handler for route": unknown-engine on the engine; any other 404: secret-not-found', () => {
    const none = check(attachment('nope', 'data/x'), liveFrom({ 'nope|x': err({ kind: 'not-found', message: 'x', apiPath: 'nope/data/x', reason: 'no-mount' }) }));
    assert.deepEqual(none.codes, ['unknown-engine']);
    assert.equal(none.at(0), 'nope');
    assert.equal(none.diagnostics[0]!.message, 'No engine is mounted at `nope` on vault `prod`: reading `nope/data/x` as written, Vault found no engine for the path (HTTP 404, no handler for route).');
    const missing = check(attachment('secret', 'data/x'), liveFrom({ 'secret|x': err({ kind: 'not-found', message: 'x', apiPath: 'secret/data/x' }) }));
    assert.deepEqual(missing.codes, ['secret-not-found']);
    assert.match(missing.diagnostics[0]!.message, /has no secret at `secret\/data\/x`/);
  });

  it('a read that settles nothing (a timeout): vault-unreachable once on the vault, engine-unverified on the engine', () => {
    const r = check(attachment('secret', 'data/x'), liveFrom({ 'secret|x': err({ kind: 'unreachable', message: 'x', cause: 'timed out after 2000 ms' }) }));
    assert.deepEqual(r.codes.sort(), ['engine-unverified', 'vault-unreachable']);
    const unverified = r.diagnostics.find((d) => d.code === 'engine-unverified')!;
    assert.equal(unverified.severity, 2);
    assert.equal(
      unverified.message,
      'Engine `secret` of vault `prod` could not be verified: this token may not read its mount, and reading `secret/data/x` as written (KV v2 assumed) did not settle it (timed out after 2000 ms), so neither whether it is mounted nor its KV version (whether the path needs `data/`) is known. ' +
        'Declare it under `engines:` in the vault configuration (for example `secret: { type: kv, version: 2 }`), or give this token `read` on `secret/data/x`.',
    );
  });

  it('a path that cannot be read as a secret (a KV v2 API path): engine-unverified, nothing asked', () => {
    const live = liveFrom({});
    const r = check(attachment('secret', 'metadata/x'), live);
    assert.deepEqual(r.codes, ['engine-unverified']);
    assert.match(r.diagnostics[0]!.message, /this token may read neither `sys\/internal\/ui\/mounts\/secret` nor `sys\/mounts`, and the path `metadata\/x` cannot be read as a secret to settle it/);
    assert.deepEqual(live.asked, []);
  });

  it('says nothing while the mount lookup is pending, nor when the server named the mount', () => {
    const pending = liveFrom({}, { mount: undefined });
    (pending as { mount: LiveFacts['mount'] }).mount = () => undefined;
    assert.deepEqual(check(attachment('secret', 'data/x'), pending).codes, []);
    const known = liveFrom({ 'secret|x': { state: 'ok', value: { keys: ['password'], metadata: undefined } } }, { mount: { state: 'ok', value: { mounted: true, path: 'secret', type: 'kv', kvVersion: 2 } } });
    assert.deepEqual(check(attachment('secret', 'data/x'), known).codes, []);
    assert.deepEqual(known.asked, [{ engine: 'secret', path: 'x' }]);
  });

  it('without live checks (no credentials, untrusted, off): engine-unverified saying why', () => {
    for (const [access, why] of [
      ['no-credentials', 'there are no credentials for this vault'],
      ['untrusted', 'the workspace is not trusted, so no secret manager is contacted'],
      ['off', 'live checks are off (secretRefs.live.enabled)'],
    ] as const) {
      const r = check(attachment('secret', 'data/x'), liveFrom({}, { access }));
      assert.deepEqual(r.codes, ['engine-unverified'], access);
      assert.match(r.diagnostics[0]!.message, new RegExp(`declares no engines and ${why.replace(/[().]/g, '\\$&')}, so`));
    }
  });
});
