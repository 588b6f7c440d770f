"""Walking the typed program: the nodes below a node, in source order."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from aura_core import tir

__all__ = ["bound_locals", "nodes", "olds_of", "unroll_levels"]


def nodes(root: object) -> Iterator[object]:
    """Every typed-program node reachable from ``root`` (not into types)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, tuple):
            stack.extend(reversed(node))
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            if isinstance(node, tir.Local):
                continue
            children = [
                getattr(node, f.name)
                for f in dataclasses.fields(node)
                if f.name not in ("type", "span", "local")
            ]
            stack.extend(reversed(children))


def olds_of(cell: tir.CellDef) -> list[tir.Old]:
    """The ``old(...)`` expressions of a cell's specifications."""
    found = [n for n in nodes((cell.contract.ensures, cell.body)) if isinstance(n, tir.Old)]
    return found


def bound_locals(body: tir.Block) -> list[tir.Local]:
    """The locals a body binds: ``val``s, pattern names and ``for x in v`` variables."""
    out: list[tir.Local] = []
    for n in nodes(body):
        if isinstance(n, tir.Let | tir.BindPattern):
            out.append(n.local)
        elif isinstance(n, tir.ForEach):
            out.append(n.var)
    return out


def unroll_levels(cell: tir.CellDef, most: int, budget: int) -> int:
    """How many levels of ``cell``'s direct recursion to make into one function.

    With ``b`` recursive calls in the body, ``u`` levels hold ``1 + b + ... +
    b**(u-1)`` copies of it: the most levels (up to ``most``) whose copies stay
    within ``budget`` typed-program nodes.
    """
    body = list(nodes(cell.body))
    calls = sum(1 for n in body if isinstance(n, tir.Call) and n.cell == cell.name)
    levels = 1
    while calls and levels < most:
        copies = sum(calls**k for k in range(levels + 1))
        if copies * len(body) > budget:
            break
        levels += 1
    return levels
