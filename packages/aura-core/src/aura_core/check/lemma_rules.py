"""What a lemma call and a lemma body may contain (spec section 8).

A lemma call and the lemma's body are erased before the program runs, so
nothing in them may do what running would have to do:

- a lemma's arguments are specification expressions (E0136): no ``mut``
  argument, no call of a cell that is not pure, no method that changes its
  receiver, no ``print``/``panic``, no ``?``.  The verifier evaluates them; an
  effect there would be one the run never has.
- a lemma's body has no ``assume`` (E0137): an ``assume`` is checked at run
  time where it is not proven, and an erased one never is, so it would be a
  fact nobody checks.  A lemma states what it needs as ``requires``, which
  every caller proves.
"""

from __future__ import annotations

from aura_core import ast, methods, tir
from aura_core.check.env import Environment
from aura_core.check.report import Reporter
from aura_core.check.treewalk import nodes
from aura_core.source import SourceFile, Span

__all__ = ["check_lemma_arguments", "check_lemma_body"]


def _effect(node: object, env: Environment) -> tuple[Span, str] | None:
    """What in ``node`` is not a specification expression, and where."""
    if isinstance(node, tir.Call):
        ref = env.find(node.cell)
        if ref is not None and isinstance(ref.decl, ast.CellDecl) and ref.decl.kind != "pure":
            return node.span, f"a call of `{node.cell.name}`, which is not pure"
        for a in node.args:
            if a.mut:
                return a.value.span, "a `mut` argument"
    elif isinstance(node, tir.MethodCall):
        sig = methods.builtin_method(node.receiver.type, node.method)
        if sig is not None and sig.mutates:
            return node.span, f"`{node.method}`, which changes its receiver"
    elif isinstance(node, tir.BuiltinCall):
        return node.span, f"a call of `{node.name}`"
    elif isinstance(node, tir.Try):
        return node.span, "the `?` operator"
    return None


def check_lemma_arguments(
    call: tir.Call, env: Environment, report: Reporter, file: SourceFile
) -> None:
    """E0136 at the first part of a lemma call's arguments that has an effect."""
    found: list[tuple[Span, str]] = []
    for a in call.args:
        if a.mut:
            found.append((a.value.span, "a `mut` argument"))
        for node in nodes(a.value):
            effect = _effect(node, env)
            if effect is not None:
                found.append(effect)
    if not found:
        return
    span, what = min(found, key=lambda f: f[0].start)
    report.error(
        "E0136",
        f"the arguments of the lemma `{call.cell.name}` are specifications, and this is {what}",
        file,
        span,
        notes=("a lemma call is erased before the program runs, so its arguments never run",),
        help="compute the value in a `val` before the lemma call and pass that",
    )


def check_lemma_body(body: tir.Block | None, report: Reporter, file: SourceFile) -> None:
    """E0137 at every ``assume`` in a lemma's body."""
    for node in nodes(body):
        if isinstance(node, tir.Assume):
            report.error(
                "E0137",
                "a lemma cannot `assume`: the lemma is erased, so the assumption would "
                "never be checked",
                file,
                node.span,
                help="state it as a `requires` of the lemma, which every call must prove",
            )
