"""How wide the exact integers of a specification can be (spec section 8).

Bit operations in specifications act on mathematical integers as
two's-complement numbers of unbounded width.  ``&``, ``|`` and ``^`` of two
values that both fit ``w`` signed bits are exactly the ``w``-bit bit-vector
operations, so an encoding needs a width that bounds its operands.  This pass
finds one from the typed expression: a value read from a typed place (a
variable, a field, an element, a call's result) fits its type, because
everything stored into a typed place must (V0007 in specifications, the
fixed-width rules in code); the arithmetic of a specification widens it.
``Int`` values and shifts by unknown amounts have no bound (None).

``binders`` gives the bound of each quantified variable over a range, whose
values lie between the range's ends rather than in its type.
"""

from __future__ import annotations

from collections.abc import Mapping

from aura_core import tir
from aura_core.types import FIXED_WIDTH, strip_refinement
from aura_verify.sorts import type_name

__all__ = ["const_width", "join", "type_width", "width"]

#: Constant shifts, exponents and widths beyond this are not bounded here.
_LIMIT = 4096


def const_width(v: int) -> int:
    """The signed bits that hold ``v`` (sign included)."""
    return (v if v >= 0 else ~v).bit_length() + 1


def type_width(name: str) -> int | None:
    """The signed bits that hold every value of the integer type ``name``."""
    if name not in FIXED_WIDTH:
        return None
    bits, signed = FIXED_WIDTH[name]
    return bits if signed else bits + 1


def join(*ws: int | None) -> int | None:
    """The width that holds values of every one of the widths ``ws``."""
    if any(w is None for w in ws):
        return None
    best = max(w for w in ws if w is not None)
    return best if best <= _LIMIT else None


def _plus(w: int | None, k: int) -> int | None:
    return None if w is None or w + k > _LIMIT else w + k


def width(e: tir.Expr, binders: Mapping[int, int | None]) -> int | None:
    """Signed bits that hold every value ``e`` may have in a specification, or None."""
    match e:
        case tir.IntConst(value=v):
            return const_width(v)
        case tir.LocalRef(local=local) if id(local) in binders:
            return binders[id(local)]
        case tir.LocalRef():
            # One bit more: in the invariants of `for i in a..=b` the variable
            # is `b + 1` after the last iteration, which may lie beyond its type.
            return _plus(type_width(type_name(e.type)), 1)
        case tir.Binary(op="+" | "-", left=a, right=b):
            return _plus(join(width(a, binders), width(b, binders)), 1)
        case tir.Binary(op="*", left=a, right=b):
            wa, wb = width(a, binders), width(b, binders)
            return None if wa is None or wb is None else _plus(wa, wb)
        case tir.Binary(op="/", left=a):
            return _plus(width(a, binders), 1)
        case tir.Binary(op="%" | "&" | "|" | "^", left=a, right=b):
            return join(width(a, binders), width(b, binders))
        case tir.Binary(op=">>", left=a):
            return width(a, binders)
        case tir.Binary(op="<<", left=a, right=tir.IntConst(value=k)) if 0 <= k <= _LIMIT:
            return _plus(width(a, binders), k)
        case tir.Binary(op="<<"):
            return None
        case tir.Unary(op="-", operand=x):
            return _plus(width(x, binders), 1)
        case tir.Unary(op="~", operand=x):
            return width(x, binders)
        case tir.Conditional(then=a, otherwise=b):
            return join(width(a, binders), width(b, binders))
        case tir.Old(expr=x):
            return width(x, binders)
        case tir.Cast(expr=x):
            target = type_name(e.type)
            if target in FIXED_WIDTH:  # checked: the value fits the target
                return type_width(target)
            return width(x, binders) if type_name(x.type) else None
        case tir.MethodCall(method="abs", receiver=x):
            return _plus(width(x, binders), 1)
        case tir.MethodCall(method="min" | "max", receiver=x, args=(y,)):
            return join(width(x, binders), width(y, binders))
        case tir.MethodCall(method="pow", receiver=x, args=(tir.IntConst(value=k),)):
            w = width(x, binders)
            return None if w is None or w * max(k, 1) > _LIMIT else w * max(k, 1)
        case tir.MethodCall(method="pow"):
            return None
    return type_width(type_name(strip_refinement(e.type)))
