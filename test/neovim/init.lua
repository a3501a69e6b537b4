-- Headless Neovim driver for test/neovim/neovim.test.ts.
--
--   nvim --headless --noplugin -i NONE -u test/neovim/init.lua WORKSPACE/oracle.connection.yaml
--
-- Starts the built language server with the Neovim 0.7 API (vim.lsp.start_client; vim.lsp.start is
-- 0.8+), attaches the connection buffers, waits for pushed diagnostics, then (mode "full") asks for
-- completion, hover and code actions, applies the KV v2 quick fix and writes everything it saw as
-- JSON to $SECRETREFS_NVIM_OUT. It always ends with :qa!, also after an error (recorded in the
-- JSON as `error`). Every wait is bounded; nothing sleeps blindly.
--
-- Environment:
--   SECRETREFS_NVIM_NODE      node executable
--   SECRETREFS_NVIM_SERVER    <repo>/dist/server.js
--   SECRETREFS_NVIM_ROOT      the workspace folder (root_dir)
--   SECRETREFS_NVIM_OUT       where the JSON results go
--   SECRETREFS_NVIM_MODE      "full" (default) or "diagnostics" (diagnostics only)
--   SECRETREFS_NVIM_DISABLED  comma-separated codes for init_options.settings.diagnostics.disabled
--   SECRETREFS_NVIM_CONFIGURATION  "1": advertise workspace.configuration, as newer Neovim releases
--                             do; the built-in handler answers from the client's `settings` (null when
--                             they have no `secretRefs` section)
--   SECRETREFS_NVIM_SETTINGS_DISABLED  comma-separated codes for settings.secretRefs.diagnostics.disabled
--                             (the client-side `settings`, read only through workspace/configuration)
--   SECRETREFS_NVIM_WAIT_MS   bound of each wait (default 20000)

local env = vim.env
local out_path = assert(env.SECRETREFS_NVIM_OUT, 'SECRETREFS_NVIM_OUT is not set')
local mode = env.SECRETREFS_NVIM_MODE or 'full'
local wait_ms = tonumber(env.SECRETREFS_NVIM_WAIT_MS or '') or 20000

local results = {
  nvim_version = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch,
  mode = mode,
  steps = {},
  log_errors = {},
  show_messages = {},
  configuration_requests = 0,
}

-- Pushed diagnostics per buffer, and how many had arrived when the server said indexing was done.
-- Reindexing ends by scheduling every open document, so a publish counted after that snapshot was
-- computed with the final settings and the complete index.
local published = {}
local published_when_indexed = nil

local function step(name)
  table.insert(results.steps, name)
end

local function write_results()
  local ok, encoded = pcall(vim.json.encode, results)
  if not ok then
    encoded = vim.json.encode({ error = 'could not encode results: ' .. tostring(encoded) })
  end
  local file = assert(io.open(out_path, 'w'))
  file:write(encoded)
  file:close()
end

local function split_commas(text)
  local list = {}
  for item in string.gmatch(text or '', '[^,%s]+') do
    table.insert(list, item)
  end
  return list
end

local function codes_of(bufnr)
  local codes = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(codes, diagnostic.code)
  end
  table.sort(codes, function(a, b) return tostring(a) < tostring(b) end)
  return codes
end

local function has_code(bufnr, code)
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    if diagnostic.code == code then return diagnostic end
  end
  return nil
end

local function published_since_indexed(bufnr)
  return published_when_indexed ~= nil and (published[bufnr] or 0) > (published_when_indexed[bufnr] or 0)
end

local function wait_for(what, predicate)
  local ok = vim.wait(wait_ms, predicate, 20)
  if not ok then error('timed out after ' .. wait_ms .. ' ms waiting for ' .. what, 0) end
end

-- Markdown/plain text of a hover result, whichever of the LSP shapes the server chose.
local function hover_text(contents)
  if type(contents) == 'string' then return contents end
  if type(contents) ~= 'table' then return '' end
  if contents.value then return contents.value end
  local parts = {}
  for _, part in ipairs(contents) do
    table.insert(parts, type(part) == 'string' and part or (part.value or ''))
  end
  return table.concat(parts, '\n')
