"""Running one program of the run conformance suite (``testing/conformance/run``).

Shared by the suite's drivers: the interpreter's (``test_conformance.py``) and
the native backend's (``test_conformance_native.py``, which also holds every
native result to the interpreter's, byte for byte).  Files are read and output
is decoded without newline translation, so a case may hold a ``\\r``.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

__all__ = ["Result", "case_args", "case_file", "run_case", "run_executable"]

#: The command that runs a program instead of ``aura run`` in this process.
COMMAND = os.environ.get("AURA_RUN", "")


@dataclass(frozen=True)
class Result:
    stdout: str
    stderr: str
    status: int


class _Runner(CliRunner):
    """A ``CliRunner`` whose stdin translates no newlines, as a process's real
    stdin (``newline="\\n"``): click's reads a ``\\r`` as a line end."""

    @contextlib.contextmanager
    def isolation(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with super().isolation(*args, **kwargs) as streams:
            sys.stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="\n")
            yield streams


def case_file(case: Path, suffix: str) -> str | None:
    """The text of ``case`` with ``suffix`` (``.out``, ``.in``, ...), if there is one."""
    path = case.with_suffix(suffix)
    return path.read_bytes().decode("utf-8") if path.is_file() else None


def case_args(case: Path) -> list[str]:
    text = case_file(case, ".args")
    return text.splitlines() if text else []


def run_case(case: Path, args: list[str], stdin: str, workdir: Path) -> Result:
    """``case`` run by ``$AURA_RUN``, or by ``aura run`` in this process, in a
    fresh directory ``workdir`` holding a copy of it (files it writes go there)."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(case, workdir / case.name)
    if COMMAND:
        return run_executable([*shlex.split(COMMAND), case.name, *args], stdin, workdir)
    from aura_core.cli import main

    old = Path.cwd()
    os.chdir(workdir)
    try:
        # Everything after the file is the program's (command-line.md).
        r = _Runner().invoke(main, ["run", case.name, *args], input=stdin)
    finally:
        os.chdir(old)
    # Not r.stdout: click's Result turns "\r\n" into "\n".
    return Result(_text(r.stdout_bytes), _text(r.stderr_bytes), r.exit_code)


def run_executable(command: list[str], stdin: str, workdir: Path) -> Result:
    proc = subprocess.run(
        command,
        cwd=workdir,
        input=stdin.encode("utf-8"),
        capture_output=True,
        timeout=300,
        check=False,
    )
    return Result(_text(proc.stdout), _text(proc.stderr), proc.returncode)


def _text(output: bytes) -> str:
    return output.decode("utf-8", "replace")
