"""Triggers for quantifiers: which terms tell the solver when to use one.

Z3 uses a universally quantified fact by instantiating it where a *trigger*
(a pattern) matches a term of the problem.  Spec section 5: a quantifier over an
unbounded domain (a binder ``x: T``) must give the verifier a usable trigger, a
call or index that mentions every bound variable; the verifier warns when it has
to pick one or finds none.

The choice is made on the encoded body, so the trigger named in a warning is
exactly the pattern the solver gets.  A term can be a trigger when it applies
an uninterpreted function (a pure cell, a partly modelled operation), reads a
vector element (``seq.nth``), an array (map presence and values) or a record
field, and every bound variable in it is an argument of such an application
(``f(x)`` and ``v[g(x)]`` can be matched; ``f(x + 1)`` cannot, arithmetic is
interpreted).  Then:

- one or more terms that each mention every bound variable: each is an
  alternative pattern (the quantifier gave its triggers; no warning);
- none, but several terms that together mention every bound variable: the
  verifier picks a multi-pattern (W0009, naming it);
- not even that: the quantifier goes to the solver without patterns (W0008).

Where a trigger cannot be given to Z3 as written (see :meth:`Choice.z3_patterns`:
vector reads, ``if`` terms), the warning is decided the same way but Z3 picks
the patterns itself.

Quantifiers whose binders are all ranges (``i in lo..hi``) are left to Z3's own
trigger selection, without warnings: their domain is bounded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import z3

from aura_core import tir

__all__ = [
    "NO_TRIGGER",
    "TRIGGER_CHOSEN",
    "Choice",
    "cell_quantifiers",
    "choose",
    "occurs_in",
    "unbounded",
]

#: The quantifier has no usable trigger at all.
NO_TRIGGER = "W0008"
#: No single term mentions every bound variable; the verifier picked several.
TRIGGER_CHOSEN = "W0009"

_HEADS = frozenset(
    {
        z3.Z3_OP_UNINTERPRETED,
        z3.Z3_OP_SELECT,
        z3.Z3_OP_SEQ_NTH,
        z3.Z3_OP_DT_ACCESSOR,
    }
)
#: Symbols allowed inside a trigger around a bound variable, but not as its head.
_INNER = _HEADS | {z3.Z3_OP_DT_CONSTRUCTOR}

_MAX_ALTERNATIVES = 4


@dataclass(frozen=True)
class Choice:
    """The triggers of one quantifier.

    ``patterns``: alternatives, each one term or a tuple of terms that must
    all match (a multi-pattern).  ``chosen`` is true when no single term
    mentions every bound variable and the verifier combined several.
    """

    patterns: tuple[z3.ExprRef | tuple[z3.ExprRef, ...], ...]
    chosen: bool

    @property
    def found(self) -> bool:
        return bool(self.patterns)

    def z3_patterns(self) -> list[z3.PatternRef | z3.ExprRef]:
        """The patterns for Z3, or none, which leaves the choice to Z3.

        Some triggers cannot be given to Z3 as written: it refuses a pattern
        with an ``if`` or a quantifier in it (values merged after a branch are
        ``if`` terms), and it rewrites vector reads (``seq.nth``) internally, so
        an explicit pattern on one never matches and the solver ends up
        searching blindly.  Z3's own selection handles those; since explicit
        patterns replace it, none are given when any alternative is such a term.
        """
        out: list[z3.PatternRef | z3.ExprRef] = []
        for p in self.patterns:
            terms = p if isinstance(p, tuple) else (p,)
            if any(_left_to_z3(t) for t in terms):
                return []
            out.append(z3.MultiPattern(*p) if isinstance(p, tuple) else p)
        return out

    def terms(self) -> tuple[z3.ExprRef, ...]:
        """Every term the patterns use, in order."""
        out: list[z3.ExprRef] = []
        for p in self.patterns:
            out.extend(p if isinstance(p, tuple) else (p,))
        return tuple(out)


def unbounded(q: tir.Quantifier) -> bool:
    """Whether a binder of ``q`` ranges over a type rather than an integer range."""
    return any(b.lo is None or b.hi is None for b in q.binders)


def choose(body: z3.ExprRef, bound: Sequence[z3.ExprRef]) -> Choice:
    """The patterns for a quantifier over the constants ``bound`` with ``body``."""
    ids = {c.get_id(): i for i, c in enumerate(bound)}
    everything = frozenset(range(len(bound)))
    candidates = _Candidates(ids)
    candidates.visit(body)
    found = candidates.found
    whole = [t for t, vs in found if vs == everything]
    if whole:
        minimal = [t for t in whole if not any(_proper_subterm(u, t) for u in whole)]
        return Choice(tuple(minimal[:_MAX_ALTERNATIVES]), chosen=False)
    covered: set[int] = set()
    picked: list[z3.ExprRef] = []
    for t, vs in sorted(found, key=lambda p: -len(p[1])):
        if not vs <= covered:
            picked.append(t)
            covered |= vs
    if covered == everything and picked:
        return Choice((tuple(picked),), chosen=True)
    return Choice((), chosen=False)


class _Candidates:
    """Collects, in order of first occurrence, the terms that can be triggers,
    with the bound variables each mentions."""

    def __init__(self, ids: dict[int, int]) -> None:
        self.ids = ids
        self.found: list[tuple[z3.ExprRef, frozenset[int]]] = []
        self._seen: set[int] = set()
        #: term id -> (bound variables in it, whether it can sit inside a trigger)
        self._info: dict[int, tuple[frozenset[int], bool]] = {}

    def info(self, t: z3.ExprRef) -> tuple[frozenset[int], bool]:
        k = t.get_id()
        if k in self._info:
            return self._info[k]
        if k in self.ids:
            out: tuple[frozenset[int], bool] = (frozenset({self.ids[k]}), True)
        elif z3.is_quantifier(t) or not z3.is_app(t):
            # Nested quantifiers hold their own bound variables: never part of a trigger.
            out = (frozenset(), False)
        else:
            vs: frozenset[int] = frozenset()
            ok = True
            for c in t.children():
                cvs, cok = self.info(c)
                vs |= cvs
                ok = ok and (cok or not cvs)
            ok = ok and (not vs or t.decl().kind() in _INNER)
            out = (vs, ok)
        self._info[k] = out
        return out

    def visit(self, t: z3.ExprRef) -> None:
        k = t.get_id()
        if k in self._seen or z3.is_quantifier(t) or not z3.is_app(t):
            return
        self._seen.add(k)
        vs, ok = self.info(t)
        if not vs:
            return
        if ok and t.num_args() > 0 and t.decl().kind() in _HEADS:
            self.found.append((t, vs))
        for c in t.children():
            self.visit(c)


def _left_to_z3(t: z3.ExprRef) -> bool:
    """Whether ``t`` holds an ``if``, a quantifier or a vector read."""
    stack = [t]
    while stack:
        u = stack.pop()
        if z3.is_quantifier(u) or z3.is_app_of(u, z3.Z3_OP_ITE):
            return True
        if z3.is_app_of(u, z3.Z3_OP_SEQ_NTH):
            return True
        if z3.is_app(u):
            stack.extend(u.children())
    return False


def occurs_in(small: z3.ExprRef, big: z3.ExprRef) -> bool:
    """Whether ``small`` is ``big`` or one of its subterms (outside quantifiers)."""
    stack = [big]
    while stack:
        t = stack.pop()
        if t.eq(small):
            return True
        if z3.is_app(t) and not z3.is_quantifier(t):
            stack.extend(t.children())
    return False


def _proper_subterm(small: z3.ExprRef, big: z3.ExprRef) -> bool:
    return not small.eq(big) and occurs_in(small, big)


def cell_quantifiers(cell: tir.CellDef) -> frozenset[int]:
    """The identities of the quantifier nodes written in ``cell`` (its contract,
    body, loop clauses and the refinements of its types), so that warnings are
    given where a quantifier is written, not where a contract is used."""
    out: set[int] = set()
    seen: set[int] = set()
    for node in _nodes(cell, seen):
        if isinstance(node, tir.Quantifier):
            out.add(id(node))
    return frozenset(out)


def _nodes(x: object, seen: set[int]) -> Iterator[object]:
    """Every dataclass node reachable from ``x`` through fields, tuples and lists."""
    stack = [x]
    while stack:
        y = stack.pop()
        if isinstance(y, tuple | list):
            stack.extend(y)
            continue
        if not dataclasses.is_dataclass(y) or isinstance(y, type) or id(y) in seen:
            continue
        seen.add(id(y))
        yield y
        for f in dataclasses.fields(y):
            v = getattr(y, f.name)
            if isinstance(v, tuple | list) or dataclasses.is_dataclass(v):
                stack.append(v)
