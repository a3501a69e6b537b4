import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { writeSecret } from '../../server/src/commands/writeSecret';
import type { CommandContext } from '../../server/src/commands/context';
import type { LiveFactsStore } from '../../server/src/live/liveFactsStore';
import { analyzeDocument } from '../../server/src/service/analyzeDocument';
import { WorkspaceIndex } from '../../server/src/service/facts/workspaceIndex';
import { newSessionKey, seal, writeBinding } from '../../shared/src/sealing';

/** The server's Write Secret request against a provider stub, to see what reaches the client. */
function context(write: () => Promise<{ version: number | string; casRaced?: true }>) {
  const uri = 'file:///w/g.vault.yaml';
  const text = 'name: g\nprovider: gcp\nproject: p\n';
  const index = new WorkspaceIndex(() => 'file:///w');
  index.setVaultConfig(analyzeDocument(uri, text, 'vault-config', { maxSizeKb: 512 }), text);
  const sessionKey = newSessionKey();
  const live = { providerFor: async () => ({ provider: { write } }), forgetSecret: () => undefined } as unknown as LiveFactsStore;
  const ctx = {
    index,
    live: () => live,
    sessionKey,
    normalize: (u: string) => u,
    revalidateAll: () => undefined,
    document: (u: string) => TextDocument.create(u, 'yaml', 1, ''),
  } as unknown as CommandContext;
  const params = { vaultUri: uri, path: 'api', cas: 4, sealedData: seal(sessionKey, JSON.stringify({ k: 'v' }), writeBinding(uri, undefined, 'api')) };
  return { ctx, params };
}

describe('the Write Secret request', () => {
  it('tells the client when the provider saw another version added during a non-atomic check-and-set', async () => {
    const raced = context(async () => ({ version: 6, casRaced: true }));
    assert.deepEqual(await writeSecret(raced.ctx, raced.params), { ok: true, version: 6, raced: true });
    const plain = context(async () => ({ version: 5 }));
    assert.deepEqual(await writeSecret(plain.ctx, plain.params), { ok: true, version: 5 });
  });
});
