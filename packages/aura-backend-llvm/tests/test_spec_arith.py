"""Specification arithmetic in native code: exact in 128 bits (spec section 8).

The forms that must agree with the interpreter are in the conformance suite
(``testing/conformance/run/s8_spec_*``); here is what only the native backend
does: a result beyond 128 bits panics with "specification arithmetic out of
range" instead of wrapping, and the forms that failed to build.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_core.cli import main


def _run(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "prog.aura"
    src.write_text(source, encoding="utf-8")
    exe = tmp_path / "prog"
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(exe)])
    assert r.exit_code == 0, r.stderr
    return subprocess.run([str(exe)], capture_output=True, text=True, check=False, timeout=60)


@pytest.mark.parametrize(
    "expr",
    [
        "(m * m) * (m * m) > 0",
        "m.pow(3) < 0",
        "(m << 65) < 0",
        "(1 << 127) > 0",
        "-((m * m) * 2 * -2) > 0",
        "((m * m) * 2 * -2).abs() > 0",
        # The variable would take 2^63, which no i64 holds.
        "forall(i in -m - 2..-m + 1): i != 0",
    ],
)
def test_beyond_128_bits_panics(tmp_path: Path, expr: str) -> None:
    source = f"cell main():\n    val m = -9223372036854775807 - 1\n    assert {expr}\n"
    proc = _run(tmp_path, source)
    assert proc.returncode == 101, proc.stderr
    assert proc.stderr.startswith("panic: specification arithmetic out of range\n  at ")
    assert proc.stderr.endswith(" in main\n")


def test_exact_forms_build_and_hold(tmp_path: Path) -> None:
    source = """\
type Box = record { v: i64 }

pure cell id(a: i64) -> i64:
    return a

cell sq(x: i64) -> i64:
    requires x.abs() < 1000 and x.pow(2) < 1000000 and x * x >= 0
    requires Box { v: x * 2 }.v == x + x and id(x - 1) < x and [x + 1][0] > x
    ensures result == x * x and result == x.pow(2)
    return x * x

cell main():
    val m = -9223372036854775807 - 1
    assert (m * m) == ((m * m) >> 1) << 1 and (m << 64) == m * m * -2
    assert (m * m) >> 126 == 1 and ((m * m) >> 125) == 2 and (m * m) >> 127 == 0
    assert (-(m * m) * 2) >> 200 == -1
    assert m.pow(2) == m * m and m.abs() == -m
    assert (m & -1) == m and (m | 1) == m + 1 and (m ^ m) == 0 and ~m == -m - 1
    println(sq(-999))
"""
    proc = _run(tmp_path, source)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "998001\n", "")
