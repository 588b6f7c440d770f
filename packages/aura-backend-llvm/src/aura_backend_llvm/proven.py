"""The run-time checks ``--trust-proofs`` leaves out of the generated code.

``aura verify`` records the checks it proved (:mod:`aura_core.proofs`,
``docs/reference/proven-checks.md``); this reads that file for a program and
keeps what still holds of the sources being compiled (a module whose text
changed since it was verified keeps all its checks).  The rules are the
interpreter's: with ``--release`` proofs are trusted only when every cell of
the program's own modules was verified completely (a proof may rest on a
contract that ``--release`` no longer checks), and a cell's ``requires`` checks
go only when every call of it in the program was proven to meet them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aura_core import tir
from aura_core.proofs import ProofFile, proofs_path, read_proofs, source_hash, trusted_checks
from aura_core.source import Span
from aura_core.types import QualName

__all__ = ["Proven", "load_proven"]

#: A proven check in a cell: its kind and span offsets.
_Site = tuple[str, int, int]
#: Where a call is written (the calling cell, the call's span); None where no
#: proof can vouch for it (a call inside a type's refinement predicate).
_CallSite = tuple[QualName, Span] | None


@dataclass(frozen=True)
class Proven:
    """The proven checks of a program's cells, and where each cell is called from."""

    sites: Mapping[QualName, frozenset[_Site]] = field(default_factory=dict)
    calls: Mapping[QualName, tuple[_CallSite, ...]] = field(default_factory=dict)

    def has(self, cell: QualName, kind: str, span: Span) -> bool:
        found = self.sites.get(cell)
        return found is not None and (kind, span.start, span.end) in found

    def requires_proven(self, cell: QualName) -> bool:
        """Every call of ``cell`` was proven to meet its ``requires`` (an uncalled
        cell is an entry and keeps its checks)."""
        sites = self.calls.get(cell, ())
        return bool(sites) and all(
            s is not None and self.has(s[0], "precondition", s[1]) for s in sites
        )


def load_proven(program: tir.Program, entry: tuple[str, ...], *, release: bool) -> Proven:
    """What may be left out when compiling ``program`` (``entry``: its main module)."""
    path = proofs_path(Path(program.modules[entry].source.name))
    if path is None:
        return Proven()
    pf = read_proofs(path)
    if release and not _all_verified(program, pf):
        return Proven()
    sources = {p: m.source.text for p, m in program.modules.items()}
    sites = {
        cell: frozenset((k.kind, k.start, k.end) for k in checks)
        for cell, checks in trusted_checks(pf, sources).items()
    }
    return Proven(sites, _call_sites(program))


def _all_verified(program: tir.Program, pf: ProofFile | None) -> bool:
    if pf is None:
        return False
    done = {
        (m.module, c.cell)
        for m in pf.modules
        if m.module in program.modules
        and m.source_sha256 == source_hash(program.modules[m.module].source.text)
        for c in m.cells
        if c.verified
    }
    return all(
        (path, cell.name.name) in done
        for path, module in program.modules.items()
        if path[:1] != ("std",)
        for cell in module.cells.values()
        if cell.body is not None and not cell.extern
    )


def _call_sites(program: tir.Program) -> dict[QualName, tuple[_CallSite, ...]]:
    out: dict[QualName, list[_CallSite]] = {}
    for module in program.modules.values():
        for cell in module.cells.values():
            for call, in_type in _calls([cell]):
                out.setdefault(call.cell, []).append(None if in_type else (cell.name, call.span))
        others: list[object] = [
            *module.records.values(),
            *module.enums.values(),
            *module.aliases.values(),
            *module.consts.values(),
        ]
        for call, _ in _calls(others):
            out.setdefault(call.cell, []).append(None)
    return {k: tuple(v) for k, v in out.items()}


def _calls(roots: list[object]) -> Iterator[tuple[tir.Call, bool]]:
    """Every call below ``roots``, and whether it stands inside a type."""
    todo: list[tuple[object, bool]] = [(r, False) for r in roots]
    seen: set[int] = set()
    while todo:
        node, in_type = todo.pop()
        if isinstance(node, tuple):
            todo.extend((x, in_type) for x in node)
            continue
        if not dataclasses.is_dataclass(node) or isinstance(node, type):
            continue
        if isinstance(node, tir.Call):
            yield node, in_type
        for f in dataclasses.fields(node):
            if f.name == "span":
                continue
            value = getattr(node, f.name)
            typed = in_type or f.name in ("type", "ret", "type_args")
            if typed:
                if id(value) in seen:
                    continue  # types are shared between nodes: walk each once
                seen.add(id(value))
            todo.append((value, typed))
