"""The VS Code extension's own tests (node's test runner over the compiled tree).

They cover the proof-status logic behind the lenses and the status bar, and,
with ``AURA_LSP_COMMAND`` set, feed it what the real ``aura lsp`` reports.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import systools
from lsp_client import aura_lsp_command

VSCODE = Path(__file__).resolve().parents[2] / "editors" / "vscode"
TESTS = VSCODE / "out" / "test"


def require_built(path: Path) -> None:
    """Fail under CI (the test command builds the tree first), else skip, without ``path``."""
    if not path.exists():
        reason = f"{path} is missing; run `npm ci && npm run build` in editors/vscode"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def test_extension_tests_pass_against_the_server() -> None:
    node = systools.require("node", package="nodejs")
    require_built(TESTS / "server.test.js")
    done = subprocess.run(
        [str(node), "--test", str(TESTS)],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
        env={**os.environ, "AURA_LSP_COMMAND": json.dumps(aura_lsp_command())},
    )
    summary = dict(re.findall(r"^# (tests|pass|fail|skipped) (\d+)$", done.stdout, re.M))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert summary["fail"] == "0" and summary["skipped"] == "0", done.stdout[-4000:]
    assert int(summary["tests"]) >= 6 and summary["pass"] == summary["tests"]


def test_sources_are_formatted() -> None:
    node = systools.require("node", package="nodejs")
    prettier = VSCODE / "node_modules" / "prettier" / "bin" / "prettier.cjs"
    require_built(prettier)
    done = subprocess.run(
        [
            str(node),
            str(prettier),
            "--check",
            "src",
            "syntaxes",
            "package.json",
            "tsconfig.json",
            "language-configuration.json",
        ],
        cwd=VSCODE,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, (
        f"run `npm run format` in editors/vscode\n{done.stdout}{done.stderr}"
    )
