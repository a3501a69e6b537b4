// `npm start`: seeds a throwaway local vault for the example workspace, then runs
// `secretrefs check --live examples/` and shows what it finds, offline and live.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'secretrefs-demo-'));
const env = {
  ...process.env,
  SECRETREFS_LOCAL_DIR: dir,
  SECRETREFS_LOCAL_KEY: randomBytes(32).toString('base64'),
};
const cli = (args, options = {}) => spawnSync(process.execPath, ['dist/cli.js', ...args], { env, encoding: 'utf8', ...options });
const demoValue = () => randomBytes(12).toString('base64url');

try {
  // The local vault "local" of examples/vaults/local.vault.yaml: dev/postgres has two versions
  // (local-dev.connection.yaml pins version 2); dev/redis lacks the key its connection reads.
  const seeds = [
    ['dev/postgres', `user=app`, `password=${demoValue()}`],
    ['dev/postgres', `user=app`, `password=${demoValue()}`],
    ['dev/redis', `password=${demoValue()}`],
  ];
  for (const [secret, ...pairs] of seeds) {
    const put = cli(['local', 'put', 'local', secret, ...pairs]);
    if (put.status !== 0) throw new Error(`seeding the local vault failed: ${put.stderr.trim()}`);
  }
  console.log(`Seeded a local vault in ${dir} (random key, deleted afterwards).`);
  console.log('$ secretrefs check --live examples/\n');
  const check = cli(['check', '--live', 'examples/'], { stdio: 'inherit' });
  console.log(`\nsecretrefs exited with ${check.status}: ${check.status === 1 ? 'errors found, as the broken examples intend' : 'see above'}.`);
  process.exitCode = check.status === 1 || check.status === 0 ? 0 : check.status ?? 2;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
