"""Folding ranges: every block an editor may collapse, from the syntax tree.

A declaration, each block of a statement (an ``if`` branch, a loop, a match
arm, ``unsafe:``), a run of comment lines and a run of imports fold when they
span more than one line.  The syntax tree is used, not the typed program, so
folding works while a cell has errors.  A range ends on the last line of its
block: an editor shows the header and hides the rest.
"""

from __future__ import annotations

from collections.abc import Iterator

from lsprotocol import types as lsp

from aura_core import ast
from aura_core.source import SourceFile, Span

__all__ = ["folding_ranges"]

Kind = lsp.FoldingRangeKind


def folding_ranges(
    source: SourceFile, module: ast.Module, comments: tuple[ast.Comment, ...]
) -> list[lsp.FoldingRange]:
    """The foldable ranges of a module, sorted by start line."""
    out: list[lsp.FoldingRange] = []

    def add(span: Span, kind: lsp.FoldingRangeKind | None = None) -> None:
        first = source.position(span.start).line - 1
        last = source.position(max(span.start, span.end - 1)).line - 1
        if last > first:
            out.append(lsp.FoldingRange(start_line=first, end_line=last, kind=kind))

    imports = [d.span for d in module.decls if isinstance(d, ast.Import)]
    for run in _runs(source, imports):
        add(run, Kind.Imports)
    own_line = [c.span for c in comments if _starts_line(source.text, c.span.start)]
    for run in _runs(source, own_line):
        add(run, Kind.Comment)
    for decl in module.decls:
        if not isinstance(decl, ast.Import):
            add(decl.span)
        if isinstance(decl, ast.CellDecl) and decl.body is not None:
            for block in _blocks(source.text, decl.body):
                add(block)
    return sorted(out, key=lambda r: (r.start_line, -r.end_line))


def _blocks(text: str, block: ast.Block) -> Iterator[Span]:
    """The span of every statement that opens a block below ``block``, and theirs."""
    for stmt in block.stmts:
        match stmt:
            case ast.IfStmt(branches=branches, else_body=else_body):
                for branch in branches:
                    yield branch.span
                    yield from _blocks(text, branch.body)
                if else_body is not None:
                    # The block holds the statements; the fold starts at its `else:`.
                    header = text.rfind("else", 0, else_body.span.start)
                    yield Span(max(header, 0), else_body.span.end)
                    yield from _blocks(text, else_body)
            case ast.WhileStmt(body=body) | ast.ForStmt(body=body) | ast.UnsafeStmt(body=body):
                yield stmt.span
                yield from _blocks(text, body)
            case ast.MatchStmt(arms=arms):
                yield stmt.span
                for arm in arms:
                    yield arm.span
                    yield from _blocks(text, arm.body)
            case _:
                pass


def _starts_line(text: str, offset: int) -> bool:
    """Whether only blanks stand before ``offset`` on its line (an own-line comment)."""
    return not text[text.rfind("\n", 0, offset) + 1 : offset].strip()


def _runs(source: SourceFile, spans: list[Span]) -> Iterator[Span]:
    """Spans on consecutive lines joined into one (a run of comments or imports)."""
    start: Span | None = None
    end: Span | None = None
    for span in sorted(spans, key=lambda s: s.start):
        line = source.position(span.start).line
        if end is not None and start is not None and line == source.position(end.start).line + 1:
            end = span
            continue
        if start is not None and end is not None:
            yield Span(start.start, end.end)
        start = end = span
    if start is not None and end is not None:
        yield Span(start.start, end.end)
