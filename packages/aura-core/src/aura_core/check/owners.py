"""Which declaration each node with a span belongs to.

Spans carry no file, and a cell's typed definition holds nodes that other
declarations made: the predicate of a refinement alias, the typed default of a
record field, a callee's parameters.  Their spans point into the declaring
module, wherever that is.  To move a reused cell's spans exactly
(:mod:`aura_core.check.reuse`), the checker records who made each such node:

- every declaration-level result (an alias's type, a record, an enum, a cell's
  signature, a constant's type, a field default) is *claimed* by its declaration
  when it is computed.  Nested results are computed, and so claimed, first, so a
  node belongs to the innermost declaration that made it;
- whenever a cell's check takes such a result, it is *lent*; after the check,
  :meth:`Owners.borrowed` lists the nodes of the results lent to it that another
  declaration made: every node of its typed definition that is not its own,
  and possibly more.

Only nodes with a span of their own are recorded; a node is known by its
``id``, so the registry also keeps each node alive for the check's lifetime.
A cell's borrowed map outlives the check: an id in it is only ever looked up
for a node of that cell's typed definition, which was alive together with every
node the map names, so an id freed later never names one of those nodes;
:func:`~aura_core.spans.move_spans` returns a map of the moved tree's nodes only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from aura_core.source import SourceFile, Span
from aura_core.spans import has_span_fields
from aura_core.types import QualName

__all__ = ["Borrowed", "Owners"]

#: For one cell: ``id`` of a node in its typed definition -> the declaration
#: that made it (only nodes other declarations made).
Borrowed = Mapping[int, QualName]

T = TypeVar("T")

_ATOMS = (str, int, float, bool, bytes, type(None), Span, SourceFile)


@cache
def _fields(cls: type) -> tuple[str, ...]:
    if issubclass(cls, _ATOMS) or not dataclasses.is_dataclass(cls):
        return ()
    return tuple(f.name for f in dataclasses.fields(cls))


def _children(obj: Any) -> tuple[Any, ...]:
    if isinstance(obj, tuple):
        return obj
    if isinstance(obj, Mapping):
        return tuple(obj.values())
    cls: type = type(obj)
    return tuple(getattr(obj, name) for name in _fields(cls))


def _walks(obj: Any) -> bool:
    cls: type = type(obj)
    return _walks_class(cls)


@cache
def _walks_class(cls: type) -> bool:
    fields = _fields(cls)  # () for atoms
    if issubclass(cls, _ATOMS):
        return False
    return issubclass(cls, tuple | Mapping) or bool(fields)


class Owners:
    """Who made each node of the declaration-level results, and who borrowed them."""

    def __init__(self) -> None:
        self._owner: dict[int, QualName] = {}
        #: ``id`` of a result -> the owner of every node with a span it holds.
        self._members: dict[int, dict[int, QualName]] = {}
        self._alive: list[Any] = []
        self._lent: list[int] = []

    def claim(self, owner: QualName, result: Any, tree: Any = None) -> None:
        """``result`` was computed for ``owner``; its nodes are ``tree`` (default: itself).

        Nodes that nothing claimed before become ``owner``'s.
        """
        members: dict[int, QualName] = {}
        claimed = self._owner
        seen: set[int] = set()
        stack = [result if tree is None else tree]
        while stack:
            obj = stack.pop()
            if not _walks(obj) or id(obj) in seen:
                continue
            seen.add(id(obj))
            cls: type = type(obj)
            if has_span_fields(cls):
                if id(obj) not in claimed:
                    claimed[id(obj)] = owner
                    self._alive.append(obj)
                members[id(obj)] = claimed[id(obj)]
            stack.extend(_children(obj))
        self._members[id(result)] = members
        self._alive.append(result)

    def lend(self, result: T) -> T:
        """Note that the cell being checked took ``result``; returns it."""
        self._lent.append(id(result))
        return result

    def mark(self) -> int:
        """Where the loans of the next cell's check start."""
        return len(self._lent)

    def borrowed(self, cell: QualName, since: int) -> dict[int, QualName]:
        """The nodes lent since ``since`` that a declaration other than ``cell`` made.

        A superset of the nodes the cell's typed definition holds: all of each
        result it took, used or not.
        """
        out: dict[int, QualName] = {}
        for key in set(self._lent[since:]):
            members = self._members.get(key)
            if members:
                out.update(members)
        return {node: owner for node, owner in out.items() if owner != cell}
