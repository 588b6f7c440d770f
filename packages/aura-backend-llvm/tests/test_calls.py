"""Calls of recursive cells: the twins that unroll them, and the traces they must keep."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from native_pair import native_and_interpreted

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
    native, interp = native_and_interpreted(tmp_path, source, "rec")
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
    # `down` is a pure integer cell: its framed version (and its fast twin) is unrolled.
    assert 'define internal i64 @"aura:rec::down.slow.twin1"' in ir_text
    optimised = str(optimise(ir_text))
    # The twins are inlined into the cell: one function, calling itself levels deeper.
    assert 'define internal fastcc i64 @"aura:rec::down.slow.twin"' not in optimised
    assert 'call fastcc i64 @"aura:rec::down.slow"(' in optimised


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


FIB = """\
cell fib(n: i64) -> i64:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

cell main():
    println(fib(20))
"""


def _function_body(ir_text: str, name: str) -> str:
    start = ir_text.index(f'@"{name}"(', ir_text.index("define internal fastcc { i64, i1 }"))
    return ir_text[start : ir_text.index("\n}\n", start)]


def test_a_pure_integer_cell_gets_a_fast_twin_without_frames(tmp_path: Path) -> None:
    src = tmp_path / "fib.aura"
    src.write_text(FIB, encoding="utf-8")
    ir_text = program_ir(src, Options())
    assert ir_text is not None
    assert '@"aura:fib::fib.fast"(i64' in ir_text
    assert '@"aura:fib::fib.slow"(i64' in ir_text
    optimised = str(optimise(ir_text))
    fast = _function_body(optimised, "aura:fib::fib.fast")
    assert "store " not in fast and "aura_frames" not in fast
    attrs = fast[fast.index(")") : fast.index("{")]
    group = attrs.split("#")[1].strip()
    attr_line = next(x for x in optimised.splitlines() if x.startswith(f"attributes #{group} "))
    assert "memory(none)" in attr_line or "memory(read" in attr_line
    # Four levels unrolled hold 16 calls of the next level; equal ones are merged.
    assert fast.count('call fastcc { i64, i1 } @"aura:fib::fib.fast"(') < 16


PURE_OVERFLOW = """\
cell sum(n: i64, k: i64) -> i64:
    if n == 0:
        return k * 4611686018427387904
    return n + sum(n - 1, k)

cell main():
    println(sum(10, 1))
    println(sum(3000, 2))
"""


def test_overflow_in_deep_pure_recursion_panics_as_the_interpreter(tmp_path: Path) -> None:
    native, interp = _native_and_interpreted(tmp_path, PURE_OVERFLOW)
    assert native == interp
    assert native.startswith("panic: integer overflow: 9223372036854775808 does not fit in i64\n")
    assert "repeats 2999 more times" in native


ENDLESS = """\
cell go(n: i64{extra}) -> i64:
    if n < 0:
        return 0
    return go(n + 1{arg}) + 1

cell main():
    println(go(1{first}))
"""


def test_endless_pure_recursion_overflows_the_stack_as_a_framed_cell(tmp_path: Path) -> None:
    # The same recursion with a string parameter has no fast twin: both stop
    # at the same depth with the same trace.
    outputs = []
    for extra, arg, first in [("", "", ""), (", s: String", ", s", ', "x"')]:
        src = tmp_path / "go.aura"
        src.write_text(ENDLESS.format(extra=extra, arg=arg, first=first), encoding="utf-8")
        ir_text = program_ir(src, Options())
        assert ir_text is not None
        assert ('@"aura:go::go.fast"' in ir_text) == (extra == "")
        exe = tmp_path / "go"
        built = CliRunner().invoke(main, ["build", str(src), "-o", str(exe)])
        assert built.exit_code == 0, built.output
        run = subprocess.run([str(exe)], capture_output=True, text=True, check=False)
        assert run.returncode == 101
        outputs.append(run.stderr)
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith("panic: stack overflow: more than 50000 nested calls\n")
