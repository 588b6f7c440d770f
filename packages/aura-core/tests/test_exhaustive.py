"""Match exhaustiveness and reachability: exact missing-pattern texts, and a brute-force check."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from aura_core import tir
from aura_core.exhaustive import MAX_WITNESSES, MatchReport, check_match
from aura_core.prelude import OPTION, RESULT, option_type, result_type
from aura_core.source import Span
from aura_core.types import (
    BOOL,
    ERROR,
    F64,
    INT,
    STRING,
    Adt,
    Prim,
    QualName,
    Refined,
    Type,
    TypeParam,
)

S = Span(0, 0)
I64 = Prim("i64")
U8 = Prim("u8")
MOD = ("shapes",)

SHAPE_NAME = QualName(MOD, "Shape")
SHAPE = Adt(SHAPE_NAME)
PARSE_ERROR_NAME = QualName(MOD, "ParseError")
COLOR_NAME = QualName(MOD, "Color")
PAIR_NAME = QualName(MOD, "Pair")  # type Pair<A> = enum { Two(A, A), Zero }
BIG_NAME = QualName(MOD, "Big")
POINT = Adt(QualName(MOD, "Point"))  # a record: no enum definition
_A = TypeParam("A", PAIR_NAME)


def enum(
    name: QualName, params: tuple[str, ...], *variants: tuple[str, tuple[Type, ...]]
) -> tir.EnumDef:
    defs = tuple(tir.VariantDef(n, tuple((None, t) for t in fields), S) for n, fields in variants)
    return tir.EnumDef(name, params, defs, True, None, S)


ENUMS = {
    SHAPE_NAME: enum(SHAPE_NAME, (), ("Circle", (F64,)), ("Rect", (F64, F64)), ("Empty", ())),
    PARSE_ERROR_NAME: enum(PARSE_ERROR_NAME, (), ("Empty", ()), ("BadDigit", (STRING,))),
    COLOR_NAME: enum(COLOR_NAME, (), ("Red", ()), ("Green", ()), ("Blue", ())),
    PAIR_NAME: enum(PAIR_NAME, ("A",), ("Two", (_A, _A)), ("Zero", ())),
    BIG_NAME: enum(BIG_NAME, (), *((f"V{i}", ()) for i in range(7))),
}


def lookup(name: QualName) -> tir.EnumDef | None:
    return ENUMS.get(name)


# --------------------------------------------------------------- pattern DSL

W = tir.WildcardPattern(S)


def bind(name: str = "x", t: Type = I64) -> tir.BindPattern:
    return tir.BindPattern(tir.Local(0, name, t, False, S), S)


def var(adt: Type, name: str, *args: tir.Pattern) -> tir.VariantPattern:
    assert isinstance(adt, Adt)
    decl = ENUMS.get(adt.decl)
    names = ["Some", "None"] if adt.decl == OPTION else ["Ok", "Err"]
    if decl is not None:
        names = [v.name for v in decl.variants]
    return tir.VariantPattern(name, names.index(name), args, S)


def some(p: tir.Pattern) -> tir.VariantPattern:
    return tir.VariantPattern("Some", 0, (p,), S)


NONE = tir.VariantPattern("None", 1, (), S)


def ok(p: tir.Pattern) -> tir.VariantPattern:
    return tir.VariantPattern("Ok", 0, (p,), S)


def err(p: tir.Pattern) -> tir.VariantPattern:
    return tir.VariantPattern("Err", 1, (p,), S)


def lit(value: bool | int | str, t: Type = I64) -> tir.LiteralPattern:
    if isinstance(value, bool):
        return tir.LiteralPattern(tir.BoolConst(BOOL, value, span=S), S)
    if isinstance(value, str):
        return tir.LiteralPattern(tir.StrConst(STRING, value, span=S), S)
    return tir.LiteralPattern(tir.IntConst(t, value, span=S), S)


def check(t: Type, *arms: tir.Pattern | tuple[tir.Pattern, bool]) -> MatchReport:
    rows = [a if isinstance(a, tuple) else (a, False) for a in arms]
    return check_match(t, rows, lookup)


def guarded(p: tir.Pattern) -> tuple[tir.Pattern, bool]:
    return (p, True)


# -------------------------------------------------------------- exact texts


def test_missing_enum_variants_are_written_with_their_enum_and_wildcards() -> None:
    r = check(SHAPE, var(SHAPE, "Circle", bind()))
    assert r.missing == ("Shape::Rect(_, _)", "Shape::Empty")
    assert r.missing_message() == "patterns `Shape::Rect(_, _)` and `Shape::Empty` not covered"
    assert not r.exhaustive and r.unreachable == ()


def test_complete_enum_match() -> None:
    r = check(SHAPE, var(SHAPE, "Circle", W), var(SHAPE, "Rect", W, bind()), var(SHAPE, "Empty"))
    assert r.exhaustive and r.missing == () and r.missing_message() == ""


def test_option_and_result_need_no_prefix() -> None:
    assert check(option_type(I64), some(bind())).missing == ("None",)
    assert check(option_type(I64), NONE).missing == ("Some(_)",)
    assert check(option_type(I64), NONE).missing_message() == "pattern `Some(_)` not covered"
    r = check(option_type(BOOL), some(lit(True)))
    assert r.missing == ("Some(false)", "None")


def test_nested_variants() -> None:
    t = result_type(I64, Adt(PARSE_ERROR_NAME))
    pe = Adt(PARSE_ERROR_NAME)
    r = check(t, ok(W), err(var(pe, "BadDigit", W)))
    assert r.missing == ("Err(ParseError::Empty)",)
    r = check(t, err(W))
    assert r.missing == ("Ok(_)",)


def test_bool_literals() -> None:
    assert check(BOOL, lit(True)).missing == ("false",)
    assert check(BOOL, lit(False)).missing == ("true",)
    assert check(BOOL, lit(True), lit(False)).exhaustive


def test_infinite_domains_need_a_catch_all() -> None:
    assert check(I64, lit(0), lit(1), lit(-1)).missing == ("_",)
    assert check(STRING, lit("a"), lit("b")).missing == ("_",)
    assert check(F64, guarded(bind("x", F64))).missing == ("_",)
    assert check(INT, lit(0, INT), bind("n", INT)).exhaustive
    assert check(option_type(I64), some(lit(3)), NONE).missing == ("Some(_)",)


def test_all_values_of_a_small_fixed_width_type() -> None:
    every = [lit(v, U8) for v in range(256)]
    assert check(U8, *every).exhaustive
    assert check(U8, *every[:-1]).missing == ("_",)
    r = check(U8, *every, W)
    assert r.exhaustive and r.unreachable == (256,)
    i8 = Prim("i8")
    assert check(i8, *[lit(v, i8) for v in range(-128, 128)]).exhaustive


def test_guarded_arms_do_not_count() -> None:
    r = check(option_type(I64), guarded(some(bind())), NONE)
    assert r.missing == ("Some(_)",)
    r = check(BOOL, guarded(lit(True)), lit(False))
    assert r.missing == ("true",)
    r = check(option_type(I64), guarded(some(bind())), some(bind()), NONE)
    assert r.exhaustive and r.unreachable == ()


def test_unreachable_arms() -> None:
    assert check(I64, lit(1), W, lit(2), bind()).unreachable == (2, 3)
    assert check(I64, lit(1), lit(1)).unreachable == (1,)
    assert check(STRING, lit("a"), lit("b"), lit("a"), W).unreachable == (2,)
    r = check(option_type(BOOL), some(lit(True)), some(lit(False)), some(W), NONE)
    assert r.unreachable == (2,) and r.exhaustive
    # A guarded arm after a catch-all is unreachable too.
    assert check(BOOL, W, guarded(lit(True))).unreachable == (1,)
    # Arms after a complete set of variants.
    assert check(
        SHAPE, var(SHAPE, "Circle", W), var(SHAPE, "Rect", W, W), var(SHAPE, "Empty"), W
    ).unreachable == (3,)


def test_generic_enum_fields_are_instantiated() -> None:
    pair_bool = Adt(PAIR_NAME, (BOOL,))
    r = check(
        pair_bool,
        var(pair_bool, "Two", lit(True), W),
        var(pair_bool, "Two", lit(False), lit(True)),
    )
    assert r.missing == ("Pair::Two(false, false)", "Pair::Zero")
    pair_opt = Adt(PAIR_NAME, (option_type(I64),))
    r = check(pair_opt, var(pair_opt, "Two", some(W), NONE), var(pair_opt, "Zero"))
    assert r.missing == ("Pair::Two(Some(_), Some(_))", "Pair::Two(None, _)")


def test_witness_list_is_summarised() -> None:
    big = Adt(BIG_NAME)
    r = check(big, var(big, "V0"))
    assert r.missing == tuple(f"Big::V{i}" for i in range(1, 7))
    assert r.missing_message() == "patterns `Big::V1`, `Big::V2`, `Big::V3` and 3 more not covered"
    r = check(big, var(big, "V0"), var(big, "V1"), var(big, "V2"), var(big, "V3"))
    assert r.missing_message() == "patterns `Big::V4`, `Big::V5` and `Big::V6` not covered"


def test_very_many_missing_patterns_are_cut() -> None:
    # Pair<Pair<Big>> with arms Two(Two(Vi, Vi), Two(Vj, Vj)) leaves hundreds of witnesses.
    big = Adt(BIG_NAME)
    p1 = Adt(PAIR_NAME, (big,))
    p2 = Adt(PAIR_NAME, (p1,))

    def same(i: int) -> tir.Pattern:
        return var(p1, "Two", var(big, f"V{i}"), var(big, f"V{i}"))

    arms = [var(p2, "Two", same(i), same(j)) for i in range(7) for j in range(7)]
    r = check(p2, *arms)
    assert len(r.missing) == MAX_WITNESSES and r.more_missing
    assert r.missing[0] == "Pair::Two(Pair::Two(Big::V0, Big::V0), Pair::Two(Big::V0, Big::V1))"
    assert r.missing_message().endswith("` and more not covered")


def test_missing_patterns_are_patterns() -> None:
    r = check(option_type(BOOL), some(lit(True)))
    first, second = r.missing_patterns
    assert first == tir.VariantPattern("Some", 0, (lit(False),), S)
    assert second == tir.VariantPattern("None", 1, (), S)
    assert check(I64, lit(1)).missing_patterns == (W,)


def test_string_witnesses_are_never_literals_but_quoting_is_right() -> None:
    # Strings have an infinite domain: the witness is `_` however many literals appear.
    assert check(STRING, lit('say "{hi}"\n')).missing == ("_",)


def test_records_type_parameters_and_refinements() -> None:
    assert check(POINT, bind("p", POINT)).exhaustive
    assert check(POINT, guarded(W)).missing == ("_",)
    assert check(POINT, W, W).unreachable == (1,)
    t = TypeParam("T", QualName(MOD, "first"))
    assert check(t, bind("x", t)).exhaustive
    refined = Refined(
        BOOL, tir.Local(0, "b", BOOL, False, S), tir.BoolConst(BOOL, True, span=S), ("t",)
    )
    assert check(refined, lit(True)).missing == ("false",)


def test_errors_do_not_cascade() -> None:
    assert check(ERROR, lit(1), lit(1)) == MatchReport((), (), False, ())
    unknown = Adt(QualName(MOD, "Unknown"))
    r = check(unknown, tir.VariantPattern("A", 0, (), S), tir.VariantPattern("A", 0, (), S))
    assert r.exhaustive and r.unreachable == ()
    assert check(option_type(ERROR), some(lit(1))).missing == ("None",)
    # Option given no type argument by a broken signature.
    assert check(Adt(OPTION), some(lit(1)), NONE).exhaustive


def test_result_scrutinee_constant_names() -> None:
    assert RESULT.name == "Result"
    assert check(result_type(BOOL, BOOL), ok(lit(True)), err(W)).missing == ("Ok(false)",)


# ------------------------------------------------------ brute-force property

Value = tuple[int | bool, tuple["Value", ...]]


def fields_of(t: Type) -> list[tuple[Type, ...]]:
    """The field types of each variant of an instantiated enum."""
    assert isinstance(t, Adt)
    if t.decl == OPTION:
        return [(t.args[0],), ()]
    if t.decl == RESULT:
        return [(t.args[0],), (t.args[1],)]
    decl = ENUMS[t.decl]
    sub = {TypeParam(n, decl.name): a for n, a in zip(decl.type_params, t.args, strict=True)}
    return [
        tuple(sub[ft] if isinstance(ft, TypeParam) else ft for _, ft in v.fields)
        for v in decl.variants
    ]


def values_of(t: Type) -> Iterator[Value]:
    if t == BOOL:
        yield (True, ())
        yield (False, ())
        return
    for index, types in enumerate(fields_of(t)):
        for args in itertools.product(*(list(values_of(ft)) for ft in types)):
            yield (index, tuple(args))


def matches(p: tir.Pattern, v: Value) -> bool:
    if isinstance(p, tir.WildcardPattern | tir.BindPattern):
        return True
    if isinstance(p, tir.LiteralPattern):
        return p.value.value == v[0]
    return p.index == v[0] and all(matches(a, x) for a, x in zip(p.args, v[1], strict=True))


def types_(depth: int) -> st.SearchStrategy[Type]:
    leaves: st.SearchStrategy[Type] = st.sampled_from([BOOL, Adt(COLOR_NAME)])
    if depth == 0:
        return leaves
    inner = types_(depth - 1)
    return st.one_of(
        leaves,
        inner.map(option_type),
        st.tuples(inner, inner).map(lambda ab: result_type(*ab)),
        inner.map(lambda a: Adt(PAIR_NAME, (a,))),
    )


@st.composite
def patterns(draw: st.DrawFn, t: Type) -> tir.Pattern:
    if draw(st.integers(0, 3)) == 0:
        return W
    if t == BOOL:
        return lit(draw(st.booleans()))
    variants = fields_of(t)
    index = draw(st.integers(0, len(variants) - 1))
    subs = tuple(draw(patterns(ft)) for ft in variants[index])
    return tir.VariantPattern(f"V{index}", index, subs, S)


@st.composite
def matches_of(draw: st.DrawFn) -> tuple[Type, list[tuple[tir.Pattern, bool]]]:
    t = draw(types_(2))
    arms = draw(st.lists(st.tuples(patterns(t), st.booleans()), min_size=1, max_size=7))
    return t, arms


@settings(max_examples=300)
@given(matches_of())
def test_against_enumeration_of_all_values(
    case: tuple[Type, list[tuple[tir.Pattern, bool]]],
) -> None:
    t, arms = case
    report = check_match(t, arms, lookup)
    everything = list(values_of(t))
    unguarded = [p for p, g in arms if not g]
    uncovered = [v for v in everything if not any(matches(p, v) for p in unguarded)]
    assert not report.more_missing
    # Every uncovered value matches a witness, and every value a witness matches is uncovered.
    by_witness = [v for v in everything if any(matches(w, v) for w in report.missing_patterns)]
    assert by_witness == uncovered
    assert report.exhaustive == (not uncovered)
    unreachable = [
        i
        for i, (p, _) in enumerate(arms)
        if not any(
            matches(p, v) and not any(matches(q, v) for q, g in arms[:i] if not g)
            for v in everything
        )
    ]
    assert list(report.unreachable) == unreachable
