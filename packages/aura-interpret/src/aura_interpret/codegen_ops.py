"""Code for operators and casts (spec sections 5, 7.1 and 7.2).

Fixed-width ``+``, ``-``, ``*`` and negation are inlined with a range check::

    (_t if -9223372036854775808 <= (_t := a + b) <= 9223372036854775807
     else _ovf(_t, 'i64'))

One temporary ``_t`` serves every check of a function: its value is read right
after it is compared, before any other code runs.  ``Int`` arithmetic is plain
Python arithmetic; so is all integer arithmetic inside specifications, which is
mathematical (spec section 8).  Division, remainder, shifts and float division
call :mod:`aura_core.arith` through the runtime's helpers.
"""

from __future__ import annotations

from aura_core import tir
from aura_core.specarith import fixed_name, may_leave_range
from aura_core.types import FIXED_WIDTH, Prim, Type, fixed_width_range, strip_refinement
from aura_interpret.codegen_base import GenBase
from aura_interpret.trusted import unchecked_div, unchecked_rem, unchecked_shl, unchecked_shr
from aura_interpret.typeinfo import int_name

__all__ = ["OpsGen", "float_literal", "int_literal"]

_ORDER = frozenset({"<", "<=", ">", ">="})
_F64 = Prim("f64")
_STRING = Prim("String")


def _pure(e: tir.Expr) -> bool:
    """No effects and no failure: locals, constants, fields of those, float + - *."""
    match e:
        case tir.LocalRef() | tir.FloatConst() | tir.IntConst() | tir.ConstRef():
            return True
        case tir.FieldGet(obj=o):
            return _pure(o)
        case tir.Binary(op="+" | "-" | "*", left=a, right=b):
            return strip_refinement(e.type) == _F64 and _pure(a) and _pure(b)
        case tir.Unary(op="-", operand=x):
            return strip_refinement(e.type) == _F64 and _pure(x)
    return False


def int_literal(v: int) -> str:
    return f"({v})" if v < 0 else str(v)


def float_literal(x: float) -> str:
    if x != x:
        return "_NAN"
    if x in (float("inf"), float("-inf")):
        return "_INF" if x > 0 else "(-_INF)"
    r = repr(x)
    return f"({r})" if r.startswith("-") else r


