"""Operators and casts with the checks of spec section 7.2.

Fixed-width ``+ - *`` use LLVM's overflow intrinsics; the failing branch calls
the runtime with the operands, which prints the exact result (computed in 128
bits).  ``/`` and ``%`` check for zero and for ``MIN / -1``; ``MIN % -1`` is 0.
Shifts check their amount against the left operand's width.  Inside
specifications integer operations are exact (:mod:`.gen_specops`).
"""

from __future__ import annotations

from llvmlite import ir

from aura_backend_llvm.gen_base import FuncBase
from aura_backend_llvm.layout import F64, I1, I32, I64, I128, int_code
from aura_core.source import Span
from aura_core.types import FIXED_WIDTH, Prim, Type

__all__ = ["I128", "OpsGen"]

_OP_CODES = {"+": 0, "-": 1, "*": 2}


def _int_info(t: Type) -> tuple[int, bool, str]:
    assert isinstance(t, Prim) and t.name in FIXED_WIDTH, t
    bits, signed = FIXED_WIDTH[t.name]
    return bits, signed, t.name


class OpsGen(FuncBase):
    def to_i64(self, v: ir.Value, signed: bool) -> ir.Value:
        width = v.type.width
        if width == 64:
            return v
        if width > 64:
            return self.b.trunc(v, I64)
        return self.b.sext(v, I64) if signed else self.b.zext(v, I64)

    def wide(self, v: ir.Value, t: Type) -> ir.Value:
        """An integer value as an exact ``i128`` (specifications)."""
        if v.type == I128:
            return v
        _, signed, _ = _int_info(self.base(t))
        return self.b.sext(v, I128) if signed else self.b.zext(v, I128)

    # ---------------------------------------------------------- integers
    def int_arith(self, op: str, x: ir.Value, y: ir.Value, t: Type, span: Span) -> ir.Value:
        bits, signed, name = _int_info(t)
        code = ir.Constant(I32, int_code(name))
        b = self.b
        if op in _OP_CODES and self.proven("overflow", span):
            plain = {"+": b.add, "-": b.sub, "*": b.mul}[op]
            if self.sticky is not None:  # may see a failed call's zero (purity)
                return plain(x, y)
            return plain(x, y, flags=["nsw" if signed else "nuw"])
        if op in _OP_CODES:
            fn = {
                ("+", True): b.sadd_with_overflow,
                ("-", True): b.ssub_with_overflow,
                ("*", True): b.smul_with_overflow,
                ("+", False): b.uadd_with_overflow,
                ("-", False): b.usub_with_overflow,
                ("*", False): b.umul_with_overflow,
            }[op, signed]
            pair = fn(x, y)
            bad = b.extract_value(pair, 1)
            site = self.site(span)
            self.fail_unless(
                b.not_(bad),
                lambda: self.panic(
                    "aura_panic_overflow",
                    site,
                    ir.Constant(I32, _OP_CODES[op]),
                    self.to_i64(x, signed),
                    self.to_i64(y, signed),
                    code,
                ),
            )
            return b.extract_value(pair, 0)
        if op in ("/", "%"):
            site = self.site(span)
            zero = ir.Constant(x.type, 0)
            message = "division by zero" if op == "/" else "remainder by zero"
            no_zero = self.proven("division", span) and (
                not signed or op == "%" or self.proven("overflow", span)
            )
            if not no_zero:
                self.fail_unless(
                    b.icmp_unsigned("!=", y, zero), lambda: self.panic_text(span, message)
                )
            if not signed:
                return b.udiv(x, y) if op == "/" else b.urem(x, y)
            minus_one = ir.Constant(x.type, -1)
            smallest = ir.Constant(x.type, -(1 << (bits - 1)))
            is_m1 = b.icmp_signed("==", y, minus_one)
            if op == "/" and self.proven("overflow", span):
                return b.sdiv(x, y)
            if op == "/":
                bad = b.and_(is_m1, b.icmp_signed("==", x, smallest))
                self.fail_unless(
                    b.not_(bad),
                    lambda: self.panic(
                        "aura_panic_overflow",
                        site,
                        ir.Constant(I32, 3),
                        self.to_i64(x, True),
                        self.to_i64(y, True),
                        code,
                    ),
                )
                return b.sdiv(x, y)
            safe_y = b.select(is_m1, ir.Constant(x.type, 1), y)
            return b.select(is_m1, zero, b.srem(x, safe_y))
        if op == "&":
            return b.and_(x, y)
        if op == "|":
            return b.or_(x, y)
        if op == "^":
            return b.xor(x, y)
        raise AssertionError(op)

    def shift(self, op: str, x: ir.Value, n: ir.Value, t: Type, nt: Type, span: Span) -> ir.Value:
        bits, signed, name = _int_info(t)
        nbits, nsigned, nname = _int_info(nt)
        b = self.b
        ok = b.icmp_unsigned("<", self.to_i64(n, nsigned), ir.Constant(I64, bits))
        if self.proven("shift", span):
            ok = ir.Constant(I1, 1)
        site = self.site(span)
        self.fail_unless(
            ok,
            lambda: self.panic(
                "aura_panic_shift",
                site,
                self.to_i64(n, nsigned),
                ir.Constant(I32, int_code(nname)),
                ir.Constant(I32, int_code(name)),
            ),
        )
        amount = n
        if nbits > bits:
            amount = b.trunc(n, x.type)
        elif nbits < bits:
            amount = b.zext(n, x.type)
        if op == "<<":
            return b.shl(x, amount)
        return b.ashr(x, amount) if signed else b.lshr(x, amount)

    def int_neg(self, x: ir.Value, t: Type, span: Span) -> ir.Value:
        bits, signed, name = _int_info(t)
        zero = ir.Constant(x.type, 0)
        b = self.b
        if self.proven("overflow", span):
            return b.sub(zero, x)
        if signed:
            ok = b.icmp_signed("!=", x, ir.Constant(x.type, -(1 << (bits - 1))))
        else:
            ok = b.icmp_unsigned("==", x, zero)
        site = self.site(span)
        self.fail_unless(
            ok,
            lambda: self.panic(
                "aura_panic_overflow",
                site,
                ir.Constant(I32, 3),
                self.to_i64(x, signed),
                ir.Constant(I64, 0),
                ir.Constant(I32, int_code(name)),
            ),
        )
        return b.sub(zero, x)

    def compare(self, op: str, x: ir.Value, y: ir.Value, t: Type) -> ir.Value:
        t = self.base(t)
        b = self.b
        if t == Prim("f64"):
            if op == "!=":
                return b.fcmp_unordered("!=", x, y)
            return b.fcmp_ordered(op, x, y)
        if t == Prim("String"):
            c = self.rt("aura_str_cmp", x, y)
            return b.icmp_signed(op, c, ir.Constant(I32, 0))
        if t == Prim("bool"):
            return b.icmp_unsigned(op, x, y)
        if isinstance(t, Prim) and t.name in FIXED_WIDTH:
            if x.type == I128 or y.type == I128:
                return b.icmp_signed(op, self.wide(x, t), self.wide(y, t))
            if FIXED_WIDTH[t.name][1]:
                return b.icmp_signed(op, x, y)
            return b.icmp_unsigned(op, x, y)
        raise self.unsupported(f"`{op}` on `{t}`")

    # ------------------------------------------------------------- casts
    def cast(self, v: ir.Value, src: Type, dst: Type, span: Span) -> ir.Value:
        src, dst = self.base(src), self.base(dst)
        b = self.b
        if src == dst:
            return v
        assert isinstance(src, Prim) and isinstance(dst, Prim)
        if src.name == "f64" and dst.name in FIXED_WIDTH:
            bits, signed, name = _int_info(dst)
            t = self.rt("trunc", v)
            lo = -(2.0 ** (bits - 1)) if signed else 0.0
            hi = 2.0 ** (bits - 1) if signed else 2.0**bits
            ok = b.and_(
                b.fcmp_ordered(">=", t, ir.Constant(F64, lo)),
                b.fcmp_ordered("<", t, ir.Constant(F64, hi)),
            )
            site = self.site(span)
            if self.proven("overflow", span):
                ok = ir.Constant(I1, 1)
            self.fail_unless(
                ok, lambda: self.panic("aura_panic_f2i", site, v, ir.Constant(I32, int_code(name)))
            )
            return b.fptosi(t, ir.IntType(bits)) if signed else b.fptoui(t, ir.IntType(bits))
        if src.name in FIXED_WIDTH and dst.name == "f64":
            signed = FIXED_WIDTH[src.name][1] or v.type == I128
            return b.sitofp(v, F64) if signed else b.uitofp(v, F64)
        if src.name in FIXED_WIDTH and dst.name in FIXED_WIDTH:
            sbits, ssigned, sname = _int_info(src)
            dbits, dsigned, dname = _int_info(dst)
            wide = self.wide(v, src)
            lo = -(1 << (dbits - 1)) if dsigned else 0
            hi = (1 << (dbits - 1)) - 1 if dsigned else (1 << dbits) - 1
            ok = b.and_(
                b.icmp_signed(">=", wide, ir.Constant(wide.type, lo)),
                b.icmp_signed("<=", wide, ir.Constant(wide.type, hi)),
            )
            site = self.site(span)
            if self.proven("overflow", span):
                ok = ir.Constant(I1, 1)
            self.fail_unless(
                ok,
                lambda: self.panic(
                    "aura_panic_cast",
                    site,
                    self.to_i64(v, ssigned),
                    ir.Constant(I32, int_code(sname)),
                    ir.Constant(I32, int_code(dname)),
                ),
            )
            target = ir.IntType(dbits)
            if dbits < sbits:
                return b.trunc(v, target)
            if dbits > sbits:
                return b.sext(v, target) if ssigned else b.zext(v, target)
            return v
        raise self.unsupported(f"the cast from `{src}` to `{dst}`")
