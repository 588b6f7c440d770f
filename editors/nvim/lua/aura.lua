-- Aura language support for Neovim: filetype detection, buffer options, and the
-- Aura language server (`aura lsp`) attached to every Aura buffer.
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client) and uses
-- vim.lsp.start on 0.8 and later.  Usage, in init.lua:
--
--   require("aura").setup()                        -- `aura lsp` from PATH
--   require("aura").setup({ cmd = { "/path/to/aura", "lsp" } })
--
-- The server's per-cell proof status (the `aura/proofStatus` notification) is
-- shown as virtual text at the end of each cell's first line.

local M = {}

M.defaults = {
  -- The command that starts the language server on stdio.
  cmd = { "aura", "lsp" },
  -- Files whose directory is a project's root (the server's workspace).
  root_markers = { "aura.toml", ".git" },
  -- Show each cell's proof status as virtual text.
  proof_status = true,
  -- The server's initializationOptions (docs/lsp-protocol.md), for example
  -- { verify = false } to turn background proofs off, or { timeout = 2.0 }.
  init_options = vim.empty_dict(),
}

local namespace = vim.api.nvim_create_namespace("aura_proof_status")

-- Client ids by root directory (Neovim 0.7 has no vim.lsp.start to reuse them).
local clients = {}
-- Per buffer, per cell: { version = ..., mark = extmark id }.
local marks = {}

local function merge(options)
  return vim.tbl_deep_extend("force", {}, M.defaults, options or {})
end

--- The project root of a buffer: the nearest directory holding a root marker,
--- else the file's own directory.
function M.root_dir(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= "" and vim.fn.fnamemodify(name, ":p:h") or vim.fn.getcwd()
  for _, marker in ipairs(markers) do
    local file = vim.fn.findfile(marker, dir .. ";")
    if file == "" then
      file = vim.fn.finddir(marker, dir .. ";")
    end
    if file ~= "" then
      local root = vim.fn.fnamemodify(file, ":p:h"):gsub("/%.git/?$", "")
      return root
    end
  end
  return dir
end

local status_highlight = {
  verified = "DiagnosticOk",
  failed = "DiagnosticError",
  timeout = "DiagnosticWarn",
  unknown = "DiagnosticWarn",
}

--- The virtual text for one `aura/proofStatus` report.
function M.status_text(report)
  local text = "  " .. report.status
  if report.cached then
    text = text .. " (cached)"
  elseif type(report.time_ms) == "number" then
    text = text .. string.format(" (%d ms)", report.time_ms)
  end
  local cex = report.counterexample
  if type(cex) == "table" and next(cex) ~= nil then
    local parts = {}
    if (vim.islist or vim.tbl_islist)(cex) then
      -- [{ name = ..., value = ... }] in the server's order
      for _, pair in ipairs(cex) do
        table.insert(parts, pair.name .. " = " .. tostring(pair.value))
      end
    else
      for name, value in pairs(cex) do
        table.insert(parts, name .. " = " .. tostring(value))
      end
      table.sort(parts)
    end
    text = text .. ": " .. table.concat(parts, ", ")
  end
  return text
end

local function show_proof_status(report)
  local bufnr = vim.uri_to_bufnr(report.uri)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  marks[bufnr] = marks[bufnr] or {}
  local held = marks[bufnr][report.cell]
  if held and type(held.version) == "number" and type(report.version) == "number"
      and report.version < held.version then
    return -- an older report overtaken by a newer one
  end
  local line = report.range.start.line
  local current = vim.lsp.util.buf_versions[bufnr]
  if held and type(current) == "number" and report.version ~= current then
    -- The buffer changed since this report: its line may be stale, while the mark
    -- has moved with the text; keep the mark where it is and update its text.
    local at = vim.api.nvim_buf_get_extmark_by_id(bufnr, namespace, held.mark, {})
    if at[1] ~= nil then
      line = at[1]
    end
  end
  line = math.min(line, vim.api.nvim_buf_line_count(bufnr) - 1)
  local highlight = status_highlight[report.status] or "Comment"
  if vim.fn.hlexists(highlight) == 0 then
    highlight = report.status == "verified" and "Comment" or "ErrorMsg"
  end
  local ok, mark = pcall(vim.api.nvim_buf_set_extmark, bufnr, namespace, line, 0, {
    id = held and held.mark or nil,
    virt_text = { { M.status_text(report), highlight } },
    virt_text_pos = "eol",
  })
  if ok then
    marks[bufnr][report.cell] = { version = report.version, mark = mark }
  end
end

local function handlers(options)
  local result = {}
  if options.proof_status then
    result["aura/proofStatus"] = function(_, report)
      if report then
        vim.schedule(function()
          show_proof_status(report)
        end)
      end
    end
  end
  return result
end

local function client_config(options, root)
  return {
    name = "aura",
    cmd = options.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = options.init_options,
    handlers = handlers(options),
  }
end

--- Attach the language server to an Aura buffer, starting it for its root if needed.
function M.attach(bufnr, options)
  options = options or merge()
  local root = M.root_dir(bufnr, options.root_markers)
  if vim.fn.has("nvim-0.8") == 1 then
    -- 0.8+: vim.lsp.start reuses a running client with the same name and root.
    vim.api.nvim_buf_call(bufnr, function()
      vim.lsp.start(client_config(options, root))
    end)
    return
  end
  -- 0.7: start one client per root and attach each buffer to it.
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(client_config(options, root))
    if id == nil then
      vim.notify("aura: could not start `" .. table.concat(options.cmd, " ") .. "`",
        vim.log.levels.ERROR)
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

local function set_buffer_options(bufnr)
  -- Indentation is spaces only (spec section 1); comments start with `#`.
  vim.bo[bufnr].expandtab = true
  vim.bo[bufnr].shiftwidth = 4
  vim.bo[bufnr].softtabstop = 4
  vim.bo[bufnr].commentstring = "# %s"
  vim.bo[bufnr].comments = ":##,:#"
end

local function is_aura(bufnr)
  return vim.bo[bufnr].filetype == "aura"
end

function M.setup(options)
  options = merge(options)
  local group = vim.api.nvim_create_augroup("aura", { clear = true })
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    group = group,
    pattern = "*.aura",
    callback = function(args)
      vim.bo[args.buf].filetype = "aura"
    end,
  })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "aura",
    callback = function(args)
      set_buffer_options(args.buf)
      M.attach(args.buf, options)
    end,
  })
  vim.api.nvim_create_autocmd({ "BufUnload" }, {
    group = group,
    pattern = "*.aura",
    callback = function(args)
      marks[args.buf] = nil
    end,
  })
  vim.api.nvim_create_user_command("AuraStats", function()
    vim.lsp.buf_request(0, "aura/stats", {}, function(err, result)
      if err then
        vim.notify("aura/stats: " .. vim.inspect(err), vim.log.levels.ERROR)
      else
        print(vim.inspect(result))
      end
    end)
  end, { desc = "Show the Aura language server's statistics" })

  -- Buffers opened before setup ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      if vim.api.nvim_buf_get_name(bufnr):match("%.aura$") and not is_aura(bufnr) then
        vim.bo[bufnr].filetype = "aura" -- fires the FileType autocmd above
      elseif is_aura(bufnr) then
        set_buffer_options(bufnr)
        M.attach(bufnr, options)
      end
    end
  end
end

return M
