"""Walking typed expressions: their sub-expressions, and the parts of places.

Shared by the checker and every back end, so that they agree on what an
expression contains and on the order its parts are evaluated in (spec 7.1).
"""

from __future__ import annotations

from collections.abc import Iterator

from aura_core import tir
from aura_core.methods import builtin_method
from aura_core.types import strip_refinement

__all__ = ["changed_places", "children", "path_indexes", "read_root", "snapshots", "walk_expr"]

#: Methods whose result is (a copy of) part of their receiver or argument.
_EXTRACTING = frozenset({"unwrap", "unwrap_or", "expect", "unwrap_err"})


def children(e: tir.Expr) -> Iterator[tir.Expr]:
    """The direct sub-expressions of ``e``, in evaluation order."""
    match e:
        case tir.Interpolation(parts=parts):
            yield from (p for p in parts if not isinstance(p, str))
        case tir.VecLit(elems=xs) | tir.RecordLit(fields=xs):
            yield from xs
        case tir.VariantLit(args=xs) | tir.BuiltinCall(args=xs) | tir.StaticCall(args=xs):
            yield from xs
        case tir.Call(args=args):
            yield from (a.value for a in args)
        case tir.MethodCall(receiver=r, args=xs):
            yield r
            yield from xs
        case tir.FieldGet(obj=o):
            yield o
        case tir.Index(obj=o, index=i):
            yield o
            yield i
        case tir.Unary(operand=x) | tir.Cast(expr=x) | tir.Old(expr=x) | tir.Try(expr=x):
            yield x
        case tir.Binary(left=a, right=b):
            yield a
            yield b
        case tir.Conditional(cond=c, then=a, otherwise=b):
            yield c
            yield a
            yield b
        case tir.Quantifier(binders=binders, body=body):
            for binder in binders:
                if binder.lo is not None:
                    yield binder.lo
                if binder.hi is not None:
                    yield binder.hi
            yield body


def walk_expr(e: tir.Expr) -> Iterator[tir.Expr]:
    """``e`` and every expression inside it."""
    stack = [e]
    while stack:
        x = stack.pop()
        yield x
        stack.extend(children(x))


def path_indexes(e: tir.Expr) -> list[tir.Expr]:
    """The index expressions along place ``e``, from its root outwards (their order)."""
    out: list[tir.Expr] = []
    while isinstance(e, tir.FieldGet | tir.Index):
        if isinstance(e, tir.Index):
            out.append(e.index)
        e = e.obj
    out.reverse()
    return out


def changed_places(e: tir.Expr) -> list[tir.Expr]:
    """The places that evaluating ``e`` may change: ``mut`` arguments and the
    receivers of methods that change them, at any depth."""
    out: list[tir.Expr] = []
    for x in walk_expr(e):
        if isinstance(x, tir.Call):
            out.extend(a.value for a in x.args if a.mut)
        elif isinstance(x, tir.MethodCall):
            sig = builtin_method(strip_refinement(x.receiver.type), x.method)
            if sig is not None and sig.mutates:
                out.append(x.receiver)
    return out


def read_root(e: tir.Expr) -> tir.Local | None:
    """The variable whose storage the value of ``e`` may still be (None if fresh)."""
    while True:
        match e:
            case tir.LocalRef(local=local):
                return local
            case tir.FieldGet(obj=o) | tir.Index(obj=o) | tir.Try(expr=o):
                e = o
            case tir.MethodCall(receiver=r, method=m) if m in _EXTRACTING:
                e = r
            case _:
                return None


def snapshots(e: tir.Expr) -> list[tir.Expr]:
    """The sub-expressions of ``e`` whose value must be copied when evaluated.

    Left to right (spec 7.1): a sub-expression that reads a variable (``v`` in
    ``show(v, grow(mut v))``, the receiver ``w`` of ``w.get(grow(mut w))``) has
    its value before a later sibling changes the variable.  An engine that
    passes the variable's storage instead must copy it then.
    """
    kids = list(children(e))
    if len(kids) < 2 or isinstance(e, tir.Quantifier):
        return []
    later: set[int] = set()
    out: list[tir.Expr] = []
    for kid in reversed(kids):
        root = read_root(kid)
        if root is not None and root.id in later:
            out.append(kid)
        for p in changed_places(kid):
            r = read_root(p)
            if r is not None:
                later.add(r.id)
    return out
