"""Code for the built-in methods and static functions of spec section 6.

The table is :mod:`aura_core.methods`; each entry becomes either inline Python
(``len(v.items)``, ``s.startswith(t)``) or a call of a runtime helper.  A
method that changes its receiver gets the receiver as a private container
(:meth:`~aura_interpret.codegen_place.PlaceGen.owned`); an argument it stores
(``push(x)``, ``insert(k, v)``) is copied into the container as a value.
"""

from __future__ import annotations

from aura_core import tir
from aura_core.prelude import OPTION, RESULT
from aura_core.types import (
    FIXED_WIDTH,
    Adt,
    MapType,
    Prim,
    VecType,
    strip_refinement,
)
from aura_interpret.codegen_spec import SpecGen
from aura_interpret.sourcemap import Site
from aura_interpret.tirwalk import is_mutating, may_write

__all__ = ["MethodGen"]

_F64 = Prim("f64")
_STRING = Prim("String")
_SIMPLE_STRING = {
    "to_upper": "{r}.upper()",
    "to_lower": "{r}.lower()",
    "trim": "_strim({r})",
    "is_empty": "({r} == '')",
    "len": "_slen({r})",
    "parse_int": "_sparseint({r})",
    "parse_float": "_sparsefloat({r})",
    "bytes": "_sbytes({r})",
    "chars": "_schars({r})",
    "to_string": "{r}",
    "contains": "{r}.__contains__({a})",
    "starts_with": "{r}.startswith({a})",
    "ends_with": "{r}.endswith({a})",
    "find": "_sfind({r}, {a})",
    "split": "_ssplit({r}, {a})",
}
_SIMPLE_F64 = {
    "abs": "abs({r})",
    "sqrt": "_fsqrt({r})",
    "floor": "_ffloor({r})",
    "ceil": "_fceil({r})",
    "round": "_fround({r})",
    "min": "_fmin({r}, {a})",
    "max": "_fmax({r}, {a})",
    "to_string": "_frepr({r})",
}


