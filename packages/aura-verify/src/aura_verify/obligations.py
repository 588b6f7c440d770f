"""Proof obligations: what must be proven, where, and what to print when it is not.

An :class:`Obligation` is "under these facts, this goal holds".  The verifier
collects them while it walks a cell and proves each one on its own with a
fresh solver (:mod:`aura_verify.solver`), so one hard obligation cannot starve
the others of time and every failure gets its own counterexample.

Two kinds of imprecision are recorded, so that a result is never stronger than
the encoding justifies:

- ``preset`` is set when the obligation could not be encoded at all: its status
  is ``unknown`` without asking the solver, with a message naming the construct;
- ``approx`` lists the constructs on the path that are modelled only partly (an
  uninterpreted function standing for a string method, say).  A proof stays a
  proof, since those functions over-approximate; but a counterexample found
  with them may be spurious, so it is reported as ``unknown``, naming them.
"""

from __future__ import annotations

from dataclasses import dataclass

import z3

from aura_core.codes import CODES
from aura_core.diagnostics import Label
from aura_core.source import SourceFile, Span
from aura_core.types import Type

__all__ = ["KINDS", "TITLES", "CexVar", "Obligation"]

#: Code -> the obligation's kind, as spec section 8's table names it.
KINDS: dict[str, str] = {
    "V0001": "precondition",
    "V0002": "postcondition",
    "V0003": "assertion",
    "V0004": "invariant on entry",
    "V0005": "invariant preserved",
    "V0006": "termination",
    "V0007": "overflow",
    "V0008": "division",
    "V0009": "index",
    "V0010": "refinement",
    "V0011": "unwrap",
    "V0012": "lemma",
}

#: Code -> the message of a failure, unless the obligation says more: the code's title.
TITLES: dict[str, str] = {code: CODES[code] for code in KINDS}


@dataclass(frozen=True)
class CexVar:
    """A value to show in a counterexample: a name, its term and its Aura type."""

    name: str
    term: z3.ExprRef
    type: Type


@dataclass(frozen=True)
class Obligation:
    code: str
    message: str
    file: SourceFile
    span: Span
    facts: tuple[z3.BoolRef, ...]
    goal: z3.BoolRef | None
    cex: tuple[CexVar, ...] = ()
    related: tuple[Label, ...] = ()
    approx: frozenset[str] = frozenset()
    abstract: bool = False
    loose: frozenset[str] = frozenset()
    #: Set when the obligation cannot be encoded: its status is ``unknown``.
    preset: str | None = None
    #: Set when an unproven goal is not certainly a panic (semantics not modelled
    #: exactly): a counterexample then gives ``unknown`` with this reason.
    soft: str | None = None

    @property
    def kind(self) -> str:
        return KINDS[self.code]
