"""Calls of recursive cells: the twins that unroll them, and the traces they must keep."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_backend_llvm.build_command import program_ir
from aura_backend_llvm.pipeline import Options, optimise
from aura_core.cli import main

RECURSIVE = """\
cell down(n: i64, zero: i64) -> i64:
    if n < 2:
        return 10 / zero
    return down(n - 1, zero) + down(n - 2, zero)

cell main():
    println(down(6, 1))
    println(down(20 + {extra}, 0))
"""


def _native_and_interpreted(tmp_path: Path, source: str) -> tuple[str, str]:
    src = tmp_path / "rec.aura"
    src.write_text(source, encoding="utf-8")
    exe = tmp_path / "rec"
    built = CliRunner().invoke(main, ["build", str(src), "-o", str(exe)])
    assert built.exit_code == 0, built.output
    native = subprocess.run([str(exe)], capture_output=True, text=True, check=False)
    interp = subprocess.run(
        [str(Path(sys.executable).with_name("aura")), "run", str(src)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert native.returncode == interp.returncode == 101
    assert native.stdout == interp.stdout
    return native.stderr, interp.stderr


@pytest.mark.parametrize("extra", [0, 1, 2, 3])
def test_panic_trace_through_unrolled_recursion_matches_the_interpreter(
    tmp_path: Path, extra: int
) -> None:
    # Nested calls of each number modulo the levels unrolled: the panic happens
    # in the cell and in each of its twins, inlined below it.
    native, interp = _native_and_interpreted(tmp_path, RECURSIVE.format(extra=extra))
    assert native == interp
    assert native.startswith("panic: division by zero\n")
    assert f"repeats {18 + extra} more times" in native


def test_recursive_cell_is_unrolled_by_its_twins(tmp_path: Path) -> None:
    src = tmp_path / "rec.aura"
    src.write_text(RECURSIVE.format(extra=0), encoding="utf-8")
    ir_text = program_ir(src, Options())
    assert ir_text is not None
    assert 'define internal i64 @"aura:rec::down.twin1"' in ir_text
    optimised = str(optimise(ir_text))
    # The twins are inlined into the cell: one function, calling itself levels deeper.
    assert 'define internal fastcc i64 @"aura:rec::down.twin"' not in optimised
    assert 'call fastcc i64 @"aura:rec::down"(' in optimised


def test_a_cell_with_many_recursive_calls_is_not_unrolled(tmp_path: Path) -> None:
    # Nine recursive calls: even two levels would hold ten copies of the body.
    calls = " + ".join(f"wide(n - {k})" for k in range(1, 10))
    src = tmp_path / "wide.aura"
    src.write_text(
        "cell wide(n: i64) -> i64:\n"
        "    if n < 10:\n"
        "        return 1\n"
        f"    return {calls}\n\n"
        "cell main():\n"
        "    println(wide(12))\n",
        encoding="utf-8",
    )
    ir_text = program_ir(src, Options())
    assert ir_text is not None
    assert '@"aura:wide::wide"' in ir_text
    assert "wide.twin" not in ir_text
