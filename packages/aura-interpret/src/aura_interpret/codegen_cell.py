"""Code for one cell: its function, contract checks and every path out of it.

A cell becomes one Python function whose parameters are the Aura parameters.
Unless the program is built with ``--release``, its entry checks, in order,
the refinements of its parameters, its ``requires`` clauses, takes the
snapshots ``old(...)`` needs and, for a cell on a cycle of the call graph,
checks its ``decreases`` measure against the caller's (a stack of measures per
strongly connected component, kept by the runtime).  Every way out -- each
``return``, the end of a ``Unit`` body and an early return by ``e?`` -- goes
through :meth:`CellGen.return_path`, which checks the result's refinement and
the ``ensures`` clauses (``result`` is ``_res``).

A cell with ``mut`` parameters returns ``(result, mut values...)``; see
:mod:`aura_interpret.codegen_place`.
"""

from __future__ import annotations

from aura_core import tir
from aura_core.source import SourceFile
from aura_core.types import UNIT, Refined, strip_refinement
from aura_interpret.codegen_base import ProgramContext
from aura_interpret.codegen_stmt import StmtGen
from aura_interpret.emit import wrap
from aura_interpret.sourcemap import CodeMap
from aura_interpret.tirwalk import stmt_exprs, walk_expr

__all__ = ["CellGen"]

_TOTAL_METHODS = frozenset({"len", "is_empty", "is_some", "is_none", "is_ok", "is_err"})


def _total(e: tir.Expr) -> bool:
    """Whether evaluating ``e`` (as a specification) can never fail."""
    match e:
        case tir.LocalRef() | tir.IntConst() | tir.BoolConst() | tir.FloatConst():
            return True
        case tir.StrConst() | tir.ConstRef() | tir.UnitConst():
            return True
        case tir.FieldGet(obj=o):
            return _total(o)
        case tir.MethodCall(receiver=r, method=m, args=()) if m in _TOTAL_METHODS:
            return _total(r)
        case tir.Binary(op=op, left=a, right=b) if op not in ("/", "%", "<<", ">>"):
            return _total(a) and _total(b)
        case tir.Unary(operand=x):
            return _total(x)
    return False


