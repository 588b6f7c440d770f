"""Counterexample values are printed in Aura syntax."""

from __future__ import annotations

import z3

from aura_core import prelude, tir
from aura_core.syntax import string_literal
from aura_core.types import F64, INT, STRING, VecType
from aura_verify.counterexample import show
from aura_verify.sorts import Sorts

EMPTY = tir.Program({}, {})


def model_of(*facts: z3.BoolRef) -> z3.ModelRef:
    s = z3.Solver()
    s.add(*facts)
    assert s.check() == z3.sat
    return s.model()


def test_string_literals() -> None:
    assert string_literal('a"b\\c') == '"a\\"b\\\\c"'
    assert string_literal("x = {x}\n") == '"x = \\{x\\}\\n"'
    assert string_literal("\x01") == '"\\u{1}"'


def test_integers_vectors_strings_floats() -> None:
    sorts = Sorts(EMPTY)
    x = z3.Int("x")
    v = z3.Const("v", z3.SeqSort(z3.IntSort()))
    s = z3.String("s")
    f = z3.FP("f", z3.Float64())
    m = model_of(
        x == -9223372036854775808,
        v == z3.Concat(z3.Unit(z3.IntVal(0)), z3.Unit(z3.IntVal(5))),
        s == z3.StringVal("hi\n"),
        f == z3.FPVal(0.1, z3.Float64()),
    )
    assert show(m, x, INT, sorts) == "-9223372036854775808"
    assert show(m, v, VecType(INT), sorts) == "[0, 5]"
    assert show(m, s, STRING, sorts) == '"hi\\n"'
    assert show(m, f, F64, sorts) == "0.1"


def test_options() -> None:
    sorts = Sorts(EMPTY)
    t = prelude.option_type(INT)
    info = sorts.adt(t)
    o = z3.Const("o", info.sort)
    m = model_of(o == info.ctor(prelude.SOME)(z3.IntVal(3)))
    assert show(m, o, t, sorts) == "Some(3)"
    m = model_of(o == info.ctor(prelude.NONE)())
    assert show(m, o, t, sorts) == "None"


def test_special_floats_are_shown_in_the_text_form() -> None:
    # Z3 leaves a NaN's bits unspecified; it must not be shown as 0.0.
    sorts = Sorts(EMPTY)
    f = z3.FP("f", z3.Float64())
    cases = [
        (z3.fpIsNaN(f), "nan"),
        (z3.And(z3.fpIsInf(f), z3.fpIsPositive(f)), "inf"),
        (z3.And(z3.fpIsInf(f), z3.fpIsNegative(f)), "-inf"),
        (z3.And(z3.fpIsZero(f), z3.fpIsNegative(f)), "-0.0"),
        (f == z3.FPVal(-2.5, z3.Float64()), "-2.5"),
    ]
    for fact, text in cases:
        assert show(model_of(fact), f, F64, sorts) == text
