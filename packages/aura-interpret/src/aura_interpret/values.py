"""How Aura values are represented in the interpreter, and how value semantics is kept.

=================  =====================================================
Aura               Python
=================  =====================================================
integers, ``Int``  ``int`` (fixed widths are range-checked by the code)
``f64``            ``float``
``bool``           ``bool``
``String``         ``str`` (positions are UTF-8 byte offsets, see rt_text)
``Unit``           ``None``
``Vec<T>``         :class:`Vec`: a Python ``list`` plus a ``shared`` flag
``Map<K, V>``      :class:`Map`: a Python ``dict`` plus a ``shared`` flag
record             ``list`` of the field values, in declaration order
enum value         ``tuple``: ``(variant index, field values...)``
=================  =====================================================

Every Aura type except the handle types is a *value* (spec section 2): binding,
passing, storing and returning copy it.  Copying eagerly would make
``val b = a`` cost O(n), so vectors and maps are copied on write:

* a :class:`Vec` or :class:`Map` whose ``shared`` flag is false has exactly one
  holder that may write it (a variable, a record field, a container slot);
* whenever generated code stores such an object into a second holder, it sets
  ``shared`` (:func:`share`) instead of copying;
* before writing, the holder checks the flag and, if it is set, replaces its
  reference by a private copy (``own_*``), whose flag is clear.  The copy is
  shallow, so the elements it now shares with the original are marked in turn
  (:func:`dup_any` and the per-type duplicators of :mod:`aura_interpret.typeinfo`).

The flag is sticky: the original keeps ``shared`` after one holder made its
copy, so the other holder copies once more on its own first write.  That costs
at most one extra copy per sharing, never a wrong result.  Reading a vector,
passing it to an immutable parameter (a borrow: the caller cannot run while the
callee holds it) and returning a local that dies with its cell mark nothing, so
a vector that is only read is never copied.

Records are small and are copied eagerly when stored into a second holder
(which also marks the vectors and maps they contain); enum values are
immutable tuples and are shared freely, because no place expression reaches
inside one: taking a payload out of an enum value copies it.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "Cow",
    "Map",
    "Vec",
    "dup_any",
    "own_map",
    "own_map_with",
    "own_vec",
    "own_vec_shared",
    "own_vec_with",
    "share",
]


class Cow:
    """A copy-on-write container: ``shared`` is set once a second holder exists."""

    __slots__ = ("shared",)
    shared: bool


class Vec(Cow):
    """``Vec<T>``: ``items`` is the Python list of elements."""

    __slots__ = ("items",)

    def __init__(self, items: list[object]) -> None:
        self.items = items
        self.shared = False

    def __eq__(self, other: object) -> bool:
        return type(other) is Vec and self.items == other.items

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Vec({self.items!r}{', shared' if self.shared else ''})"


class Map(Cow):
    """``Map<K, V>``: ``d`` is the Python dict, whose order is the insertion order."""

    __slots__ = ("d",)

    def __init__(self, d: dict[object, object]) -> None:
        self.d = d
        self.shared = False

    def __eq__(self, other: object) -> bool:
        return type(other) is Map and self.d == other.d

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Map({self.d!r}{', shared' if self.shared else ''})"


def share(x: Cow) -> Cow:
    """Mark ``x`` as held twice and return it: the copy of a vector or map."""
    x.shared = True
    return x


def dup_any(x: object) -> object:
    """The copy of a value of a type unknown at compile time (a type parameter).

    Records are lists and are copied, vectors and maps are marked shared,
    everything else is immutable and returned as is.
    """
    t = type(x)
    if t is list:
        return [dup_any(e) for e in x]  # type: ignore[attr-defined]
    if t is Vec or t is Map:
        x.shared = True  # type: ignore[attr-defined]
    return x


def own_vec(v: Vec) -> Vec:
    """A private copy of a shared vector of immutable elements."""
    return Vec(v.items.copy())


def own_vec_shared(v: Vec) -> Vec:
    """A private copy of a shared vector of vectors or maps (which become shared)."""
    items = v.items.copy()
    for e in items:
        e.shared = True  # type: ignore[attr-defined]
    return Vec(items)


def own_vec_with(dup: Callable[[object], object]) -> Callable[[Vec], Vec]:
    """The owner of vectors whose elements are copied by ``dup`` (records, type parameters)."""

    def own(v: Vec) -> Vec:
        return Vec([dup(e) for e in v.items])

    return own


def own_map(m: Map) -> Map:
    """A private copy of a shared map of immutable values."""
    return Map(m.d.copy())


def own_map_with(dup: Callable[[object], object]) -> Callable[[Map], Map]:
    """The owner of maps whose values are copied by ``dup``."""

    def own(m: Map) -> Map:
        return Map({k: dup(v) for k, v in m.d.items()})

    return own
