"""The generated code and its source map (compiler.py, emit.py, sourcemap.py)."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aura_core.types import QualName
from aura_interpret.emit import Emitter
from aura_interpret.externs import EXTERNS, Host, f64_pow

Compile = Callable[..., Any]


def test_emitter_breaks_lines_at_marks() -> None:
    em = Emitter()
    code = f"x = ({em.mark(10)}f(1) + {em.mark(20)}g(2))"
    em.line(code, 5)
    assert em.lines == ["x = (", "        f(1) + ", "        g(2))"]
    assert em.offsets == [0, 5, 10, 20]


def test_emitter_lets_a_leading_mark_name_the_line() -> None:
    em = Emitter()
    em.line(f"{em.mark(7)}f()", 3)
    assert em.lines == ["f()"]
    assert em.offsets == [0, 7]


SOURCE = """
cell helper(a: i64, b: i64) -> i64:
    val c = a * b
    return c + a

cell main():
    val v = [1, 2, 3]
    for x in v:
        println(helper(x, x))
"""


def test_every_cell_has_its_own_code_and_map(compiled: Compile) -> None:
    program = compiled(SOURCE)
    maps = program.source_map.maps
    assert len(maps) == 2
    cells = {m.cell: m for m in maps.values()}
    helper = cells["helper"]
    compile(helper.python, helper.filename, "exec")  # valid Python
    lines = helper.python.split("\n")
    # each generated line maps back to the Aura line it came from
    for n, text in enumerate(lines[:-1], start=1):
        aura_line = helper.position(n).line
        if "a_1 * b_2" in text:
            assert aura_line == 2
        if "c_3 + a_1" in text:
            assert aura_line == 3
    assert helper.position(1).line == 1  # the def line is the cell's
    fn = program.function(QualName(("t",), "helper"))
    assert fn.__code__.co_filename == helper.filename  # type: ignore[attr-defined]


def test_release_code_has_no_checks(compiled: Compile) -> None:
    src = """
    cell f(x: i64 where x > 0) -> i64:
        requires x < 100
        ensures result > 0
        assert x != 50
        return x

    cell main():
        println(f(1))
    """
    checked = compiled(src)
    release = compiled(src, release=True)
    text = "\n".join(m.python for m in checked.source_map.maps.values())
    assert "_fail" in text and "_reffail" in text
    text = "\n".join(m.python for m in release.source_map.maps.values())
    assert "_fail" not in text and "_reffail" not in text


def test_only_reachable_cells_are_compiled(compiled: Compile) -> None:
    program = compiled(
        """
        import std::math

        cell unused() -> i64:
            return 1

        cell main():
            println(math::max(1, 2))
        """,
    )
    assert sorted(m.cell for m in program.source_map.maps.values()) == ["main", "std::math::max"]


# ------------------------------------------------------------------ externs


def test_the_extern_registry_covers_the_standard_library() -> None:
    expected = {
        "print", "println", "panic",
        "std::io::print", "std::io::println", "std::io::eprintln", "std::io::read_line",
        "std::io::read_file", "std::io::write_file", "std::math::sqrt", "std::math::pow",
        "std::env::args", "std::env::var", "std::time::now_ms", "std::time::monotonic_ns",
    }  # fmt: skip
    assert set(EXTERNS) == expected


def test_read_file_of_a_missing_file_is_an_err(tmp_path: Path) -> None:
    read = EXTERNS["std::io::read_file"].bind(Host())
    result = read(str(tmp_path / "missing.txt"))
    assert isinstance(result, tuple) and result[0] == 1
    assert result[1] == f"{tmp_path / 'missing.txt'}: No such file or directory"
    (tmp_path / "bad.txt").write_bytes(b"\xff")
    assert read(str(tmp_path / "bad.txt"))[0] == 1  # type: ignore[index]


def test_read_line_strips_line_breaks() -> None:
    host = Host(stdin=io.StringIO("a\r\nb\nc"))
    read = EXTERNS["std::io::read_line"].bind(host)
    assert [read(), read(), read(), read()] == [(0, "a"), (0, "b"), (0, "c"), (1,)]


def test_pow_edge_cases() -> None:
    assert f64_pow(2.0, 3.0) == 8.0
    assert math.isnan(f64_pow(-1.0, 0.5))
    assert f64_pow(-0.0, -3.0) == -math.inf
    assert f64_pow(0.0, -2.0) == math.inf
    assert f64_pow(-2.0, 2000.0) == math.inf
