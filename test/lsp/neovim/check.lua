-- Drives Neovim's own LSP client (Debian's neovim, 0.7+) against the tsmigrate
-- language server, headless, for test/lsp/neovim.test.ts. Written for the
-- APIs 0.7 has (vim.lsp.start_client, buf_request_sync); newer versions keep them.
-- Environment: TSM_ROOT (project), TSM_SERVER and TSM_CLI (JSON command
-- lists), TSM_OUT (one JSON line per result), TSM_LINE / TSM_COL (hover position).
local root = os.getenv("TSM_ROOT")
local out = assert(io.open(os.getenv("TSM_OUT"), "w"))
local function emit(key, value)
  out:write(vim.fn.json_encode({ key = key, value = value }) .. "\n")
  out:flush()
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = "tsmigrate",
    cmd = vim.fn.json_decode(os.getenv("TSM_SERVER")),
    root_dir = root,
    init_options = { trusted = false },
  })
  assert(client_id, "the server did not start")
  vim.cmd("edit " .. vim.fn.fnameescape(root .. "/src/tracker/models.ts"))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  local uri = vim.uri_from_bufnr(bufnr)

  local function messages()
    return vim.tbl_map(function(d) return d.message end, vim.diagnostic.get(bufnr))
  end
  vim.wait(60000, function() return #vim.diagnostic.get(bufnr) > 0 end, 100)
  emit("diagnostics", messages())

  local capabilities = vim.lsp.protocol.make_client_capabilities()
  emit("watchRegistration", capabilities.workspace.didChangeWatchedFiles ~= nil
    and capabilities.workspace.didChangeWatchedFiles.dynamicRegistration == true)
  emit("running", vim.lsp.get_client_by_id(client_id) ~= nil)

  local position = { line = tonumber(os.getenv("TSM_LINE")), character = tonumber(os.getenv("TSM_COL")) }
  local hover = vim.lsp.buf_request_sync(bufnr, "textDocument/hover", { textDocument = { uri = uri }, position = position }, 20000)
  local contents = hover and hover[client_id] and hover[client_id].result and hover[client_id].result.contents
  emit("hover", type(contents) == "table" and (contents.value or vim.fn.json_encode(contents)) or contents)

  -- What :lua vim.lsp.buf.code_action() sends: the line's diagnostics as context.
  local first = vim.diagnostic.get(bufnr)[1]
  local line_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, first.lnum)
  local range = { start = { line = first.lnum, character = first.col }, ["end"] = { line = first.lnum, character = first.col } }
  local actions = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction",
    { textDocument = { uri = uri }, range = range, context = { diagnostics = line_diagnostics } }, 20000)
  local titles = {}
  for _, action in ipairs((actions and actions[client_id] and actions[client_id].result) or {}) do
    table.insert(titles, action.title)
  end
  emit("codeActions", titles)

  -- `tsmigrate makemigrations` in a terminal: the client is told nothing; the server's own watcher sees it.
  local cli = vim.fn.json_decode(os.getenv("TSM_CLI"))
  local cli_out = vim.fn.system(cli)
  emit("cli", { status = vim.v.shell_error, output = cli_out })
  local cleared = vim.wait(60000, function()
    for _, m in ipairs(messages()) do
      if m:find("not in any migration", 1, true) then return false end
    end
    return true
  end, 100)
  emit("afterTerminal", { cleared = cleared, diagnostics = messages() })
  vim.lsp.stop_client(client_id)
end)
if not ok then emit("error", tostring(err)) end
out:close()
vim.cmd("qall!")
