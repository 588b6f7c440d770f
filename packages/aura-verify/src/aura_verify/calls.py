"""Calls: modular, by the callee's contract (spec section 8).

At a call the caller proves the callee's ``requires`` (V0001, pointing at the
call, the clause as related place) and that every argument for a refined
parameter satisfies it (V0010).  A call on a cycle of the call graph must
decrease the measure: the callee's ``decreases`` of the arguments is
lexicographically below the caller's at entry, each compared component
non-negative (V0006, at the ``decreases`` clause, or at the call when there is
none).  That holds for calls in the cell's own contract and other
specifications as well (spec section 8): ``pure cell f(x) requires f(x) > 0``
would otherwise assume what it defines.

After the call, a non-pure callee's result and the places passed ``mut`` are
unknown values that satisfy their types and the callee's ``ensures`` (with
``old`` meaning the arguments); the path is marked abstract, since the values
come from a contract rather than a run.  A pure callee's result is the term of
its function (:mod:`aura_verify.pure`).  A lemma call proves the lemma's
``requires`` and then assumes its ``ensures``.
"""

from __future__ import annotations

import z3

from aura_core import tir
from aura_core.diagnostics import Label
from aura_core.source import SourceFile, Span
from aura_verify.base import Ctx
from aura_verify.errors import Unsupported
from aura_verify.exprs import Place
from aura_verify.pure import Pure, lex_less
from aura_verify.state import Key, State, key

__all__ = ["Calls", "lex_less"]


class Calls(Pure):
    def __init__(self, program: tir.Program, cell: tir.CellDef) -> None:
        super().__init__(program, cell)

    def callee_file(self, callee: tir.CellDef) -> SourceFile:
        return self.program.modules[callee.name.module].source

    def _scratch(self, st: State, env: dict[Key, z3.ExprRef]) -> State:
        """A state for a callee's clauses: its parameters, the caller's approximations."""
        s = State(env, list(st.facts))
        s.approx = st.approx
        return s

    def call(self, e: tir.Call, st: State, ctx: Ctx) -> z3.ExprRef:
        callee = self.program.cell(e.cell)
        if callee.kind == "lemma":
            raise Unsupported("a lemma used as a value")
        targs = tuple(self.ty(a, ctx) for a in e.type_args)
        tsubst = self.tsubst_for(callee, targs)
        cctx = Ctx(spec=True, check=False, tsubst=tsubst, quant=ctx.quant, fuel=ctx.fuel)
        places: list[tuple[tir.Local, Place]] = []
        values: list[z3.ExprRef] = []
        for arg, param in zip(e.args, callee.params, strict=True):
            if arg.mut:
                if ctx.spec:
                    raise Unsupported("a `mut` argument in a specification")
                p = self.place(arg.value, st, ctx)
                places.append((param, p))
                values.append(self.read_place(p, st))
            else:
                values.append(self.expr(arg.value, st, ctx))
        env = {key(p): v for p, v in zip(callee.params, values, strict=True)}
        if ctx.check:
            self.preconditions(e, callee, env, values, st, ctx, cctx)
        # A call in this cell's own specification runs, or is assumed, as much as
        # one in its body: on a cycle it must decrease too.  Code evaluated again
        # without its checks (a loop condition at the back edge) proves nothing.
        if ctx.check and str(callee.name) in self.cycle(self.cell):
            self.termination(e.span, callee, env, st, cctx)
        if callee.kind == "pure":
            return self.pure_apply(callee, targs, values, st, ctx)
        if ctx.spec:
            raise Unsupported(f"a call of the impure cell `{callee.name.name}` in a specification")
        result = self.fresh_value(callee.ret, f"{callee.name.name}.result", st, cctx)
        after = dict(env)
        for param, p in places:
            nv = self.fresh_value(param.type, f"{param.name}.after", st, cctx)
            self.write_place(p, nv, st)
            after[key(param)] = nv
        self.assume_ensures(callee, env, after, result, st, cctx)
        st.abstract = True
        return result

    def preconditions(
        self,
        e: tir.Call,
        callee: tir.CellDef,
        env: dict[Key, z3.ExprRef],
        values: list[z3.ExprRef],
        st: State,
        ctx: Ctx,
        cctx: Ctx,
    ) -> None:
        # In code a refined parameter's predicate (V0010); in a specification
        # the exact value must fit the parameter's type (V0007).
        for arg, param, v in zip(e.args, callee.params, values, strict=True):
            if not arg.mut:
                self.store_check(self.ty(param.type, cctx), v, st, ctx, arg.value.span)
        scratch = self._scratch(st, env)
        file = self.callee_file(callee)
        for r in callee.contract.requires:
            related = (Label(r.span, "the precondition", file),)
            try:
                goal = self.expr(r, scratch, cctx)
            except Unsupported as exc:
                self.unknown(st, "V0001", e.span, f"the precondition uses {exc.message}")
                continue
            self.oblige(st, "V0001", e.span, goal, related=related)

    def assume_ensures(
        self,
        callee: tir.CellDef,
        before: dict[Key, z3.ExprRef],
        after: dict[Key, z3.ExprRef],
        result: z3.ExprRef,
        st: State,
        cctx: Ctx,
    ) -> None:
        post = self._scratch(st, after)
        ectx = Ctx(
            spec=True, check=False, old=before, result=result, tsubst=cctx.tsubst, quant=cctx.quant
        )
        for clause in callee.contract.ensures:
            try:
                st.assume(self.expr(clause, post, ectx))
            except Unsupported as exc:
                st.approx.add(exc.message)

    def termination(
        self, span: Span, callee: tir.CellDef, env: dict[Key, z3.ExprRef], st: State, cctx: Ctx
    ) -> None:
        mine = self.cell.contract
        if not mine.decreases or not callee.contract.decreases or self.entry_measure is None:
            self.oblige(
                st,
                "V0006",
                span,
                z3.BoolVal(False),
                "recursive call without a `decreases` clause: termination cannot be proven",
                keep=False,
            )
            return
        scratch = self._scratch(st, env)
        try:
            new = [self.expr(d, scratch, cctx) for d in callee.contract.decreases]
        except Unsupported as exc:
            self.unknown(st, "V0006", span, f"the measure uses {exc.message}")
            return
        at = mine.decreases_span or span
        related = (Label(span, "the recursive call", self.file),)
        self.oblige(
            st,
            "V0006",
            at,
            lex_less(new, self.entry_measure),
            "termination measure might not decrease at this recursive call",
            related=related,
        )

    def lemma_call(self, s: tir.LemmaCall, st: State) -> None:
        e = s.call
        callee = self.program.cell(e.cell)
        targs = tuple(e.type_args)
        tsubst = self.tsubst_for(callee, targs)
        cctx = Ctx(spec=True, check=False, tsubst=tsubst)
        values = [self.expr(a.value, st, Ctx()) for a in e.args]
        env = {key(p): v for p, v in zip(callee.params, values, strict=True)}
        self.preconditions(e, callee, env, values, st, Ctx(), cctx)
        if str(callee.name) in self.cycle(self.cell):
            self.termination(e.span, callee, env, st, cctx)
        self.assume_ensures(callee, env, env, self.sorts.unit, st, cctx)
