"""Folding, highlights, workspace symbols and the call hierarchy, on analysed snapshots."""

from __future__ import annotations

from lsprotocol import types as lsp

from aura_core.source import SourceFile
from aura_lsp.analysis import Analyzer, Snapshot
from aura_lsp.call_hierarchy import incoming_calls, outgoing_calls, prepare_call_hierarchy
from aura_lsp.documents import Document
from aura_lsp.folding import folding_ranges
from aura_lsp.navigation import highlights
from aura_lsp.symbols import workspace_symbols
from aura_lsp.workspace import root_of

URI = "untitled:shapes.aura"
TEXT = """\
import std::io
import std::math

# Two lines of
# comment.
type Point = record {
    x: i64,
    y: i64,
}

cell norm1(p: Point) -> i64:
    requires p.x > -1000 and p.x < 1000 and p.y > -1000 and p.y < 1000
    val mut total: i64 = 0
    if p.x < 0:
        total = total - p.x
    else:
        total = total + p.x
    total = total + p.y.abs()
    return total

cell twice(p: Point) -> i64:
    requires p.x > -1000 and p.x < 1000 and p.y > -1000 and p.y < 1000
    return norm1(p) + norm1(p)

cell main():
    io::println("{twice(Point { x: 1, y: 2 })}")
"""


def analysed(text: str = TEXT) -> Snapshot:
    return Analyzer().analyze(root_of(URI), {URI: Document(URI, 1, text)})


def offset_of(needle: str, nth: int = 0) -> int:
    at = -1
    for _ in range(nth + 1):
        at = TEXT.index(needle, at + 1)
    return at


def test_blocks_comments_and_imports_fold() -> None:
    snapshot = analysed()
    parsed = snapshot.loaded.parses[("shapes",)]
    ranges = folding_ranges(parsed.source, parsed.module, parsed.comments)
    shown = {(r.start_line, r.end_line, r.kind) for r in ranges}
    kind = lsp.FoldingRangeKind
    assert (0, 1, kind.Imports) in shown
    assert (3, 4, kind.Comment) in shown
    assert (5, 8, None) in shown  # the record
    assert (10, 18, None) in shown  # norm1
    assert (13, 14, None) in shown  # the `if` branch
    assert (15, 16, None) in shown  # its `else:`
    assert all(r.end_line > r.start_line for r in ranges)


def test_highlights_mark_the_declaration_and_every_use_in_the_module() -> None:
    snapshot = analysed()
    marks = highlights(snapshot, ("shapes",), offset_of("total", 2))
    source = SourceFile("t", TEXT)
    lines = [source.position(offset_of("total", i)).line - 1 for i in range(TEXT.count("total"))]
    assert [(h.range.start.line, h.kind) for h in marks] == [
        (lines[0], lsp.DocumentHighlightKind.Write),
        *[(line, lsp.DocumentHighlightKind.Read) for line in lines[1:]],
    ]


def test_workspace_symbols_match_letters_in_order_and_leave_std_out() -> None:
    snapshot = analysed()
    names = [s.name for s in workspace_symbols([snapshot], "nm")]
    assert names == ["norm1"]
    everything = {s.name: s.kind for s in workspace_symbols([snapshot], "")}
    assert everything == {
        "Point": lsp.SymbolKind.Struct,
        "main": lsp.SymbolKind.Function,
        "norm1": lsp.SymbolKind.Function,
        "twice": lsp.SymbolKind.Function,
    }


def test_call_hierarchy_goes_both_ways_with_the_call_sites() -> None:
    snapshot = analysed()
    [item] = prepare_call_hierarchy(snapshot, ("shapes",), offset_of("norm1", 1))
    assert item.name == "norm1" and item.uri == URI
    [incoming] = incoming_calls(snapshot, item.data)
    assert incoming.from_.name == "twice"
    assert len(incoming.from_ranges) == 2
    assert {r.start.line for r in incoming.from_ranges} == {
        SourceFile("t", TEXT).position(offset_of("norm1(p) +")).line - 1
    }
    [twice] = prepare_call_hierarchy(snapshot, ("shapes",), offset_of("twice"))
    outgoing = outgoing_calls(snapshot, twice.data)
    assert [(o.to.name, len(o.from_ranges)) for o in outgoing] == [("norm1", 2)]
    assert outgoing_calls(snapshot, {"module": "nonsense"}) == []
    assert prepare_call_hierarchy(snapshot, ("shapes",), offset_of("total")) == []
