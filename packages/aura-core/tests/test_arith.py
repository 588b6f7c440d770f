"""Integer and float semantics of spec sections 7.1, 7.2 and 7.4 against reference definitions."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from aura_core import arith
from aura_core.arith import (
    ArithmeticOverflow,
    AuraArithmeticError,
    DivisionByZero,
    ShiftOutOfRange,
)
from aura_core.types import FIXED_WIDTH, fixed_width_range

FIXED = sorted(FIXED_WIDTH)
INTEGERS = [*FIXED, "Int"]


def values(type_name: str) -> st.SearchStrategy[int]:
    if type_name == "Int":
        return st.integers()
    lo, hi = fixed_width_range(type_name)
    return st.integers(lo, hi)


@st.composite
def typed_pair(draw: st.DrawFn) -> tuple[str, int, int]:
    t = draw(st.sampled_from(INTEGERS))
    return t, draw(values(t)), draw(values(t))


def failure(compute: Callable[[], object], kind: type[AuraArithmeticError]) -> str:
    """The message of the error ``compute`` raises, which must be of ``kind``."""
    with pytest.raises(kind) as info:
        compute()
    assert str(info.value) == info.value.message
    return info.value.message


def ref_wrap(value: int, type_name: str) -> int:
    """Two's complement through a byte buffer, independently of arith.wrap."""
    bits, signed = FIXED_WIDTH[type_name]
    raw = (value & ((1 << bits) - 1)).to_bytes(bits // 8, "little")
    return int.from_bytes(raw, "little", signed=signed)


# ----------------------------------------------------------------- division


def test_division_examples_of_the_spec() -> None:
    assert arith.div(-7, 2) == -3
    assert arith.rem(-7, 2) == -1
    assert arith.div(7, -2) == -3
    assert arith.rem(7, -2) == 1
    assert arith.div(-7, -2) == 3
    assert arith.rem(-7, -2) == -1


@given(st.integers(), st.integers().filter(lambda b: b != 0))
def test_div_truncates_toward_zero(a: int, b: int) -> None:
    q, r = arith.div(a, b), arith.rem(a, b)
    assert q == math.trunc(Fraction(a, b))
    assert a == b * q + r
    assert abs(r) < abs(b)
    assert r == 0 or (r < 0) == (a < 0)


def test_division_by_zero() -> None:
    assert failure(lambda: arith.div(1, 0), DivisionByZero) == "division by zero"
    assert failure(lambda: arith.rem(1, 0), DivisionByZero) == "remainder by zero"
    with pytest.raises(DivisionByZero):
        arith.int_binary("/", 0, 0, "u8")


def test_min_divided_by_minus_one_overflows_but_remainder_is_zero() -> None:
    with pytest.raises(ArithmeticOverflow, match="9223372036854775808 does not fit in i64"):
        arith.int_binary("/", -(2**63), -1, "i64")
    assert arith.int_binary("%", -(2**63), -1, "i64") == 0
    assert arith.int_binary("/", -(2**63), -1, "Int") == 2**63


# -------------------------------------------------------------------- range


def test_overflow_message() -> None:
    with pytest.raises(ArithmeticOverflow) as info:
        arith.check_range(300, "u8")
    assert info.value.message == "integer overflow: 300 does not fit in u8"
    assert str(info.value) == info.value.message
    assert failure(lambda: arith.int_binary("-", 0, 1, "u64"), ArithmeticOverflow) == (
        "integer overflow: -1 does not fit in u64"
    )


def test_int_is_unbounded_and_unknown_names_are_rejected() -> None:
    assert arith.check_range(10**100, "Int") == 10**100
    with pytest.raises(ValueError):
        arith.check_range(1, "f64")


@given(typed_pair(), st.sampled_from(["+", "-", "*"]))
def test_checked_operators_match_exact_arithmetic(case: tuple[str, int, int], op: str) -> None:
    t, a, b = case
    exact = {"+": a + b, "-": a - b, "*": a * b}[op]
    lo, hi = fixed_width_range(t) if t != "Int" else (exact, exact)
    if lo <= exact <= hi:
        assert arith.int_binary(op, a, b, t) == exact
        assert arith.checked(op, a, b, t) == exact
    else:
        with pytest.raises(ArithmeticOverflow):
            arith.int_binary(op, a, b, t)
        assert arith.checked(op, a, b, t) is None


@given(st.sampled_from(FIXED), st.integers(-(2**80), 2**80))
def test_wrap_is_twos_complement(t: str, value: int) -> None:
    assert arith.wrap(value, t) == ref_wrap(value, t)


@given(typed_pair(), st.sampled_from(["+", "-", "*"]))
def test_wrapping_operators(case: tuple[str, int, int], op: str) -> None:
    t, a, b = case
    exact = {"+": a + b, "-": a - b, "*": a * b}[op]
    assert arith.wrapping(op, a, b, t) == (exact if t == "Int" else ref_wrap(exact, t))


def test_wrapping_examples() -> None:
    assert arith.wrapping("+", 255, 1, "u8") == 0
    assert arith.wrapping("+", 127, 1, "i8") == -128
    assert arith.wrapping("-", 0, 1, "u32") == 2**32 - 1
    assert arith.wrapping("*", 2**62, 4, "i64") == 0


def test_negation_and_abs() -> None:
    assert arith.int_neg(-127, "i8") == 127
    with pytest.raises(ArithmeticOverflow, match="128 does not fit in i8"):
        arith.int_neg(-128, "i8")
    with pytest.raises(ArithmeticOverflow, match="-1 does not fit in u8"):
        arith.int_neg(1, "u8")
    assert arith.int_neg(0, "u8") == 0
    with pytest.raises(ArithmeticOverflow):
        arith.int_abs(-(2**63), "i64")
    assert arith.int_abs(-5, "Int") == 5


@given(st.sampled_from(INTEGERS), st.integers(-(2**70), 2**70))
def test_cast_int_is_checked(t: str, value: int) -> None:
    lo, hi = fixed_width_range(t) if t != "Int" else (value, value)
    if lo <= value <= hi:
        assert arith.cast_int(value, t) == value
    else:
        message = failure(lambda: arith.cast_int(value, t), ArithmeticOverflow)
        assert message == f"integer overflow: {value} does not fit in {t}"


# ------------------------------------------------------------------- shifts


@given(st.sampled_from(FIXED), st.data())
def test_shifts_against_reference(t: str, data: st.DataObject) -> None:
    bits, _ = FIXED_WIDTH[t]
    a = data.draw(values(t))
    n = data.draw(st.integers(0, bits - 1))
    assert arith.shl(a, n, t) == ref_wrap(a * 2**n, t)
    assert arith.shr(a, n, t) == a // 2**n  # floor: arithmetic for signed, logical for unsigned


def test_shift_examples() -> None:
    assert arith.shl(1, 7, "i8") == -128
    assert arith.shl(0xFF, 4, "u8") == 0xF0
    assert arith.shr(-8, 1, "i64") == -4
    assert arith.shr(-1, 63, "i64") == -1
    assert arith.shr(2**64 - 1, 63, "u64") == 1
    assert arith.shl(3, 200, "Int") == 3 * 2**200
    assert arith.shr(-(2**200), 500, "Int") == -1


def test_shift_out_of_range() -> None:
    cases = [
        (lambda: arith.shl(1, 64, "i64"), "shift by 64 is out of range for i64"),
        (lambda: arith.shr(1, 8, "u8"), "shift by 8 is out of range for u8"),
        (lambda: arith.int_binary(">>", 1, -1, "i32"), "shift by -1 is out of range for i32"),
        (lambda: arith.shl(1, -1, "Int"), "shift by -1 is out of range for Int"),
    ]
    for compute, message in cases:
        assert failure(compute, ShiftOutOfRange) == message


def test_int_shift_that_would_exhaust_memory_overflows() -> None:
    with pytest.raises(ArithmeticOverflow, match="too large for Int"):
        arith.shl(1, 2**40, "Int")
    assert arith.shl(0, 2**40, "Int") == 0


# ------------------------------------------------------------ bits and pow


@given(st.sampled_from(INTEGERS), st.data())
def test_bitnot(t: str, data: st.DataObject) -> None:
    a = data.draw(values(t))
    expected = ~a if t == "Int" else ref_wrap(~a, t)
    assert arith.bitnot(a, t) == expected
    assert arith.bitnot(arith.bitnot(a, t), t) == a


def test_bitnot_examples() -> None:
    assert arith.bitnot(0, "u8") == 255
    assert arith.bitnot(0, "i8") == -1
    assert arith.bitnot(5, "u32") == 2**32 - 6


@given(st.sampled_from(FIXED), st.data())
def test_rotations(t: str, data: st.DataObject) -> None:
    bits, _ = FIXED_WIDTH[t]
    a = data.draw(values(t))
    n = data.draw(st.integers(0, 2**32 - 1))
    k = n % bits
    u = a & ((1 << bits) - 1)
    expected = ref_wrap((u << k) | (u >> (bits - k)), t)
    assert arith.rotate_left(a, n, t) == expected
    assert arith.rotate_right(expected, n, t) == a


def test_rotation_examples() -> None:
    assert arith.rotate_left(0b1000_0001, 1, "u8") == 0b0000_0011
    assert arith.rotate_right(1, 1, "i8") == -128
    assert arith.rotate_left(5, 64, "u64") == 5
    with pytest.raises(ValueError):
        arith.rotate_left(1, 1, "Int")


@given(st.sampled_from(INTEGERS), st.data())
def test_pow_is_checked(t: str, data: st.DataObject) -> None:
    a = data.draw(values(t) if t != "Int" else st.integers(-1000, 1000))
    e = data.draw(st.integers(0, 70))
    exact = a**e
    if t == "Int" or fixed_width_range(t)[0] <= exact <= fixed_width_range(t)[1]:
        assert arith.int_pow(a, e, t) == exact
    else:
        with pytest.raises(ArithmeticOverflow):
            arith.int_pow(a, e, t)


def test_pow_with_huge_exponents_is_fast() -> None:
    assert arith.int_pow(-1, 2**32 - 1, "i64") == -1
    assert arith.int_pow(1, 2**32 - 1, "u8") == 1
    assert arith.int_pow(-2, 63, "i64") == -(2**63)
    assert failure(lambda: arith.int_pow(2, 2**32 - 1, "u64"), ArithmeticOverflow) == (
        "integer overflow: 2 to the power 4294967295 does not fit in u64"
    )
    with pytest.raises(ArithmeticOverflow, match="too large for Int"):
        arith.int_pow(2, 2**32 - 1, "Int")


# ------------------------------------------------------------------ floats


@given(st.sampled_from(INTEGERS), st.floats(allow_nan=False, allow_infinity=False))
def test_float_to_int_truncates_and_checks(t: str, x: float) -> None:
    whole = math.trunc(Fraction(x))
    lo, hi = fixed_width_range(t) if t != "Int" else (whole, whole)
    if lo <= whole <= hi:
        assert arith.float_to_int(x, t) == whole
    else:
        message = failure(lambda: arith.float_to_int(x, t), ArithmeticOverflow)
        assert message == f"cannot convert {arith.format_float(x)} to {t}: out of range"


def test_float_to_int_boundaries() -> None:
    assert arith.float_to_int(-0.9, "u8") == 0
    assert arith.float_to_int(255.99, "u8") == 255
    assert arith.float_to_int(-2.5, "i64") == -2
    assert arith.float_to_int(-9223372036854775808.0, "i64") == -(2**63)
    cases = [
        # 9223372036854775807.0 is 2^63 as a float.
        (9223372036854775807.0, "i64", "9.223372036854776e+18 to i64: out of range"),
        (256.0, "u8", "256.0 to u8: out of range"),
        (math.nan, "i32", "nan to i32: not a number"),
        (-math.inf, "Int", "-inf to Int: out of range"),
    ]
    for x, t, message in cases:
        with pytest.raises(ArithmeticOverflow) as info:
            arith.float_to_int(x, t)
        assert info.value.message == f"cannot convert {message}"
    assert arith.float_to_int(1e300, "Int") == int(1e300)


def test_int_to_float() -> None:
    assert arith.int_to_float(2**53 + 1) == 2.0**53  # nearest, ties to even
    assert arith.int_to_float(10**400) == math.inf
    assert arith.int_to_float(-(10**400)) == -math.inf


def test_float_division_and_remainder_follow_ieee() -> None:
    assert arith.float_div(1.0, 0.0) == math.inf
    assert arith.float_div(-1.0, 0.0) == -math.inf
    assert arith.float_div(1.0, -0.0) == -math.inf
    assert math.isnan(arith.float_div(0.0, 0.0))
    assert arith.float_div(7.0, 2.0) == 3.5
    assert arith.float_rem(-7.5, 2.0) == -1.5
    assert arith.float_rem(7.5, -2.0) == 1.5
    assert math.isnan(arith.float_rem(1.0, 0.0))
    assert math.isnan(arith.float_rem(math.inf, 1.0))
    assert arith.float_rem(5.0, math.inf) == 5.0


def test_round_half_away_from_zero() -> None:
    cases = [(0.5, 1.0), (1.5, 2.0), (2.5, 3.0), (-0.5, -1.0), (-2.5, -3.0), (2.4, 2.0)]
    for x, expected in cases:
        assert arith.round_half_away(x) == expected
    assert arith.round_half_away(0.49999999999999994) == 0.0
    assert math.copysign(1.0, arith.round_half_away(-0.3)) == -1.0
    assert arith.round_half_away(4503599627370497.0) == 4503599627370497.0
    assert arith.round_half_away(math.inf) == math.inf


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_round_half_away_against_fractions(x: float) -> None:
    f = Fraction(x)
    expected = math.floor(abs(f) + Fraction(1, 2)) * (1 if x >= 0 else -1)
    assert arith.round_half_away(x) == expected


def test_format_float_is_python_repr() -> None:
    cases = {
        0.1: "0.1",
        1.0: "1.0",
        1e-9: "1e-09",
        1e16: "1e+16",
        123456789.0: "123456789.0",
        2.5e-5: "2.5e-05",
        -0.0: "-0.0",
        math.inf: "inf",
        -math.inf: "-inf",
        math.nan: "nan",
        0.1 + 0.2: "0.30000000000000004",
    }
    for x, text in cases.items():
        assert arith.format_float(x) == text


@given(st.floats())
def test_format_float_round_trips(x: float) -> None:
    assume(not math.isnan(x))
    text = arith.format_float(x)
    back = float(text)
    assert struct.pack("<d", back) == struct.pack("<d", x)
