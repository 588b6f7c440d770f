"""The built-in method table of spec section 6: names, instantiated signatures, restrictions."""

from __future__ import annotations

import pytest

from aura_core import tir
from aura_core.methods import (
    ANY_INT,
    MethodSig,
    builtin_method,
    is_comparable,
    method_names,
    static_function,
    static_function_names,
    unavailable_reason,
)
from aura_core.prelude import (
    ERR,
    NONE,
    OK,
    OPTION,
    OPTION_DEF,
    RESULT,
    RESULT_DEF,
    SOME,
    option_type,
    prelude_enum,
    result_type,
)
from aura_core.source import Span
from aura_core.types import (
    BOOL,
    ERROR,
    F64,
    INT,
    STRING,
    Adt,
    Handle,
    MapType,
    Prim,
    QualName,
    Refined,
    Type,
    TypeParam,
    VecType,
)

I64 = Prim("i64")
U8 = Prim("u8")
U32 = Prim("u32")
POINT = Adt(QualName(("geo",), "Point"))
T = TypeParam("T", QualName(("m",), "first"))


def sig(receiver: Type, name: str) -> MethodSig:
    s = builtin_method(receiver, name)
    assert s is not None, f"{receiver}.{name}"
    return s


def sig_text(receiver: Type, name: str) -> str:
    return str(sig(receiver, name))


# ------------------------------------------------------------------ prelude


def test_prelude_names_and_variant_indexes() -> None:
    assert str(OPTION) == "std::prelude::Option"
    assert str(RESULT) == "std::prelude::Result"
    assert (SOME, NONE, OK, ERR) == (0, 1, 0, 1)
    assert [v.name for v in OPTION_DEF.variants] == ["Some", "None"]
    assert [v.name for v in RESULT_DEF.variants] == ["Ok", "Err"]
    assert str(option_type(I64)) == "Option<i64>"
    assert str(result_type(I64, STRING)) == "Result<i64, String>"
    assert prelude_enum(OPTION) is OPTION_DEF
    assert prelude_enum(POINT.decl) is None


# ------------------------------------------------------------- instantiation


@pytest.mark.parametrize(
    ("receiver", "name", "text"),
    [
        (VecType(STRING), "pop", "pop() -> Option<String>"),
        (VecType(I64), "push", "push(x: i64) -> Unit"),
        (VecType(I64), "get", "get(i: {integer}) -> Option<i64>"),
        (VecType(I64), "insert", "insert(i: {integer}, x: i64) -> Unit"),
        (VecType(POINT), "remove", "remove(i: {integer}) -> Point"),
        (VecType(I64), "slice", "slice(a: {integer}, b: {integer}) -> Vec<i64>"),
        (VecType(I64), "concat", "concat(o: Vec<i64>) -> Vec<i64>"),
        (VecType(I64), "len", "len() -> i64"),
        (MapType(STRING, I64), "keys", "keys() -> Vec<String>"),
        (MapType(STRING, F64), "values", "values() -> Vec<f64>"),
        (MapType(STRING, I64), "get", "get(k: String) -> Option<i64>"),
        (MapType(STRING, I64), "insert", "insert(k: String, v: i64) -> Unit"),
        (MapType(STRING, I64), "remove", "remove(k: String) -> Option<i64>"),
        (option_type(I64), "unwrap_or", "unwrap_or(d: i64) -> i64"),
        (option_type(STRING), "expect", "expect(msg: String) -> String"),
        (result_type(I64, STRING), "unwrap_err", "unwrap_err() -> String"),
        (result_type(I64, STRING), "unwrap_or", "unwrap_or(d: i64) -> i64"),
        (U8, "pow", "pow(e: u32) -> u8"),
        (I64, "min", "min(o: i64) -> i64"),
        (U8, "checked_add", "checked_add(o: u8) -> Option<u8>"),
        (INT, "checked_mul", "checked_mul(o: Int) -> Option<Int>"),
        (Prim("i32"), "wrapping_sub", "wrapping_sub(o: i32) -> i32"),
        (Prim("u16"), "rotate_left", "rotate_left(n: u32) -> u16"),
        (I64, "to_string", "to_string() -> String"),
        (F64, "round", "round() -> f64"),
        (F64, "is_nan", "is_nan() -> bool"),
        (F64, "max", "max(o: f64) -> f64"),
        (STRING, "find", "find(s: String) -> Option<i64>"),
        (STRING, "split", "split(sep: String) -> Vec<String>"),
        (STRING, "parse_int", "parse_int() -> Option<i64>"),
        (STRING, "parse_float", "parse_float() -> Option<f64>"),
        (STRING, "bytes", "bytes() -> Vec<u8>"),
        (STRING, "chars", "chars() -> Vec<String>"),
        (STRING, "repeat", "repeat(n: {integer}) -> String"),
        (STRING, "slice", "slice(a: {integer}, b: {integer}) -> String"),
    ],
)
def test_signatures_are_instantiated(receiver: Type, name: str, text: str) -> None:
    assert sig_text(receiver, name) == text


