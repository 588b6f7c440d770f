"""Compile-time evaluation of constant initialisers: values, failures and their messages."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_core import arith, tir
from aura_core.consts import ConstEvalError, eval_const, text_form
from aura_core.source import Span
from aura_core.types import (
    BOOL,
    F64,
    FIXED_WIDTH,
    INT,
    STRING,
    UNIT,
    Prim,
    QualName,
    Refined,
    Type,
    VecType,
    fixed_width_range,
)

I64 = Prim("i64")
U8 = Prim("u8")
I8 = Prim("i8")
U32 = Prim("u32")
U64 = Prim("u64")
S = Span(0, 0)

LIMIT = QualName(("app",), "LIMIT")
NAME = QualName(("app",), "NAME")
CONSTS: dict[QualName, tir.ConstValue] = {LIMIT: 1000, NAME: "aura"}


def at(n: int) -> Span:
    """A distinct span per node, so tests can tell which node failed."""
    return Span(n, n + 1)


def i(value: int, t: Type = I64, n: int = 0) -> tir.IntConst:
    return tir.IntConst(t, value, span=at(n))


def f(value: float) -> tir.FloatConst:
    return tir.FloatConst(F64, value, span=S)


def b(value: bool) -> tir.BoolConst:
    return tir.BoolConst(BOOL, value, span=S)


def s(value: str) -> tir.StrConst:
    return tir.StrConst(STRING, value, span=S)


def bin_(
    op: tir.BinaryOp, left: tir.Expr, right: tir.Expr, t: Type | None = None, n: int = 0
) -> tir.Binary:
    if t is None:
        t = BOOL if op in ("==", "!=", "<", "<=", ">", ">=", "and", "or") else left.type
    return tir.Binary(t, op, left, right, span=at(n))


def cast(e: tir.Expr, t: Type, n: int = 0) -> tir.Cast:
    return tir.Cast(t, e, span=at(n))


def ev(e: tir.Expr) -> tir.ConstValue:
    return eval_const(e, CONSTS.__getitem__)


def failure(e: tir.Expr) -> ConstEvalError:
    with pytest.raises(ConstEvalError) as info:
        ev(e)
    assert str(info.value) == info.value.message
    return info.value


# ------------------------------------------------------------------- values


def test_literals_and_references() -> None:
    assert ev(i(42)) == 42
    assert ev(f(0.5)) == 0.5
    assert ev(b(True)) is True
    assert ev(s("hi")) == "hi"
    assert ev(tir.ConstRef(I64, LIMIT, span=S)) == 1000
    assert ev(bin_("*", tir.ConstRef(I64, LIMIT, span=S), i(3))) == 3000


def test_integer_arithmetic_follows_the_spec() -> None:
    assert ev(bin_("/", i(-7), i(2))) == -3
    assert ev(bin_("%", i(-7), i(2))) == -1
    assert ev(bin_("<<", i(1), i(62))) == 2**62
    assert ev(bin_(">>", i(-8), i(1))) == -4
    assert ev(bin_("&", i(0b1100), i(0b1010))) == 0b1000
    assert ev(bin_("|", i(0b1100), i(0b1010))) == 0b1110
    assert ev(bin_("^", i(0b1100), i(0b1010))) == 0b0110
    assert ev(bin_("+", i(10**30, INT), i(1, INT))) == 10**30 + 1


def test_shift_uses_the_left_operands_type() -> None:
    assert ev(tir.Binary(U8, "<<", i(0xFF, U8), i(4, U32), span=S)) == 0xF0
    err = failure(tir.Binary(U8, "<<", i(1, U8), i(8, I64), span=at(5)))
    assert err.message == "shift by 8 is out of range for u8"
    assert err.span == at(5)


def test_overflow_is_reported_at_the_operation() -> None:
    e = bin_("+", i(1, U8, 1), bin_("+", i(200, U8, 2), i(100, U8, 3), n=4), n=5)
    err = failure(e)
    assert err.message == "integer overflow: 300 does not fit in u8"
    assert err.span == at(4)
    assert err.note is None


def test_division_by_zero() -> None:
    assert failure(bin_("/", i(1), i(0), n=7)).message == "division by zero"
    assert failure(bin_("%", i(1), i(0))).message == "remainder by zero"
    assert failure(bin_("/", i(-(2**63)), i(-1))).message == (
        "integer overflow: 9223372036854775808 does not fit in i64"
    )


def test_unary_operators() -> None:
    assert ev(tir.Unary(I64, "-", i(5), span=S)) == -5
    assert ev(tir.Unary(U8, "~", i(0, U8), span=S)) == 255
    assert ev(tir.Unary(BOOL, "not", b(False), span=S)) is True
    assert ev(tir.Unary(F64, "-", f(0.0), span=S)) == 0.0
    assert math.copysign(1.0, ev(tir.Unary(F64, "-", f(0.0), span=S))) == -1.0  # type: ignore[arg-type]
    err = failure(tir.Unary(I8, "-", i(-128, I8), span=at(3)))
    assert err.message == "integer overflow: 128 does not fit in i8" and err.span == at(3)


def test_float_arithmetic_is_ieee() -> None:
    assert ev(bin_("/", f(1.0), f(0.0))) == math.inf
    assert math.isnan(ev(bin_("/", f(0.0), f(0.0))))  # type: ignore[arg-type]
    assert ev(bin_("%", f(-7.5), f(2.0))) == -1.5
    assert ev(bin_("+", f(0.1), f(0.2))) == 0.30000000000000004
    assert ev(bin_("*", f(1e308), f(10.0))) == math.inf


def test_comparisons() -> None:
    assert ev(bin_("<", i(1), i(2))) is True
    assert ev(bin_(">=", i(1), i(2))) is False
    assert ev(bin_("==", s("a"), s("a"))) is True
    assert ev(bin_("<", s("Z"), s("a"))) is True
    assert ev(bin_("<", s("é"), s("😀"))) is True  # UTF-8 byte order
    assert ev(bin_("==", f(math.nan), f(math.nan))) is False
    assert ev(bin_("!=", f(math.nan), f(math.nan))) is True
    assert ev(bin_("<", f(math.nan), f(1.0))) is False
    assert ev(bin_("==", f(-0.0), f(0.0))) is True
    assert ev(bin_("<", b(False), b(True))) is True


def test_strings() -> None:
    name = tir.ConstRef(STRING, NAME, span=S)
    assert ev(bin_("+", name, s("-lang"))) == "aura-lang"
    parts: tuple[str | tir.Expr, ...] = (
        "limit ",
        tir.ConstRef(I64, LIMIT, span=S),
        ", ",
        f(0.1),
        " ",
        f(1e-9),
        " ",
        b(True),
        " ",
        name,
    )
    assert ev(tir.Interpolation(STRING, parts, span=S)) == "limit 1000, 0.1 1e-09 true aura"


def test_text_form() -> None:
    assert [text_form(v) for v in (1, -2, 1.0, math.inf, False, "x")] == [
        "1", "-2", "1.0", "inf", "false", "x"
    ]  # fmt: skip


def test_and_or_and_conditionals_short_circuit() -> None:
    boom = bin_("==", bin_("/", i(1), i(0)), i(1))
    assert ev(bin_("and", b(False), boom)) is False
    assert ev(bin_("or", b(True), boom)) is True
    assert failure(bin_("and", b(True), boom)).message == "division by zero"
    cond = tir.Conditional(I64, b(True), i(1), bin_("/", i(1), i(0)), span=S)
    assert ev(cond) == 1
    cond = tir.Conditional(I64, bin_(">", i(1), i(2)), i(1), i(2), span=S)
    assert ev(cond) == 2


def test_casts() -> None:
    assert ev(cast(i(200), U8)) == 200
    assert ev(cast(i(2**53 + 1), F64)) == 2.0**53
    assert ev(cast(f(-3.9), I64)) == -3
    assert ev(cast(f(2.5), F64)) == 2.5
    assert ev(cast(i(-1, I64), INT)) == -1
    err = failure(cast(i(300), U8, n=9))
    assert err.message == "integer overflow: 300 does not fit in u8" and err.span == at(9)
    assert failure(cast(i(-1), U64)).message == "integer overflow: -1 does not fit in u64"
    nan = bin_("/", f(0.0), f(0.0))
    assert failure(cast(nan, I64)).message == "cannot convert nan to i64: not a number"
    assert failure(cast(f(1e20), I64)).message == "cannot convert 1e+20 to i64: out of range"


def test_refined_types_use_their_base_for_ranges() -> None:
    percent = Refined(U8, tir.Local(0, "p", U8, False, S), b(True), ("t",))
    assert ev(i(50, percent)) == 50
    assert failure(bin_("+", i(200, percent), i(100, percent), t=percent)).message == (
        "integer overflow: 300 does not fit in u8"
    )


# ----------------------------------------------------------- not constants

_LOCAL = tir.Local(1, "x", I64, False, S)
NOT_CONSTANT: list[tuple[tir.Expr, str]] = [
    (tir.Call(I64, QualName(("app",), "compute"), (), (), span=S), "a call of `compute`"),
    (tir.BuiltinCall(UNIT, "println", (s("x"),), span=S), "a call of `println`"),
    (tir.MethodCall(I64, s("abc"), "len", (), span=S), "a method call (`.len(...)`)"),
    (tir.StaticCall(VecType(I64), "Vec", "new", (), span=S), "a call of `Vec::new`"),
    (tir.LocalRef(I64, _LOCAL, span=S), "the variable `x`"),
    (tir.VecLit(VecType(I64), (i(1),), span=S), "a vector literal"),
    (tir.BytesConst(VecType(U8), b"ab", span=S), "a byte string literal"),
    (tir.UnitConst(UNIT, span=S), "`()`"),
    (tir.FieldGet(I64, tir.LocalRef(I64, _LOCAL, span=S), "x", 0, span=S), "a field access"),
    (tir.ResultRef(I64, span=S), "`result`"),
    (tir.Old(I64, i(1), span=S), "`old(...)`"),
    (bin_("==>", b(True), b(True)), "`==>`"),
]


@pytest.mark.parametrize(("expr", "what"), NOT_CONSTANT)
def test_constructs_that_are_not_constant(expr: tir.Expr, what: str) -> None:
    err = failure(expr)
    assert err.message == f"{what} is not allowed in a constant expression"
    assert err.note == (
        "a constant is computed at compile time from literals, operators, casts and other constants"
    )


def test_the_innermost_non_constant_is_named() -> None:
    call = tir.Call(I64, QualName(("app",), "compute"), (), (), span=at(11))
    err = failure(bin_("+", i(1), bin_("*", i(2), call)))
    assert err.message == "a call of `compute` is not allowed in a constant expression"
    assert err.span == at(11)


# ----------------------------------------------------------------- property

OPS: list[tir.BinaryOp] = ["+", "-", "*", "/", "%", "&", "|", "^"]


@st.composite
def typed_operation(draw: st.DrawFn) -> tuple[str, tir.BinaryOp, int, int]:
    name = draw(st.sampled_from([*sorted(FIXED_WIDTH), "Int"]))
    lo, hi = fixed_width_range(name) if name != "Int" else (-(2**100), 2**100)
    values = st.integers(lo, hi)
    return name, draw(st.sampled_from(OPS)), draw(values), draw(values)


@given(typed_operation())
def test_integer_operations_agree_with_arith(case: tuple[str, tir.BinaryOp, int, int]) -> None:
    name, op, x, y = case
    t = Prim(name)  # type: ignore[arg-type]
    expr = bin_(op, i(x, t), i(y, t))
    try:
        expected: int | str = arith.int_binary(op, x, y, name)
    except arith.AuraArithmeticError as e:
        expected = e.message
    try:
        got: tir.ConstValue = ev(expr)
    except ConstEvalError as e:
        got = e.message
    assert got == expected