class CellGen(StmtGen):
    """Compiles one cell to the source of a Python function named ``fname``."""

    def __init__(
        self,
        ctx: ProgramContext,
        cell: tir.CellDef,
        source: SourceFile,
        fname: str,
        display: str,
        filename: str,
    ) -> None:
        super().__init__(ctx, cell, source)
        self.fname = fname
        self.display = display
        self.filename = filename
        contract = cell.contract
        self.checks = not self.release
        self.muts = [p for p in cell.params if p.mutable]
        self.ensures = tuple(
            e for e in (contract.ensures if self.checks else ()) if not self.proven_clause(e)
        )
        self.ret_refined = self.checks and isinstance(cell.ret, Refined)
        self.dstack = ctx.measure_stack(cell.name) if self.checks and contract.decreases else None

    def proven_clause(self, ensures: tir.Expr) -> bool:
        return self.trusted("postcondition", ensures.span)

    # --------------------------------------------------------------- driver
    def generate(self, extern_impl: str | None = None) -> CodeMap:
        cell = self.cell
        params = [self.local(p) for p in cell.params]
        self.emit(f"def {self.fname}({', '.join(params)}):", cell.span)
        with self.em.indented():
            self.prologue()
            if extern_impl is not None:
                self.return_path(f"{extern_impl}({', '.join(params)})", cell.span.start)
            else:
                assert cell.body is not None
                self.body(cell.body)
        return CodeMap(
            self.filename,
            self.display,
            self.source,
            self.em.source(),
            self.em.offsets,
            self.em.sites,
            self.em.files,
        )

    def body(self, body: tir.Block) -> None:
        early = any(isinstance(x, tir.Try) for e in stmt_exprs(body.stmts) for x in walk_expr(e))
        end = body.span.end
        if early:
            self.emit("try:", body.span)
            self.em.depth += 1
        self.block(body)
        if strip_refinement(self.cell.ret) == UNIT:
            self.return_path("None", end)
        if early:
            self.em.depth -= 1
            self.emit("except _Early as _x:", body.span)
            with self.em.indented():
                self.return_path("_x.value", body.span.start)

    # -------------------------------------------------------------- entry
    def prologue(self) -> None:
        if not self.checks:
            return
        cell = self.cell
        for p in cell.params:
            self.refine_stmt(p.type, self.local(p), f"parameter `{p.name}`", p.span)
        if not self.ctx.requires_trusted(cell.name):
            for req in cell.contract.requires:
                self.check_stmt(req, f"precondition failed: {self.text(req.span)}", req.span)
        self.snapshots()
        self.measure_entry()

    def snapshots(self) -> None:
        """What ``old(...)`` needs, taken at entry.

        An ``old(e)`` whose value is immutable and whose evaluation cannot fail
        (``old(v.len())``, ``old(n + 1)``) is computed at entry; any other reads
        copies of the ``mut`` parameters it mentions, taken at entry (a copy of
        a vector only marks it shared, but makes the cell's first write copy it).
        """
        specs: list[tir.Expr] = [*self.cell.contract.ensures]
        if self.cell.body is not None:
            specs.extend(stmt_exprs(self.cell.body.stmts))
        olds = [x for e in specs for x in walk_expr(e) if isinstance(x, tir.Old)]
        params = {id(p) for p in self.cell.params}
        needed: set[int] = set()
        for o in olds:
            refs = [x.local for x in walk_expr(o.expr) if isinstance(x, tir.LocalRef)]
            if (
                self.dup_name(o.type) is None
                and _total(o.expr)
                and all(id(r) in params for r in refs)
            ):
                name = self.tmp("old")
                self.emit(f"{name} = {wrap(self.spec_expr(o.expr))}", o.span)
                self.old_values[id(o)] = name
            else:
                needed.update(r.id for r in refs if id(r) in params and r.mutable)
        for p in self.muts:
            if p.id not in needed:
                continue
            name = f"_entry{p.id}"
            dup = self.dup_name(p.type)
            value = self.local(p)
            self.emit(f"{name} = {f'{dup}({value})' if dup else value}", p.span)
            self.old_names[p.id] = name

    def measure_entry(self) -> None:
        contract = self.cell.contract
        if not contract.decreases:
            return
        where = contract.decreases_span or contract.decreases[0].span
        text = self.measure_text(contract.decreases, contract.decreases_span)
        self.emit(f"_mdec = {self.measure_code(contract.decreases)}", where)
        self.emit(f"_decneg(_mdec, {text!r})", where)
        if self.dstack is not None:
            stack = self.dstack
            self.emit(f"if {stack}:", where)
            with self.em.indented():
                self.emit(f"_decless({stack}[-1], _mdec, {text!r}, ' in a recursive call')", where)
            self.emit(f"{stack}.append(_mdec)", where)

    # --------------------------------------------------------------- exits
    def return_path(self, code: str, offset: int) -> None:
        muts = ", ".join(self.local(p) for p in self.muts)
        if not (self.ensures or self.ret_refined or self.dstack):
            self.emit(f"return ({code}, {muts})" if muts else f"return {wrap(code)}", offset)
            return
        self.emit(f"_res = {wrap(code)}", offset)
        if self.ret_refined:
            what = f"the result of `{self.cell.name.name}`"
            self.refine_stmt(self.cell.ret, "_res", what, self.cell.span)
        if self.dstack is not None:
            self.emit(f"{self.dstack}.pop()", offset)
        for ens in self.ensures:
            self.check_stmt(ens, f"postcondition failed: {self.text(ens.span)}", ens.span)
        if muts:
            self.emit(f"return (_res, {muts})", offset)
        else:
            self.emit("return _res", offset)
