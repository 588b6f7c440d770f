"""What each name in a program refers to: the occurrences behind navigation,
references, rename, hover and semantic tokens.

An :class:`Occurrence` is an identifier's span in a module and its
:data:`Target`: a top-level declaration, a local of a cell, a record field or
an enum variant.  They come from the typed program (every name there is
resolved) and, for type names, which the typed program keeps only as types,
from the syntax tree.  Spans in the typed program cover whole constructs
(``a.balance``, ``f(x)``); the identifier is found in the construct's text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

from aura_core import ast, tir
from aura_core.modules import ModulePath
from aura_core.source import Span
from aura_core.types import Adt, QualName, Type, strip_refinement
from aura_lsp.analysis import Snapshot

__all__ = ["Occurrence", "Target", "occurrences", "target_at", "walk"]

TargetKind = Literal["decl", "local", "field", "variant"]


@dataclass(frozen=True)
class Target:
    """What a name means: ``owner`` is the declaration (or, for a local, its cell);
    ``member`` the field or variant name, or the local's id."""

    kind: TargetKind
    owner: QualName
    member: str = ""


@dataclass(frozen=True)
class Occurrence:
    module: ModulePath
    span: Span
    target: Target
    declaration: bool = False


def walk(node: object) -> Iterator[object]:
    """Every typed-program node below ``node`` (itself included), types excluded."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple):
            stack.extend(reversed(n))
            continue
        if not dataclasses.is_dataclass(n) or type(n).__module__ != tir.__name__:
            continue
        yield n
        for f in reversed(dataclasses.fields(n)):
            if f.name not in ("type", "span", "name", "ret"):
                stack.append(getattr(n, f.name))


def name_in(text: str, span: Span, name: str, last: bool = False) -> Span | None:
    """The span of identifier ``name`` inside ``span`` of ``text`` (first, or last)."""
    piece = text[span.start : span.end]
    found = [
        m.start()
        for m in re.finditer(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", piece)
    ]
    if not found:
        return None
    at = found[-1] if last else found[0]
    return Span(span.start + at, span.start + at + len(name))


def _adt(t: Type) -> QualName | None:
    base = strip_refinement(t)
    return base.decl if isinstance(base, Adt) else None


def occurrences(
    snapshot: Snapshot, path: ModulePath, within: Span | None = None
) -> list[Occurrence]:
    """Every resolved name in one module, declarations included; with ``within``,
    at least those of the declarations overlapping it (the rest may be left out)."""
    module = snapshot.program.modules.get(path)
    if module is None:
        return []
    text = module.source.text
    out: list[Occurrence] = []

    def add(span: Span | None, target: Target, declaration: bool = False) -> None:
        if span is not None:
            out.append(Occurrence(path, span, target, declaration))

    for defs in (module.records, module.enums, module.aliases, module.consts):
        for name, d in defs.items():
            add(_declared_name(text, d.span, name), Target("decl", d.name), True)
    for r in module.records.values():
        for f in r.fields:
            add(name_in(text, f.span, f.name), Target("field", r.name, f.name), True)
    for e in module.enums.values():
        for v in e.variants:
            add(name_in(text, v.span, v.name), Target("variant", e.name, v.name), True)
    for cell in module.cells.values():
        add(_declared_name(text, cell.span, cell.name.name), Target("decl", cell.name), True)
        if _overlaps(cell.span, within):
            _cell_occurrences(text, cell, add)
    _type_occurrences(snapshot, path, add, within)
    return out


def _overlaps(span: Span, within: Span | None) -> bool:
    return within is None or (span.start <= within.end and within.start <= span.end)


def _declared_name(text: str, span: Span, name: str) -> Span | None:
    piece = text[span.start : span.end]
    m = re.search(rf"\b(?:cell|type|const)\s+({re.escape(name)})\b", piece)
    if m is not None:
        return Span(span.start + m.start(1), span.start + m.end(1))
    return name_in(text, span, name)


def _cell_occurrences(text: str, cell: tir.CellDef, add: _Add) -> None:
    def local(lc: tir.Local, declaration: bool, span: Span | None = None) -> None:
        where = name_in(text, lc.span if span is None else span, lc.name)
        add(where, Target("local", cell.name, str(lc.id)), declaration)

    for p in cell.params:
        local(p, True)
    for n in walk((cell.contract, cell.body)):
        match n:
            case tir.LocalRef(local=lc):
                local(lc, False, n.span)
            case tir.Let(local=lc) | tir.BindPattern(local=lc):
                local(lc, True)
            case tir.ForRange(var=lc) | tir.ForEach(var=lc):
                local(lc, True)
            case tir.Binder(local=lc):
                local(lc, True)
            case tir.Call(cell=callee):
                add(_call_name(text, n.span, callee.name), Target("decl", callee))
            case tir.ConstRef(name=const):
                add(name_in(text, n.span, const.name, last=True), Target("decl", const))
            case tir.FieldGet(obj=obj, name=field):
                owner = _adt(obj.type)
                if owner is not None:
                    add(name_in(text, n.span, field, last=True), Target("field", owner, field))
            case tir.VariantLit(variant=variant):
                owner = _adt(n.type)
                if owner is not None:
                    add(name_in(text, n.span, variant), Target("variant", owner, variant))
                    if text.startswith(f"{owner.name}::", n.span.start):
                        add(name_in(text, n.span, owner.name), Target("decl", owner))
            case tir.RecordLit():
                owner = _adt(n.type)
                if owner is not None:
                    add(name_in(text, n.span, owner.name), Target("decl", owner))
            case tir.Match(scrutinee=scrutinee, arms=arms):
                owner = _adt(scrutinee.type)
                if owner is not None:
                    for arm in arms:
                        if isinstance(arm.pattern, tir.VariantPattern):
                            pattern = arm.pattern
                            span = name_in(text, pattern.span, pattern.variant)
                            add(span, Target("variant", owner, pattern.variant))
                            if text.startswith(f"{owner.name}::", pattern.span.start):
                                add(name_in(text, pattern.span, owner.name), Target("decl", owner))
            case _:
                pass


def _call_name(text: str, span: Span, name: str) -> Span | None:
    piece = text[span.start : span.end]
    m = re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}\s*(?:\(|<)", piece)
    if m is None:
        return name_in(text, span, name)
    return Span(span.start + m.start(), span.start + m.start() + len(name))


def _type_occurrences(snapshot: Snapshot, path: ModulePath, add: _Add, within: Span | None) -> None:
    """Type names written in the module's declarations (annotations, record literals)."""
    parsed = snapshot.loaded.parses.get(path)
    if parsed is None:
        return
    program = snapshot.program
    aliases = {
        (d.alias or d.path[-1]): d.path for d in parsed.module.decls if isinstance(d, ast.Import)
    }
    text = parsed.source.text

    def resolve(parts: tuple[str, ...]) -> QualName | None:
        if len(parts) == 1:
            where: ModulePath | None = path
        else:
            where = aliases.get(parts[0]) if len(parts) == 2 else None
        module = program.modules.get(where) if where is not None else None
        if module is None:
            return None
        name = parts[-1]
        for defs in (module.records, module.enums, module.aliases):
            if name in defs:
                return QualName(module.path, name)
        return None

    stack: list[object] = [d for d in parsed.module.decls if _overlaps(d.span, within)]
    while stack:
        n = stack.pop()
        if isinstance(n, tuple):
            stack.extend(n)
            continue
        if not dataclasses.is_dataclass(n) or not isinstance(n, ast.Node):
            continue
        if isinstance(n, ast.NamedType):
            target = resolve(n.path)
            if target is not None:
                add(name_in(text, n.span, n.path[-1]), Target("decl", target))
        for f in dataclasses.fields(n):
            if f.name != "span":
                stack.append(getattr(n, f.name))


def target_at(snapshot: Snapshot, path: ModulePath, offset: int) -> Occurrence | None:
    """The occurrence under the cursor (touching its end counts, as editors expect)."""
    best: Occurrence | None = None
    for occ in occurrences(snapshot, path, Span(offset, offset)):
        if occ.span.start <= offset <= occ.span.end and (
            best is None or occ.span.end - occ.span.start < best.span.end - best.span.start
        ):
            best = occ
    return best


class _Add(Protocol):
    """The signature of the collector passed to the helpers above."""

    def __call__(self, span: Span | None, target: Target, declaration: bool = False) -> None: ...
