"""The tree-to-AST builder: lark callbacks that construct :mod:`aura_core.ast` nodes.

The builder runs *inline* with the LALR parser (lark calls a method as each rule
is reduced), so no parse tree is ever materialised and deep inputs never recurse.
Everything a single parse needs -- the diagnostics found so far, the way
back to the parser for interpolations -- lives in a :class:`BuildSession`
that the parser driver installs for the duration of one parse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar, cast

from lark import Transformer

from aura_core import ast
from aura_core.source import Span
from aura_parse.lexer import Token
from aura_parse.literals import (
    INT_RANGES,
    LiteralError,
    decode_bytes,
    float_value,
    int_value,
    scan_string,
    split_number,
)

__all__ = ["MAX_EXPR_DEPTH", "AstBuilder", "BuildIssue", "BuildSession", "RawBlock"]

#: Deepest nesting of expressions (operators, calls, postfix chains) and types.
MAX_EXPR_DEPTH = 200

_N = TypeVar("_N", bound=ast.Node)


@dataclass(frozen=True, slots=True)
class BuildIssue:
    """A problem found while building; offsets are absolute in the file."""

    code: str
    message: str
    start: int
    end: int
    help: str | None = None


@dataclass
class BuildSession:
    """Per-parse state: how to parse an interpolation, and what went wrong."""

    parse_interpolation: Callable[[int, int], ast.Expr | None]
    issues: list[BuildIssue] = field(default_factory=list)
    #: Suffixed integer literals not (yet) seen under a unary minus.
    pending_ints: dict[int, ast.IntLit] = field(default_factory=dict)
    #: Nesting depth of compound expressions, by node identity (leaves are 0).
    depth: dict[int, int] = field(default_factory=dict)
    too_deep: bool = False

    def nested(self, node: _N, children: Sequence[Any]) -> _N:
        """Record ``node``'s depth; past :data:`MAX_EXPR_DEPTH` report E0014 once.

        Later passes walk expressions recursively, so the parser bounds how deep
        they go instead of letting a generated 30,000-term sum overflow a stack.
        """
        depth = self.depth
        d = 1 + max((depth.get(id(c), 0) for c in children), default=0)
        depth[id(node)] = d
        if d > MAX_EXPR_DEPTH and not self.too_deep:
            self.too_deep = True
            self.report(
                "E0014",
                f"expression or type nested more than {MAX_EXPR_DEPTH} levels deep",
                node.span,
                "split it with intermediate `val` bindings",
            )
        return node

    def report(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.issues.append(BuildIssue(code, message, span.start, span.end, help))

    def check_int_literals(self) -> None:
        """Range-check the suffixed literals that no minus sign folded."""
        for lit in self.pending_ints.values():
            _check_int_range(self, lit, negated=False)
        self.pending_ints.clear()


@dataclass(frozen=True, slots=True)
class Names:
    """A list of names with the span they cover (module paths, type parameters)."""

    value: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class RawBlock:
    """A block before its leading clauses are split off (clauses are statements here)."""

    items: tuple[Any, ...]
    span: Span


_KINDS = frozenset({"PURE", "LEMMA", "TEST"})
_CLAUSES = (ast.Requires, ast.Ensures, ast.Decreases, ast.Invariant)
_CLAUSE_WORD = {
    ast.Requires: "requires",
    ast.Ensures: "ensures",
    ast.Decreases: "decreases",
    ast.Invariant: "invariant",
}


def _nodes(children: Sequence[Any]) -> list[Any]:
    return [c for c in children if c is not None and not isinstance(c, Token)]


def _tokens(children: Sequence[Any], *types: str) -> list[Token]:
    return [c for c in children if isinstance(c, Token) and c.type in types]


def _has(children: Sequence[Any], type_: str) -> bool:
    return any(isinstance(c, Token) and c.type == type_ for c in children)


def _names(children: Sequence[Any]) -> list[str]:
    return [c.value for c in children if isinstance(c, Token) and c.type == "NAME"]


class AstBuilder(Transformer[Token, Any]):
    """Callbacks named after the grammar's rules and aliases (see aura.lark)."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)
        self.session: BuildSession | None = None

    # -------------------------------------------------------------- helpers
    @property
    def s(self) -> BuildSession:
        assert self.session is not None, "AstBuilder used outside a parse"
        return self.session

    def _span(self, children: Sequence[Any]) -> Span:
        first = next(c for c in children if _has_position(c))
        last = next(c for c in reversed(children) if _has_position(c))
        return Span(self._start(first), self._end(last))

    @staticmethod
    def _start(c: Any) -> int:
        return cast(int, c.start_pos if isinstance(c, Token) else c.span.start)

    @staticmethod
    def _end(c: Any) -> int:
        return cast(int, c.end_pos if isinstance(c, Token) else c.span.end)

    @staticmethod
    def _tok_span(t: Token) -> Span:
        return Span(t.start_pos, t.end_pos)

    # --------------------------------------------------------- declarations
    def module(self, c: list[Any]) -> ast.Module:
        decls = tuple(_nodes(c))
        span = Span(decls[0].span.start, decls[-1].span.end) if decls else Span(0, 0)
        return ast.Module(decls, span=span)

    def interpolation(self, c: list[Any]) -> ast.Expr:
        return cast(ast.Expr, _nodes(c)[0])

    def import_decl(self, c: list[Any]) -> ast.Import:
        path = cast(Names, _nodes(c)[0])
        alias = _names(c)
        return ast.Import(path.value, alias[0] if alias else None, span=self._span(c))

    def module_path(self, c: list[Any]) -> Names:
        return Names(tuple(_names(c)), self._span(c))

    def const_decl(self, c: list[Any]) -> ast.ConstDecl:
        type_, value = _nodes(c)
        return ast.ConstDecl(_names(c)[0], type_, value, pub=_has(c, "PUB"), span=self._span(c))

    def type_decl(self, c: list[Any]) -> ast.TypeDecl:
        nodes = _nodes(c)
        params = nodes[0].value if isinstance(nodes[0], Names) else ()
        return ast.TypeDecl(_names(c)[0], params, nodes[-1], pub=_has(c, "PUB"), span=self._span(c))

    def type_params(self, c: list[Any]) -> Names:
        return Names(tuple(_names(c)), self._span(c))

    def record_def(self, c: list[Any]) -> ast.RecordDef:
        return ast.RecordDef(tuple(_nodes(c)), resource=_has(c, "RESOURCE"), span=self._span(c))

    def record_field(self, c: list[Any]) -> ast.RecordField:
        nodes = _nodes(c)
        return ast.RecordField(
            _names(c)[0], nodes[0], nodes[1] if len(nodes) > 1 else None, span=self._span(c)
        )

    def enum_def(self, c: list[Any]) -> ast.EnumDef:
        return ast.EnumDef(tuple(_nodes(c)), span=self._span(c))

    def variant(self, c: list[Any]) -> ast.Variant:
        return ast.Variant(_names(c)[0], None, span=self._span(c))

    def variant_fields(self, c: list[Any]) -> ast.Variant:
        return ast.Variant(_names(c)[0], tuple(_nodes(c)), span=self._span(c))

    def variant_field(self, c: list[Any]) -> ast.VariantField:
        names = _names(c)
        return ast.VariantField(names[0] if names else None, _nodes(c)[0], span=self._span(c))

    def cell_kind(self, c: list[Any]) -> Token:
        return cast(Token, c[0])

    def param(self, c: list[Any]) -> ast.Param:
        nodes = _nodes(c)
        return ast.Param(
            _names(c)[0],
            nodes[0],
            mutable=_has(c, "MUT"),
            where=nodes[1] if len(nodes) > 1 else None,
            span=self._span(c),
        )

    def return_type(self, c: list[Any]) -> ast.TypeExpr:
        return cast(ast.TypeExpr, _nodes(c)[0])

    def cell_decl(self, c: list[Any]) -> ast.CellDecl:
        head = self._cell_head(c)
        raw = cast(RawBlock, c[-1])
        clauses, stmts = self._split(raw, (ast.Requires, ast.Ensures, ast.Decreases), "cell")
        kind = next((x.value for x in c if isinstance(x, Token) and x.type in _KINDS), "cell")
        return ast.CellDecl(
            head.name,
            head.type_params,
            head.params,
            head.ret,
            cast(tuple[ast.ContractClause, ...], clauses),
            ast.Block(stmts, span=raw.span),
            pub=_has(c, "PUB"),
            kind=cast(ast.CellKind, kind),
            span=self._span(c),
        )

    def extern_decl(self, c: list[Any]) -> ast.CellDecl:
        head = self._cell_head(c)
        trusted = _has(c, "TRUSTED")
        clauses: tuple[Any, ...] = ()
        if isinstance(c[-1], RawBlock):
            raw = c[-1]
            clauses, stmts = self._split(raw, (ast.Requires, ast.Ensures, ast.Decreases), "cell")
            if stmts:
                self.s.report(
                    "E0017",
                    "an extern cell has no body",
                    stmts[0].span,
                    "the runtime supplies extern cells; only contract clauses "
                    "may follow a trusted extern's `:`",
                )
            if clauses and not trusted:
                self.s.report(
                    "E0018",
                    "only a `trusted extern cell` may carry contract clauses",
                    clauses[0].span,
                    "write `trusted extern cell` to have the verifier assume these clauses",
                )
        return ast.CellDecl(
            head.name,
            head.type_params,
            head.params,
            head.ret,
            cast(tuple[ast.ContractClause, ...], clauses),
            None,
            pub=_has(c, "PUB"),
            extern=True,
            trusted=trusted,
            span=self._span(c),
        )

    def _cell_head(self, c: list[Any]) -> _CellHead:
        params = tuple(x for x in c if isinstance(x, ast.Param))
        tparams = next((x.value for x in c if isinstance(x, Names)), ())
        ret = next(
            (x for x in c if isinstance(x, ast.NamedType | ast.RefinedType | ast.RangeType)), None
        )
        return _CellHead(_names(c)[0], tparams, params, ret)

    # ----------------------------------------------------------------- types
    def named_type(self, c: list[Any]) -> ast.NamedType:
        args = tuple(_nodes(c))
        return self.s.nested(ast.NamedType(tuple(_names(c)), args, span=self._span(c)), args)

    def refined_type(self, c: list[Any]) -> ast.RefinedType:
        base, pred = _nodes(c)
        node = ast.RefinedType(_names(c)[0], base, pred, span=self._span(c))
        return self.s.nested(node, (base, pred))

    def range_type(self, c: list[Any]) -> ast.RangeType:
        base, rng = _nodes(c)
        return self.s.nested(ast.RangeType(base, rng, span=self._span(c)), (base,))

    def range(self, c: list[Any]) -> ast.Range:
        lo, hi = _nodes(c)
        return ast.Range(lo, hi, _has(c, "DOTDOTEQ"), span=self._span(c))

    # ------------------------------------------------------------ statements
    def block(self, c: list[Any]) -> RawBlock:
        items = tuple(_nodes(c))
        return RawBlock(items, Span(items[0].span.start, items[-1].span.end))

    def _split(
        self, raw: RawBlock, allowed: tuple[type, ...], where: str
    ) -> tuple[tuple[Any, ...], tuple[ast.Stmt, ...]]:
        """Split leading clauses off a block; report misplaced ones (E0011, E0018)."""
        clauses: list[Any] = []
        stmts: list[ast.Stmt] = []
        for item in raw.items:
            if isinstance(item, _CLAUSES):
                word = _CLAUSE_WORD[type(item)]
                if not isinstance(item, allowed):
                    place = {
                        "cell": "a cell's contract",
                        "loop": "a loop's head or body",
                        "block": "this block",
                    }[where]
                    self.s.report(
                        "E0018",
                        f"`{word}` is not allowed in {place}",
                        item.span,
                        _clause_help(word),
                    )
                elif stmts:
                    self.s.report(
                        "E0011",
                        f"`{word}` clause after a statement",
                        item.span,
                        f"move the `{word}` clause above the first statement of "
                        f"the {'cell' if where == 'cell' else 'loop'} body",
                    )
                else:
                    clauses.append(item)
            else:
                stmts.append(item)
        return tuple(clauses), tuple(stmts)

    def _plain(self, raw: RawBlock) -> ast.Block:
        _, stmts = self._split(raw, (), "block")
        return ast.Block(stmts, span=raw.span)

    def _loop_parts(self, c: list[Any]) -> tuple[tuple[ast.LoopClause, ...], ast.Block]:
        raw = cast(RawBlock, c[-1])
        head = [x for x in c if isinstance(x, ast.Invariant | ast.Decreases)]
        body_clauses, stmts = self._split(raw, (ast.Invariant, ast.Decreases), "loop")
        if head and body_clauses:
            self.s.report(
                "E0012",
                "loop clauses in both the loop head and its body",
                body_clauses[0].span,
                "write all of them at the top of the body",
            )
        clauses = tuple(head) + cast(tuple[ast.LoopClause, ...], body_clauses)
        return clauses, ast.Block(stmts, span=raw.span)

    def val_stmt(self, c: list[Any]) -> ast.ValStmt:
        nodes = _nodes(c)
        value = nodes[-1]
        type_ = nodes[0] if len(nodes) > 1 else None
        where = nodes[1] if len(nodes) > 2 else None
        return ast.ValStmt(_names(c)[0], _has(c, "MUT"), type_, where, value, span=self._span(c))

    def assign_stmt(self, c: list[Any]) -> ast.Assign:
        target, op, value = c
        return ast.Assign(target, cast(ast.AssignOp, op.value), value, span=self._span(c))

    def expr_stmt(self, c: list[Any]) -> ast.ExprStmt:
        return ast.ExprStmt(c[0], span=self._span(c))

    def return_stmt(self, c: list[Any]) -> ast.ReturnStmt:
        nodes = _nodes(c)
        return ast.ReturnStmt(nodes[0] if nodes else None, span=self._span(c))

    def break_stmt(self, c: list[Any]) -> ast.BreakStmt:
        return ast.BreakStmt(span=self._span(c))

    def continue_stmt(self, c: list[Any]) -> ast.ContinueStmt:
        return ast.ContinueStmt(span=self._span(c))

    def assert_stmt(self, c: list[Any]) -> ast.AssertStmt:
        return ast.AssertStmt(_nodes(c)[0], span=self._span(c))

    def assume_stmt(self, c: list[Any]) -> ast.AssumeStmt:
        return ast.AssumeStmt(_nodes(c)[0], span=self._span(c))

    def requires_clause(self, c: list[Any]) -> ast.Requires:
        return ast.Requires(_nodes(c)[0], span=self._span(c))

    def ensures_clause(self, c: list[Any]) -> ast.Ensures:
        return ast.Ensures(_nodes(c)[0], span=self._span(c))

    def decreases_clause(self, c: list[Any]) -> ast.Decreases:
        return ast.Decreases(tuple(_nodes(c)), span=self._span(c))

    def invariant_clause(self, c: list[Any]) -> ast.Invariant:
        return ast.Invariant(_nodes(c)[0], span=self._span(c))

    def if_stmt(self, c: list[Any]) -> ast.IfStmt:
        cond, raw = _nodes(c)[:2]
        first = ast.IfBranch(cond, self._plain(raw), span=self._span(c[:3]))
        elifs = tuple(x for x in c if isinstance(x, ast.IfBranch))
        else_body = next((x for x in c if isinstance(x, ast.Block)), None)
        return ast.IfStmt((first, *elifs), else_body, span=self._span(c))

    def elif_branch(self, c: list[Any]) -> ast.IfBranch:
        cond, raw = _nodes(c)
        return ast.IfBranch(cond, self._plain(raw), span=self._span(c))

    def else_branch(self, c: list[Any]) -> ast.Block:
        return self._plain(_nodes(c)[0])

    def while_stmt(self, c: list[Any]) -> ast.WhileStmt:
        clauses, body = self._loop_parts(c)
        return ast.WhileStmt(_nodes(c)[0], clauses, body, span=self._span(c))

    def for_stmt(self, c: list[Any]) -> ast.ForStmt:
        clauses, body = self._loop_parts(c)
        return ast.ForStmt(_names(c)[0], _nodes(c)[0], clauses, body, span=self._span(c))

    def match_stmt(self, c: list[Any]) -> ast.MatchStmt:
        nodes = _nodes(c)
        return ast.MatchStmt(nodes[0], tuple(nodes[1:]), span=self._span(c))

    def match_arm(self, c: list[Any]) -> ast.MatchArm:
        nodes = _nodes(c)
        guard = nodes[1] if len(nodes) == 3 else None
        return ast.MatchArm(nodes[0], guard, self._plain(nodes[-1]), span=self._span(c))

    def unsafe_stmt(self, c: list[Any]) -> ast.UnsafeStmt:
        return ast.UnsafeStmt(self._plain(_nodes(c)[0]), span=self._span(c))

    # -------------------------------------------------------------- patterns
    def name_pattern(self, c: list[Any]) -> ast.Pattern:
        name = c[0].value
        if name == "_":
            return ast.WildcardPattern(span=self._span(c))
        return ast.NamePattern(name, span=self._span(c))

    def path_pattern(self, c: list[Any]) -> ast.VariantPattern:
        return ast.VariantPattern(tuple(_names(c)), None, span=self._span(c))

    def variant_pattern(self, c: list[Any]) -> ast.VariantPattern:
        return ast.VariantPattern(tuple(_names(c)), tuple(_nodes(c)), span=self._span(c))

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
        nodes = _nodes(c)
        kind: Literal["forall", "exists"] = "forall" if _has(c, "FORALL") else "exists"
        return self.s.nested(
            ast.Quantifier(kind, tuple(nodes[:-1]), nodes[-1], span=self._span(c)), nodes
        )

    def range_binder(self, c: list[Any]) -> ast.RangeBinder:
        return ast.RangeBinder(c[0].value, _nodes(c)[0], span=self._span(c))

    def type_binder(self, c: list[Any]) -> ast.TypeBinder:
        return ast.TypeBinder(c[0].value, _nodes(c)[0], span=self._span(c))

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
            _check_int_range(self.s, lit, negated=True)
        return self.s.nested(ast.Unary("-", lit, span=self._span([op, lit])), (lit,))

    def cast(self, c: list[Any]) -> ast.Cast:
        expr, _as, name = c
        target = ast.NamedType((name.value,), (), span=self._tok_span(name))
        return self.s.nested(ast.Cast(expr, target, span=self._span(c)), (expr,))

    def field_access(self, c: list[Any]) -> ast.FieldAccess:
        return self.s.nested(ast.FieldAccess(c[0], _names(c[1:])[0], span=self._span(c)), c[:1])

    def method_call(self, c: list[Any]) -> ast.MethodCall:
        name = _names(c[1:])[0]
        args = tuple(x for x in c[1:] if isinstance(x, ast.Arg))
        node = ast.MethodCall(c[0], name, args, span=self._span(c))
        return self.s.nested(node, [c[0], *(a.value for a in args)])

    def index(self, c: list[Any]) -> ast.Index:
        obj, index = _nodes(c)
        return self.s.nested(ast.Index(obj, index, span=self._span(c)), (obj, index))

    def try_expr(self, c: list[Any]) -> ast.Try:
        return self.s.nested(ast.Try(c[0], span=self._span(c)), c[:1])

    def int_lit(self, c: list[Any]) -> ast.IntLit | ast.FloatLit:
        tok = c[0]
        span = self._tok_span(tok)
        parts = split_number(tok.value, is_float=False)
        if parts.suffix == "f64" and parts.text.replace("_", "").isdigit():
            return ast.FloatLit(float(parts.text), "f64", parts.text, span=span)
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
        inner = _nodes(c)[0]
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
        elems = tuple(_nodes(c))
        return self.s.nested(ast.VecLit(elems, span=self._span(c)), elems)

    def name(self, c: list[Any]) -> ast.Name:
        return ast.Name(c[0].value, span=self._span(c))

    def path(self, c: list[Any]) -> ast.Path:
        return ast.Path(tuple(_names(c)), span=self._span(c))

    def call(self, c: list[Any]) -> ast.Call:
        names = _names(c)
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
        node = ast.RecordLit(tuple(_names(c)), fields, span=self._span(c))
        return self.s.nested(node, [f.value for f in fields])

    def arg(self, c: list[Any]) -> ast.Arg:
        return ast.Arg(_nodes(c)[0], mut=_has(c, "MUT"), span=self._span(c))

    def field_init(self, c: list[Any]) -> ast.FieldInit:
        return ast.FieldInit(c[0].value, _nodes(c)[0], span=self._span(c))


@dataclass(frozen=True, slots=True)
class _CellHead:
    name: str
    type_params: tuple[str, ...]
    params: tuple[ast.Param, ...]
    ret: ast.TypeExpr | None


def _has_position(c: Any) -> bool:
    if isinstance(c, Token):
        return c.type not in ("_NL", "_INDENT", "_DEDENT")
    return hasattr(c, "span")


def _check_int_range(s: BuildSession, lit: ast.IntLit, negated: bool) -> None:
    assert lit.suffix is not None
    lo, hi = INT_RANGES[lit.suffix]
    value = -lit.value if negated else lit.value
    if not lo <= value <= hi:
        shown = f"-{lit.text}" if negated else lit.text
        s.report(
            "E0006",
            f"integer literal `{shown}{lit.suffix}` out of range for `{lit.suffix}`",
            lit.span,
            f"`{lit.suffix}` holds {lo} to {hi}",
        )


def _clause_help(word: str) -> str:
    if word in ("requires", "ensures"):
        return f"`{word}` belongs at the top of a cell body"
    if word == "invariant":
        return "`invariant` belongs at the top of a `while` or `for` body"
    return "`decreases` belongs at the top of a cell or loop body"
