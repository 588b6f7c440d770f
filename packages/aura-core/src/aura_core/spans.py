"""Moving the spans of an unchanged tree to where its text now is.

After an edit, the declarations the edit did not touch keep their trees, but
their text may have moved.  :func:`remap_spans` rebuilds a tree (AST, typed
program or diagnostics: any frozen dataclasses, tuples and mappings) with every
:class:`~aura_core.source.Span` passed through an offset mapping -- much cheaper
than parsing or checking the declaration again, and what makes per-declaration
reuse possible for the language server.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from aura_core.source import SourceFile, Span

__all__ = ["OffsetMap", "remap_spans"]

T = TypeVar("T")


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
