/**
 * The built language server driven by headless Neovim from Debian's packages (0.7.2 on Debian 12),
 * through its built-in client: vim.lsp.start_client, pushed diagnostics, completion, hover, a quick
 * fix applied with vim.lsp.util.apply_workspace_edit, and settings from init_options. Neovim 0.7
 * advertises neither workspace.configuration nor pull diagnostics.
 *
 * The Lua side is test/neovim/init.lua; it writes what it saw as JSON, asserted here. The README's
 * Neovim 0.7 setup (test/neovim/readme-nvim-0.7.lua, verbatim) is run as the init file too.
 * Without `nvim` on PATH the tests are skipped, except under CI=true (CI installs Neovim), where
 * they fail.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { editorEnv, fixtures, inCi, makeWorkspace, programVersion, readResults, removeWorkspace, requireBuiltServer, run, serverJs } from './harness';

interface NeovimResults {
  nvim_version: string;
  mode: string;
  steps: string[];
  error?: string;
  log_errors: string[];
  show_messages: string[];
  configuration_requests: number;
  client_advertises_configuration: boolean;
  oracle_codes?: string[];
  typo_codes?: string[];
  completion_labels?: string[];
  hover?: string;
  code_action_titles?: string[];
  fixed_line?: string;
  oracle_codes_after_fix?: string[];
  hover_after_fix?: string;
  exit_code?: number;
  exit_timeout?: boolean;
}

interface Scenario {
  mode: 'full' | 'diagnostics';
  /** Codes for init_options.settings.diagnostics.disabled. */
  disabled?: string[];
  /** Advertise workspace.configuration (as newer Neovim releases do). */
  configuration?: boolean;
  /** Codes for the client-side settings.secretRefs.diagnostics.disabled. */
  settingsDisabled?: string[];
}

const nvimVersion = programVersion('nvim');
const skip = nvimVersion || inCi ? false : 'nvim is not installed (apt-get install -y neovim); CI installs it';

async function runNeovim(scenario: Scenario): Promise<NeovimResults> {
  if (!nvimVersion) assert.fail('nvim is not on PATH, and CI=true requires it: .ci/run must `apt-get install -y neovim`');
  requireBuiltServer();
  const workspace = makeWorkspace('secretrefs-nvim-');
  const env = editorEnv(workspace, {
    SECRETREFS_NVIM_NODE: process.execPath,
    SECRETREFS_NVIM_SERVER: serverJs,
    SECRETREFS_NVIM_ROOT: workspace.root,
    SECRETREFS_NVIM_OUT: workspace.results,
    SECRETREFS_NVIM_MODE: scenario.mode,
    SECRETREFS_NVIM_WAIT_MS: '20000',
    ...(scenario.disabled ? { SECRETREFS_NVIM_DISABLED: scenario.disabled.join(',') } : {}),
    ...(scenario.configuration ? { SECRETREFS_NVIM_CONFIGURATION: '1' } : {}),
    ...(scenario.settingsDisabled ? { SECRETREFS_NVIM_SETTINGS_DISABLED: scenario.settingsDisabled.join(',') } : {}),
  });
  const args = ['--headless', '--noplugin', '-i', 'NONE', '-n', '-u', path.join(fixtures, 'init.lua'), path.join(workspace.root, 'oracle.connection.yaml')];
  const result = await run('nvim', args, env, workspace.root, 60_000);
  let results: NeovimResults;
  try {
    results = readResults<NeovimResults>(workspace, 'nvim', result);
  } finally {
    removeWorkspace(workspace);
  }
  const context = `\nNeovim saw: ${JSON.stringify(results, null, 2)}\nstderr: ${result.stderr.slice(-2000)}`;
  assert.equal(results.error, undefined, `the Neovim script failed: ${results.error}${context}`);
  assert.equal(result.timedOut, false, `nvim did not exit within 60 s${context}`);
  assert.equal(result.code, 0, `nvim exited with ${result.code}${context}`);
  assert.deepEqual(results.log_errors, [], `the server logged errors${context}`);
  assert.equal(results.exit_code, 0, `the server did not exit cleanly on shutdown${context}`);
  return results;
}

