-- Drives `ownerc lsp` from Neovim's built-in LSP client, headless, the way a user's editor
-- would: open a policy, wait for diagnostics, ask for hover, definition, references,
-- completion and a code action, apply the action's edit, wait for the new diagnostics, and
-- write everything it got as JSON to $OWNER_NVIM_OUT. Neovim 0.7 (Debian 12) has no
-- vim.lsp.start (0.8+), so start_client + buf_attach_client are used where it is missing.
local out_path = vim.env.OWNER_NVIM_OUT
local policy = vim.env.OWNER_NVIM_POLICY
local cmd = vim.fn.json_decode(vim.env.OWNER_NVIM_CMD)
local report = { errors = {} }

local function finish()
  local file = io.open(out_path, "w")
  file:write(vim.fn.json_encode(report))
  file:close()
  vim.cmd("qa!")
end

local ok, failure = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(policy))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = "owner"

  local published = {}
  local config = {
    name = "ownerc",
    cmd = cmd,
    root_dir = vim.fn.fnamemodify(policy, ":h"),
    handlers = {
      ["textDocument/publishDiagnostics"] = function(err, result, ctx, cfg)
        table.insert(published, result)
        return vim.lsp.handlers["textDocument/publishDiagnostics"](err, result, ctx, cfg)
      end,
    },
  }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  report.client_started = client_id ~= nil

  local function wait_for_diagnostics(count)
    return vim.wait(20000, function() return #published >= count end, 20)
  end

  report.first_diagnostics_arrived = wait_for_diagnostics(1)
  report.first_diagnostics = published[#published]
  report.neovim_diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(report.neovim_diagnostics, { code = d.code, lnum = d.lnum, message = d.message })
  end

  -- The 0-based position of a piece of text in the buffer, plus an offset into it.
  local function find(needle, into)
    for lnum, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      local col = string.find(line, needle, 1, true)
      if col then
        return { line = lnum - 1, character = col - 1 + (into or 0) }
      end
    end
    error("not in the buffer: " .. needle)
  end

  local function request(method, params)
    local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
    if not responses then
      table.insert(report.errors, method .. ": " .. tostring(err))
      return nil
    end
    local response = responses[client_id]
    if response and response.err then
      table.insert(report.errors, method .. ": " .. vim.inspect(response.err))
    end
    return response and response.result
  end

  local document = { uri = vim.uri_from_bufnr(bufnr) }
  local on_owner = { textDocument = document, position = find("accountable Sales", 13) }
  report.hover = request("textDocument/hover", on_owner)
  report.definition = request("textDocument/definition", on_owner)
  report.references = request("textDocument/references",
    { textDocument = document, position = on_owner.position, context = { includeDeclaration = true } })

  -- Completion after `via ` on a new last line.
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_buf_set_lines(bufnr, last, last, false, { "responsible Sales for * at Active via " })
  report.completion = request("textDocument/completion",
    { textDocument = document, position = { line = last, character = 38 } })
  vim.api.nvim_buf_set_lines(bufnr, last, last + 1, false, {})

  local misspelt = find("Saless", 2)
  local actions = request("textDocument/codeAction", {
    textDocument = document,
    range = { start = misspelt, ["end"] = misspelt },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, misspelt.line) },
  })
  report.code_actions = {}
  for _, action in ipairs(actions or {}) do
    table.insert(report.code_actions, action.title)
    if action.title == "Change to 'Sales'" then
      local before = #published
      vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
      report.applied = true
      report.diagnostics_after_edit_arrived = vim.wait(20000, function()
        return #published > before and #published[#published].diagnostics == 0
      end, 20)
      report.diagnostics_after_edit = published[#published]
    end
  end

  report.final_text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
  vim.lsp.stop_client(client_id)
  report.server_stopped = vim.wait(10000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
end)

if not ok then
  table.insert(report.errors, tostring(failure))
end
finish()
