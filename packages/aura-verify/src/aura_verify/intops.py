"""Integer semantics of spec section 7 as Z3 terms, agreeing with :mod:`aura_core.arith`.

Integers are Z3 ``Int`` (mathematical).  What needs care:

- Z3's ``/`` and ``%`` on ``Int`` are Euclidean (the remainder is never
  negative).  Aura's are C's: the quotient truncates toward zero and the
  remainder takes the dividend's sign.  :func:`tdiv` and :func:`trem` build
  them from Euclidean division of absolute values, which agrees for every
  non-zero divisor (``tdiv(-7, 2) == -3``, ``trem(-7, 2) == -1``); a constant
  divisor keeps the term linear.
- Shifts and bitwise operations on fixed-width types go through bit-vectors of
  the type's width (``Int2BV`` is reduction modulo 2^n, which is two's
  complement), and back with the type's signedness.  ``<<`` discards the bits
  shifted out, as :func:`aura_core.arith.shl` does.
- On ``Int`` (unbounded) ``~x`` is ``-x - 1`` and shifts by a constant are
  multiplication and floor division by a power of two; other bitwise operations
  on ``Int`` have no exact finite encoding here and are left to the caller
  (an uninterpreted function, see :mod:`aura_verify.exprs`).
"""

from __future__ import annotations

import z3

from aura_core.types import FIXED_WIDTH, fixed_width_range

__all__ = [
    "bits_of",
    "bitwise",
    "const_int",
    "in_range",
    "rotate",
    "shift",
    "tdiv",
    "to_bv",
    "trem",
    "wrap",
]


def const_int(t: z3.ExprRef) -> int | None:
    """The value of an integer literal term, after simplification; None if not constant."""
    s = z3.simplify(t)
    if z3.is_int_value(s):
        return int(s.as_long())
    return None


def in_range(x: z3.ArithRef, type_name: str) -> z3.BoolRef:
    """``x`` fits the integer type (always true for ``Int``)."""
    if type_name not in FIXED_WIDTH:
        return z3.BoolVal(True)
    lo, hi = fixed_width_range(type_name)
    return z3.And(x >= lo, x <= hi)


def tdiv(a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    """Quotient truncated toward zero (meaningful for ``b != 0``)."""
    c = const_int(b)
    if c is not None and c > 0:
        return z3.If(a >= 0, a / c, -((-a) / c))
    if c is not None and c < 0:
        return z3.If(a >= 0, -(a / -c), (-a) / -c)
    q = z3.If(a >= 0, a, -a) / z3.If(b >= 0, b, -b)
    return z3.If(z3.Or(z3.And(a >= 0, b > 0), z3.And(a < 0, b < 0)), q, -q)


def trem(a: z3.ArithRef, b: z3.ArithRef) -> z3.ArithRef:
    """Remainder with the sign of the dividend (meaningful for ``b != 0``)."""
    c = const_int(b)
    if c is not None and c != 0:
        m = abs(c)
        return z3.If(a >= 0, a % m, -((-a) % m))
    return a - b * tdiv(a, b)


def wrap(x: z3.ArithRef, type_name: str) -> z3.ArithRef:
    """``x`` reduced modulo 2^bits into the type's range (``wrapping_*``)."""
    bits, _ = FIXED_WIDTH[type_name]
    lo, _hi = fixed_width_range(type_name)
    return ((x - lo) % (1 << bits)) + lo


def bits_of(type_name: str) -> int:
    return FIXED_WIDTH[type_name][0]


def to_bv(x: z3.ArithRef, type_name: str) -> z3.BitVecRef:
    return z3.Int2BV(x, bits_of(type_name))


def _from_bv(b: z3.BitVecRef, type_name: str) -> z3.ArithRef:
    return z3.BV2Int(b, is_signed=FIXED_WIDTH[type_name][1])


def bitwise(op: str, a: z3.ArithRef, b: z3.ArithRef, type_name: str) -> z3.ArithRef:
    """``&``, ``|``, ``^`` on a fixed-width type."""
    x, y = to_bv(a, type_name), to_bv(b, type_name)
    r = x & y if op == "&" else x | y if op == "|" else x ^ y
    return _from_bv(r, type_name)


def bitnot(a: z3.ArithRef, type_name: str) -> z3.ArithRef:
    """``~a``: ``-a - 1`` on signed types and ``Int``, ``MAX - a`` on unsigned ones."""
    if type_name in FIXED_WIDTH and not FIXED_WIDTH[type_name][1]:
        return fixed_width_range(type_name)[1] - a
    return -a - 1


def shift(op: str, a: z3.ArithRef, n: z3.ArithRef, type_name: str) -> z3.ArithRef | None:
    """``a << n`` or ``a >> n`` for an amount already known to be in range.

    None when there is no exact encoding (a non-constant shift of an ``Int``).
    """
    if type_name in FIXED_WIDTH:
        bits = bits_of(type_name)
        x = to_bv(a, type_name)
        k = z3.Int2BV(n, bits)
        if op == "<<":
            r = x << k
        elif FIXED_WIDTH[type_name][1]:
            r = x >> k
        else:
            r = z3.LShR(x, k)
        return _from_bv(r, type_name)
    c = const_int(n)
    if c is None or c < 0 or c > 4096:
        return None
    return a * (1 << c) if op == "<<" else a / (1 << c)


def rotate(a: z3.ArithRef, n: z3.ArithRef, type_name: str, left: bool) -> z3.ArithRef:
    """``rotate_left``/``rotate_right`` by ``n`` modulo the width."""
    bits = bits_of(type_name)
    x = to_bv(a, type_name)
    k = z3.Int2BV(n % bits, bits)
    r = z3.RotateLeft(x, k) if left else z3.RotateRight(x, k)
    return _from_bv(r, type_name)
