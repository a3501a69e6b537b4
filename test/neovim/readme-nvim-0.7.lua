-- Neovim 0.7 (vim.lsp.start_client): one client per project root, shared by its YAML buffers
local secretrefs_clients = {}
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'yaml',
  callback = function(args)
    local name = vim.api.nvim_buf_get_name(args.buf)
    if not (name:match('%.vault%.ya?ml$') or name:match('%.connection%.ya?ml$')) then return end
    local git = vim.fn.finddir('.git', vim.fn.fnamemodify(name, ':p:h') .. ';')
    local root = git ~= '' and vim.fn.fnamemodify(git, ':p:h:h') or vim.fn.getcwd()
    if not secretrefs_clients[root] then
      secretrefs_clients[root] = vim.lsp.start_client({
        name = 'secretrefs',
        cmd = { 'secretrefs-language-server', '--stdio' },
        root_dir = root,
        init_options = { settings = { diagnostics = { disabled = { 'unused-secret' } } } },
      })
    end
    vim.lsp.buf_attach_client(args.buf, secretrefs_clients[root])
  end,
})
