"""Aura's integer and float arithmetic (spec sections 7.1, 7.2 and 7.4).

One definition of what ``/``, ``%``, shifts, casts and the integer methods mean,
shared by constant evaluation, the interpreter and the verifier's run-time
checks, so that they cannot disagree.  Values are Python ``int`` and ``float``;
a type is named by its primitive name (``"i64"``, ``"u8"``, ``"Int"``).

Fixed-width results that leave their type's range raise :class:`ArithmeticOverflow`
(a panic at run time, an error during constant evaluation); ``Int`` is unbounded.
Float arithmetic follows IEEE-754 (``1.0 / 0.0`` is ``inf``), never raises, and
``%`` on floats is C's ``fmod`` (the sign of the dividend), as in Rust.

Decisions the spec leaves open, recorded here:

- ``MIN % -1`` is ``0`` (the mathematical result fits), although ``MIN / -1``
  overflows.  Native code must special-case it.
- A shift amount may be of any integer type; it must be ``>= 0`` and below the
  bit width of the *left* operand's type.  ``<<`` discards the bits shifted out
  (it never overflows), so ``1i8 << 7 == -128``.  ``Int`` has no bit width: any
  non-negative amount is accepted, within :data:`INT_MAX_BITS`.
- ``INT_MAX_BITS`` bounds the size of an ``Int`` made by ``<<`` or ``pow``, the two
  cheap ways to ask for a number too large for memory; beyond it they overflow.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from aura_core.types import FIXED_WIDTH, INTEGER_NAMES, fixed_width_range

__all__ = [
    "INT_MAX_BITS",
    "ArithmeticOverflow",
    "AuraArithmeticError",
    "DivisionByZero",
    "ShiftOutOfRange",
    "bitnot",
    "cast_int",
    "check_range",
    "checked",
    "div",
    "float_div",
    "float_rem",
    "float_to_int",
    "format_float",
    "int_abs",
    "int_binary",
    "int_neg",
    "int_pow",
    "int_to_float",
    "rem",
    "rotate_left",
    "rotate_right",
    "round_half_away",
    "shl",
    "shr",
    "wrap",
    "wrapping",
]

#: Largest bit length of an ``Int`` produced by ``<<`` or ``pow``.
INT_MAX_BITS = 1 << 31


class AuraArithmeticError(Exception):
    """An arithmetic operation with no result: a panic at run time (spec 7.2).

    ``message`` is the text shown after ``panic:`` or in a diagnostic.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ArithmeticOverflow(AuraArithmeticError):
    """A result outside its fixed-width type (also from ``as`` and ``-x``)."""


class DivisionByZero(AuraArithmeticError):
    """Integer ``/`` or ``%`` by zero."""


class ShiftOutOfRange(AuraArithmeticError):
    """A shift by a negative amount or by at least the bit width."""


def _check_name(type_name: str) -> None:
    if type_name not in INTEGER_NAMES:
        raise ValueError(f"not an integer type: {type_name!r}")


def check_range(value: int, type_name: str) -> int:
    """``value`` itself if it fits ``type_name``; overflow otherwise.  ``Int`` always fits."""
    _check_name(type_name)
    if type_name == "Int":
        return value
    lo, hi = fixed_width_range(type_name)
    if not lo <= value <= hi:
        raise ArithmeticOverflow(f"integer overflow: {value} does not fit in {type_name}")
    return value


def wrap(value: int, type_name: str) -> int:
    """``value`` reduced modulo 2^bits into the type's range (two's complement)."""
    _check_name(type_name)
    if type_name == "Int":
        return value
    bits, signed = FIXED_WIDTH[type_name]
    value &= (1 << bits) - 1
    if signed and value >> (bits - 1):
        value -= 1 << bits
    return value


def cast_int(value: int, type_name: str) -> int:
    """``value as T`` between integer types: checked, never wrapping (spec 7.2)."""
    return check_range(value, type_name)


def div(a: int, b: int) -> int:
    """Integer quotient truncated toward zero: ``div(-7, 2) == -3``.  Not range-checked."""
    if b == 0:
        raise DivisionByZero("division by zero")
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def rem(a: int, b: int) -> int:
    """Remainder with the sign of the dividend: ``rem(-7, 2) == -1``."""
    if b == 0:
        raise DivisionByZero("remainder by zero")
    return a - b * div(a, b)


def _shift_amount(n: int, type_name: str) -> None:
    _check_name(type_name)
    limit = FIXED_WIDTH[type_name][0] if type_name != "Int" else None
    if n < 0 or (limit is not None and n >= limit):
        raise ShiftOutOfRange(f"shift by {n} is out of range for {type_name}")


def shl(a: int, n: int, type_name: str) -> int:
    """``a << n``: bits shifted out of a fixed-width type are discarded."""
    _shift_amount(n, type_name)
    if type_name == "Int":
        if a and a.bit_length() + n > INT_MAX_BITS:
            raise ArithmeticOverflow(f"integer overflow: {a} << {n} is too large for Int")
        return a << n
    return wrap(a << n, type_name)


def shr(a: int, n: int, type_name: str) -> int:
    """``a >> n``: arithmetic on signed types and ``Int``, logical on unsigned ones."""
    _shift_amount(n, type_name)
    # Unsigned values are non-negative, so Python's (arithmetic) shift is logical there.
    return a >> n


def bitnot(a: int, type_name: str) -> int:
    """``~a``: every bit of the type's width flipped (``-a - 1`` on signed types and ``Int``)."""
    _check_name(type_name)
    if type_name != "Int" and not FIXED_WIDTH[type_name][1]:
        return fixed_width_range(type_name)[1] ^ a
    return ~a


