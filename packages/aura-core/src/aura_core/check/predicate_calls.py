"""Calls made by the refinement predicates a cell's values are checked against.

A value stored into a refinement-typed place is checked there (spec section 2):
at run time by evaluating the predicate, in the verifier by proving it.  A
predicate that calls a pure cell therefore makes the cell that stores the value
call that pure cell, and such calls are edges of the call graph the termination
rule (spec sections 3.1 and 8) is about: ``type T = { v: i64 | p(v) }`` with a
pure cell ``p`` that stores into a ``T`` is a recursion that never ends.

The edges are over-approximated from the types a cell's tree mentions (its
parameters, result, bindings and every expression's type, through type
arguments and nested refinements), which only matters for cells that can be on
a cycle with a pure cell or a lemma.
"""

from __future__ import annotations

from aura_core import tir
from aura_core.check.treewalk import nodes
from aura_core.types import Adt, Handle, MapType, QualName, Refined, Type, VecType

__all__ = ["predicate_callees"]


def predicate_callees(cell: tir.CellDef) -> frozenset[QualName]:
    """The cells called by the refinement predicates of the types ``cell`` mentions."""
    walk = _Walk()
    walk.visit(cell, collect=False)
    walk.type(cell.ret)
    return frozenset(walk.callees)


class _Walk:
    def __init__(self) -> None:
        self.callees: set[QualName] = set()
        #: Refinements already walked (by identity: each is one checked alias).
        self._seen: set[int] = set()

    def visit(self, root: object, *, collect: bool) -> None:
        """Walk a tree; ``collect``: it is a predicate, whose calls are edges."""
        for node in nodes(root):
            if collect and isinstance(node, tir.Call):
                self.callees.add(node.cell)
            t = getattr(node, "type", None)
            if t is not None:
                self.type(t)
            for targ in getattr(node, "type_args", ()):
                self.type(targ)

    def type(self, t: Type) -> None:
        if isinstance(t, Refined):
            if id(t) in self._seen:
                return
            self._seen.add(id(t))
            self.type(t.base)
            self.visit(t.pred, collect=True)
        elif isinstance(t, VecType):
            self.type(t.elem)
        elif isinstance(t, MapType):
            self.type(t.key)
            self.type(t.value)
        elif isinstance(t, Adt | Handle):
            for a in t.args:
                self.type(a)
