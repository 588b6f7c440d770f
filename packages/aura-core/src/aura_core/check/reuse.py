"""Reusing the check of unchanged cells after an edit.

The language server re-checks a file on every keystroke.  A cell's check
depends on its own declaration and on the *interface* of the program: every
other declaration, with cell bodies left out (signatures, contracts, types,
constants, imports).  When an edit leaves the interface of every module as it
was, each cell whose text is unchanged keeps its typed definition and its
diagnostics; only their spans move to where the text now is.

A declaration whose text is unchanged moved as a whole, by one delta.  A cell's
typed definition also holds nodes other declarations made, in its own module
or another (a refinement alias's predicate, a record field's default, a
callee's parameters); the check recorded which (:mod:`aura_core.check.owners`),
and each such node moves by the delta of the declaration that made it
(:func:`~aura_core.spans.move_spans`).  Diagnostics name their file, so each
of their spans moves with the declaration of that file it lies in.  A cell that
borrowed from a declaration whose text changed (for a cell: the text of its
signature, what others borrow), or whose diagnostics point into changed text,
is checked again.  Only text that is unchanged character for character counts:
an edit of the spaces inside a declaration leaves its tree equal but moves its
spans.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from aura_core import ast, tir
from aura_core.check.owners import Borrowed
from aura_core.diagnostics import Diagnostic, Label
from aura_core.modules import ModulePath, ParsedModule
from aura_core.source import Span
from aura_core.spans import OffsetMap, move_spans
from aura_core.types import QualName

__all__ = ["Reused", "reuse_plan"]


@dataclass(frozen=True, slots=True)
class Reused:
    """A cell's previous result, moved to the new text."""

    definition: tir.CellDef
    callees: frozenset[QualName]
    diagnostics: tuple[Diagnostic, ...]
    borrowed: Borrowed


@dataclass(frozen=True, slots=True)
class _Moves:
    """How one module's text moved: old offsets to new ones, for unchanged text only."""

    new: ParsedModule
    offsets: OffsetMap


def _interface(module: ast.Module) -> tuple[ast.Decl, ...]:
    return tuple(replace(d, body=None) if isinstance(d, ast.CellDecl) else d for d in module.decls)


def reuse_plan(
    modules: Sequence[ParsedModule],
    old_modules: Sequence[ParsedModule],
    old_program: tir.Program,
    old_diagnostics: Mapping[QualName, tuple[Diagnostic, ...]],
    old_borrowed: Mapping[QualName, Borrowed],
) -> dict[QualName, Reused]:
    """The cells that need no new check, with their previous results moved."""
    old = {m.path: m for m in old_modules}
    if set(old) != {m.path for m in modules}:
        return {}
    for m in modules:
        o = old[m.path]
        if (o.package, o.dependencies) != (m.package, m.dependencies):
            return {}
        if o.source.text != m.source.text and _interface(o.ast) != _interface(m.ast):
            return {}
    deltas: dict[QualName, int] = {}
    same: set[QualName] = set()
    files: dict[int, _Moves] = {}
    for m in modules:
        o = old[m.path]
        files[id(o.source)] = _Moves(m, _unchanged(o, m, deltas, same))
    plan: dict[QualName, Reused] = {}
    for m in modules:
        old_module = old_program.modules.get(m.path)
        if old_module is None:
            continue
        for name, definition in old_module.cells.items():
            q = QualName(m.path, name)
            borrowed = old_borrowed.get(q)
            if q not in same or borrowed is None:
                continue
            reused = _moved(
                definition, deltas[q], borrowed, deltas, old_diagnostics.get(q, ()), files
            )
            if reused is not None:
                plan[q] = Reused(reused[0], old_program.calls.get(q, frozenset()), *reused[1:])
    return plan


