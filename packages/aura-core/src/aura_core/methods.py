"""The built-in methods and static functions of spec section 6, as data.

The checker asks :func:`builtin_method` for the signature of ``e.m(...)`` given
``e``'s type; the language server asks :func:`method_names` for completion and
"did you mean".  Signatures are instantiated for the receiver: on a
``Vec<String>``, ``pop`` returns ``Option<String>``.  A refined receiver has its
base type's methods (a refinement is a transparent subtype), and results are in
the base type, as for arithmetic.

Three things need more than a type to describe:

- parameters that take *any* integer type (indexes and counts: ``get(i)``,
  ``insert(i, x)``, ``remove(i)``, ``slice(a, b)``, ``repeat(n)``,
  ``Vec::filled(n, x)``) have the type :data:`ANY_INT`; an integer literal there
  is an ``i64`` (the default of spec section 1), and a negative or too large
  value is an index error at run time.  ``pow`` and ``rotate_*`` take exactly
  ``u32``, as the spec writes;
- methods that change their receiver (``push``, ``pop``, ``insert``, ``remove``,
  ``sort``, ``reverse``) are marked ``mutates``: the receiver must be a mutable place;
- some methods exist only for some receivers of a kind (``wrapping_*`` and
  ``rotate_*`` not on ``Int``, ``sort`` only over primitive elements, ``contains``
  only over comparable ones).  For those, :func:`builtin_method` gives None and
  :func:`unavailable_reason` says why, so the diagnostic can too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias

from aura_core.prelude import OPTION, PRELUDE_MODULE, RESULT, option_type
from aura_core.types import (
    BOOL,
    ERROR,
    F64,
    FIXED_WIDTH,
    INTEGER_NAMES,
    STRING,
    UNIT,
    Adt,
    ErrorType,
    Handle,
    MapType,
    Prim,
    QualName,
    Type,
    TypeParam,
    VecType,
    strip_refinement,
)

__all__ = [
    "ANY_INT",
    "AnyInt",
    "MethodSig",
    "Param",
    "ParamType",
    "StaticSig",
    "builtin_method",
    "is_comparable",
    "method_names",
    "static_function",
    "static_function_names",
    "unavailable_reason",
]


@dataclass(frozen=True, slots=True)
class AnyInt:
    """The parameter type "any integer type": indexes and counts."""

    def __str__(self) -> str:
        return "{integer}"


ANY_INT = AnyInt()

ParamType: TypeAlias = Type | AnyInt


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: ParamType

    def __str__(self) -> str:
        return f"{self.name}: {self.type}"


@dataclass(frozen=True, slots=True)
class MethodSig:
    """A built-in method instantiated for one receiver type.

    ``receiver`` is the receiver's type without refinements; ``params`` exclude it.
    """

    receiver: Type
    name: str
    params: tuple[Param, ...]
    ret: Type
    mutates: bool
    doc: str

    def __str__(self) -> str:
        return f"{self.name}({', '.join(map(str, self.params))}) -> {self.ret}"


@dataclass(frozen=True, slots=True)
class StaticSig:
    """``Vec::new()`` and friends.

    ``type_params`` occur in ``params`` and ``ret``; the checker infers them from
    the arguments and the expected type, as for a generic cell.
    """

    owner: Literal["Vec", "Map", "String"]
    name: str
    type_params: tuple[TypeParam, ...]
    params: tuple[Param, ...]
    ret: Type
    doc: str

    def __str__(self) -> str:
        return f"{self.owner}::{self.name}({', '.join(map(str, self.params))}) -> {self.ret}"


@dataclass(frozen=True, slots=True)
class _Entry:
    sig: MethodSig
    restriction: str | None = None  # why the method is unavailable on this receiver


I64 = Prim("i64")
U8 = Prim("u8")
U32 = Prim("u32")


def is_comparable(t: Type) -> bool:
    """Whether values of ``t`` can be compared with ``==`` (and so searched for).

    Type parameters are opaque and handles are shared references, so neither
    compares, and no type containing one does.  An erroneous type compares, so
    that one mistake is reported once.
    """
    t = strip_refinement(t)
    if isinstance(t, TypeParam | Handle):
        return False
    if isinstance(t, VecType):
        return is_comparable(t.elem)
    if isinstance(t, MapType):
        return is_comparable(t.key) and is_comparable(t.value)
    if isinstance(t, Adt):
        return all(is_comparable(a) for a in t.args)
    return True


def _args(t: Adt, n: int) -> tuple[Type, ...]:
    return t.args if len(t.args) == n else (ERROR,) * n


class _Table:
    """Builds the entries of one receiver; a helper to keep the tables short."""

    def __init__(self, receiver: Type) -> None:
        self.receiver = receiver
        self.entries: dict[str, _Entry] = {}

    def add(
        self,
        name: str,
        params: Sequence[tuple[str, ParamType]],
        ret: Type,
        doc: str,
        *,
        mutates: bool = False,
        restriction: str | None = None,
    ) -> None:
        ps = tuple(Param(n, t) for n, t in params)
        sig = MethodSig(self.receiver, name, ps, ret, mutates, doc)
        self.entries[name] = _Entry(sig, restriction)


def _integer(t: Prim, tab: _Table) -> None:
    fixed = t.name in FIXED_WIDTH

    def only_fixed(name: str) -> str | None:
        if fixed:
            return None
        return f"`{name}` needs a fixed-width integer type (`i8` ... `u64`), not `{t}`"

    tab.add("abs", (), t, "The absolute value; overflows for the smallest signed value.")
    tab.add("min", (("o", t),), t, "The smaller of the two.")
    tab.add("max", (("o", t),), t, "The larger of the two.")
    tab.add("pow", (("e", U32),), t, "This value to the power `e`, checked for overflow.")
    tab.add("to_string", (), STRING, "The decimal text of the value.")
    for op, word in (("add", "sum"), ("sub", "difference"), ("mul", "product")):
        tab.add(
            f"wrapping_{op}",
            (("o", t),),
            t,
            f"The {word}, wrapped around at the bounds of the type.",
            restriction=only_fixed(f"wrapping_{op}"),
        )
        tab.add(
            f"checked_{op}",
            (("o", t),),
            option_type(t),
            f"The {word}, or `None` where it would overflow.",
        )
    for side in ("left", "right"):
        tab.add(
            f"rotate_{side}",
            (("n", U32),),
            t,
            f"The bits rotated {side} by `n` (modulo the bit width).",
            restriction=only_fixed(f"rotate_{side}"),
        )


def _f64(tab: _Table) -> None:
    tab.add("abs", (), F64, "The absolute value.")
    tab.add("sqrt", (), F64, "The square root; NaN for negative values.")
    tab.add("floor", (), F64, "The largest integer value not above this one.")
    tab.add("ceil", (), F64, "The smallest integer value not below this one.")
    tab.add("round", (), F64, "The nearest integer value, halves away from zero.")
    tab.add("min", (("o", F64),), F64, "The smaller of the two.")
    tab.add("max", (("o", F64),), F64, "The larger of the two.")
    tab.add("to_string", (), STRING, "The text form, as `println` writes it.")
    tab.add("is_nan", (), BOOL, "Whether the value is NaN.")


def _string(tab: _Table) -> None:
    s = (("s", STRING),)
    tab.add("len", (), I64, "The length in bytes of the UTF-8 text.")
    tab.add("is_empty", (), BOOL, "Whether the text is empty.")
    tab.add("contains", s, BOOL, "Whether `s` occurs in the text.")
    tab.add("starts_with", s, BOOL, "Whether the text starts with `s`.")
    tab.add("ends_with", s, BOOL, "Whether the text ends with `s`.")
    tab.add("find", s, option_type(I64), "The byte position of the first `s`, if any.")
    tab.add(
        "slice",
        (("a", ANY_INT), ("b", ANY_INT)),
        STRING,
        "The bytes from `a` up to `b`; panics off character boundaries.",
    )
    tab.add("split", (("sep", STRING),), VecType(STRING), "The pieces between the `sep`s.")
    tab.add("trim", (), STRING, "The text without leading and trailing whitespace.")
    tab.add("to_upper", (), STRING, "The text in upper case.")
    tab.add("to_lower", (), STRING, "The text in lower case.")
    tab.add("parse_int", (), option_type(I64), "The decimal integer the text spells, if any.")
    tab.add("parse_float", (), option_type(F64), "The number the text spells, if any.")
    tab.add("bytes", (), VecType(U8), "The UTF-8 bytes of the text.")
    tab.add("chars", (), VecType(STRING), "The characters of the text, one string each.")
    tab.add("repeat", (("n", ANY_INT),), STRING, "The text repeated `n` times.")


def _vec(t: VecType, tab: _Table) -> None:
    e = t.elem
    idx = ("i", ANY_INT)
    tab.add("len", (), I64, "The number of elements.")
    tab.add("is_empty", (), BOOL, "Whether there are no elements.")
    tab.add("push", (("x", e),), UNIT, "Appends `x` at the end.", mutates=True)
    tab.add("pop", (), option_type(e), "Removes and returns the last element.", mutates=True)
    tab.add("get", (idx,), option_type(e), "The element at `i`, or `None` out of range.")
    tab.add("insert", (idx, ("x", e)), UNIT, "Inserts `x` before position `i`.", mutates=True)
    tab.add("remove", (idx,), e, "Removes and returns the element at `i`.", mutates=True)
    tab.add(
        "contains",
        (("x", e),),
        BOOL,
        "Whether some element equals `x`.",
        restriction=None
        if is_comparable(e)
        else f"`contains` compares elements, and values of `{e}` cannot be compared",
    )
    tab.add(
        "slice",
        (("a", ANY_INT), ("b", ANY_INT)),
        t,
        "The elements from `a` up to (not including) `b`.",
    )
    tab.add("concat", (("o", t),), t, "These elements followed by those of `o`.")
    tab.add("reverse", (), UNIT, "Reverses the order of the elements.", mutates=True)
    sortable = isinstance(e, Prim | ErrorType)
    tab.add(
        "sort",
        (),
        UNIT,
        "Sorts the elements in ascending order.",
        mutates=True,
        restriction=None
        if sortable
        else f"`sort` needs elements of a primitive type or `String`, not `{e}`",
    )


def _map(t: MapType, tab: _Table) -> None:
    k, v = t.key, t.value
    tab.add("len", (), I64, "The number of entries.")
    tab.add("is_empty", (), BOOL, "Whether there are no entries.")
    tab.add("get", (("k", k),), option_type(v), "The value at key `k`, if any.")
    tab.add(
        "insert",
        (("k", k), ("v", v)),
        UNIT,
        "Sets the value at `k`; a new key goes last.",
        mutates=True,
    )
    tab.add(
        "remove", (("k", k),), option_type(v), "Removes the entry at `k`, if any.", mutates=True
    )
    tab.add("contains_key", (("k", k),), BOOL, "Whether there is an entry at `k`.")
    tab.add("keys", (), VecType(k), "The keys, in insertion order.")
    tab.add("values", (), VecType(v), "The values, in insertion order of their keys.")


def _option(t: Adt, tab: _Table) -> None:
    (e,) = _args(t, 1)
    tab.add("is_some", (), BOOL, "Whether this is `Some`.")
    tab.add("is_none", (), BOOL, "Whether this is `None`.")
    tab.add("unwrap", (), e, "The value inside `Some`; panics on `None`.")
    tab.add("unwrap_or", (("d", e),), e, "The value inside `Some`, or `d`.")
    tab.add("expect", (("msg", STRING),), e, "The value inside `Some`; panics with `msg`.")


def _result(t: Adt, tab: _Table) -> None:
    ok, err = _args(t, 2)
    tab.add("is_ok", (), BOOL, "Whether this is `Ok`.")
    tab.add("is_err", (), BOOL, "Whether this is `Err`.")
    tab.add("unwrap", (), ok, "The value inside `Ok`; panics on `Err`.")
    tab.add("unwrap_err", (), err, "The error inside `Err`; panics on `Ok`.")
    tab.add("unwrap_or", (("d", ok),), ok, "The value inside `Ok`, or `d`.")


def _entries(receiver: Type) -> Mapping[str, _Entry]:
    return _table_for(strip_refinement(receiver))


@lru_cache(maxsize=512)
def _table_for(t: Type) -> Mapping[str, _Entry]:
    """The methods of one (unrefined) receiver type; built once per type and reused."""
    tab = _Table(t)
    if isinstance(t, Prim):
        if t.name in INTEGER_NAMES:
            _integer(t, tab)
        elif t.name == "f64":
            _f64(tab)
        elif t.name == "String":
            _string(tab)
    elif isinstance(t, VecType):
        _vec(t, tab)
    elif isinstance(t, MapType):
        _map(t, tab)
    elif isinstance(t, Adt) and t.decl == OPTION:
        _option(t, tab)
    elif isinstance(t, Adt) and t.decl == RESULT:
        _result(t, tab)
    return tab.entries


def builtin_method(receiver: Type, name: str) -> MethodSig | None:
    """The signature of built-in method ``name`` on ``receiver``; None if there is none."""
    entry = _entries(receiver).get(name)
    if entry is None or entry.restriction is not None:
        return None
    return entry.sig


def unavailable_reason(receiver: Type, name: str) -> str | None:
    """Why ``name``, a built-in method of the receiver's kind, is not available on it.

    None when the method is available or is no built-in method of this kind at all.
    """
    entry = _entries(receiver).get(name)
    return None if entry is None else entry.restriction


def method_names(receiver: Type) -> list[str]:
    """The built-in methods available on ``receiver``, sorted."""
    return sorted(n for n, e in _entries(receiver).items() if e.restriction is None)


def _static_table() -> dict[tuple[str, str], StaticSig]:
    def tp(owner: str, name: str) -> TypeParam:
        return TypeParam(name, QualName(PRELUDE_MODULE, owner))

    t_new, t_filled = tp("Vec::new", "T"), tp("Vec::filled", "T")
    k, v = tp("Map::new", "K"), tp("Map::new", "V")
    sigs = [
        StaticSig("Vec", "new", (t_new,), (), VecType(t_new), "An empty vector."),
        StaticSig(
            "Vec",
            "filled",
            (t_filled,),
            (Param("n", ANY_INT), Param("x", t_filled)),
            VecType(t_filled),
            "A vector of `n` copies of `x`.",
        ),
        StaticSig("Map", "new", (k, v), (), MapType(k, v), "An empty map."),
        StaticSig(
            "String",
            "from_bytes",
            (),
            (Param("v", VecType(U8)),),
            option_type(STRING),
            "The text whose UTF-8 encoding is `v`, or `None` if `v` is not valid UTF-8.",
        ),
    ]
    return {(s.owner, s.name): s for s in sigs}


_STATICS = _static_table()


def static_function(owner: str, name: str) -> StaticSig | None:
    """``Vec::new``, ``Vec::filled``, ``Map::new`` or ``String::from_bytes``; else None."""
    return _STATICS.get((owner, name))


def static_function_names(owner: str) -> list[str]:
    """The static functions of ``owner`` (``Vec``, ``Map``, ``String``), sorted."""
    return sorted(n for o, n in _STATICS if o == owner)