def test_any_integer_and_exact_u32_parameters() -> None:
    assert sig(VecType(I64), "get").params[0].type == ANY_INT
    assert sig(STRING, "repeat").params[0].type is ANY_INT
    assert sig(I64, "pow").params[0].type == U32
    assert sig(U8, "rotate_right").params[0].type == U32


def test_exactly_the_mutating_methods_mutate() -> None:
    def mutating(receiver: Type) -> list[str]:
        return [n for n in method_names(receiver) if sig(receiver, n).mutates]

    assert mutating(VecType(I64)) == ["insert", "pop", "push", "remove", "reverse", "sort"]
    assert mutating(MapType(STRING, I64)) == ["insert", "remove"]
    for receiver in (STRING, I64, F64, option_type(I64), result_type(I64, STRING)):
        assert mutating(receiver) == []


# -------------------------------------------------------------------- names


def test_method_names_per_kind() -> None:
    assert method_names(U8) == [
        "abs", "checked_add", "checked_mul", "checked_sub", "max", "min", "pow",
        "rotate_left", "rotate_right", "to_string", "wrapping_add", "wrapping_mul",
        "wrapping_sub",
    ]  # fmt: skip
    assert method_names(INT) == [
        "abs", "checked_add", "checked_mul", "checked_sub", "max", "min", "pow", "to_string"
    ]  # fmt: skip
    assert method_names(F64) == [
        "abs", "ceil", "floor", "is_nan", "max", "min", "round", "sqrt", "to_string"
    ]  # fmt: skip
    assert method_names(STRING) == [
        "bytes", "chars", "contains", "ends_with", "find", "is_empty", "len", "parse_float",
        "parse_int", "repeat", "slice", "split", "starts_with", "to_lower", "to_upper", "trim",
    ]  # fmt: skip
    assert method_names(VecType(I64)) == [
        "concat", "contains", "get", "insert", "is_empty", "len", "pop", "push", "remove",
        "reverse", "slice", "sort",
    ]  # fmt: skip
    assert method_names(MapType(STRING, I64)) == [
        "contains_key", "get", "insert", "is_empty", "keys", "len", "remove", "values"
    ]  # fmt: skip
    assert method_names(option_type(I64)) == [
        "expect", "is_none", "is_some", "unwrap", "unwrap_or"
    ]  # fmt: skip
    assert method_names(result_type(I64, STRING)) == [
        "is_err", "is_ok", "unwrap", "unwrap_err", "unwrap_or"
    ]  # fmt: skip


@pytest.mark.parametrize("receiver", [BOOL, Prim("Unit"), POINT, T, ERROR, Handle("Mutex", (I64,))])
def test_types_without_built_in_methods(receiver: Type) -> None:
    assert method_names(receiver) == []
    assert builtin_method(receiver, "len") is None
    assert unavailable_reason(receiver, "len") is None


def test_unknown_method() -> None:
    assert builtin_method(VecType(I64), "length") is None
    assert unavailable_reason(VecType(I64), "length") is None


# -------------------------------------------------------------- restrictions


def test_refined_receiver_behaves_as_its_base() -> None:
    pred = tir.BoolConst(BOOL, True, span=Span(0, 0))
    percent = Refined(I64, tir.Local(0, "p", I64, False, Span(0, 0)), pred, ("t",))
    s = sig(percent, "abs")
    assert s.receiver == I64
    assert s.ret == I64
    assert method_names(percent) == method_names(I64)
    small = Refined(U8, tir.Local(1, "x", U8, False, Span(0, 0)), pred, ("t",))
    assert str(sig(small, "min")) == "min(o: u8) -> u8"


