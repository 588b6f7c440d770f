"""Arithmetic for checks ``aura run --trust-proofs`` leaves out.

Which checks may go is decided in :mod:`aura_core.trust` (shared with the
native backend); where a proven check guarded an operation, the generated code
calls these instead of the checked forms.

A proof may rest on an ``assume`` that does not hold at run time (one whose
quantifier cannot be checked, or any under ``--release``).  The operation then
still fails as the checked form would: Python's own error on the bad operand
costs nothing until it happens, and is turned into the panic of the checked
form (never a Python exception escaping the program).
"""

from __future__ import annotations

from aura_core import arith

__all__ = ["unchecked_div", "unchecked_rem", "unchecked_shl", "unchecked_shr"]


def unchecked_div(a: int, b: int) -> int:
    """``/`` truncating toward zero, for a divisor proven non-zero (and a quotient
    proven in range)."""
    try:
        q = abs(a) // abs(b)
    except ZeroDivisionError:
        return arith.div(a, b)  # raises the panic of ``/`` by zero
    return q if (a < 0) == (b < 0) else -q


def unchecked_rem(a: int, b: int) -> int:
    """``%`` with the dividend's sign, for a divisor proven non-zero."""
    if not b:
        return arith.rem(a, b)  # raises the panic of ``%`` by zero
    return a - b * unchecked_div(a, b)


def unchecked_shl(a: int, n: int, type_name: str) -> int:
    """Fixed-width ``<<`` by an amount proven in range: the bits shifted out go."""
    try:
        return arith.wrap(a << n, type_name)
    except ValueError:  # a negative amount
        return arith.shl(a, n, type_name)


def unchecked_shr(a: int, n: int, type_name: str) -> int:
    """Fixed-width ``>>`` by an amount proven in range."""
    try:
        return a >> n
    except ValueError:  # a negative amount
        return arith.shr(a, n, type_name)