def _unchanged(
    old: ParsedModule, new: ParsedModule, deltas: dict[QualName, int], same: set[QualName]
) -> OffsetMap:
    """Note the declarations whose text is unchanged (``same``) and how far the text
    of their nodes moved (``deltas``; for a cell whose body changed, the text of
    its signature); return the offset map of the unchanged declarations.
    """
    if old.source.text == new.source.text:
        for d in new.ast.decls:
            if not isinstance(d, ast.Import):
                deltas[QualName(new.path, d.name)] = 0
                same.add(QualName(new.path, d.name))
        return OffsetMap.of([(0, len(old.source.text), 0)])
    before = {_key(d): d for d in old.ast.decls}
    old_text, new_text = old.source.text, new.source.text
    moves: list[tuple[int, int, int]] = []
    for d in new.ast.decls:
        o = before.get(_key(d))
        if o is None:
            continue
        delta = d.span.start - o.span.start
        text_same = old_text[o.span.start : o.span.end] == new_text[d.span.start : d.span.end]
        if isinstance(d, ast.Import):
            if o == d and text_same:
                moves.append((o.span.start, o.span.end, delta))
            continue
        q = QualName(new.path, d.name)
        if o != d or not text_same:
            # Changed, or the same tree with spaces or comments moved inside it.  The
            # interface is unchanged: a cell's signature may still be where it was.
            if isinstance(d, ast.CellDecl) and isinstance(o, ast.CellDecl):
                old_end, new_end = _signature_end(o), _signature_end(d)
                if old_text[o.span.start : old_end] == new_text[d.span.start : new_end]:
                    deltas[q] = delta
            continue
        moves.append((o.span.start, o.span.end, delta))
        deltas[q] = delta
        same.add(q)
    return OffsetMap.of(moves)


def _signature_end(d: ast.CellDecl) -> int:
    """Where the text of a cell's signature ends: its parameters and result type."""
    ends = [p.span.end for p in d.params]
    if d.ret is not None:
        ends.append(d.ret.span.end)
    return max(ends, default=d.span.start)


def _moved(
    definition: tir.CellDef,
    delta: int,
    borrowed: Borrowed,
    deltas: Mapping[QualName, int],
    diagnostics: tuple[Diagnostic, ...],
    files: Mapping[int, _Moves],
) -> tuple[tir.CellDef, tuple[Diagnostic, ...], Borrowed] | None:
    """A cell's previous result moved, or None if what it borrowed changed."""
    owners = set(borrowed.values())
    if not all(owner in deltas for owner in owners):
        return None
    moved_diagnostics = []
    for d in diagnostics:
        moved = _move_diagnostic(d, files)
        if moved is None:
            return None
        moved_diagnostics.append(moved)
    # A cell whose spans all stayed put keeps its typed definition as it is (the
    # common case: everything above the edit).
    if delta or any(deltas[owner] for owner in owners):
        definition, borrowed = move_spans(definition, delta, borrowed, deltas)
    return definition, tuple(moved_diagnostics), borrowed


def _move_diagnostic(d: Diagnostic, files: Mapping[int, _Moves]) -> Diagnostic | None:
    """``d`` in the new text, naming the new files; None if it points into changed text."""
    if d.file is None:
        return d
    home = files.get(id(d.file))
    if home is None:
        return d  # a file outside the program, which no edit reaches
    span = _move_span(d.span, home)
    labels = []
    for label in d.labels:
        where = home if label.file is None else files.get(id(label.file))
        if where is None:
            labels.append(label)
            continue
        moved = _move_span(label.span, where)
        if moved is None:
            return None
        file = None if label.file is None else where.new.source
        labels.append(Label(moved, label.message, file))
    help_ = d.help
    if help_ is not None and help_.edit is not None:
        edit_span = _move_span(help_.edit.span, home)
        if edit_span is None:
            return None
        help_ = replace(help_, edit=replace(help_.edit, span=edit_span))
    if d.span is not None and span is None:
        return None
    return replace(d, file=home.new.source, span=span, labels=tuple(labels), help=help_)


def _move_span(span: Span | None, moves: _Moves) -> Span | None:
    if span is None:
        return None
    offsets = moves.offsets
    if not (offsets.covers(span.start) and offsets.covers(span.end)):
        return None
    return Span(offsets(span.start), offsets(span.end))


def _key(d: ast.Decl) -> tuple[str, str | ModulePath]:
    return (type(d).__name__, d.path if isinstance(d, ast.Import) else d.name)
