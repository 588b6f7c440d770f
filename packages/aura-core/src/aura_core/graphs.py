"""Strongly connected components, for the graphs every pass has: imports and calls.

The loader reports import cycles, the checker's consumers find recursive cells
(the interpreter's depth guard, the verifier's cache keys, the native backend).
All ask the same question — which nodes lie on a cycle together — so the
algorithm is here once: Tarjan's, iterative so that a long chain of imports or
calls cannot exhaust Python's stack.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TypeVar

__all__ = ["cyclic_components"]

N = TypeVar("N", bound=Hashable)


def cyclic_components(nodes: Iterable[N], successors: Callable[[N], Iterable[N]]) -> list[list[N]]:
    """The strongly connected components that contain a cycle: two or more nodes,
    or one with an edge to itself.  Components come in the order Tarjan's
    algorithm closes them, walking ``nodes`` in order; successors are followed in
    the order ``successors`` gives them."""
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

    for root in nodes:
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
                    if len(component) > 1 or node in successors(node):
                        found.append(component)
    return found
