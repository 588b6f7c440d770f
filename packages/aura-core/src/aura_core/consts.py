"""Compile-time evaluation of ``const`` initialisers (spec section 3.3).

A constant is computed from literals, operators, casts, conditional
expressions, string interpolation and other constants, with exactly the run-time
meaning of those operations (:mod:`aura_core.arith`): what overflows or divides
by zero at run time is an error here, reported at the operation that failed.
Anything else -- calls, variables, method calls, containers -- is not a constant
expression, and the error names the construct.

The caller orders the constants and detects cycles; ``lookup`` gives the value of
an already evaluated constant.  Expressions are well typed (the checker's job):
each operation's type is read from the typed tree, so ``200u8 + 100u8`` overflows
``u8`` while the same numbers as ``Int`` do not.

A constant's value must also meet its type's refinement predicates (spec
section 3.3): :func:`refinement_failure` evaluates each layer, innermost first,
as the specification it is (mathematical arithmetic, ``==>``), with the
refined variable bound to the value.  A predicate that needs anything but a
constant expression, such as a call of a pure cell, cannot be decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aura_core import arith, tir
from aura_core.source import Span
from aura_core.types import INTEGER_NAMES, Prim, QualName, Refined, Type, strip_refinement

__all__ = ["ConstEvalError", "eval_const", "refinement_failure", "text_form"]

_NOT_CONSTANT_NOTE = (
    "a constant is computed at compile time from literals, operators, casts and other constants"
)


class ConstEvalError(Exception):
    """Why a constant cannot be evaluated, at the span of the offending expression.

    ``note`` adds what a constant expression may contain, where that helps.
    """

    def __init__(self, message: str, span: Span, note: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.note = note


def _int_name(t: Type) -> str:
    """The integer type's name; ``Int`` for an erroneous type, which then never overflows."""
    t = strip_refinement(t)
    return t.name if isinstance(t, Prim) and t.name in INTEGER_NAMES else "Int"


