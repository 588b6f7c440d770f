"""Map keys must have an equivalence for equality (spec section 2, 0.2).

Keys are integers, ``bool`` or ``String``; not ``f64``, whose ``==`` is not an
equivalence (``NaN != NaN``, ``-0.0 == 0.0``), so that no two parts of the
toolchain can disagree about which keys are one.  A written ``Map<f64, V>`` is
E0138 where it is written; a map type that arises without being written --
``Map::new()`` inferred from an insertion, a generic cell instantiated with
``f64`` -- is E0138 at the first expression of a cell that has it (once per
cell, and not in a cell where a written one was reported).
"""

from __future__ import annotations

from aura_core import tir
from aura_core.check.report import Reporter
from aura_core.check.treewalk import nodes
from aura_core.check.typeops import display
from aura_core.source import SourceFile, Span
from aura_core.types import F64, Adt, Handle, MapType, Refined, Type, VecType, strip_refinement

__all__ = ["bad_key", "check_inferred_keys", "report_key"]

_HELP = "use integer keys (for example the value scaled to a fixed precision) or `String` keys"


def bad_key(key: Type) -> bool:
    return strip_refinement(key) == F64


def report_key(
    report: Reporter, t: Type, file: SourceFile, span: Span, whole: MapType | None = None
) -> None:
    notes = ["map keys are integers, `bool` or `String`"]
    if whole is not None:
        notes.insert(0, f"this expression has type `{display(whole)}`")
    report.error(
        "E0138",
        f"`{display(t)}` cannot be a map key type: `f64` equality is not an equivalence",
        file,
        span,
        notes=notes,
        help=_HELP,
    )


def _contains_bad_map(t: Type) -> MapType | None:
    if isinstance(t, MapType):
        if bad_key(t.key):
            return t
        return _contains_bad_map(t.key) or _contains_bad_map(t.value)
    if isinstance(t, VecType):
        return _contains_bad_map(t.elem)
    if isinstance(t, Refined):
        return _contains_bad_map(t.base)
    if isinstance(t, Adt | Handle):
        for a in t.args:
            found = _contains_bad_map(a)
            if found is not None:
                return found
    return None


def check_inferred_keys(cell: tir.CellDef, report: Reporter, file: SourceFile) -> None:
    """E0138 at the first node of ``cell`` whose type has a map keyed by ``f64``,
    unless one was reported inside the cell already (where a type was written)."""
    for d in report.diagnostics:
        inside = d.span is not None and cell.span.start <= d.span.start < cell.span.end
        if d.code == "E0138" and d.file is file and inside:
            return
    first: tuple[int, Span, MapType] | None = None
    # Every value has an expression it comes from, so expressions are enough.
    for node in nodes((cell.contract, cell.body)):
        if not isinstance(node, tir.ExprBase):
            continue
        for t in (node.type, *getattr(node, "type_args", ())):
            found = _contains_bad_map(t)
            if found is not None and (first is None or node.span.start < first[0]):
                first = (node.span.start, node.span, found)
    if first is not None:
        report_key(report, first[2].key, file, first[1], first[2])
