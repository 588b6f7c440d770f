"""Affine resources: a resource value is used at most once (spec section 2).

Runs over a checked cell.  Binding, assigning, passing by value or returning a
local whose type is a resource moves it; using a moved local afterwards is
E0118, with a label where it moved.  The analysis is flow-sensitive and
conservative: after an ``if`` or ``match``, a local moved on any path counts as
moved; a loop body is walked twice, so a move in one iteration is seen by the
next.  Assigning a new value to a moved ``val mut`` local makes it usable again.
A type that contains a resource (a record field, a vector element, an
``Option``) is affine too, and moving a field or element out of a local moves the
whole local.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aura_core import tir
from aura_core.check.places import place_path
from aura_core.check.report import Reporter
from aura_core.source import SourceFile, Span
from aura_core.types import Type

__all__ = ["check_moves"]

#: Moved locals: local id -> where it moved.
Moves = dict[int, Span]


def check_moves(
    cell: tir.CellDef, is_resource: Callable[[Type], bool], report: Reporter, file: SourceFile
) -> None:
    if cell.body is None:
        return
    _Walker(is_resource, report, file).block(cell.body, {})


class _Walker:
    def __init__(self, is_resource: Callable[[Type], bool], report: Reporter, file: SourceFile):
        self.is_resource = is_resource
        self.report = report
        self.file = file
        self.reported: set[int] = set()

    # ---------------------------------------------------------------- uses
    def use(self, e: tir.Expr, moved: Moves, consume: bool) -> None:
        """Visit ``e``; ``consume`` when its value is taken (moved) rather than read."""
        match e:
            case tir.LocalRef(local=local):
                self.touch(local, e.span, moved)
                if consume and self.is_resource(local.type):
                    moved[local.id] = e.span
            case tir.FieldGet(obj=obj) | tir.Index(obj=obj):
                self.use(obj, moved, consume=False)
                if isinstance(e, tir.Index):
                    self.use(e.index, moved, consume=False)
                found = place_path(e)
                if consume and found is not None and self.is_resource(e.type):
                    moved[found[0].id] = e.span  # moving a part out moves the whole
            case tir.Conditional(cond=cond, then=then, otherwise=otherwise):
                self.use(cond, moved, consume=False)
                branch = dict(moved)
                self.use(then, branch, consume)
                self.use(otherwise, moved, consume)
                moved.update(branch)
            case tir.MethodCall(receiver=receiver, args=args):
                self.use(receiver, moved, consume=False)
                self.uses(args, moved)
            case tir.Call(args=args):
                for a in args:
                    self.use(a.value, moved, consume=not a.mut)
            case _:
                taken, read = _children(e)
                self.uses(taken, moved)
                for x in read:
                    self.use(x, moved, consume=False)

    def uses(self, exprs: Iterable[tir.Expr], moved: Moves) -> None:
        for x in exprs:
            self.use(x, moved, consume=True)

    def touch(self, local: tir.Local, span: Span, moved: Moves) -> None:
        where = moved.get(local.id)
        if where is not None and local.id not in self.reported:
            self.reported.add(local.id)
            self.report.error(
                "E0118",
                f"`{local.name}` is used after it was moved",
                self.file,
                span,
                labels=((where, f"`{local.name}` moved here"),),
                notes=(f"`{local.name}` has a resource type, which can be used only once",),
                help="use the resource before moving it, or pass it to a `mut` parameter "
                "to lend it instead",
            )

    # ---------------------------------------------------------- statements
    def loop(self, iteration: Callable[[], None], moved: Moves) -> None:
        """Walk a loop's iteration twice, so that a move in one is seen by the next.

        The walk is a function of ``moved``: when one iteration leaves it as it
        found it, a second would see and report exactly the same, so it is left
        out.  Without that, nested loops cost 2**depth walks of the innermost
        body; with it, a loop whose iterations move nothing is walked once and
        the cost is polynomial in the depth.
        """
        before = dict(moved)
        iteration()
        if moved != before:
            iteration()

    def block(self, block: tir.Block, moved: Moves) -> None:
        for s in block.stmts:
            self.stmt(s, moved)

    def stmt(self, s: tir.Stmt, moved: Moves) -> None:
        match s:
            case tir.Let(local=local, value=value):
                self.use(value, moved, consume=True)
                moved.pop(local.id, None)  # a fresh binding, in a loop a fresh value each time
            case tir.Assign(target=target, value=value):
                self.use(value, moved, consume=True)
                if isinstance(target, tir.LocalRef):
                    moved.pop(target.local.id, None)
                else:
                    self.use(target, moved, consume=False)
            case tir.ExprStmt(expr=expr) | tir.Assert(cond=expr) | tir.Assume(cond=expr):
                self.use(expr, moved, consume=True)
            case tir.Return(value=value):
                if value is not None:
                    self.use(value, moved, consume=True)
            case tir.If(branches=branches, otherwise=otherwise):
                after: Moves = {}
                for cond, body in branches:
                    self.use(cond, moved, consume=False)
                    branch = dict(moved)
                    self.block(body, branch)
                    after.update(branch)
                rest = dict(moved)
                if otherwise is not None:
                    self.block(otherwise, rest)
                after.update(rest)
                moved.update(after)
            case tir.Match(scrutinee=scrutinee, arms=arms):
                self.use(scrutinee, moved, consume=True)
                after = dict(moved)
                for arm in arms:
                    branch = dict(moved)
                    if arm.guard is not None:
                        self.use(arm.guard, branch, consume=False)
                    self.block(arm.body, branch)
                    after.update(branch)
                moved.update(after)
            case tir.While(cond=cond, body=body):

                def iteration() -> None:
                    self.use(cond, moved, consume=False)
                    self.block(body, moved)

                self.loop(iteration, moved)
            case tir.ForRange(lo=lo, hi=hi, body=body):
                self.use(lo, moved, consume=False)
                self.use(hi, moved, consume=False)
                self.loop(lambda: self.block(body, moved), moved)
            case tir.ForEach(iterable=iterable, body=body):
                self.use(iterable, moved, consume=False)
                self.loop(lambda: self.block(body, moved), moved)
            case tir.Unsafe(body=body):
                self.block(body, moved)
            case tir.LemmaCall() | tir.Break() | tir.Continue():
                pass


def _children(e: tir.Expr) -> tuple[list[tir.Expr], list[tir.Expr]]:
    """The direct sub-expressions of ``e``: those whose values are taken, those only read."""
    match e:
        case tir.VecLit(elems=items) | tir.StaticCall(args=items) | tir.VariantLit(args=items):
            return list(items), []
        case tir.RecordLit(fields=items):
            return list(items), []
        case tir.Try(expr=x):
            return [x], []
        case tir.Interpolation(parts=parts):
            return [], [p for p in parts if not isinstance(p, str)]
        case tir.BuiltinCall(args=items):
            return [], list(items)
        case tir.Unary(operand=x) | tir.Cast(expr=x) | tir.Old(expr=x):
            return [], [x]
        case tir.Binary(left=a, right=b):
            return [], [a, b]
        case tir.Quantifier(body=body):
            return [], [body]
    return [], []
