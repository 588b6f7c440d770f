"""Proving one obligation with Z3, and what to say when that does not work.

Each obligation gets a fresh solver holding the cell's axioms, the path facts
and the negated goal, under two limits (:class:`Limits`):

- a *resource budget* (Z3's ``rlimit``: a count of the solver's basic steps),
  which decides the verdict: the same query under the same budget gets the same
  answer on any machine under any load;
- a wall-clock *timeout*, a safety net for a solver step that does not count
  resources; its expiry depends on the machine, so it is never cached.

The answers:

- ``unsat``: proven;
- ``sat``: ``failed``, with the model's values of the parameters and the locals
  in scope as the counterexample; unless the path depends on a construct that
  is modelled only in part (the counterexample may be spurious, so the status
  is ``unknown`` and the message names the construct) or the obligation is not
  certainly a panic (``soft``);
- ``unknown``: ``timeout`` when the budget ran out or the wall clock expired,
  else ``unknown`` with the solver's reason (typically incomplete quantifier
  reasoning).

Ctrl-C while the solver runs is seen by Z3's own signal handler, which cancels
the search at once; the answer is then ``KeyboardInterrupt``, as it is when the
signal arrives anywhere else, and no verdict is made of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import z3

from aura_verify.budgets import Limits
from aura_verify.counterexample import show
from aura_verify.obligations import Obligation
from aura_verify.results import Failure
from aura_verify.vcgen import Conditions

__all__ = ["Attempt", "Verdict", "attempt", "prove"]

#: Symbols shared by unrelated facts that never make a counterexample spurious
#: (the byte length of strings): they do not link facts in the cone of influence.
_NEUTRAL = ("str.bytes!",)

_ABSTRACT = (
    "the values satisfy the contracts and loop invariants on the way here "
    "but need not come from a run"
)

#: How a solver run ended, for :mod:`aura_verify.stability`: a proof, a
#: counterexample, a verdict the encoding makes ``unknown``, the budget or the
#: wall clock running out, or the solver's own ``unknown``.
Verdict = Literal["proven", "failed", "unknown", "out-of-budget", "wall-clock-timeout"]


@dataclass(frozen=True)
class Attempt:
    """The result of one solver run: the failure (None when proven), how the run
    ended, and the resource units it used (0 when the solver was not asked)."""

    failure: Failure | None
    verdict: Verdict
    used: int


def prove(ob: Obligation, conds: Conditions, limits: Limits) -> Failure | None:
    """None when ``ob`` is proven; otherwise why not."""
    return attempt(ob, conds, limits).failure


def attempt(
    ob: Obligation,
    conds: Conditions,
    limits: Limits,
    query: Sequence[z3.BoolRef] | None = None,
    seed: int = 0,
) -> Attempt:
    """Prove ``ob`` under ``limits``.  ``query`` replaces the assertions (axioms,
    facts, negated goal) by an equivalent list, and ``seed`` the solver's random
    seed; a counterexample is read only from the query as built here."""
    if ob.preset is not None or ob.goal is None:
        failure = Failure(
            "unknown", ob.code, ob.preset or ob.message, ob.file, ob.span, (), ob.related
        )
        return Attempt(failure, "unknown", 0)
    s = z3.Solver()
    s.set("rlimit", limits.rlimit)
    s.set("timeout", max(1, int(limits.timeout * 1000)))
    if seed:
        s.set("random_seed", seed)
    if query is None:
        s.add(*conds.axioms)
        s.add(*ob.facts)
        s.add(z3.Not(ob.goal))
    else:
        s.add(*query)
    before = _spent()
    try:
        answer = s.check()
    except z3.Z3Exception as exc:
        failure = Failure(
            "unknown",
            ob.code,
            f"{ob.message} (the solver failed: {exc})",
            ob.file,
            ob.span,
            (),
            ob.related,
        )
        return Attempt(failure, "unknown", _used(s, before))
    used = _used(s, before)
    if answer == z3.unsat:
        return Attempt(None, "proven", used)
    if answer == z3.sat:
        failure = _counterexample(ob, conds, s.model() if query is None else None)
        return Attempt(failure, "failed" if failure.status == "failed" else "unknown", used)
    reason = s.reason_unknown()
    if "interrupted" in reason:
        raise KeyboardInterrupt
    if used >= limits.rlimit:
        msg = (
            f"{ob.message}: the solver's resource budget of {limits.rlimit:,} units ran out "
            "(raise it for this cell with a `# verify: rlimit = N` line above it, "
            "or for the run with `--rlimit N`)"
        )
        return Attempt(
            Failure("timeout", ob.code, msg, ob.file, ob.span, (), ob.related),
            "out-of-budget",
            used,
        )
    if "timeout" in reason or "canceled" in reason:
        msg = (
            f"{ob.message}: the solver gave up after {limits.timeout:g} s of wall-clock time "
            "(`--timeout`), within its resource budget"
        )
        failure = Failure("timeout", ob.code, msg, ob.file, ob.span, (), ob.related)
        return Attempt(failure, "wall-clock-timeout", used)
    msg = f"{ob.message}: the solver could not decide ({reason})"
    return Attempt(
        Failure("unknown", ob.code, msg, ob.file, ob.span, (), ob.related), "unknown", used
    )


def _spent() -> int:
    """The resource units this context's solvers have used so far (Z3 counts per
    context, and a budget counts from where the count stands when a check starts)."""
    return _count(z3.Solver().statistics())


def _used(s: z3.Solver, before: int) -> int:
    return max(0, _count(s.statistics()) - before)


def _count(stats: z3.Statistics) -> int:
    try:
        value = stats.get_key_value("rlimit count")
    except z3.Z3Exception:
        return 0
    return int(value)


def _counterexample(ob: Obligation, conds: Conditions, model: z3.ModelRef | None) -> Failure:
    """The failure for a ``sat`` answer (``model`` None: no values to show)."""
    cex: tuple[tuple[str, str], ...] = ()
    if model is not None:
        cex = tuple((v.name, show(model, v.term, v.type, conds.sorts)) for v in ob.cex)
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
    if z3.is_false(z3.simplify(ob.goal)):
        # Reaching the place is the failure (a `panic`): the whole path matters.
        return {marked[s] for a in atoms for s in a if s in marked}
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
