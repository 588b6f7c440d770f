"""Loops, by their invariants (spec sections 4 and 8).

Every loop is cut at its head:

1. the invariants are proven before the first iteration (V0004);
2. the head state forgets exactly the locals the loop may change (the loop
   frame: :func:`~aura_verify.walk.assigned`); everything else keeps its
   value, as it does in any run;
3. the head assumes the invariants, and the body runs once from there;
4. at the end of the body and at every ``continue`` the invariants are proven
   again (V0005) and, for a ``while`` with ``decreases``, the measure is taken
   at the start of the body, after the condition (which may have effects) held;
   at the end of the body the condition is run once more and, when it holds,
   the measure there must be below the one at the start of this body, and that
   one non-negative (V0006, at the ``decreases`` clause).  Every component
   of the measure must also be non-negative at the start of every body, where
   the engines check it (V0006).  A ``while`` without a measure is
   warning W0006 and its termination is not proven;
5. after the loop: the head state with the condition false, joined with the
   states of the ``break``\\ s.

Range loops evaluate their bounds once.  The loop variable of ``for i in
a..b`` stands for its *next* value in the invariants: ``a`` on entry, ``i + 1``
after an iteration, the end bound after the loop (spec section 4).  For ``a..=b``
the end is ``b + 1`` in mathematical integers, so ``for x in 0..=255u8`` needs
no overflow.  ``for x in v`` walks a snapshot of ``v`` by a hidden position.
"""

from __future__ import annotations

from collections.abc import Callable

import z3

from aura_core import tir
from aura_core.diagnostics import Diagnostic
from aura_core.source import Span
from aura_core.types import VecType, strip_refinement
from aura_verify.base import Ctx
from aura_verify.calls import lex_less
from aura_verify.errors import Unsupported
from aura_verify.state import State, key, merge
from aura_verify.stmts import CODE, LoopFrame, Stmts
from aura_verify.walk import assigned, free_locals

__all__ = ["Loops"]


