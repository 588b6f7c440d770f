"""Proving one obligation with Z3, and what to say when that does not work.

Each obligation gets a fresh solver holding the cell's axioms, the path facts
and the negated goal, with the per-obligation time limit of ``--timeout``:

- ``unsat``: proven;
- ``sat``: ``failed``, with the model's values of the parameters and the locals
  in scope as the counterexample; unless the path depends on a construct that
  is modelled only in part (the counterexample may be spurious, so the status
  is ``unknown`` and the message names the construct) or the obligation is not
  certainly a panic (``soft``);
- ``unknown``: ``timeout`` when the solver ran out of time, else ``unknown``
  with the solver's reason (typically incomplete quantifier reasoning).
"""

from __future__ import annotations

import z3

from aura_verify.counterexample import show
from aura_verify.obligations import Obligation
from aura_verify.results import Failure
from aura_verify.vcgen import Conditions

__all__ = ["prove"]

#: Symbols shared by unrelated facts that never make a counterexample spurious
#: (the byte length of strings): they do not link facts in the cone of influence.
_NEUTRAL = ("str.bytes!",)

_ABSTRACT = (
    "the values satisfy the contracts and loop invariants on the way here "
    "but need not come from a run"
)


def prove(ob: Obligation, conds: Conditions, timeout: float) -> Failure | None:
    """None when ``ob`` is proven; otherwise why not."""
    axioms, sorts = conds.axioms, conds.sorts
    if ob.preset is not None or ob.goal is None:
        return Failure(
            "unknown", ob.code, ob.preset or ob.message, ob.file, ob.span, (), ob.related
        )
    s = z3.Solver()
    s.set("timeout", max(1, int(timeout * 1000)))
    s.add(*axioms)
    s.add(*ob.facts)
    s.add(z3.Not(ob.goal))
    try:
        answer = s.check()
    except z3.Z3Exception as exc:
        return Failure(
            "unknown",
            ob.code,
            f"{ob.message} (the solver failed: {exc})",
            ob.file,
            ob.span,
            (),
            ob.related,
        )
    if answer == z3.unsat:
        return None
    if answer == z3.sat:
        model = s.model()
        cex = tuple((v.name, show(model, v.term, v.type, sorts)) for v in ob.cex)
        partial = set(ob.approx) | _partial(ob, conds)
        if partial:
            names = ", ".join(sorted(partial))
            msg = (
                f"{ob.message} (not proven; a counterexample was found but it depends on "
                f"{names}, which the verifier models only in part)"
            )
            return Failure("unknown", ob.code, msg, ob.file, ob.span, cex, ob.related)
        if ob.soft is not None:
            msg = f"{ob.message} (not proven; {ob.soft} is not modelled exactly)"
            return Failure("unknown", ob.code, msg, ob.file, ob.span, cex, ob.related)
        notes = []
        if ob.abstract:
            notes.append(_ABSTRACT)
        if ob.loose:
            names = ", ".join(sorted(ob.loose))
            notes.append(
                f"{names} is modelled by its possible results, "
                "so the inputs shown need not produce them"
            )
        msg = ob.message + "".join(f" ({n})" for n in notes)
        return Failure("failed", ob.code, msg, ob.file, ob.span, cex, ob.related)
    reason = s.reason_unknown()
    if "timeout" in reason or "canceled" in reason:
        msg = f"{ob.message}: the solver gave up after {timeout:g} s"
        return Failure("timeout", ob.code, msg, ob.file, ob.span, (), ob.related)
    msg = f"{ob.message}: the solver could not decide ({reason})"
    return Failure("unknown", ob.code, msg, ob.file, ob.span, (), ob.related)


def _partial(ob: Obligation, conds: Conditions) -> set[str]:
    """The partly modelled operations the failed goal depends on.

    A path fact matters if it shares a symbol with the goal or with a fact that
    matters (the goal's cone of influence); only the partly modelled symbols in
    that cone can make the counterexample spurious.  Axioms are left out: they
    state what a function's results satisfy (a length, a range), which a choice
    of the function's values always meets, so they do not constrain the inputs.
    """
    marked = conds.approx_symbols
    if not marked or ob.goal is None:
        return set()
    formulas = list(ob.facts)
    atoms = [_atoms(f, marked) for f in formulas]
    reach = _atoms(ob.goal, marked)
    pending = list(range(len(formulas)))
    changed = True
    while changed:
        changed = False
        rest = []
        for i in pending:
            if atoms[i] & reach:
                reach |= atoms[i]
                changed = True
            else:
                rest.append(i)
        pending = rest
    return {marked[s] for s in reach if s in marked}


def _atoms(e: z3.ExprRef, marked: dict[str, str]) -> set[str]:
    """Names of the uninterpreted symbols in ``e`` (and of marked accessors)."""
    out: set[str] = set()
    seen: set[int] = set()
    stack = [e]
    while stack:
        x = stack.pop()
        ident = x.get_id()
        if ident in seen:
            continue
        seen.add(ident)
        if z3.is_quantifier(x):
            stack.append(x.body())
            continue
        if not z3.is_app(x):
            continue
        d = x.decl()
        kind = d.kind()
        name = d.name()
        symbol = kind == z3.Z3_OP_UNINTERPRETED or (kind == z3.Z3_OP_DT_ACCESSOR and name in marked)
        if symbol and not name.startswith(_NEUTRAL):
            out.add(name)
        stack.extend(x.children())
    return out
