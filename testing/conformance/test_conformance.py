"""The run suite: every ``run/NAME.aura`` program against its expected results.

A case is ``NAME.aura`` with

- ``NAME.out``: the exact expected stdout (required);
- ``NAME.err``: a regular expression (Python ``re``, multi-line) that stderr must
  contain; without it stderr must be empty;
- ``NAME.status``: the expected exit status (default 0);
- ``NAME.args``: arguments for the program, one per line (optional);
- ``NAME.in``: the program's stdin (optional, default empty).

The suite is backend-neutral.  ``AURA_RUN`` names the command that runs a
program (``AURA_RUN="aura build-and-run"``, say, for the native backend); each
case runs as ``$AURA_RUN NAME.aura ARGS...`` in a subprocess, in a fresh
directory holding a copy of the program (files it writes go there).  Without
``AURA_RUN`` the cases run through the installed ``aura run`` command in this
process, which is the same code without the start-up cost of a new
interpreter per case.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE / "run").glob("*.aura"))
COMMAND = os.environ.get("AURA_RUN", "")


@dataclass(frozen=True)
class Result:
    stdout: str
    stderr: str
    status: int


def _optional(case: Path, suffix: str) -> str | None:
    path = case.with_suffix(suffix)
    return path.read_text(encoding="utf-8") if path.is_file() else None


def run_case(case: Path, args: list[str], stdin: str, workdir: Path) -> Result:
    shutil.copy(case, workdir / case.name)
    if COMMAND:
        proc = subprocess.run(
            [*shlex.split(COMMAND), case.name, *args],
            cwd=workdir,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return Result(proc.stdout, proc.stderr, proc.returncode)
    from aura_core.cli import main

    old = Path.cwd()
    os.chdir(workdir)
    try:
        r = CliRunner().invoke(main, ["run", case.name, "--", *args], input=stdin)
    finally:
        os.chdir(old)
    return Result(r.stdout, r.stderr, r.exit_code)


def test_the_suite_is_broad() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case(case: Path, tmp_path: Path) -> None:
    args_text = _optional(case, ".args")
    args = args_text.splitlines() if args_text else []
    result = run_case(case, args, _optional(case, ".in") or "", tmp_path)
    expected_out = case.with_suffix(".out").read_text(encoding="utf-8")
    status_text = _optional(case, ".status")
    expected_status = int(status_text) if status_text else 0
    pattern = _optional(case, ".err")
    assert result.stdout == expected_out, f"stdout of {case.name}\nstderr:\n{result.stderr}"
    assert result.status == expected_status, f"exit status of {case.name}\n{result.stderr}"
    if pattern is None:
        assert result.stderr == "", f"unexpected stderr of {case.name}"
    else:
        assert re.search(pattern.strip("\n"), result.stderr, re.MULTILINE), (
            f"stderr of {case.name} does not match {pattern!r}:\n{result.stderr}"
        )
