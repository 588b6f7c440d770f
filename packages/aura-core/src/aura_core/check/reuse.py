"""Reusing the check of unchanged cells after an edit.

The language server re-checks a file on every keystroke.  A cell's check
depends on its own declaration and on the *interface* of the program: every
other declaration, with cell bodies left out (signatures, contracts, types,
constants, imports).  When an edit leaves the interface of every module as it
was, each cell whose declaration is unchanged keeps its typed definition and
its diagnostics; only their spans move to where the text now is
(:func:`~aura_core.spans.remap_spans`).

Spans that a cell's typed definition borrows from another module (a refinement
alias or a record field's default declared there) are moved with this module's
offsets: after an edit that moves such a declaration, they can be off until the
next full check.  The language server re-checks fully when it saves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from aura_core import ast, tir
from aura_core.diagnostics import Diagnostic
from aura_core.modules import ModulePath, ParsedModule
from aura_core.spans import OffsetMap, remap_spans
from aura_core.types import QualName

__all__ = ["Reused", "reuse_plan"]


@dataclass(frozen=True, slots=True)
class Reused:
    """A cell's previous result, moved to the new text."""

    definition: tir.CellDef
    callees: frozenset[QualName]
    diagnostics: tuple[Diagnostic, ...]


def _interface(module: ast.Module) -> tuple[ast.Decl, ...]:
    return tuple(replace(d, body=None) if isinstance(d, ast.CellDecl) else d for d in module.decls)


def reuse_plan(
    modules: Sequence[ParsedModule],
    old_modules: Sequence[ParsedModule],
    old_program: tir.Program,
    old_diagnostics: Mapping[QualName, tuple[Diagnostic, ...]],
) -> dict[QualName, Reused]:
    """The cells that need no new check, with their previous results moved."""
    old = {m.path: m for m in old_modules}
    if set(old) != {m.path for m in modules}:
        return {}
    for m in modules:
        o = old[m.path]
        if (o.package, o.dependencies) != (m.package, m.dependencies):
            return {}
        if _interface(o.ast) != _interface(m.ast):
            return {}
    plan: dict[QualName, Reused] = {}
    for m in modules:
        _plan_module(m, old[m.path], old_program, old_diagnostics, plan)
    return plan


def _plan_module(
    new: ParsedModule,
    old: ParsedModule,
    old_program: tir.Program,
    old_diagnostics: Mapping[QualName, tuple[Diagnostic, ...]],
    plan: dict[QualName, Reused],
) -> None:
    before = {_key(d): d for d in old.ast.decls}
    moves: list[tuple[int, int, int]] = []
    same_cells: list[tuple[str, int]] = []
    for d in new.ast.decls:
        o = before.get(_key(d))
        if o is None or o != d:
            continue
        delta = d.span.start - o.span.start
        moves.append((o.span.start, o.span.end, delta))
        if isinstance(d, ast.CellDecl):
            same_cells.append((d.name, delta))
    remap = OffsetMap.of(moves)
    files = (old.source, new.source)
    old_module = old_program.modules.get(old.path)
    if old_module is None:
        return
    for name, delta in same_cells:
        q = QualName(new.path, name)
        definition = old_module.cells.get(name)
        if definition is None:
            continue
        # A cell that did not move keeps its typed definition as it is (the common
        # case: everything above the edit); its diagnostics name the new file.
        if delta:
            definition = remap_spans(definition, remap)
        diagnostics = remap_spans(old_diagnostics.get(q, ()), remap, files)
        plan[q] = Reused(definition, old_program.calls.get(q, frozenset()), diagnostics)


def _key(d: ast.Decl) -> tuple[str, str | ModulePath]:
    return (type(d).__name__, d.path if isinstance(d, ast.Import) else d.name)
