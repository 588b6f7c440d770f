"""The checker's driver: parsed modules in, typed program and diagnostics out.

Passes, in order: collect every module's declarations (:mod:`.env`); resolve
types and signatures on first use (:mod:`.signatures`); check constants and
evaluate them; check each cell's contract and body on its own (an error in one
cell never hides another's); finally the rules that need the whole call graph
(recursive pure cells need ``decreases``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aura_core import ast, consts, prelude, tir
from aura_core.check.context import CellContext, Program
from aura_core.check.env import DeclRef, Environment, ModuleEnv
from aura_core.check.lemma_rules import check_lemma_body
from aura_core.check.map_keys import check_inferred_keys
from aura_core.check.owners import Borrowed, Owners
from aura_core.check.ownership import check_moves
from aura_core.check.predicate_calls import predicate_callees
from aura_core.check.report import Reporter
from aura_core.check.reuse import Reused, reuse_plan
from aura_core.check.signatures import Signatures
from aura_core.check.stmts import StmtChecker
from aura_core.check.typeops import display, is_error, substitute
from aura_core.diagnostics import Diagnostic
from aura_core.modules import ModulePath, ParsedModule
from aura_core.source import SourceFile, Span
from aura_core.types import (
    BOOL,
    UNIT,
    Adt,
    Handle,
    MapType,
    Prim,
    QualName,
    Type,
    TypeParam,
    VecType,
    strip_refinement,
)

__all__ = ["CheckResult", "check_modules"]


@dataclass(frozen=True)
class CheckResult:
    program: tir.Program
    diagnostics: tuple[Diagnostic, ...]
    #: The input, and each cell's own diagnostics: what a later check may reuse.
    modules: tuple[ParsedModule, ...] = field(default=(), compare=False, repr=False)
    cell_diagnostics: Mapping[QualName, tuple[Diagnostic, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    #: The nodes each cell's typed definition borrowed from other declarations.
    cell_borrowed: Mapping[QualName, Borrowed] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def check_modules(
    modules: Sequence[ParsedModule], previous: CheckResult | None = None
) -> CheckResult:
    """Check a whole program: every module the loader found.

    With ``previous`` (the result for an earlier version of the same program),
    cells that an edit did not touch are not checked again when the program's
    interface is unchanged (:mod:`aura_core.check.reuse`); the result is the
    same as a fresh check's.
    """
    reused: dict[QualName, Reused] = {}
    if previous is not None:
        reused = reuse_plan(
            modules,
            previous.modules,
            previous.program,
            previous.cell_diagnostics,
            previous.cell_borrowed,
        )
    return _Checker(modules, reused).run()


class _Checker:
    def __init__(self, modules: Sequence[ParsedModule], reused: Mapping[QualName, Reused]):
        self.modules = tuple(modules)
        self.reused = reused
        self.report = Reporter()
        self.env = Environment(modules, self.report)
        self.owners = Owners()
        self.sigs = Signatures(self.env, self.report, self.predicate, self.owners)
        self.program = Program(self.env, self.report, self.sigs, self.field_default)
        self._defaults: dict[tuple[QualName, str], tir.Expr | None] = {}
        self._const_values: dict[QualName, tir.ConstValue | None] = {}
        self._evaluating: list[QualName] = []
        self._affine: dict[Type, bool] = {}

    def run(self) -> CheckResult:
        modules: dict[tuple[str, ...], tir.Module] = {}
        calls: dict[QualName, frozenset[QualName]] = {}
        cell_defs: dict[QualName, tir.CellDef] = {}
        cell_diagnostics: dict[QualName, tuple[Diagnostic, ...]] = {}
        cell_borrowed: dict[QualName, Borrowed] = {}
        # First everything a cell's check may look up, in every module, so that the
        # diagnostics of declarations never depend on which cell needed them first.
        declared = {path: self.declarations(m) for path, m in self.env.modules.items()}
        for module in self.env.modules.values():
            records, enums, aliases, consts_ = declared[module.path]
            cells: dict[str, tir.CellDef] = {}
            for name, decl in module.decls.items():
                if not isinstance(decl, ast.CellDecl):
                    continue
                ref = DeclRef(module.qual(name), decl, module)
                previous = self.reused.get(ref.name)
                if previous is not None:
                    definition, callees = previous.definition, previous.callees
                    own = previous.diagnostics
                    borrowed = previous.borrowed
                    self.report.diagnostics.extend(own)
                else:
                    first = len(self.report.diagnostics)
                    loans = self.owners.mark()
                    definition, callee_set = self.cell(ref, decl)
                    callees = frozenset(callee_set)
                    own = tuple(self.report.diagnostics[first:])
                    borrowed = self.owners.borrowed(ref.name, loans)
                cell_borrowed[ref.name] = borrowed
                cells[name] = definition
                cell_defs[ref.name] = definition
                calls[ref.name] = callees
                cell_diagnostics[ref.name] = own
            modules[module.path] = tir.Module(
                module.path, module.parsed.source, cells, records, enums, aliases, consts_
            )
        # A pure cell or lemma calls what the predicates of its refinement types
        # call (only they can be on a cycle with such a call, since predicates
        # call only pure cells, and pure cells only pure cells and lemmas).
        for qual, definition in cell_defs.items():
            if definition.kind in ("pure", "lemma"):
                calls[qual] = calls[qual] | predicate_callees(definition)
        self.recursion_rules(cell_defs, calls)
        program = tir.Program(modules, calls)
        diagnostics = sorted(self.report.diagnostics, key=_order)
        return CheckResult(
            program, tuple(diagnostics), self.modules, cell_diagnostics, cell_borrowed
        )

    def declarations(
        self, module: ModuleEnv
    ) -> tuple[
        dict[str, tir.RecordDef],
        dict[str, tir.EnumDef],
        dict[str, tir.AliasDef],
        dict[str, tir.ConstDef],
    ]:
        """A module's types, constants and cell signatures, checked once each."""
        records: dict[str, tir.RecordDef] = {}
        enums: dict[str, tir.EnumDef] = {}
        aliases: dict[str, tir.AliasDef] = {}
        consts_: dict[str, tir.ConstDef] = {}
        for name, decl in module.decls.items():
            ref = DeclRef(module.qual(name), decl, module)
            if isinstance(decl, ast.CellDecl):
                self.sigs.cell(ref)
            elif isinstance(decl, ast.ConstDecl):
                const = self.const(ref, decl)
                if const is not None:
                    consts_[name] = const
            elif isinstance(decl.definition, ast.RecordDef):
                records[name] = self.sigs.record(ref)
                for f in decl.definition.fields:
                    self.field_default(ref, f.name)
            elif isinstance(decl.definition, ast.EnumDef):
                enums[name] = self.sigs.enum(ref)
            else:
                aliases[name] = tir.AliasDef(
                    ref.name, self.sigs.alias(ref), decl.pub, decl.doc, decl.span
                )
        return records, enums, aliases, consts_

    # ---------------------------------------------------------- predicates
    def predicate(
        self,
        module: ModuleEnv,
        var: str,
        base: Type,
        pred: ast.Expr,
        params: Mapping[str, TypeParam],
    ) -> tuple[tir.Local, tir.Expr, ModulePath]:
        """A refinement's variable and typed predicate, and the module it is written in."""
        checker = StmtChecker(CellContext(self.program, module, type_params=params))
        with checker.ctx.specification():
            local = checker.new_local(var, base, False, pred.span)
            return local, checker.expect(pred, BOOL, "in refinement predicate"), module.path

    def field_default(self, ref: DeclRef, field: str) -> tir.Expr | None:
        key = (ref.name, field)
        if key in self._defaults:
            return self.owners.lend(self._defaults[key])
        self._defaults[key] = None  # a default that refers to its own record is not one
        decl = ref.decl
        assert isinstance(decl, ast.TypeDecl) and isinstance(decl.definition, ast.RecordDef)
        written = next(f for f in decl.definition.fields if f.name == field)
        if written.default is None:
            return None
        definition = self.sigs.record(ref)
        t = next(f.type for f in definition.fields if f.name == field)
        checker = StmtChecker(
            CellContext(
                self.program, ref.module, type_params=self.sigs.type_params(ref.name, decl.params)
            )
        )
        value = checker.expect(written.default, t, f"in the default of `{field}`")
        self._defaults[key] = value
        self.owners.claim(ref.name, value)
        return self.owners.lend(value)

    # -------------------------------------------------------------- consts
    def const(self, ref: DeclRef, decl: ast.ConstDecl) -> tir.ConstDef | None:
        t = self.sigs.const_type(ref)
        value = self.const_value(ref.name)
        if value is None:
            return None
        return tir.ConstDef(ref.name, t, value, decl.pub, decl.doc, decl.span)

    def const_value(self, name: QualName) -> tir.ConstValue | None:
        if name in self._const_values:
            return self._const_values[name]
        ref = self.env.find(name)
        assert ref is not None and isinstance(ref.decl, ast.ConstDecl)
        file = ref.module.parsed.source
        if name in self._evaluating:
            cycle = " -> ".join(
                n.name for n in [*self._evaluating[self._evaluating.index(name) :], name]
            )
            self.report.error(
                "E0131", f"constant `{name.name}` depends on itself: {cycle}", file, ref.decl.span
            )
            return None
        self._evaluating.append(name)
        try:
            t = self.sigs.const_type(ref)
            checker = StmtChecker(CellContext(self.program, ref.module))
            expr = checker.expect(ref.decl.value, t, f"in constant `{name.name}`")
            value: tir.ConstValue | None = None
            if not is_error(expr.type):
                try:
                    value = consts.eval_const(expr, self._lookup_const)
                except consts.ConstEvalError as e:
                    self.report.error("E0131", e.message, file, e.span)
                except _Unavailable:
                    value = None
            if value is not None and not self.const_refinement(ref, t, value):
                value = None
        finally:
            self._evaluating.pop()
        self._const_values[name] = value
        return value

    def const_refinement(self, ref: DeclRef, t: Type, value: tir.ConstValue) -> bool:
        """Whether ``value`` meets the refinements of ``t`` (E0139 where it does not)."""
        assert isinstance(ref.decl, ast.ConstDecl)
        file = ref.module.parsed.source
        written = file.text[ref.decl.type.span.start : ref.decl.type.span.end]
        shown = consts.text_form(value)
        try:
            broken = consts.refinement_failure(t, value, self._lookup_const)
        except consts.ConstEvalError as e:
            self.report.error(
                "E0139",
                f"the refinement of `{written}` cannot be checked at compile time: {e.message}",
                file,
                ref.decl.type.span,
                help="write the predicate with literals, operators and constants, or give "
                "the constant the unrefined type",
            )
            return False
        except _Unavailable:
            return False
        if broken is None:
            return True
        self.report.error(
            "E0139",
            f"the constant `{ref.name.name}` is `{shown}`, which is not a `{written}`",
            file,
            ref.decl.value.span,
            labels=[(ref.decl.type.span, "its type's refinement does not hold")],
            help=f"use a value that satisfies the refinement of `{written}`",
        )
        return False

    def _lookup_const(self, name: QualName) -> tir.ConstValue:
        value = self.const_value(name)
        if value is None:
            raise _Unavailable
        return value

    # --------------------------------------------------------------- cells
    def cell(self, ref: DeclRef, decl: ast.CellDecl) -> tuple[tir.CellDef, set[QualName]]:
        sig = self.sigs.cell(ref)
        file = ref.module.parsed.source
        params_map = {p.name: p for p in sig.type_params}
        ctx = CellContext(
            self.program,
            ref.module,
            type_params=params_map,
            ret=sig.ret,
            kind=decl.kind,
            cell=ref.name,
        )
        ctx.scopes.skip_ids(len(sig.params))
        checker = StmtChecker(ctx)
        self.kind_rules(decl, sig.params, sig.ret, file)
        for p in sig.params:
            checker.scopes.declare(p)
        requires: list[tir.Expr] = []
        ensures: list[tir.Expr] = []
        measures: list[tir.Expr] = []
        measure_span = None
        for clause in decl.clauses:
            if isinstance(clause, ast.Requires):
                requires.append(checker.spec(clause.cond, "in `requires`"))
            elif isinstance(clause, ast.Ensures):
                with ctx.specification(result=True):
                    ensures.append(checker.expect(clause.cond, BOOL, "in `ensures`"))
            else:
                measure_span = clause.span
                measures.extend(checker.measures(clause))
        body = checker.block(decl.body) if decl.body is not None else None
        if decl.kind == "lemma":
            check_lemma_body(body, self.report, file)
        if (
            body is not None
            and decl.kind != "lemma"
            and not is_error(sig.ret)
            and (strip_refinement(sig.ret) != UNIT and not always_exits(body))
        ):
            end = decl.body.span if decl.body is not None else decl.span
            self.report.error(
                "E0126",
                f"`{decl.name}` may reach its end without returning a value of type "
                f"`{display(sig.ret)}`",
                file,
                Span(end.end, end.end),
                labels=((decl.span, "declared here"),),
                help="add a `return` at the end of the body",
            )
        contract = tir.Contract(tuple(requires), tuple(ensures), tuple(measures), measure_span)
        definition = tir.CellDef(
            ref.name,
            decl.type_params,
            sig.params,
            sig.ret,
            contract,
            body,
            decl.kind,
            decl.pub,
            decl.extern,
            decl.trusted,
            decl.doc,
            decl.span,
        )
        check_moves(definition, self.is_resource, self.report, file)
        check_inferred_keys(definition, self.report, file)
        return definition, ctx.callees

    def is_resource(self, t: Type) -> bool:
        """Whether values of ``t`` are affine: a resource record, or contain one."""
        t = strip_refinement(t)
        known = self._affine.get(t)
        if known is not None:
            return known
        self._affine[t] = False  # a recursive type is affine only through another path
        result = any(self.is_resource(part) for part in self._parts(t)) or self._resource_record(t)
        self._affine[t] = result
        return result

    def _resource_record(self, t: Type) -> bool:
        if not isinstance(t, Adt):
            return False
        ref = self.env.find(t.decl)
        return (
            ref is not None
            and isinstance(ref.decl, ast.TypeDecl)
            and isinstance(ref.decl.definition, ast.RecordDef)
            and ref.decl.definition.resource
        )

    def _parts(self, t: Type) -> list[Type]:
        """The types of the values a value of ``t`` holds."""
        match t:
            case VecType(elem):
                return [elem]
            case MapType(key, value):
                return [key, value]
            case Adt(decl, args):
                enum = prelude.prelude_enum(decl)
                ref = self.env.find(decl) if enum is None else None
                if ref is not None and isinstance(ref.decl, ast.TypeDecl):
                    if isinstance(ref.decl.definition, ast.RecordDef):
                        record = self.sigs.record(ref)
                        mapping = dict(
                            zip(self._params(decl, record.type_params), args, strict=False)
                        )
                        return [substitute(f.type, mapping) for f in record.fields]
                    if isinstance(ref.decl.definition, ast.EnumDef):
                        enum = self.sigs.enum(ref)
                if enum is not None:
                    mapping = dict(zip(self._params(decl, enum.type_params), args, strict=False))
                    return [substitute(ft, mapping) for v in enum.variants for _, ft in v.fields]
        return []

    @staticmethod
    def _params(owner: QualName, names: Sequence[str]) -> list[TypeParam]:
        return [TypeParam(n, owner) for n in names]

    def kind_rules(
        self, decl: ast.CellDecl, params: Sequence[tir.Local], ret: Type, source: SourceFile
    ) -> None:
        """The signature rules of ``test``, ``lemma``, ``pure`` and ``main`` cells."""
        unit = strip_refinement(ret) == UNIT
        if decl.kind == "test" and (params or not unit):
            self.report.error(
                "E0132", "a `test` cell takes no arguments and returns nothing", source, decl.span
            )
        if decl.kind == "lemma" and not unit:
            self.report.error(
                "E0132", "a `lemma` returns nothing: its contract is the fact", source, decl.span
            )
        if (
            decl.name == "main"
            and decl.kind == "cell"
            and (params or not (unit or strip_refinement(ret) == Prim("i32")))
        ):
            self.report.error(
                "E0132",
                "`main` takes no arguments and returns nothing or an `i32` exit code",
                source,
                decl.span,
                help="read arguments with `std::env::args()`",
            )
        if decl.kind in ("pure", "lemma"):
            for p in params:
                if p.mutable:
                    self.report.error(
                        "E0123", f"a {decl.kind} cell cannot have `mut` parameters", source, p.span
                    )
            for t in (*(p.type for p in params), ret):
                if _has_handle(t):
                    self.report.error(
                        "E0123",
                        f"a {decl.kind} cell cannot use handle types such as `{display(t)}`",
                        source,
                        decl.span,
                    )

    def recursion_rules(
        self, cells: Mapping[QualName, tir.CellDef], calls: Mapping[QualName, frozenset[QualName]]
    ) -> None:
        """A pure cell or lemma on a cycle of the call graph needs ``decreases`` (E0124)."""
        for name, definition in cells.items():
            if definition.kind not in ("pure", "lemma") or definition.contract.decreases:
                continue
            if _reaches(name, name, calls):
                module = self.env.modules[name.module]
                self.report.error(
                    "E0124",
                    f"the recursive {definition.kind} cell `{name.name}` needs a "
                    "`decreases` clause",
                    module.parsed.source,
                    definition.span,
                    help="add `decreases <measure>` to its contract, a non-negative integer "
                    "that every recursive call makes smaller",
                )


