"""Checking statements, blocks and patterns (spec section 4)."""

from __future__ import annotations

from aura_core import ast, exhaustive, prelude, tir
from aura_core.check.exprs import ExprChecker
from aura_core.check.lemma_rules import check_lemma_arguments
from aura_core.check.places import mutable_place
from aura_core.check.typeops import display, is_error
from aura_core.types import (
    BOOL,
    ERROR,
    STRING,
    UNIT,
    Prim,
    Refined,
    Type,
    VecType,
    is_integer,
    strip_refinement,
)

__all__ = ["StmtChecker"]


class StmtChecker(ExprChecker):
    """Typed statements of one cell body."""

    def block(self, b: ast.Block) -> tir.Block:
        self.scopes.push()
        try:
            stmts = [s for s in (self.stmt(x) for x in b.stmts) if s is not None]
        finally:
            self.scopes.pop()
        return tir.Block(tuple(stmts), b.span)

    def spec(self, e: ast.Expr, what: str) -> tir.Expr:
        with self.ctx.specification():
            return self.expect(e, BOOL, what)

    def stmt(self, s: ast.Stmt) -> tir.Stmt | None:
        match s:
            case ast.ValStmt():
                return self.val(s)
            case ast.Assign():
                return self.assign(s)
            case ast.ExprStmt(e):
                return self.expr_stmt(s, e)
            case ast.IfStmt(branches, otherwise):
                arms = tuple(
                    (self.expect(b.cond, BOOL, "in `if` condition"), self.block(b.body))
                    for b in branches
                )
                return tir.If(arms, self.block(otherwise) if otherwise else None, s.span)
            case ast.WhileStmt(cond, clauses, body):
                c = self.expect(cond, BOOL, "in `while` condition")
                spec = self.loop_spec(clauses)
                if self.ctx.pure and not spec.decreases:
                    self.error(
                        "E0124",
                        f"a loop in a {self.ctx.kind} cell needs a `decreases` clause",
                        s.span,
                        help="add `decreases <measure>` at the top of the loop body",
                    )
                with self.ctx.in_loop():
                    return tir.While(c, spec, self.block(body), s.span)
            case ast.ForStmt():
                return self.for_(s)
            case ast.MatchStmt():
                return self.match(s)
            case ast.ReturnStmt(value):
                return self.return_(s, value)
            case ast.BreakStmt() | ast.ContinueStmt():
                word = "break" if isinstance(s, ast.BreakStmt) else "continue"
                if not self.ctx.loops:
                    self.error("E0135", f"`{word}` outside a loop", s.span)
                return tir.Break(s.span) if word == "break" else tir.Continue(s.span)
            case ast.AssertStmt(cond):
                return tir.Assert(self.spec(cond, "in `assert`"), s.span)
            case ast.AssumeStmt(cond):
                return tir.Assume(self.spec(cond, "in `assume`"), s.span)
            case ast.UnsafeStmt(body):
                with self.ctx.in_unsafe():
                    return tir.Unsafe(self.block(body), s.span)
        raise AssertionError(s)

    # ------------------------------------------------------------- bindings
    def binding_type(self, name: str, t: ast.TypeExpr, where: ast.Expr | None) -> Type:
        declared = self.resolve_type(t)
        if where is None:
            return declared
        with self.ctx.specification():
            self.scopes.push()
            try:
                var = self.new_local(name, declared, False, where.span)
                pred = self.expect(where, BOOL, "in `where` predicate")
            finally:
                self.scopes.pop()
        return Refined(declared, var, pred, self.ctx.module.path)

    def val(self, s: ast.ValStmt) -> tir.Stmt:
        if s.type is not None:
            t = self.binding_type(s.name, s.type, s.where)
            value = self.expect(s.value, t, f"in the initialiser of `{s.name}`")
        else:
            value = self.expr(s.value)
            t = value.type
            if strip_refinement(t) == UNIT and not is_error(t):
                self.warn_unit_binding(s)
        local = self.new_local(s.name, t, s.mutable, s.span)
        return tir.Let(local, value, s.span)

    def warn_unit_binding(self, s: ast.ValStmt) -> None:
        self.ctx.program.report.warning(
            "W0001",
            f"`{s.name}` is bound to `()`",
            self.file,
            s.span,
            help="the expression returns nothing; call it as a statement instead",
        )

    def assign(self, s: ast.Assign) -> tir.Stmt:
        target = self.expr(s.target)
        mutable_place(self, target, "assign to it")
        t = target.type
        if s.op != "=":
            base = strip_refinement(t)
            ok = (
                base == STRING
                if s.op == "+=" and base == STRING
                else (is_integer(base) or base == Prim("f64"))
            )
            if not ok and not is_error(base):
                self.error("E0111", f"cannot apply `{s.op}` to `{display(t)}`", s.span)
        value = self.expect(s.value, t, "in assignment")
        return tir.Assign(target, s.op, value, s.span)

    def expr_stmt(self, s: ast.ExprStmt, e: ast.Expr) -> tir.Stmt:
        lemma = self.lemma_call(e)
        self.ctx.statement_call = lemma
        try:
            value = self.expr(e)
        finally:
            self.ctx.statement_call = False
        if lemma and isinstance(value, tir.Call):
            check_lemma_arguments(value, self.env, self.ctx.program.report, self.file)
            return tir.LemmaCall(value, s.span)
        t = strip_refinement(value.type)
        if t != UNIT and not is_error(t):
            self.ctx.program.report.warning(
                "W0001",
                f"a value of type `{display(t)}` is computed and dropped",
                self.file,
                s.span,
                help="bind it with `val _x = ...` if you only need its effects",
            )
        return tir.ExprStmt(value, s.span)

    def lemma_call(self, e: ast.Expr) -> bool:
        if not isinstance(e, ast.Call):
            return False
        callee = e.callee
        if isinstance(callee, ast.Name):
            ref = self.env.own(self.module, callee.id)
        elif isinstance(callee, ast.Path) and len(callee.parts) == 2:
            target = self.env.imported(self.module, callee.parts[0])
            ref = self.env.own(target, callee.parts[1]) if target else None
        else:
            return False
        return ref is not None and isinstance(ref.decl, ast.CellDecl) and ref.decl.kind == "lemma"

    # ----------------------------------------------------------------- loops
    def loop_spec(self, clauses: tuple[ast.LoopClause, ...]) -> tir.LoopSpec:
        invariants: list[tir.Expr] = []
        measures: list[tir.Expr] = []
        span = None
        for c in clauses:
            if isinstance(c, ast.Invariant):
                invariants.append(self.spec(c.cond, "in `invariant`"))
            else:
                span = c.span
                measures.extend(self.measures(c))
        return tir.LoopSpec(tuple(invariants), tuple(measures), span)

    def measures(self, c: ast.Decreases) -> list[tir.Expr]:
        out = []
        with self.ctx.specification():
            for m in c.measures:
                value = self.expr(m)
                if not is_integer(value.type) and not is_error(value.type):
                    self.error(
                        "E0109",
                        f"a `decreases` measure must be an integer, not `{display(value.type)}`",
                        value.span,
                    )
                out.append(value)
        return out

    def for_(self, s: ast.ForStmt) -> tir.Stmt:
        if isinstance(s.iterable, ast.Range):
            lo, hi = self.range_bounds(s.iterable)
            self.scopes.push()
            try:
                var = self.new_local(s.var, strip_refinement(lo.type), False, s.span)
                spec = self.loop_spec(s.clauses)
                with self.ctx.in_loop():
                    body = self.block(s.body)
            finally:
                self.scopes.pop()
            return tir.ForRange(var, lo, hi, s.iterable.inclusive, spec, body, s.span)
        iterable = self.expr(s.iterable)
        t = strip_refinement(iterable.type)
        if isinstance(t, VecType):
            elem: Type = t.elem
        else:
            if not is_error(t):
                self.error(
                    "E0109",
                    f"cannot iterate over `{display(t)}`",
                    iterable.span,
                    help="iterate over a `Vec`, or over a range `a..b`"
                    + (": `m.keys()`" if t.__class__.__name__ == "MapType" else ""),
                )
            elem = ERROR
        self.scopes.push()
        try:
            var = self.new_local(s.var, elem, False, s.span)
            spec = self.loop_spec(s.clauses)
            with self.ctx.in_loop():
                body = self.block(s.body)
        finally:
            self.scopes.pop()
        return tir.ForEach(var, iterable, spec, body, s.span)

    # ---------------------------------------------------------------- return
    def return_(self, s: ast.ReturnStmt, value: ast.Expr | None) -> tir.Stmt:
        ret = self.ctx.ret
        if value is None:
            if strip_refinement(ret) != UNIT and not is_error(ret):
                self.error(
                    "E0109",
                    f"`return` without a value in a cell that returns `{display(ret)}`",
                    s.span,
                )
            return tir.Return(None, s.span)
        return tir.Return(self.expect(value, ret, "in `return`"), s.span)

    # ----------------------------------------------------------------- match
    def match(self, s: ast.MatchStmt) -> tir.Stmt:
        scrutinee = self.expr(s.scrutinee)
        arms: list[tir.MatchArm] = []
        for arm in s.arms:
            self.scopes.push()
            try:
                pattern = self.pattern(arm.pattern, scrutinee.type)
                guard = self.expect(arm.guard, BOOL, "in match guard") if arm.guard else None
                body = self.block(arm.body)
            finally:
                self.scopes.pop()
            arms.append(tir.MatchArm(pattern, guard, body, arm.span))
        if not is_error(scrutinee.type):
            report = exhaustive.check_match(
                scrutinee.type, [(a.pattern, a.guard is not None) for a in arms], self.enum_def
            )
            if report.missing:
                more = " and more" if report.more_missing else ""
                listed = ", ".join(f"`{m}`" for m in report.missing)
                first = report.missing[0]
                self.error(
                    "E0120",
                    f"this `match` does not cover {listed}{more}",
                    s.scrutinee.span,
                    help=f"add an arm for `{first}`, or a `_:` arm",
                )
            for i in report.unreachable:
                self.ctx.program.report.warning(
                    "W0120",
                    "this arm is never reached: earlier arms cover its values",
                    self.file,
                    arms[i].span,
                    help="remove it, or move it above the arm that covers it",
                )
        return tir.Match(scrutinee, tuple(arms), s.span)

    def pattern(self, p: ast.Pattern, t: Type) -> tir.Pattern:
        base = strip_refinement(t)
        match p:
            case ast.WildcardPattern():
                return tir.WildcardPattern(p.span)
            case ast.NamePattern(name):
                enum = self.enum_of(base)
                if enum is not None:
                    definition, _ = enum
                    for i, v in enumerate(definition.variants):
                        if v.name == name and not v.fields:
                            return tir.VariantPattern(name, i, (), p.span)
                if name == "None" and not is_error(base):
                    self.error(
                        "E0109", f"`None` does not match a value of type `{display(base)}`", p.span
                    )
                    return tir.WildcardPattern(p.span)
                return tir.BindPattern(self.new_local(name, t, False, p.span), p.span)
            case ast.LiteralPattern(value):
                lit = self.expr(value, base)
                self.require(lit, base, p.span, "in pattern")
                if isinstance(lit, tir.IntConst | tir.BoolConst | tir.StrConst):
                    return tir.LiteralPattern(lit, p.span)
                return tir.WildcardPattern(p.span)
            case ast.VariantPattern(path, args):
                return self.variant_pattern(p, path, args, base)
        raise AssertionError(p)

    def variant_pattern(
        self,
        p: ast.VariantPattern,
        path: tuple[str, ...],
        args: tuple[ast.Pattern, ...] | None,
        t: Type,
    ) -> tir.Pattern:
        if is_error(t):
            for a in args or ():
                self.pattern(a, ERROR)
            return tir.WildcardPattern(p.span)
        enum = self.enum_of(t)
        name = path[-1]
        if enum is None:
            self.error(
                "E0109", f"a variant pattern does not match a value of type `{display(t)}`", p.span
            )
            return tir.WildcardPattern(p.span)
        definition, mapping = enum
        expected_owner = definition.name
        if len(path) > 1 and path[-2] != expected_owner.name:
            self.error("E0109", f"`{'::'.join(path)}` is not a variant of `{display(t)}`", p.span)
            return tir.WildcardPattern(p.span)
        if len(path) == 1 and expected_owner not in (prelude.OPTION, prelude.RESULT):
            self.error(
                "E0100", f"write the variant with its enum: `{expected_owner.name}::{name}`", p.span
            )
        for i, v in enumerate(definition.variants):
            if v.name == name:
                subs = args or ()
                if len(subs) != len(v.fields):
                    self.error(
                        "E0108",
                        f"`{name}` has {len(v.fields)} field"
                        f"{'s' if len(v.fields) != 1 else ''}, but the pattern has "
                        f"{len(subs)}",
                        p.span,
                    )
                inner = tuple(
                    self.pattern(a, self.subst(ft, mapping) if k < len(v.fields) else ERROR)
                    for k, (a, ft) in enumerate(
                        zip(subs, [f for _, f in v.fields] + [ERROR] * len(subs), strict=False)
                    )
                )
                return tir.VariantPattern(name, i, inner, p.span)
        self.error(
            "E0100",
            f"`{display(t)}` has no variant `{name}`",
            p.span,
            help=self.suggest(name, [v.name for v in definition.variants]),
        )
        return tir.WildcardPattern(p.span)