class MethodGen(SpecGen):
    """``e.m(...)`` for built-in methods, and ``Vec::new()`` and friends."""

    def method_call(self, e: tir.MethodCall) -> str:
        rt = strip_refinement(e.receiver.type)
        if is_mutating(e) and any(may_write(a) for a in e.args):
            return self._receiver_first(e)
        recv = self.owned(e.receiver) if is_mutating(e) else self.expr(e.receiver)
        return self.method_code(e, rt, recv)

    def _receiver_first(self, e: tir.MethodCall) -> str:
        """A mutating method whose arguments may change variables.

        The receiver's place is taken first (its indexes evaluated, its path made
        private), then the arguments, left to right (spec 7.1).  The checker
        rejects arguments that change the receiver's place (E0140), so what they
        change cannot move it; they may change a variable its indexes read.
        """
        r = self.tmp("r")
        temps = [self.tmp("a") for _ in e.args]
        evals = [f"({t} := {self.value(a)})" for t, a in zip(temps, e.args, strict=True)]
        names = [
            tir.LocalRef(a.type, tir.Local(-1, t, a.type, False, a.span), span=a.span)
            for t, a in zip(temps, e.args, strict=True)
        ]
        for n, t in zip(names, temps, strict=True):
            self.rename[id(n.local)] = t
        call = tir.MethodCall(e.type, e.receiver, e.method, tuple(names), span=e.span)
        rt = strip_refinement(e.receiver.type)
        code = self.method_code(call, rt, r)
        for n in names:
            self.rename.pop(id(n.local), None)
        return f"(({r} := {self.owned(e.receiver)}), {', '.join(evals)}, {code})[-1]"

    def method_code(self, e: tir.MethodCall, rt: object, r: str) -> str:
        m = e.method
        args = e.args
        if isinstance(rt, Prim):
            if rt == _STRING:
                return self._string(e, r)
            if rt == _F64:
                if m == "is_nan":
                    return f"_isnan({r})" if self.no_walrus else self._isnan(r)
                if m == "sqrt" and not self.no_walrus:
                    x = self.tmp("x")
                    return f"(_msqrt({x}) if ({x} := {r}) >= 0.0 else _NAN)"
                return _SIMPLE_F64[m].format(r=r, a=self.expr(args[0]) if args else "")
            return self._integer(e, rt.name, r)
        if isinstance(rt, VecType):
            return self._vec(e, rt, r)
        if isinstance(rt, MapType):
            return self._map(e, rt, r)
        assert isinstance(rt, Adt), rt
        if rt.decl == OPTION:
            return self._option(e, rt, r)
        assert rt.decl == RESULT, rt
        return self._result(e, rt, r)

    def _isnan(self, r: str) -> str:
        x = self.tmp("x")
        return f"(({x} := {r}) != {x})"

    # --------------------------------------------------------------- integers
    def _integer(self, e: tir.MethodCall, name: str, r: str) -> str:
        m = e.method
        a = self.expr(e.args[0]) if e.args else ""
        mark = self.mark(e.span)
        exact = "Int" if self.spec else name
        if m == "abs":
            if name in FIXED_WIDTH and not FIXED_WIDTH[name][1]:
                return r
            return f"abs({r})" if exact == "Int" else f"{mark}_iabs({r}, '{name}')"
        if m in ("min", "max"):
            if self.no_walrus:
                return f"{m}({r}, {a})"
            x, y = self.tmp("x"), self.tmp("y")
            cmp = "<=" if m == "min" else ">="
            return f"({x} if ({x} := {r}) {cmp} ({y} := {a}) else {y})"
        if m == "pow":
            return f"{mark}_ipow({r}, {a}, '{exact}')"
        if m == "to_string":
            return f"str({r})"
        op = {"add": "+", "sub": "-", "mul": "*"}
        if m.startswith("wrapping_"):
            return f"_wrapping('{op[m[9:]]}', {r}, {a}, '{name}')"
        if m.startswith("checked_"):
            return f"_checked('{op[m[8:]]}', {r}, {a}, '{name}')"
        if m == "rotate_left":
            return f"_rotl({r}, {a}, '{name}')"
        assert m == "rotate_right", m
        return f"_rotr({r}, {a}, '{name}')"

    # ---------------------------------------------------------------- strings
    def _string(self, e: tir.MethodCall, r: str) -> str:
        m = e.method
        if m == "slice":
            a, b = (self.expr(x) for x in e.args)
            return f"{self.mark(e.span)}_sslice({r}, {a}, {b})"
        if m == "repeat":
            return f"{self.mark(e.span)}_srepeat({r}, {self.expr(e.args[0])})"
        a = self.expr(e.args[0]) if e.args else ""
        return _SIMPLE_STRING[m].format(r=r, a=a)

    # ---------------------------------------------------------------- vectors
    def _vec(self, e: tir.MethodCall, t: VecType, r: str) -> str:
        m = e.method
        mark = self.mark(e.span)
        if m == "len":
            return f"len({r}.items)"
        if m == "is_empty":
            return f"(not {r}.items)"
        if m == "push":
            return f"{r}.items.append({self.value(e.args[0])})"
        if m == "pop":
            return f"_vpop({r})"
        if m == "get":
            return f"_vget({r}, {self.expr(e.args[0])}, {self.dup_arg(t.elem)})"
        if m == "insert":
            i, x = self.expr(e.args[0]), self.value(e.args[1])
            return f"{mark}_vinsert({r}, {i}, {x})"
        if m == "remove":
            return f"{mark}_vremove({r}, {self.expr(e.args[0])})"
        if m == "contains":
            x = self.expr(e.args[0])
            if strip_refinement(t.elem) == _F64:
                return f"_vcontainsf({r}, {x})"
            if self.types.has_float(t.elem) or self.types.is_deep(t.elem):
                return f"_vcontainsd({r}, {x})"
            return f"{r}.items.__contains__({x})"
        if m == "slice":
            a, b = (self.expr(x) for x in e.args)
            return f"{mark}_vslice({r}, {a}, {b}, {self.dup_arg(t.elem)})"
        if m == "concat":
            return f"_vconcat({r}, {self.expr(e.args[0])}, {self.dup_arg(t.elem)})"
        if m == "reverse":
            return f"{r}.items.reverse()"
        assert m == "sort", m
        if strip_refinement(t.elem) == _F64:
            return f"_vsortf({r})"
        return f"{r}.items.sort()"

    # ------------------------------------------------------------------- maps
    def _map(self, e: tir.MethodCall, t: MapType, r: str) -> str:
        m = e.method
        if m == "len":
            return f"len({r}.d)"
        if m == "is_empty":
            return f"(not {r}.d)"
        if m == "get":
            return f"_mget({r}, {self.expr(e.args[0])}, {self.dup_arg(t.value)})"
        if m == "insert":
            k, v = self.expr(e.args[0]), self.value(e.args[1])
            return f"{r}.d.__setitem__({k}, {v})"
        if m == "remove":
            return f"_mremove({r}, {self.expr(e.args[0])})"
        if m == "contains_key":
            return f"{r}.d.__contains__({self.expr(e.args[0])})"
        if m == "keys":
            return f"_mkeys({r})"
        assert m == "values", m
        return f"_mvalues({r}, {self.dup_arg(t.value)})"

    # ---------------------------------------------------- Option and Result
    def _option(self, e: tir.MethodCall, t: Adt, r: str) -> str:
        m = e.method
        if m == "is_some":
            return f"({r}[0] == 0)"
        if m == "is_none":
            return f"({r}[0] == 1)"
        # ``expect``'s message is evaluated before the call: only a literal can go.
        plain = m == "unwrap" or (m == "expect" and isinstance(e.args[0], tir.StrConst))
        if plain and self.trusted("unwrap", e.span):
            arg = e.args[0] if e.args else None
            message = arg.value if isinstance(arg, tir.StrConst) else "called `unwrap()` on `None`"
            return f"{self.mark(e.span, Site('unwrap', message))}{r}[1]"
        if m == "unwrap":
            if self.no_walrus:
                return f"{self.mark(e.span)}_expect({r}, 'called `unwrap()` on `None`')"
            o = self.tmp("o")
            return f"({o}[1] if ({o} := {r})[0] == 0 else {self.mark(e.span)}_unwrapnone())"
        if m == "unwrap_or":
            return f"_unwrapor({r}, {self.expr(e.args[0])})"
        assert m == "expect", m
        return f"{self.mark(e.span)}_expect({r}, {self.expr(e.args[0])})"

    def _result(self, e: tir.MethodCall, t: Adt, r: str) -> str:
        m = e.method
        ok, err = t.args
        if m == "is_ok":
            return f"({r}[0] == 0)"
        if m == "is_err":
            return f"({r}[0] == 1)"
        if m in ("unwrap", "unwrap_err") and self.trusted("unwrap", e.span):
            return f"{r}[1]"
        if m == "unwrap":
            return f"{self.mark(e.span)}_runwrap({r}, {self.fmt_inner(err)})"
        if m == "unwrap_err":
            return f"{self.mark(e.span)}_runwraperr({r}, {self.fmt_inner(ok)})"
        assert m == "unwrap_or", m
        return f"_unwrapor({r}, {self.expr(e.args[0])})"

    # -------------------------------------------------------- static functions
    def static_call(self, e: tir.StaticCall) -> str:
        t = strip_refinement(e.type)
        if e.owner == "Vec" and e.name == "new":
            return "_Vec([])"
        if e.owner == "Map":
            return "_Map({})"
        if e.owner == "Vec":
            assert e.name == "filled" and isinstance(t, VecType)
            n, x = (self.fit(self.expr(a), a.type, a) for a in e.args)
            return f"{self.mark(e.span)}_vfilled({n}, {x}, {self.dup_arg(t.elem)})"
        assert e.owner == "String" and e.name == "from_bytes"
        return f"_frombytes({self.expr(e.args[0])})"
