"""Arithmetic for checks ``aura run --trust-proofs`` leaves out.

Which checks may go is decided in :mod:`aura_core.trust` (shared with the
native backend); where a proven check guarded an operation, the generated code
calls these instead of the checked forms.
"""

from __future__ import annotations

from aura_core import arith

__all__ = ["unchecked_div", "unchecked_rem", "unchecked_shl"]


def unchecked_div(a: int, b: int) -> int:
    """``/`` truncating toward zero, for a divisor proven non-zero (and a quotient
    proven in range)."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def unchecked_rem(a: int, b: int) -> int:
    """``%`` with the dividend's sign, for a divisor proven non-zero."""
    return a - b * unchecked_div(a, b)


def unchecked_shl(a: int, n: int, type_name: str) -> int:
    """Fixed-width ``<<`` by an amount proven in range: the bits shifted out go."""
    return arith.wrap(a << n, type_name)
