"""What every part of one cell's proof shares: the cell, the sorts, the collected
obligations and axioms, and the helpers that create them.

The verification of a cell is split by concern into layers, each a subclass of
the one before (as the checker's expression checker is): :class:`Base` here,
operators (:mod:`.operators`), expressions (:mod:`.exprs`), built-in methods
(:mod:`.builtins`), pure cells as functions (:mod:`.pure`), calls
(:mod:`.calls`), statements (:mod:`.stmts`), loops (:mod:`.loops`) and the
driver of one cell (:mod:`.vcgen`).  Methods a lower layer needs from a
higher one are declared here and raise :class:`NotImplementedError`.

Axioms are facts true of every path, such as the definition of a pure cell or
the length of ``Vec::filled(n, x)``; they are stated about deterministic
function terms and given to every obligation of the cell.  Path facts live in
:class:`~aura_verify.state.State`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import z3

from aura_core import tir
from aura_core.diagnostics import Diagnostic, Label
from aura_core.source import SourceFile, Span
from aura_core.types import (
    STRING,
    UNIT,
    Adt,
    MapType,
    Refined,
    Type,
    TypeParam,
    VecType,
    strip_refinement,
)
from aura_verify.errors import Unsupported
from aura_verify.intops import in_range
from aura_verify.obligations import TITLES, CexVar, Obligation
from aura_verify.sorts import Sorts, substitute, type_name
from aura_verify.state import Fresh, Key, State, key
from aura_verify.walk import free_locals

__all__ = ["Base", "Ctx"]


@dataclass(frozen=True)
class Ctx:
    """How an expression is being encoded.

    ``spec``: a specification (mathematical arithmetic, no effects, only pure
    calls).  ``check``: create well-definedness obligations (always in code; in
    a specification only where this cell must prove it, not where it assumes
    it).  ``old`` and ``result`` give ``old(...)`` and ``result``; ``tsubst``
    instantiates a callee's type parameters; ``quant`` counts enclosing
    quantifiers; ``fuel`` bounds the unfolding of recursive pure cells.
    ``body``: a pure cell's body unfolded as its definition, which is code
    (``spec`` for its effects, but shifts, ``~`` and casts keep the
    fixed-width meaning of spec section 7; its own proof keeps the rest in
    range).
    """

    spec: bool = False
    check: bool = True
    old: Mapping[Key, z3.ExprRef] | None = None
    result: z3.ExprRef | None = None
    tsubst: Mapping[TypeParam, Type] = field(default_factory=dict)
    quant: int = 0
    fuel: int = 2
    body: bool = False

    @property
    def math(self) -> bool:
        """Whether integer operations are those of specifications (exact, unbounded)."""
        return self.spec and not self.body


CODE = Ctx()


class Base:
    """State shared by the layers of one cell's proof."""

    def __init__(self, program: tir.Program, cell: tir.CellDef) -> None:
        self.program = program
        self.cell = cell
        self.file: SourceFile = program.modules[cell.name.module].source
        self.sorts = Sorts(program)
        self.fresh = Fresh()
        self.obligations: list[Obligation] = []
        self.axioms: list[z3.BoolRef] = []
        self._axiom_ids: set[int] = set()
        self.warnings: list[Diagnostic] = []
        #: Values of the parameters at entry (``old``, counterexamples).
        self.entry: dict[Key, z3.ExprRef] = {}
        self._functions: dict[str, z3.FuncDeclRef] = {}
        #: Names of the function symbols that stand for partly modelled
        #: operations -> what they stand for (see :mod:`aura_verify.solver`).
        self.approx_symbols: dict[str, str] = {}
        self._defaults: dict[str, z3.ExprRef] = {}
        #: Terms encoded inside quantifiers -> the expression they came from
        #: (term id -> (term, span)), to name a trigger as it was written.
        self.term_origins: dict[int, tuple[z3.ExprRef, Span]] = {}
        #: The quantifiers written in this cell (see :mod:`aura_verify.triggers`).
        self.own_quantifiers: frozenset[int] | None = None
        #: Quantified variables over a range (``id`` of the local) -> the signed
        #: width that holds the range's ends (see :mod:`aura_verify.bounds`).
        self.binder_widths: dict[int, int | None] = {}

    # ------------------------------------------------------------ to override

    def expr(self, e: tir.Expr, st: State, ctx: Ctx) -> z3.ExprRef:
        raise NotImplementedError

    def early_return(self, st: State, value: z3.ExprRef, span: Span) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ types

    def ty(self, t: Type, ctx: Ctx) -> Type:
        return substitute(t, ctx.tsubst) if ctx.tsubst else t

    def sort(self, t: Type, ctx: Ctx = CODE) -> z3.SortRef:
        return self.sorts.sort(self.ty(t, ctx))

    # ------------------------------------------------------------ functions

    def function(
        self, name: str, domain: tuple[z3.SortRef, ...], rng: z3.SortRef
    ) -> z3.FuncDeclRef:
        """An uninterpreted function, one per name and signature within the cell."""
        full = f"{name}:{','.join(map(str, domain))}->{rng}"
        f = self._functions.get(full)
        if f is None:
            f = z3.Function(self.fresh.name(name), *domain, rng)
            self._functions[full] = f
        return f

    def apply(self, name: str, args: list[z3.ExprRef], rng: z3.SortRef) -> z3.ExprRef:
        f = self.function(name, tuple(a.sort() for a in args), rng)
        return f(*args) if args else f()

    def approximate(
        self, name: str, args: list[z3.ExprRef], rng: z3.SortRef, what: str
    ) -> z3.ExprRef:
        """A partly modelled operation: a function of its inputs, remembered as such."""
        f = self.function(name, tuple(a.sort() for a in args), rng)
        self.approx_symbols[f.name()] = what
        return f(*args) if args else f()

    def default(self, sort: z3.SortRef) -> z3.ExprRef:
        """One fixed value of ``sort`` (what an empty map holds outside its keys)."""
        k = str(sort)
        if k not in self._defaults:
            self._defaults[k] = self.fresh.const("default", sort)
        return self._defaults[k]

    def define(self, fact: z3.BoolRef) -> None:
        """Add an axiom (a fact true on every path); duplicates are dropped."""
        if z3.is_true(fact):
            return
        ident = fact.get_id()
        if ident not in self._axiom_ids:
            self._axiom_ids.add(ident)
            self.axioms.append(fact)

    # -------------------------------------------------------- values and facts

    def fresh_value(self, t: Type, hint: str, st: State, ctx: Ctx = CODE) -> z3.ExprRef:
        """An unknown value of ``t`` (a havoc), with the facts every such value meets."""
        v = self.fresh.const(hint, self.sort(t, ctx))
        st.assume(self.wf(v, t, st, ctx))
        return v

    def wf(self, v: z3.ExprRef, t: Type, st: State, ctx: Ctx = CODE, depth: int = 0) -> z3.BoolRef:
        """What every value of ``t`` satisfies: integer ranges, refinements, sizes."""
        t = self.ty(t, ctx)
        facts: list[z3.BoolRef] = []
        if isinstance(t, Refined):
            facts.append(self.wf(v, t.base, st, ctx, depth))
            pred = self.refinement(t, v, st, ctx, assume=True)
            if pred is not None:
                facts.append(pred)
            return z3.And(*facts) if facts else z3.BoolVal(True)
        name = type_name(t)
        if name:
            return in_range(v, name)
        if depth > 2:
            return z3.BoolVal(True)
        if isinstance(t, VecType):
            facts.append(z3.Length(v) <= (1 << 63) - 1)
            elem = strip_refinement(t.elem)
            if type_name(elem) and type_name(elem) != "Int":
                i = z3.Int(self.fresh.name("i"))
                body = z3.Implies(z3.And(i >= 0, i < z3.Length(v)), in_range(v[i], type_name(elem)))
                facts.append(z3.ForAll([i], body))
        elif isinstance(t, MapType):
            parts = self.sorts.map_parts(t)
            facts.append(parts.size(v) >= 0)
            vn = type_name(t.value)
            if vn and vn != "Int":
                k = z3.Const(self.fresh.name("k"), self.sort(t.key, ctx))
                fact = z3.Implies(parts.has(v)[k], in_range(parts.val(v)[k], vn))
                facts.append(z3.ForAll([k], fact, patterns=[parts.val(v)[k]]))
        elif isinstance(t, Adt):
            info = self.sorts.adt(t)
            for vi, (_, fields) in enumerate(info.variants):
                parts_ = [
                    self.wf(info.field(vi, fi, v), ft, st, CODE, depth + 1)
                    for fi, ft in enumerate(fields)
                ]
                parts_ = [p for p in parts_ if not z3.is_true(p)]
                if not parts_:
                    continue
                if info.is_record:
                    facts.extend(parts_)
                else:
                    facts.append(z3.Implies(info.is_variant(vi, v), z3.And(*parts_)))
        elif t == STRING:
            facts.append(self.str_len(v) >= 0)
        return z3.And(*facts) if facts else z3.BoolVal(True)

    def str_len(self, s: z3.ExprRef) -> z3.ArithRef:
        """A string's length in bytes (Z3's own ``Length`` counts characters)."""
        f = self.function("str.bytes", (z3.StringSort(),), z3.IntSort())
        n = f(s)
        self.define(z3.And(n >= z3.Length(s), n <= 4 * z3.Length(s)))
        return n

    def refinement(
        self, t: Refined, v: z3.ExprRef, st: State, ctx: Ctx, *, assume: bool
    ) -> z3.BoolRef | None:
        """``t``'s predicate of ``v``.

        When ``assume``, only a predicate that mentions nothing but its own
        variable (and constants and pure cells) is returned: one that mentions
        other locals was true when the value was stored but need not be now.
        """
        if assume and not _self_contained(t):
            return None
        scratch = st.fork()
        scratch.bind(t.var, v)
        # Storing must also prove the predicate well-defined (it runs at run
        # time): its obligations become part of the returned condition.
        pctx = Ctx(spec=True, check=not assume, tsubst=ctx.tsubst, quant=ctx.quant)
        mark, base = len(self.obligations), len(scratch.facts)
        try:
            term = self.expr(t.pred, scratch, pctx)
        except Unsupported as exc:
            if assume:
                st.approx.add(exc.message)
                return None
            raise
        finally:
            inner = self.obligations[mark:]
            del self.obligations[mark:]
        st.approx |= scratch.approx
        defined = []
        for ob in inner:
            if ob.goal is None:
                raise Unsupported(ob.message)
            defined.append(z3.Implies(z3.And(*ob.facts[base:]), ob.goal))
        return z3.And(*defined, term) if defined else term

    # ------------------------------------------------------------ obligations

    def cex_vars(
        self, st: State, result: z3.ExprRef | None = None, rtype: Type | None = None
    ) -> tuple[CexVar, ...]:
        out: dict[str, CexVar] = {}
        params = {key(p) for p in self.cell.params}
        for p in self.cell.params:
            if key(p) in self.entry:
                out[p.name] = CexVar(p.name, self.entry[key(p)], p.type)
        for k, local in sorted(st.locals.items()):
            if k in params or local.name in out or local.name.startswith("#"):
                continue
            if k in st.env:
                out[local.name] = CexVar(local.name, st.env[k], local.type)
        if result is not None and rtype is not None and strip_refinement(rtype) != UNIT:
            out["result"] = CexVar("result", result, rtype)
        return tuple(out.values())

    def oblige(
        self,
        st: State,
        code: str,
        span: Span,
        goal: z3.BoolRef,
        message: str | None = None,
        *,
        related: tuple[Label, ...] = (),
        soft: str | None = None,
        cex: tuple[CexVar, ...] | None = None,
        keep: bool = True,
    ) -> None:
        """Record that ``goal`` must hold on ``st``'s path, then assume it there."""
        if not z3.is_true(z3.simplify(goal)):
            self.obligations.append(
                Obligation(
                    code,
                    message or TITLES[code],
                    self.file,
                    span,
                    tuple(st.facts),
                    goal,
                    cex if cex is not None else self.cex_vars(st),
                    related,
                    frozenset(st.approx),
                    st.abstract,
                    frozenset(st.loose),
                    soft=soft,
                )
            )
        if keep:
            st.assume(goal)

    def unknown(self, st: State, code: str, span: Span, reason: str) -> None:
        """An obligation that cannot be encoded: ``unknown`` with ``reason``."""
        self.obligations.append(Obligation(code, reason, self.file, span, (), None, preset=reason))


def _self_contained(t: Refined) -> bool:
    """Whether ``t``'s predicate reads no local but its own variable."""
    return free_locals(t.pred) <= {key(t.var)}
