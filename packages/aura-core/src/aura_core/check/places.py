"""Places: what may be assigned, mutated by a method, or passed as ``mut``.

A place is a mutable local, or a field or index path from one (``p.x``,
``grid[i][j]``).  Two ``mut`` arguments of one call may not overlap (spec
section 3.1): ``v`` and ``v[i]`` overlap, and so do ``v[i]`` and ``v[j]`` unless
``i`` and ``j`` are distinct constants (E0117).

Nor may another argument of the call change a place that overlaps a ``mut``
argument while the arguments are evaluated (E0140): the receiver of a method
that changes it counts as a ``mut`` argument (spec section 7.1), so
``v.push(f(mut v))`` and ``add1(mut a, set5(mut a))`` are rejected, in either
order of the arguments.  Every engine then sees the same thing: no argument can
tell whether the ``mut`` place was taken before or after it ran
(docs/reference/evaluation-order.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from aura_core import ast, tir
from aura_core.check.base import CheckerBase
from aura_core.check.typeops import display
from aura_core.source import Span
from aura_core.tirwalk import changed_places
from aura_core.types import Refined, Type

__all__ = ["check_changed_by_others", "check_mut_args", "mutable_place", "place_path"]

#: One step of a place path: a field index, or an index that is a constant (or None).
Step = tuple[str, int | None]


def place_path(e: tir.Expr) -> tuple[tir.Local, tuple[Step, ...]] | None:
    """The root local and the steps of a place expression; None if not a place."""
    steps: list[Step] = []
    while True:
        match e:
            case tir.LocalRef(local=local):
                return local, tuple(reversed(steps))
            case tir.FieldGet(obj=obj, index=index):
                steps.append(("field", index))
                e = obj
            case tir.Index(obj=obj, index=index):
                steps.append(("index", index.value if isinstance(index, tir.IntConst) else None))
                e = obj
            case _:
                return None


def mutable_place(checker: CheckerBase, e: tir.Expr, purpose: str) -> bool:
    """Report unless ``e`` is a place rooted at a mutable local (E0114, E0115)."""
    found = place_path(e)
    if found is None:
        checker.error(
            "E0115",
            f"cannot {purpose}: this is not a variable, field or element",
            e.span,
            help="store the value in a `val mut` variable first",
        )
        return False
    local, _ = found
    if not local.mutable:
        checker.error(
            "E0114",
            f"cannot {purpose}: `{local.name}` is not mutable",
            e.span,
            labels=((local.span, f"`{local.name}` declared here"),),
            help=f"declare it mutable: `val mut {local.name}`",
        )
        return False
    return True


def _overlap(a: tuple[Step, ...], b: tuple[Step, ...]) -> bool:
    for (kind_a, x), (kind_b, y) in zip(a, b, strict=False):
        if kind_a != kind_b:
            return False
        if kind_a == "field" and x != y:
            return False
        if kind_a == "index" and x is not None and y is not None and x != y:
            return False
    return True


def check_mut_args(
    checker: CheckerBase,
    params: Sequence[tir.Local],
    args: Sequence[tir.Arg],
    written: Sequence[ast.Arg],
    offset: int,
) -> None:
    """``mut`` written exactly where the parameter is ``mut``, on places, not overlapping."""
    places: list[tuple[tir.Local, tuple[Step, ...], tir.Expr]] = []
    for i, (param, arg) in enumerate(zip(params, args, strict=False)):
        source = written[i - offset] if i >= offset else None
        if param.mutable and source is not None and not source.mut:
            checker.error(
                "E0116",
                f"`{param.name}` is a `mut` parameter: write `mut` at the call",
                arg.value.span,
                help="pass it as `mut`",
                edit=(Span(arg.value.span.start, arg.value.span.start), "mut "),
            )
            continue
        if not param.mutable and source is not None and source.mut:
            checker.error(
                "E0116",
                f"`{param.name}` is not a `mut` parameter",
                source.span,
                help="remove `mut`",
            )
            continue
        if not param.mutable:
            continue
        purpose = "pass it as `mut`" if source is not None else "call this method on it"
        if not mutable_place(checker, arg.value, purpose):
            continue
        if arg.value.type != param.type:
            wanted, got = f"`{display(param.type)}`", f"`{display(arg.value.type)}`"
            if wanted == got:  # the same base type: the refinements differ
                wanted, got = _refinement_shown(param.type), _refinement_shown(arg.value.type)
            checker.error(
                "E0109",
                f"a `mut` argument must have exactly the parameter's type {wanted}, not {got}",
                arg.value.span,
                notes=("the callee reads and writes it as a value of its parameter's type",),
            )
        found = place_path(arg.value)
        assert found is not None
        for local, steps, other in places:
            if local.id == found[0].id and _overlap(steps, found[1]):
                checker.error(
                    "E0117",
                    "two `mut` arguments of this call overlap",
                    arg.value.span,
                    labels=((other.span, "overlaps with this one"),),
                    notes=("a callee may change both, so they must be distinct places",),
                )
        places.append((found[0], found[1], arg.value))
    check_changed_by_others(checker, args, receiver=offset == 1)


def check_changed_by_others(
    checker: CheckerBase, args: Sequence[tir.Arg], receiver: bool = False
) -> None:
    """Report a ``mut`` argument that another argument of the call changes (E0140).

    ``receiver``: the first argument is a method's receiver (for the note).
    """
    changed = [changed_places(a.value) for a in args]
    for k, arg in enumerate(args):
        found = place_path(arg.value) if arg.mut else None
        if found is None:
            continue
        for j, places in enumerate(changed):
            if j == k:
                continue
            for place in places:
                other = place_path(place)
                if other is None or other[0].id != found[0].id:
                    continue
                if _overlap(found[1], other[1]):
                    checker.error(
                        "E0140",
                        f"this argument changes `{found[0].name}`, which the call "
                        "also takes as `mut`",
                        place.span,
                        labels=((arg.value.span, "taken as `mut` here"),),
                        notes=(
                            "the receiver of a method that changes it counts as a `mut` argument",
                        )
                        if receiver and k == 0
                        else (),
                        help="compute the argument into a variable before the call",
                    )
                    return


def _refinement_shown(t: Type) -> str:
    """A type with its refinement visible, for messages where the bases agree."""
    return f"`{t}`" if isinstance(t, Refined) else f"`{display(t)}` (unrefined)"
