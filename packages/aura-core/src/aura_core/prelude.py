"""The prelude enums ``Option`` and ``Result`` (spec sections 2 and 6).

They are ordinary generic enums whose declarations live in the module path
``std::prelude``, as if declared there as::

    type Option<T> = enum { Some(T), None }
    type Result<T, E> = enum { Ok(T), Err(E) }

Variant indexes follow that declaration order, which is the order the spec lists
them in: ``Some`` is 0 and ``None`` 1, ``Ok`` is 0 and ``Err`` 1.  Every back end
shares these indexes through :class:`~aura_core.tir.VariantLit` and
:class:`~aura_core.tir.VariantPattern`, so they are fixed here once.  Their names
need no prefix in source (``Some(x)``, not ``Option::Some(x)``), which is how the
text of a pattern or value of these enums is written too.
"""

from __future__ import annotations

from aura_core.source import Span
from aura_core.tir import EnumDef, VariantDef
from aura_core.types import Adt, QualName, Type, TypeParam

__all__ = [
    "ERR",
    "NONE",
    "OK",
    "OPTION",
    "OPTION_DEF",
    "PRELUDE_MODULE",
    "RESULT",
    "RESULT_DEF",
    "SOME",
    "is_option",
    "is_result",
    "option_type",
    "prelude_enum",
    "result_type",
]

#: The module path of the prelude's declarations.
PRELUDE_MODULE: tuple[str, ...] = ("std", "prelude")

OPTION = QualName(PRELUDE_MODULE, "Option")
RESULT = QualName(PRELUDE_MODULE, "Result")

#: Variant indexes of ``Option``.
SOME = 0
NONE = 1
#: Variant indexes of ``Result``.
OK = 0
ERR = 1

_NOWHERE = Span(0, 0)
_T_OPT = TypeParam("T", OPTION)
_T_RES = TypeParam("T", RESULT)
_E_RES = TypeParam("E", RESULT)

OPTION_DEF = EnumDef(
    name=OPTION,
    type_params=("T",),
    variants=(VariantDef("Some", ((None, _T_OPT),), _NOWHERE), VariantDef("None", (), _NOWHERE)),
    pub=True,
    doc="An optional value: `Some(value)` or `None`.",
    span=_NOWHERE,
)
RESULT_DEF = EnumDef(
    name=RESULT,
    type_params=("T", "E"),
    variants=(
        VariantDef("Ok", ((None, _T_RES),), _NOWHERE),
        VariantDef("Err", ((None, _E_RES),), _NOWHERE),
    ),
    pub=True,
    doc="The result of an operation that can fail: `Ok(value)` or `Err(error)`.",
    span=_NOWHERE,
)


def option_type(t: Type) -> Adt:
    """``Option<t>``."""
    return Adt(OPTION, (t,))


def result_type(t: Type, e: Type) -> Adt:
    """``Result<t, e>``."""
    return Adt(RESULT, (t, e))


def is_option(t: Type) -> bool:
    return isinstance(t, Adt) and t.decl == OPTION


def is_result(t: Type) -> bool:
    return isinstance(t, Adt) and t.decl == RESULT


def prelude_enum(name: QualName) -> EnumDef | None:
    """The definition of a prelude enum by name; None for any other name."""
    if name == OPTION:
        return OPTION_DEF
    if name == RESULT:
        return RESULT_DEF
    return None
