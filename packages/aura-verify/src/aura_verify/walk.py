"""Syntactic questions about typed expressions and statements.

- :func:`free_locals`: the locals an expression reads (a refinement predicate
  that reads only its own variable can be assumed of any value of its type);
- :func:`assigned` : the locals a loop may change (the loop frame: everything
  else keeps its value across iterations, spec section 4 via issue 5);
- :func:`has_effects`: whether evaluating an expression can change a variable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from aura_core import tir
from aura_core.methods import builtin_method
from aura_verify.state import Key, key

__all__ = ["assigned", "children", "free_locals", "has_effects", "place_root"]


def children(e: tir.Expr) -> Iterator[tir.Expr]:
    """The direct sub-expressions of ``e``."""
    if isinstance(e, tir.Binary):
        yield e.left
        yield e.right
    elif isinstance(e, tir.Unary):
        yield e.operand
    elif isinstance(e, tir.Cast | tir.Old | tir.Try):
        yield e.expr
    elif isinstance(e, tir.Conditional):
        yield from (e.cond, e.then, e.otherwise)
    elif isinstance(e, tir.Call):
        yield from (a.value for a in e.args)
    elif isinstance(e, tir.MethodCall):
        yield e.receiver
        yield from e.args
    elif isinstance(e, tir.BuiltinCall | tir.StaticCall | tir.VariantLit):
        yield from e.args
    elif isinstance(e, tir.RecordLit):
        yield from e.fields
    elif isinstance(e, tir.VecLit):
        yield from e.elems
    elif isinstance(e, tir.FieldGet):
        yield e.obj
    elif isinstance(e, tir.Index):
        yield e.obj
        yield e.index
    elif isinstance(e, tir.Interpolation):
        yield from (p for p in e.parts if not isinstance(p, str))
    elif isinstance(e, tir.Quantifier):
        for b in e.binders:
            yield from (x for x in (b.lo, b.hi) if x is not None)
        yield e.body


def free_locals(e: tir.Expr) -> set[Key]:
    """Locals read by ``e``, quantifier-bound ones excluded."""
    out: set[Key] = set()

    def visit(x: tir.Expr, bound: frozenset[Key]) -> None:
        if isinstance(x, tir.LocalRef):
            if key(x.local) not in bound:
                out.add(key(x.local))
            return
        if isinstance(x, tir.Quantifier):
            inner = bound | {key(b.local) for b in x.binders}
            for b in x.binders:
                for y in (b.lo, b.hi):
                    if y is not None:
                        visit(y, bound)
            visit(x.body, inner)
            return
        for c in children(x):
            visit(c, bound)

    visit(e, frozenset())
    return out


def place_root(e: tir.Expr) -> tir.Local | None:
    """The local at the root of a place (``v`` in ``v[i].x``)."""
    while isinstance(e, tir.FieldGet | tir.Index):
        e = e.obj
    return e.local if isinstance(e, tir.LocalRef) else None


def _mutating(e: tir.MethodCall) -> bool:
    sig = builtin_method(e.receiver.type, e.method)
    return sig is not None and sig.mutates


def _expr_assigns(e: tir.Expr, out: set[Key]) -> None:
    if isinstance(e, tir.MethodCall) and _mutating(e):
        root = place_root(e.receiver)
        if root is not None:
            out.add(key(root))
    if isinstance(e, tir.Call):
        for a in e.args:
            if a.mut:
                root = place_root(a.value)
                if root is not None:
                    out.add(key(root))
    for c in children(e):
        _expr_assigns(c, out)


def _stmt_exprs(s: tir.Stmt) -> Iterator[tir.Expr]:
    if isinstance(s, tir.Let):
        yield s.value
    elif isinstance(s, tir.Assign):
        yield s.target
        yield s.value
    elif isinstance(s, tir.ExprStmt):
        yield s.expr
    elif isinstance(s, tir.If):
        for c, _ in s.branches:
            yield c
    elif isinstance(s, tir.While):
        yield s.cond
    elif isinstance(s, tir.ForRange):
        yield s.lo
        yield s.hi
    elif isinstance(s, tir.ForEach):
        yield s.iterable
    elif isinstance(s, tir.Match):
        yield s.scrutinee
        for arm in s.arms:
            if arm.guard is not None:
                yield arm.guard
    elif isinstance(s, tir.Return) and s.value is not None:
        yield s.value
    elif isinstance(s, tir.LemmaCall):
        yield s.call


def _blocks(s: tir.Stmt) -> Iterator[tir.Block]:
    if isinstance(s, tir.If):
        for _, b in s.branches:
            yield b
        if s.otherwise is not None:
            yield s.otherwise
    elif isinstance(s, tir.While | tir.ForRange | tir.ForEach | tir.Unsafe):
        yield s.body
    elif isinstance(s, tir.Match):
        for arm in s.arms:
            yield arm.body


def assigned(stmts: Iterable[tir.Stmt]) -> set[Key]:
    """Locals that ``stmts`` may change: assignment targets, ``mut`` arguments,
    receivers of mutating methods (declarations inside are included; the caller
    only havocs what is live before the loop)."""
    out: set[Key] = set()
    for s in stmts:
        if isinstance(s, tir.Assign):
            root = place_root(s.target)
            if root is not None:
                out.add(key(root))
        for e in _stmt_exprs(s):
            _expr_assigns(e, out)
        for b in _blocks(s):
            out |= assigned(b.stmts)
    return out


def has_effects(e: tir.Expr) -> bool:
    """Whether evaluating ``e`` may change a variable of the caller."""
    out: set[Key] = set()
    _expr_assigns(e, out)
    return bool(out)
