"""Which cells need proving again, and earlier results moved to where cells now are.

A cell's *verification key* stands for everything its proof depends on.  When
:mod:`aura_verify` offers ``verification_keys`` the key is that; otherwise it
is the text of the cell, of every cell it reaches through calls (in code and
in specifications: their contracts and pure bodies are what its proof uses)
and of every type, alias and constant declaration of the program.  Text is
hashed rather than the typed trees because it is cheap, and a text that did
not change cannot check differently when the declarations it depends on did
not change either.  Either way the cell's own text is part of the key, so
that a cached result's spans, which point into the text of the version that
was proven, can be moved to a later version by the distance the cell itself
moved.  :func:`cell_keys` is the one place that knows
how keys are made.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import aura_verify
from aura_core import tir
from aura_core.diagnostics import Label
from aura_core.source import SourceFile, Span
from aura_core.types import QualName
from aura_lsp.analysis import Snapshot
from aura_verify import CellResult, Failure, Status

__all__ = ["Outcome", "carried_over", "cell_keys", "moved"]


@dataclass(frozen=True)
class Outcome:
    """A cell's proof result, placed in the source of one snapshot."""

    name: QualName
    key: str
    file: SourceFile
    span: Span
    status: Status
    time_ms: int
    failures: tuple[Failure, ...]
    cached: bool = False

    @classmethod
    def of(cls, result: CellResult, key: str) -> Outcome:
        return cls(
            result.name, key, result.file, result.span, result.status, result.time_ms,
            result.failures,
        )  # fmt: skip


def cell_keys(
    program: tir.Program, cells: Sequence[tir.CellDef], use_verifier: bool = True
) -> dict[QualName, str]:
    """The verification key of each cell (from the verifier's keys when it offers
    them and ``use_verifier`` is set)."""
    provided = _provided_keys(program) if use_verifier else None
    types = _declarations_digest(program) if provided is None else ""
    out: dict[QualName, str] = {}
    for cell in cells:
        text = _text(program, cell)
        if provided is not None and str(cell.name) in provided:
            base = provided[str(cell.name)]
        else:
            parts = [types, *(_text(program, c) for c in _reachable(program, cell.name))]
            base = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        out[cell.name] = hashlib.sha256(f"{base}\0{text}".encode()).hexdigest()
    return out


def _text(program: tir.Program, cell: tir.CellDef) -> str:
    return program.modules[cell.name.module].source.text[cell.span.start : cell.span.end]


def _declarations_digest(program: tir.Program) -> str:
    """Every type, alias and constant declaration of the program, as written."""
    digest = hashlib.sha256()
    for path, module in sorted(program.modules.items()):
        text = module.source.text
        digest.update("::".join(path).encode())
        for defs in (module.records, module.enums, module.aliases, module.consts):
            for d in defs.values():
                digest.update(b"\0" + text[d.span.start : d.span.end].encode())
    return digest.hexdigest()


def _reachable(program: tir.Program, start: QualName) -> list[tir.CellDef]:
    """The cells ``start`` calls, directly or not (in code and in specifications)."""
    seen = {start}
    order: list[tir.CellDef] = []
    stack = [start]
    while stack:
        for callee in sorted(program.calls.get(stack.pop(), frozenset()), key=str):
            if callee in seen:
                continue
            seen.add(callee)
            cell = _cell_or_none(program, callee)
            if cell is not None:
                order.append(cell)
                stack.append(callee)
    return order


def _provided_keys(program: tir.Program) -> Mapping[str, str] | None:
    if "verification_keys" not in getattr(aura_verify, "__all__", ()):
        return None
    compute = cast(Callable[[tir.Program], Mapping[str, str]], aura_verify.verification_keys)
    return compute(program)


def _cell_or_none(program: tir.Program, name: QualName) -> tir.CellDef | None:
    module = program.modules.get(name.module)
    return module.cells.get(name.name) if module is not None else None


def moved(outcome: Outcome, file: SourceFile, span: Span) -> Outcome:
    """``outcome`` for the same cell now at ``span`` of ``file``, marked as cached."""
    delta = span.start - outcome.span.start
    old_name = outcome.file.name

    def shift(s: Span) -> Span:
        return Span(s.start + delta, s.end + delta)

    def label(lb: Label) -> Label:
        if lb.file is not None and lb.file.name != old_name:
            return lb
        return Label(shift(lb.span), lb.message, file if lb.file is not None else None)

    failures = tuple(
        dataclasses.replace(
            f,
            file=file if f.file.name == old_name else f.file,
            span=shift(f.span) if f.file.name == old_name else f.span,
            related=tuple(label(lb) for lb in f.related),
        )
        for f in outcome.failures
    )
    return dataclasses.replace(outcome, file=file, span=span, failures=failures, cached=True)


def carried_over(
    snapshot: Snapshot, uri: str, outcomes: Mapping[QualName, Outcome]
) -> dict[QualName, Outcome]:
    """The results of the cells of ``uri`` whose own text is as it was, moved to
    where they are now: shown until the new snapshot's plan confirms or drops them."""
    path = snapshot.module_of(uri)
    module = snapshot.program.modules.get(path) if path is not None else None
    if module is None:
        return {}
    kept: dict[QualName, Outcome] = {}
    text = module.source.text
    for name, outcome in outcomes.items():
        cell = module.cells.get(name.name)
        if cell is None or name.module != path:
            continue
        old = outcome.file.text[outcome.span.start : outcome.span.end]
        if text[cell.span.start : cell.span.end] == old:
            kept[name] = moved(outcome, module.source, cell.span)
    return kept
