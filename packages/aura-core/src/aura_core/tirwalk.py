"""Walking typed expressions: their sub-expressions, and the parts of places.

Shared by the checker and every back end, so that they agree on what an
expression contains and on the order its parts are evaluated in (spec 7.1).
"""

from __future__ import annotations

from collections.abc import Iterator

from aura_core import tir

__all__ = ["children", "path_indexes", "walk_expr"]


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