class _Unavailable(Exception):
    """A constant's value is unknown because of an error already reported."""


def _reaches(
    start: QualName, goal: QualName, calls: Mapping[QualName, frozenset[QualName]]
) -> bool:
    seen: set[QualName] = set()
    stack = list(calls.get(start, ()))
    while stack:
        n = stack.pop()
        if n == goal:
            return True
        if n not in seen:
            seen.add(n)
            stack.extend(calls.get(n, ()))
    return False


def _has_handle(t: Type) -> bool:
    return isinstance(strip_refinement(t), Handle)


def always_exits(block: tir.Block) -> bool:
    """Whether control never reaches the end of ``block`` (it returns or panics)."""
    if not block.stmts:
        return False
    last = block.stmts[-1]
    match last:
        case tir.Return():
            return True
        case tir.ExprStmt(tir.BuiltinCall(name="panic")):
            return True
        case tir.If(branches, otherwise):
            return (
                otherwise is not None
                and all(always_exits(b) for _, b in branches)
                and (always_exits(otherwise))
            )
        case tir.Match(_, arms):
            return bool(arms) and all(always_exits(a.body) for a in arms)
        case tir.While(tir.BoolConst(value=True), _, body):
            return not _breaks(body)
        case tir.Unsafe(body):
            return always_exits(body)
    return False


def _breaks(block: tir.Block) -> bool:
    for s in block.stmts:
        match s:
            case tir.Break():
                return True
            case tir.If(branches, otherwise):
                if any(_breaks(b) for _, b in branches) or (otherwise and _breaks(otherwise)):
                    return True
            case tir.Match(_, arms):
                if any(_breaks(a.body) for a in arms):
                    return True
            case tir.Unsafe(body):
                if _breaks(body):
                    return True
    return False


def _order(d: Diagnostic) -> tuple[str, int]:
    return (d.file.name if d.file else "", d.span.start if d.span else 0)
