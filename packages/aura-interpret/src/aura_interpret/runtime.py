"""The helpers generated code calls, under the names it calls them by.

Generated code runs with a fresh copy of :func:`helpers` as its globals, plus
the objects of its program (cells, formatters, duplicators, bound externs)
that the compiler adds.  Helper names start with ``_`` and never end in
``_<digits>``, the shape of a mangled Aura local, so the two cannot clash.

Control flow that Python expressions cannot express directly -- ``e?``
returning early from the middle of an expression -- raises
:class:`EarlyReturn`, caught by the cell's own handler.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NoReturn

from aura_core import arith
from aura_interpret import rt_collections as rc
from aura_interpret import rt_numbers as rn
from aura_interpret import rt_text as rtt
from aura_interpret.panics import AuraPanic
from aura_interpret.textform import bool_text
from aura_interpret.typeinfo import float_eq
from aura_interpret.values import Map, Vec, dup_any, share

__all__ = ["EarlyReturn", "helpers"]


class EarlyReturn(Exception):
    """``e?`` found ``None`` or ``Err``: the cell returns ``value``."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


def _early(value: object) -> NoReturn:
    raise EarlyReturn(value)


def _fail(message: str) -> NoReturn:
    raise AuraPanic(message)


def _invariant_failed(first: bool, text: str) -> NoReturn:
    if first:
        raise AuraPanic(f"loop invariant failed on entry: {text}")
    raise AuraPanic(f"loop invariant not maintained: {text}")


def _measure_text(m: tuple[int, ...]) -> str:
    return str(m[0]) if len(m) == 1 else "(" + ", ".join(map(str, m)) + ")"


def _measure_negative(m: tuple[int, ...], text: str) -> None:
    """Panics unless every component of the measure is >= 0."""
    for x in m:
        if x < 0:
            raise AuraPanic(f"decreases measure is negative: {text} = {_measure_text(m)}")


def _measure_not_smaller(old: tuple[int, ...], new: tuple[int, ...], text: str, where: str) -> None:
    """Panics unless ``new`` is lexicographically smaller than ``old``."""
    if not new < old:
        raise AuraPanic(
            f"decreases measure did not decrease{where}: {text} went from "
            f"{_measure_text(old)} to {_measure_text(new)}"
        )


def _refinement_failed(value: object, text: Callable[[object], str], message: str) -> NoReturn:
    raise AuraPanic(message.replace("\x00", text(value), 1))


def _unit_text(_: object) -> str:
    return "()"


def _vec_contains_deep(v: Vec, x: object) -> bool:
    return any(float_eq(e, x) for e in v.items)


def helpers() -> dict[str, object]:
    """A new globals dictionary holding every runtime helper."""
    table: dict[str, Callable[..., object] | object] = {
        "__builtins__": __builtins__,
        # values
        "_Vec": Vec,
        "_Map": Map,
        "_sh": share,
        "_dupany": dup_any,
        "_feq": float_eq,
        "_ONCE": (None,),
        "_INF": math.inf,
        "_NAN": math.nan,
        # control flow and contracts
        "_Early": EarlyReturn,
        "_early": _early,
        "_fail": _fail,
        "_invfail": _invariant_failed,
        "_decneg": _measure_negative,
        "_decless": _measure_not_smaller,
        "_reffail": _refinement_failed,
        # numbers
        "_ovf": rn.overflow,
        "_div": arith.div,
        "_rem": arith.rem,
        "_idiv": rn.int_div,
        "_shl": arith.shl,
        "_shr": arith.shr,
        "_shlm": rn.shl_spec,
        "_fit": arith.check_range,
        "_fdiv": arith.float_div,
        "_frem": arith.float_rem,
        "_i2f": arith.int_to_float,
        "_f2i": arith.float_to_int,
        "_ipow": arith.int_pow,
        "_iabs": arith.int_abs,
        "_neg": arith.int_neg,
        "_wrapping": arith.wrapping,
        "_checked": rn.checked_op,
        "_rotl": arith.rotate_left,
        "_rotr": arith.rotate_right,
        "_fsqrt": rn.f64_sqrt,
        "_ffloor": rn.f64_floor,
        "_fceil": rn.f64_ceil,
        "_fround": arith.round_half_away,
        "_fmin": rn.f64_min,
        "_fmax": rn.f64_max,
        "_frepr": arith.format_float,
        "_isnan": math.isnan,
        "_msqrt": math.sqrt,
        "_btext": bool_text,
        "_utext": _unit_text,
        # strings
        "_slen": rtt.s_len,
        "_sfind": rtt.s_find,
        "_sslice": rtt.s_slice,
        "_ssplit": rtt.s_split,
        "_strim": rtt.s_trim,
        "_sparseint": rtt.s_parse_int,
        "_sparsefloat": rtt.s_parse_float,
        "_sbytes": rtt.s_bytes,
        "_schars": rtt.s_chars,
        "_srepeat": rtt.s_repeat,
        "_frombytes": rtt.from_bytes,
        # collections
        "_negix": rc.neg_index,
        "_ix": rc.ix,
        "_ownix": rc.own_ix,
        "_key": rc.key,
        "_ownkey": rc.own_key,
        "_ownfld": rc.own_field,
        "_vget": rc.v_get,
        "_vpop": rc.v_pop,
        "_vinsert": rc.v_insert,
        "_vremove": rc.v_remove,
        "_vslice": rc.v_slice,
        "_vconcat": rc.v_concat,
        "_vfilled": rc.v_filled,
        "_vcontainsf": rc.v_contains_float,
        "_vcontainsd": _vec_contains_deep,
        "_vsortf": rc.v_sort_float,
        "_mget": rc.m_get,
        "_mremove": rc.m_remove,
        "_mkeys": rc.m_keys,
        "_mvalues": rc.m_values,
        "_unwrapnone": rc.unwrap_none,
        "_expect": rc.expect,
        "_unwrapor": rc.unwrap_or,
        "_runwrap": rc.r_unwrap,
        "_runwraperr": rc.r_unwrap_err,
    }
    return table