class OpsGen(GenBase):
    """Unary and binary operators, comparisons and casts."""

    #: Set inside generator expressions, where ``:=`` may not bind (see codegen_spec).
    no_walrus = False

    def checked(self, code: str, type_name: str, e: tir.Expr) -> str:
        """``code`` (an integer expression) range-checked for ``type_name``."""
        if self.spec or type_name == "Int" or self.trusted("overflow", e.span):
            return f"({code})"
        low_ok, high_ok = self.iv.within(e, type_name)
        if low_ok and high_ok:
            return f"({code})"
        lo, hi = fixed_width_range(type_name)
        fail = f"{self.mark(e.span)}_ovf(_t, '{type_name}')"
        if low_ok:
            return f"(_t if (_t := {code}) <= {hi} else {fail})"
        if high_ok:
            return f"(_t if {lo} <= (_t := {code}) else {fail})"
        return f"(_t if {lo} <= (_t := {code}) <= {hi} else {fail})"

    def fit(
        self, code: str, t: Type, e: tir.Expr, *, always: bool = False, at: tir.Expr | None = None
    ) -> str:
        """``code``, the value of ``e``, checked to fit the integer type ``t``
        where a specification's exact arithmetic may have put it outside
        (spec section 8); unchanged in code, whose values fit as computed.
        A failure is reported at ``at`` (default ``e``)."""
        name = fixed_name(t)
        if not self.spec or not name:
            return code
        src = fixed_name(e.type)
        if not always and not may_leave_range(e) and src:
            s_lo, s_hi = fixed_width_range(src)
            t_lo, t_hi = fixed_width_range(name)
            if t_lo <= s_lo and s_hi <= t_hi:
                return code
        return f"{self.mark((at or e).span)}_fit({code}, '{name}')"

    # ------------------------------------------------------------------ unary
    def unary(self, e: tir.Unary) -> str:
        x = self.expr(e.operand)
        if e.op == "not":
            return f"(not {x})"
        t = strip_refinement(e.type)
        if t == _F64:
            return f"(-{x})"
        name = int_name(t)
        if e.op == "-":
            return self.checked(f"-{x}", name, e)
        if name in FIXED_WIDTH and not FIXED_WIDTH[name][1] and not self.spec:
            return f"({fixed_width_range(name)[1]} ^ {x})"
        return f"(~{x})"  # in a specification, unbounded two's complement

    # ----------------------------------------------------------------- binary
    def binary(self, e: tir.Binary) -> str:
        op = e.op
        if op in ("and", "or"):
            return f"({self.expr(e.left)} {op} {self.expr(e.right)})"
        if op == "==>":
            return f"(not {self.expr(e.left)} or {self.expr(e.right)})"
        lt = strip_refinement(e.left.type)
        a, b = self.expr(e.left), self.expr(e.right)
        if op in ("==", "!="):
            if lt != _F64 and (self.types.has_float(lt) or self.types.is_deep(lt)):
                eq = f"_feq({a}, {b})"
                return eq if op == "==" else f"(not {eq})"
            return f"({a} {op} {b})"
        if op in _ORDER:
            return f"({a} {op} {b})"
        if lt == _STRING:
            return f"({a} + {b})"
        if lt == _F64:
            if op == "/":
                return self.float_div(e, a, b)
            if op == "%":
                return f"_frem({a}, {b})"
            return f"({a} {op} {b})"
        return self.int_binary(e, op, a, b)

    def float_div(self, e: tir.Binary, a: str, b: str) -> str:
        """``a / b`` on f64: Python's ``/`` unless the divisor may be zero (IEEE then)."""
        right = e.right
        if isinstance(right, tir.FloatConst) and right.value != 0.0:
            return f"({a} / {b})"
        if self.no_walrus or not _pure(e.left):
            return f"_fdiv({a}, {b})"
        # The dividend has no effects and cannot fail: computing it after the
        # divisor is unobservable.
        u = self.tmp("u")
        return f"({a} / {u} if ({u} := {b}) else _fdiv({a}, {u}))"

    def int_binary(self, e: tir.Binary, op: str, a: str, b: str) -> str:
        name = int_name(e.left.type if op in ("<<", ">>") else e.type)
        m = self.mark(e.span)
        if op in ("+", "-", "*"):
            return self.checked(f"{a} {op} {b}", name, e)
        if op in ("&", "|", "^"):
            return f"({a} {op} {b})"
        if op in ("/", "%") and isinstance(e.right, tir.IntConst) and e.right.value > 0:
            # A positive constant divisor: never zero, and the quotient cannot
            # overflow.  Python's // and % agree with C's for a dividend >= 0.
            py = "//" if op == "/" else "%"
            k = e.right.value
            if self.iv.nonnegative(e.left):
                return f"({a} {py} {k})"
            if not self.no_walrus:
                x = self.tmp("x")
                return f"({x} {py} {k} if ({x} := {a}) >= 0 else -(-{x} {py} {k}))"
        if op in ("/", "%") and self.trusted("division", e.span):
            signed = not self.spec and name != "Int" and FIXED_WIDTH[name][1]
            if op == "%":
                return f"{m}{self.obj(unchecked_rem, 'u')}({a}, {b})"
            if not signed or self.trusted("overflow", e.span):
                return f"{m}{self.obj(unchecked_div, 'u')}({a}, {b})"
        fixed = not self.spec and name != "Int"
        if op in ("<<", ">>") and self.spec:
            # Exact, on unbounded two's complement (spec section 8): only a
            # negative amount fails.
            return f"{m}_shlm({a}, {b})" if op == "<<" else f"{m}_shr({a}, {b}, 'Int')"
        if op in ("<<", ">>") and fixed and self.trusted("shift", e.span):
            helper = unchecked_shr if op == ">>" else unchecked_shl
            return f"{m}{self.obj(helper, 'u')}({a}, {b}, '{name}')"
        if op == "/":
            if self.spec or name == "Int" or not FIXED_WIDTH[name][1]:
                return f"{m}_div({a}, {b})"
            return f"{m}_idiv({a}, {b}, '{name}')"
        if op == "%":
            return f"{m}_rem({a}, {b})"
        if op == "<<":
            return f"{m}_shl({a}, {b}, '{name}')"
        assert op == ">>", op
        return f"{m}_shr({a}, {b}, '{name}')"

    # ------------------------------------------------------------------- cast
    def cast(self, e: tir.Cast) -> str:
        x = self.expr(e.expr)
        source = strip_refinement(e.expr.type)
        target = int_name(e.type)
        if target == "f64":
            if source == _F64:
                return x
            # An exact value of a specification may be beyond f64, as an Int is.
            exact = int_name(source) == "Int" or self.spec
            return f"_i2f({x})" if exact else f"float({x})"
        if source == _F64:
            return f"{self.mark(e.span)}_f2i({x}, '{target}')"
        src = int_name(source)
        if self.spec:
            # A cast that would panic in code panics in a specification too.
            return self.fit(x, e.type, e.expr, always=src == "Int", at=e)
        if target == "Int" or src == target:
            return x
        if src != "Int":
            s_lo, s_hi = fixed_width_range(src)
            t_lo, t_hi = fixed_width_range(target)
            if t_lo <= s_lo and s_hi <= t_hi:
                return x
        return self.checked(x, target, e)
