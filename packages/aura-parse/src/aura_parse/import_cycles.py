"""Import cycles: one per group of modules that import each other.

A program may have many cycles through the same modules, exponentially many in
the worst case, so reporting each is neither possible nor helpful.  Instead the
import graph is split into strongly connected components
(:func:`aura_core.graphs.cyclic_components`), and each
component that holds a cycle yields one: the shortest cycle through its module
that comes first in the program's order.  Breaking every reported cycle may
reveal another in the same component, which the next run reports.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

from aura_core.graphs import cyclic_components

__all__ = ["find_cycles"]

N = TypeVar("N", bound=Hashable)
_Successors = Callable[[N], list[N]]


def find_cycles(order: Sequence[N], edges: Mapping[N, Sequence[N]]) -> list[list[N]]:
    """One cycle per strongly connected component that has one.

    ``order`` lists the nodes; ``edges`` maps a node to the nodes it points at
    (targets not in ``order`` are ignored).  A cycle ``[a, b]`` means ``a -> b ->
    a``; it starts at its component's earliest node in ``order``, and cycles come
    in the order of their first nodes, so the result is deterministic.
    """
    rank = {node: i for i, node in enumerate(order)}

    def successors(node: N) -> list[N]:
        return [n for n in edges.get(node, ()) if n in rank]

    cycles: list[list[N]] = []
    for component in cyclic_components(order, successors):
        start = min(component, key=rank.__getitem__)
        cycles.append(_shortest_cycle(start, set(component), successors))
    cycles.sort(key=lambda cycle: rank[cycle[0]])
    return cycles


def _shortest_cycle(start: N, members: set[N], successors: _Successors[N]) -> list[N]:
    """The shortest path from ``start`` back to itself within ``members`` (breadth first)."""
    parent: dict[N, N] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in successors(node):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if nxt in members and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    raise AssertionError("a strongly connected component without a cycle")
