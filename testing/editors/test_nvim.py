"""The Neovim client snippet (editors/nvim/lua/aura.lua) against the real server.

Starts ``nvim --headless --clean`` with the snippet on its runtime path, opens an
Aura file, waits (inside Neovim, with ``vim.wait``) for the server's
diagnostics or proof status, and dumps what Neovim holds to a JSON file that the
test reads.  Debian 12 ships Neovim 0.7, the oldest version the snippet supports.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import systools
from lsp_client import aura_lsp_command

ROOT = Path(__file__).resolve().parents[2]
SNIPPET_DIR = ROOT / "editors" / "nvim"
#: How long Neovim waits for the server (a cold start imports the whole toolchain).
WAIT_MS = 60_000

TYPE_ERROR = """\
## Returns a flag where a number is promised.
cell answer() -> i64:
    return true
"""

PROOFS = """\
cell bump(x: i64) -> i64:
    requires x < 100
    ensures result > x
    return x + 1

cell wrong(x: i64) -> i64:
    requires x < 100
    ensures result > x
    return x
"""

# Waits for `ready(bufnr)` to hold, then writes what Neovim knows to `out` and quits.
PROBE = """\
local out = {out}
local bufnr = vim.api.nvim_get_current_buf()
{before}
local function ready()
  {ready}
end
local ok = vim.wait({wait_ms}, ready, 50)
local ns = vim.api.nvim_get_namespaces()["aura_proof_status"]
local marks = ns and vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, {{ details = true }}) or {{}}
local clients = {{}}
for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
  table.insert(clients, client.name)
end
local diagnostics = {{}}
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  table.insert(diagnostics, {{ lnum = d.lnum, col = d.col, code = d.code, message = d.message,
                              severity = d.severity }})
end
vim.fn.writefile({{ vim.fn.json_encode({{
  ok = ok,
  filetype = vim.bo[bufnr].filetype,
  expandtab = vim.bo[bufnr].expandtab,
  clients = clients,
  diagnostics = diagnostics,
  marks = marks,
}}) }}, out)
vim.cmd("qall!")
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of printable text is a valid Lua string


def module_setup(tmp_path: Path) -> list[str]:
    """Neovim arguments that load ``lua/aura.lua`` and call its ``setup``."""
    cmd = "{" + ", ".join(lua_string(part) for part in aura_lsp_command()) + "}"
    return [
        "--cmd",
        f"set runtimepath+={SNIPPET_DIR}",
        "--cmd",
        f"lua require('aura').setup({{ cmd = {cmd} }})",
    ]


