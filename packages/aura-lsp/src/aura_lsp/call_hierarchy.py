"""Call hierarchy: who calls a cell, and whom it calls, from the typed program.

The checker's call graph (``tir.Program.calls``, calls in code and in
specifications alike) says which cells call which; the call sites are the
occurrences of the callee's name inside the caller (:mod:`aura_lsp.index`).  An
item carries its cell's module path and name in ``data``, so the follow-up
requests find it again in a newer snapshot.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types as lsp

from aura_core.source import Span
from aura_core.types import QualName
from aura_lsp.analysis import Snapshot
from aura_lsp.index import Target, occurrences, target_at
from aura_lsp.navigation import declaration_of
from aura_lsp.positions import lsp_range

__all__ = ["incoming_calls", "outgoing_calls", "prepare_call_hierarchy"]


def prepare_call_hierarchy(
    snapshot: Snapshot, path: tuple[str, ...], offset: int
) -> list[lsp.CallHierarchyItem]:
    """The cell named under the cursor (its declaration or a call of it)."""
    occ = target_at(snapshot, path, offset)
    if occ is None or occ.target.kind != "decl":
        return []
    item = _item(snapshot, occ.target.owner)
    return [item] if item is not None else []


def incoming_calls(snapshot: Snapshot, data: Any) -> list[lsp.CallHierarchyIncomingCall]:
    """Every cell that calls the item's cell, with the calls' ranges in the caller."""
    callee = _name_of(data)
    if callee is None:
        return []
    out = []
    for caller in sorted(snapshot.program.calls, key=str):
        if callee in snapshot.program.calls[caller]:
            item = _item(snapshot, caller)
            if item is not None:
                out.append(lsp.CallHierarchyIncomingCall(item, _sites(snapshot, caller, callee)))
    return out


def outgoing_calls(snapshot: Snapshot, data: Any) -> list[lsp.CallHierarchyOutgoingCall]:
    """Every cell the item's cell calls, with the calls' ranges in the item's cell."""
    caller = _name_of(data)
    if caller is None:
        return []
    out = []
    for callee in sorted(snapshot.program.calls.get(caller, ()), key=str):
        item = _item(snapshot, callee)
        if item is not None:
            out.append(lsp.CallHierarchyOutgoingCall(item, _sites(snapshot, caller, callee)))
    return out


def _item(snapshot: Snapshot, name: QualName) -> lsp.CallHierarchyItem | None:
    module = snapshot.program.modules.get(name.module)
    cell = module.cells.get(name.name) if module is not None else None
    uri = snapshot.loaded.uris.get(name.module)
    if module is None or cell is None or uri is None:
        return None
    declared = declaration_of(snapshot, Target("decl", name))
    whole = lsp_range(module.source, cell.span)
    header = module.source.text[cell.span.start : cell.span.end].split("\n", 1)[0]
    return lsp.CallHierarchyItem(
        name=name.name,
        kind=lsp.SymbolKind.Function,
        uri=uri,
        range=whole,
        selection_range=lsp_range(module.source, declared.span) if declared else whole,
        detail=header.strip().rstrip(":"),
        data={"module": list(name.module), "name": name.name},
    )


def _sites(snapshot: Snapshot, caller: QualName, callee: QualName) -> list[lsp.Range]:
    """The ranges of the calls of ``callee`` inside ``caller``'s cell."""
    module = snapshot.program.modules[caller.module]
    cell = module.cells[caller.name]
    inside = Span(cell.span.start, cell.span.end)
    return [
        lsp_range(module.source, o.span)
        for o in sorted(occurrences(snapshot, caller.module, inside), key=lambda o: o.span.start)
        if o.target == Target("decl", callee)
        and not o.declaration
        and inside.start <= o.span.start < inside.end
    ]


def _name_of(data: Any) -> QualName | None:
    if not isinstance(data, dict):
        return None
    module, name = data.get("module"), data.get("name")
    if not isinstance(module, list) or not all(isinstance(p, str) for p in module):
        return None
    return QualName(tuple(module), name) if isinstance(name, str) else None
