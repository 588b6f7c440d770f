"""Built-in methods of spec section 6 (those the backend compiles so far).

A method the backend does not compile yet is reported (E1001), never guessed.
"""

from __future__ import annotations

from collections.abc import Callable

from llvmlite import ir

from aura_backend_llvm.gen_calls import CallGen
from aura_backend_llvm.gen_helpers import equal, key_bits, key_from_bits, unique_map_fn
from aura_backend_llvm.gen_textform import text_into
from aura_backend_llvm.layout import F64, I1, I32, I64, MAP_STRUCT, PTR, int_code, opaque
from aura_core import tir
from aura_core.prelude import ERR, NONE, SOME, option_type
from aura_core.types import FIXED_WIDTH, Adt, MapType, Prim, Type, VecType

__all__ = ["MethodGen"]


class MethodGen(CallGen):
    def x_MethodCall(self, e: tir.MethodCall) -> ir.Value:
        mark = len(self.pending)
        result = self.method(e)
        self.release_temps(mark)
        return result

    def method(self, e: tir.MethodCall) -> ir.Value:
        t = self.base(e.receiver.type)
        if isinstance(t, VecType):
            return self.vec_method(e, t)
        if isinstance(t, MapType):
            return self.map_method(e, t)
        if isinstance(t, Adt) and t.decl.name in ("Option", "Result"):
            return self.enum_method(e, t)
        if t == Prim("String"):
            return self.string_method(e)
        if t == Prim("f64"):
            return self.float_method(e)
        if isinstance(t, Prim) and t.name in FIXED_WIDTH:
            return self.int_method(e, t)
        raise self.unsupported(f"the method `{e.method}` of `{t}`", e.span)

    def arg(self, e: tir.MethodCall, k: int) -> ir.Value:
        """An argument the method reads without storing it."""
        return self.narrow(self.use(e.args[k]), e.args[k].type, e.args[k].span)

    # ---------------------------------------------------------------- vectors
    def vec_method(self, e: tir.MethodCall, t: VecType) -> ir.Value:
        m, b = e.method, self.b
        ety = self.layout.llvm(t.elem)
        if m in ("len", "is_empty"):
            n = self.vec_len(self.use(e.receiver))
            return n if m == "len" else b.icmp_signed("==", n, ir.Constant(I64, 0))
        if m == "push":
            slot = self.place(e.receiver)
            x = self.owned(e.args[0])
            v = self.unique_vec(slot, t.elem)
            n = self.vec_len(v)
            n1 = b.add(n, ir.Constant(I64, 1))
            cap = self.load(self.vec_field(v, 2), I64, "header")
            grow, room = self.block("grow"), self.block("room")
            b.cbranch(b.icmp_signed(">", n1, cap), grow, room).set_weights([1, 64])
            b.position_at_end(grow)
            self.rt("aura_vec_reserve", v, n1, ir.Constant(I64, self.size(t.elem)))
            b.branch(room)
            b.position_at_end(room)
            self.store(x, self.elem_ptr(v, n, t.elem), "element")
            self.store(n1, self.vec_field(v, 1), "header")
            return self.unit()
        if m == "pop":
            slot = self.place(e.receiver)
            v = self.unique_vec(slot, t.elem)
            n = self.vec_len(v)

            def popped() -> ir.Value:
                last = b.sub(n, ir.Constant(I64, 1))
                x = b.load(self.elem_ptr(v, last, t.elem), typ=ety)
                b.store(last, self.vec_field(v, 1))
                return x

            return self.optional(b.icmp_signed("!=", n, ir.Constant(I64, 0)), popped, t.elem)
        if m == "get":
            v = self.use(e.receiver)
            i = self.to_i64(self.arg(e, 0), self.signed(e.args[0].type))
            inside = b.icmp_unsigned("<", i, self.vec_len(v))

            def element() -> ir.Value:
                x = b.load(self.elem_ptr(v, i, t.elem), typ=ety)
                self.share(x, t.elem)
                return x

            return self.optional(inside, element, t.elem)
        if m == "contains":
            v = self.use(e.receiver)
            x = self.arg(e, 0)
            found = self.alloca(I1)
            b.store(ir.Constant(I1, 0), found)

            def each(i: ir.Value) -> None:
                y = b.load(self.elem_ptr(v, i, t.elem), typ=ety)
                hit = equal(self.mg, b, y, x, t.elem)
                b.store(b.or_(b.load(found, typ=I1), hit), found)

            self.count_loop(self.vec_len(v), each)
            return b.load(found, typ=I1)
        if m == "sort":
            slot = self.place(e.receiver)
            v = self.unique_vec(slot, t.elem)
            elem = t.elem
            if elem == Prim("String"):
                kind = 2
            elif elem == Prim("f64"):
                kind = 1
            elif elem == Prim("bool"):
                kind = 8
            else:
                assert isinstance(elem, Prim)
                kind = int_code(elem.name)
            self.rt("aura_vec_sort", v, ir.Constant(I32, kind), ir.Constant(I64, self.size(elem)))
            return self.unit()
        if m == "reverse":
            slot = self.place(e.receiver)
            v = self.unique_vec(slot, t.elem)
            n = self.vec_len(v)
            half = b.sdiv(n, ir.Constant(I64, 2))

            def swap(i: ir.Value) -> None:
                j = b.sub(b.sub(n, ir.Constant(I64, 1)), i)
                pi, pj = self.elem_ptr(v, i, t.elem), self.elem_ptr(v, j, t.elem)
                xi, xj = b.load(pi, typ=ety), b.load(pj, typ=ety)
                b.store(xj, pi)
                b.store(xi, pj)

            self.count_loop(half, swap)
            return self.unit()
        size = ir.Constant(I64, self.size(t.elem))
        if m == "insert":
            slot = self.place(e.receiver)
            i = self.to_i64(self.arg(e, 0), self.signed(e.args[0].type))
            x = self.owned(e.args[1])
            v = self.unique_vec(slot, t.elem)
            at = self.rt("aura_vec_insert_at", self.site(e.span), v, i, size)
            b.store(x, at)
            return self.unit()
        if m == "remove":
            slot = self.place(e.receiver)
            i = self.to_i64(self.arg(e, 0), self.signed(e.args[0].type))
            v = self.unique_vec(slot, t.elem)
            out = self.alloca(ety)
            self.rt("aura_vec_remove_at", self.site(e.span), v, i, size, out)
            return b.load(out, typ=ety)
        if m in ("slice", "concat"):
            v = self.use(e.receiver)
            if m == "slice":
                lo = self.to_i64(self.arg(e, 0), self.signed(e.args[0].type))
                hi = self.to_i64(self.arg(e, 1), self.signed(e.args[1].type))
                part = self.rt("aura_vec_slice", self.site(e.span), v, lo, hi, size)
            else:
                part = self.rt("aura_vec_concat", v, self.use(e.args[0]), size)
            if self.layout.has_shared(t.elem):
                n = self.vec_len(part)
                self.count_loop(
                    n, lambda i: self.share(b.load(self.elem_ptr(part, i, t.elem), typ=ety), t.elem)
                )
            return part
        raise self.unsupported(f"the method `{m}` of `Vec`", e.span)

    # ------------------------------------------------------------------- maps
    def map_method(self, e: tir.MethodCall, t: MapType) -> ir.Value:
        m, b = e.method, self.b
        vty = self.layout.llvm(t.value)
        if m in ("len", "is_empty"):
            mp = self.use(e.receiver)
            n = b.load(
                b.gep(mp, [ir.Constant(I32, 0), ir.Constant(I32, 1)], source_etype=MAP_STRUCT),
                typ=I64,
            )
            return n if m == "len" else b.icmp_signed("==", n, ir.Constant(I64, 0))
        if m in ("get", "contains_key"):
            mp = self.use(e.receiver)
            k = self.arg(e, 0)
            found = self.rt("aura_map_find", mp, key_bits(b, k, t.key))
            hit = b.icmp_signed(">=", found, ir.Constant(I64, 0))
            if m == "contains_key":
                return hit

            def value() -> ir.Value:
                values = b.load(
                    b.gep(mp, [ir.Constant(I32, 0), ir.Constant(I32, 6)], source_etype=MAP_STRUCT),
                    typ=PTR,
                )
                x = b.load(b.gep(values, [found], source_etype=vty), typ=vty)
                self.share(x, t.value)
                return x

            return self.optional(hit, value, t.value)
        if m == "insert":
            slot = self.place(e.receiver)
            k = self.arg(e, 0)
            x = self.owned(e.args[1])
            mp = b.call(unique_map_fn(self.mg, t), [slot])
            idx = self.rt("aura_map_insert", mp, key_bits(b, k, t.key))
            values = b.load(
                b.gep(mp, [ir.Constant(I32, 0), ir.Constant(I32, 6)], source_etype=MAP_STRUCT),
                typ=PTR,
            )
            b.store(x, b.gep(values, [idx], source_etype=vty))
            return self.unit()
        if m in ("keys", "values"):
            mp = self.use(e.receiver)
            elem = t.key if m == "keys" else t.value
            ety = self.layout.llvm(elem)
            n = b.load(
                b.gep(mp, [ir.Constant(I32, 0), ir.Constant(I32, 1)], source_etype=MAP_STRUCT),
                typ=I64,
            )
            src = b.load(
                b.gep(
                    mp,
                    [ir.Constant(I32, 0), ir.Constant(I32, 5 if m == "keys" else 6)],
                    source_etype=MAP_STRUCT,
                ),
                typ=PTR,
            )
            v = self.rt("aura_vec_new", n, ir.Constant(I64, self.size(elem)))
            b.store(n, self.vec_field(v, 1))

            def each(i: ir.Value) -> None:
                if m == "keys":
                    word = b.load(b.gep(src, [i], source_etype=I64), typ=I64)
                    x = key_from_bits(b, word, t.key, ety)
                else:
                    x = b.load(b.gep(src, [i], source_etype=ety), typ=ety)
                self.share(x, elem)
                b.store(x, self.elem_ptr(v, i, elem))

            self.count_loop(n, each)
            return v
        if m == "remove":
            slot = self.place(e.receiver)
            k = self.arg(e, 0)
            mp = b.call(unique_map_fn(self.mg, t), [slot])
            out = self.alloca(vty)
            ok = self.rt("aura_map_remove", mp, key_bits(b, k, t.key), out)
            return self.optional(ok, lambda: b.load(out, typ=vty), t.value)
        raise self.unsupported(f"the method `{m}` of `Map`", e.span)

    # --------------------------------------------------------- Option, Result
    def enum_method(self, e: tir.MethodCall, t: Adt) -> ir.Value:
        m, b = e.method, self.b
        box = self.use(e.receiver)
        tag = self.tag(box)
        if m in ("is_some", "is_ok"):
            return b.icmp_signed("==", tag, ir.Constant(I32, 0))
        if m in ("is_none", "is_err"):
            return b.icmp_signed("==", tag, ir.Constant(I32, 1))
        inner = t.args[0]
        if m == "unwrap_or":
            d = self.owned(e.args[0])
            start = b.block
            some, join = self.block("unwrap"), self.block("unwrapped")
            b.cbranch(b.icmp_signed("==", tag, ir.Constant(I32, 0)), some, join)
            b.position_at_end(some)
            x = self.payload(box, t, 0, 0)
            self.share(x, inner)
            end = b.block
            b.branch(join)
            b.position_at_end(join)
            phi = b.phi(x.type)
            phi.add_incoming(d, start)
            phi.add_incoming(x, end)
            return phi
        if m in ("unwrap", "expect", "unwrap_err"):
            want = 1 if m == "unwrap_err" else 0
            message = e.args[0] if m == "expect" else None

            def fail() -> None:
                if message is not None:
                    self.panic("aura_panic_str", self.site(e.span), self.expr(message))
                    return
                if t.decl.name == "Option":
                    self.panic_text(e.span, "called `unwrap()` on `None`")
                    return
                buf = self.rt("aura_buf_new")
                other = 1 - want
                word = "Err" if other == ERR else "Ok"
                self.raw(buf, f"called `{m}()` on `{word}(")
                text_into(self.mg, b, buf, self.payload(box, t, other, 0), t.args[other], top=False)
                self.raw(buf, ")`")
                self.panic("aura_panic_str", self.site(e.span), self.rt("aura_buf_finish", buf))

            literal = message is None or isinstance(message, tir.StrConst)
            if not (literal and self.proven("unwrap", e.span)):
                self.fail_unless(b.icmp_signed("==", tag, ir.Constant(I32, want)), fail)
            value = self.payload(box, t, want, 0)
            self.share(value, t.args[want])  # the box keeps its own holder
            return value
        raise self.unsupported(f"the method `{m}` of `{t.decl.name}`", e.span)

    # ---------------------------------------------------------------- strings
    def string_method(self, e: tir.MethodCall) -> ir.Value:
        m, b = e.method, self.b
        s = self.use(e.receiver)
        if m in ("len", "is_empty"):
            n = b.load(
                b.gep(
                    s,
                    [ir.Constant(I32, 0), ir.Constant(I32, 1)],
                    source_etype=ir.LiteralStructType([I64, I64]),
                ),
                typ=I64,
            )
            return n if m == "len" else b.icmp_signed("==", n, ir.Constant(I64, 0))
        if m == "to_string":
            self.share(s, Prim("String"))
            return s
        simple = {
            "contains": "aura_str_contains",
            "starts_with": "aura_str_starts_with",
            "ends_with": "aura_str_ends_with",
        }
        if m in simple:
            return b.trunc(self.rt(simple[m], s, self.arg(e, 0)), I1)
        if m == "split":
            return self.rt("aura_str_split", s, self.arg(e, 0))
        if m == "parse_int":
            out = self.alloca(I64)
            ok = self.rt("aura_str_parse_int", s, out)
            return self.optional(ok, lambda: b.load(out, typ=I64), Prim("i64"))
        if m == "parse_float":
            out = self.alloca(F64)
            ok = self.rt("aura_str_parse_float", s, out)
            return self.optional(ok, lambda: b.load(out, typ=F64), Prim("f64"))
        if m == "find":
            at = self.rt("aura_str_find", s, self.arg(e, 0))
            return self.optional(
                b.icmp_signed(">=", at, ir.Constant(I64, 0)), lambda: at, Prim("i64")
            )
        if m == "slice":
            lo = self.to_i64(self.arg(e, 0), self.signed(e.args[0].type))
            hi = self.to_i64(self.arg(e, 1), self.signed(e.args[1].type))
            return self.rt("aura_str_slice", self.site(e.span), s, lo, hi)
        if m == "repeat":
            n = self.to_i64(self.arg(e, 0), self.signed(e.args[0].type))
            return self.rt("aura_str_repeat", self.site(e.span), s, n)
        if m in ("to_upper", "to_lower"):
            return self.rt("aura_str_case", s, ir.Constant(ir.IntType(8), int(m == "to_upper")))
        if m in ("bytes", "chars", "trim"):
            return self.rt(f"aura_str_{m}", s)
        raise self.unsupported(f"the method `{m}` of `String`", e.span)

    def optional(self, ok: ir.Value, value: Callable[[], ir.Value], elem: Type) -> ir.Value:
        b = self.b
        opt = option_type(elem)
        assert isinstance(opt, Adt)
        if ok.type != I1:
            ok = b.trunc(ok, I1)
        start = b.block
        some, join = self.block("some"), self.block("opt")
        b.cbranch(ok, some, join)
        b.position_at_end(some)
        box = self.make_variant(opt, SOME, [value()])
        end = b.block
        b.branch(join)
        b.position_at_end(join)
        phi = b.phi(PTR)
        phi.add_incoming(opaque(self.mg.fieldless_variant(opt, NONE)), start)
        phi.add_incoming(box, end)
        return phi

    # ----------------------------------------------------------------- floats
    def float_method(self, e: tir.MethodCall) -> ir.Value:
        m, b = e.method, self.b
        x = self.use(e.receiver)
        if m == "to_string":
            return self.text_of(x, Prim("f64"))
        if m == "is_nan":
            return b.fcmp_unordered("uno", x, x)
        if m == "abs":
            return b.select(
                b.fcmp_ordered("<", x, ir.Constant(F64, 0.0)),
                b.fneg(x),
                b.select(b.fcmp_ordered("==", x, ir.Constant(F64, 0.0)), ir.Constant(F64, 0.0), x),
            )
        if m in ("sqrt", "floor", "ceil", "round"):
            return self.rt(m, x)
        if m in ("min", "max"):
            y = self.arg(e, 0)
            # A NaN operand is ignored (the other is returned); -0.0 is below
            # 0.0, whichever operand it is (docs/reference/runtime.md).
            first, second = (x, y) if m == "min" else (y, x)
            x_negative = b.icmp_signed("<", b.bitcast(x, I64), ir.Constant(I64, 0))
            tie = b.select(x_negative, first, second)
            chosen = b.select(
                b.fcmp_ordered("<" if m == "min" else ">", x, y),
                x,
                b.select(b.fcmp_ordered("==", x, y), tie, y),
            )
            chosen = b.select(b.fcmp_unordered("uno", y, y), x, chosen)
            return b.select(b.fcmp_unordered("uno", x, x), y, chosen)
        raise self.unsupported(f"the method `{m}` of `f64`", e.span)

    # --------------------------------------------------------------- integers
    def spec_int_method(self, e: tir.MethodCall, t: Prim) -> ir.Value:
        """``abs``, ``pow``, ``min``, ``max`` of a specification: exact (spec section 8)."""
        x = self.use(e.receiver)
        if e.method == "abs":
            return self.spec_abs(x, t, e.span)
        if e.method == "pow":
            return self.spec_pow(x, self.arg(e, 0), t, e.span)
        return self.spec_minmax(e.method, x, self.use(e.args[0]), t)

    def int_method(self, e: tir.MethodCall, t: Prim) -> ir.Value:
        m, b = e.method, self.b
        bits, signed = FIXED_WIDTH[t.name]
        if self.spec and m in ("abs", "pow", "min", "max"):
            return self.spec_int_method(e, t)
        x = self.narrow(self.use(e.receiver), t, e.receiver.span)
        if m == "to_string":
            return self.rt(
                "aura_int_to_str", self.to_i64(x, signed), ir.Constant(I32, int_code(t.name))
            )
        if m in ("min", "max"):
            y = self.arg(e, 0)
            op = "<" if m == "min" else ">"
            less = b.icmp_signed(op, x, y) if signed else b.icmp_unsigned(op, x, y)
            return b.select(less, x, y)
        if m == "abs":
            if not signed:
                return x
            neg = b.icmp_signed("<", x, ir.Constant(x.type, 0))
            start = b.block
            flip, join = self.block("abs_neg"), self.block("abs")
            b.cbranch(neg, flip, join)
            b.position_at_end(flip)
            n = self.int_neg(x, t, e.span)
            end = b.block
            b.branch(join)
            b.position_at_end(join)
            phi = b.phi(x.type)
            phi.add_incoming(x, start)
            phi.add_incoming(n, end)
            return phi
        if m in ("wrapping_add", "wrapping_sub", "wrapping_mul"):
            y = self.arg(e, 0)
            return {"wrapping_add": b.add, "wrapping_sub": b.sub, "wrapping_mul": b.mul}[m](x, y)
        if m in ("checked_add", "checked_sub", "checked_mul"):
            y = self.arg(e, 0)
            op = {"checked_add": "add", "checked_sub": "sub", "checked_mul": "mul"}[m]
            fn = getattr(b, ("s" if signed else "u") + op + "_with_overflow")
            pair = fn(x, y)
            return self.optional(
                b.not_(b.extract_value(pair, 1)), lambda: b.extract_value(pair, 0), t
            )
        if m in ("rotate_left", "rotate_right"):
            n = b.urem(self.arg(e, 0), ir.Constant(I32, bits))
            n = b.trunc(n, x.type) if bits < 32 else (b.zext(n, x.type) if bits > 32 else n)
            back = b.urem(b.sub(ir.Constant(x.type, bits), n), ir.Constant(x.type, bits))
            if m == "rotate_left":
                return b.or_(b.shl(x, n), b.lshr(x, back))
            return b.or_(b.lshr(x, n), b.shl(x, back))
        if m == "pow":
            power = self.arg(e, 0)
            wide = self.rt(
                "aura_int_pow",
                self.site(e.span),
                self.to_i64(x, signed),
                b.zext(power, I64),
                ir.Constant(I32, int_code(t.name)),
            )
            return b.trunc(wide, x.type) if bits < 64 else wide
        raise self.unsupported(f"the method `{m}` of `{t}`", e.span)
