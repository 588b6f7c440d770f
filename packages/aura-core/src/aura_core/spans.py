"""Moving the spans of an unchanged tree to where its text now is.

After an edit, the declarations the edit did not touch keep their trees, but
their text may have moved.  :func:`remap_spans` rebuilds a tree (AST, typed
program or diagnostics: any frozen dataclasses, tuples and mappings) with every
:class:`~aura_core.source.Span` passed through an offset mapping -- much cheaper
than parsing or checking the declaration again, and what makes per-declaration
reuse possible for the language server.  :func:`move_spans` does the same for a
tree whose nodes were made by different declarations, each moved by its own
delta (a checked cell holds nodes of the aliases, records and signatures it
used, which may lie in other modules).
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from aura_core.source import SourceFile, Span

__all__ = ["OffsetMap", "has_span_fields", "move_spans", "remap_spans"]

T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Old offsets to new ones: within each old range ``[start, end)``, add ``delta``.

    Offsets outside every range are not expected (they belong to text that
    changed); they are returned unchanged.
    """

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    deltas: tuple[int, ...]

    @classmethod
    def of(cls, moves: Sequence[tuple[int, int, int]]) -> OffsetMap:
        """From ``(old_start, old_end, delta)`` triples of disjoint ranges."""
        ordered = sorted(moves)
        return cls(
            tuple(m[0] for m in ordered), tuple(m[1] for m in ordered), tuple(m[2] for m in ordered)
        )

    def __call__(self, offset: int) -> int:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset <= self.ends[i]:
            return offset + self.deltas[i]
        return offset

    @property
    def identity(self) -> bool:
        return not any(self.deltas)

    def covers(self, offset: int) -> bool:
        """Whether ``offset`` lies in one of the ranges (text known to have moved as a whole)."""
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset <= self.ends[i]


def remap_spans(
    tree: T,
    remap: Callable[[int], int],
    source: tuple[SourceFile, SourceFile] | None = None,
) -> T:
    """``tree`` with every span moved by ``remap``; shared subtrees stay shared.

    ``source``, an ``(old, new)`` pair, replaces the old file by the new one
    wherever the tree names it (diagnostics name the file they point into);
    other files are left alone.
    """
    return _Remapper(remap, source).visit(tree)  # type: ignore[no-any-return]


def move_spans(
    tree: T, delta: int, owners: Mapping[int, K], deltas: Mapping[K, int]
) -> tuple[T, dict[int, K]]:
    """``tree`` with each node's spans moved by the delta of whoever made the node.

    ``owners`` maps the ``id`` of some nodes to their owner, whose spans move by
    ``deltas[owner]``; every other node's spans move by ``delta``.  Returns the
    new tree and ``owners`` for its nodes.
    """
    mover = _Mover(delta, owners, deltas)
    return mover.visit(tree, delta), mover.new_owners


_ATOMS = (str, int, float, bool, bytes, type(None))


@cache
def _kind(cls: type) -> tuple[str, tuple[str, ...]]:
    """How to rebuild an instance of ``cls``, and its field names if a dataclass."""
    if issubclass(cls, _ATOMS):
        return "atom", ()
    if cls is Span:
        return "span", ()
    if issubclass(cls, SourceFile):
        return "file", ()
    if issubclass(cls, tuple):
        return "tuple", ()
    if issubclass(cls, Mapping):
        return "mapping", ()
    if dataclasses.is_dataclass(cls):
        return "dataclass", tuple(f.name for f in dataclasses.fields(cls))
    return "atom", ()


class _Remapper:
    def __init__(self, remap: Callable[[int], int], source: tuple[SourceFile, SourceFile] | None):
        self.remap = remap
        self.source = source
        self.memo: dict[int, Any] = {}

    def visit(self, obj: Any) -> Any:
        cls: type = type(obj)
        kind, names = _kind(cls)
        if kind == "atom":
            return obj
        if kind == "span":
            return Span(self.remap(obj.start), self.remap(obj.end))
        key = id(obj)
        done = self.memo.get(key)
        if done is not None:
            return done
        result: Any
        if kind == "dataclass":
            result = object.__new__(type(obj))
            visit = self.visit
            for name in names:
                object.__setattr__(result, name, visit(getattr(obj, name)))
        elif kind == "tuple":
            result = tuple(self.visit(x) for x in obj)
        elif kind == "mapping":
            result = {k: self.visit(v) for k, v in obj.items()}
        else:  # a source file
            result = self.source[1] if self.source is not None and obj is self.source[0] else obj
        self.memo[key] = result
        return result


class _Mover:
    def __init__(self, delta: int, owners: Mapping[int, Any], deltas: Mapping[Any, int]):
        self.delta = delta
        self.owners = owners
        self.deltas = deltas
        self.new_owners: dict[int, Any] = {}
        self.memo: dict[int, Any] = {}

    def visit(self, obj: Any, delta: int) -> Any:
        cls: type = type(obj)
        kind, names = _kind(cls)
        if kind == "atom" or kind == "file":
            return obj
        if kind == "span":
            return Span(obj.start + delta, obj.end + delta) if delta else obj
        key = id(obj)
        done = self.memo.get(key)
        if done is not None:
            return done
        result: Any
        if kind == "dataclass":
            owner = self.owners.get(key)
            if owner is not None:
                delta = self.deltas[owner]
            elif has_span_fields(cls):
                delta = self.delta
            result = object.__new__(cls)
            visit = self.visit
            for name in names:
                object.__setattr__(result, name, visit(getattr(obj, name), delta))
            if owner is not None:
                self.new_owners[id(result)] = owner
        elif kind == "tuple":
            result = tuple(self.visit(x, delta) for x in obj)
        else:
            result = {k: self.visit(v, delta) for k, v in obj.items()}
        self.memo[key] = result
        return result


@cache
def has_span_fields(cls: type) -> bool:
    """Whether instances of ``cls`` (a dataclass) hold a span in a field of their own."""
    return dataclasses.is_dataclass(cls) and any(
        "Span" in str(f.type) for f in dataclasses.fields(cls)
    )
