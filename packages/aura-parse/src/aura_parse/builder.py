"""The tree-to-AST builder: lark callbacks that construct :mod:`aura_core.ast` nodes.

This module holds the callbacks of declarations, types and statements, where
clauses are split off and misplaced ones reported; expressions and patterns are
in :mod:`aura_parse.build_exprs`, the shared session in :mod:`aura_parse.build_base`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from aura_core import ast
from aura_core.source import Span
from aura_parse.build_base import (
    MAX_EXPR_DEPTH,
    BuildSession,
    Names,
    RawBlock,
    has_token,
    kid_names,
    kids,
)
from aura_parse.build_exprs import ExprBuilder
from aura_parse.lexer import Token

__all__ = ["MAX_EXPR_DEPTH", "AstBuilder", "BuildSession", "RawBlock"]

_KINDS = frozenset({"PURE", "LEMMA", "TEST"})
_CLAUSES = (ast.Requires, ast.Ensures, ast.Decreases, ast.Invariant)
_CLAUSE_WORD = {
    ast.Requires: "requires",
    ast.Ensures: "ensures",
    ast.Decreases: "decreases",
    ast.Invariant: "invariant",
}


class AstBuilder(ExprBuilder):
    """Callbacks named after the grammar's rules and aliases (see aura.lark)."""

    # --------------------------------------------------------- declarations
    def module(self, c: list[Any]) -> ast.Module:
        decls = tuple(kids(c))
        span = Span(decls[0].span.start, decls[-1].span.end) if decls else Span(0, 0)
        return ast.Module(decls, span=span)

    def interpolation(self, c: list[Any]) -> ast.Expr:
        return cast(ast.Expr, kids(c)[0])

    def import_decl(self, c: list[Any]) -> ast.Import:
        path = cast(Names, kids(c)[0])
        alias = kid_names(c)
        return ast.Import(path.value, alias[0] if alias else None, span=self._span(c))

    def module_path(self, c: list[Any]) -> Names:
        return Names(tuple(kid_names(c)), self._span(c))

    def const_decl(self, c: list[Any]) -> ast.ConstDecl:
        type_, value = kids(c)
        return ast.ConstDecl(
            kid_names(c)[0], type_, value, pub=has_token(c, "PUB"), span=self._span(c)
        )

    def type_decl(self, c: list[Any]) -> ast.TypeDecl:
        nodes = kids(c)
        params = nodes[0].value if isinstance(nodes[0], Names) else ()
        return ast.TypeDecl(
            kid_names(c)[0], params, nodes[-1], pub=has_token(c, "PUB"), span=self._span(c)
        )

    def type_params(self, c: list[Any]) -> Names:
        return Names(tuple(kid_names(c)), self._span(c))

    def record_def(self, c: list[Any]) -> ast.RecordDef:
        return ast.RecordDef(tuple(kids(c)), resource=has_token(c, "RESOURCE"), span=self._span(c))

    def record_field(self, c: list[Any]) -> ast.RecordField:
        nodes = kids(c)
        return ast.RecordField(
            kid_names(c)[0], nodes[0], nodes[1] if len(nodes) > 1 else None, span=self._span(c)
        )

    def enum_def(self, c: list[Any]) -> ast.EnumDef:
        return ast.EnumDef(tuple(kids(c)), span=self._span(c))

    def variant(self, c: list[Any]) -> ast.Variant:
        return ast.Variant(kid_names(c)[0], None, span=self._span(c))

    def variant_fields(self, c: list[Any]) -> ast.Variant:
        return ast.Variant(kid_names(c)[0], tuple(kids(c)), span=self._span(c))

    def variant_field(self, c: list[Any]) -> ast.VariantField:
        names = kid_names(c)
        return ast.VariantField(names[0] if names else None, kids(c)[0], span=self._span(c))

    def cell_kind(self, c: list[Any]) -> Token:
        return cast(Token, c[0])

    def param(self, c: list[Any]) -> ast.Param:
        nodes = kids(c)
        return ast.Param(
            kid_names(c)[0],
            nodes[0],
            mutable=has_token(c, "MUT"),
            where=nodes[1] if len(nodes) > 1 else None,
            span=self._span(c),
        )

    def return_type(self, c: list[Any]) -> ast.TypeExpr:
        return cast(ast.TypeExpr, kids(c)[0])

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
            pub=has_token(c, "PUB"),
            kind=cast(ast.CellKind, kind),
            span=self._span(c),
        )

    def extern_decl(self, c: list[Any]) -> ast.CellDecl:
        head = self._cell_head(c)
        trusted = has_token(c, "TRUSTED")
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
            pub=has_token(c, "PUB"),
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
        return _CellHead(kid_names(c)[0], tparams, params, ret)

    # ----------------------------------------------------------------- types
    def named_type(self, c: list[Any]) -> ast.NamedType:
        args = tuple(kids(c))
        return self.s.nested(ast.NamedType(tuple(kid_names(c)), args, span=self._span(c)), args)

    def refined_type(self, c: list[Any]) -> ast.RefinedType:
        base, pred = kids(c)
        node = ast.RefinedType(kid_names(c)[0], base, pred, span=self._span(c))
        return self.s.nested(node, (base, pred))

    def range_type(self, c: list[Any]) -> ast.RangeType:
        base, rng = kids(c)
        return self.s.nested(ast.RangeType(base, rng, span=self._span(c)), (base,))

    def range(self, c: list[Any]) -> ast.Range:
        lo, hi = kids(c)
        return ast.Range(lo, hi, has_token(c, "DOTDOTEQ"), span=self._span(c))

    # ------------------------------------------------------------ statements
    def block(self, c: list[Any]) -> RawBlock:
        items = tuple(kids(c))
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
        nodes = kids(c)
        value = nodes[-1]
        type_ = nodes[0] if len(nodes) > 1 else None
        where = nodes[1] if len(nodes) > 2 else None
        return ast.ValStmt(
            kid_names(c)[0], has_token(c, "MUT"), type_, where, value, span=self._span(c)
        )

    def assign_stmt(self, c: list[Any]) -> ast.Assign:
        target, op, value = c
        return ast.Assign(target, cast(ast.AssignOp, op.value), value, span=self._span(c))

    def expr_stmt(self, c: list[Any]) -> ast.ExprStmt:
        return ast.ExprStmt(c[0], span=self._span(c))

    def return_stmt(self, c: list[Any]) -> ast.ReturnStmt:
        nodes = kids(c)
        return ast.ReturnStmt(nodes[0] if nodes else None, span=self._span(c))

    def break_stmt(self, c: list[Any]) -> ast.BreakStmt:
        return ast.BreakStmt(span=self._span(c))

    def continue_stmt(self, c: list[Any]) -> ast.ContinueStmt:
        return ast.ContinueStmt(span=self._span(c))

    def assert_stmt(self, c: list[Any]) -> ast.AssertStmt:
        return ast.AssertStmt(kids(c)[0], span=self._span(c))

    def assume_stmt(self, c: list[Any]) -> ast.AssumeStmt:
        return ast.AssumeStmt(kids(c)[0], span=self._span(c))

    def requires_clause(self, c: list[Any]) -> ast.Requires:
        return ast.Requires(kids(c)[0], span=self._span(c))

    def ensures_clause(self, c: list[Any]) -> ast.Ensures:
        return ast.Ensures(kids(c)[0], span=self._span(c))

    def decreases_clause(self, c: list[Any]) -> ast.Decreases:
        return ast.Decreases(tuple(kids(c)), span=self._span(c))

    def invariant_clause(self, c: list[Any]) -> ast.Invariant:
        return ast.Invariant(kids(c)[0], span=self._span(c))

    def if_stmt(self, c: list[Any]) -> ast.IfStmt:
        cond, raw = kids(c)[:2]
        first = ast.IfBranch(cond, self._plain(raw), span=self._span(c[:3]))
        elifs = tuple(x for x in c if isinstance(x, ast.IfBranch))
        else_body = next((x for x in c if isinstance(x, ast.Block)), None)
        return ast.IfStmt((first, *elifs), else_body, span=self._span(c))

    def elif_branch(self, c: list[Any]) -> ast.IfBranch:
        cond, raw = kids(c)
        return ast.IfBranch(cond, self._plain(raw), span=self._span(c))

    def else_branch(self, c: list[Any]) -> ast.Block:
        return self._plain(kids(c)[0])

    def while_stmt(self, c: list[Any]) -> ast.WhileStmt:
        clauses, body = self._loop_parts(c)
        return ast.WhileStmt(kids(c)[0], clauses, body, span=self._span(c))

    def for_stmt(self, c: list[Any]) -> ast.ForStmt:
        clauses, body = self._loop_parts(c)
        return ast.ForStmt(kid_names(c)[0], kids(c)[0], clauses, body, span=self._span(c))

    def match_stmt(self, c: list[Any]) -> ast.MatchStmt:
        nodes = kids(c)
        return ast.MatchStmt(nodes[0], tuple(nodes[1:]), span=self._span(c))

    def match_arm(self, c: list[Any]) -> ast.MatchArm:
        nodes = kids(c)
        guard = nodes[1] if len(nodes) == 3 else None
        return ast.MatchArm(nodes[0], guard, self._plain(nodes[-1]), span=self._span(c))

    def unsafe_stmt(self, c: list[Any]) -> ast.UnsafeStmt:
        return ast.UnsafeStmt(self._plain(kids(c)[0]), span=self._span(c))


@dataclass(frozen=True, slots=True)
class _CellHead:
    name: str
    type_params: tuple[str, ...]
    params: tuple[ast.Param, ...]
    ret: ast.TypeExpr | None


def _clause_help(word: str) -> str:
    if word in ("requires", "ensures"):
        return f"`{word}` belongs at the top of a cell body"
    if word == "invariant":
        return "`invariant` belongs at the top of a `while` or `for` body"
    return "`decreases` belongs at the top of a cell or loop body"
