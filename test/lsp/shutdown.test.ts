import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { makeFolder, startHarness } from '../helpers/lspHarness';

describe('shutdown', () => {
  it('drops what the server would still send after its connection is gone (no unhandled rejection)', async () => {
    const files: Record<string, string> = { 'prod.vault.yaml': 'name: prod\nprovider: local\n' };
    for (let i = 0; i < 400; i++) files[`c${i}.connection.yaml`] = `name: c${i}\nvault_secrets:\n  - vault: prod\n    secret: s${i}\nvalue: vault.secret(k)\n`;
    const folder = makeFolder(files);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      for (let round = 0; round < 5; round++) {
        // Shut down while the workspace is still being indexed: its end is logged after the connection is disposed.
        const h = await startHarness({ folders: [folder.uri] });
        await h.dispose();
      }
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(rejections.map(String), []);
    } finally {
      process.off('unhandledRejection', onRejection);
      folder.dispose();
    }
  });
});

describe('commands that arrive while the workspace is being indexed', () => {
  it('wait for the index, so vault names resolve', async () => {
    const files: Record<string, string> = { 'prod.vault.yaml': 'name: prod\nprovider: local\n' };
    for (let i = 0; i < 400; i++) files[`c${i}.connection.yaml`] = `name: c${i}\nvalue: vault.secret(prod:s${i}.k)\n`;
    const folder = makeFolder(files);
    const h = await startHarness({ folders: [folder.uri], waitForIndexing: false });
    try {
      const result = (await h.client.sendRequest('secretRefs/listVaults')) as { vaults: { name: string }[] };
      assert.deepEqual(result.vaults.map((v) => v.name), ['prod']);
    } finally {
      await h.dispose();
      folder.dispose();
    }
  });
});
