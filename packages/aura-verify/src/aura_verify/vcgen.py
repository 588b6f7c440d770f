"""The verification conditions of one cell: walk it once, collect its obligations.

At entry every parameter is an unknown value of its type (with its range and
refinement facts) and the ``requires`` clauses are assumed, in order, each
proven well-defined under the ones before it.  The ``decreases`` measure is
evaluated there for the cell's recursive calls.  Then the body runs
symbolically (:mod:`.stmts`, :mod:`.loops`); a lemma's postconditions are
V0012 obligations, anyone else's V0002.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import z3

from aura_core import tir
from aura_core.diagnostics import Diagnostic
from aura_core.source import Span
from aura_verify.base import Ctx
from aura_verify.errors import Unsupported
from aura_verify.loops import Loops
from aura_verify.obligations import Obligation
from aura_verify.sorts import Sorts
from aura_verify.state import State, key

__all__ = ["Conditions", "generate"]


@dataclass(frozen=True)
class Conditions:
    """What proving one cell needs: its obligations, the axioms they share, its warnings."""

    obligations: tuple[Obligation, ...]
    axioms: tuple[z3.BoolRef, ...]
    warnings: tuple[Diagnostic, ...]
    #: The sorts the terms use, for reading counterexamples back.
    sorts: Sorts
    #: Function symbols of partly modelled operations -> what they stand for.
    approx_symbols: dict[str, str]


class CellVerifier(Loops):
    def run(self) -> None:
        cell = self.cell
        st = State({})
        for p in cell.params:
            v = self.fresh.const(p.name, self.sort(p.type))
            st.bind(p, v)
            self.entry[key(p)] = v
            st.assume(self.wf(v, p.type, st))
        pre = Ctx(spec=True, check=True, old=self.entry)
        where = cell.contract.decreases_span or cell.span
        if cell.contract.decreases:
            # The measure is known before the ``requires`` are assumed, since a
            # recursive call may sit in a ``requires`` itself; it is proven
            # well-defined below, under them.
            unchecked = Ctx(spec=True, check=False, old=self.entry)
            try:
                self.entry_measure = [
                    self.expr(d, st.fork(), unchecked) for d in cell.contract.decreases
                ]
            except Unsupported as exc:
                self.unknown(st, "V0006", where, f"cannot verify the measure: {exc.message}")
        for r in cell.contract.requires:
            try:
                st.assume(self.expr(r, st, pre))
            except Unsupported as exc:
                st.approx.add(exc.message)
        if cell.contract.decreases and self.entry_measure is not None:
            try:
                for d in cell.contract.decreases:
                    self.expr(d, st, pre)
            except Unsupported as exc:
                self.unknown(st, "V0006", where, f"cannot verify the measure: {exc.message}")
        if cell.body is None:
            return
        end = self.block(cell.body, st)
        if end is not None:
            self.implicit_return(end, Span(cell.body.span.end, cell.body.span.end))


def generate(program: tir.Program, cell: tir.CellDef) -> Conditions:
    """The obligations of ``cell``; a construct that stops the walk is one ``unknown``."""
    v = CellVerifier(program, cell)
    try:
        v.run()
    except (Unsupported, z3.Z3Exception) as exc:
        what = exc.message if isinstance(exc, Unsupported) else f"an encoding error ({exc})"
        v.unknown(State({}), "V0003", cell.span, f"cannot verify `{cell.name.name}`: {what}")
    except (RecursionError, ctypes.ArgumentError) as exc:
        # Deeper than even a large stack holds (z3's ctypes layer wraps the
        # RecursionError of a callback in ArgumentError): unknown, never a crash.
        if isinstance(exc, ctypes.ArgumentError) and "RecursionError" not in str(exc):
            raise
        what = "its definitions and their callees nest too deeply to encode"
        v.unknown(State({}), "V0003", cell.span, f"cannot verify `{cell.name.name}`: {what}")
    return Conditions(
        tuple(v.obligations), tuple(v.axioms), tuple(v.warnings), v.sorts, v.approx_symbols
    )
