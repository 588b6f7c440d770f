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
- In specifications every integer is unbounded two's complement (spec section
  8, Python's semantics).  ``&``, ``|``, ``^`` of values that fit ``w`` signed
  bits are ``w``-bit bit-vector operations (:func:`exact_bitwise`, with a
  width from :mod:`aura_verify.bounds`); with one constant operand they are
  exact for any other (:func:`const_bitwise`, from ``a & c`` on the bits of
  ``c``); shifts by an amount of unknown value are an ``If`` chain over the
  amounts below a limit (:func:`exact_shift`).
"""

from __future__ import annotations

import z3

from aura_core.types import FIXED_WIDTH, fixed_width_range

__all__ = [
    "SHIFT_CHAIN",
    "bits_of",
    "bitwise",
    "const_bitwise",
    "const_int",
    "exact_bitwise",
    "exact_shift",
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


#: Shift amounts of unknown value encoded exactly, one ``If`` arm each.
SHIFT_CHAIN = 128
#: Larger constant shift amounts and widths have no encoding here.
_SHIFT_LIMIT = 4096


def exact_bitwise(op: str, a: z3.ArithRef, b: z3.ArithRef, w: int) -> z3.ArithRef:
    """``a op b`` on unbounded two's complement, for values that fit ``w`` signed bits."""
    x, y = z3.Int2BV(a, w), z3.Int2BV(b, w)
    r = x & y if op == "&" else x | y if op == "|" else x ^ y
    return z3.BV2Int(r, is_signed=True)


def const_bitwise(op: str, a: z3.ArithRef, c: int) -> z3.ArithRef:
    """``a op c`` on unbounded two's complement for a constant ``c``, exact for any ``a``.

    ``a & c`` for ``c >= 0`` reads only the bits of ``a`` below ``c``'s length,
    which ``a mod 2^k`` holds; for ``c < 0``, ``a & c == a - (a & ~c)`` (the two
    select disjoint bits of ``a``).  ``a | c == a + c - (a & c)`` and
    ``a ^ c == a + c - 2 * (a & c)``, as ``a + c`` counts shared bits twice.
    """
    if op != "&":
        both = const_bitwise("&", a, c)
        return a + c - both if op == "|" else a + c - 2 * both
    if c < 0:
        return a - const_bitwise("&", a, ~c)
    k = c.bit_length()
    low = a % (1 << k)  # Z3's `%` by a positive divisor is the floor remainder
    if c == (1 << k) - 1:
        return low
    return exact_bitwise("&", low, z3.IntVal(c), k + 1)


def exact_shift(
    op: str, a: z3.ArithRef, n: z3.ArithRef, wa: int | None, wn: int | None
) -> tuple[z3.ArithRef, bool] | None:
    """``a << n`` (``a * 2^n``) or ``a >> n`` (floor of ``a / 2^n``) for ``n >= 0``.

    ``wa`` and ``wn`` bound the signed widths of ``a`` and ``n`` (None: unbounded).
    Returns the term and whether it covers every amount; a term that does not is
    exact for the amounts below :data:`SHIFT_CHAIN` and 0 beyond, so the
    caller must treat it as a partial model there.  None: no encoding.
    """
    c = const_int(n)
    if c is not None:
        if c < 0 or (c > _SHIFT_LIMIT and (op == "<<" or wa is None)):
            return None
        if op == ">>" and wa is not None and c >= wa:
            return z3.If(a < 0, -1, 0), True
        return (a * (1 << c) if op == "<<" else a / (1 << c)), True
    complete = wn is not None and (1 << (wn - 1)) <= SHIFT_CHAIN
    reach = 1 << (wn - 1) if wn is not None and complete else SHIFT_CHAIN
    if op == ">>" and wa is not None and wa <= SHIFT_CHAIN:
        # Beyond the width of `a` only its sign is left.
        r: z3.ArithRef = z3.If(a < 0, -1, 0)
        for j in reversed(range(wa)):
            r = z3.If(n == j, a / (1 << j), r)
        return r, True
    r = z3.IntVal(0)
    for j in reversed(range(reach)):
        r = z3.If(n == j, a * (1 << j) if op == "<<" else a / (1 << j), r)
    return r, complete
