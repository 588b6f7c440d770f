"""State shared by the parts of the code generator, and the names it gives things.

One :class:`GenBase` (through its subclass
:class:`~aura_interpret.codegen_cell.CellGen`) compiles one cell.  The parts are
mixins, as in the checker: expressions, operators, methods, places,
specifications, statements, then the cell itself.

Names in generated code:

- an Aura local is ``<name>_<id>`` (ids are unique in a cell), so shadowing
  needs no care and the name shows in a debugger;
- temporaries are ``_<lower-case letters><n>``, runtime helpers
  ``_<letters>``, and the program's own objects (cells, formatters, copy
  functions, bound externs) ``_<UPPER-CASE letters><n>``; none ends in
  ``_<digits>``, so none can clash with a local or with another kind;
- variables of a refinement predicate or a quantifier get fresh names through
  :attr:`GenBase.rename` (a type alias's predicate numbers its locals on its
  own, so its ids would clash with the cell's).

A refinement predicate is generated into every cell that checks the type, but
its spans are offsets into the module it was written in: :meth:`GenBase.written_in`
switches the file that marks, messages and the trust rule see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from aura_core import tir
from aura_core.modules import ModulePath
from aura_core.source import SourceFile, Span
from aura_core.trust import ProvenChecks
from aura_core.types import QualName, Type
from aura_interpret.emit import Emitter
from aura_interpret.externs import Extern
from aura_interpret.intervals import Intervals
from aura_interpret.sourcemap import Site
from aura_interpret.textform import Formatters
from aura_interpret.typeinfo import TypeInfo

__all__ = ["GenBase", "LoopCtx", "ProgramContext"]

_NOT_IDENT = re.compile(r"[^A-Za-z0-9_]")


class ProgramContext(Protocol):
    """What compiling one cell needs from the whole program."""

    program: tir.Program
    types: TypeInfo
    fmts: Formatters
    release: bool
    #: Checks ``aura verify`` proved (empty unless ``--trust-proofs``).
    proven: ProvenChecks

    def intern(self, value: object, prefix: str) -> str:
        """A global name under which generated code finds ``value``."""
        ...

    def cell_ref(self, name: QualName) -> str:
        """The global name of a cell's function; compiles the cell too."""
        ...

    def extern(self, name: QualName) -> Extern:
        """The runtime's implementation of an extern cell."""
        ...

    def const_value(self, name: QualName) -> tir.ConstValue: ...

    def measure_stack(self, name: QualName) -> str | None:
        """For a cell in a cycle of the call graph, the global name of its SCC's
        stack of ``decreases`` measures; None otherwise."""
        ...

    def quantifier_warning(self, where: str) -> str:
        """The global name of a function that warns once about an unchecked quantifier."""
        ...

    def requires_trusted(self, name: QualName) -> bool:
        """Whether every call of the cell was proven to meet its ``requires``."""
        ...


@dataclass(slots=True)
class LoopCtx:
    """A loop being compiled: whether ``break`` must also set a flag (checked loops)."""

    break_flag: str | None


