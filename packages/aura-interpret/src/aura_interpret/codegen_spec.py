"""Code for specifications: quantifiers, ``old``, refinement checks, contract checks.

Specifications are evaluated with mathematical integers (no overflow checks)
and only where the program is not built with ``--release``.  A quantifier over
a range is a generator expression under ``all``/``any``; one over a type
(``x: T``) cannot be evaluated and is taken as true, with a warning printed
once per quantifier.  ``old(e)`` reads the snapshots of the ``mut`` parameters
that the cell takes at entry (immutable parameters never change).

Generated code may not use ``:=`` inside a generator expression's ranges, so
inside quantifiers :attr:`~aura_interpret.codegen_ops.OpsGen.no_walrus` makes
the expression generator use helper calls instead of its inline forms.
"""

from __future__ import annotations

from aura_core import tir
from aura_core.source import Span
from aura_core.types import Refined, Type
from aura_interpret.codegen_ops import OpsGen
from aura_interpret.emit import wrap

__all__ = ["SpecGen"]


class SpecGen(OpsGen):
    """Quantifiers, ``old``, refinements and the checks of contract clauses."""

    def spec_expr(self, e: tir.Expr) -> str:
        return self.with_spec(lambda: self.expr(e))

    def quantifier(self, e: tir.Quantifier) -> str:
        if any(b.lo is None or b.hi is None for b in e.binders):
            pos = self.source.position(e.span.start)
            warn = self.ctx.quantifier_warning(f"{self.source.name}:{pos.line}:{pos.column}")
            return f"{warn}()"
        saved_walrus = self.no_walrus
        self.no_walrus = True
        clauses: list[str] = []
        try:
            for b in e.binders:
                assert b.lo is not None and b.hi is not None
                lo, hi = self.expr(b.lo), self.expr(b.hi)
                name = self.tmp("q")
                self.rename[id(b.local)] = name
                end = f"{hi} + 1" if b.inclusive else hi
                clauses.append(f"for {name} in range({lo}, {end})")
            body = self.expr(e.body)
        finally:
            self.no_walrus = saved_walrus
            for b in e.binders:
                self.rename.pop(id(b.local), None)
        fn = "all" if e.kind == "forall" else "any"
        return f"{fn}({body} {' '.join(clauses)})"

    def old(self, e: tir.Old) -> str:
        known = self.old_values.get(id(e))
        if known is not None:
            return known
        saved = self.in_old
        self.in_old = True
        try:
            return self.expr(e.expr)
        finally:
            self.in_old = saved

    # ------------------------------------------------------------ refinements
    def predicate(self, r: Refined, var: str) -> str:
        """The predicate of ``r`` over the Python variable ``var``."""
        self.rename[id(r.var)] = var
        try:
            with self.written_in(r.module):
                return self.with_spec(lambda: self.expr(r.pred))
        finally:
            self.rename.pop(id(r.var), None)

    def refinement_message(self, r: Refined, what: str) -> str:
        """The panic message, with ``\\x00`` where the value's text goes."""
        shown = self.text(r.pred.span, self.ctx.program.modules[r.module].source)
        if r.var.name == "#v":  # written as `T[lo..hi]`
            return f"refinement of {what} failed: \x00 is not in {shown}"
        return f"refinement of {what} failed: \x00 does not satisfy `{shown}`"

    def refine_stmt(self, t: Type, var: str, what: str, span: Span) -> None:
        """Emit the checks that the value in Python variable ``var`` belongs to ``t``."""
        if self.release:
            return
        for r in _layers(t):
            message = self.refinement_message(r, what)
            fmt = self.fmt_inner(r.base)
            self.emit(f"if not {wrap(self.predicate(r, var))}:", span)
            with self.em.indented():
                self.emit(f"_reffail({var}, {fmt}, {message!r})", span)

    def refine_expr(self, t: Type, code: str, what: str, span: Span) -> str:
        """``code`` checked against the refinements of ``t``, as an expression
        (inside a specification too: a typed place there is one as well)."""
        if self.release:
            return code
        for r in _layers(t):
            v = self.tmp("v")
            message = self.refinement_message(r, what)
            fmt = self.fmt_inner(r.base)
            if self.no_walrus:  # inside a quantifier: a parameter instead of `:=`
                code = (
                    f"(lambda {v}: {v} if {self.predicate(r, v)} "
                    f"else {self.mark(span)}_reffail({v}, {fmt}, {message!r}))({code})"
                )
                continue
            code = (
                f"({v} if (({v} := {code}), {self.predicate(r, v)})[1] "
                f"else {self.mark(span)}_reffail({v}, {fmt}, {message!r}))"
            )
        return code

    # ---------------------------------------------------------------- checks
    def check_stmt(self, cond: tir.Expr, message: str, span: Span) -> None:
        """Emit ``if not cond: panic(message)`` (nothing under ``--release``)."""
        if self.release:
            return
        self.emit(f"if not {wrap(self.spec_expr(cond))}:", span)
        with self.em.indented():
            self.emit(f"_fail({message!r})", span)


def _layers(t: Type) -> list[Refined]:
    """The refinements of ``t``, innermost (closest to the base type) first."""
    out: list[Refined] = []
    while isinstance(t, Refined):
        out.append(t)
        t = t.base
    out.reverse()
    return out
