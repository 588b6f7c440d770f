"""Checking operators, casts, conditionals and specification-only forms.

Operands take their expected type from the other operand (spec section 1), so
an unsuffixed literal on either side of ``x + 1`` gets ``x``'s type; there are
no implicit conversions.  ``result``, ``old``, quantifiers and ``==>`` are
accepted only inside specifications.
"""

from __future__ import annotations

from aura_core import ast, tir
from aura_core.check.calls import CallChecker
from aura_core.check.typeops import display, is_error, same
from aura_core.types import (
    BOOL,
    ERROR,
    F64,
    STRING,
    Prim,
    Type,
    is_integer,
    strip_refinement,
)

__all__ = ["CAST_TARGETS", "OperatorChecker", "is_float", "numeric"]

_ARITH = frozenset({"+", "-", "*", "/", "%"})
_BITWISE = frozenset({"&", "|", "^"})
_SHIFTS = frozenset({"<<", ">>"})
_ORDER = frozenset({"<", "<=", ">", ">="})
_EQUALITY = frozenset({"==", "!="})
_LOGIC = frozenset({"and", "or", "==>"})
CAST_TARGETS = frozenset({"i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "Int", "f64"})


def is_float(t: Type) -> bool:
    return strip_refinement(t) == F64


def numeric(t: Type) -> bool:
    return is_integer(t) or is_float(t)


class OperatorChecker(CallChecker):
    """Operators and the forms only specifications may use."""

    # ---------------------------------------------------- specifications
    def result_ref(self, e: ast.ResultRef) -> tir.Expr:
        if not self.ctx.result_allowed:
            where = (
                "a specification checked before the result exists"
                if self.ctx.spec
                else ("code that runs")
            )
            self.error(
                "E0121",
                "`result` may only be used in an `ensures` clause",
                e.span,
                notes=(f"it appears in {where}",),
            )
            return tir.ResultRef(ERROR, span=e.span)
        return tir.ResultRef(self.ctx.ret, span=e.span)

    def old(self, e: ast.Old, inner: ast.Expr, expected: Type | None) -> tir.Expr:
        self.spec_only(e, "`old(...)`")
        value = self.expr(inner, expected)
        return tir.Old(value.type, value, span=e.span)

    def spec_only(self, e: ast.Node, what: str) -> None:
        if not self.ctx.spec:
            self.error(
                "E0121",
                f"{what} may only be used in specifications",
                e.span,
                notes=(
                    "specifications are contract and loop clauses, `assert` and "
                    "`assume` conditions and refinement predicates",
                ),
            )

    def quantifier(self, e: ast.Quantifier) -> tir.Expr:
        self.spec_only(e, "a quantifier")
        self.scopes.push()
        binders: list[tir.Binder] = []
        try:
            for b in e.binders:
                if isinstance(b, ast.RangeBinder):
                    lo, hi = self.range_bounds(b.range)
                    local = self.new_local(b.name, strip_refinement(lo.type), False, b.span)
                    binders.append(tir.Binder(local, lo, hi, b.range.inclusive))
                else:
                    t = self.resolve_type(b.type)
                    binders.append(tir.Binder(self.new_local(b.name, t, False, b.span)))
            body = self.expect(e.body, BOOL, "in quantifier body")
        finally:
            self.scopes.pop()
        return tir.Quantifier(BOOL, e.kind, tuple(binders), body, span=e.span)

    def range_bounds(self, r: ast.Range) -> tuple[tir.Expr, tir.Expr]:
        """Both bounds of a range, with one integer type (literals follow the other side)."""
        if _untyped_int(r.lo) and not _untyped_int(r.hi):
            hi = self.expr(r.hi)
            lo = self.expr(r.lo, hi.type)
        else:
            lo = self.expr(r.lo)
            hi = self.expr(r.hi, lo.type)
        for bound in (lo, hi):
            if not is_integer(bound.type) and not is_error(bound.type):
                self.error(
                    "E0109",
                    f"a range bound must be an integer, not `{display(bound.type)}`",
                    bound.span,
                )
        if not same(lo.type, hi.type):
            self.error(
                "E0109",
                f"the bounds of a range have different types: "
                f"`{display(lo.type)}` and `{display(hi.type)}`",
                hi.span,
                help=f"convert one of them: `... as {display(lo.type)}`",
            )
        return lo, hi

    # --------------------------------------------------------- operators
    def unary(self, e: ast.Unary, expected: Type | None) -> tir.Expr:
        if e.op == "-" and isinstance(e.operand, ast.IntLit):
            return self.int_lit(e.operand, expected, negated=True)
        if e.op == "not":
            operand = self.expect(e.operand, BOOL, "operand of `not`")
            return tir.Unary(BOOL, "not", operand, span=e.span)
        operand = self.expr(e.operand, expected)
        t = strip_refinement(operand.type)
        ok = is_integer(t) if e.op == "~" else numeric(t)
        if not ok and not is_error(t):
            self.error("E0111", f"cannot apply unary `{e.op}` to `{display(t)}`", e.span)
            t = ERROR
        return tir.Unary(t, e.op, operand, span=e.span)

    def binary(self, e: ast.Binary, expected: Type | None) -> tir.Expr:
        op = e.op
        if op in _LOGIC:
            if op == "==>":
                self.spec_only(e, "`==>`")
            left = self.expect(e.left, BOOL, f"operand of `{op}`")
            right = self.expect(e.right, BOOL, f"operand of `{op}`")
            return tir.Binary(BOOL, op, left, right, span=e.span)
        hint = expected if op in _ARITH | _BITWISE | _SHIFTS else None
        if op in _SHIFTS:
            left = self.expr(e.left, hint)
            right = self.expr(e.right, left.type if _untyped_int(e.right) else None)
        elif _untyped_int(e.left) and not _untyped_int(e.right):
            right = self.expr(e.right, hint)
            left = self.expr(e.left, right.type)
        else:
            left = self.expr(e.left, hint)
            right = self.expr(e.right, left.type)
        lt, rt = strip_refinement(left.type), strip_refinement(right.type)
        if is_error(lt) or is_error(rt):
            return tir.Binary(
                BOOL if op in _ORDER | _EQUALITY else ERROR, op, left, right, span=e.span
            )
        if op in _SHIFTS:
            if not (is_integer(lt) and is_integer(rt)):
                return self.bad_operands(e, left, right)
            return tir.Binary(lt, op, left, right, span=e.span)
        if not same(lt, rt):
            self.error(
                "E0109",
                f"mismatched types: `{display(lt)}` {op} `{display(rt)}`",
                e.span,
                help=f"convert one side: `... as {display(lt)}`"
                if numeric(lt) and numeric(rt)
                else None,
                notes=("Aura has no implicit conversions",),
            )
            return tir.Binary(
                BOOL if op in _ORDER | _EQUALITY else ERROR, op, left, right, span=e.span
            )
        if op in _EQUALITY:
            if self.mentions_param(lt):
                self.error(
                    "E0128",
                    f"values of type `{display(lt)}` cannot be compared",
                    e.span,
                    notes=("a type parameter is opaque",),
                )
            return tir.Binary(BOOL, op, left, right, span=e.span)
        if op in _ORDER:
            if self.mentions_param(lt):
                self.error(
                    "E0128",
                    f"values of type `{display(lt)}` cannot be compared",
                    e.span,
                    notes=("a type parameter is opaque",),
                )
                return tir.Binary(BOOL, op, left, right, span=e.span)
            if not (numeric(lt) or lt == STRING):
                return self.bad_operands(e, left, right, BOOL)
            return tir.Binary(BOOL, op, left, right, span=e.span)
        if op in _BITWISE:
            if not is_integer(lt):
                return self.bad_operands(e, left, right)
            return tir.Binary(lt, op, left, right, span=e.span)
        if op == "+" and lt == STRING:
            return tir.Binary(STRING, op, left, right, span=e.span)
        if not numeric(lt):
            return self.bad_operands(e, left, right)
        return tir.Binary(lt, op, left, right, span=e.span)

    def bad_operands(
        self, e: ast.Binary, left: tir.Expr, right: tir.Expr, result: Type = ERROR
    ) -> tir.Expr:
        self.error(
            "E0111",
            f"cannot apply `{e.op}` to `{display(left.type)}` and `{display(right.type)}`",
            e.span,
        )
        return tir.Binary(result, e.op, left, right, span=e.span)

    def cast(self, e: ast.Cast, inner: ast.Expr, target: ast.TypeExpr) -> tir.Expr:
        value = self.expr(inner)
        name = target.path[0] if isinstance(target, ast.NamedType) else ""
        source = strip_refinement(value.type)
        if name not in CAST_TARGETS:
            self.error(
                "E0113",
                f"cannot cast to `{name}`",
                target.span,
                notes=("`as` converts between integer types, `Int` and `f64`",),
            )
            return tir.Cast(ERROR, value, span=e.span)
        if not numeric(source) and not is_error(source):
            self.error(
                "E0113",
                f"cannot cast `{display(source)}` to `{name}`",
                e.span,
                notes=("`as` converts between integer types, `Int` and `f64`",),
            )
        return tir.Cast(Prim(name), value, span=e.span)  # type: ignore[arg-type]

    def conditional(
        self,
        e: ast.Conditional,
        then: ast.Expr,
        cond: ast.Expr,
        otherwise: ast.Expr,
        expected: Type | None,
    ) -> tir.Expr:
        c = self.expect(cond, BOOL, "in condition")
        a = self.expr(then, expected)
        b = self.expect(
            otherwise, expected if expected is not None else a.type, "in the `else` branch"
        )
        return tir.Conditional(a.type if expected is None else expected, c, a, b, span=e.span)


def _untyped_int(e: ast.Expr) -> bool:
    """Literals whose type comes from the other operand: unsuffixed integers."""
    if isinstance(e, ast.Unary) and e.op == "-":
        e = e.operand
    return isinstance(e, ast.IntLit) and e.suffix is None
