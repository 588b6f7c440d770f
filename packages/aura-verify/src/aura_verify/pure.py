"""Pure cells as functions of the logic (spec section 8: the verifier "may unfold"
their definitions "a bounded number of times").

A call of a pure cell ``f`` (in code or in a specification) is the term
``f(args)`` of an uninterpreted function, one per cell and instantiation, made
meaningful by axioms:

- its **contract**: for all arguments meeting the parameter types and ``requires``,
  the ``ensures`` hold of ``f(args)``;
- its **definition**, when the body is straight-line code, ``if``/``elif``,
  ``match`` and ``return`` (no loops, no assignments): ``f(args)`` equals the body
  read as one expression, under the same premise.

For a cell outside any call cycle the definition (or, for a body with loops,
the contract) is instantiated at each call term outside a quantifier, and is a
quantified axiom triggered by ``f(args)`` terms for calls inside one;
instantiation terminates because the call graph below the cell is finite.  A
definition alone is a conservative extension: it cannot make the axioms
contradictory, which a false contract could.

For a recursive cell, the definition is instantiated only at the ground terms
that occur in the proof, and the terms it introduces are
unfolded again while ``fuel`` lasts (two levels from a specification): bounded
unfolding, which cannot loop.  The contract of a recursive cell is a quantified
axiom unless its clauses mention its own call cycle, when it too is ground.

These axioms take the contracts of pure cells, and their termination, as given:
each is proven when that cell itself is verified, as every callee's contract is
in modular verification.  Not in that proof itself: there the axioms about a
cell on the verified cell's own cycle hold only at arguments whose measure is
below the cell's at entry (the induction hypothesis).  Unguarded, the
definition ``f(x) == 1 + f(x)`` of a cell that never returns, or a contract
``ensures false``, would be contradictory and prove the cell's own termination
and everything else.
"""

from __future__ import annotations

import z3

from aura_core import tir
from aura_core.graphs import cyclic_components
from aura_core.types import UNIT, QualName, Type, TypeParam, strip_refinement
from aura_verify.base import Ctx
from aura_verify.builtins import Builtins
from aura_verify.errors import Unsupported
from aura_verify.state import State, key
from aura_verify.walk import children, has_effects

__all__ = ["Pure", "lex_less"]


#: Statements a definition may contain before it is too large to unfold.
_BUDGET = 400
#: Unfoldings of a recursive cell called on constants, and of all recursive cells.
_CONCRETE_FUEL = 40
_MAX_UNFOLDINGS = 400


def lex_less(new: list[z3.ExprRef], old: list[z3.ExprRef]) -> z3.BoolRef:
    """``new`` below ``old`` lexicographically, on non-negative decreasing components."""
    n = min(len(new), len(old))
    acc: z3.BoolRef = z3.BoolVal(False)
    for k in range(n - 1, -1, -1):
        acc = z3.Or(z3.And(new[k] < old[k], old[k] >= 0), z3.And(new[k] == old[k], acc))
    return acc


#: Marks the cycles of the call graph as found (the graph may have none).
_COMPUTED = QualName(("",), "")


