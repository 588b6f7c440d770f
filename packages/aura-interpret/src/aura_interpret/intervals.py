"""Integer intervals the code generator can prove, to leave out checks that cannot fail.

A fixed-width operation needs its range check only where its result may leave
the type; an index needs its negative-index check only where it may be
negative.  :class:`Intervals` bounds an integer expression from what is known
without any solver: constants, the type's own range (an unsigned value is never
negative), lengths (``0 <= len()``), loop variables of ranges (``for i in a..b``
has ``a <= i < b``), immutable bindings of such values, and interval arithmetic
over ``+``, ``-``, ``*``, ``/`` and ``%`` by constants.  A check is dropped only
when the bound *proves* it cannot fail, so the program's meaning is unchanged.
"""

from __future__ import annotations

from aura_core import tir
from aura_core.types import FIXED_WIDTH, Prim, fixed_width_range, strip_refinement

__all__ = ["Interval", "Intervals"]

#: Inclusive bounds; None for unbounded (only ``Int`` and unknowns).
Interval = tuple[int | None, int | None]

_LEN_MAX = (1 << 63) - 1
_LEN_METHODS = frozenset({"len"})


def _type_range(e: tir.Expr) -> Interval:
    t = strip_refinement(e.type)
    if isinstance(t, Prim) and t.name in FIXED_WIDTH:
        return fixed_width_range(t.name)
    return (None, None)


def _add(a: Interval, b: Interval) -> Interval:
    lo = None if a[0] is None or b[0] is None else a[0] + b[0]
    hi = None if a[1] is None or b[1] is None else a[1] + b[1]
    return (lo, hi)


def _neg(a: Interval) -> Interval:
    return (None if a[1] is None else -a[1], None if a[0] is None else -a[0])


def _mul(a: Interval, b: Interval) -> Interval:
    if None in a or None in b:
        return (None, None)
    products = [x * y for x in a for y in b]  # type: ignore[operator]
    return (min(products), max(products))


def _meet(a: Interval, b: Interval) -> Interval:
    """The tighter of two bounds of the same value."""
    lo = a[0] if b[0] is None else b[0] if a[0] is None else max(a[0], b[0])
    hi = a[1] if b[1] is None else b[1] if a[1] is None else min(a[1], b[1])
    return (lo, hi)


class Intervals:
    """Bounds of integer expressions in one cell.

    ``facts`` bounds immutable locals, keyed by the identity of their
    :class:`~aura_core.tir.Local` (ids repeat between a cell and the predicates of
    the types it uses).
    """

    def __init__(self) -> None:
        self.facts: dict[int, Interval] = {}

    def of(self, e: tir.Expr) -> Interval:
        """Bounds of ``e``'s value (within its type's range when nothing better is known)."""
        return _meet(self._raw(e), _type_range(e))

    def result(self, e: tir.Expr) -> Interval:
        """Bounds of the exact result of operation ``e`` before any range check."""
        return self._raw(e)

    def _raw(self, e: tir.Expr) -> Interval:
        match e:
            case tir.IntConst(value=v):
                return (v, v)
            case tir.LocalRef(local=local):
                return self.facts.get(id(local), _type_range(e))
            case tir.MethodCall(method=m) if m in _LEN_METHODS:
                return (0, _LEN_MAX)
            case tir.Binary(op=op, left=a, right=b):
                return self._binary(op, a, b)
            case tir.Unary(op="-", operand=x):
                return _neg(self.of(x))
            case tir.Cast(expr=x) if isinstance(strip_refinement(x.type), Prim):
                inner = strip_refinement(x.type)
                if isinstance(inner, Prim) and inner.name != "f64":
                    return self.of(x)
        return _type_range(e)

    def _binary(self, op: str, a: tir.Expr, b: tir.Expr) -> Interval:
        if op == "+":
            return _add(self.of(a), self.of(b))
        if op == "-":
            return _add(self.of(a), _neg(self.of(b)))
        if op == "*":
            return _mul(self.of(a), self.of(b))
        if isinstance(b, tir.IntConst) and b.value > 0:
            m = b.value
            left = self.of(a)
            if op == "%":
                return (0 if left[0] is not None and left[0] >= 0 else -(m - 1), m - 1)
            if op == "/" and None not in left:
                lo, hi = left
                return (_div(lo, m), _div(hi, m))  # type: ignore[arg-type]
        return (None, None)

    def nonnegative(self, e: tir.Expr) -> bool:
        lo = self.of(e)[0]
        return lo is not None and lo >= 0

    def within(self, e: tir.Expr, type_name: str) -> tuple[bool, bool]:
        """Whether operation ``e``'s result is certainly above the type's minimum, and
        certainly below its maximum (so the lower or upper check can go)."""
        lo, hi = fixed_width_range(type_name)
        r_lo, r_hi = self.result(e)
        return (r_lo is not None and r_lo >= lo, r_hi is not None and r_hi <= hi)


def _div(a: int, m: int) -> int:
    q = abs(a) // m
    return q if a >= 0 else -q
