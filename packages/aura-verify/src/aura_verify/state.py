"""The symbolic state of one path through a cell, and how paths join.

A :class:`State` maps each live local to the Z3 term of its current value and
carries the facts known on the path (branch conditions, assumed contracts and
invariants, obligations already checked).  Branches fork the state; where they
meet again (after an ``if``, a ``match``, a short-circuit operator with effects,
or the ``break``\\ s of a loop) :func:`merge` joins them without duplicating
the rest of the cell: a fresh selector variable says which branch was taken,
each local becomes an ``If`` over the selector, and the branches' own facts are
kept as a disjunction guarded by the selector.  The cost of a cell is thus
linear in its size rather than exponential in its branches.

``approx`` names the constructs on the path whose values are only partly
modelled (see :mod:`aura_verify.obligations`), ``loose`` those modelled by a
function that can still produce every value a run could; ``abstract`` records that the
path went through a call or a loop, known only by contracts and invariants, so
a counterexample may not be a reachable run (spec section 8).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import z3

from aura_core import tir

__all__ = ["Fresh", "Key", "State", "key", "merge"]

#: How a local is looked up: its id and name (ids alone can repeat between a
#: cell and the refinement predicates of its parameters' types).
Key = tuple[int, str]


def key(local: tir.Local) -> Key:
    return (local.id, local.name)


class Fresh:
    """Names for fresh constants, unique within one cell's proof."""

    def __init__(self) -> None:
        self._counter = itertools.count()

    def name(self, hint: str) -> str:
        return f"{hint}!{next(self._counter)}"

    def const(self, hint: str, sort: z3.SortRef) -> z3.ExprRef:
        return z3.Const(self.name(hint), sort)


@dataclass
class State:
    env: dict[Key, z3.ExprRef]
    facts: list[z3.BoolRef] = field(default_factory=list)
    approx: set[str] = field(default_factory=set)
    abstract: bool = False
    #: Constructs on the path modelled loosely but without losing any possible value.
    loose: set[str] = field(default_factory=set)
    #: Names of locals in scope, for counterexamples (key -> local).
    locals: dict[Key, tir.Local] = field(default_factory=dict)

    def fork(self, cond: z3.BoolRef | None = None) -> State:
        s = State(
            dict(self.env),
            list(self.facts),
            set(self.approx),
            self.abstract,
            set(self.loose),
            dict(self.locals),
        )
        if cond is not None:
            s.facts.append(cond)
        return s

    def adopt(self, other: State) -> None:
        """Become ``other`` (a merge of forks of this state), in place."""
        self.env, self.facts, self.locals = other.env, other.facts, other.locals
        self.approx, self.abstract, self.loose = other.approx, other.abstract, other.loose

    def assume(self, fact: z3.BoolRef) -> None:
        if not z3.is_true(fact):
            self.facts.append(fact)

    def bind(self, local: tir.Local, value: z3.ExprRef) -> None:
        k = key(local)
        self.env[k] = value
        self.locals[k] = local

    def lookup(self, local: tir.Local) -> z3.ExprRef:
        return self.env[key(local)]


def merge(origin: State, branches: Sequence[State | None], fresh: Fresh) -> State | None:
    """Join states forked from ``origin``; None branches ended (return, break, ...).

    Every branch's facts start with ``origin``'s, which is how the common prefix
    is found.
    """
    live = [b for b in branches if b is not None]
    if not live:
        return None
    if len(live) == 1:
        return live[0]
    base = len(origin.facts)
    sel = z3.Int(fresh.name("branch"))
    choices: list[z3.BoolRef] = []
    for i, b in enumerate(live):
        own = b.facts[base:]
        choices.append(z3.And(sel == i, *own) if own else sel == i)
    out = State(
        {},
        [*origin.facts, z3.Or(*choices)],
        set().union(*(b.approx for b in live)),
        any(b.abstract for b in live),
        set().union(*(b.loose for b in live)),
        {},
    )
    common = set(live[0].env)
    for b in live[1:]:
        common &= set(b.env)
    for k in common:
        values = [b.env[k] for b in live]
        v = values[-1]
        if not all(x.eq(v) for x in values):
            for i in range(len(live) - 2, -1, -1):
                v = z3.If(sel == i, values[i], v)
        out.env[k] = v
        for b in (*live, origin):
            if k in b.locals:
                out.locals[k] = b.locals[k]
                break
    return out
