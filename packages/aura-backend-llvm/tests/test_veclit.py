"""Long vector literals: built in time linear in their length, with the interpreter's value."""

from __future__ import annotations

from pathlib import Path

from native_pair import native_and_interpreted

from aura_backend_llvm.build_command import program_ir
from aura_backend_llvm.pipeline import Options

_CONSTANT = 20_000
_COMPUTED = 2_000


def _constant_program() -> str:
    ints = ", ".join(str(i * 7 - 5000) for i in range(_CONSTANT))
    return f"""\
cell main():
    val v = [{ints}]
    val f = [1.5, 0.25, 3.0]
    val b = [true, false, true]
    val s = ["a", "bc", ""]
    println(v.len())
    println(v[0])
    println(v[12345])
    println(v[{_CONSTANT - 1}])
    println(f)
    println(b)
    println(s)
    println(s[1].len())
    println(v[{_CONSTANT}])
"""


def _computed_program() -> str:
    elems = ", ".join(f"k * {i} + 1" for i in range(_COMPUTED))
    return f"""\
cell base() -> i64:
    return 3

cell main():
    val k = base()
    val v = [{elems}]
    println(v.len())
    println(v[0])
    println(v[{_COMPUTED - 1}])
"""


def test_long_constant_literal_is_one_table_and_one_call(tmp_path: Path) -> None:
    # A store per element made LLVM's code generation superlinear (minutes at
    # 20,000 elements); the literal is a constant array copied by the runtime.
    src = tmp_path / "lit.aura"
    src.write_text(_constant_program(), encoding="utf-8")
    ir_text = program_ir(src, Options())
    assert ir_text is not None
    start = ir_text.index('define internal i8 @"aura:lit::main"')
    main_ir = ir_text[start : ir_text.index("\n}\n", start)]
    assert main_ir.count('call ptr @"aura_vec_from_data"') == 4
    assert main_ir.count("store i64") < 10


def test_long_constant_literal_matches_the_interpreter(tmp_path: Path) -> None:
    native, interp = native_and_interpreted(tmp_path, _constant_program())
    assert native.returncode == interp.returncode == 101
    assert native.stdout == interp.stdout
    assert native.stdout.startswith(f"{_CONSTANT}\n-5000\n")
    assert native.stderr.splitlines()[0] == interp.stderr.splitlines()[0]


def test_long_computed_literal_matches_the_interpreter(tmp_path: Path) -> None:
    native, interp = native_and_interpreted(tmp_path, _computed_program())
    assert native.returncode == interp.returncode == 0
    assert native.stdout == interp.stdout == f"{_COMPUTED}\n1\n{3 * (_COMPUTED - 1) + 1}\n"
