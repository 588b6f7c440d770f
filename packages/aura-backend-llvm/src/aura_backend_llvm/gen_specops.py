"""Integer operations of specifications, exact in 128 bits (spec section 8).

Arithmetic inside specifications is mathematical, and bit operations act on
two's-complement integers of unbounded width, as Python's do.  The backend
computes them in ``i128`` (exact for operands of 64 bits and for the sums,
products, shifts and powers built from them up to that width) and panics with
"specification arithmetic out of range" where a result would not fit 128
bits, rather than wrapping.  Only a negative shift amount fails on its own.

A value of a specification put into a typed place (an element, a field, an
argument) is narrowed back to the place's type by :meth:`SpecOpsGen.narrow`,
which panics as the interpreter does when it does not fit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from llvmlite import ir

from aura_backend_llvm.layout import I1, I32, I64, I128, int_code
from aura_core.source import Span
from aura_core.specarith import fixed_name
from aura_core.types import FIXED_WIDTH, Type

__all__ = ["OUT_OF_RANGE", "SpecOpsGen"]

OUT_OF_RANGE = "specification arithmetic out of range"
_MIN = -(1 << 127)


def _const(v: int) -> ir.Constant:
    return ir.Constant(I128, v)


class SpecOpsGen:
    """A mixin of the expression generator, after :class:`~.gen_ops.OpsGen`
    (which it does not import, to stay out of the generators' import cycle)."""

    if TYPE_CHECKING:  # provided by gen_base.FuncBase and gen_ops.OpsGen
        b: ir.IRBuilder

        def base(self, t: Type) -> Type: ...
        def llvm(self, t: Type) -> ir.Type: ...
        def alloca(self, ty: ir.Type, name: str = "") -> ir.Value: ...
        def block(self, name: str) -> ir.Block: ...
        def site(self, span: Span | int | None = None) -> ir.Constant: ...
        def fail_unless(
            self, ok: ir.Value, fail: Callable[[], None], entered: bool = True
        ) -> None: ...
        def panic(self, name: str, *args: ir.Value) -> None: ...
        def panic_text(self, span: Span, text: str) -> None: ...
        def wide(self, v: ir.Value, t: Type) -> ir.Value: ...

    def narrow(self, v: ir.Value, t: Type, span: Span | None = None) -> ir.Value:
        """A specification's exact integer back at its type's width.

        With ``span`` (a typed place), a value that does not fit the type panics
        at ``span``; without, the bits above the width are dropped (the value is
        known to fit).
        """
        target = self.llvm(t)
        if v.type != I128 or target == I128:
            return v
        name = fixed_name(t)
        if span is not None and name:
            bits, signed = FIXED_WIDTH[name]
            lo = -(1 << (bits - 1)) if signed else 0
            hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
            b = self.b
            ok = b.and_(b.icmp_signed(">=", v, _const(lo)), b.icmp_signed("<=", v, _const(hi)))
            site = self.site(span)
            self.fail_unless(
                ok,
                lambda: self.panic(
                    "aura_panic_wide", site, *self._halves(v), ir.Constant(I32, int_code(name))
                ),
            )
        return self.b.trunc(v, target)

    def _halves(self, v: ir.Value) -> tuple[ir.Value, ir.Value]:
        b = self.b
        return b.trunc(b.ashr(v, _const(64)), I64), b.trunc(v, I64)

    def _out_of_range(self, ok: ir.Value, span: Span) -> None:
        self.fail_unless(ok, lambda: self.panic_text(span, OUT_OF_RANGE))

    def spec_range(
        self, lo: ir.Value, hi: ir.Value, t: Type, inclusive: bool, span: Span
    ) -> tuple[ir.Value, ir.Value, bool]:
        """The ends of a quantifier's range over the type ``t``, at its width.

        A quantified variable takes the range's values; exact ends (``n + 1``)
        may lie outside ``t``, which is fine as long as every value of the
        range fits ``t`` (``0..n + 1`` for the largest ``n``).  A range with a
        value outside ``t`` panics: its variable cannot be represented.
        Returns the ends and whether the upper one is included.
        """
        if lo.type != I128 and hi.type != I128:
            return lo, hi, inclusive
        name = fixed_name(t)
        bits, signed = FIXED_WIDTH[name]
        b = self.b
        wlo, whi = self.wide(lo, t), self.wide(hi, t)
        last = whi if inclusive else b.sub(whi, _const(1))
        empty = b.icmp_signed(">", wlo, last)
        t_lo = -(1 << (bits - 1)) if signed else 0
        t_hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
        fits = b.and_(
            b.icmp_signed(">=", wlo, _const(t_lo)), b.icmp_signed("<=", last, _const(t_hi))
        )
        self._out_of_range(b.or_(empty, fits), span)
        target = self.llvm(t)
        first = b.select(empty, ir.Constant(target, 1), b.trunc(wlo, target))
        return first, b.select(empty, ir.Constant(target, 0), b.trunc(last, target)), True

    # ------------------------------------------------------------ arithmetic
    def spec_arith(self, op: str, x: ir.Value, y: ir.Value, t: Type, span: Span) -> ir.Value:
        """``+``, ``-``, ``*`` of a specification."""
        wx, wy = self.wide(x, t), self.wide(y, t)
        b = self.b
        if op == "*":
            return self.spec_mul(wx, wy, span)
        pair = (b.sadd_with_overflow if op == "+" else b.ssub_with_overflow)(wx, wy)
        self._out_of_range(b.not_(b.extract_value(pair, 1)), span)
        return b.extract_value(pair, 0)

    def spec_mul(self, wx: ir.Value, wy: ir.Value, span: Span) -> ir.Value:
        """``wx * wy`` in 128 bits, checked by division (LLVM's 128-bit overflow
        multiplication needs a helper that libgcc does not provide)."""
        b = self.b
        r = b.mul(wx, wy)
        zero = b.icmp_signed("==", wx, _const(0))
        safe = b.select(zero, _const(1), wx)
        back = b.icmp_signed("==", b.sdiv(r, safe), wy)
        both_min = b.and_(
            b.icmp_signed("==", wx, _const(-1)), b.icmp_signed("==", wy, _const(_MIN))
        )
        self._out_of_range(b.or_(zero, b.and_(back, b.not_(both_min))), span)
        return r

    def spec_neg(self, x: ir.Value, t: Type, span: Span) -> ir.Value:
        wx = self.wide(x, t)
        self._out_of_range(self.b.icmp_signed("!=", wx, _const(_MIN)), span)
        return self.b.sub(_const(0), wx)

    def spec_abs(self, x: ir.Value, t: Type, span: Span) -> ir.Value:
        wx = self.wide(x, t)
        neg = self.spec_neg(wx, t, span)
        return self.b.select(self.b.icmp_signed("<", wx, _const(0)), neg, wx)

    def spec_pow(self, x: ir.Value, power: ir.Value, t: Type, span: Span) -> ir.Value:
        """``x.pow(power)`` by squaring; only a result beyond 128 bits fails."""
        b = self.b
        result, base, left = self.alloca(I128), self.alloca(I128), self.alloca(I64)
        b.store(_const(1), result)
        b.store(self.wide(x, t), base)
        b.store(b.zext(power, I64) if power.type.width < 64 else power, left)
        head, body, done = self.block("pow_head"), self.block("pow_body"), self.block("pow_done")
        b.branch(head)
        b.position_at_end(head)
        e = b.load(left, typ=I64)
        b.cbranch(b.icmp_unsigned("==", e, ir.Constant(I64, 0)), done, body)
        b.position_at_end(body)
        odd = b.trunc(e, I1)
        bv = b.load(base, typ=I128)
        mul, after = self.block("pow_mul"), self.block("pow_square")
        b.cbranch(odd, mul, after)
        b.position_at_end(mul)
        b.store(self.spec_mul(b.load(result, typ=I128), bv, span), result)
        b.branch(after)
        b.position_at_end(after)
        rest = b.lshr(e, ir.Constant(I64, 1))
        b.store(rest, left)
        square, again = self.block("pow_sq"), self.block("pow_again")
        b.cbranch(b.icmp_unsigned("==", rest, ir.Constant(I64, 0)), again, square)
        b.position_at_end(square)
        b.store(self.spec_mul(bv, bv, span), base)
        b.branch(again)
        b.position_at_end(again)
        b.branch(head)
        b.position_at_end(done)
        return b.load(result, typ=I128)

    def spec_minmax(self, m: str, x: ir.Value, y: ir.Value, t: Type) -> ir.Value:
        wx, wy = self.wide(x, t), self.wide(y, t)
        less = self.b.icmp_signed("<" if m == "min" else ">", wx, wy)
        return self.b.select(less, wx, wy)

    # ------------------------------------------------------------------ bits
    def spec_not(self, x: ir.Value, t: Type) -> ir.Value:
        """``~x`` is ``-x - 1``, also on unsigned types."""
        return self.b.not_(self.wide(x, t))

    def spec_bitwise(self, op: str, x: ir.Value, y: ir.Value, t: Type) -> ir.Value:
        wx, wy = self.wide(x, t), self.wide(y, t)
        return {"&": self.b.and_, "|": self.b.or_, "^": self.b.xor}[op](wx, wy)

    def spec_shift(
        self, op: str, x: ir.Value, n: ir.Value, t: Type, nt: Type, span: Span
    ) -> ir.Value:
        """``x << n`` is ``x * 2^n``; ``x >> n`` rounds toward minus infinity."""
        b = self.b
        wx, wn = self.wide(x, t), self.wide(n, nt)
        site = self.site(span)
        self.fail_unless(
            b.icmp_signed(">=", wn, _const(0)),
            lambda: self.panic("aura_panic_wide_shift", site, *self._halves(wn)),
        )
        small = b.icmp_signed("<", wn, _const(127))
        amount = b.select(small, wn, _const(127))
        if op == ">>":
            return b.ashr(wx, amount)  # by 127 or more only the sign is left
        r = b.shl(wx, amount)
        fits = b.and_(small, b.icmp_signed("==", b.ashr(r, amount), wx))
        self._out_of_range(b.or_(b.icmp_signed("==", wx, _const(0)), fits), span)
        return b.select(b.icmp_signed("==", wx, _const(0)), _const(0), r)
