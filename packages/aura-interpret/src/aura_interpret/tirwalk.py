"""Small read-only analyses of the typed program that the code generator asks for.

All are syntactic and conservative: "may write" means some statement could
change a variable, which is what the copy-on-write decisions need to be safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from aura_core import methods, tir
from aura_core.tirwalk import children, walk_expr
from aura_core.types import strip_refinement

__all__ = [
    "EXTRACTING_METHODS",
    "children",
    "is_mutating",
    "may_write",
    "place_root",
    "stmt_exprs",
    "walk_expr",
    "written_roots",
]

#: Methods whose result is (a copy of) part of their receiver or argument.
EXTRACTING_METHODS = frozenset({"unwrap", "unwrap_or", "expect", "unwrap_err"})


def _spec_exprs(spec: tir.LoopSpec) -> Iterator[tir.Expr]:
    yield from spec.invariants
    yield from spec.decreases


def stmt_exprs(stmts: Iterable[tir.Stmt]) -> Iterator[tir.Expr]:
    """Every top-level expression of the statements, nested blocks included."""
    for s in stmts:
        match s:
            case tir.Let(value=v) | tir.ExprStmt(expr=v):
                yield v
            case tir.Assign(target=t, value=v):
                yield t
                yield v
            case tir.If(branches=branches, otherwise=otherwise):
                for c, b in branches:
                    yield c
                    yield from stmt_exprs(b.stmts)
                if otherwise is not None:
                    yield from stmt_exprs(otherwise.stmts)
            case tir.While(cond=c, spec=spec, body=b):
                yield c
                yield from _spec_exprs(spec)
                yield from stmt_exprs(b.stmts)
            case tir.ForRange(lo=lo, hi=hi, spec=spec, body=b):
                yield lo
                yield hi
                yield from _spec_exprs(spec)
                yield from stmt_exprs(b.stmts)
            case tir.ForEach(iterable=it, spec=spec, body=b):
                yield it
                yield from _spec_exprs(spec)
                yield from stmt_exprs(b.stmts)
            case tir.Match(scrutinee=sc, arms=arms):
                yield sc
                for arm in arms:
                    if arm.guard is not None:
                        yield arm.guard
                    yield from stmt_exprs(arm.body.stmts)
            case tir.Return(value=v):
                if v is not None:
                    yield v
            case tir.Assert(cond=c) | tir.Assume(cond=c):
                yield c
            case tir.Unsafe(body=b):
                yield from stmt_exprs(b.stmts)


def place_root(e: tir.Expr) -> tir.Local | None:
    """The variable a place (or a value taken out of one) is rooted at; None if fresh."""
    while True:
        match e:
            case tir.LocalRef(local=local):
                return local
            case tir.FieldGet(obj=o) | tir.Index(obj=o) | tir.Try(expr=o) | tir.Old(expr=o):
                e = o
            case tir.MethodCall(receiver=r, method=m) if m in EXTRACTING_METHODS:
                e = r
            case _:
                return None


def is_mutating(e: tir.MethodCall) -> bool:
    sig = methods.builtin_method(strip_refinement(e.receiver.type), e.method)
    return sig is not None and sig.mutates


def may_write(e: tir.Expr) -> bool:
    """Whether evaluating ``e`` may change a variable (a mutating method, a ``mut`` argument)."""
    for x in walk_expr(e):
        if isinstance(x, tir.MethodCall) and is_mutating(x):
            return True
        if isinstance(x, tir.Call) and any(a.mut for a in x.args):
            return True
    return False


def written_roots(stmts: Iterable[tir.Stmt]) -> set[int]:
    """Ids of the variables the statements may change (assign, mutate, pass as ``mut``)."""
    out: set[int] = set()
    stmts = list(stmts)

    def add(place: tir.Expr) -> None:
        root = place_root(place)
        if root is not None:
            out.add(root.id)

    for s in _all_stmts(stmts):
        if isinstance(s, tir.Assign):
            add(s.target)
    for e in stmt_exprs(stmts):
        for x in walk_expr(e):
            if isinstance(x, tir.MethodCall) and is_mutating(x):
                add(x.receiver)
            elif isinstance(x, tir.Call):
                for a in x.args:
                    if a.mut:
                        add(a.value)
    return out


def _all_stmts(stmts: Iterable[tir.Stmt]) -> Iterator[tir.Stmt]:
    for s in stmts:
        yield s
        match s:
            case tir.If(branches=branches, otherwise=otherwise):
                for _, b in branches:
                    yield from _all_stmts(b.stmts)
                if otherwise is not None:
                    yield from _all_stmts(otherwise.stmts)
            case (
                tir.While(body=b) | tir.ForRange(body=b) | tir.ForEach(body=b) | tir.Unsafe(body=b)
            ):
                yield from _all_stmts(b.stmts)
            case tir.Match(arms=arms):
                for arm in arms:
                    yield from _all_stmts(arm.body.stmts)
