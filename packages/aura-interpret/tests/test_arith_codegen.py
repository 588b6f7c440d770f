"""The inline arithmetic of generated code agrees with aura_core.arith on edge values.

Each operator is compiled into a small cell per type; the cell's Python
function is then called directly on boundary values and compared with
:func:`aura_core.arith.int_binary` (same result, or the same failure message).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from aura_core import arith
from aura_core.types import FIXED_WIDTH, QualName, fixed_width_range
from aura_interpret.panics import AuraPanic

TYPES = [*FIXED_WIDTH, "Int"]


def edge_values(name: str) -> list[int]:
    if name == "Int":
        return [-(1 << 70), -7, -1, 0, 1, 2, 7, 1 << 70]
    lo, hi = fixed_width_range(name)
    vals = {lo, lo + 1, -7, -2, -1, 0, 1, 2, 3, 7, hi // 2, hi - 1, hi}
    return sorted(v for v in vals if lo <= v <= hi)


def outcome(fn: Callable[[], object]) -> object:
    try:
        return fn()
    except (AuraPanic, arith.AuraArithmeticError) as e:
        return ("panic", e.message)


def cells_for(name: str) -> str:
    shift_t = "u32" if name != "Int" else "Int"
    return f"""
cell add(a: {name}, b: {name}) -> {name}:
    return a + b

cell sub(a: {name}, b: {name}) -> {name}:
    return a - b

cell mul(a: {name}, b: {name}) -> {name}:
    return a * b

cell div(a: {name}, b: {name}) -> {name}:
    return a / b

cell rem(a: {name}, b: {name}) -> {name}:
    return a % b

cell div4(a: {name}) -> {name}:
    return a / 4

cell rem3(a: {name}) -> {name}:
    return a % 3

cell neg(a: {name}) -> {name}:
    return -a

cell shl(a: {name}, n: {shift_t}) -> {name}:
    return a << n

cell shr(a: {name}, n: {shift_t}) -> {name}:
    return a >> n

cell main():
    println(add(1, 2) + sub(1, 1) + mul(1, 1) + div(1, 1) + rem(1, 1))
    println(div4(1) + rem3(1) + neg(0) + shl(1, 1) + shr(1, 1))
"""


@pytest.mark.parametrize("name", TYPES)
def test_operators_match_arith(name: str, compiled: Callable[..., Any]) -> None:
    program = compiled(cells_for(name))

    def fn(cell: str) -> Callable[..., object]:
        return program.function(QualName(("t",), cell))  # type: ignore[no-any-return]

    values = edge_values(name)
    for a, b in itertools.product(values, values):
        for cell, op in (("add", "+"), ("sub", "-"), ("mul", "*"), ("div", "/"), ("rem", "%")):
            got = outcome(lambda: fn(cell)(a, b))  # noqa: B023
            want = outcome(lambda: arith.int_binary(op, a, b, name))  # noqa: B023
            assert got == want, (cell, name, a, b)
    for a in values:
        assert outcome(lambda: fn("div4")(a)) == outcome(lambda: arith.int_binary("/", a, 4, name))  # noqa: B023
        assert outcome(lambda: fn("rem3")(a)) == outcome(lambda: arith.int_binary("%", a, 3, name))  # noqa: B023
        assert outcome(lambda: fn("neg")(a)) == outcome(lambda: arith.int_neg(a, name))  # noqa: B023
        for n in (0, 1, 7, 31, 63, 64, 65):
            got = outcome(lambda: fn("shl")(a, n))  # noqa: B023
            assert got == outcome(lambda: arith.shl(a, n, name)), (name, a, n)  # noqa: B023
            got = outcome(lambda: fn("shr")(a, n))  # noqa: B023
            assert got == outcome(lambda: arith.shr(a, n, name)), (name, a, n)  # noqa: B023


CASTS = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "Int"]


@pytest.mark.parametrize("source", CASTS)
def test_casts_match_arith(source: str, compiled: Callable[..., Any]) -> None:
    cells = "\n".join(f"cell to_{t}(a: {source}) -> {t}:\n    return a as {t}\n" for t in CASTS)
    calls = "\n".join(f"    println(to_{t}(0))" for t in CASTS)
    program = compiled(cells + "\ncell main():\n" + calls + "\n")
    for target in CASTS:
        fn = program.function(QualName(("t",), f"to_{target}"))
        for a in edge_values(source):
            assert outcome(lambda: fn(a)) == outcome(lambda: arith.cast_int(a, target)), (  # noqa: B023
                source,
                target,
                a,
            )
