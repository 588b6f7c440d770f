"""Completion: names in scope, record fields and methods after ``.``, module
members, enum variants and static functions after ``::``.

The text being typed rarely checks (``acc.`` is a syntax error), so what the
cursor's cell knows comes from the last version of that cell that checked
cleanly (:attr:`aura_lsp.analysis.Snapshot.last_good`), and what precedes the
cursor is read from the text itself.
"""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from aura_core import ast, tir
from aura_core.keywords import RESERVED_WORDS
from aura_core.methods import method_names, static_function_names
from aura_core.modules import ModulePath
from aura_core.source import SourceFile
from aura_core.types import Adt, QualName, Type, strip_refinement
from aura_lsp.analysis import Snapshot
from aura_lsp.index import walk

__all__ = ["complete"]

K = lsp.CompletionItemKind
_MEMBER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\.([A-Za-z0-9_]*)$")
_PATH = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)::([A-Za-z0-9_]*)$")
_CELL_LINE = re.compile(r"^(?:[a-z]+\s+)*cell\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)
_PRELUDE = [("Some", K.EnumMember), ("None", K.EnumMember), ("Ok", K.EnumMember),
            ("Err", K.EnumMember), ("print", K.Function), ("println", K.Function),
            ("panic", K.Function)]  # fmt: skip


def complete(
    snapshot: Snapshot, path: ModulePath, source: SourceFile, offset: int
) -> list[lsp.CompletionItem]:
    line_start = source.text.rfind("\n", 0, offset) + 1
    before = source.text[line_start:offset]
    cell = _cell_at(snapshot, path, source, offset)
    member = _MEMBER.search(before)
    if member is not None and not before.rstrip().endswith(".."):
        return _members(snapshot, path, cell, member.group(1).split("."))
    qualified = _PATH.search(before)
    if qualified is not None:
        return _path_members(snapshot, path, qualified.group(1))
    return _scope(snapshot, path, cell, offset)


def _cell_at(
    snapshot: Snapshot, path: ModulePath, source: SourceFile, offset: int
) -> tir.CellDef | None:
    module = snapshot.program.modules.get(path)
    if module is not None:
        for cell in module.cells.values():
            if cell.span.start <= offset <= cell.span.end:
                return cell
    headers = list(_CELL_LINE.finditer(source.text, 0, offset))
    if not headers:
        return None
    return snapshot.last_good.get(QualName(path, headers[-1].group(1)))


def _locals(cell: tir.CellDef | None, offset: int | None = None) -> dict[str, tir.Local]:
    if cell is None:
        return {}
    found = {p.name: p for p in cell.params}
    for n in walk(cell.body):
        if isinstance(n, tir.Local) and (offset is None or n.span.start < offset):
            found[n.name] = n
    return found


def _members(
    snapshot: Snapshot, path: ModulePath, cell: tir.CellDef | None, chain: list[str]
) -> list[lsp.CompletionItem]:
    local = _locals(cell).get(chain[0])
    if local is None:
        return []
    t: Type | None = local.type
    for name in chain[1:]:
        t = _field_type(snapshot, t, name) if t is not None else None
    if t is None:
        return []
    items: list[lsp.CompletionItem] = []
    record = _record(snapshot, t)
    if record is not None:
        items += [
            lsp.CompletionItem(f.name, kind=K.Field, detail=str(f.type)) for f in record.fields
        ]
    items += [lsp.CompletionItem(m, kind=K.Method) for m in method_names(t)]
    base = strip_refinement(t)
    for module in snapshot.program.modules.values():
        if module.path != path and module.path not in _imports(snapshot, path).values():
            continue
        for c in module.cells.values():
            if (
                c.params
                and strip_refinement(c.params[0].type) == base
                and (c.pub or module.path == path)
            ):
                items.append(lsp.CompletionItem(c.name.name, kind=K.Function, detail="cell"))
    return items


def _record(snapshot: Snapshot, t: Type) -> tir.RecordDef | None:
    base = strip_refinement(t)
    if not isinstance(base, Adt):
        return None
    module = snapshot.program.modules.get(base.decl.module)
    return module.records.get(base.decl.name) if module is not None else None


def _field_type(snapshot: Snapshot, t: Type, name: str) -> Type | None:
    record = _record(snapshot, t)
    field = next((f for f in record.fields if f.name == name), None) if record else None
    return field.type if field is not None else None


def _imports(snapshot: Snapshot, path: ModulePath) -> dict[str, ModulePath]:
    parsed = snapshot.loaded.parses.get(path)
    if parsed is None:
        return {}
    return {
        (d.alias or d.path[-1]): d.path for d in parsed.module.decls if isinstance(d, ast.Import)
    }


def _path_members(snapshot: Snapshot, path: ModulePath, head: str) -> list[lsp.CompletionItem]:
    if head in ("Vec", "Map", "String"):
        return [lsp.CompletionItem(n, kind=K.Function) for n in static_function_names(head)]
    target = _imports(snapshot, path).get(head)
    module = snapshot.program.modules.get(target) if target is not None else None
    if module is not None:
        return _declarations(module, public_only=True)
    here = snapshot.program.modules.get(path)
    enum = here.enums.get(head) if here is not None else None
    if enum is not None:
        return [lsp.CompletionItem(v.name, kind=K.EnumMember) for v in enum.variants]
    return []


def _declarations(module: tir.Module, public_only: bool) -> list[lsp.CompletionItem]:
    items: list[lsp.CompletionItem] = []
    groups: list[tuple[dict[str, object], lsp.CompletionItemKind]] = [
        (dict(module.cells), K.Function),
        (dict(module.records), K.Struct),
        (dict(module.enums), K.Enum),
        (dict(module.aliases), K.Class),
        (dict(module.consts), K.Constant),
    ]
    for defs, kind in groups:
        for name, d in defs.items():
            if public_only and not getattr(d, "pub", False):
                continue
            doc = getattr(d, "doc", None)
            items.append(lsp.CompletionItem(name, kind=kind, documentation=doc or None))
    return items


def _scope(
    snapshot: Snapshot, path: ModulePath, cell: tir.CellDef | None, offset: int
) -> list[lsp.CompletionItem]:
    items = [
        lsp.CompletionItem(name, kind=K.Variable, detail=str(local.type))
        for name, local in _locals(cell, offset).items()
    ]
    module = snapshot.program.modules.get(path)
    if module is not None:
        items += _declarations(module, public_only=False)
    items += [lsp.CompletionItem(alias, kind=K.Module) for alias in _imports(snapshot, path)]
    items += [lsp.CompletionItem(name, kind=kind) for name, kind in _PRELUDE]
    items += [lsp.CompletionItem(word, kind=K.Keyword) for word in sorted(RESERVED_WORDS)]
    return items
