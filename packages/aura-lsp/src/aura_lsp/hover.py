"""Hover: what the name or expression under the cursor is.

A cell shows its signature and contract as written, its doc comment and, when
known, its proof status; a local, field or variant its type; any other
expression the type the checker gave it.
"""

from __future__ import annotations

from collections.abc import Mapping

from lsprotocol import types as lsp

from aura_core import tir
from aura_core.source import SourceFile, Span
from aura_core.types import QualName
from aura_lsp.analysis import Snapshot
from aura_lsp.index import Occurrence, Target, target_at, walk
from aura_lsp.positions import lsp_range

__all__ = ["hover"]

_CLAUSES = ("requires", "ensures", "decreases")


def hover(
    snapshot: Snapshot, source: SourceFile, offset: int, statuses: Mapping[QualName, str]
) -> lsp.Hover | None:
    path = next((p for p, m in snapshot.loaded.parses.items() if m.source is source), None)
    if path is None:
        return None
    occ = target_at(snapshot, path, offset)
    if occ is not None:
        text = _describe(snapshot, occ, statuses)
        if text is not None:
            return _markdown(text, source, occ.span)
    expr = _expression_at(snapshot, path, offset)
    if expr is not None:
        return _markdown(f"```aura\n{_type(expr.type)}\n```", source, expr.span)
    # Elsewhere on a cell's first line (`pub cell`, the parameter list): the cell.
    module = snapshot.program.modules.get(path)
    for cell in module.cells.values() if module is not None else ():
        line_end = source.text.find("\n", cell.span.start)
        if cell.span.start <= offset <= (line_end if line_end != -1 else cell.span.end):
            text = _describe(
                snapshot, Occurrence(path, cell.span, Target("decl", cell.name)), statuses
            )
            if text is not None:
                return _markdown(
                    text, source, Span(cell.span.start, max(line_end, cell.span.start))
                )
    return None


def _markdown(text: str, source: SourceFile, span: Span) -> lsp.Hover:
    return lsp.Hover(
        lsp.MarkupContent(lsp.MarkupKind.Markdown, text), range=lsp_range(source, span)
    )


def _type(t: object) -> str:
    return str(t)


def _describe(snapshot: Snapshot, occ: Occurrence, statuses: Mapping[QualName, str]) -> str | None:
    program = snapshot.program
    target = occ.target
    module = program.modules.get(target.owner.module)
    if module is None:
        return None
    if target.kind == "local":
        local = _local(program, target)
        if local is None:
            return None
        mut = "mut " if local.mutable else ""
        return f"```aura\n{mut}{local.name}: {_type(local.type)}\n```"
    if target.kind == "field":
        record = module.records.get(target.owner.name)
        field = (
            next((f for f in record.fields if f.name == target.member), None) if record else None
        )
        if field is None:
            return None
        return f"```aura\n{field.name}: {_type(field.type)}\n```\nfield of `{target.owner.name}`"
    if target.kind == "variant":
        enum = module.enums.get(target.owner.name)
        variant = (
            next((v for v in enum.variants if v.name == target.member), None) if enum else None
        )
        if variant is None:
            return None
        fields = ", ".join(f"{n}: {_type(t)}" if n else _type(t) for n, t in variant.fields)
        shown = f"{target.owner.name}::{variant.name}" + (f"({fields})" if fields else "")
        return f"```aura\n{shown}\n```"
    name = target.owner.name
    text = module.source.text
    if name in module.cells:
        cell = module.cells[name]
        header = _cell_header(module.source, cell)
        parts = [f"```aura\n{header}\n```"]
        if cell.doc:
            parts.append(cell.doc)
        status = statuses.get(cell.name)
        if status is not None:
            parts.append(f"proof: **{status}**")
        return "\n\n".join(parts)
    for defs in (module.records, module.enums, module.aliases, module.consts):
        d = defs.get(name)
        if d is not None:
            first = text[d.span.start : d.span.end].split("\n", 1)[0]
            parts = [f"```aura\n{first}\n```"]
            if isinstance(d, tir.ConstDef):
                parts.append(f"value: `{d.value!r}`")
            if d.doc:
                parts.append(d.doc)
            return "\n\n".join(parts)
    return None


def _cell_header(source: SourceFile, cell: tir.CellDef) -> str:
    """The cell's signature line and its contract clauses, as written."""
    lines = source.text[cell.span.start : cell.span.end].split("\n")
    out = [lines[0].rstrip()]
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.split(" ", 1)[0] in _CLAUSES:
            out.append("    " + stripped)
        elif stripped and not stripped.startswith("#"):
            break
    return "\n".join(out)


def _local(program: tir.Program, target: Target) -> tir.Local | None:
    module = program.modules.get(target.owner.module)
    cell = module.cells.get(target.owner.name) if module is not None else None
    if cell is None:
        return None
    wanted = int(target.member)
    for p in cell.params:
        if p.id == wanted:
            return p
    for n in walk((cell.contract, cell.body)):
        if isinstance(n, tir.Local) and n.id == wanted:
            return n
        if isinstance(n, tir.LocalRef) and n.local.id == wanted:
            return n.local
    return None


def _expression_at(snapshot: Snapshot, path: tuple[str, ...], offset: int) -> tir.ExprBase | None:
    module = snapshot.program.modules.get(path)
    if module is None:
        return None
    best: tir.ExprBase | None = None
    for cell in module.cells.values():
        if not cell.span.start <= offset <= cell.span.end:
            continue
        for n in walk((cell.contract, cell.body)):
            if not isinstance(n, tir.ExprBase):
                continue
            inside = n.span.start <= offset < max(n.span.end, n.span.start + 1)
            if inside and (
                best is None or n.span.end - n.span.start <= best.span.end - best.span.start
            ):
                best = n
    return best
