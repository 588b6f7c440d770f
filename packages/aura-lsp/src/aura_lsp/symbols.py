"""Document symbols (the outline of a module) and workspace symbols.

The outline comes from the syntax tree rather than the typed program, so that it
stays complete while a declaration has type errors.  Workspace symbols are the
declarations of every program the server has analysed, the standard library left
out, whose names contain the query's letters in order (as editors' fuzzy pickers
expect: `bs` finds `binary_search`).
"""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types as lsp

from aura_core import ast
from aura_core.modules import STD
from aura_core.source import SourceFile, Span
from aura_lsp.analysis import Snapshot
from aura_lsp.index import name_in, occurrences
from aura_lsp.positions import lsp_range

__all__ = ["document_symbols", "workspace_symbols"]

#: How many workspace symbols one answer holds at most.
_WORKSPACE_LIMIT = 500

K = lsp.SymbolKind


def _symbol(
    source: SourceFile,
    name: str,
    kind: lsp.SymbolKind,
    span: Span,
    detail: str | None = None,
    children: list[lsp.DocumentSymbol] | None = None,
) -> lsp.DocumentSymbol:
    full = lsp_range(source, span)
    at = name_in(source.text, span, name)
    return lsp.DocumentSymbol(
        name=name,
        kind=kind,
        range=full,
        selection_range=lsp_range(source, at) if at is not None else full,
        detail=detail,
        children=children,
    )


def document_symbols(source: SourceFile, module: ast.Module) -> list[lsp.DocumentSymbol]:
    out: list[lsp.DocumentSymbol] = []
    for d in module.decls:
        match d:
            case ast.CellDecl():
                kind = K.Method if d.params and d.params[0].name == "self" else K.Function
                header = source.text[d.span.start : d.span.end].split("\n", 1)[0].rstrip(":")
                out.append(_symbol(source, d.name, kind, d.span, header.strip()))
            case ast.ConstDecl():
                out.append(_symbol(source, d.name, K.Constant, d.span))
            case ast.TypeDecl(definition=ast.RecordDef(fields=fields)):
                children = [_symbol(source, f.name, K.Field, f.span) for f in fields]
                out.append(_symbol(source, d.name, K.Struct, d.span, "record", children))
            case ast.TypeDecl(definition=ast.EnumDef(variants=variants)):
                children = [_symbol(source, v.name, K.EnumMember, v.span) for v in variants]
                out.append(_symbol(source, d.name, K.Enum, d.span, "enum", children))
            case ast.TypeDecl():
                out.append(_symbol(source, d.name, K.TypeParameter, d.span, "type"))
            case ast.Import():
                name = "::".join(d.path)
                out.append(_symbol(source, d.alias or d.path[-1], K.Module, d.span, name))
            case _:
                pass
    return out


def _matches(query: str, name: str) -> bool:
    """Whether ``name`` holds the letters of ``query`` in order, ignoring case."""
    rest = iter(name.lower())
    return all(ch in rest for ch in query.lower())


def workspace_symbols(snapshots: Iterable[Snapshot], query: str) -> list[lsp.WorkspaceSymbol]:
    """Declarations matching ``query`` in every program analysed, sorted by name."""
    found: dict[tuple[str, int], lsp.WorkspaceSymbol] = {}
    for snapshot in snapshots:
        for path, module in snapshot.program.modules.items():
            uri = snapshot.loaded.uris.get(path)
            if uri is None or path[:1] == (STD,):
                continue
            kinds = {
                **{n: K.Struct for n in module.records},
                **{n: K.Enum for n in module.enums},
                **{n: K.TypeParameter for n in module.aliases},
                **{n: K.Constant for n in module.consts},
                **{n: K.Function for n in module.cells},
            }
            for occ in occurrences(snapshot, path, Span(-1, -1)):
                name = occ.target.owner.name
                if occ.declaration and occ.target.kind == "decl" and _matches(query, name):
                    found[(uri, occ.span.start)] = lsp.WorkspaceSymbol(
                        name=name,
                        kind=kinds.get(name, K.Variable),
                        location=lsp.Location(uri, lsp_range(module.source, occ.span)),
                        container_name="::".join(path),
                    )
    ordered = sorted(found.values(), key=lambda s: (s.name, s.container_name or ""))
    return ordered[:_WORKSPACE_LIMIT]
