"""Strongly connected components (aura_core/graphs.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aura_core.graphs import cyclic_components


def components(edges: dict[int, list[int]]) -> set[frozenset[int]]:
    return {frozenset(c) for c in cyclic_components(edges, lambda n: edges.get(n, []))}


def test_components_with_cycles_only() -> None:
    edges = {1: [2], 2: [3], 3: [1, 4], 4: [4], 5: [6], 6: []}
    assert components(edges) == {frozenset({1, 2, 3}), frozenset({4})}


def test_a_long_chain_does_not_exhaust_the_stack() -> None:
    n = 100_000
    edges = {i: [i + 1] for i in range(n)}
    edges[n] = [0]
    assert components(edges) == {frozenset(range(n + 1))}


def reaches(edges: dict[int, list[int]], a: int, b: int) -> bool:
    seen, todo = set(), [a]
    while todo:
        x = todo.pop()
        for y in edges.get(x, []):
            if y == b:
                return True
            if y not in seen:
                seen.add(y)
                todo.append(y)
    return False


@given(st.dictionaries(st.integers(0, 7), st.lists(st.integers(0, 7), max_size=3)))
def test_nodes_share_a_component_exactly_when_each_reaches_the_other(
    edges: dict[int, list[int]],
) -> None:
    found = components(edges)
    nodes = set(edges) | {n for targets in edges.values() for n in targets}
    for a in nodes:
        for b in nodes:
            together = any(a in c and b in c for c in found)
            assert together == (reaches(edges, a, b) and reaches(edges, b, a))