class Pure(Builtins):
    def __init__(self, program: tir.Program, cell: tir.CellDef) -> None:
        super().__init__(program, cell)
        self._symbols: dict[tuple[str, tuple[Type, ...]], z3.FuncDeclRef] = {}
        self._quantified: dict[tuple[str, tuple[Type, ...], str], bool] = {}
        self._ground: set[tuple[int, int]] = set()
        self._cycles: dict[QualName, frozenset[str]] = {}
        self._unfoldings = 0
        #: Terms whose ids key ``_ground``: kept alive so that no id is reused.
        self._retained: list[z3.ExprRef] = []
        #: The cell's own measure at entry, for recursive calls.
        self.entry_measure: list[z3.ExprRef] | None = None

    # ------------------------------------------------------------- call graph

    def cycle(self, cell: tir.CellDef) -> frozenset[str]:
        """Names of the cells on a call cycle with ``cell`` (empty if none).

        The call graph's cyclic components, found once (Tarjan's algorithm):
        reachability asked per cell cost cubic time on a chain of cells.
        """
        if not self._cycles:
            calls = self.program.calls
            nodes = sorted({*calls, *(c for targets in calls.values() for c in targets)}, key=str)
            for component in cyclic_components(nodes, lambda n: calls.get(n, ())):
                names = frozenset(str(c) for c in component)
                for c in component:
                    self._cycles[c] = names
            self._cycles[_COMPUTED] = frozenset()
        return self._cycles.get(cell.name, frozenset())

    def induction(
        self, callee: tir.CellDef, tsubst: dict[TypeParam, Type], args: list[z3.ExprRef]
    ) -> z3.BoolRef | None:
        """Where an axiom about ``callee`` at ``args`` may be used in this proof.

        ``None`` (everywhere) unless ``callee`` is on this cell's own cycle; then
        only where its measure at ``args`` is below this cell's at entry.
        """
        if str(callee.name) not in self.cycle(self.cell):
            return None
        if self.entry_measure is None or not callee.contract.decreases:
            return z3.BoolVal(False)
        st = State({key(p): a for p, a in zip(callee.params, args, strict=True)})
        c = Ctx(spec=True, check=False, tsubst=tsubst, fuel=0)
        try:
            new = [self.expr(d, st, c) for d in callee.contract.decreases]
        except Unsupported:
            return z3.BoolVal(False)
        return lex_less(new, self.entry_measure)

    def guarded(
        self,
        fact: z3.BoolRef,
        callee: tir.CellDef,
        tsubst: dict[TypeParam, Type],
        args: list[z3.ExprRef],
    ) -> z3.BoolRef:
        guard = self.induction(callee, tsubst, args)
        return fact if guard is None else z3.Implies(guard, fact)

    # ---------------------------------------------------------------- symbols

    def tsubst_for(self, callee: tir.CellDef, targs: tuple[Type, ...]) -> dict[TypeParam, Type]:
        return {
            TypeParam(p, callee.name): a for p, a in zip(callee.type_params, targs, strict=False)
        }

    def symbol(self, callee: tir.CellDef, targs: tuple[Type, ...]) -> z3.FuncDeclRef:
        k = (str(callee.name), targs)
        if k not in self._symbols:
            tsubst = self.tsubst_for(callee, targs)
            c = Ctx(tsubst=tsubst)
            domain = [self.sort(p.type, c) for p in callee.params]
            name = str(callee.name) + (f"<{', '.join(map(str, targs))}>" if targs else "")
            self._symbols[k] = z3.Function(self.fresh.name(name), *domain, self.sort(callee.ret, c))
        return self._symbols[k]

    def pure_apply(
        self,
        callee: tir.CellDef,
        targs: tuple[Type, ...],
        args: list[z3.ExprRef],
        st: State,
        ctx: Ctx,
    ) -> z3.ExprRef:
        f = self.symbol(callee, targs)
        args = [z3.simplify(a) for a in args]
        term = f(*args) if args else f()
        tsubst = self.tsubst_for(callee, targs)
        if not self.cycle(callee):
            # A definition alone is a conservative extension (it cannot be
            # contradictory); the contract is the fallback for bodies with loops.
            # Ground instances where possible: fewer quantifiers make the
            # solver's answers, and its counterexamples, more dependable.
            if ctx.quant == 0:
                self._ground_instance(callee, tsubst, args, term)
            elif not self._quantified_axiom(callee, targs, f, "definition"):
                self._quantified_axiom(callee, targs, f, "contract")
            st.assume(self.wf(term, callee.ret, st, Ctx(tsubst=tsubst)))
            return term
        self._contract_axiom(callee, targs, f, term, ctx)
        fuel = ctx.fuel
        if args and all(z3.is_int_value(a) or z3.is_true(a) or z3.is_false(a) for a in args):
            # A call on constants is evaluated as far as it goes, within a budget.
            fuel = max(fuel, _CONCRETE_FUEL)
        if ctx.quant == 0 and fuel > 0 and self._unfoldings < _MAX_UNFOLDINGS:
            self._unfoldings += 1
            self._ground_definition(callee, tsubst, args, term, fuel)
        st.assume(self.wf(term, callee.ret, st, Ctx(tsubst=tsubst)))
        return term

    # ----------------------------------------------------------------- axioms

    def _contract_axiom(
        self,
        callee: tir.CellDef,
        targs: tuple[Type, ...],
        f: z3.FuncDeclRef,
        term: z3.ExprRef,
        ctx: Ctx,
    ) -> None:
        cyc = self.cycle(callee)
        clauses = (*callee.contract.requires, *callee.contract.ensures)
        if not any(_calls_any(c, cyc) for c in clauses):
            self._quantified_axiom(callee, targs, f, "contract")
        elif ctx.quant == 0:
            ident = (term.get_id(), -1)
            if ident in self._ground:
                return
            self._ground.add(ident)
            self._retained.append(term)
            args = [term.arg(i) for i in range(term.num_args())]
            tsubst = self.tsubst_for(callee, targs)
            fact = self._contract_fact(callee, tsubst, args, term, 0)
            if fact is not None:
                self.define(self.guarded(fact, callee, tsubst, args))

    def _premise(
        self,
        callee: tir.CellDef,
        tsubst: dict[TypeParam, Type],
        args: list[z3.ExprRef],
        st: State,
        quant: int,
    ) -> z3.BoolRef:
        c = Ctx(spec=True, check=False, tsubst=tsubst, quant=quant, fuel=0)
        parts = [self.wf(a, p.type, st, c) for p, a in zip(callee.params, args, strict=True)]
        parts += [self.expr(r, st, c) for r in callee.contract.requires]
        return z3.And(*parts) if parts else z3.BoolVal(True)

    def _contract_fact(
        self,
        callee: tir.CellDef,
        tsubst: dict[TypeParam, Type],
        args: list[z3.ExprRef],
        term: z3.ExprRef,
        quant: int,
    ) -> z3.BoolRef | None:
        st = State({key(p): a for p, a in zip(callee.params, args, strict=True)})
        try:
            premise = self._premise(callee, tsubst, args, st, quant)
            old = dict(st.env)
            c = Ctx(
                spec=True, check=False, old=old, result=term, tsubst=tsubst, quant=quant, fuel=0
            )
            ens = [self.expr(e, st, c) for e in callee.contract.ensures]
        except Unsupported:
            return None
        if not ens:
            return None
        return z3.Implies(premise, z3.And(*ens))

    def _quantified_axiom(
        self, callee: tir.CellDef, targs: tuple[Type, ...], f: z3.FuncDeclRef, what: str
    ) -> bool:
        """Add the quantified ``contract`` or ``definition`` axiom; whether there is one."""
        k = (str(callee.name), targs, what)
        if k in self._quantified:
            return self._quantified[k]
        self._quantified[k] = False
        tsubst = self.tsubst_for(callee, targs)
        c = Ctx(tsubst=tsubst)
        xs = [self.fresh.const(p.name, self.sort(p.type, c)) for p in callee.params]
        term = f(*xs) if xs else f()
        fact: z3.BoolRef | None
        if what == "contract":
            fact = self._contract_fact(callee, tsubst, xs, term, 1)
        else:
            fact = self._definition_fact(callee, tsubst, xs, term, 1, 0)
        if fact is None:
            return False
        fact = self.guarded(fact, callee, tsubst, xs)
        self.define(z3.ForAll(xs, fact, patterns=[term]) if xs else fact)
        self._quantified[k] = True
        return True

    def _ground_instance(
        self,
        callee: tir.CellDef,
        tsubst: dict[TypeParam, Type],
        args: list[z3.ExprRef],
        term: z3.ExprRef,
    ) -> None:
        """The definition (else the contract) of a cell outside any cycle at one term."""
        ident = (term.get_id(), -2)
        if ident in self._ground:
            return
        self._ground.add(ident)
        self._retained.append(term)
        fact = self._definition_fact(callee, tsubst, args, term, 0, 0)
        if fact is None:
            fact = self._contract_fact(callee, tsubst, args, term, 0)
        if fact is not None:
            self.define(fact)

    def _ground_definition(
        self,
        callee: tir.CellDef,
        tsubst: dict[TypeParam, Type],
        args: list[z3.ExprRef],
        term: z3.ExprRef,
        fuel: int,
    ) -> None:
        ident = (term.get_id(), fuel)
        if ident in self._ground or (term.get_id(), fuel + 1) in self._ground:
            return
        self._ground.add(ident)
        self._retained.append(term)
        fact = self._definition_fact(callee, tsubst, args, term, 0, fuel - 1)
        if fact is not None:
            self.define(self.guarded(fact, callee, tsubst, args))

    def _definition_fact(
        self,
        callee: tir.CellDef,
        tsubst: dict[TypeParam, Type],
        args: list[z3.ExprRef],
        term: z3.ExprRef,
        quant: int,
        fuel: int,
    ) -> z3.BoolRef | None:
        if callee.body is None or callee.extern:
            return None
        st = State({key(p): a for p, a in zip(callee.params, args, strict=True)})
        c = Ctx(spec=True, check=False, tsubst=tsubst, quant=quant, fuel=fuel, body=True)
        try:
            premise = self._premise(callee, tsubst, args, st, quant)
            budget = [_BUDGET]
            body = self._body_term(list(callee.body.stmts), st, c, callee.ret, budget)
        except Unsupported:
            return None
        return z3.Implies(premise, term == body)

    # ----------------------------------------------------------- definitions

    def _body_term(
        self, stmts: list[tir.Stmt], st: State, ctx: Ctx, ret: Type, budget: list[int]
    ) -> z3.ExprRef:
        """The value a straight-line body returns, as one term."""
        budget[0] -= 1
        if budget[0] < 0:
            raise Unsupported("a pure cell's definition too large to unfold")
        if not stmts:
            if strip_refinement(self.ty(ret, ctx)) == UNIT:
                return self.sorts.unit
            raise Unsupported("a pure cell's body that does not end in `return`")
        s, rest = stmts[0], stmts[1:]
        if isinstance(s, tir.Return):
            return self.sorts.unit if s.value is None else self.expr(s.value, st, ctx)
        if isinstance(s, tir.Let):
            st.bind(s.local, self.expr(s.value, st, ctx))
            return self._body_term(rest, st, ctx, ret, budget)
        if isinstance(s, tir.Assert | tir.Assume | tir.LemmaCall):
            return self._body_term(rest, st, ctx, ret, budget)
        if isinstance(s, tir.ExprStmt) and not has_effects(s.expr) and not _panics(s.expr):
            return self._body_term(rest, st, ctx, ret, budget)
        if isinstance(s, tir.If):
            # Branches whose condition simplifies to a constant are decided here, so
            # a call on constants unfolds only along its path.
            for i, (cond_expr, block) in enumerate(s.branches):
                cond = z3.simplify(self.expr(cond_expr, st, ctx))
                if z3.is_false(cond):
                    continue
                then = self._body_term([*block.stmts, *rest], st.fork(), ctx, ret, budget)
                if z3.is_true(cond):
                    return then
                later = tir.If(s.branches[i + 1 :], s.otherwise, span=s.span)
                other = self._body_term([later, *rest], st.fork(), ctx, ret, budget)
                return z3.If(cond, then, other)
            other_stmts = s.otherwise.stmts if s.otherwise is not None else ()
            return self._body_term([*other_stmts, *rest], st, ctx, ret, budget)
        if isinstance(s, tir.Match):
            value = self.expr(s.scrutinee, st, ctx)
            out: z3.ExprRef | None = None
            for arm in reversed(s.arms):
                arm_st = st.fork()
                cond = self.pattern(arm.pattern, value, s.scrutinee.type, arm_st, ctx)
                if arm.guard is not None:
                    cond = z3.And(cond, self.expr(arm.guard, arm_st, ctx))
                cond = z3.simplify(cond)
                if z3.is_false(cond):
                    continue
                if z3.is_true(cond):
                    out = None
                then = self._body_term([*arm.body.stmts, *rest], arm_st, ctx, ret, budget)
                out = then if out is None else z3.If(cond, then, out)
            if out is None:
                raise Unsupported("an empty match")
            return out
        raise Unsupported(f"`{type(s).__name__}` in a pure cell's body")


def _panics(e: tir.Expr) -> bool:
    """Whether ``e`` calls ``panic`` (a path with no value: no definition covers it)."""
    if isinstance(e, tir.BuiltinCall) and e.name == "panic":
        return True
    return any(_panics(c) for c in children(e))


def _calls_any(e: tir.Expr, names: frozenset[str]) -> bool:
    if isinstance(e, tir.Call) and str(e.cell) in names:
        return True
    return any(_calls_any(c, names) for c in children(e))
