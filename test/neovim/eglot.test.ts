/**
 * Smoke test of the built language server under Emacs + eglot in batch mode (Debian 12: Emacs 28.2
 * with elpa-eglot 1.9; Emacs 29+ has eglot built in). The Lisp side is test/neovim/eglot-smoke.el,
 * which uses the README's `eglot-server-programs' entry, with `secretrefs-language-server' on PATH
 * (a shim running the built dist/server.js), and reports what it saw as JSON.
 *
 * eglot advertises workspace/configuration, answers null for a section it has no
 * `eglot-workspace-configuration' for, and sends workspace/didChangeConfiguration with empty
 * settings on connect; the server must keep the initializationOptions settings through all that.
 *
 * Without `emacs` and eglot the tests are skipped, except under CI=true, where they fail.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { editorEnv, fixtures, inCi, makeWorkspace, programVersion, readResults, removeWorkspace, requireBuiltServer, run } from './harness';

interface EglotResults {
  emacs_version: string;
  error?: string;
  log_errors: string[];
  oracle_codes?: string[];
  typo_codes?: string[];
  completion_labels?: string[];
  hover?: string;
  code_action_titles?: string[];
  fixed_line?: string;
  oracle_codes_after_fix?: string[];
  shutdown?: boolean;
}

interface Scenario {
  mode: 'full' | 'diagnostics';
  /** Codes for :initializationOptions (:settings (:diagnostics (:disabled ...))). */
  disabled?: string[];
  /** Codes for eglot-workspace-configuration (:secretRefs (:diagnostics (:disabled ...))). */
  workspaceDisabled?: string[];
}

const emacsVersion = programVersion('emacs');
const eglotLoads =
  emacsVersion !== undefined &&
  spawnSync('emacs', ['--batch', '--eval', "(progn (require 'package) (package-initialize) (require 'eglot))"], {
    timeout: 30_000,
    stdio: 'ignore',
  }).status === 0;
const skip = eglotLoads || inCi ? false : 'emacs with eglot is not installed (apt-get install -y emacs-nox elpa-eglot); CI installs it';

async function runEglot(scenario: Scenario): Promise<EglotResults> {
  if (!eglotLoads) {
    assert.fail(
      `${emacsVersion ? 'eglot does not load in Emacs' : 'emacs is not on PATH'}, and CI=true requires it: .ci/run must \`apt-get install -y emacs-nox elpa-eglot\``,
    );
  }
  requireBuiltServer();
  const workspace = makeWorkspace('secretrefs-eglot-');
  const env = editorEnv(workspace, {
    SECRETREFS_EGLOT_ROOT: workspace.root,
    SECRETREFS_EGLOT_OUT: workspace.results,
    SECRETREFS_EGLOT_MODE: scenario.mode,
    SECRETREFS_EGLOT_WAIT_MS: '20000',
    ...(scenario.disabled ? { SECRETREFS_EGLOT_DISABLED: scenario.disabled.join(',') } : {}),
    ...(scenario.workspaceDisabled ? { SECRETREFS_EGLOT_WORKSPACE_DISABLED: scenario.workspaceDisabled.join(',') } : {}),
  });
  const result = await run('emacs', ['--batch', '-l', path.join(fixtures, 'eglot-smoke.el')], env, workspace.root, 60_000);
  let results: EglotResults;
  try {
    results = readResults<EglotResults>(workspace, 'emacs', result);
  } finally {
    removeWorkspace(workspace);
  }
  const context = `\neglot saw: ${JSON.stringify(results, null, 2)}\nstderr: ${result.stderr.slice(-2000)}`;
  assert.equal(results.error, undefined, `the eglot script failed: ${results.error}${context}`);
  assert.equal(result.timedOut, false, `emacs did not exit within 60 s${context}`);
  assert.equal(result.code, 0, `emacs exited with ${result.code}${context}`);
  assert.deepEqual(results.log_errors, [], `the server logged errors${context}`);
  assert.equal(results.shutdown, true, context);
  return results;
}

describe(`Emacs + eglot (${emacsVersion ?? 'not installed'})`, () => {
  test('diagnostics, completion, hover and the KV v2 quick fix', { skip }, async () => {
    const r = await runEglot({ mode: 'full' });
    const context = `\neglot saw: ${JSON.stringify(r, null, 2)}`;
    assert.deepEqual(r.oracle_codes, ['kv2-missing-data-prefix', 'unknown-engine'], context);
    assert.deepEqual(r.typo_codes, ['unknown-vault'], context);
    assert.ok(r.completion_labels?.includes('prod'), `completion after \`vault: \` offers prod${context}`);
    assert.match(r.hover ?? '', /API path:\*\* `\/v1\/secret\/oracle`/, context);
    assert.ok(r.code_action_titles?.includes('Insert `data/` (KV v2)'), `the quick fix is offered${context}`);
    assert.equal(r.fixed_line, '    path: data/oracle', context);
    assert.deepEqual(r.oracle_codes_after_fix, ['unknown-engine'], context);
  });

  test('eglot-workspace-configuration answers workspace/configuration', { skip }, async () => {
    const r = await runEglot({ mode: 'diagnostics', workspaceDisabled: ['kv2-missing-data-prefix'] });
    assert.deepEqual(r.oracle_codes, ['unknown-engine'], `\neglot saw: ${JSON.stringify(r, null, 2)}`);
  });

  test(':initializationOptions settings apply although eglot advertises workspace/configuration', { skip }, async () => {
    const r = await runEglot({ mode: 'diagnostics', disabled: ['kv2-missing-data-prefix'] });
    assert.deepEqual(r.oracle_codes, ['unknown-engine'], `\neglot saw: ${JSON.stringify(r, null, 2)}`);
  });
});