def text_form(value: tir.ConstValue) -> str:
    """A constant's text form at top level (spec 7.4), as interpolation writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return arith.format_float(value)
    return str(value)


def _not_constant(what: str, span: Span) -> ConstEvalError:
    return ConstEvalError(
        f"{what} is not allowed in a constant expression", span, _NOT_CONSTANT_NOTE
    )


def _describe(e: tir.Expr) -> str:
    """How to name a construct that is not a constant expression."""
    if isinstance(e, tir.Call):
        return f"a call of `{e.cell.name}`"
    if isinstance(e, tir.BuiltinCall):
        return f"a call of `{e.name}`"
    if isinstance(e, tir.StaticCall):
        return f"a call of `{e.owner}::{e.name}`"
    if isinstance(e, tir.MethodCall):
        return f"a method call (`.{e.method}(...)`)"
    if isinstance(e, tir.LocalRef):
        return f"the variable `{e.local.name}`"
    names: dict[type, str] = {
        tir.VecLit: "a vector literal",
        tir.BytesConst: "a byte string literal",
        tir.RecordLit: "a record literal",
        tir.VariantLit: "an enum value",
        tir.UnitConst: "`()`",
        tir.FieldGet: "a field access",
        tir.Index: "indexing",
        tir.Quantifier: "a quantifier",
        tir.Old: "`old(...)`",
        tir.ResultRef: "`result`",
        tir.Try: "the `?` operator",
    }
    return names.get(type(e), "this expression")


class _Evaluator:
    def __init__(
        self,
        lookup: Callable[[QualName], tir.ConstValue],
        bound: tuple[tir.Local, tir.ConstValue] | None = None,
    ) -> None:
        self.lookup = lookup
        #: In a refinement predicate: its variable and the value it stands for.
        self.bound = bound

    def int_name(self, t: Type) -> str:
        # Arithmetic in a specification is mathematical (spec section 8).
        return "Int" if self.bound is not None else _int_name(t)

    def eval(self, e: tir.Expr) -> tir.ConstValue:
        if isinstance(e, tir.IntConst):
            return self.checked(lambda: arith.check_range(e.value, _int_name(e.type)), e)
        if isinstance(e, tir.FloatConst | tir.BoolConst | tir.StrConst):
            return e.value
        if isinstance(e, tir.ConstRef):
            return self.lookup(e.name)
        if isinstance(e, tir.LocalRef) and self.bound is not None and e.local == self.bound[0]:
            return self.bound[1]
        if isinstance(e, tir.Interpolation):
            return "".join(p if isinstance(p, str) else text_form(self.eval(p)) for p in e.parts)
        if isinstance(e, tir.Unary):
            return self.unary(e)
        if isinstance(e, tir.Binary):
            return self.binary(e)
        if isinstance(e, tir.Cast):
            return self.cast(e)
        if isinstance(e, tir.Conditional):
            return self.eval(e.then) if self.condition(e.cond) else self.eval(e.otherwise)
        raise _not_constant(_describe(e), e.span)

    @staticmethod
    def checked(compute: Callable[[], tir.ConstValue], e: tir.Expr) -> tir.ConstValue:
        try:
            return compute()
        except arith.AuraArithmeticError as err:
            raise ConstEvalError(err.message, e.span) from None

    def condition(self, e: tir.Expr) -> bool:
        v = self.eval(e)
        if not isinstance(v, bool):
            raise ConstEvalError(f"expected a bool, found `{text_form(v)}`", e.span)
        return v

    def unary(self, e: tir.Unary) -> tir.ConstValue:
        v = self.eval(e.operand)
        if e.op == "not" and isinstance(v, bool):
            return not v
        if isinstance(v, int) and not isinstance(v, bool):
            name = self.int_name(e.type)
            if e.op == "-":
                return self.checked(lambda: arith.int_neg(v, name), e)
            if e.op == "~":
                return arith.bitnot(v, name)
        if e.op == "-" and isinstance(v, float):
            return -v
        raise ConstEvalError(f"`{e.op}` cannot be applied to `{text_form(v)}`", e.span)

    def binary(self, e: tir.Binary) -> tir.ConstValue:
        op = e.op
        if op == "==>" and self.bound is not None:
            return not self.condition(e.left) or self.condition(e.right)
        if op == "==>":
            raise _not_constant("`==>`", e.span)
        if op == "and":
            return self.condition(e.left) and self.condition(e.right)
        if op == "or":
            return self.condition(e.left) or self.condition(e.right)
        a, b = self.eval(e.left), self.eval(e.right)
        if op in ("==", "!=", "<", "<=", ">", ">="):
            compared = _compare(op, a, b)
            if compared is not None:
                return compared
        if isinstance(a, bool) and isinstance(b, bool) and op in ("&", "|", "^"):
            return {"&": a & b, "|": a | b, "^": a ^ b}[op]
        if isinstance(a, str) and isinstance(b, str) and op == "+":
            return a + b
        if isinstance(a, float) and isinstance(b, float):
            result = _float_op(op, a, b)
            if result is not None:
                return result
        if _is_int(a) and _is_int(b):
            assert isinstance(a, int) and isinstance(b, int)
            # A shift's type is its left operand's; other operators share one type.
            name = self.int_name(e.left.type if op in ("<<", ">>") else e.type)
            return self.checked(lambda: arith.int_binary(op, a, b, name), e)
        raise ConstEvalError(
            f"`{op}` cannot be applied to `{text_form(a)}` and `{text_form(b)}`", e.span
        )

    def cast(self, e: tir.Cast) -> tir.ConstValue:
        v = self.eval(e.expr)
        target = strip_refinement(e.type)
        if isinstance(target, Prim) and target.name == "f64":
            if isinstance(v, float):
                return v
            if _is_int(v):
                assert isinstance(v, int)
                return arith.int_to_float(v)
        elif isinstance(target, Prim) and target.name in INTEGER_NAMES:
            name = target.name
            if isinstance(v, float):
                return self.checked(lambda: arith.float_to_int(v, name), e)
            if _is_int(v):
                assert isinstance(v, int)
                return self.checked(lambda: arith.cast_int(v, name), e)
        raise ConstEvalError(f"`{text_form(v)}` cannot be cast to `{e.type}`", e.span)


def _is_int(v: tir.ConstValue) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _float_op(op: str, a: float, b: float) -> float | None:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return arith.float_div(a, b)
    if op == "%":
        return arith.float_rem(a, b)
    return None


_Ordered = TypeVar("_Ordered", str, float)


def _order(op: str, x: _Ordered, y: _Ordered) -> bool:
    if op == "<":
        return x < y
    if op == "<=":
        return x <= y
    if op == ">":
        return x > y
    return x >= y


def _compare(op: str, a: tir.ConstValue, b: tir.ConstValue) -> bool | None:
    """A comparison of two values of one type; None for operands that do not compare.

    Python orders ``str`` by code point, which is the byte order of UTF-8, and
    compares floats as IEEE does (NaN is unordered, ``-0.0 == 0.0``).
    """
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if isinstance(a, str) and isinstance(b, str):
        return _order(op, a, b)
    if not isinstance(a, str) and not isinstance(b, str):
        return _order(op, a, b)
    return None


def eval_const(expr: tir.Expr, lookup: Callable[[QualName], tir.ConstValue]) -> tir.ConstValue:
    """The value of a constant's initialiser; :class:`ConstEvalError` if it has none.

    ``lookup`` returns the value of another constant (the caller evaluates
    constants in dependency order and reports cycles).
    """
    return _Evaluator(lookup).eval(expr)


def refinement_failure(
    t: Type, value: tir.ConstValue, lookup: Callable[[QualName], tir.ConstValue]
) -> Refined | None:
    """The innermost refinement of ``t`` that ``value`` breaks, or ``None``.

    :class:`ConstEvalError` if a predicate is not a constant expression of its
    variable (the error names what is not).
    """
    layers: list[Refined] = []
    while isinstance(t, Refined):
        layers.append(t)
        t = t.base
    for layer in reversed(layers):
        if not _Evaluator(lookup, (layer.var, value)).condition(layer.pred):
            return layer
    return None