end

-- The one answer of our client in a buf_request_sync result; errors become Lua errors.
local function only_result(responses, err, what)
  if not responses then error(what .. ' got no answer: ' .. tostring(err), 0) end
  for _, response in pairs(responses) do
    if response.err or response.error then
      error(what .. ' failed: ' .. vim.inspect(response.err or response.error), 0)
    end
    return response.result
  end
  return nil
end

local function main()
  local node = assert(env.SECRETREFS_NVIM_NODE, 'SECRETREFS_NVIM_NODE is not set')
  local server = assert(env.SECRETREFS_NVIM_SERVER, 'SECRETREFS_NVIM_SERVER is not set')
  local root = assert(env.SECRETREFS_NVIM_ROOT, 'SECRETREFS_NVIM_ROOT is not set')

  local oracle = vim.api.nvim_get_current_buf()
  local typo = vim.fn.bufadd(root .. '/typo.connection.yaml')
  vim.fn.bufload(typo)
  for _, bufnr in ipairs({ oracle, typo }) do
    vim.api.nvim_buf_set_option(bufnr, 'filetype', 'yaml')
  end
  step('buffers')

  local capabilities = vim.lsp.protocol.make_client_capabilities()
  results.client_advertises_configuration = capabilities.workspace.configuration == true
  if env.SECRETREFS_NVIM_CONFIGURATION == '1' then
    capabilities.workspace.configuration = true
  end

  local handlers = {
    ['window/logMessage'] = function(err, params, ctx, config)
      if params and params.type == 1 then table.insert(results.log_errors, params.message) end
    end,
    ['window/showMessage'] = function(err, params, ctx, config)
      if params then table.insert(results.show_messages, params.message) end
    end,
    ['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
      local bufnr = vim.uri_to_bufnr(params.uri)
      published[bufnr] = (published[bufnr] or 0) + 1
      return vim.lsp.handlers['textDocument/publishDiagnostics'](err, params, ctx, config)
    end,
    ['secretRefs/status'] = function(err, params, ctx, config)
      if params and params.indexing == false and published_when_indexed == nil then
        published_when_indexed = vim.deepcopy(published)
      end
    end,
    ['workspace/configuration'] = function(err, params, ctx, config)
      results.configuration_requests = results.configuration_requests + 1
      return vim.lsp.handlers['workspace/configuration'](err, params, ctx, config)
    end,
  }

  local exited = false
  local client_id = vim.lsp.start_client({
    name = 'secretrefs',
    cmd = { node, server, '--stdio' },
    root_dir = root,
    capabilities = capabilities,
    handlers = handlers,
    flags = { debounce_text_changes = 50 },
    settings = env.SECRETREFS_NVIM_SETTINGS_DISABLED and {
      secretRefs = { diagnostics = { disabled = split_commas(env.SECRETREFS_NVIM_SETTINGS_DISABLED) } },
    } or nil,
    init_options = {
      settings = {
        diagnostics = { disabled = split_commas(env.SECRETREFS_NVIM_DISABLED) },
        live = { enabled = false },
      },
    },
    on_exit = function(code, signal)
      exited = true
      results.exit_code = code
      results.exit_signal = signal
    end,
  })
  if not client_id then error('vim.lsp.start_client returned nil', 0) end
  step('started')

  for _, bufnr in ipairs({ oracle, typo }) do
    if not vim.lsp.buf_attach_client(bufnr, client_id) then error('buf_attach_client failed', 0) end
  end
  local client = vim.lsp.get_client_by_id(client_id)
  wait_for('initialize', function() return client.initialized == true or client.server_capabilities ~= nil or exited end)
  if exited then error('the server exited during initialize', 0) end
  step('initialized')

  -- unknown-engine (oracle) and unknown-vault (typo) are never disabled here and need the index;
  -- the same validation decides on kv2-missing-data-prefix.
  wait_for('diagnostics after indexing', function()
    return published_since_indexed(oracle) and published_since_indexed(typo)
      and has_code(oracle, 'unknown-engine') ~= nil and has_code(typo, 'unknown-vault') ~= nil
  end)
  results.oracle_codes = codes_of(oracle)
  results.typo_codes = codes_of(typo)
  step('diagnostics')

  if mode == 'full' then
    -- Completion right after `vault: ` on line 3 (0-based 2) of the typo file: `  - vault: prdo`.
    local vault_line = vim.api.nvim_buf_get_lines(typo, 2, 3, true)[1]
    local vault_col = assert(vault_line:find('vault: ', 1, true), 'no vault: on line 3') + #'vault: ' - 1
    local completion = only_result(vim.lsp.buf_request_sync(typo, 'textDocument/completion', {
      textDocument = { uri = vim.uri_from_bufnr(typo) },
      position = { line = 2, character = vault_col },
      context = { triggerKind = 1 },
    }, wait_ms), nil, 'completion')
    local items = completion and (completion.items or completion) or {}
    results.completion_labels = {}
    for _, item in ipairs(items) do table.insert(results.completion_labels, item.label) end
    step('completion')

    -- Hover on `vault.secret(password)` (line 10, 0-based 9), whose attachment has path `oracle`.
    local ref_line = vim.api.nvim_buf_get_lines(oracle, 9, 10, true)[1]
    local ref_col = assert(ref_line:find('vault.secret(', 1, true), 'no reference on line 10') + 2
    local hover = only_result(vim.lsp.buf_request_sync(oracle, 'textDocument/hover', {
      textDocument = { uri = vim.uri_from_bufnr(oracle) },
      position = { line = 9, character = ref_col },
    }, wait_ms), nil, 'hover')
    results.hover = hover and hover_text(hover.contents) or vim.NIL
    step('hover')

    -- Code actions for the KV v2 diagnostic, sent back as the LSP diagnostic it came from.
    local diagnostic = has_code(oracle, 'kv2-missing-data-prefix')
    if not diagnostic then error('no kv2-missing-data-prefix diagnostic to fix', 0) end
    local lsp_data = diagnostic.user_data and diagnostic.user_data.lsp or {}
    local range = {
      start = { line = diagnostic.lnum, character = diagnostic.col },
      ['end'] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
    }
    local lsp_diagnostic = {
      range = range,
      severity = diagnostic.severity,
      message = diagnostic.message,
      source = diagnostic.source,
      code = diagnostic.code,
      data = lsp_data.data,
    }
    local actions = only_result(vim.lsp.buf_request_sync(oracle, 'textDocument/codeAction', {
      textDocument = { uri = vim.uri_from_bufnr(oracle) },
      range = range,
      context = { diagnostics = { lsp_diagnostic } },
    }, wait_ms), nil, 'code actions') or {}
    results.code_action_titles = {}
    local chosen
    for _, action in ipairs(actions) do
      table.insert(results.code_action_titles, action.title)
      if action.title == 'Insert `data/` (KV v2)' then chosen = action end
    end
    step('code actions')

    if chosen and chosen.edit then
      vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
      results.fixed_line = vim.api.nvim_buf_get_lines(oracle, diagnostic.lnum, diagnostic.lnum + 1, true)[1]
      step('applied')
      -- The edit reaches the server as an incremental didChange; the diagnostic must go away.
      wait_for('the fixed diagnostics', function()
        return has_code(oracle, 'kv2-missing-data-prefix') == nil and has_code(oracle, 'unknown-engine') ~= nil
      end)
      results.oracle_codes_after_fix = codes_of(oracle)
      step('revalidated')

      local fixed_hover = only_result(vim.lsp.buf_request_sync(oracle, 'textDocument/hover', {
        textDocument = { uri = vim.uri_from_bufnr(oracle) },
        position = { line = 9, character = ref_col },
      }, wait_ms), nil, 'hover after the fix')
      results.hover_after_fix = fixed_hover and hover_text(fixed_hover.contents) or vim.NIL
      step('hover after fix')
    end
  end

  vim.lsp.stop_client(client_id)
  if not vim.wait(5000, function() return exited end, 20) then
    results.exit_timeout = true
  end
  step('stopped')
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, err = xpcall(main, debug.traceback)
    if not ok then results.error = tostring(err) end
    write_results()
    vim.cmd('qa!')
  end,
})
