"""Moving spans: offset maps and tree rebuilding."""

from __future__ import annotations

from aura_core import ast
from aura_core.diagnostics import Diagnostic
from aura_core.source import SourceFile, Span
from aura_core.spans import OffsetMap, move_spans, remap_spans


def test_offset_map_moves_each_range_by_its_delta() -> None:
    m = OffsetMap.of([(10, 20, 5), (0, 5, 0), (30, 40, -3)])
    assert [m(o) for o in (0, 5, 10, 20, 35, 25)] == [0, 5, 15, 25, 32, 25]
    assert not m.identity and OffsetMap.of([(0, 9, 0)]).identity


def test_remap_rebuilds_trees_and_keeps_shared_nodes_shared() -> None:
    name = ast.Name("x", span=Span(4, 5))
    tree = ast.Binary("+", name, name, span=Span(4, 9))
    moved = remap_spans(tree, lambda o: o + 10)
    assert moved == tree and moved.span == Span(14, 19)
    assert moved.left.span == Span(14, 15) and moved.left is moved.right
    assert tree.span == Span(4, 9)  # the original is untouched


def test_remap_replaces_only_the_old_file() -> None:
    old, new, other = (SourceFile(n, "cell f():\n    x\n") for n in ("a", "a", "b"))
    here = Diagnostic.error("E0100", "m", old, Span(1, 2))
    there = Diagnostic.error("E0100", "m", other, Span(1, 2))
    a, b = remap_spans((here, there), lambda o: o + 1, (old, new))
    assert a.file is new and a.span == Span(2, 3)
    assert b.file is other


def test_offset_map_covers_only_its_ranges() -> None:
    m = OffsetMap.of([(10, 20, 5), (30, 40, -3)])
    assert [m.covers(o) for o in (9, 10, 20, 21, 35)] == [False, True, True, False, True]


def test_move_spans_moves_each_node_with_the_delta_of_its_owner() -> None:
    theirs = ast.Name("p", span=Span(2, 3))
    mine = ast.Binary("+", ast.Name("x", span=Span(40, 41)), theirs, span=Span(40, 45))
    tree = ast.Binary("*", mine, theirs, span=Span(40, 50))
    moved, owners = move_spans(tree, 7, {id(theirs): "alias"}, {"alias": 100})
    assert moved == tree
    assert (moved.span, moved.left.span, moved.left.left.span) == (
        Span(47, 57),
        Span(47, 52),
        Span(47, 48),
    )
    assert moved.right.span == Span(102, 103) and moved.right is moved.left.right
    assert owners == {id(moved.right): "alias"}
