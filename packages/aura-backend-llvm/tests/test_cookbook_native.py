"""The cookbook programs with expected outputs, built natively: same output."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from pathlib import Path

import pytest

from aura_backend_llvm import Options
from aura_backend_llvm.build_command import compile_file

ROOT = Path(__file__).resolve().parents[3]
EXPECTED = ROOT / "testing" / "cookbook"
CASES = sorted(p.stem for p in EXPECTED.glob("*.out"))


@pytest.mark.parametrize("name", CASES)
def test_cookbook_program_native(name: str, tmp_path: Path) -> None:
    exe = tmp_path / name
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = compile_file(ROOT / "cookbook" / f"{name}.aura", exe, Options())
    assert status == 0, err.getvalue()
    args_file = EXPECTED / f"{name}.args"
    args = args_file.read_text(encoding="utf-8").split() if args_file.exists() else []
    proc = subprocess.run(
        [str(exe), *args], cwd=EXPECTED, capture_output=True, text=True, check=False, env=os.environ
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (EXPECTED / f"{name}.out").read_text(encoding="utf-8")
