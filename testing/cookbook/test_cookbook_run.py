"""Every cookbook program with an expected output runs and prints exactly that.

``NAME.out`` beside this file is the expected standard output of
``cookbook/NAME.aura``; ``NAME.args``, when present, holds its arguments (one per
line, relative paths resolved here), and files it reads live here too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_core.cli import main

HERE = Path(__file__).resolve().parent
COOKBOOK = HERE.parents[1] / "cookbook"
CASES = sorted(p.stem for p in HERE.glob("*.out"))


def test_every_expected_output_has_its_program() -> None:
    assert CASES and all((COOKBOOK / f"{name}.aura").is_file() for name in CASES)


@pytest.mark.parametrize("name", CASES)
def test_program_prints_its_expected_output(name: str) -> None:
    args_file = HERE / f"{name}.args"
    args = args_file.read_text(encoding="utf-8").split() if args_file.exists() else []
    cwd = Path.cwd()
    os.chdir(HERE)
    try:
        result = CliRunner().invoke(main, ["run", str(COOKBOOK / f"{name}.aura"), *args])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert result.stdout == (HERE / f"{name}.out").read_text(encoding="utf-8")
