"""Which run-time checks of a cell its proof covers (``docs/reference/proven-checks.md``).

The verifier proves obligations; back ends check operations.  A check site is
*proven* when the obligations the walk created at that place with that code were
all proven (one site may carry several: a postcondition on each return path, an
expression walked on several paths) and no unproven obligation's place contains
it.  This module turns those
sites into :class:`~aura_core.proofs.ProvenCheck`\\ s: the obligation's code
gives the kind (V0008 and V0009 are told apart by the operation at the site),
and the span becomes the one the back end's check is attached to (the clause
expression for contract and loop clauses, whose obligations are reported from
the keyword).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from aura_core import tir
from aura_core.proofs import CheckKind, ProvenCheck
from aura_core.source import Span
from aura_core.types import MapType, strip_refinement
from aura_verify.results import CellResult

__all__ = ["CellOutcome", "proven_checks"]

#: Codes whose kind does not depend on the operation.
_DIRECT: dict[str, CheckKind] = {
    "V0001": "precondition",
    "V0003": "assertion",
    "V0007": "overflow",
    "V0010": "refinement",
    "V0011": "unwrap",
}
#: Codes reported at a clause's keyword: the check is the clause's expression.
_CLAUSES: dict[str, CheckKind] = {
    "V0002": "postcondition",
    "V0004": "invariant_entry",
    "V0005": "invariant_preserved",
}


@dataclass(frozen=True)
class CellOutcome:
    """A cell's result and the checks its proof covers (picklable, for worker processes)."""

    result: CellResult
    proven: tuple[ProvenCheck, ...] = ()


def proven_checks(
    cell: tir.CellDef, proven: Iterable[tuple[str, Span]], unproven: Iterable[tuple[str, Span]]
) -> tuple[ProvenCheck, ...]:
    """The proven check sites of ``cell`` among the obligations' ``(code, span)``\\ s.

    Only sites inside the cell are kept; termination (V0006) and lemma (V0012)
    obligations do not remove checks.  An obligation whose goal the walk found
    true by simplification is never created, so its check is not listed either
    (it stays: a missing entry only costs time).

    The obligations are those placed in the cell's file (the driver leaves out
    the others), so each site is keyed by that file and its span, as the
    proven-checks file lists it; back ends match it only against the cell's own
    code (``aura_core.trust``).
    """
    bad = list(unproven)
    # A site inside the place of an unproven obligation is dropped as well: that
    # obligation may stand for a statement the walk could not encode, on whose
    # path the site's own obligations were never created.
    sites = sorted(
        {
            (code, span)
            for code, span in proven
            if not any(b.start <= span.start and span.end <= b.end for _, b in bad)
        },
        key=lambda s: (s[1].start, s[0]),
    )
    ops: dict[tuple[int, int], object] = {}
    clauses: dict[int, Span] = {}
    for node in _nodes(cell):
        if isinstance(node, tir.Binary | tir.Index | tir.MethodCall | tir.StaticCall | tir.Assign):
            ops.setdefault((node.span.start, node.span.end), node)
    for e in (*cell.contract.ensures, *_loop_clauses(cell)):
        clauses[e.span.end] = e.span
    out: list[ProvenCheck] = []
    for code, span in sites:
        if not (cell.span.start <= span.start and span.end <= cell.span.end):
            continue
        kind: CheckKind | None = _DIRECT.get(code)
        if code in _CLAUSES:
            clause = clauses.get(span.end)
            if clause is None or clause.start < span.start:
                continue
            kind, span = _CLAUSES[code], clause
        elif code == "V0008":
            kind = _division_kind(ops.get((span.start, span.end)))
        elif code == "V0009":
            kind = _index_kind(ops.get((span.start, span.end)))
        if kind is not None:
            out.append(ProvenCheck(kind, span.start, span.end))
    return tuple(out)


def _division_kind(node: object) -> CheckKind | None:
    if isinstance(node, tir.Binary):
        if node.op in ("/", "%"):
            return "division"
        if node.op in ("<<", ">>"):
            return "shift"
    if isinstance(node, tir.Assign) and node.op in ("/=", "%="):
        return "division"
    return None


def _index_kind(node: object) -> CheckKind | None:
    if isinstance(node, tir.Index):
        return "key" if isinstance(strip_refinement(node.obj.type), MapType) else "index"
    if isinstance(node, tir.MethodCall):
        receiver = strip_refinement(node.receiver.type)
        return "key" if isinstance(receiver, MapType) else "index"
    if isinstance(node, tir.StaticCall | tir.Assign):
        return "index"
    return None


def _loop_clauses(cell: tir.CellDef) -> Iterator[tir.Expr]:
    for node in _nodes(cell):
        if isinstance(node, tir.LoopSpec):
            yield from node.invariants


#: Fields that hold no code of the cell (types and refinement predicates may come
#: from other modules, whose offsets must not be mistaken for this one's).
_NOT_TREE = frozenset(
    {"type", "span", "local", "name", "decreases_span", "ret", "params", "type_args", "var"}
)


def _nodes(root: object) -> Iterator[object]:
    """Every node of a typed tree (types excluded), depth first."""
    todo: list[object] = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, tuple):
            todo.extend(node)
            continue
        if not dataclasses.is_dataclass(node) or isinstance(node, type):
            continue
        yield node
        for f in dataclasses.fields(node):
            if f.name not in _NOT_TREE:
                todo.append(getattr(node, f.name))
