"""Which run-time checks a back end may leave out when it trusts the verifier.

``aura verify`` records the checks it proved (:mod:`aura_core.proofs`,
``docs/reference/proven-checks.md``).  :func:`proven_for` reads that file for a
checked program and keeps only what is still true of the sources being
compiled: the entries of a module whose text changed since it was verified are
ignored.  The interpreter and the native backend both compile with the result
(``--trust-proofs``), so the rules live here once.

A proof of one check may rest on other checks holding (the cell's
preconditions, the contracts of what it calls, loop invariants, earlier checks
on the same path): each of those either still runs or was proven itself.  With
``--release`` contract, assertion and refinement checks do not run, so proofs
are trusted only when every cell of the program's own modules was verified
completely.  Without it, a cell's checks are trusted only when every lemma and
pure cell its proof rests on was verified: a lemma's postcondition is checked
by nothing but the lemma's proof.  A cell's ``requires`` checks at entry go
only when every call of the cell in the program was proven to satisfy them
(spec section 7.2), which :class:`ProvenChecks` decides from the program's
call sites.

A proof covers only the cell's own code.  A cell's generated code also holds
code written elsewhere: the refinement predicates of the types it uses, which
may be declared in another module (whose offsets can equal those of a proven
site of this cell by chance).  :meth:`ProvenChecks.trusted` is the one rule the
back ends ask at every check site: the site must be in the cell's module and
inside the cell's span, and proven there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aura_core import tir
from aura_core.modules import ModulePath
from aura_core.proofs import ProofFile, proofs_path, read_proofs, source_hash, trusted_checks
from aura_core.source import Span
from aura_core.types import QualName

__all__ = ["ProvenChecks", "proven_for"]

#: A check in a cell: its kind, the module whose text holds it, and its span offsets.
_Site = tuple[str, ModulePath, int, int]
#: Where a call is written: the calling cell and the call's span.
_CallSite = tuple[tir.CellDef, Span]


@dataclass(frozen=True)
class ProvenChecks:
    """The proven checks of a program's cells, and where each cell is called from."""

    sites: Mapping[QualName, frozenset[_Site]] = field(default_factory=dict)
    #: Callee -> its call sites; None for a call the proofs cannot vouch for (one
    #: outside a cell's code, such as in a type's refinement predicate).
    calls: Mapping[QualName, tuple[_CallSite | None, ...]] = field(default_factory=dict)

    def trusted(self, cell: tir.CellDef, kind: str, module: ModulePath, span: Span) -> bool:
        """Whether the check of ``kind`` at ``span`` -- offsets into the text of
        ``module`` -- may be left out of ``cell``'s code.

        Only the cell's own code counts: ``module`` must be the cell's and
        ``span`` inside the cell's.  A refinement predicate compiled into the
        cell is checked with the module it was written in, so a predicate of
        another module never matches a site of this one.
        """
        own = cell.span
        if module != cell.name.module or not (own.start <= span.start and span.end <= own.end):
            return False
        found = self.sites.get(cell.name)
        return found is not None and (kind, module, span.start, span.end) in found

    def requires_proven(self, cell: QualName) -> bool:
        """Whether every call of ``cell`` in the program was proven to meet its
        ``requires`` (a cell never called keeps its checks: it is an entry)."""
        sites = self.calls.get(cell, ())
        return bool(sites) and all(
            s is not None and self.trusted(s[0], "precondition", s[0].name.module, s[1])
            for s in sites
        )


def proven_for(program: tir.Program, entry: tuple[str, ...], *, release: bool) -> ProvenChecks:
    """What may be left out when running ``program`` (``entry``: its main module)."""
    entry_file = Path(program.modules[entry].source.name)
    path = proofs_path(entry_file)
    if path is None:
        return ProvenChecks()
    pf = read_proofs(path)
    sources = {p: m.source.text for p, m in program.modules.items()}
    sites = trusted_checks(pf, sources)
    if release and not _all_verified(program, pf):
        return ProvenChecks()
    done = _verified(program, pf)
    # A module's checks are offsets into its own text (the proven-checks format).
    flat = {
        cell: frozenset((k.kind, cell.module, k.start, k.end) for k in checks)
        for cell, checks in sites.items()
        if _facts_verified(program, cell, done)
    }
    return ProvenChecks(flat, _call_sites(program))


def _verified(program: tir.Program, pf: ProofFile | None) -> set[tuple[tuple[str, ...], str]]:
    """The cells recorded as verified completely, on their module's current text."""
    if pf is None:
        return set()
    return {
        (m.module, c.cell)
        for m in pf.modules
        if m.module in program.modules
        and m.source_sha256 == source_hash(program.modules[m.module].source.text)
        for c in m.cells
        if c.verified
    }


def _needs_proof(program: tir.Program, name: QualName) -> bool:
    """Whether ``name`` is a cell the verifier proves (a body outside the standard library)."""
    cell = program.cell(name)
    return name.module[:1] != ("std",) and cell.body is not None and not cell.extern


def _all_verified(program: tir.Program, pf: ProofFile | None) -> bool:
    """Every cell with a body in a module outside the standard library was verified
    completely, on the module's current text."""
    done = _verified(program, pf)
    return all(
        (path, cell.name.name) in done
        for path, module in program.modules.items()
        for cell in module.cells.values()
        if _needs_proof(program, cell.name)
    )


def _facts_verified(
    program: tir.Program, cell: QualName, done: set[tuple[tuple[str, ...], str]]
) -> bool:
    """Whether every lemma and pure cell ``cell``'s proof may rest on was verified.

    A lemma never runs, so its postcondition, which callers assume, is checked
    only by its own proof; a pure cell's definition and contract are facts of
    its callers' proofs even where it is not run (in a proven, left-out
    check).  Either, unproven, could make a caller's proven check false, so
    the caller's checks all stay.  The cells they call are followed as far as
    they are lemmas or pure cells too; a cell that runs checks its own
    contract.
    """
    seen: set[QualName] = set()
    todo = list(program.calls.get(cell, ()))
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        callee = program.cell(name)
        if callee.kind not in ("lemma", "pure"):
            continue
        if _needs_proof(program, name) and (name.module, name.name) not in done:
            return False
        todo.extend(program.calls.get(name, ()))
    return True


def _call_sites(program: tir.Program) -> dict[QualName, tuple[_CallSite | None, ...]]:
    out: dict[QualName, list[_CallSite | None]] = {}
    for module in program.modules.values():
        for cell in module.cells.values():
            for call, in_type in _calls([cell]):
                out.setdefault(call.cell, []).append(None if in_type else (cell, call.span))
        others: list[object] = [*module.records.values(), *module.enums.values()]
        for call, _ in _calls([*others, *module.aliases.values(), *module.consts.values()]):
            out.setdefault(call.cell, []).append(None)
    return {k: tuple(v) for k, v in out.items()}


def _calls(roots: list[object]) -> Iterator[tuple[tir.Call, bool]]:
    """Every call in the trees, and whether it is inside a type (a refinement predicate)."""
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
            if typed and id(value) in seen:
                continue  # types are shared: walk each once
            if typed:
                seen.add(id(value))
            todo.append((value, typed))
