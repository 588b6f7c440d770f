"""The integer encodings agree with aura_core.arith, the run-time semantics."""

from __future__ import annotations

import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from aura_core import arith
from aura_core.types import FIXED_WIDTH, fixed_width_range
from aura_verify import intops

NAMES = sorted(FIXED_WIDTH)


def value(t: z3.ExprRef) -> int:
    v = z3.simplify(t)
    assert z3.is_int_value(v), v
    return int(v.as_long())


@st.composite
def typed_pair(draw: st.DrawFn) -> tuple[str, int, int]:
    name = draw(st.sampled_from(NAMES))
    lo, hi = fixed_width_range(name)
    return name, draw(st.integers(lo, hi)), draw(st.integers(lo, hi))


@settings(max_examples=300)
@given(st.integers(-(2**70), 2**70), st.integers(-(2**70), 2**70).filter(bool))
def test_truncating_division(a: int, b: int) -> None:
    assert value(intops.tdiv(z3.IntVal(a), z3.IntVal(b))) == arith.div(a, b)
    assert value(intops.trem(z3.IntVal(a), z3.IntVal(b))) == arith.rem(a, b)


@settings(max_examples=200)
@given(st.integers(-1000, 1000), st.integers(-50, 50).filter(bool))
def test_division_by_a_symbolic_divisor(a: int, b: int) -> None:
    x, y = z3.Ints("x y")
    s = z3.Solver()
    s.add(x == a, y == b)
    s.add(z3.Or(intops.tdiv(x, y) != arith.div(a, b), intops.trem(x, y) != arith.rem(a, b)))
    assert s.check() == z3.unsat


@settings(max_examples=300)
@given(typed_pair(), st.sampled_from(["&", "|", "^"]))
def test_bitwise(pair: tuple[str, int, int], op: str) -> None:
    name, a, b = pair
    got = value(intops.bitwise(op, z3.IntVal(a), z3.IntVal(b), name))
    assert got == arith.int_binary(op, a, b, name)


@settings(max_examples=300)
@given(typed_pair(), st.sampled_from(["<<", ">>"]), st.data())
def test_shifts(pair: tuple[str, int, int], op: str, data: st.DataObject) -> None:
    name, a, _ = pair
    n = data.draw(st.integers(0, FIXED_WIDTH[name][0] - 1))
    got = intops.shift(op, z3.IntVal(a), z3.IntVal(n), name)
    assert got is not None
    assert value(got) == arith.int_binary(op, a, n, name)


@given(st.integers(-(2**80), 2**80), st.integers(0, 100), st.sampled_from(["<<", ">>"]))
def test_int_shifts_by_constants(a: int, n: int, op: str) -> None:
    got = intops.shift(op, z3.IntVal(a), z3.IntVal(n), "Int")
    assert got is not None and value(got) == arith.int_binary(op, a, n, "Int")


@settings(max_examples=300)
@given(typed_pair())
def test_not_wrap_and_rotate(pair: tuple[str, int, int]) -> None:
    name, a, b = pair
    assert value(intops.bitnot(z3.IntVal(a), name)) == arith.bitnot(a, name)
    assert value(intops.wrap(z3.IntVal(a + b), name)) == arith.wrapping("+", a, b, name)
    assert value(intops.wrap(z3.IntVal(a * b), name)) == arith.wrapping("*", a, b, name)
    n = abs(b) % 200
    assert value(intops.rotate(z3.IntVal(a), z3.IntVal(n), name, True)) == arith.rotate_left(
        a, n, name
    )
    assert value(intops.rotate(z3.IntVal(a), z3.IntVal(n), name, False)) == arith.rotate_right(
        a, n, name
    )


def test_ranges() -> None:
    x = z3.Int("x")
    assert z3.is_true(z3.simplify(intops.in_range(x, "Int")))
    s = z3.Solver()
    s.add(intops.in_range(x, "u8"), z3.Or(x < 0, x > 255))
    assert s.check() == z3.unsat
