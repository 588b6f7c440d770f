"""A generic walk over typed trees, for rules that look at every node once.

The typed tree (:mod:`aura_core.tir`) is made of frozen dataclasses and tuples;
this yields every node below a root (the root included), without the leaves
that are never nodes (spans, names, files) and without entering types, which
callers inspect through the nodes' ``type`` fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from aura_core.source import SourceFile, Span
from aura_core.types import Adt, Handle, MapType, Prim, QualName, Refined, TypeParam, VecType

__all__ = ["nodes"]

_LEAVES = (Span, QualName, SourceFile, Prim, VecType, MapType, Adt, Handle, TypeParam, Refined)


def nodes(root: object) -> Iterator[object]:
    """Every dataclass node of the tree under ``root``, in no particular order."""
    todo = [root]
    while todo:
        cur = todo.pop()
        if isinstance(cur, tuple | list):
            todo.extend(cur)
        elif isinstance(cur, _LEAVES) or not dataclasses.is_dataclass(cur):
            continue
        elif not isinstance(cur, type):
            yield cur
            todo.extend(getattr(cur, f.name) for f in dataclasses.fields(cur))
