import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { credentialBinding, newSessionKey, seal, unseal } from '../../shared/src/sealing';

describe('sealed credentials', () => {
  const key = newSessionKey();
  const binding = credentialBinding('prod', 'hashicorp', 'https://vault.example.com:8200');

  it('round-trips and shows no plain text', () => {
    const sealed = seal(key, '{"kind":"token","token":"CANARY-TOKEN"}', binding);
    assert.doesNotMatch(sealed, /CANARY/);
    assert.doesNotMatch(Buffer.from(sealed, 'base64').toString('latin1'), /CANARY/);
    assert.equal(unseal(key, sealed, binding), '{"kind":"token","token":"CANARY-TOKEN"}');
  });

  it('refuses another address, another key, or a tampered text', () => {
    const sealed = seal(key, 'secret', binding);
    assert.equal(unseal(key, sealed, credentialBinding('prod', 'hashicorp', 'https://attacker.example')), undefined);
    assert.equal(unseal(newSessionKey(), sealed, binding), undefined);
    const bytes = Buffer.from(sealed, 'base64');
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    assert.equal(unseal(key, bytes.toString('base64'), binding), undefined);
    assert.equal(unseal(key, 'not base64 at all', binding), undefined);
  });
});