describe(`Neovim (${nvimVersion ?? 'not installed'})`, () => {
  test('diagnostics, completion, hover and the KV v2 quick fix through the 0.7 client (vim.lsp.start_client)', { skip }, async () => {
    const r = await runNeovim({ mode: 'full' });
    const context = `\nNeovim saw: ${JSON.stringify(r, null, 2)}`;
    // Neovim 0.7 does not advertise workspace/configuration: the server must not ask for it.
    if (r.nvim_version.startsWith('0.7.')) {
      assert.equal(r.client_advertises_configuration, false, context);
      assert.equal(r.configuration_requests, 0, context);
    }

    assert.deepEqual(r.oracle_codes, ['kv2-missing-data-prefix', 'unknown-engine'], context);
    assert.deepEqual(r.typo_codes, ['unknown-vault'], context);
    assert.ok(r.completion_labels?.includes('prod'), `completion after \`vault: \` offers prod${context}`);
    assert.match(r.hover ?? '', /API path/, `hover on vault.secret(password) explains the reference${context}`);
    assert.match(r.hover ?? '', /`\/v1\/secret\/oracle`/, context);
    assert.ok(r.code_action_titles?.includes('Insert `data/` (KV v2)'), `the quick fix is offered${context}`);
    assert.equal(r.fixed_line, '    path: data/oracle', `the quick fix's edit, applied by Neovim${context}`);
    // The edit reached the server as an incremental didChange and was revalidated.
    assert.deepEqual(r.oracle_codes_after_fix, ['unknown-engine'], context);
    assert.match(r.hover_after_fix ?? '', /`\/v1\/secret\/data\/oracle`/, context);
    assert.equal(r.exit_timeout, undefined, context);
  });

  test('init_options.settings.diagnostics.disabled silences a code', { skip }, async () => {
    const r = await runNeovim({ mode: 'diagnostics', disabled: ['kv2-missing-data-prefix'] });
    const context = `\nNeovim saw: ${JSON.stringify(r, null, 2)}`;
    assert.deepEqual(r.oracle_codes, ['unknown-engine'], context);
    assert.deepEqual(r.typo_codes, ['unknown-vault'], context);
  });

  // Newer Neovim releases (and eglot) advertise workspace/configuration and answer null for a section
  // they have no settings for; init_options must still count then.
  test('init_options still apply when the client advertises workspace/configuration without secretRefs settings', { skip }, async () => {
    const r = await runNeovim({ mode: 'diagnostics', disabled: ['kv2-missing-data-prefix'], configuration: true });
    const context = `\nNeovim saw: ${JSON.stringify(r, null, 2)}`;
    assert.ok(r.configuration_requests >= 1, `the server asks for its settings${context}`);
    assert.deepEqual(r.oracle_codes, ['unknown-engine'], context);
  });

  test("the client's own settings answer workspace/configuration", { skip }, async () => {
    const r = await runNeovim({ mode: 'diagnostics', configuration: true, settingsDisabled: ['kv2-missing-data-prefix'] });
    const context = `\nNeovim saw: ${JSON.stringify(r, null, 2)}`;
    assert.ok(r.configuration_requests >= 1, `the server asks for its settings${context}`);
    assert.deepEqual(r.oracle_codes, ['unknown-engine'], context);
  });

  test("the README's Neovim 0.7 setup, verbatim, as the init file", { skip }, async () => {
    if (!nvimVersion) assert.fail('nvim is not on PATH, and CI=true requires it: .ci/run must `apt-get install -y neovim`');
    requireBuiltServer();
    const workspace = makeWorkspace('secretrefs-nvim-readme-');
    mkdirSync(path.join(workspace.root, '.git')); // the setup's project root marker
    // `secretrefs-language-server` is the shim in workspace.bin (on PATH), as an npm bin would be.
    const env = editorEnv(workspace, { SECRETREFS_NVIM_OUT: workspace.results, SECRETREFS_NVIM_WAIT_MS: '20000' });
    const args = [
      '--headless',
      '-i',
      'NONE',
      '-n',
      '-u',
      path.join(fixtures, 'readme-nvim-0.7.lua'),
      path.join(workspace.root, 'oracle.connection.yaml'),
      '-c',
      `luafile ${path.join(fixtures, 'readme-check.lua')}`,
    ];
    const result = await run('nvim', args, env, workspace.scratch, 60_000);
    let r: { error?: string; filetype?: string; codes?: string[]; clients?: { name: string; root_dir: string }[]; stopped?: boolean };
    try {
      r = readResults(workspace, 'nvim', result);
    } finally {
      removeWorkspace(workspace);
    }
    const context = `\nNeovim saw: ${JSON.stringify(r, null, 2)}\nstderr: ${result.stderr.slice(-2000)}`;
    assert.equal(r.error, undefined, `the check failed: ${r.error}${context}`);
    assert.equal(r.filetype, 'yaml', context);
    assert.deepEqual(r.codes, ['kv2-missing-data-prefix', 'unknown-engine'], context);
    assert.deepEqual(r.clients, [{ name: 'secretrefs', root_dir: workspace.root }], context);
    assert.equal(r.stopped, true, context);
    assert.equal(result.code, 0, context);
  });
});
