"""Statements, and the run-time checks of contracts, invariants and refinements.

Checks follow docs/reference/runtime.md ("Contracts at run time"); with
``--release`` none of them is generated.  Specification expressions are
generated with exact integer arithmetic (``self.spec``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from llvmlite import ir

from aura_backend_llvm.gen_helpers import release_value
from aura_backend_llvm.gen_methods import MethodGen
from aura_backend_llvm.gen_textform import text_into
from aura_backend_llvm.layout import I1, I32, I64
from aura_core import tir
from aura_core.source import SourceFile, Span
from aura_core.types import FIXED_WIDTH, Adt, Prim, Refined, Type, VecType

__all__ = ["StmtGen"]


def _layers(t: Type) -> list[Refined]:
    """The refinements of ``t``, innermost first."""
    out: list[Refined] = []
    while isinstance(t, Refined):
        out.append(t)
        t = t.base
    out.reverse()
    return out


def _memory(place: tir.Expr) -> str | None:
    """``element`` for a place inside a vector's or map's buffer, else None (unknown)."""
    while isinstance(place, tir.FieldGet):
        place = place.obj
    return "element" if isinstance(place, tir.Index) else None


class StmtGen(MethodGen):
    # ------------------------------------------------------------ checks
    @contextmanager
    def specification(self) -> Iterator[None]:
        saved = self.spec
        self.spec = True
        try:
            yield
        finally:
            self.spec = saved

    def text(self, span: Span, source: SourceFile | None = None) -> str:
        src = source or self.source
        return " ".join(src.text[span.start : span.end].split())

    def clause_text(self, clause: tir.Expr, cell: tir.CellDef) -> str:
        return self.text(clause.span, self.mg.program.modules[cell.name.module].source)

    def check(self, cond: tir.Expr, message: str, span: Span) -> None:
        """Panic with ``message`` at ``span`` unless ``cond`` holds (not under --release)."""
        if self.release:
            return
        with self.specification():
            ok = self.expr(cond)
        self.fail_unless(ok, lambda: self.panic_text(span, message))

    def refine(self, value: ir.Value, t: Type, what: str, span: Span) -> None:
        """Check that ``value`` belongs to the refinements of ``t`` (a typed place
        inside a specification is checked too)."""
        if self.release:
            return
        for r in _layers(t):
            shown = self.text(r.pred.span, self.mg.program.modules[r.module].source)
            if r.var.name == "#v":
                before, after = f"refinement of {what} failed: ", f" is not in {shown}"
            else:
                before, after = f"refinement of {what} failed: ", f" does not satisfy `{shown}`"
            self.bound[id(r.var)] = value
            self.bound_by_value[r.var] = value
            with self.specification(), self.written_in(r.module):
                ok = self.expr(r.pred)
            base = r.base

            def fail(before: str = before, after: str = after, base: Type = base) -> None:
                buf = self.rt("aura_buf_new")
                self.raw(buf, before)
                text_into(self.mg, self.b, buf, value, self.base(base), top=False)
                self.raw(buf, after)
                self.panic("aura_panic_str", self.site(span), self.rt("aura_buf_finish", buf))

            self.fail_unless(ok, fail)

    # ---------------------------------------------------------- statements
    def block_(self, block: tir.Block) -> None:
        for s in block.stmts:
            with self.at(s.span):
                method = getattr(self, "s_" + type(s).__name__)
                method(s)

    def s_Let(self, s: tir.Let) -> None:
        v = self.narrow(self.owned(s.value), s.local.type)
        if not self.proven("refinement", s.value.span):
            self.refine(v, s.local.type, f"`{s.local.name}`", s.span)
        self.store_owned(s.local, v)

    def s_ExprStmt(self, s: tir.ExprStmt) -> None:
        mark = len(self.pending)
        self.use(s.expr)
        self.release_temps(mark)

    def s_LemmaCall(self, s: tir.LemmaCall) -> None:
        pass

    def s_Unsafe(self, s: tir.Unsafe) -> None:
        self.block_(s.body)

    def s_Assert(self, s: tir.Assert) -> None:
        if self.proven("assertion", s.span):
            return
        self.check(s.cond, f"assertion failed: {self.text(s.cond.span)}", s.span)

    def s_Assume(self, s: tir.Assume) -> None:
        self.check(s.cond, f"assumption failed: {self.text(s.cond.span)}", s.span)

    def s_Assign(self, s: tir.Assign) -> None:
        """The value first, then the place's indexes, then the read and write (spec 7.1)."""
        t = s.target.type
        if s.op == "=":
            v = self.narrow(self.owned(s.value), t)
            if not self.proven("refinement", s.value.span):
                self.assign_checks(s.target, v)
            ptr = self.place(s.target, self.place_indexes(s.target))
            memory = _memory(s.target)
            if self.layout.has_shared(self.base(t)):
                old = self.b.load(ptr, typ=v.type)
                self.b.store(v, ptr)
                release_value(self.mg, self.b, old, self.base(t))
            elif memory is not None:
                self.store(v, ptr, memory)
            else:
                self.b.store(v, ptr)
            return
        mark = len(self.pending)
        rhs = self.narrow(self.use(s.value), s.value.type)
        ptr = self.place(s.target, self.place_indexes(s.target))
        memory = _memory(s.target)
        old = self.load(ptr, self.llvm(t), memory) if memory else self.b.load(ptr, typ=self.llvm(t))
        op = s.op[0]
        base = self.base(t)
        if base == Prim("f64"):
            fop = {
                "+": self.b.fadd,
                "-": self.b.fsub,
                "*": self.b.fmul,
                "/": self.b.fdiv,
                "%": self.b.frem,
            }[op]
            new = fop(old, rhs)
        elif base == Prim("String"):
            new = self.rt("aura_str_append", old, rhs)
        else:
            new = self.int_arith(op, old, rhs, base, s.span)
        if not self.proven("refinement", s.value.span):
            self.assign_checks(s.target, new)
        if memory is not None:
            self.store(new, ptr, memory)
        else:
            self.b.store(new, ptr)
        self.release_temps(mark)

    def assign_checks(self, target: tir.Expr, v: ir.Value) -> None:
        if isinstance(target, tir.LocalRef):
            self.refine(v, target.local.type, f"`{target.local.name}`", target.span)
        elif isinstance(target, tir.FieldGet):
            owner = self.base(target.obj.type)
            if isinstance(owner, Adt):
                decl = self.layout.record(owner.decl)
                if decl is not None:
                    f = decl.fields[target.index]
                    self.refine(v, f.type, f"field `{f.name}` of `{decl.name.name}`", target.span)

    def s_If(self, s: tir.If) -> None:
        done = self.block("endif")
        for cond, body in s.branches:
            c = self.expr(cond)
            yes, no = self.block("then"), self.block("else")
            self.b.cbranch(c, yes, no)
            self.b.position_at_end(yes)
            self.block_(body)
            self.branch(done)
            self.b.position_at_end(no)
        if s.otherwise is not None:
            self.block_(s.otherwise)
        self.branch(done)
        self.b.position_at_end(done)

    def s_Return(self, s: tir.Return) -> None:
        if s.value is None:
            self.do_return(self.unit(), s.span)
            return
        e = s.value
        moving = isinstance(e, tir.LocalRef) and e.local.id in self.owned_slots
        v = self.expr(e) if moving else self.owned(e)
        moved = e.local.id if isinstance(e, tir.LocalRef) and moving else None
        self.do_return(self.narrow(v, self.cell.ret), s.span, moved)

    def s_Break(self, s: tir.Break) -> None:
        self.b.branch(self.loops[-1][1])
        self.dead_end()

    def s_Continue(self, s: tir.Continue) -> None:
        self.b.branch(self.loops[-1][0])
        self.dead_end()

    # --------------------------------------------------------------- loops
    def invariants(self, spec: tir.LoopSpec, entry: bool) -> None:
        prefix = "loop invariant failed on entry: " if entry else "loop invariant not maintained: "
        kind = "invariant_entry" if entry else "invariant_preserved"
        for inv in spec.invariants:
            if not self.proven(kind, inv.span):
                self.check(inv, prefix + self.text(inv.span), inv.span)

    def measure(self, exprs: tuple[tir.Expr, ...]) -> list[ir.Value]:
        with self.specification():
            return [self.wide(self.expr(x), x.type) for x in exprs]

    def measure_text(self, exprs: tuple[tir.Expr, ...]) -> str:
        return ", ".join(self.text(x.span) for x in exprs)

    def measure_nonnegative(self, values: list[ir.Value], text: str, span: Span) -> None:
        zero = ir.Constant(values[0].type, 0)
        ok: ir.Value = ir.Constant(I1, 1)
        for v in values:
            ok = self.b.and_(ok, self.b.icmp_signed(">=", v, zero))
        self.fail_unless(
            ok,
            lambda: self.measure_panic(f"decreases measure is negative: {text} = ", [values], span),
        )

    def measure_smaller(
        self,
        old: list[ir.Value],
        new: list[ir.Value],
        text: str,
        where: str,
        span: Span,
        unless: ir.Value | None = None,
    ) -> None:
        """Panic unless ``new`` is lexicographically below ``old`` (or ``unless`` holds)."""
        smaller: ir.Value = ir.Constant(I1, 0) if unless is None else unless
        equal_so_far: ir.Value = ir.Constant(I1, 1)
        for a, c in zip(old, new, strict=True):
            smaller = self.b.or_(smaller, self.b.and_(equal_so_far, self.b.icmp_signed("<", c, a)))
            equal_so_far = self.b.and_(equal_so_far, self.b.icmp_signed("==", c, a))
        message = f"decreases measure did not decrease{where}: {text} went from "
        self.fail_unless(smaller, lambda: self.measure_panic(message, [old, new], span))

    def measure_panic(self, prefix: str, measures: list[list[ir.Value]], span: Span) -> None:
        buf = self.rt("aura_buf_new")
        self.raw(buf, prefix)
        for k, m in enumerate(measures):
            if k:
                self.raw(buf, " to ")
            if len(m) > 1:
                self.raw(buf, "(")
            for j, v in enumerate(m):
                if j:
                    self.raw(buf, ", ")
                self.rt("aura_buf_int", buf, self.b.trunc(v, I64), ir.Constant(I32, 64 | 256))
            if len(m) > 1:
                self.raw(buf, ")")
        self.panic("aura_panic_str", self.site(span), self.rt("aura_buf_finish", buf))

    def loop(
        self,
        spec: tir.LoopSpec,
        cond: Callable[[], ir.Value],
        body: tir.Block,
        step: Callable[[], None] | None = None,
        enter: Callable[[], None] | None = None,
    ) -> None:
        """The common shape: head (condition), body with clauses, latch (step)."""
        checks = not self.release
        head, entry_body, latch, done = (
            self.block("while"),
            self.block("body"),
            self.block("latch"),
            self.block("wend"),
        )
        measured = checks and bool(spec.decreases)
        first = self.alloca(I1) if measured else None
        if first is not None:
            self.b.store(ir.Constant(I1, 1), first)
        self.branch(head)
        self.b.position_at_end(head)
        self.b.cbranch(cond(), entry_body, done)
        self.b.position_at_end(entry_body)
        if enter is not None:
            enter()
        if first is not None:
            self.measure_iteration(spec, first)
        self.loops.append((latch, done))
        self.block_(body)
        self.loops.pop()
        self.branch(latch)
        self.b.position_at_end(latch)
        if step is not None:
            step()
        elif checks:
            self.invariants(spec, entry=False)
        self.branch(head)
        self.b.position_at_end(done)

    def measure_iteration(self, spec: tir.LoopSpec, first: ir.Value) -> None:
        """At the start of a body, after the condition (which may have effects) held:
        the measure must be below its value at the start of the previous iteration's
        body, and >= 0 (spec section 4).  ``first`` is set until the first one."""
        span = spec.decreases_span or spec.decreases[0].span
        text = self.measure_text(spec.decreases)
        now = self.measure(spec.decreases)
        prev = self.measure_slots(now)
        before = [self.b.load(p, typ=v.type) for p, v in zip(prev, now, strict=True)]
        self.measure_smaller(before, now, text, "", span, unless=self.b.load(first, typ=I1))
        self.measure_nonnegative(now, text, span)
        for p, v in zip(prev, now, strict=True):
            self.b.store(v, p)
        self.b.store(ir.Constant(I1, 0), first)

    def measure_slots(self, now: list[ir.Value]) -> list[ir.Value]:
        """Where the previous iteration's measure is kept (zero before the first)."""
        slots = []
        for v in now:
            slot = self.alloca(v.type)
            self._alloca_b.store(ir.Constant(v.type, 0), slot)
            slots.append(slot)
        return slots

    def s_While(self, s: tir.While) -> None:
        if not self.release:
            self.invariants(s.spec, entry=True)
        self.loop(s.spec, lambda: self.expr(s.cond), s.body)

    def s_ForRange(self, s: tir.ForRange) -> None:
        vt = self.llvm(s.var.type)
        lo = self.narrow(self.expr(s.lo), s.var.type)
        hi = self.narrow(self.expr(s.hi), s.var.type)
        base = self.base(s.var.type)
        assert isinstance(base, Prim)
        signed = FIXED_WIDTH[base.name][1]
        slot = self.slot(s.var)
        self.b.store(lo, slot)
        more = self.alloca(I1)  # false once an inclusive range has run its last value
        self.b.store(ir.Constant(I1, 1), more)
        op = "<=" if s.inclusive else "<"

        def cond() -> ir.Value:
            i = self.b.load(slot, typ=vt)
            inside = self.b.icmp_signed(op, i, hi) if signed else self.b.icmp_unsigned(op, i, hi)
            return self.b.and_(inside, self.b.load(more, typ=I1))

        def step() -> None:
            i = self.b.load(slot, typ=vt)
            if s.inclusive:
                last = self.b.icmp_unsigned("==", i, hi)
                self.b.store(self.b.not_(last), more)
                nxt = self.b.select(last, i, self.b.add(i, ir.Constant(vt, 1)))
            else:
                nxt = self.b.add(i, ir.Constant(vt, 1))
            self.b.store(nxt, slot)
            if not self.release:
                self.invariants(s.spec, entry=False)

        if not self.release and s.spec.invariants:
            self.invariants(s.spec, entry=True)
        self.loop(s.spec, cond, s.body, step)

    def s_ForEach(self, s: tir.ForEach) -> None:
        t = self.base(s.iterable.type)
        assert isinstance(t, VecType)
        # The loop holds a snapshot: changes to the variable then copy.  A vector
        # read from a place gets one more holder; a fresh one is the loop's own.
        v = self.owned(s.iterable)
        n = self.vec_len(v)
        counter = self.alloca(I64)
        self.b.store(ir.Constant(I64, 0), counter)

        def cond() -> ir.Value:
            return self.b.icmp_signed("<", self.b.load(counter, typ=I64), n)

        def bind() -> None:
            i = self.b.load(counter, typ=I64)
            x = self.b.load(self.elem_ptr(v, i, t.elem), typ=self.llvm(t.elem))
            self.share(x, t.elem)
            self.store_owned(s.var, x)

        def step() -> None:
            self.b.store(self.b.add(self.b.load(counter, typ=I64), ir.Constant(I64, 1)), counter)
            if not self.release:
                self.invariants(s.spec, entry=False)

        self.loop(s.spec, cond, s.body, step, enter=bind)
        release_value(self.mg, self.b, v, t)  # the snapshot

    # --------------------------------------------------------------- match
    def s_Match(self, s: tir.Match) -> None:
        t = self.base(s.scrutinee.type)
        mark = len(self.pending)
        value = self.use(s.scrutinee)
        temps = self.pending[mark:]
        del self.pending[mark:]
        done = self.block("endmatch")
        for arm in s.arms:
            nxt = self.block("arm_next")
            self.pattern(arm.pattern, value, t, nxt)
            if arm.guard is not None:
                g = self.expr(arm.guard)
                go = self.block("guarded")
                self.b.cbranch(g, go, nxt)
                self.b.position_at_end(go)
            self.block_(arm.body)
            self.branch(done)
            self.b.position_at_end(nxt)
        self.b.unreachable()  # the match is exhaustive
        self.b.position_at_end(done)
        self.pending.extend(temps)  # a temporary scrutinee is released after the match
        self.release_temps(mark)

    def pattern(self, p: tir.Pattern, value: ir.Value, t: Type, fail: ir.Block) -> None:
        """Test ``value`` against ``p`` and bind its names; branch to ``fail`` on a mismatch."""
        if isinstance(p, tir.WildcardPattern):
            return
        if isinstance(p, tir.BindPattern):
            self.share(value, t)
            self.store_owned(p.local, value)
            return
        if isinstance(p, tir.LiteralPattern):
            lit = self.expr(p.value)
            from aura_backend_llvm.gen_helpers import equal

            same = equal(self.mg, self.b, value, lit, self.ty(t))
            go = self.block("lit_ok")
            self.b.cbranch(same, go, fail)
            self.b.position_at_end(go)
            return
        assert isinstance(t, Adt)
        tag = self.tag(value)
        go = self.block("variant_ok")
        self.b.cbranch(self.b.icmp_signed("==", tag, ir.Constant(I32, p.index)), go, fail)
        self.b.position_at_end(go)
        field_types = self.layout.variant_types(t, p.index)
        for k, (sub, ft) in enumerate(zip(p.args, field_types, strict=True)):
            if isinstance(sub, tir.WildcardPattern):
                continue
            x = self.payload(value, t, p.index, k)
            self.pattern(sub, x, ft, fail)
