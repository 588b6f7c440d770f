"""Which expressions of a specification compute exact integers (spec section 8).

Arithmetic inside specifications is mathematical, so a value of a fixed-width
type can leave the type's range there (``x + 1`` for the largest ``i64``).
Where such a value is put into a typed place — an element of a vector literal,
a record field, ``Some``/``Ok``/``Err``, an argument of a pure cell — it must
fit the place's type, which every evaluator checks.  Values read from typed
places, constants and casts (which are checked) always fit, so only the
expressions this module names need the check; the interpreter and the native
backend share it so that both check the same places.
"""

from __future__ import annotations

from aura_core import tir
from aura_core.types import FIXED_WIDTH, Prim, Type, strip_refinement

__all__ = ["fixed_name", "may_leave_range"]

_ARITH = frozenset({"+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^"})


def fixed_name(t: Type) -> str:
    """The fixed-width integer type's name (``"i64"``), or ``""`` for any other type."""
    base = strip_refinement(t)
    if isinstance(base, Prim) and base.name in FIXED_WIDTH:
        return base.name
    return ""


def may_leave_range(e: tir.Expr) -> bool:
    """Whether ``e``, evaluated as a specification, may lie outside its type's range."""
    match e:
        case tir.Binary(op=op) if op in _ARITH:
            return True
        case tir.Unary(op="-" | "~"):
            return True
        case tir.MethodCall(method="abs" | "pow"):
            return True
        case tir.MethodCall(method="min" | "max", receiver=x, args=(y,)):
            return may_leave_range(x) or may_leave_range(y)
        case tir.Conditional(then=a, otherwise=b):
            return may_leave_range(a) or may_leave_range(b)
        case tir.Old(expr=x):
            return may_leave_range(x)
    return False
