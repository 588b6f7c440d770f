"""Statements: symbolic execution of a cell's body, one path state at a time.

Each statement takes the state before it and returns the state after it, or
None when no path continues (``return``, ``break``, ``continue``, or every
branch ended).  ``if`` and ``match`` fork the state per branch and merge the
survivors (:func:`~aura_verify.state.merge`).  Every ``return`` (and the end of
a cell returning ``Unit``, and the early return of ``?``) proves the
postconditions there (V0002, or V0012 in a lemma), the clause being the place
and the return the related one; a refined return type is checked at the value
(V0010).

A statement the encoder cannot handle becomes an ``unknown`` obligation naming
the construct; the variables it may change are then unknown values, so what
follows is still proven soundly, about every value it could have left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import z3

from aura_core import tir
from aura_core.diagnostics import Diagnostic, Label
from aura_core.source import Span
from aura_core.types import UNIT, strip_refinement
from aura_verify.base import Ctx
from aura_verify.calls import Calls
from aura_verify.errors import Unsupported
from aura_verify.state import Key, State, merge
from aura_verify.walk import assigned, has_effects

__all__ = ["ASSUME_WARNING", "LoopFrame", "Stmts"]

#: The warning attached to every ``assume`` (issue 5: "a warning per use").
ASSUME_WARNING = "W0007"

CODE = Ctx()

#: The obligation an unsupported statement leaves unproven, by statement kind.
_UNKNOWN_CODE: dict[type, str] = {
    tir.Assert: "V0003",
    tir.Assume: "V0003",
    tir.Return: "V0002",
    tir.While: "V0005",
    tir.ForRange: "V0005",
    tir.ForEach: "V0005",
    tir.LemmaCall: "V0001",
}


@dataclass
class LoopFrame:
    """Where ``break`` and ``continue`` of the innermost loop go."""

    on_continue: Callable[[State], None]
    breaks: list[State] = field(default_factory=list)


class Stmts(Calls):
    def __init__(self, program: tir.Program, cell: tir.CellDef) -> None:
        super().__init__(program, cell)
        self.loops: list[LoopFrame] = []

    # --------------------------------------------------------------- overrides

    def loop(self, s: tir.While | tir.ForRange | tir.ForEach, st: State) -> State | None:
        raise NotImplementedError

    def spec_ctx(self, result: z3.ExprRef | None = None, check: bool = True) -> Ctx:
        return Ctx(spec=True, check=check, old=self.entry, result=result)

    # ----------------------------------------------------------------- blocks

    def block(self, b: tir.Block, st: State) -> State | None:
        cur: State | None = st
        for s in b.stmts:
            assert cur is not None
            cur = self.stmt(s, cur)
            if cur is None:
                return None
        return cur

    def stmt(self, s: tir.Stmt, st: State) -> State | None:
        try:
            return self._stmt(s, st)
        except (Unsupported, z3.Z3Exception) as exc:
            what = exc.message if isinstance(exc, Unsupported) else f"this statement ({exc})"
            code = _UNKNOWN_CODE.get(type(s), "V0003")
            self.unknown(st, code, s.span, f"cannot verify {what}")
            if isinstance(s, tir.Return):
                return None
            return self.havoc(st, assigned([s]))

    def havoc(self, st: State, keys: set[Key]) -> State:
        """A fork of ``st`` in which the locals ``keys`` hold unknown values of their types."""
        h = st.fork()
        for k in sorted(keys):
            if k in h.env and k in h.locals:
                local = h.locals[k]
                h.env[k] = self.fresh_value(local.type, local.name, h)
        h.abstract = True
        return h

    # -------------------------------------------------------------- statements

    def _stmt(self, s: tir.Stmt, st: State) -> State | None:
        if isinstance(s, tir.Let):
            v = self.expr(s.value, st, CODE)
            self.store_check(s.local.type, v, st, CODE, s.value.span)
            st.bind(s.local, v)
            st.assume(self.wf(v, strip_refinement(s.local.type), st))
            return st
        if isinstance(s, tir.Assign):
            return self.assign(s, st)
        if isinstance(s, tir.ExprStmt):
            self.expr(s.expr, st, CODE)
            return st
        if isinstance(s, tir.If):
            return self.if_(s, st)
        if isinstance(s, tir.While | tir.ForRange | tir.ForEach):
            return self.loop(s, st)
        if isinstance(s, tir.Match):
            return self.match(s, st)
        if isinstance(s, tir.Return):
            value = self.sorts.unit if s.value is None else self.expr(s.value, st, CODE)
            where = s.value.span if s.value is not None else s.span
            self.do_return(st, value, where, s.span)
            return None
        if isinstance(s, tir.Break):
            if not self.loops:
                raise Unsupported("`break` outside a loop")
            self.loops[-1].breaks.append(st)
            return None
        if isinstance(s, tir.Continue):
            if not self.loops:
                raise Unsupported("`continue` outside a loop")
            self.loops[-1].on_continue(st)
            return None
        if isinstance(s, tir.Assert):
            goal = self.expr(s.cond, st, self.spec_ctx())
            self.oblige(st, "V0003", s.span, goal)
            return st
        if isinstance(s, tir.Assume):
            st.assume(self.expr(s.cond, st, self.spec_ctx()))
            self.warnings.append(
                Diagnostic.warning(
                    ASSUME_WARNING,
                    "`assume` is trusted without proof",
                    self.file,
                    s.span,
                    notes=(
                        "the verifier takes this condition as a fact; it is checked at run time",
                    ),
                )
            )
            return st
        if isinstance(s, tir.Unsafe):
            return self.block(s.body, st)
        if isinstance(s, tir.LemmaCall):
            self.lemma_call(s, st)
            return st
        raise Unsupported(f"the statement `{type(s).__name__}`")

    def assign(self, s: tir.Assign, st: State) -> State:
        # The value first, then the place's indexes, then the read (for ``op=``)
        # and the write, as every engine runs it (spec section 7.1).
        rhs = self.expr(s.value, st, CODE)
        place = self.place(s.target, st, CODE)
        if s.op == "=":
            value = rhs
        else:
            old = self.read_place(place, st)
            value = self.operate(s.op[0], old, rhs, s.target.type, s.span, st, CODE)
        self.store_check(s.target.type, value, st, CODE, s.value.span)
        self.write_place(place, value, st)
        return st

    def if_(self, s: tir.If, st: State) -> State | None:
        # The first condition is evaluated on ``st`` itself; every branch forks after it.
        branches: list[State | None] = []
        rest = st
        for cond, block in s.branches:
            c = self.expr(cond, rest, CODE)
            branches.append(self.block(block, rest.fork(c)))
            rest = rest.fork(z3.Not(c))
        branches.append(self.block(s.otherwise, rest) if s.otherwise is not None else rest)
        return merge(st, branches, self.fresh)

    def match(self, s: tir.Match, st: State) -> State | None:
        value = self.expr(s.scrutinee, st, CODE)
        branches: list[State | None] = []
        rest = st.fork()
        for arm in s.arms:
            taken = rest.fork()
            cond = self.pattern(arm.pattern, value, s.scrutinee.type, taken, CODE)
            taken.assume(cond)
            if arm.guard is not None:
                if has_effects(arm.guard):
                    raise Unsupported("a match guard that changes variables")
                g = self.expr(arm.guard, taken, CODE)
                taken.assume(g)
                cond = z3.And(cond, g)
            branches.append(self.block(arm.body, taken))
            rest = rest.fork(z3.Not(cond))
        # The checker proved the match exhaustive: no path leaves through ``rest``.
        return merge(st, branches, self.fresh)

    # ----------------------------------------------------------------- returns

    def early_return(self, st: State, value: z3.ExprRef, span: Span) -> None:
        self.do_return(st, value, span, span)

    def do_return(self, st: State, value: z3.ExprRef, value_span: Span, ret_span: Span) -> None:
        """Prove what must hold when the cell returns ``value`` on ``st``'s path."""
        self.store_check(self.cell.ret, value, st, CODE, value_span)
        code = "V0012" if self.cell.kind == "lemma" else "V0002"
        ctx = self.spec_ctx(result=value)
        related: tuple[Label, ...] = ()
        if self.cell.kind != "lemma":
            related = (Label(ret_span, "this return path", self.file),)
        for clause in self.cell.contract.ensures:
            where = self.clause_span(clause.span, "ensures")
            try:
                goal = self.expr(clause, st, ctx)
            except Unsupported as exc:
                self.unknown(st, code, where, f"cannot verify the postcondition: {exc.message}")
                continue
            cex = self.cex_vars(st, value, self.cell.ret)
            self.oblige(st, code, where, goal, related=related, cex=cex)

    def implicit_return(self, st: State, span: Span) -> None:
        """The end of the body: a ``Unit`` cell returns; any other cannot get here."""
        if strip_refinement(self.cell.ret) == UNIT:
            self.do_return(st, self.sorts.unit, span, span)

    def clause_span(self, span: Span, keyword: str) -> Span:
        """The span of ``keyword EXPR`` given the expression's span."""
        text = self.file.text
        i = span.start
        while i > 0 and text[i - 1] in " \t":
            i -= 1
        if text[max(0, i - len(keyword)) : i] == keyword:
            return Span(i - len(keyword), span.end)
        return span
