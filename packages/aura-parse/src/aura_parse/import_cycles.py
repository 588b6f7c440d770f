"""Import cycles: one per group of modules that import each other.

A program may have many cycles through the same modules, exponentially many in
the worst case, so reporting each is neither possible nor helpful.  Instead the
import graph is split into strongly connected components (Tarjan's algorithm,
iterative so that deep import chains cannot exhaust Python's stack), and each
component that holds a cycle yields one: the shortest cycle through its module
that comes first in the program's order.  Breaking every reported cycle may
reveal another in the same component, which the next run reports.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import TypeVar

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
    for component in _components(order, successors):
        start = min(component, key=rank.__getitem__)
        if len(component) == 1 and start not in successors(start):
            continue
        cycles.append(_shortest_cycle(start, set(component), successors))
    cycles.sort(key=lambda cycle: rank[cycle[0]])
    return cycles


def _components(order: Sequence[N], successors: _Successors[N]) -> list[list[N]]:
    """Tarjan's strongly connected components, without recursion."""
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    stack: list[N] = []
    on_stack: set[N] = set()
    found: list[list[N]] = []

    def visit(node: N) -> tuple[N, Iterator[N]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return node, iter(successors(node))

    for root in order:
        if root in index:
            continue
        work = [visit(root)]
        while work:
            node, pending = work[-1]
            for nxt in pending:
                if nxt not in index:
                    work.append(visit(nxt))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[N] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(component)
    return found


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