class GenBase:
    """The state of compiling one cell."""

    def __init__(self, ctx: ProgramContext, cell: tir.CellDef, source: SourceFile) -> None:
        self.ctx = ctx
        self.cell = cell
        #: The file of the spans being generated (see :meth:`written_in`) and its module.
        self.source = source
        self.module: ModulePath = cell.name.module
        self.types = ctx.types
        self.release = ctx.release
        self.em = Emitter()
        #: True while compiling a specification (mathematical integer arithmetic).
        self.spec = False
        #: Python names for locals that must not use their id (see the module doc).
        self.rename: dict[int, str] = {}
        #: Ids of locals that own their value (``val`` bindings); a ``return`` moves them.
        self.owners: set[int] = set()
        #: Snapshots of ``mut`` parameters taken at entry, for ``old(...)``: id -> name.
        self.old_names: dict[int, str] = {}
        #: Values of ``old(e)`` computed at entry, by the identity of the Old node.
        self.old_values: dict[int, str] = {}
        self.in_old = False
        self.loops: list[LoopCtx] = []
        self.iv = Intervals()
        #: The expressions being generated, outermost first, each with whether it
        #: is evaluated first in its statement (see ``ExprGen.expr``).
        self.nesting: list[tuple[tir.Expr, bool]] = []
        #: For a parent on ``nesting`` (by id): the ids of its children on the
        #: spine (``ExprGen._on_spine``), found once per parent.
        self.spine_children: dict[int, frozenset[int]] = {}
        #: Whether the statement being generated may be preceded by helper statements.
        self.hoist_ok = False
        #: Ids of the expressions whose value is copied when generated
        #: (:func:`aura_core.tirwalk.snapshots`).
        self.copied: set[int] = set()
        self._temps = 0

    # ------------------------------------------------------------------ names
    def tmp(self, prefix: str = "t") -> str:
        self._temps += 1
        return f"_{prefix}{self._temps}"

    def local(self, local: tir.Local) -> str:
        renamed = self.rename.get(id(local))
        if renamed is not None:
            return renamed
        if self.in_old and local.id in self.old_names and self._is_param(local):
            return self.old_names[local.id]
        return f"{_NOT_IDENT.sub('_', local.name)}_{local.id}"

    def _is_param(self, local: tir.Local) -> bool:
        params = self.cell.params
        return 0 < local.id <= len(params) and params[local.id - 1] == local

    def obj(self, value: object, prefix: str = "k") -> str:
        return self.ctx.intern(value, prefix)

    def fmt_top(self, t: Type) -> str:
        return self.obj(self.ctx.fmts.top(t), "f")

    def fmt_inner(self, t: Type) -> str:
        return self.obj(self.ctx.fmts.inner(t), "f")

    def dup_name(self, t: Type) -> str | None:
        d = self.types.dup(t)
        return None if d is None else self.obj(d, "d")

    def dup_arg(self, t: Type) -> str:
        """The duplicator of ``t`` as an argument to a runtime helper (``None`` if none)."""
        return self.dup_name(t) or "None"

    def owner_name(self, t: Type) -> str:
        return self.obj(self.types.owner(t), "o")

    # ---------------------------------------------------------------- source
    def mark(self, span: Span, site: Site | None = None) -> str:
        return self.em.mark(span.start, site)

    def text(self, span: Span, source: SourceFile | None = None) -> str:
        """The Aura source text of ``span``, on one line (for messages)."""
        src = source or self.source
        return " ".join(src.text[span.start : span.end].split())

    def emit(self, code: str, span: Span | int, site: Site | None = None) -> None:
        offset = span if isinstance(span, int) else span.start
        if site is not None:
            code = self.em.mark(offset, site) + code
        self.em.line(code, offset)

    @contextmanager
    def written_in(self, module: ModulePath) -> Iterator[None]:
        """While generating code written in ``module`` (a refinement predicate):
        its spans are offsets into that module's file."""
        saved = self.module, self.source, self.em.file
        self.module = module
        self.source = self.ctx.program.modules[module].source
        self.em.file = None if module == self.cell.name.module else self.source
        try:
            yield
        finally:
            self.module, self.source, self.em.file = saved

    def trusted(self, kind: str, span: Span) -> bool:
        """Whether the check of ``kind`` at ``span`` may be left out
        (``aura run --trust-proofs``; the rule is :meth:`ProvenChecks.trusted`)."""
        return self.ctx.proven.trusted(self.cell, kind, self.module, span)

    # --------------------------------------------------------------- helpers
    @contextmanager
    def hoisting(self, allowed: bool = True) -> Iterator[None]:
        """While generating an expression evaluated exactly once, where the statement
        stands (not a loop condition, not a later branch)."""
        saved = self.hoist_ok
        self.hoist_ok = allowed
        try:
            yield
        finally:
            self.hoist_ok = saved

    def with_spec(self, fn: Callable[[], str]) -> str:
        """Run ``fn`` with specification semantics (exact integer arithmetic)."""
        saved = self.spec
        self.spec = True
        try:
            return fn()
        finally:
            self.spec = saved

    if TYPE_CHECKING:
        # Defined by the mixins that follow (the expression generator and others).

        def expr(self, e: tir.Expr) -> str: ...

        def value(self, e: tir.Expr, *, moving: bool = False) -> str: ...

        def owned(self, e: tir.Expr) -> str: ...

        def is_place_like(self, e: tir.Expr) -> bool: ...