class Loops(Stmts):
    def loop(self, s: tir.While | tir.ForRange | tir.ForEach, st: State) -> State | None:
        if isinstance(s, tir.While):
            return self.while_(s, st)
        if isinstance(s, tir.ForRange):
            return self.for_range(s, st)
        return self.for_each(s, st)

    # ------------------------------------------------------------ invariants

    def check_invariants(self, st: State, spec: tir.LoopSpec, code: str) -> None:
        ctx = self.spec_ctx()
        for inv in spec.invariants:
            where = self.clause_span(inv.span, "invariant")
            try:
                goal = self.expr(inv, st, ctx)
            except Unsupported as exc:
                self.unknown(st, code, where, f"cannot verify the invariant: {exc.message}")
                continue
            self.oblige(st, code, where, goal)

    def assume_invariants(self, st: State, spec: tir.LoopSpec) -> None:
        ctx = self.spec_ctx(check=False)
        for inv in spec.invariants:
            try:
                st.assume(self.expr(inv, st, ctx))
            except Unsupported as exc:
                st.approx.add(exc.message)

    def head(self, st: State, body: tir.Block, extra: tuple[tir.Stmt, ...] = ()) -> State:
        return self.havoc(st, assigned([*body.stmts, *extra]))

    # ----------------------------------------------------------------- while

    def while_(self, s: tir.While, st: State) -> State | None:
        spec = s.spec
        self.check_invariants(st, spec, "V0004")
        if not spec.decreases:
            self.warnings.append(
                Diagnostic.warning(
                    "W0006",
                    "this `while` loop has no `decreases` clause, so its termination is not proven",
                    self.file,
                    _head_span(s),
                    help="add `decreases E`: an integer that is >= 0 and goes down every iteration",
                )
            )
        head = self.head(st, s.body, (tir.ExprStmt(s.cond, span=s.cond.span),))
        self.assume_invariants(head, spec)
        cond = self.expr(s.cond, head, CODE)
        body = head.fork(cond)
        exit_ = head.fork(z3.Not(cond))
        # The measure is taken at the start of the body, once the condition (which
        # may have effects) has held (spec section 4).
        where = spec.decreases_span or s.span
        measure: list[z3.ExprRef] | None = None
        if spec.decreases:
            try:
                measure = [self.expr(d, body, self.spec_ctx()) for d in spec.decreases]
            except Unsupported as exc:
                self.unknown(body, "V0006", where, f"cannot verify the measure: {exc.message}")
            if measure is not None:
                # Every component is >= 0 at the start of every body, as the
                # engines check it there (even when no iteration follows).
                nonneg = z3.And(*(m >= 0 for m in measure))
                self.oblige(
                    body,
                    "V0006",
                    where,
                    nonneg,
                    "termination measure might be negative",
                    keep=False,
                )

        def back_edge(end: State) -> None:
            self.check_invariants(end, spec, "V0005")
            if measure is None:
                return
            # The next iteration: its condition runs again, and when it holds the
            # measure at the start of that body must be below this one's.  The
            # condition's own obligations were proven at the head, which stands
            # for this state too (the invariants were just proven of it).
            nxt = end.fork()
            try:
                again = self.expr(s.cond, nxt, Ctx(check=False))
                nxt = nxt.fork(again)
                new = [self.expr(d, nxt, self.spec_ctx(check=False)) for d in spec.decreases]
            except Unsupported as exc:
                self.unknown(end, "V0006", where, exc.message)
                return
            self.oblige(nxt, "V0006", where, lex_less(new, measure), keep=False)

        return self.run_body(s.body, head, body, exit_, back_edge)

    def run_body(
        self,
        block: tir.Block,
        head: State,
        body: State,
        exit_: State,
        back_edge: Callable[[State], None],
    ) -> State | None:
        frame = LoopFrame(back_edge)
        self.loops.append(frame)
        try:
            end = self.block(block, body)
        finally:
            self.loops.pop()
        if end is not None:
            back_edge(end)
        return merge(head, [exit_, *frame.breaks], self.fresh)

    # ----------------------------------------------------------------- ranges

    def for_range(self, s: tir.ForRange, st: State) -> State | None:
        lo = self.expr(s.lo, st, CODE)
        hi = self.expr(s.hi, st, CODE)
        end = hi + 1 if s.inclusive else hi
        entry = st.fork()
        entry.bind(s.var, lo)
        self.check_invariants(entry, s.spec, "V0004")
        head = self.head(st, s.body)
        i = z3.Int(self.fresh.name(s.var.name))
        head.bind(s.var, i)
        head.assume(z3.Or(z3.And(lo <= i, i <= end), z3.And(i == lo, lo > end)))
        self.assume_invariants(head, s.spec)
        body = head.fork(i < end)
        exit_ = head.fork(z3.Not(i < end))

        def back_edge(last: State) -> None:
            nxt = last.fork()
            nxt.bind(s.var, i + 1)
            self.check_invariants(nxt, s.spec, "V0005")

        return self.run_body(s.body, head, body, exit_, back_edge)

    def for_each(self, s: tir.ForEach, st: State) -> State | None:
        t = strip_refinement(s.iterable.type)
        if not isinstance(t, VecType):
            raise Unsupported(f"`for` over a value of type `{t}`")
        if any(key(s.var) in free_locals(inv) for inv in s.spec.invariants):
            raise Unsupported("an invariant of a `for x in v` loop that mentions `x`")
        snapshot = self.expr(s.iterable, st, CODE)
        self.check_invariants(st, s.spec, "V0004")
        head = self.head(st, s.body)
        k = z3.Int(self.fresh.name("position"))
        n = z3.Length(snapshot)
        head.assume(z3.And(k >= 0, k <= n))
        self.assume_invariants(head, s.spec)
        body = head.fork(k < n)
        x = snapshot[k]
        body.bind(s.var, x)
        body.assume(self.wf(x, t.elem, body))
        exit_ = head.fork(k >= n)

        def back_edge(last: State) -> None:
            self.check_invariants(last, s.spec, "V0005")

        return self.run_body(s.body, head, body, exit_, back_edge)


def _head_span(s: tir.While) -> Span:
    """The ``while COND`` part of the loop, where W0006 points."""
    return Span(s.span.start, max(s.cond.span.end, s.span.start))
