"""What checking one cell needs to know: where it is, and what is allowed where.

A :class:`CellContext` is created per cell (and per declaration-level
predicate).  Its flags follow the position being checked: inside a
specification, ``result`` allowed, inside ``unsafe:``, inside a loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from aura_core.check.env import DeclRef, Environment, ModuleEnv
from aura_core.check.report import Reporter
from aura_core.check.scope import Scopes
from aura_core.check.signatures import Signatures
from aura_core.tir import CellKind, Expr
from aura_core.types import UNIT, QualName, Type, TypeParam

__all__ = ["CellContext", "Program"]


@dataclass
class Program:
    """Program-wide state shared by every cell's check."""

    env: Environment
    report: Reporter
    sigs: Signatures
    #: The checked default of a record field, or None when it has none.
    field_default: Callable[[DeclRef, str], Expr | None]


@dataclass
class CellContext:
    program: Program
    module: ModuleEnv
    type_params: Mapping[str, TypeParam] = field(default_factory=dict)
    ret: Type = UNIT
    kind: CellKind = "cell"
    cell: QualName | None = None
    scopes: Scopes = field(default_factory=Scopes)
    #: Cells this cell calls (in code and in specifications): the call graph.
    callees: set[QualName] = field(default_factory=set)
    spec: bool = False
    result_allowed: bool = False
    unsafe: int = 0
    loops: int = 0
    #: Set while checking a call that stands alone as a statement (a lemma use).
    statement_call: bool = False

    @property
    def pure(self) -> bool:
        return self.kind in ("pure", "lemma")

    @contextmanager
    def specification(self, *, result: bool = False) -> Iterator[None]:
        saved = (self.spec, self.result_allowed)
        self.spec, self.result_allowed = True, result
        try:
            yield
        finally:
            self.spec, self.result_allowed = saved

    @contextmanager
    def in_unsafe(self) -> Iterator[None]:
        self.unsafe += 1
        try:
            yield
        finally:
            self.unsafe -= 1

    @contextmanager
    def in_loop(self) -> Iterator[None]:
        self.loops += 1
        try:
            yield
        finally:
            self.loops -= 1
