"""Go to definition, find references, highlight and rename, across a program's modules.

All three start from the occurrence under the cursor (:mod:`aura_lsp.index`).
References are searched in every module of the program that has a document
(the package's own modules and open files); the standard library is read but
never renamed.
"""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from aura_core.keywords import RESERVED_WORDS
from aura_core.modules import STD, ModulePath
from aura_core.source import Span
from aura_lsp.analysis import Snapshot
from aura_lsp.index import Occurrence, Target, occurrences, target_at
from aura_lsp.positions import lsp_range

__all__ = ["RenameRefused", "definition", "highlights", "references", "rename"]

_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"


class RenameRefused(Exception):
    """A rename that cannot be done, with the reason shown to the user."""


def _location(snapshot: Snapshot, path: ModulePath, span: Span) -> lsp.Location | None:
    uri = snapshot.loaded.uris.get(path)
    module = snapshot.program.modules.get(path)
    if uri is None or module is None:
        return None
    return lsp.Location(uri, lsp_range(module.source, span))


def declaration_of(snapshot: Snapshot, target: Target) -> Occurrence | None:
    # Declared names are always collected; a local's only with its cell's body.
    within = Span(-1, -1)
    if target.kind == "local":
        module = snapshot.program.modules.get(target.owner.module)
        cell = module.cells.get(target.owner.name) if module is not None else None
        if cell is not None:
            within = cell.span
    for occ in occurrences(snapshot, target.owner.module, within):
        if occ.declaration and occ.target == target:
            return occ
    return None


def definition(snapshot: Snapshot, path: ModulePath, offset: int) -> lsp.Location | None:
    occ = target_at(snapshot, path, offset)
    if occ is None:
        return None
    found = declaration_of(snapshot, occ.target)
    return _location(snapshot, found.module, found.span) if found is not None else None


def _all_occurrences(snapshot: Snapshot, target: Target) -> list[Occurrence]:
    if target.kind == "local":
        modules: list[ModulePath] = [target.owner.module]
    else:
        modules = [p for p in snapshot.loaded.uris if p[:1] != (STD,) or p == target.owner.module]
    found: list[Occurrence] = []
    seen: set[tuple[ModulePath, int, int]] = set()
    for path in modules:
        for occ in occurrences(snapshot, path):
            key = (occ.module, occ.span.start, occ.span.end)
            if occ.target == target and key not in seen:
                seen.add(key)
                found.append(occ)
    return found


def references(
    snapshot: Snapshot, path: ModulePath, offset: int, include_declaration: bool
) -> list[lsp.Location]:
    occ = target_at(snapshot, path, offset)
    if occ is None:
        return []
    out: list[lsp.Location] = []
    for o in _all_occurrences(snapshot, occ.target):
        if o.declaration and not include_declaration:
            continue
        loc = _location(snapshot, o.module, o.span)
        if loc is not None:
            out.append(loc)
    return out


def highlights(snapshot: Snapshot, path: ModulePath, offset: int) -> list[lsp.DocumentHighlight]:
    """Every occurrence in this module of what the cursor names; its declaration as written."""
    occ = target_at(snapshot, path, offset)
    module = snapshot.program.modules.get(path)
    if occ is None or module is None:
        return []
    kind = lsp.DocumentHighlightKind
    spans = {o.span: o.declaration for o in occurrences(snapshot, path) if o.target == occ.target}
    return [
        lsp.DocumentHighlight(lsp_range(module.source, span), kind.Write if written else kind.Read)
        for span, written in sorted(spans.items(), key=lambda item: item[0].start)
    ]


def prepare_rename(snapshot: Snapshot, path: ModulePath, offset: int) -> lsp.Range | None:
    occ = target_at(snapshot, path, offset)
    if (
        occ is None
        or occ.target.kind not in ("decl", "local")
        or occ.target.owner.module[:1] == (STD,)
    ):
        return None
    return lsp_range(snapshot.program.modules[path].source, occ.span)


def rename(
    snapshot: Snapshot, path: ModulePath, offset: int, new_name: str
) -> lsp.WorkspaceEdit | None:
    occ = target_at(snapshot, path, offset)
    if occ is None:
        return None
    target = occ.target
    if target.kind not in ("decl", "local"):
        raise RenameRefused("only local and top-level names can be renamed")
    if target.owner.module[:1] == (STD,):
        raise RenameRefused("names of the standard library cannot be renamed")
    if not re.fullmatch(_IDENTIFIER, new_name) or new_name in RESERVED_WORDS:
        raise RenameRefused(f"`{new_name}` is not a valid name")
    changes: dict[str, list[lsp.TextEdit]] = {}
    for o in _all_occurrences(snapshot, target):
        loc = _location(snapshot, o.module, o.span)
        if loc is not None:
            changes.setdefault(loc.uri, []).append(lsp.TextEdit(loc.range, new_name))
    return lsp.WorkspaceEdit(changes=changes)
