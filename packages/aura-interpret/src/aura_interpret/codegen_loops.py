"""Code for loops (spec section 4): ``while``, ``for i in a..b``, ``for x in v``.

Loops become Python loops: ``for i in a..b`` is ``for i in range(a, b)``
(bounds evaluated once; an inclusive range is ``range(a, b + 1)``, so it never
overflows), ``for x in v`` iterates the list of a snapshot of ``v``.  Loops
with ``invariant`` or ``decreases`` clauses (and not ``--release``) take a
checked form::

    while True:
        <invariants>                 # on entry, then after every iteration
        if not <cond>: break         # the condition first: it may have effects
        <measure := decreases; check below the previous one, and >= 0>
        for _ in _ONCE:              # `continue` ends this inner loop only
            <body>                   # `break` sets a flag, then breaks
        if <flag>: break

The measure is taken at the start of the body and compared with its value at
the start of the previous iteration's body (spec section 4), so a condition
that changes the measure is counted.

In a range loop the invariants see the loop variable's next value, and after
the last iteration the end bound (spec section 4).  In ``for x in v`` an
invariant that mentions ``x`` is checked after each iteration only, since
``x`` has no value before the first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aura_core import tir
from aura_core.source import Span
from aura_interpret.codegen_base import LoopCtx
from aura_interpret.codegen_expr import ExprGen
from aura_interpret.emit import wrap
from aura_interpret.tirwalk import place_root, walk_expr, written_roots

__all__ = ["LoopGen"]


def _mentions(e: tir.Expr, local: tir.Local) -> bool:
    return any(isinstance(x, tir.LocalRef) and x.local == local for x in walk_expr(e))


class LoopGen(ExprGen):
    """``while`` and ``for`` loops, checked or not."""

    if TYPE_CHECKING:

        def block(self, b: tir.Block) -> None: ...

    def is_checked_loop(self, spec: tir.LoopSpec) -> bool:
        return not self.release and bool(spec.invariants or spec.decreases)

    def loop_body(self, body: tir.Block, flag: str | None) -> None:
        self.loops.append(LoopCtx(flag))
        try:
            self.block(body)
        finally:
            self.loops.pop()

    def while_(self, s: tir.While) -> None:
        if not self.is_checked_loop(s.spec):
            self.emit(f"while {wrap(self.expr(s.cond))}:", s.span)
            with self.em.indented():
                self.loop_body(s.body, None)
            return
        self.checked_loop(
            s.spec,
            s.body,
            s.span,
            lambda: self.emit(f"if not {wrap(self.expr(s.cond))}: break", s.cond.span),
        )

    def for_range(self, s: tir.ForRange) -> None:
        var = self.local(s.var)
        with self.hoisting():
            lo, hi = self.expr(s.lo), self.expr(s.hi)
        hi_bound = self.iv.of(s.hi)[1]
        if hi_bound is not None and not s.inclusive:
            hi_bound -= 1
        self.iv.facts[id(s.var)] = (self.iv.of(s.lo)[0], hi_bound)
        end = f"{hi} + 1" if s.inclusive else hi
        if not self.is_checked_loop(s.spec):
            self.emit(f"for {var} in range({lo}, {end}):", s.span)
            with self.em.indented():
                self.loop_body(s.body, None)
            return
        n, h = self.tmp("n"), self.tmp("h")
        self.emit(f"{n} = {wrap(lo)}", s.lo.span)
        self.emit(f"{h} = {wrap(end)}", s.hi.span)

        def head() -> None:
            self.emit(f"{var} = {n}", s.span)

        def test() -> None:
            self.emit(f"if {n} >= {h}: break", s.span)
            self.emit(f"{n} += 1", s.span)

        self.checked_loop(s.spec, s.body, s.span, test, head)

    def for_each(self, s: tir.ForEach) -> None:
        var = self.local(s.var)
        it = s.iterable
        with self.hoisting():
            code = self.expr(it)
        root = place_root(it)
        if root is not None and self.is_place_like(it) and root.id in written_roots(s.body.stmts):
            snap = self.tmp("s")
            self.emit(f"{snap} = {wrap(code)}", it.span)
            self.emit(f"{snap}.shared = True", it.span)
            code = snap
        if not self.is_checked_loop(s.spec):
            self.emit(f"for {var} in {wrap(code)}.items:", s.span)
            with self.em.indented():
                self.loop_body(s.body, None)
            return
        items, n = self.tmp("s"), self.tmp("n")
        self.emit(f"{items} = {wrap(code)}.items", it.span)
        self.emit(f"{n} = 0", s.span)

        def test() -> None:
            self.emit(f"if {n} >= len({items}): break", s.span)
            self.emit(f"{var} = {items}[{n}]", s.span)
            self.emit(f"{n} += 1", s.span)

        self.checked_loop(s.spec, s.body, s.span, test, loop_var=s.var)

    def checked_loop(
        self,
        spec: tir.LoopSpec,
        body: tir.Block,
        span: Span,
        test: Callable[[], None],
        head: Callable[[], None] | None = None,
        loop_var: tir.Local | None = None,
    ) -> None:
        first, flag = self.tmp("e"), self.tmp("b")
        self.emit(f"{first} = True", span)
        self.emit(f"{flag} = False", span)
        prev = None
        if spec.decreases:
            # The measure at the start of the previous iteration's body.
            prev = self.tmp("p")
            self.emit(f"{prev} = None", span)
        self.emit("while True:", span)
        with self.em.indented():
            if head is not None:
                head()
            for inv in spec.invariants:
                on_entry = not self.trusted("invariant_entry", inv.span)
                if loop_var is not None and _mentions(inv, loop_var):
                    on_entry = False
                after = not self.trusted("invariant_preserved", inv.span)
                if not (on_entry or after):
                    continue
                cond = wrap(self.spec_expr(inv))
                if not on_entry:
                    self.emit(f"if not {first} and not {cond}:", inv.span)
                elif not after:
                    self.emit(f"if {first} and not {cond}:", inv.span)
                else:
                    self.emit(f"if not {cond}:", inv.span)
                with self.em.indented():
                    self.emit(f"_invfail({first}, {self.text(inv.span)!r})", inv.span)
            test()
            self.emit(f"{first} = False", span)
            if prev is not None:
                # Taken once the condition (which may have effects) has held, and
                # compared with the previous iteration's (spec section 4).
                measure = self.tmp("m")
                text = self.measure_text(spec.decreases, spec.decreases_span)
                where = spec.decreases_span or spec.decreases[0].span
                self.emit(f"{measure} = {self.measure_code(spec.decreases)}", where)
                less = f"_decless({prev}, {measure}, {text!r}, '')"
                self.emit(f"if {prev} is not None: {less}", where)
                self.emit(f"_decneg({measure}, {text!r})", where)
                self.emit(f"{prev} = {measure}", where)
            self.emit("for _ in _ONCE:", span)
            with self.em.indented():
                self.loop_body(body, flag)
            self.emit(f"if {flag}: break", span)

    def measure_code(self, measures: tuple[tir.Expr, ...]) -> str:
        return "(" + "".join(f"{self.spec_expr(m)}, " for m in measures) + ")"

    def measure_text(self, measures: tuple[tir.Expr, ...], span: Span | None) -> str:
        text = self.text(span) if span is not None else ""
        if text.startswith("decreases"):
            text = text[len("decreases") :].strip()
        return text or ", ".join(self.text(m.span) for m in measures)
