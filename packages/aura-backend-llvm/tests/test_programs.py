"""Programs that stress counting and freeing: the native output is the interpreter's.

Each ``programs/NAME.aura`` has ``NAME.out``, the output of ``aura run``; the
native executable must print exactly that.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_backend_llvm import Options
from aura_backend_llvm.build_command import compile_file
from aura_core.cli import main

HERE = Path(__file__).resolve().parent / "programs"
CASES = sorted(p.stem for p in HERE.glob("*.aura"))


@pytest.mark.parametrize("name", CASES)
def test_native_output_is_the_expected_one(name: str, tmp_path: Path) -> None:
    exe = tmp_path / name
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert compile_file(HERE / f"{name}.aura", exe, Options()) == 0, err.getvalue()
    proc = subprocess.run([str(exe)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (HERE / f"{name}.out").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CASES)
def test_expected_output_is_the_interpreters(name: str) -> None:
    result = CliRunner().invoke(main, ["run", str(HERE / f"{name}.aura")])
    assert result.exit_code == 0, result.output
    assert result.stdout == (HERE / f"{name}.out").read_text(encoding="utf-8")
