"""Builder callbacks for patterns and expressions, literals included."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal, cast

from aura_core import ast
from aura_core.source import Span
from aura_parse.build_base import BuilderBase, check_int_range, has_token, kid_names, kids
from aura_parse.lexer import Token
from aura_parse.literals import (
    INT_RANGES,
    LiteralError,
    decode_bytes,
    float_value,
    int_spelling_problem,
    int_value,
    scan_string,
    split_number,
)

__all__ = ["ExprBuilder"]


class ExprBuilder(BuilderBase):
    """Callbacks named after the grammar's expression and pattern rules (aura.lark)."""

    # -------------------------------------------------------------- patterns
    def name_pattern(self, c: list[Any]) -> ast.Pattern:
        name = c[0].value
        if name == "_":
            return ast.WildcardPattern(span=self._span(c))
        return ast.NamePattern(name, span=self._span(c))

    def path_pattern(self, c: list[Any]) -> ast.VariantPattern:
        return ast.VariantPattern(tuple(kid_names(c)), None, span=self._span(c))

    def variant_pattern(self, c: list[Any]) -> ast.VariantPattern:
        return ast.VariantPattern(tuple(kid_names(c)), tuple(kids(c)), span=self._span(c))

    def literal_pattern(self, c: list[Any]) -> ast.LiteralPattern:
        tok = c[-1]
        value: ast.IntLit | ast.Unary | ast.BoolLit | ast.StringLit
        if tok.type == "INT":
            lit = self.int_lit([tok])
            if not isinstance(lit, ast.IntLit):
                self.s.report("E0015", "a float literal cannot be a pattern", lit.span)
                lit = ast.IntLit(0, None, "0", span=lit.span)
            value = self._negate(c[0], lit) if len(c) == 2 else lit
        elif tok.type == "STRING":
            value = self.string_lit([tok])
        else:
            value = self.bool_lit([tok])
        return ast.LiteralPattern(value, span=self._span(c))

    # ----------------------------------------------------------- expressions
    def quantifier(self, c: list[Any]) -> ast.Quantifier:
        nodes = kids(c)
        kind: Literal["forall", "exists"] = "forall" if has_token(c, "FORALL") else "exists"
        return self.s.nested(
            ast.Quantifier(kind, tuple(nodes[:-1]), nodes[-1], span=self._span(c)), nodes
        )

    def range_binder(self, c: list[Any]) -> ast.RangeBinder:
        return ast.RangeBinder(c[0].value, kids(c)[0], span=self._span(c))

    def type_binder(self, c: list[Any]) -> ast.TypeBinder:
        return ast.TypeBinder(c[0].value, kids(c)[0], span=self._span(c))

    def binary(self, c: list[Any]) -> ast.Binary:
        left, op, right = c
        node = ast.Binary(cast(ast.BinaryOp, op.value), left, right, span=self._span(c))
        return self.s.nested(node, (left, right))

    def conditional(self, c: list[Any]) -> ast.Conditional:
        then, _if, cond, _else, otherwise = c
        node = ast.Conditional(then, cond, otherwise, span=self._span(c))
        return self.s.nested(node, (then, cond, otherwise))

    def unary(self, c: list[Any]) -> ast.Unary:
        op, operand = c
        if op.value == "-" and isinstance(operand, ast.IntLit):
            return self._negate(op, operand)
        node = ast.Unary(cast(ast.UnaryOp, op.value), operand, span=self._span(c))
        return self.s.nested(node, (operand,))

    def _negate(self, op: Token, lit: ast.IntLit) -> ast.Unary:
        """``-literal``: folded for range checking (spec section 1)."""
        if self.s.pending_ints.pop(id(lit), None) is not None:
            check_int_range(self.s, lit, negated=True)
        return self.s.nested(ast.Unary("-", lit, span=self._span([op, lit])), (lit,))

    def cast(self, c: list[Any]) -> ast.Cast:
        expr, _as, name = c
        target = ast.NamedType((name.value,), (), span=self._tok_span(name))
        return self.s.nested(ast.Cast(expr, target, span=self._span(c)), (expr,))

    def field_access(self, c: list[Any]) -> ast.FieldAccess:
        return self.s.nested(ast.FieldAccess(c[0], kid_names(c[1:])[0], span=self._span(c)), c[:1])

    def method_call(self, c: list[Any]) -> ast.MethodCall:
        name = kid_names(c[1:])[0]
        args = tuple(x for x in c[1:] if isinstance(x, ast.Arg))
        node = ast.MethodCall(c[0], name, args, span=self._span(c))
        return self.s.nested(node, [c[0], *(a.value for a in args)])

    def index(self, c: list[Any]) -> ast.Index:
        obj, index = kids(c)
        return self.s.nested(ast.Index(obj, index, span=self._span(c)), (obj, index))

    def try_expr(self, c: list[Any]) -> ast.Try:
        return self.s.nested(ast.Try(c[0], span=self._span(c)), c[:1])

    def int_lit(self, c: list[Any]) -> ast.IntLit | ast.FloatLit:
        tok = c[0]
        span = self._tok_span(tok)
        parts = split_number(tok.value, is_float=False)
        if parts.suffix == "f64" and parts.text.replace("_", "").isdigit():
            return ast.FloatLit(float(parts.text), "f64", parts.text, span=span)
        problem = int_spelling_problem(parts)
        if problem is not None:
            self.s.report("E0015", problem, span)
            return ast.IntLit(0, None, parts.text, span=span)
        try:
            value = int_value(parts.text)
        except ValueError:
            self.s.report("E0015", f"invalid integer literal `{tok}`", span)
            value = 0
        suffix = parts.suffix
        if suffix is not None and suffix not in INT_RANGES:
            self.s.report(
                "E0015",
                f"invalid suffix `{suffix}` on integer literal",
                span,
                "integer suffixes are i8 i16 i32 i64 u8 u16 u32 u64",
            )
            suffix = None
        lit = ast.IntLit(value, suffix, parts.text, span=span)
        if suffix is not None:
            self.s.pending_ints[id(lit)] = lit
        return lit

    def float_lit(self, c: list[Any]) -> ast.FloatLit:
        tok = c[0]
        span = self._tok_span(tok)
        parts = split_number(tok.value, is_float=True)
        if parts.suffix not in (None, "f64"):
            self.s.report(
                "E0015",
                f"invalid suffix `{parts.suffix}` on float literal",
                span,
                "the only float suffix is f64",
            )
        value = float_value(parts.text)
        if value == float("inf"):
            self.s.report("E0015", "float literal out of range of f64", span)
        suffix = "f64" if parts.suffix == "f64" else None
        return ast.FloatLit(value, suffix, parts.text, span=span)

    def string_lit(self, c: list[Any]) -> ast.StringLit:
        tok = c[0]
        span = self._tok_span(tok)
        body = tok.value[1:-1]
        inner = span.start + 1
        try:
            pieces = scan_string(body)
        except LiteralError as e:
            self.s.report(e.code, e.message, Span(inner + e.start, inner + e.end), e.help)
            return ast.StringLit((ast.StrText(body, body, span=span),), span=span)
        parts: list[ast.StrPart] = []
        for p in pieces:
            pspan = Span(inner + p.start, inner + p.end)
            if p.interp:
                expr = self.s.parse_interpolation(inner + p.start, inner + p.end)
                if expr is not None:
                    parts.append(ast.StrInterp(expr, span=pspan))
            else:
                parts.append(ast.StrText(p.value, body[p.start : p.end], span=pspan))
        return ast.StringLit(tuple(parts), span=span)

    def bytes_lit(self, c: list[Any]) -> ast.BytesLit:
        tok = c[0]
        span = self._tok_span(tok)
        body = tok.value[2:-1]
        try:
            value = decode_bytes(body)
        except LiteralError as e:
            start = span.start + 2
            self.s.report(e.code, e.message, Span(start + e.start, start + e.end), e.help)
            value = b""
        return ast.BytesLit(value, body, span=span)

    def bool_lit(self, c: list[Any]) -> ast.BoolLit:
        return ast.BoolLit(c[0].type == "TRUE", span=self._span(c))

    def result_ref(self, c: list[Any]) -> ast.ResultRef:
        return ast.ResultRef(span=self._span(c))

    def old(self, c: list[Any]) -> ast.Old:
        inner = kids(c)[0]
        return self.s.nested(ast.Old(inner, span=self._span(c)), (inner,))

    def unit_lit(self, c: list[Any]) -> ast.UnitLit:
        return ast.UnitLit(span=self._span(c))

    def paren(self, c: list[Any]) -> Any:
        """``(e)`` is ``e``, with a span that takes in the parentheses."""
        inner = c[1]
        node = replace(inner, span=self._span(c))
        self.s.depth[id(node)] = self.s.depth.get(id(inner), 0)
        return node

    def vec_lit(self, c: list[Any]) -> ast.VecLit:
        elems = tuple(kids(c))
        return self.s.nested(ast.VecLit(elems, span=self._span(c)), elems)

    def name(self, c: list[Any]) -> ast.Name:
        return ast.Name(c[0].value, span=self._span(c))

    def path(self, c: list[Any]) -> ast.Path:
        return ast.Path(tuple(kid_names(c)), span=self._span(c))

    def call(self, c: list[Any]) -> ast.Call:
        names = kid_names(c)
        first = c[0]
        callee: ast.Expr
        if len(names) == 1:
            callee = ast.Name(names[0], span=self._tok_span(first))
        else:
            last_name = [x for x in c if isinstance(x, Token) and x.type == "NAME"][-1]
            callee = ast.Path(tuple(names), span=self._span([first, last_name]))
        args = tuple(x for x in c if isinstance(x, ast.Arg))
        return self.s.nested(ast.Call(callee, args, span=self._span(c)), [a.value for a in args])

    def record_lit(self, c: list[Any]) -> ast.RecordLit:
        fields = tuple(x for x in c if isinstance(x, ast.FieldInit))
        node = ast.RecordLit(tuple(kid_names(c)), fields, span=self._span(c))
        return self.s.nested(node, [f.value for f in fields])

    def arg(self, c: list[Any]) -> ast.Arg:
        return ast.Arg(kids(c)[0], mut=has_token(c, "MUT"), span=self._span(c))

    def field_init(self, c: list[Any]) -> ast.FieldInit:
        return ast.FieldInit(c[0].value, kids(c)[0], span=self._span(c))
