"""Operators and casts as Z3 terms (spec sections 5, 7.1 and 7.2).

Integer operators follow :mod:`aura_verify.intops`; in code, fixed-width
results must stay in range (V0007), and everywhere divisors must be non-zero
and shift amounts in range (V0008).  ``f64`` operators are IEEE operations
rounding to nearest-even.  ``==`` is Z3's equality where that is Aura's (every
type without ``f64``, maps or opaque values inside), IEEE equality on ``f64``,
and otherwise a partly modelled function.

``and``, ``or`` and ``==>`` evaluate their right operand on a fork of the state
that knows the left one; :meth:`Operators.join` merges the forks again when
they changed variables or, in code, learned facts.
"""

from __future__ import annotations

import z3

from aura_core import tir
from aura_core.source import Span
from aura_core.types import FIXED_WIDTH, Adt, Prim, Type, VecType, strip_refinement
from aura_verify import bounds, intops
from aura_verify.base import Base, Ctx
from aura_verify.errors import Unsupported
from aura_verify.sorts import is_fixed, type_name
from aura_verify.state import State, merge

__all__ = ["Operators"]

_BITS = frozenset({"<<", ">>", "&", "|", "^"})


class Operators(Base):
    def join(self, st: State, forks: list[State], ctx: Ctx) -> None:
        """Make ``st`` the join of its ``forks`` if they changed variables or, in code,
        learned facts (in a specification the facts they learned can be dropped)."""
        base = len(st.facts)
        quiet = all(
            (ctx.spec or len(f.facts) <= base + 1)
            and all(f.env.get(k) is v for k, v in st.env.items())
            and len(f.env) == len(st.env)
            for f in forks
        )
        for f in forks:
            st.approx |= f.approx
            st.abstract = st.abstract or f.abstract
        if quiet:
            return
        merged = merge(st, forks, self.fresh)
        if merged is not None:
            st.adopt(merged)

    # --------------------------------------------------------------- operators

    def unary(self, e: tir.Unary, st: State, ctx: Ctx) -> z3.ExprRef:
        x = self.expr(e.operand, st, ctx)
        t = strip_refinement(self.ty(e.type, ctx))
        if e.op == "not":
            return z3.Not(x)
        if t == Prim("f64"):
            if e.op == "-":
                return z3.fpNeg(x)
            raise Unsupported("`~` on f64")
        name = type_name(t)
        if e.op == "-":
            r = -x
            if not ctx.spec and name in FIXED_WIDTH:
                self.oblige(
                    st,
                    "V0007",
                    e.span,
                    intops.in_range(r, name),
                    f"arithmetic might overflow {name}",
                )
            return r
        if ctx.math:  # unbounded two's complement (spec section 8)
            return -x - 1
        return intops.bitnot(x, name)

    def binary(self, e: tir.Binary, st: State, ctx: Ctx) -> z3.ExprRef:
        op = e.op
        if op in ("and", "or", "==>"):
            left = self.expr(e.left, st, ctx)
            guard = z3.Not(left) if op == "or" else left
            s1, s2 = st.fork(guard), st.fork(z3.Not(guard))
            right = self.expr(e.right, s1, ctx)
            self.join(st, [s1, s2], ctx)
            if op == "and":
                return z3.And(left, right)
            if op == "or":
                return z3.Or(left, right)
            return z3.Implies(left, right)
        a = self.expr(e.left, st, ctx)
        b = self.expr(e.right, st, ctx)
        if ctx.math and op in _BITS and type_name(self.ty(e.left.type, ctx)):
            return self.spec_bits(e, a, b, st, ctx)
        return self.operate(op, a, b, self.ty(e.left.type, ctx), e.span, st, ctx)

    def spec_bits(
        self, e: tir.Binary, a: z3.ExprRef, b: z3.ExprRef, st: State, ctx: Ctx
    ) -> z3.ExprRef:
        """A bit operation of a specification: on unbounded two's complement
        integers, whatever the operands' types (spec section 8, as Python's)."""
        op = e.op
        wa = bounds.width(e.left, self.binder_widths)
        wb = bounds.width(e.right, self.binder_widths)
        if op in ("<<", ">>"):
            if ctx.check:
                self.oblige(st, "V0008", e.span, b >= 0, "shift amount might be negative")
            shifted = intops.exact_shift(op, a, b, wa, wb)
            what = f"`{op}` in a specification by an amount of {intops.SHIFT_CHAIN} or more"
            if shifted is None:
                return self.approximate(f"Int{op}", [a, b], z3.IntSort(), what)
            term, complete = shifted
            if complete:
                return term
            far = self.approximate(f"Int{op}", [a, b], z3.IntSort(), what)
            return z3.If(b < intops.SHIFT_CHAIN, term, far)
        ca, cb = intops.const_int(a), intops.const_int(b)
        if cb is not None:
            return intops.const_bitwise(op, a, cb)
        if ca is not None:
            return intops.const_bitwise(op, b, ca)
        w = bounds.join(wa, wb)
        if w is None:
            what = f"`{op}` on values of unbounded width"
            return self.approximate(f"Int{op}", [a, b], z3.IntSort(), what)
        return intops.exact_bitwise(op, a, b, w)

    def operate(
        self, op: str, a: z3.ExprRef, b: z3.ExprRef, t: Type, span: Span, st: State, ctx: Ctx
    ) -> z3.ExprRef:
        """``a op b`` for operands of type ``t`` (the left one's, for shifts)."""
        lt = strip_refinement(t)
        if op in ("==", "!="):
            eq = self.equal(a, b, lt, st)
            return eq if op == "==" else z3.Not(eq)
        if op in ("<", "<=", ">", ">=") and lt == Prim("String"):
            return self.string_order(op, a, b)
        if op in ("<", "<=", ">", ">="):
            return _compare(op, a, b, lt)
        if lt == Prim("f64"):
            return self.float_binary(op, a, b, st)
        if lt == Prim("String") and op == "+":
            r = z3.Concat(a, b)
            self.define(self.str_len(r) == self.str_len(a) + self.str_len(b))
            return r
        if lt == Prim("bool"):
            return {"&": z3.And, "|": z3.Or, "^": z3.Xor}[op](a, b)
        name = type_name(lt)
        if not name:
            raise Unsupported(f"the operator `{op}` on `{lt}`")
        return self.int_binary(span, op, a, b, name, st, ctx)

    def int_binary(
        self, span: Span, op: str, a: z3.ExprRef, b: z3.ExprRef, name: str, st: State, ctx: Ctx
    ) -> z3.ExprRef:
        if op in ("/", "%"):
            if ctx.check:
                what = "division" if op == "/" else "remainder"
                self.oblige(st, "V0008", span, b != 0, f"{what} by zero might happen")
            r = intops.tdiv(a, b) if op == "/" else intops.trem(a, b)
        elif op in ("<<", ">>"):
            if ctx.check:
                ok = b >= 0 if name == "Int" else z3.And(b >= 0, b < intops.bits_of(name))
                self.oblige(st, "V0008", span, ok, "shift amount might be out of range")
            shifted = intops.shift(op, a, b, name)
            if shifted is None:
                what = f"`{op}` on Int by a non-constant amount"
                shifted = self.approximate(f"Int{op}", [a, b], z3.IntSort(), what)
            return shifted
        elif op in ("&", "|", "^"):
            if name == "Int":
                return self.approximate(f"Int{op}", [a, b], z3.IntSort(), f"`{op}` on Int")
            return intops.bitwise(op, a, b, name)
        elif op == "+":
            r = a + b
        elif op == "-":
            r = a - b
        elif op == "*":
            r = a * b
        else:
            raise Unsupported(f"the operator `{op}`")
        if not ctx.spec and name in FIXED_WIDTH and op != "%":
            msg = f"arithmetic might overflow {name}"
            self.oblige(st, "V0007", span, intops.in_range(r, name), msg)
        return r

    def float_binary(self, op: str, a: z3.ExprRef, b: z3.ExprRef, st: State) -> z3.ExprRef:
        rm = z3.RNE()
        if op == "+":
            return z3.fpAdd(rm, a, b)
        if op == "-":
            return z3.fpSub(rm, a, b)
        if op == "*":
            return z3.fpMul(rm, a, b)
        if op == "/":
            return z3.fpDiv(rm, a, b)
        if op == "%":
            return self.approximate("f64.fmod", [a, b], z3.Float64(), "`%` on f64")
        raise Unsupported(f"the operator `{op}` on f64")

    def equal(self, a: z3.ExprRef, b: z3.ExprRef, t: Type, st: State) -> z3.BoolRef:
        """Aura's ``==``: exact where Z3's equality is Aura's; IEEE on f64."""
        t = strip_refinement(t)
        if t == Prim("f64"):
            return z3.fpEQ(a, b)
        if self.exact_eq(t, set()):
            return a == b
        return self.approximate(f"eq[{t}]", [a, b], z3.BoolSort(), f"`==` on `{t}`")

    def exact_eq(self, t: Type, seen: set[Adt]) -> bool:
        t = strip_refinement(t)
        if isinstance(t, Prim):
            return t.name != "f64"
        if isinstance(t, VecType):
            return self.exact_eq(t.elem, seen)
        if isinstance(t, Adt):
            if t in seen:
                return True
            seen.add(t)
            _, variants, _ = self.sorts.definition(t)
            return all(self.exact_eq(ft, seen) for _, fs in variants for ft in fs)
        return False

    # -------------------------------------------------------------------- casts

    def cast(self, e: tir.Cast, st: State, ctx: Ctx) -> z3.ExprRef:
        x = self.expr(e.expr, st, ctx)
        src = strip_refinement(self.ty(e.expr.type, ctx))
        dst = strip_refinement(self.ty(e.type, ctx))
        f64 = Prim("f64")
        if src == f64 and dst == f64:
            return x
        if dst == f64:
            return z3.fpToFP(z3.RNE(), z3.ToReal(x), z3.Float64())
        name = type_name(dst)
        if src == f64:
            r = z3.ToInt(z3.fpToReal(z3.fpRoundToIntegral(z3.RTZ(), x)))
            if ctx.check:
                ok = z3.And(z3.Not(z3.fpIsNaN(x)), z3.Not(z3.fpIsInf(x)), intops.in_range(r, name))
                self.oblige(st, "V0007", e.span, ok, f"the value might not fit {name}")
            return r
        # A cast that would panic at run time is a failure in a specification
        # too (spec section 8): its value is then read as the target type's.
        if ctx.check and is_fixed(dst):
            self.oblige(
                st, "V0007", e.span, intops.in_range(x, name), f"the value might not fit {name}"
            )
        return x

    def literal_text(self, v: z3.ExprRef) -> str | None:
        raise NotImplementedError

    def string_order(self, op: str, a: z3.ExprRef, b: z3.ExprRef) -> z3.BoolRef:
        """``a op b`` on strings: by code point, as at run time.

        Z3's characters stop at U+2FFFF, so its own ``str.<`` is wrong for text
        with characters beyond (it would prove ``s <= "\\u{2FFFF}"`` of every
        one-character ``s``).  Two literals are compared here exactly; any
        other comparison is a relation of its operands, partly modelled, with
        the facts every total order has.
        """
        x, y = self.literal_text(a), self.literal_text(b)
        if x is not None and y is not None:
            return z3.BoolVal({"<": x < y, "<=": x <= y, ">": x > y, ">=": y <= x}[op])
        if op in (">", ">="):
            a, b = b, a
        what = "the order of strings (the solver's characters stop at U+2FFFF)"
        less = self.approximate("str.order", [a, b], z3.BoolSort(), what)
        more = self.approximate("str.order", [b, a], z3.BoolSort(), what)
        self.define(z3.Implies(less, z3.And(a != b, z3.Not(more))))
        self.define(z3.Implies(a != b, z3.Or(less, more)))
        self.define(z3.Implies(a == z3.StringVal(""), z3.Or(less, b == a)))
        return less if op in ("<", ">") else z3.Or(less, a == b)


def _compare(op: str, a: z3.ExprRef, b: z3.ExprRef, t: Type) -> z3.BoolRef:
    if t == Prim("f64"):
        fn = {"<": z3.fpLT, "<=": z3.fpLEQ, ">": z3.fpGT, ">=": z3.fpGEQ}[op]
        return fn(a, b)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b
