"""Run-time helpers for ``Vec``, ``Map``, ``Option`` and ``Result`` (spec section 6).

Helpers that put an element of a container into a new holder (``get``,
``slice``, ``concat``, ``values``, ``Vec::filled``) take the element type's
``dup`` (see :mod:`aura_interpret.typeinfo`; None for immutable elements), so
that the container and the new holder never share a writable object.

The ``own_*`` helpers walk a place that is about to be written (``grid[i][j] =``,
``p.items.push(x)``): each step makes the container at that step private to
its holder and stores it back, so the write changes this variable only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from aura_interpret.panics import panic
from aura_interpret.values import Cow, Map, Vec

__all__ = [
    "expect",
    "index_error",
    "ix",
    "key",
    "m_get",
    "m_keys",
    "m_remove",
    "m_values",
    "neg_index",
    "own_field",
    "own_ix",
    "own_key",
    "r_unwrap",
    "r_unwrap_err",
    "unwrap_none",
    "unwrap_or",
    "v_concat",
    "v_contains_float",
    "v_filled",
    "v_get",
    "v_insert",
    "v_pop",
    "v_remove",
    "v_slice",
    "v_sort_float",
]

NONE = (1,)
Dup = Callable[[object], object] | None
Text = Callable[[object], str]
Own = Callable[[Cow], Cow]


def index_error(length: int, index: int) -> NoReturn:
    panic(f"index out of bounds: the length is {length} but the index is {index}")


def neg_index(items: list[object], index: int) -> NoReturn:
    """A negative index (Python would count from the end): always out of bounds."""
    index_error(len(items), index)


def ix(v: Vec, i: int) -> object:
    """``v[i]``, checked."""
    items = v.items
    if 0 <= i < len(items):
        return items[i]
    index_error(len(items), i)


def own_ix(v: Vec, i: int, own: Own) -> object:
    """The element ``v[i]``, made private to ``v`` (``v`` itself is already private)."""
    items = v.items
    if not 0 <= i < len(items):
        index_error(len(items), i)
    e = items[i]
    if e.shared:  # type: ignore[attr-defined]
        e = own(e)  # type: ignore[arg-type]
        items[i] = e
    return e


def key(m: Map, k: object, text: Text) -> object:
    """``m[k]``, checked."""
    try:
        return m.d[k]
    except KeyError:
        panic(f"key not found in map: {text(k)}")


def own_key(m: Map, k: object, own: Own, text: Text) -> object:
    """The value ``m[k]``, made private to ``m``."""
    d = m.d
    if k not in d:
        panic(f"key not found in map: {text(k)}")
    e = d[k]
    if e.shared:  # type: ignore[attr-defined]
        e = own(e)  # type: ignore[arg-type]
        d[k] = e
    return e


def own_field(r: list[object], k: int, own: Own) -> object:
    """The vector or map in field ``k`` of record ``r``, made private to ``r``."""
    e = r[k]
    if e.shared:  # type: ignore[attr-defined]
        e = own(e)  # type: ignore[arg-type]
        r[k] = e
    return e


# ------------------------------------------------------------------- Vec


def v_get(v: Vec, i: int, dup: Dup) -> object:
    items = v.items
    if 0 <= i < len(items):
        e = items[i]
        return (0, e if dup is None else dup(e))
    return NONE


def v_pop(v: Vec) -> object:
    items = v.items
    return (0, items.pop()) if items else NONE


def v_insert(v: Vec, i: int, x: object) -> None:
    items = v.items
    if not 0 <= i <= len(items):
        panic(f"insert index out of bounds: the length is {len(items)} but the index is {i}")
    items.insert(i, x)


def v_remove(v: Vec, i: int) -> object:
    items = v.items
    if not 0 <= i < len(items):
        panic(f"remove index out of bounds: the length is {len(items)} but the index is {i}")
    return items.pop(i)


def v_slice(v: Vec, a: int, b: int, dup: Dup) -> Vec:
    items = v.items
    n = len(items)
    if not 0 <= a <= b <= n:
        if 0 <= a <= n and 0 <= b <= n:
            panic(f"slice {a}..{b} starts after its end")
        panic(f"slice {a}..{b} is out of bounds of a vector of length {n}")
    part = items[a:b]
    if dup is not None:
        part = [dup(e) for e in part]
    return Vec(part)


def v_concat(a: Vec, b: Vec, dup: Dup) -> Vec:
    if dup is None:
        return Vec(a.items + b.items)
    return Vec([dup(e) for e in a.items] + [dup(e) for e in b.items])


def v_filled(n: int, x: object, dup: Dup) -> Vec:
    if n < 0:
        panic(f"cannot make a vector of negative length {n}")
    if dup is None:
        return Vec([x] * n)
    return Vec([dup(x) for _ in range(n)])


def v_contains_float(v: Vec, x: object) -> bool:
    """``contains`` on ``Vec<f64>``: by IEEE equality, so NaN is never found."""
    return any(e == x for e in v.items)


def _float_key(x: float) -> tuple[bool, float]:
    return (x != x, x)


def v_sort_float(v: Vec) -> None:
    """``sort`` on ``Vec<f64>``: ascending, NaNs last."""
    v.items.sort(key=_float_key)  # type: ignore[arg-type]


# ------------------------------------------------------------------- Map


def m_get(m: Map, k: object, dup: Dup) -> object:
    d = m.d
    if k in d:
        e = d[k]
        return (0, e if dup is None else dup(e))
    return NONE


def m_remove(m: Map, k: object) -> object:
    d = m.d
    if k in d:
        return (0, d.pop(k))
    return NONE


def m_keys(m: Map) -> Vec:
    return Vec(list(m.d))


def m_values(m: Map, dup: Dup) -> Vec:
    if dup is None:
        return Vec(list(m.d.values()))
    return Vec([dup(e) for e in m.d.values()])


# ------------------------------------------------------- Option and Result


def unwrap_none() -> NoReturn:
    panic("called `unwrap()` on `None`")


def expect(o: tuple[object, ...], message: str) -> object:
    if o[0] == 0:
        return o[1]
    panic(message)


def unwrap_or(o: tuple[object, ...], default: object) -> object:
    return o[1] if o[0] == 0 else default


def r_unwrap(r: tuple[object, ...], err_text: Text) -> object:
    if r[0] == 0:
        return r[1]
    panic(f"called `unwrap()` on `Err({err_text(r[1])})`")


def r_unwrap_err(r: tuple[object, ...], ok_text: Text) -> object:
    if r[0] == 1:
        return r[1]
    panic(f"called `unwrap_err()` on `Ok({ok_text(r[1])})`")