def int_neg(a: int, type_name: str) -> int:
    """``-a``, checked: ``-(-128i8)`` and ``-(1u8)`` overflow."""
    return check_range(-a, type_name)


def int_abs(a: int, type_name: str) -> int:
    """``a.abs()``, checked: the smallest signed value has no absolute value."""
    return check_range(abs(a), type_name)


def int_pow(a: int, e: int, type_name: str) -> int:
    """``a.pow(e)``, checked; ``e`` is a ``u32`` value."""
    _check_name(type_name)
    if e < 0:
        raise ValueError("negative exponent")
    if abs(a) >= 2:
        if type_name != "Int" and e >= FIXED_WIDTH[type_name][0]:
            raise ArithmeticOverflow(
                f"integer overflow: {a} to the power {e} does not fit in {type_name}"
            )
        if type_name == "Int" and (a.bit_length() - 1) * e > INT_MAX_BITS:
            raise ArithmeticOverflow(f"integer overflow: {a} to the power {e} is too large for Int")
    return check_range(a**e, type_name)


_OPERATORS: dict[str, Callable[[int, int], int]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": div,
    "%": rem,
    "&": lambda a, b: a & b,
    "|": lambda a, b: a | b,
    "^": lambda a, b: a ^ b,
}


def int_binary(op: str, a: int, b: int, type_name: str) -> int:
    """An integer operator of spec section 5, checked; for shifts ``type_name`` is the left's."""
    if op == "<<":
        return shl(a, b, type_name)
    if op == ">>":
        return shr(a, b, type_name)
    _check_name(type_name)
    try:
        fn = _OPERATORS[op]
    except KeyError:
        raise ValueError(f"not an integer operator: {op!r}") from None
    return check_range(fn(a, b), type_name)


def checked(op: str, a: int, b: int, type_name: str) -> int | None:
    """``checked_add/sub/mul`` (``op`` is ``+``, ``-`` or ``*``): None on overflow."""
    try:
        return int_binary(op, a, b, type_name)
    except ArithmeticOverflow:
        return None


def wrapping(op: str, a: int, b: int, type_name: str) -> int:
    """``wrapping_add/sub/mul`` (``op`` is ``+``, ``-`` or ``*``): the result modulo 2^bits."""
    return wrap(_OPERATORS[op](a, b), type_name)


def _rotate(a: int, n: int, type_name: str, left: bool) -> int:
    if type_name not in FIXED_WIDTH:
        raise ValueError(f"rotate needs a fixed-width integer type, not {type_name!r}")
    bits = FIXED_WIDTH[type_name][0]
    mask = (1 << bits) - 1
    k = n % bits if left else (bits - n % bits) % bits
    u = a & mask
    return wrap(((u << k) | (u >> (bits - k))) & mask, type_name)


def rotate_left(a: int, n: int, type_name: str) -> int:
    """``a.rotate_left(n)``: bits leaving at the top come back at the bottom; ``n`` mod bits."""
    return _rotate(a, n, type_name, left=True)


def rotate_right(a: int, n: int, type_name: str) -> int:
    """``a.rotate_right(n)``: the inverse of :func:`rotate_left`."""
    return _rotate(a, n, type_name, left=False)


def int_to_float(a: int) -> float:
    """``a as f64``: the nearest double (ties to even); an ``Int`` beyond f64 is ``±inf``."""
    try:
        return float(a)
    except OverflowError:
        return math.inf if a > 0 else -math.inf


def float_to_int(x: float, type_name: str) -> int:
    """``x as T`` for an integer ``T``: truncated toward zero, checked; NaN and infinities fail."""
    _check_name(type_name)
    if math.isnan(x):
        raise ArithmeticOverflow(f"cannot convert nan to {type_name}: not a number")
    if math.isinf(x):
        raise ArithmeticOverflow(f"cannot convert {format_float(x)} to {type_name}: out of range")
    value = math.trunc(x)
    if type_name != "Int":
        lo, hi = fixed_width_range(type_name)
        if not lo <= value <= hi:
            raise ArithmeticOverflow(
                f"cannot convert {format_float(x)} to {type_name}: out of range"
            )
    return value


def float_div(a: float, b: float) -> float:
    """IEEE-754 division: by zero it gives ``±inf``, or NaN for ``0/0``; never raises."""
    if b == 0.0:
        if a == 0.0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def float_rem(a: float, b: float) -> float:
    """``a % b`` on f64: ``fmod``, the sign of the dividend; NaN where IEEE says so."""
    if math.isnan(a) or math.isnan(b) or math.isinf(a) or b == 0.0:
        return math.nan
    return math.fmod(a, b)


def round_half_away(x: float) -> float:
    """``f64.round()``: the nearest integer, halves away from zero; keeps ``-0.0``."""
    if math.isinf(x) or math.isnan(x):
        return x
    t = float(math.trunc(x))
    if abs(x - t) >= 0.5:  # exact: x - trunc(x) is representable
        t += math.copysign(1.0, x)
    return math.copysign(t, x)


def format_float(x: float) -> str:
    """The text form of an f64 (spec 7.4): Python's ``repr``, the shortest round-trip form.

    ``0.1``, ``1.0``, ``1e-09``, ``1e+16``, ``inf``, ``-inf``, ``nan``, ``-0.0``.
    Every back end must produce exactly these strings.
    """
    return repr(float(x))
