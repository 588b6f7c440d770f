"""Run-time helpers for integer and float operations that are not inlined.

The semantics are :mod:`aura_core.arith`'s; this module only adapts them to
the shapes the generated code calls (and adds the ``f64`` methods of spec
section 6).  The common operations -- ``+``, ``-``, ``*`` and comparisons -- are
inlined by the code generator with a range check that calls :func:`overflow`.
"""

from __future__ import annotations

import math
from typing import NoReturn

from aura_core import arith

__all__ = [
    "checked_op",
    "f64_ceil",
    "f64_floor",
    "f64_max",
    "f64_min",
    "f64_sqrt",
    "int_div",
    "overflow",
    "shl_spec",
]

NONE = (1,)


def overflow(value: int, type_name: str) -> NoReturn:
    """Raise the overflow panic for ``value``, known to be outside ``type_name``."""
    arith.check_range(value, type_name)
    raise AssertionError(f"{value} fits {type_name}")  # pragma: no cover


def int_div(a: int, b: int, type_name: str) -> int:
    """Fixed-width ``/``: truncating, and ``MIN / -1`` overflows."""
    q = arith.div(a, b)
    if b == -1:
        arith.check_range(q, type_name)
    return q


def shl_spec(a: int, n: int) -> int:
    """``<<`` inside a specification: ``a * 2^n``, whatever the operands' type;
    only a negative amount fails (spec section 8)."""
    return arith.shl(a, n, "Int")


def checked_op(op: str, a: int, b: int, type_name: str) -> tuple[int] | tuple[int, int]:
    """``checked_add/sub/mul`` as an ``Option``."""
    r = arith.checked(op, a, b, type_name)
    return NONE if r is None else (0, r)


def f64_sqrt(x: float) -> float:
    """IEEE square root: NaN for negative values (Python raises instead)."""
    if x < 0.0:
        return math.nan
    return math.sqrt(x)


def _integral(x: float, r: float) -> float:
    # ±inf and NaN are their own floor and ceiling; a zero result keeps x's sign.
    if r == 0.0:
        return math.copysign(0.0, x)
    return r


def f64_floor(x: float) -> float:
    if math.isinf(x) or math.isnan(x):
        return x
    return _integral(x, float(math.floor(x)))


def f64_ceil(x: float) -> float:
    if math.isinf(x) or math.isnan(x):
        return x
    return _integral(x, float(math.ceil(x)))


def f64_min(a: float, b: float) -> float:
    """The smaller; a NaN operand is ignored (as Rust's ``f64::min``), and ``-0.0``
    is below ``0.0`` (where Rust leaves the choice open)."""
    if a != a:
        return b
    if b != b:
        return a
    if a == b:
        return a if math.copysign(1.0, a) < 0 else b
    return a if a < b else b


def f64_max(a: float, b: float) -> float:
    """The larger; a NaN operand is ignored (as Rust's ``f64::max``), and ``0.0``
    is above ``-0.0``."""
    if a != a:
        return b
    if b != b:
        return a
    if a == b:
        return b if math.copysign(1.0, a) < 0 else a
    return a if a > b else b
