"""The built-in methods and static functions of spec section 6 as Z3 terms.

Exact where the theories allow it: integer methods, ``Vec`` (sequences),
``Map`` lookups and updates, ``Option``/``Result``, string length, equality,
containment, prefixes and suffixes.  Everything else (text conversions, case
mapping, splitting, the order of ``Map.keys``, sorting) is an uninterpreted
function of its inputs, which is sound because these methods are
deterministic, and is recorded as an approximation so that a counterexample
that depends on it is reported as ``unknown``.  Methods that can panic carry
their obligation: ``Vec`` positions (V0009), ``unwrap``/``expect`` (V0011),
integer overflow (V0007).  ``String.slice`` panics off character boundaries,
which is not modelled: its obligation is ``unknown``.
"""

from __future__ import annotations

import z3

from aura_core import prelude, tir
from aura_core.methods import builtin_method
from aura_core.types import FIXED_WIDTH, MapType, Prim, Type, VecType, strip_refinement
from aura_verify import intops
from aura_verify.base import Ctx
from aura_verify.errors import Unsupported
from aura_verify.exprs import Exprs
from aura_verify.sorts import type_name
from aura_verify.state import State

__all__ = ["Builtins"]


class Builtins(Exprs):
    def method(self, e: tir.MethodCall, st: State, ctx: Ctx) -> z3.ExprRef:
        rt = strip_refinement(self.ty(e.receiver.type, ctx))
        sig = builtin_method(rt, e.method)
        if sig is not None and sig.mutates:
            if ctx.spec:
                raise Unsupported(f"the mutating method `{e.method}` in a specification")
            place = self.place(e.receiver, st, ctx)
            recv = self.read_place(place, st)
            args = [self.expr(a, st, ctx) for a in e.args]
            result, new = self.mutate(e, rt, recv, args, st, ctx)
            self.write_place(place, new, st)
            return result
        recv = self.expr(e.receiver, st, ctx)
        args = [self.expr(a, st, ctx) for a in e.args]
        if type_name(rt):
            return self.int_method(e, type_name(rt), recv, args, st, ctx)
        if rt == Prim("f64"):
            return self.float_method(e, recv, args, st)
        if rt == Prim("String"):
            return self.string_method(e, recv, args, st, ctx)
        if isinstance(rt, VecType):
            return self.vec_method(e, rt, recv, args, st, ctx)
        if isinstance(rt, MapType):
            return self.map_method(e, rt, recv, args, st, ctx)
        if prelude.is_option(rt) or prelude.is_result(rt):
            return self.enum_method(e, rt, recv, args, st, ctx)
        raise Unsupported(f"the method `{e.method}` of `{rt}`")

    def _opaque(
        self, e: tir.MethodCall | tir.StaticCall, args: list[z3.ExprRef], st: State, ctx: Ctx
    ) -> z3.ExprRef:
        """A deterministic method the encoding does not model: a function of its inputs."""
        owner = e.owner if isinstance(e, tir.StaticCall) else str(strip_refinement(e.receiver.type))
        name = e.name if isinstance(e, tir.StaticCall) else e.method
        if name in _ONTO:
            st.loose.add(f"`{owner}.{name}`")
            r = self.apply(f"{owner}.{name}", args, self.sort(e.type, ctx))
        else:
            r = self.approximate(
                f"{owner}.{name}", args, self.sort(e.type, ctx), f"`{owner}.{name}`"
            )
        self.define(self.wf(r, self.ty(e.type, ctx), st))
        return r

    def _option(self, t: Type, ctx: Ctx) -> tuple[z3.FuncDeclRef, z3.ExprRef]:
        """(``Some`` constructor, ``None`` value) of the Option type ``t``."""
        info = self.sorts.adt(self._adt(t, ctx))
        return info.ctor(prelude.SOME), info.ctor(prelude.NONE)()

    # ---------------------------------------------------------------- integers

    def int_method(
        self,
        e: tir.MethodCall,
        name: str,
        x: z3.ExprRef,
        args: list[z3.ExprRef],
        st: State,
        ctx: Ctx,
    ) -> z3.ExprRef:
        m = e.method
        fixed = name in FIXED_WIDTH
        check = not ctx.spec and fixed
        if m == "abs":
            r = z3.If(x < 0, -x, x)
            if check:
                self.oblige(
                    st, "V0007", e.span, intops.in_range(r, name), f"`abs` might overflow {name}"
                )
            return r
        if m in ("min", "max"):
            y = args[0]
            return z3.If(x <= y, x, y) if m == "min" else z3.If(x >= y, x, y)
        if m == "pow":
            c = intops.const_int(args[0])
            if c is not None and 0 <= c <= 128:
                r = z3.IntVal(1)
                for _ in range(c):
                    r = r * x
                if check:
                    self.oblige(
                        st,
                        "V0007",
                        e.span,
                        intops.in_range(r, name),
                        f"`pow` might overflow {name}",
                    )
                return r
            if check:
                self.unknown(
                    st, "V0007", e.span, "`pow` with a non-constant exponent is not modelled"
                )
            what = "`pow` with a non-constant exponent"
            return self.approximate(f"{name}.pow", [x, args[0]], z3.IntSort(), what)
        if m == "to_string":
            r = self.approximate("int.to_string", [x], z3.StringSort(), "`to_string`")
            self.define(self.str_len(r) >= 1)
            return r
        if m.startswith("wrapping_"):
            return intops.wrap(_arith(m[9:], x, args[0]), name)
        if m.startswith("checked_"):
            r = _arith(m[8:], x, args[0])
            some, none = self._option(e.type, ctx)
            return z3.If(intops.in_range(r, name), some(r), none)
        if m in ("rotate_left", "rotate_right"):
            return intops.rotate(x, args[0], name, m == "rotate_left")
        raise Unsupported(f"the method `{m}` of `{name}`")

    def float_method(
        self, e: tir.MethodCall, x: z3.ExprRef, args: list[z3.ExprRef], st: State
    ) -> z3.ExprRef:
        m = e.method
        if m == "abs":
            return z3.fpAbs(x)
        if m == "sqrt":
            return z3.fpSqrt(z3.RNE(), x)
        if m in ("floor", "ceil", "round"):
            mode = {"floor": z3.RTN(), "ceil": z3.RTP(), "round": z3.RNA()}[m]
            return z3.fpRoundToIntegral(mode, x)
        if m == "is_nan":
            return z3.fpIsNaN(x)
        return self.approximate(f"f64.{m}", [x, *args], self.sort(e.type), f"`f64.{m}`")

    # ----------------------------------------------------------------- strings

    def string_method(
        self, e: tir.MethodCall, s: z3.ExprRef, args: list[z3.ExprRef], st: State, ctx: Ctx
    ) -> z3.ExprRef:
        m = e.method
        if m == "len":
            return self.str_len(s)
        if m == "is_empty":
            return s == z3.StringVal("")
        if m == "contains":
            return z3.Contains(s, args[0])
        if m == "starts_with":
            return z3.PrefixOf(args[0], s)
        if m == "ends_with":
            return z3.SuffixOf(args[0], s)
        if m == "slice" and ctx.check:
            self.unknown(
                st,
                "V0009",
                e.span,
                "`String.slice` panics off character boundaries, which is not modelled",
            )
        if m == "repeat" and ctx.check:
            self.oblige(
                st,
                "V0009",
                e.span,
                args[0] >= 0,
                "the count might be negative",
                soft="`String.repeat` with a negative count",
            )
        r = self._opaque(e, [s, *args], st, ctx)
        if m == "bytes":
            self.define(z3.Length(r) == self.str_len(s))
            self.define(self.wf(r, VecType(Prim("u8")), st))
        elif m == "chars":
            self.define(z3.Length(r) == z3.Length(s))
        return r

    # ------------------------------------------------------------------- Vec

    def vec_method(
        self,
        e: tir.MethodCall,
        t: VecType,
        s: z3.ExprRef,
        args: list[z3.ExprRef],
        st: State,
        ctx: Ctx,
    ) -> z3.ExprRef:
        m = e.method
        n = z3.Length(s)
        if m == "len":
            st.assume(n <= _I64_MAX)
            return n
        if m == "is_empty":
            return n == 0
        if m == "get":
            i = args[0]
            some, none = self._option(e.type, ctx)
            return z3.If(z3.And(i >= 0, i < n), some(s[i]), none)
        if m == "contains":
            if self.exact_eq(t.elem, set()):
                return z3.Contains(s, z3.Unit(args[0]))
            return self._opaque(e, [s, *args], st, ctx)
        if m == "slice":
            a, b = args
            if ctx.check:
                ok = z3.And(a >= 0, a <= b, b <= n)
                self.oblige(st, "V0009", e.span, ok, "slice bounds might be out of range")
            r = z3.Extract(s, a, b - a)
            j = z3.Int(self.fresh.name("j"))
            self.define(
                z3.Implies(
                    z3.And(a >= 0, a <= b, b <= n),
                    z3.And(
                        z3.Length(r) == b - a,
                        z3.ForAll([j], z3.Implies(z3.And(j >= 0, j < b - a), r[j] == s[a + j])),
                    ),
                )
            )
            return r
        if m == "concat":
            o = args[0]
            r = z3.Concat(s, o)
            j = z3.Int(self.fresh.name("j"))
            self.define(z3.Length(r) == n + z3.Length(o))
            self.define(
                z3.ForAll(
                    [j],
                    z3.Implies(
                        z3.And(j >= 0, j < z3.Length(r)), r[j] == z3.If(j < n, s[j], o[j - n])
                    ),
                )
            )
            return r
        raise Unsupported(f"the method `Vec.{m}`")

    def mutate(
        self,
        e: tir.MethodCall,
        rt: Type,
        s: z3.ExprRef,
        args: list[z3.ExprRef],
        st: State,
        ctx: Ctx,
    ) -> tuple[z3.ExprRef, z3.ExprRef]:
        """(result, new receiver value) of a mutating method."""
        m = e.method
        unit = self.sorts.unit
        if isinstance(rt, MapType):
            return self.map_mutate(e, rt, s, args, ctx)
        if not isinstance(rt, VecType):
            raise Unsupported(f"the method `{m}` of `{rt}`")
        n = z3.Length(s)
        if m == "push":
            r = z3.Concat(s, z3.Unit(args[0]))
            self._frame(r, s, n, n + 1)
            self.define(r[n] == args[0])
            return unit, r
        if m == "pop":
            some, none = self._option(e.type, ctx)
            short = z3.Extract(s, 0, n - 1)
            self._frame(short, s, n - 1, n - 1)
            return z3.If(n > 0, some(s[n - 1]), none), z3.If(n > 0, short, s)
        if m == "insert":
            i, x = args
            if ctx.check:
                self.oblige(
                    st,
                    "V0009",
                    e.span,
                    z3.And(i >= 0, i <= n),
                    "insert position might be out of range",
                )
            r = z3.Concat(z3.Extract(s, 0, i), z3.Unit(x), z3.Extract(s, i, n - i))
            j = z3.Int(self.fresh.name("j"))
            shifted = z3.If(j < i, s[j], z3.If(j == i, x, s[j - 1]))
            self.define(
                z3.Implies(
                    z3.And(i >= 0, i <= n),
                    z3.And(
                        z3.Length(r) == n + 1,
                        z3.ForAll([j], z3.Implies(z3.And(j >= 0, j <= n), r[j] == shifted)),
                    ),
                )
            )
            return unit, r
        if m == "remove":
            i = args[0]
            if ctx.check:
                self.oblige(
                    st, "V0009", e.span, z3.And(i >= 0, i < n), "index might be out of range"
                )
            r = z3.Concat(z3.Extract(s, 0, i), z3.Extract(s, i + 1, n - i - 1))
            j = z3.Int(self.fresh.name("j"))
            self.define(
                z3.Implies(
                    z3.And(i >= 0, i < n),
                    z3.And(
                        z3.Length(r) == n - 1,
                        z3.ForAll(
                            [j],
                            z3.Implies(
                                z3.And(j >= 0, j < n - 1), r[j] == z3.If(j < i, s[j], s[j + 1])
                            ),
                        ),
                    ),
                )
            )
            st.assume(self.wf(s[i], rt.elem, st))
            return s[i], r
        if m == "reverse":
            r = self.apply("Vec.reverse", [s], s.sort())
            j = z3.Int(self.fresh.name("j"))
            self.define(z3.Length(r) == n)
            self.define(z3.ForAll([j], z3.Implies(z3.And(j >= 0, j < n), r[j] == s[n - 1 - j])))
            return unit, r
        if m == "sort":
            r = self.approximate("Vec.sort", [s], s.sort(), "`Vec.sort`")
            self.define(z3.Length(r) == n)
            if type_name(rt.elem):
                j, k = z3.Ints(f"{self.fresh.name('j')} {self.fresh.name('k')}")
                self.define(
                    z3.ForAll([j, k], z3.Implies(z3.And(j >= 0, j <= k, k < n), r[j] <= r[k]))
                )
            return unit, r
        raise Unsupported(f"the method `Vec.{m}`")

    def _frame(
        self, r: z3.ExprRef, s: z3.ExprRef, common: z3.ArithRef, length: z3.ArithRef
    ) -> None:
        """Facts for a sequence ``r`` that agrees with ``s`` below ``common``."""
        j = z3.Int(self.fresh.name("j"))
        self.define(z3.Implies(length >= 0, z3.Length(r) == length))
        self.define(z3.ForAll([j], z3.Implies(z3.And(j >= 0, j < common), r[j] == s[j])))

    # ------------------------------------------------------------------- Map

    def map_method(
        self,
        e: tir.MethodCall,
        t: MapType,
        mv: z3.ExprRef,
        args: list[z3.ExprRef],
        st: State,
        ctx: Ctx,
    ) -> z3.ExprRef:
        p = self.sorts.map_parts(t)
        m = e.method
        if m == "get":
            some, none = self._option(e.type, ctx)
            k = args[0]
            return z3.If(p.has(mv)[k], some(p.val(mv)[k]), none)
        if m == "contains_key":
            return p.has(mv)[args[0]]
        if m in ("len", "is_empty"):
            self.approx_symbols["size"] = (
                "the size of a `Map` (tracked through `insert` and `remove` only)"
            )
            return p.size(mv) if m == "len" else p.size(mv) == 0
        if m in ("keys", "values"):
            r = self._opaque(e, [mv], st, ctx)
            self.define(z3.Length(r) == p.size(mv))
            if m == "keys":
                j = z3.Int(self.fresh.name("j"))
                self.define(
                    z3.ForAll([j], z3.Implies(z3.And(j >= 0, j < z3.Length(r)), p.has(mv)[r[j]]))
                )
            return r
        raise Unsupported(f"the method `Map.{m}`")

    def map_mutate(
        self, e: tir.MethodCall, t: MapType, mv: z3.ExprRef, args: list[z3.ExprRef], ctx: Ctx
    ) -> tuple[z3.ExprRef, z3.ExprRef]:
        p = self.sorts.map_parts(t)
        has, val, size, order = p.has(mv), p.val(mv), p.size(mv), p.order(mv)
        k = args[0]
        if e.method == "insert":
            added = self.apply("Map.order.insert", [order, k], z3.IntSort())
            new = p.make(
                z3.Store(has, k, True),
                z3.Store(val, k, args[1]),
                z3.If(has[k], size, size + 1),
                z3.If(has[k], order, added),
            )
            return self.sorts.unit, new
        if e.method == "remove":
            some, none = self._option(e.type, ctx)
            dropped = self.apply("Map.order.remove", [order, k], z3.IntSort())
            new = p.make(
                z3.Store(has, k, False),
                val,
                z3.If(has[k], size - 1, size),
                z3.If(has[k], dropped, order),
            )
            return z3.If(has[k], some(val[k]), none), new
        raise Unsupported(f"the method `Map.{e.method}`")

    # -------------------------------------------------------- Option, Result

    def enum_method(
        self, e: tir.MethodCall, t: Type, x: z3.ExprRef, args: list[z3.ExprRef], st: State, ctx: Ctx
    ) -> z3.ExprRef:
        info = self.sorts.adt(self._adt(t, ctx))
        m = e.method
        good = prelude.SOME  # == prelude.OK
        if m in ("is_some", "is_ok"):
            return info.is_variant(good, x)
        if m in ("is_none", "is_err"):
            return info.is_variant(1 - good, x)
        if m in ("unwrap", "expect"):
            if ctx.check:
                what = "`None`" if prelude.is_option(t) else "`Err`"
                self.oblige(
                    st,
                    "V0011",
                    e.span,
                    info.is_variant(good, x),
                    f"`{m}` might be called on {what}",
                )
            v = info.field(good, 0, x)
            st.assume(self.wf(v, e.type, st, ctx))
            return v
        if m == "unwrap_err":
            if ctx.check:
                self.oblige(
                    st,
                    "V0011",
                    e.span,
                    info.is_variant(prelude.ERR, x),
                    "`unwrap_err` might be called on `Ok`",
                )
            return info.field(prelude.ERR, 0, x)
        if m == "unwrap_or":
            return z3.If(info.is_variant(good, x), info.field(good, 0, x), args[0])
        raise Unsupported(f"the method `{m}` of `{t}`")

    # ----------------------------------------------------------------- statics

    def static(self, e: tir.StaticCall, st: State, ctx: Ctx) -> z3.ExprRef:
        args = [self.expr(a, st, ctx) for a in e.args]
        t = strip_refinement(self.ty(e.type, ctx))
        if e.owner == "Vec" and e.name == "new":
            return z3.Empty(self.sort(t))
        if e.owner == "Vec" and e.name == "filled":
            n, x = args
            assert isinstance(t, VecType)
            for a, v, place in zip(e.args, args, (e.args[0].type, t.elem), strict=True):
                self.store_check(place, v, st, ctx, a.span)
            if ctx.check:
                self.oblige(st, "V0009", e.span, n >= 0, "the length might be negative")
            r = self.apply("Vec.filled", [n, x], self.sort(t))
            j = z3.Int(self.fresh.name("j"))
            self.define(
                z3.Implies(
                    n >= 0,
                    z3.And(
                        z3.Length(r) == n,
                        z3.ForAll([j], z3.Implies(z3.And(j >= 0, j < n), r[j] == x)),
                    ),
                )
            )
            return r
        if e.owner == "Map" and e.name == "new" and isinstance(t, MapType):
            p = self.sorts.map_parts(t)
            ks, vs = self.sort(t.key), self.sort(t.value)
            return p.make(
                z3.K(ks, z3.BoolVal(False)), z3.K(ks, self.default(vs)), z3.IntVal(0), z3.IntVal(0)
            )
        return self._opaque(e, args, st, ctx)


_I64_MAX = (1 << 63) - 1

#: Methods whose every result value comes from some input: an uninterpreted
#: function loses no run, only the link between the input shown and the result.
_ONTO = frozenset({"parse_int", "parse_float", "from_bytes"})


def _arith(op: str, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    return a * b
