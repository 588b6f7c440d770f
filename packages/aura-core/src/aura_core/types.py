"""Aura's semantic types (spec section 2).

Types are immutable values compared structurally.  A declared record or enum is
an :class:`Adt` naming its declaration by :class:`QualName`; ``Option`` and
``Result`` are ordinary generic enums of the prelude.  :class:`Refined` wraps a
base type with a predicate; it is a transparent subtype of its base, so most
code works on :func:`strip_refinement` of a type.

:data:`ERROR` is the type of an expression that already failed to check: it is
compatible with everything, so one mistake produces one diagnostic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    # A refinement's predicate is a typed expression, and typed expressions have
    # types: a cycle of annotations only, never of imports at run time.
    from aura_core.tir import Expr, Local

__all__ = [
    "BOOL",
    "ERROR",
    "F64",
    "FIXED_WIDTH",
    "INT",
    "INTEGER_NAMES",
    "PRIMITIVE_NAMES",
    "STRING",
    "UNIT",
    "Adt",
    "ErrorType",
    "Handle",
    "MapType",
    "Prim",
    "PrimName",
    "QualName",
    "Refined",
    "Type",
    "TypeParam",
    "VecType",
    "fixed_width_range",
    "int_range",
    "is_integer",
    "strip_refinement",
    "substitute",
]

PrimName: TypeAlias = Literal[
    "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "Int", "f64", "String", "Unit"
]

#: Fixed-width integer types and their bit widths and signedness.
FIXED_WIDTH: dict[str, tuple[int, bool]] = {
    "i8": (8, True),
    "i16": (16, True),
    "i32": (32, True),
    "i64": (64, True),
    "u8": (8, False),
    "u16": (16, False),
    "u32": (32, False),
    "u64": (64, False),
}
INTEGER_NAMES = frozenset([*FIXED_WIDTH, "Int"])
PRIMITIVE_NAMES = frozenset([*INTEGER_NAMES, "bool", "f64", "String", "Unit"])


@dataclass(frozen=True, slots=True)
class QualName:
    """A declaration's full name: the module path and the name within it."""

    module: tuple[str, ...]
    name: str

    def __str__(self) -> str:
        return "::".join((*self.module, self.name))


@dataclass(frozen=True, slots=True)
class Prim:
    name: PrimName

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class VecType:
    elem: Type

    def __str__(self) -> str:
        return f"Vec<{self.elem}>"


@dataclass(frozen=True, slots=True)
class MapType:
    key: Type
    value: Type

    def __str__(self) -> str:
        return f"Map<{self.key}, {self.value}>"


@dataclass(frozen=True, slots=True)
class Adt:
    """A record or enum, instantiated with type arguments."""

    decl: QualName
    args: tuple[Type, ...] = ()

    def __str__(self) -> str:
        if not self.args:
            return self.decl.name
        return f"{self.decl.name}<{', '.join(map(str, self.args))}>"


@dataclass(frozen=True, slots=True)
class Handle:
    """A handle type of std::concurrent (``Mutex<T>`` ...): shared by reference."""

    name: str
    args: tuple[Type, ...] = ()

    def __str__(self) -> str:
        return self.name if not self.args else f"{self.name}<{', '.join(map(str, self.args))}>"


@dataclass(frozen=True, slots=True)
class TypeParam:
    """A type parameter of a generic declaration; opaque inside it."""

    name: str
    owner: QualName

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Refined:
    """``{ var: base | pred }``; ``pred`` is a typed bool specification over ``var``.

    ``var`` is the local that stands for the refined value inside ``pred``; a
    back end substitutes the value for it.  ``module`` is the module whose text
    ``pred`` was written in: its spans are offsets into that file, which need
    not be the file of the code using the type (a type declared in another
    module).  It does not take part in equality, as spans do not.
    """

    base: Type
    var: Local
    pred: Expr
    module: tuple[str, ...] = field(compare=False)

    def __str__(self) -> str:
        return f"{{ {self.var.name}: {self.base} | ... }}"


@dataclass(frozen=True, slots=True)
class ErrorType:
    """The type of something that already failed to check."""

    def __str__(self) -> str:
        return "{error}"


Type: TypeAlias = Prim | VecType | MapType | Adt | Handle | TypeParam | Refined | ErrorType

BOOL = Prim("bool")
INT = Prim("Int")
F64 = Prim("f64")
STRING = Prim("String")
UNIT = Prim("Unit")
ERROR = ErrorType()


def substitute(t: Type, mapping: Mapping[TypeParam, Type]) -> Type:
    """``t`` with its type parameters replaced (an instantiation of a generic type)."""
    if not mapping:
        return t
    match t:
        case TypeParam():
            return mapping.get(t, t)
        case VecType(elem):
            return VecType(substitute(elem, mapping))
        case MapType(key, value):
            return MapType(substitute(key, mapping), substitute(value, mapping))
        case Adt(decl, args):
            return Adt(decl, tuple(substitute(a, mapping) for a in args))
        case Handle(name, args):
            return Handle(name, tuple(substitute(a, mapping) for a in args))
        case Refined(base, var, pred, module):
            return Refined(substitute(base, mapping), var, pred, module)
    return t


def strip_refinement(t: Type) -> Type:
    """The base type under any refinements."""
    while isinstance(t, Refined):
        t = t.base
    return t


def is_integer(t: Type) -> bool:
    t = strip_refinement(t)
    return isinstance(t, Prim) and t.name in INTEGER_NAMES


def fixed_width_range(name: str) -> tuple[int, int]:
    """Inclusive value range of the fixed-width integer type called ``name``."""
    bits, signed = FIXED_WIDTH[name]
    if signed:
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


def int_range(t: Type) -> tuple[int, int] | None:
    """Inclusive value range of a fixed-width integer type; None for ``Int`` and others."""
    t = strip_refinement(t)
    if not isinstance(t, Prim) or t.name not in FIXED_WIDTH:
        return None
    return fixed_width_range(t.name)
