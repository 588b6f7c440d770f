"""Running a package on both engines, with and without ``--trust-proofs``.

Shared by the tests of checks in refinement types declared in another module:
a package is written from module texts, verified (exporting proven checks),
then run by the interpreter (``aura run``) and built with ``aura build`` and
run natively.  Every run gives its stdout, stderr and exit status.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from aura_core.cli import main
from aura_verify import Options, verify_paths

#: A native executable that runs longer than this is taken to hang (the programs
#: here finish at once); generous, so that a slow machine never fails a test.
HANG_SECONDS = 120


@dataclass(frozen=True)
class Outcome:
    """How one run ended."""

    stdout: str
    stderr: str
    status: int | str


def write_package(root: Path, modules: dict[str, str]) -> Path:
    """The package ``app`` at ``root`` with ``src/NAME.aura`` for each module."""
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "aura.toml").write_text(
        '[package]\nname = "app"\nversion = "0.1.0"\n', encoding="utf-8"
    )
    for name, text in modules.items():
        (root / "src" / f"{name}.aura").write_text(text, encoding="utf-8")
    return root


def verify(root: Path) -> dict[str, str]:
    """Verify the package, writing its proven checks; each cell's status."""
    files, compiled, _ = verify_paths([str(root)], Options(timeout=30.0), export=True)
    assert compiled, [d.message for f in files for d in f.diagnostics if d.is_error]
    return {str(c.name): c.status for f in files for c in f.cells}


def interpret(root: Path, *args: str, trust: bool) -> Outcome:
    """``aura run [--trust-proofs] ROOT ARGS``."""
    flags = ["--trust-proofs"] if trust else []
    r = CliRunner().invoke(main, ["run", *flags, str(root), *args])
    return Outcome(r.stdout, r.stderr, r.exit_code)


def build(root: Path, exe: Path, *, trust: bool) -> None:
    """``aura build [--trust-proofs] ROOT -o EXE``, which must succeed."""
    flags = ["--trust-proofs"] if trust else []
    r = CliRunner().invoke(main, ["build", *flags, str(root), "-o", str(exe)])
    assert r.exit_code == 0, r.output


def execute(exe: Path, *args: str) -> Outcome:
    """Run a native executable; one that does not end is an outcome of its own."""
    try:
        proc = subprocess.run(
            [str(exe), *args], capture_output=True, text=True, timeout=HANG_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        return Outcome("", "", "hangs")
    return Outcome(proc.stdout, proc.stderr, proc.returncode)