@pytest.mark.parametrize("name", ["wrapping_add", "wrapping_sub", "wrapping_mul"])
def test_wrapping_only_on_fixed_width(name: str) -> None:
    assert builtin_method(INT, name) is None
    assert unavailable_reason(INT, name) == (
        f"`{name}` needs a fixed-width integer type (`i8` ... `u64`), not `Int`"
    )
    assert unavailable_reason(I64, name) is None


def test_rotate_only_on_fixed_width() -> None:
    assert builtin_method(INT, "rotate_left") is None
    assert unavailable_reason(INT, "rotate_right") == (
        "`rotate_right` needs a fixed-width integer type (`i8` ... `u64`), not `Int`"
    )


def test_sort_only_for_primitive_and_string_elements() -> None:
    for elem in (I64, U8, F64, STRING, BOOL, INT):
        assert builtin_method(VecType(elem), "sort") is not None
    assert builtin_method(VecType(POINT), "sort") is None
    assert unavailable_reason(VecType(POINT), "sort") == (
        "`sort` needs elements of a primitive type or `String`, not `Point`"
    )
    assert builtin_method(VecType(VecType(I64)), "sort") is None
    assert builtin_method(VecType(T), "sort") is None
    assert builtin_method(VecType(ERROR), "sort") is not None  # no second diagnostic


def test_contains_needs_comparable_elements() -> None:
    assert builtin_method(VecType(POINT), "contains") is not None
    assert builtin_method(VecType(option_type(I64)), "contains") is not None
    assert builtin_method(VecType(T), "contains") is None
    assert unavailable_reason(VecType(T), "contains") == (
        "`contains` compares elements, and values of `T` cannot be compared"
    )
    assert builtin_method(VecType(option_type(T)), "contains") is None
    assert "contains" not in method_names(VecType(T))
    assert "push" in method_names(VecType(T))


def test_comparability() -> None:
    assert is_comparable(MapType(STRING, VecType(I64)))
    assert not is_comparable(MapType(STRING, VecType(T)))
    assert not is_comparable(Handle("Mutex", (I64,)))
    assert not is_comparable(result_type(I64, T))
    assert is_comparable(ERROR)


def test_option_and_result_of_the_wrong_arity_do_not_crash() -> None:
    assert sig(Adt(OPTION), "unwrap").ret == ERROR
    assert sig(Adt(RESULT, (I64,)), "unwrap_err").ret == ERROR


# ------------------------------------------------------------------ statics


def test_static_functions() -> None:
    new = static_function("Vec", "new")
    assert new is not None and str(new) == "Vec::new() -> Vec<T>"
    assert new.ret == VecType(new.type_params[0])
    filled = static_function("Vec", "filled")
    assert filled is not None
    assert str(filled) == "Vec::filled(n: {integer}, x: T) -> Vec<T>"
    assert filled.params[0].type == ANY_INT
    assert filled.params[1].type == filled.type_params[0]
    map_new = static_function("Map", "new")
    assert map_new is not None and str(map_new) == "Map::new() -> Map<K, V>"
    assert len(map_new.type_params) == 2
    from_bytes = static_function("String", "from_bytes")
    assert from_bytes is not None
    assert str(from_bytes) == "String::from_bytes(v: Vec<u8>) -> Option<String>"
    assert from_bytes.type_params == ()
    assert static_function("Vec", "with_capacity") is None
    assert static_function("Option", "new") is None


def test_static_function_names() -> None:
    assert static_function_names("Vec") == ["filled", "new"]
    assert static_function_names("Map") == ["new"]
    assert static_function_names("String") == ["from_bytes"]
    assert static_function_names("Point") == []


def test_statics_type_parameters_are_distinct_from_user_ones() -> None:
    new = static_function("Vec", "new")
    assert new is not None
    assert new.type_params[0] != TypeParam("T", QualName(("m",), "Vec"))
    assert new.type_params[0].owner.module == ("std", "prelude")
