"""Document symbols: the outline of a module, from its syntax tree.

The syntax tree is used rather than the typed program so that the outline
stays complete while a declaration has type errors.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from aura_core import ast
from aura_core.source import SourceFile, Span
from aura_lsp.index import name_in
from aura_lsp.positions import lsp_range

__all__ = ["document_symbols"]

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
