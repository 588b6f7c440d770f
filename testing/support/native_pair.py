"""One program built natively and run by the interpreter, for tests that compare the two."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from aura_core.cli import main

Run = subprocess.CompletedProcess[str]


def native_and_interpreted(tmp_path: Path, source: str, stem: str = "prog") -> tuple[Run, Run]:
    """``source`` built with ``aura build`` and run, then run by ``aura run``."""
    src = tmp_path / f"{stem}.aura"
    src.write_text(source, encoding="utf-8")
    exe = tmp_path / stem
    built = CliRunner().invoke(main, ["build", str(src), "-o", str(exe)])
    assert built.exit_code == 0, built.output
    native = subprocess.run([str(exe)], capture_output=True, text=True, check=False)
    interp = subprocess.run(
        [str(Path(sys.executable).with_name("aura")), "run", str(src)],
        capture_output=True,
        text=True,
        check=False,
    )
    return native, interp
