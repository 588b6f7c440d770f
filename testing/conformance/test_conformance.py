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

import re
from pathlib import Path

import pytest
from conformance_run import case_args, case_file, run_case

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE / "run").glob("*.aura"))


def test_the_suite_is_broad() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case(case: Path, tmp_path: Path) -> None:
    result = run_case(case, case_args(case), case_file(case, ".in") or "", tmp_path)
    expected_out = case_file(case, ".out")
    status_text = case_file(case, ".status")
    expected_status = int(status_text) if status_text else 0
    pattern = case_file(case, ".err")
    assert result.stdout == expected_out, f"stdout of {case.name}\nstderr:\n{result.stderr}"
    assert result.status == expected_status, f"exit status of {case.name}\n{result.stderr}"
    if pattern is None:
        assert result.stderr == "", f"unexpected stderr of {case.name}"
    else:
        assert re.search(pattern.strip("\n"), result.stderr, re.MULTILINE), (
            f"stderr of {case.name} does not match {pattern!r}:\n{result.stderr}"
        )