def readme_setup(tmp_path: Path) -> list[str]:
    """Neovim arguments that run the README's hand-written set-up, with this server."""
    readme = (SNIPPET_DIR / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Without the module") :]
    snippet = section.split("```lua\n", 1)[1].split("```", 1)[0]
    assert '{ "aura", "lsp" }' in snippet
    cmd = "{" + ", ".join(lua_string(part) for part in aura_lsp_command()) + "}"
    script = tmp_path / "readme-setup.lua"
    script.write_text(snippet.replace('{ "aura", "lsp" }', cmd), encoding="utf-8")
    return ["--cmd", f"luafile {script}"]


def run_nvim(
    tmp_path: Path,
    source: str,
    ready: str,
    setup: Callable[[Path], list[str]] = module_setup,
    before: str = "",
) -> dict[str, Any]:
    nvim = systools.require("nvim", package="neovim")
    aura_file = tmp_path / "main.aura"
    aura_file.write_text(source, encoding="utf-8")
    out = tmp_path / "nvim-state.json"
    probe = tmp_path / "probe.lua"
    probe.write_text(
        PROBE.format(out=lua_string(str(out)), before=before, ready=ready, wait_ms=WAIT_MS),
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            str(nvim),
            "--headless",
            "--clean",
            *setup(tmp_path),
            "-c",
            f"luafile {probe}",
            str(aura_file),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=WAIT_MS / 1000 + 30,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert out.is_file(), f"nvim wrote nothing (exit {done.returncode}): {done.stderr}"
    state: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return state


def cli_diagnostics(path: Path) -> list[dict[str, Any]]:
    """What `aura check --format json` reports for the same file."""
    aura = aura_lsp_command()[0]
    done = subprocess.run(
        [aura, "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_type_error_reaches_neovim(tmp_path: Path) -> None:
    state = run_nvim(tmp_path, TYPE_ERROR, "return #vim.diagnostic.get(bufnr) > 0")
    assert state["filetype"] == "aura" and state["expandtab"] is True
    assert state["clients"] == ["aura"]
    assert state["ok"] is True, "no diagnostics arrived"
    (expected,) = cli_diagnostics(tmp_path / "main.aura")
    assert expected["line"] == 3
    found = [(d["code"], d["lnum"] + 1, d["col"] + 1) for d in state["diagnostics"]]
    assert (expected["code"], expected["line"], expected["column"]) in found
    (shown,) = [d for d in state["diagnostics"] if d["code"] == expected["code"]]
    assert shown["severity"] == 1  # vim.diagnostic.severity.ERROR
    assert "mismatched types" in shown["message"]


def test_proof_status_shows_as_virtual_text(tmp_path: Path) -> None:
    ready = (
        'local ns = vim.api.nvim_get_namespaces()["aura_proof_status"]\n'
        "  if not ns then return false end\n"
        "  return #vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, {}) == 2\n"
        "    and #vim.diagnostic.get(bufnr) > 0"
    )
    state = run_nvim(tmp_path, PROOFS, ready)
    assert state["ok"] is True, f"not every cell's status was shown: {state['marks']}"
    texts = {
        line: details["virt_text"][0][0].strip() for _id, line, _col, details in state["marks"]
    }
    assert sorted(texts) == [0, 5]  # each cell's first line
    assert texts[0].startswith("verified")
    assert texts[5].startswith("failed")
    assert "x = " in texts[5]  # the counterexample
    # The failed postcondition is also a diagnostic, at the `ensures` clause (spec section 8).
    assert [(d["code"], d["lnum"]) for d in state["diagnostics"]] == [("V0002", 7)]


def test_readme_setup_without_the_module(tmp_path: Path) -> None:
    state = run_nvim(tmp_path, TYPE_ERROR, "return #vim.diagnostic.get(bufnr) > 0", readme_setup)
    assert state["filetype"] == "aura" and state["clients"] == ["aura"]
    assert state["ok"] is True, "no diagnostics arrived"
    expected = [d["code"] for d in cli_diagnostics(tmp_path / "main.aura")]
    assert [d["code"] for d in state["diagnostics"]] == expected


def test_edits_in_neovim_reach_the_server(tmp_path: Path) -> None:
    # Once the server has proven the file, `return x + 1` becomes `return true`
    # through Neovim's incremental changes; the new type error must come back.
    source = PROOFS.split("\n\n")[0] + "\n"
    assert source.split("\n")[3] == "    return x + 1"
    before = "local edited = false"
    ready = (
        "if not edited then\n"
        '    local ns = vim.api.nvim_get_namespaces()["aura_proof_status"]\n'
        "    if ns and #vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, {}) > 0 then\n"
        '      vim.api.nvim_buf_set_text(bufnr, 3, 11, 3, 16, { "true" })\n'
        "      edited = true\n"
        "    end\n"
        "    return false\n"
        "  end\n"
        "  return #vim.diagnostic.get(bufnr) > 0"
    )
    state = run_nvim(tmp_path, source, ready, before=before)
    assert state["ok"] is True, "no diagnostics after the edit"
    edited = tmp_path / "edited.aura"
    edited.write_text(source.replace("return x + 1", "return true"), encoding="utf-8")
    (expected,) = cli_diagnostics(edited)
    found = [(d["code"], d["lnum"] + 1, d["col"] + 1) for d in state["diagnostics"]]
    assert found == [(expected["code"], expected["line"], expected["column"])]
