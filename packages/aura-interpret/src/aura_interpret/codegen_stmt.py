"""Code for statements (spec section 4): bindings, assignments, branches, match, return.

Statements become Python statements; the loops are in
:mod:`aura_interpret.codegen_loops`.  ``e?`` and calls with ``mut`` arguments
that stand alone as a statement's value are unfolded into statements here,
which is cheaper than their expression forms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aura_core import tir
from aura_core.prelude import OPTION
from aura_core.source import Span
from aura_core.tirwalk import path_indexes
from aura_core.types import Adt, Refined, Type, is_integer, strip_refinement
from aura_interpret.codegen_loops import LoopGen
from aura_interpret.emit import wrap
from aura_interpret.tirwalk import is_mutating, may_write, place_root, written_roots

__all__ = ["StmtGen"]


def _simple(e: tir.Expr) -> bool:
    return isinstance(e, tir.LocalRef | tir.IntConst | tir.BoolConst | tir.StrConst | tir.ConstRef)


def _pure_value(e: tir.Expr) -> bool:
    """An expression without calls, effects or failures (locals, constants, fields)."""
    match e:
        case tir.LocalRef() | tir.IntConst() | tir.FloatConst() | tir.BoolConst():
            return True
        case tir.StrConst() | tir.ConstRef() | tir.UnitConst():
            return True
        case tir.FieldGet(obj=o):
            return _pure_value(o)
    return False


class StmtGen(LoopGen):
    """Statements and blocks."""

    if TYPE_CHECKING:

        def return_path(self, code: str, offset: int) -> None: ...

    def block(self, b: tir.Block) -> None:
        before = len(self.em.lines)
        stmts = b.stmts
        for k, s in enumerate(stmts):
            self.stmt(s, stmts[k + 1 :])
        if len(self.em.lines) == before:
            self.emit("pass", b.span)

    def stmt(self, s: tir.Stmt, rest: tuple[tir.Stmt, ...]) -> None:
        straight = isinstance(s, tir.Let | tir.Assign | tir.ExprStmt | tir.Return)
        with self.hoisting(straight or isinstance(s, tir.Assert | tir.Assume)):
            self._stmt(s, rest)

    def _stmt(self, s: tir.Stmt, rest: tuple[tir.Stmt, ...]) -> None:
        match s:
            case tir.Let():
                self.let(s, rest)
            case tir.Assign():
                self.assign(s)
            case tir.ExprStmt():
                self.expr_stmt(s)
            case tir.If():
                self.if_(s)
            case tir.While():
                self.while_(s)
            case tir.ForRange():
                self.for_range(s)
            case tir.ForEach():
                self.for_each(s)
            case tir.Match():
                self.match(s)
            case tir.Return(value=value):
                self.return_(s, value)
            case tir.Break():
                flag = self.loops[-1].break_flag
                if flag is not None:
                    self.emit(f"{flag} = True", s.span)
                self.emit("break", s.span)
            case tir.Continue():
                self.emit("continue", s.span)
            case tir.Assert(cond=c):
                if not self.trusted("assertion", s.span):
                    self.check_stmt(c, f"assertion failed: {self.text(c.span)}", s.span)
            case tir.Assume(cond=c):
                self.check_stmt(c, f"assumption failed: {self.text(c.span)}", s.span)
            case tir.Unsafe(body=b):
                self.block(b)
            case tir.LemmaCall():
                pass  # erased before running (spec section 3.1)

    # ------------------------------------------------------------- bindings
    def bind(self, name: str, v: tir.Expr, span: Span, *, copy: bool = True) -> None:
        """``name = v`` as statements: ``e?`` and ``mut`` calls are unfolded here."""
        if isinstance(v, tir.Call) and any(a.mut for a in v.args):
            self.emit(f"{name} = {wrap(self.mut_call_stmt(v, span))}", span)
            return
        if isinstance(v, tir.Try):
            code = self.try_stmt(v, span)
            dup = self.dup_name(v.type)
            if copy and dup is not None and self.is_place_like(v.expr):
                code = f"{dup}({code})"
            self.emit(f"{name} = {code}", span)
            return
        code = self.value(v) if copy else self.expr(v)
        self.emit(f"{name} = {wrap(code)}", span)

    def mut_call_stmt(self, e: tir.Call, span: Span) -> str:
        """Emit a call with ``mut`` arguments and its write-backs; returns its result."""
        call, backs = self.mut_call_parts(e)
        m = self.tmp("m")
        self.emit(f"{m} = {wrap(call)}", span)
        for k, back in enumerate(backs):
            self.emit(back(f"{m}[{k + 1}]"), span)
        return f"{m}[0]"

    def try_stmt(self, e: tir.Try, span: Span) -> str:
        """Emit ``e?``'s test and early return; returns the unwrapped value."""
        o = self.tmp("o")
        self.emit(f"{o} = {wrap(self.expr(e.expr))}", span)
        t = strip_refinement(e.expr.type)
        assert isinstance(t, Adt)
        self.emit(f"if {o}[0] != 0:", span)
        with self.em.indented():
            self.return_path("(1,)" if t.decl == OPTION else o, span.start)
        return f"{o}[1]"

    def let(self, s: tir.Let, rest: tuple[tir.Stmt, ...]) -> None:
        local = s.local
        name = self.local(local)
        v = s.value
        root = place_root(v)
        borrow = (
            not local.mutable
            and root is not None
            and not isinstance(v, tir.Try)
            and self.is_place_like(v)
            and root.id not in written_roots(rest)
        )
        if not borrow:
            self.owners.add(local.id)
        if not local.mutable and is_integer(local.type):
            self.iv.facts[id(local)] = self.iv.of(v)
        self.bind(name, v, s.span, copy=not borrow)
        if not self.trusted("refinement", v.span):
            self.refine_stmt(local.type, name, f"`{local.name}`", s.span)

    def assign(self, s: tir.Assign) -> None:
        """``place = value`` and ``place op= value`` in the order of spec section 7.1.

        The value first, then the place's index expressions left to right, then
        the place is read (for ``op=``) and written.  A value that may change a
        variable or fail is computed into a temporary before anything of the
        place is touched; a value that can do neither is left in place, where
        evaluating it early or late is unobservable.
        """
        target = s.target
        value = s.value
        if not _pure_value(value) and (s.op != "=" or not isinstance(target, tir.LocalRef)):
            x = self.tmp("x")
            code = self.value(value) if s.op == "=" else self.expr(value)
            self.emit(f"{x} = {wrap(code)}", value.span)
            value = self.stand_in(x, value)
        if isinstance(target, tir.LocalRef):
            name = self.local(target.local)
            if s.op == "=":
                self.bind(name, value, s.span)
            else:
                self.emit(f"{name} = {wrap(self.compound(target, s, value))}", s.span)
            self.refine_store(target.type, name, f"`{target.local.name}`", s)
            return
        assert isinstance(target, tir.FieldGet | tir.Index)
        frozen = self.freeze(target)
        assert isinstance(frozen, tir.FieldGet | tir.Index)
        what = f"field `{target.name}`" if isinstance(target, tir.FieldGet) else "an element"
        offset = s.span.start
        container = self.owned_stmt(frozen.obj, offset)
        if s.op == "=":
            code = self.value(value)
        else:
            code = self.compound(self.slot(frozen, container), s, value)
        if isinstance(target.type, Refined):
            x = self.tmp("x")
            self.emit(f"{x} = {wrap(code)}", s.span)
            self.refine_store(target.type, x, what, s)
            code = x
        self.store_into(container, frozen, code, offset)

    def refine_store(self, t: Type, var: str, what: str, s: tir.Assign) -> None:
        """The refinement checks of an assignment, unless proven (V0010 is about the
        stored value, at the value's place)."""
        if not self.trusted("refinement", s.value.span):
            self.refine_stmt(t, var, what, s.span)

    def stand_in(self, name: str, e: tir.Expr) -> tir.LocalRef:
        """A reference to the Python variable ``name``, holding a value of ``e``'s type."""
        local = tir.Local(-1, name, e.type, True, e.span)
        self.rename[id(local)] = name
        return tir.LocalRef(e.type, local, span=e.span)

    def slot(self, target: tir.FieldGet | tir.Index, container: str) -> tir.Expr:
        """``target`` read from ``container``, a Python variable holding its object."""
        ref = self.stand_in(container, target.obj)
        if isinstance(target, tir.FieldGet):
            return tir.FieldGet(target.type, ref, target.name, target.index, span=target.span)
        return tir.Index(target.type, ref, target.index, span=target.span)

    def compound(self, target: tir.Expr, s: tir.Assign, value: tir.Expr) -> str:
        """``target op value`` for ``s``: the place read now, ``value`` computed or pure."""
        t = strip_refinement(target.type)
        return self.expr(tir.Binary(t, s.op[0], target, value, span=s.span))  # type: ignore[arg-type]

    def freeze(self, e: tir.Expr) -> tir.Expr:
        """The place ``e`` with its non-trivial indexes evaluated now, into temporaries."""
        match e:
            case tir.FieldGet(obj=obj):
                return tir.FieldGet(e.type, self.freeze(obj), e.name, e.index, span=e.span)
            case tir.Index(obj=obj, index=i):
                base = self.freeze(obj)
                if not _simple(i):
                    t = self.tmp("i")
                    self.emit(f"{t} = {wrap(self.expr(i))}", i.span)
                    i = self.stand_in(t, i)
                return tir.Index(e.type, base, i, span=e.span)
        return e

    def expr_stmt(self, s: tir.ExprStmt) -> None:
        e = s.expr
        if isinstance(e, tir.Call) and any(a.mut for a in e.args):
            self.mut_call_stmt(e, s.span)
            return
        if isinstance(e, tir.Try):
            self.try_stmt(e, s.span)
            return
        if (
            isinstance(e, tir.MethodCall)
            and is_mutating(e)
            and not any(may_write(a) for a in e.args)
            and all(_simple(i) for i in path_indexes(e.receiver))
        ):
            name = self.owned_stmt(e.receiver, s.span.start)
            code = self.method_code(e, strip_refinement(e.receiver.type), name)
            self.emit(wrap(code), s.span)
            return
        self.emit(wrap(self.expr(e)), s.span)

    # ------------------------------------------------------------- branches
    def if_(self, s: tir.If) -> None:
        for k, (c, b) in enumerate(s.branches):
            word = "if" if k == 0 else "elif"
            with self.hoisting(k == 0):
                cond = self.expr(c)
            self.emit(f"{word} {wrap(cond)}:", c.span if k else s.span)
            with self.em.indented():
                self.block(b)
        if s.otherwise is not None:
            self.emit("else:", s.otherwise.span)
            with self.em.indented():
                self.block(s.otherwise)

    def match(self, s: tir.Match) -> None:
        sc = s.scrutinee
        root = place_root(sc)
        arm_stmts: list[tir.Stmt] = []
        for arm in s.arms:
            if arm.guard is not None:
                arm_stmts.append(tir.ExprStmt(arm.guard, arm.guard.span))
            arm_stmts.extend(arm.body.stmts)
        arms_write = root is not None and root.id in written_roots(arm_stmts)
        if isinstance(sc, tir.LocalRef) and not arms_write:
            subject = self.local(sc.local)
        else:
            # An arm that changes the matched variable must not change what
            # its patterns bound: they see a copy.
            subject = self.tmp("s")
            with self.hoisting():
                code = self.value(sc) if arms_write else self.expr(sc)
            self.emit(f"{subject} = {wrap(code)}", s.span)
        for k, arm in enumerate(s.arms):
            tests: list[str] = []
            binds: list[tuple[str, str]] = []
            self.pattern(arm.pattern, subject, tests, binds)
            if arm.guard is not None:
                tests.extend(f"(({n} := {v}) is {n})" for n, v in binds)
                tests.append(self.expr(arm.guard))
                binds = []
            cond = " and ".join(tests) if tests else "True"
            self.emit(f"{'if' if k == 0 else 'elif'} {wrap(cond)}:", arm.span)
            with self.em.indented():
                for n, v in binds:
                    self.emit(f"{n} = {v}", arm.pattern.span)
                self.block(arm.body)

    def pattern(
        self, p: tir.Pattern, subject: str, tests: list[str], binds: list[tuple[str, str]]
    ) -> None:
        match p:
            case tir.WildcardPattern():
                pass
            case tir.BindPattern(local=local):
                binds.append((self.local(local), subject))
            case tir.LiteralPattern(value=lit):
                tests.append(f"{subject} == {self.expr(lit)}")
            case tir.VariantPattern(index=index, args=args):
                tests.append(f"{subject}[0] == {index}")
                for k, sub in enumerate(args):
                    self.pattern(sub, f"{subject}[{k + 1}]", tests, binds)

    # ---------------------------------------------------------------- return
    def return_(self, s: tir.Return, value: tir.Expr | None) -> None:
        if value is None:
            self.return_path("None", s.span.start)
        elif isinstance(value, tir.Call) and any(a.mut for a in value.args):
            self.return_path(self.mut_call_stmt(value, s.span), s.span.start)
        elif isinstance(value, tir.Try):
            code = self.try_stmt(value, s.span)
            dup = self.dup_name(value.type)
            if dup is not None and self.is_place_like(value.expr):
                code = f"{dup}({code})"
            self.return_path(code, s.span.start)
        else:
            self.return_path(self.value(value, moving=True), s.span.start)
