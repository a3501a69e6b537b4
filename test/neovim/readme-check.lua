-- Run with `-c 'luafile readme-check.lua'` after a README setup (readme-nvim-*.lua) was the init
-- file: waits (bounded) for the server's diagnostics on the current buffer, writes what it saw as
-- JSON to $SECRETREFS_NVIM_OUT, stops the clients and quits.
local results = {}
local ok, err = xpcall(function()
  local bufnr = vim.api.nvim_get_current_buf()
  results.filetype = vim.api.nvim_buf_get_option(bufnr, 'filetype')
  local wait_ms = tonumber(vim.env.SECRETREFS_NVIM_WAIT_MS or '') or 20000
  local got = vim.wait(wait_ms, function()
    for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
      if diagnostic.code == 'unknown-engine' then return true end
    end
    return false
  end, 20)
  if not got then error('timed out after ' .. wait_ms .. ' ms waiting for diagnostics', 0) end
  results.codes = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do table.insert(results.codes, diagnostic.code) end
  table.sort(results.codes)
  results.clients = {}
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    table.insert(results.clients, { name = client.name, root_dir = client.config.root_dir })
  end
  vim.lsp.stop_client(vim.lsp.get_active_clients())
  results.stopped = vim.wait(5000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
end, debug.traceback)
if not ok then results.error = tostring(err) end
local file = assert(io.open(assert(vim.env.SECRETREFS_NVIM_OUT), 'w'))
file:write(vim.json.encode(results))
file:close()
vim.cmd('qa!')
