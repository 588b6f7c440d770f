"""Expressions as Z3 terms, with the obligations their evaluation creates.

One encoder serves code and specifications (:class:`~aura_verify.base.Ctx`);
operators and casts are in :mod:`aura_verify.operators`, built-in methods in
:mod:`aura_verify.builtins`, calls in :mod:`aura_verify.calls`.

- in code, fixed-width arithmetic, negation and casts must stay in range
  (V0007), divisors must be non-zero and shift amounts in range (V0008),
  indexes in range and map keys present (V0009), and values stored into
  refined places must satisfy their predicate (V0010);
- in specifications arithmetic is mathematical (no V0007), but division,
  indexing and unwrapping must still be well-defined (V0008, V0009, V0011)
  wherever the cell must prove the specification rather than assume it.

``and``, ``or``, ``==>`` and conditional expressions evaluate their second
operand on a forked state that knows the first, so a guard such as
``i < v.len() and v[i] > 0`` discharges the index obligation; forks are joined
again only when they changed something (:meth:`Operators.join`).

Places (the targets of assignments, ``mut`` arguments and receivers of
mutating methods) are resolved once into a root local and a path of field,
index and key steps, so their index expressions are evaluated once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import z3

from aura_core import prelude, tir
from aura_core.diagnostics import Diagnostic
from aura_core.source import Span
from aura_core.tirwalk import path_indexes
from aura_core.types import (
    FIXED_WIDTH,
    Adt,
    MapType,
    Refined,
    Type,
    VecType,
    strip_refinement,
)
from aura_verify import bounds, intops, triggers
from aura_verify.base import Ctx
from aura_verify.errors import Unsupported
from aura_verify.operators import Operators
from aura_verify.sorts import AdtInfo, MapParts, type_name
from aura_verify.state import State

__all__ = ["Exprs", "Place"]

_MAX_CHAR = 0x2FFFF  # Z3's largest character


@dataclass(frozen=True)
class Step:
    kind: str  # "field", "index" or "key"
    arg: z3.ExprRef | int
    info: AdtInfo | MapParts | None = None


@dataclass(frozen=True)
class Place:
    root: tir.Local
    steps: tuple[Step, ...]
    type: Type


class Exprs(Operators):
    def __init__(self, program: tir.Program, cell: tir.CellDef) -> None:
        super().__init__(program, cell)
        #: The stand-ins of characters beyond Z3's alphabet, by symbol name.
        self._beyond: dict[str, z3.ExprRef] = {}
        #: String literals by term id -> (term, text), to compare them exactly.
        self.literals: dict[int, tuple[z3.ExprRef, str]] = {}

    # ------------------------------------------------------------ to override

    def call(self, e: tir.Call, st: State, ctx: Ctx) -> z3.ExprRef:
        raise NotImplementedError

    def method(self, e: tir.MethodCall, st: State, ctx: Ctx) -> z3.ExprRef:
        raise NotImplementedError

    def static(self, e: tir.StaticCall, st: State, ctx: Ctx) -> z3.ExprRef:
        raise NotImplementedError

    # ---------------------------------------------------------------- dispatch

    def expr(self, e: tir.Expr, st: State, ctx: Ctx) -> z3.ExprRef:
        term = self.node(e, st, ctx)
        if ctx.quant and isinstance(e, _TRIGGER_SOURCES):
            # Remembered so that a trigger can be named as it was written.
            self.term_origins.setdefault(term.get_id(), (term, e.span))
        return term

    def node(self, e: tir.Expr, st: State, ctx: Ctx) -> z3.ExprRef:
        if isinstance(e, tir.IntConst):
            return z3.IntVal(e.value)
        if isinstance(e, tir.BoolConst):
            return z3.BoolVal(e.value)
        if isinstance(e, tir.FloatConst):
            return z3.FPVal(e.value, z3.Float64())
        if isinstance(e, tir.StrConst):
            return self.string(e.value, st)
        if isinstance(e, tir.BytesConst):
            return _seq([z3.IntVal(b) for b in e.value], z3.IntSort())
        if isinstance(e, tir.UnitConst):
            return self.sorts.unit
        if isinstance(e, tir.LocalRef):
            try:
                return st.lookup(e.local)
            except KeyError:
                raise Unsupported(f"the variable `{e.local.name}` here") from None
        if isinstance(e, tir.ConstRef):
            return self.constant(e)
        if isinstance(e, tir.VecLit):
            elems = [self.expr(x, st, ctx) for x in e.elems]
            t = strip_refinement(self.ty(e.type, ctx))
            assert isinstance(t, VecType)
            for x, v in zip(e.elems, elems, strict=True):
                self.fit_check(t.elem, v, st, ctx, x.span)
            return _seq(elems, self.sort(t.elem))
        if isinstance(e, tir.Interpolation):
            return self.interpolation(e, st, ctx)
        if isinstance(e, tir.Call):
            return self.call(e, st, ctx)
        if isinstance(e, tir.MethodCall):
            return self.method(e, st, ctx)
        if isinstance(e, tir.StaticCall):
            return self.static(e, st, ctx)
        if isinstance(e, tir.BuiltinCall):
            return self.builtin(e, st, ctx)
        if isinstance(e, tir.VariantLit):
            info = self.sorts.adt(self._adt(e.type, ctx))
            args = [self.expr(a, st, ctx) for a in e.args]
            for a, ft, v in zip(e.args, info.variants[e.index][1], args, strict=True):
                self.store_check(ft, v, st, ctx, a.span)
            return info.ctor(e.index)(*args)
        if isinstance(e, tir.RecordLit):
            info = self.sorts.adt(self._adt(e.type, ctx))
            args = [self.expr(a, st, ctx) for a in e.fields]
            for a, ft, v in zip(e.fields, info.variants[0][1], args, strict=True):
                self.store_check(ft, v, st, ctx, a.span)
            return info.ctor(0)(*args)
        if isinstance(e, tir.FieldGet):
            obj = self.expr(e.obj, st, ctx)
            info = self.sorts.adt(self._adt(e.obj.type, ctx))
            if not info.is_record:
                raise Unsupported(f"field access on the enum `{info.type}`")
            v = info.field(0, e.index, obj)
            st.assume(self.wf(v, info.variants[0][1][e.index], st, CTX_CODE))
            return v
        if isinstance(e, tir.Index):
            obj = self.expr(e.obj, st, ctx)
            idx = self.expr(e.index, st, ctx)
            return self.index(e, obj, idx, st, ctx)
        if isinstance(e, tir.Unary):
            return self.unary(e, st, ctx)
        if isinstance(e, tir.Binary):
            return self.binary(e, st, ctx)
        if isinstance(e, tir.Cast):
            return self.cast(e, st, ctx)
        if isinstance(e, tir.Conditional):
            c = self.expr(e.cond, st, ctx)
            s1, s2 = st.fork(c), st.fork(z3.Not(c))
            a = self.expr(e.then, s1, ctx)
            b = self.expr(e.otherwise, s2, ctx)
            self.join(st, [s1, s2], ctx)
            return z3.If(c, a, b)
        if isinstance(e, tir.Quantifier):
            return self.quantifier(e, st, ctx)
        if isinstance(e, tir.Old):
            if ctx.old is None:
                raise Unsupported("`old` outside a specification with an entry state")
            s = st.fork()
            s.env.update(ctx.old)
            v = self.expr(e.expr, s, ctx)
            st.approx |= s.approx
            return v
        if isinstance(e, tir.ResultRef):
            if ctx.result is None:
                raise Unsupported("`result` outside a postcondition")
            return ctx.result
        if isinstance(e, tir.Try):
            return self.try_(e, st, ctx)
        raise Unsupported(f"the expression `{type(e).__name__}`")

    def _adt(self, t: Type, ctx: Ctx) -> Adt:
        t = strip_refinement(self.ty(t, ctx))
        if not isinstance(t, Adt):
            raise Unsupported(f"a value of type `{t}` used as a record or enum")
        return t

    # ---------------------------------------------------------------- literals

    def string(self, text: str, st: State) -> z3.ExprRef:
        """A string literal.  Z3's characters stop at U+2FFFF: each character
        beyond is an unknown one-character string, one per code point, all
        distinct (a run's text maps into Z3's alphabet by sending them to
        characters it does not use, which keeps every exactly modelled
        operation; the order of strings is modelled apart, see
        :meth:`~aura_verify.operators.Operators.string_order`)."""
        parts: list[z3.ExprRef] = []
        plain = ""
        for c in text:
            if ord(c) <= _MAX_CHAR:
                plain += c
                continue
            if plain:
                parts.append(z3.StringVal(plain))
                plain = ""
            parts.append(self.beyond_alphabet(ord(c)))
        if plain or not parts:
            parts.append(z3.StringVal(plain))
        v = parts[0] if len(parts) == 1 else z3.Concat(*parts)
        self.define(self.str_len(v) == len(text.encode("utf-8")))
        self.literals[v.get_id()] = (v, text)
        return v

    def literal_text(self, v: z3.ExprRef) -> str | None:
        """The text of ``v`` if it is a string literal's term."""
        found = self.literals.get(v.get_id())
        return found[1] if found is not None and found[0].eq(v) else None

    def beyond_alphabet(self, code: int) -> z3.ExprRef:
        """The stand-in for the character ``code`` (above U+2FFFF)."""
        what = "a character beyond U+2FFFF, outside the solver's alphabet"
        x = self.approximate(f"str.char{code:x}", [], z3.StringSort(), what)
        if x.decl().name() not in self._beyond:
            self.define(z3.Length(x) == 1)
            self.define(self.str_len(x) == 4)
            for other in self._beyond.values():
                self.define(x != other)
            self._beyond[x.decl().name()] = x
        return x

    def constant(self, e: tir.ConstRef) -> z3.ExprRef:
        module = self.program.modules.get(e.name.module)
        if module is None or e.name.name not in module.consts:
            raise Unsupported(f"the constant `{e.name}`")
        value = module.consts[e.name.name].value
        if isinstance(value, bool):
            return z3.BoolVal(value)
        if isinstance(value, int):
            return z3.IntVal(value)
        if isinstance(value, float):
            return z3.FPVal(value, z3.Float64())
        # As a literal: exact within Z3's alphabet, and with its byte length.
        return self.string(value, State({}))

    def interpolation(self, e: tir.Interpolation, st: State, ctx: Ctx) -> z3.ExprRef:
        args = [self.expr(p, st, ctx) for p in e.parts if not isinstance(p, str)]
        shape = "|".join(p if isinstance(p, str) else "{}" for p in e.parts)
        v = self.approximate(f"interp[{shape}]", args, z3.StringSort(), "string interpolation")
        fixed = sum(len(p.encode("utf-8")) for p in e.parts if isinstance(p, str))
        self.define(self.str_len(v) >= fixed)
        return v

    def builtin(self, e: tir.BuiltinCall, st: State, ctx: Ctx) -> z3.ExprRef:
        for a in e.args:
            self.expr(a, st, ctx)
        if e.name == "panic":
            if ctx.spec:
                raise Unsupported("`panic` in a specification or a pure cell's definition")
            self.oblige(st, "V0003", e.span, z3.BoolVal(False), "`panic` might be reached")
            st.assume(z3.BoolVal(False))
            return self.fresh.const("never", self.sort(e.type, ctx))
        return self.sorts.unit

    # --------------------------------------------------------------- indexing

    def index(
        self, e: tir.Index, obj: z3.ExprRef, idx: z3.ExprRef, st: State, ctx: Ctx
    ) -> z3.ExprRef:
        t = strip_refinement(self.ty(e.obj.type, ctx))
        if isinstance(t, VecType):
            if ctx.check:
                ok = z3.And(idx >= 0, idx < z3.Length(obj))
                self.oblige(st, "V0009", e.span, ok, "index might be out of range")
            v = obj[idx]
            st.assume(self.wf(v, t.elem, st))
            return v
        if isinstance(t, MapType):
            parts = self.sorts.map_parts(t)
            if ctx.check:
                self.oblige(st, "V0009", e.span, parts.has(obj)[idx], "map key might be missing")
            v = parts.val(obj)[idx]
            st.assume(self.wf(v, t.value, st))
            return v
        raise Unsupported(f"indexing a value of type `{t}`")

    # ----------------------------------------------------------------- places

    def place(self, e: tir.Expr, st: State, ctx: Ctx) -> Place:
        """Resolve an assignable place; index obligations are created here, once.

        The index expressions are evaluated first, left to right, and only then
        is the path walked and each index checked (spec section 7.1): an index
        expression with effects runs before any step of the place is read.
        """
        indexes = [self.expr(i, st, ctx) for i in path_indexes(e)]
        return self._resolve(e, indexes, st, ctx)

    def _resolve(self, e: tir.Expr, indexes: list[z3.ExprRef], st: State, ctx: Ctx) -> Place:
        """The place ``e``, its index values given in order (they are consumed)."""
        if isinstance(e, tir.LocalRef):
            return Place(e.local, (), e.type)
        if isinstance(e, tir.FieldGet):
            inner = self._resolve(e.obj, indexes, st, ctx)
            info = self.sorts.adt(self._adt(e.obj.type, ctx))
            return Place(inner.root, (*inner.steps, Step("field", e.index, info)), e.type)
        if isinstance(e, tir.Index):
            inner = self._resolve(e.obj, indexes, st, ctx)
            obj = self.read_place(inner, st)
            idx = indexes.pop(0)
            self.index(e, obj, idx, st, ctx)
            t = strip_refinement(self.ty(e.obj.type, ctx))
            if isinstance(t, MapType):
                step = Step("key", idx, self.sorts.map_parts(t))
            else:
                step = Step("index", idx)
            return Place(inner.root, (*inner.steps, step), e.type)
        raise Unsupported(f"assignment to `{type(e).__name__}`")

    def read_place(self, p: Place, st: State) -> z3.ExprRef:
        v = st.lookup(p.root)
        for s in p.steps:
            v = _read_step(v, s)
        return v

    def write_place(self, p: Place, value: z3.ExprRef, st: State) -> None:
        values = [st.lookup(p.root)]
        for s in p.steps:
            values.append(_read_step(values[-1], s))
        cur = value
        for s, old in zip(reversed(p.steps), reversed(values[:-1]), strict=True):
            cur = self._update(old, s, cur)
        st.env[(p.root.id, p.root.name)] = cur

    def _update(self, old: z3.ExprRef, s: Step, new: z3.ExprRef) -> z3.ExprRef:
        if s.kind == "field":
            assert isinstance(s.info, AdtInfo) and isinstance(s.arg, int)
            fields = [s.info.field(0, i, old) for i in range(len(s.info.variants[0][1]))]
            fields[s.arg] = new
            return s.info.ctor(0)(*fields)
        if s.kind == "key":
            assert isinstance(s.info, MapParts) and not isinstance(s.arg, int)
            p = s.info
            return p.make(
                z3.Store(p.has(old), s.arg, True),
                z3.Store(p.val(old), s.arg, new),
                p.size(old),
                p.order(old),
            )
        assert not isinstance(s.arg, int)
        return self.seq_update(old, s.arg, new)

    def seq_update(self, s: z3.ExprRef, i: z3.ExprRef, x: z3.ExprRef) -> z3.ExprRef:
        """``s`` with element ``i`` (in range) replaced by ``x``."""
        n = z3.Length(s)
        out = z3.Concat(z3.Extract(s, 0, i), z3.Unit(x), z3.Extract(s, i + 1, n - i - 1))
        j = z3.Int(self.fresh.name("j"))
        frame = z3.ForAll([j], z3.Implies(z3.And(j >= 0, j < n, j != i), out[j] == s[j]))
        self.define(
            z3.Implies(z3.And(i >= 0, i < n), z3.And(z3.Length(out) == n, out[i] == x, frame))
        )
        return out

    # -------------------------------------------------------------- refinement

    def fit_check(self, t: Type, v: z3.ExprRef, st: State, ctx: Ctx, span: Span) -> None:
        """V0007: an exact value of a specification stored into a place of the
        fixed-width type ``t`` fits it, so what is read back out satisfies ``t``
        (spec section 8).  Code keeps its values in range as it computes them."""
        name = type_name(self.ty(t, ctx))
        if ctx.math and ctx.check and name in FIXED_WIDTH:
            msg = f"the value might not fit {name}"
            self.oblige(st, "V0007", span, intops.in_range(v, name), msg)

    def store_check(self, t: Type, v: z3.ExprRef, st: State, ctx: Ctx, span: object) -> None:
        """V0010: a value stored into a place of refined type ``t`` satisfies it
        (in a specification, also V0007: it fits the type's range).  What is
        read back out of the place is assumed to satisfy ``t``.

        Every layer counts: ``{ v: Pos | v < 10 }`` checks ``Pos``'s predicate
        too, innermost first, as the run time does.
        """
        assert isinstance(span, Span)
        if ctx.spec:
            self.fit_check(t, v, st, ctx, span)
            if not (ctx.math and ctx.check):  # a callee's clause, or a pure body
                return
        t = self.ty(t, ctx)
        layers: list[Refined] = []
        while isinstance(t, Refined):
            layers.append(t)
            t = self.ty(t.base, ctx)
        for layer in reversed(layers):
            pred = self.refinement(layer, v, st, ctx, assume=False)
            if pred is not None:
                self.oblige(st, "V0010", span, pred, "refinement predicate might not hold")

    # -------------------------------------------------------------- quantifier

    def quantifier(self, e: tir.Quantifier, st: State, ctx: Ctx) -> z3.ExprRef:
        scratch = st.fork()
        inner = replace(ctx, quant=ctx.quant + 1)
        consts: list[z3.ExprRef] = []
        conds: list[z3.BoolRef] = []
        for b in e.binders:
            c = z3.Const(self.fresh.name(b.local.name), self.sort(b.local.type, ctx))
            if b.lo is not None and b.hi is not None:
                lo = self.expr(b.lo, scratch, inner)
                hi = self.expr(b.hi, scratch, inner)
                cond = z3.And(c >= lo, c <= hi if b.inclusive else c < hi)
                ends = (bounds.width(x, self.binder_widths) for x in (b.lo, b.hi))
                self.binder_widths[id(b.local)] = bounds.join(*ends)
            else:
                cond = self.wf(c, b.local.type, scratch, ctx)
            scratch.bind(b.local, c)
            consts.append(c)
            conds.append(cond)
            scratch.assume(cond)
        body = self.expr(e.body, scratch, inner)
        st.approx |= scratch.approx
        patterns: list[z3.PatternRef | z3.ExprRef] = []
        if triggers.unbounded(e):
            choice = triggers.choose(body, consts)
            patterns = choice.z3_patterns()
            self.trigger_warning(e, choice)
        if e.kind == "forall":
            return z3.ForAll(consts, z3.Implies(z3.And(*conds), body), patterns=patterns)
        return z3.Exists(consts, z3.And(*conds, body), patterns=patterns)

    def trigger_warning(self, e: tir.Quantifier, choice: triggers.Choice) -> None:
        """W0008 or W0009 for a quantifier written in this cell, once per quantifier."""
        if choice.found and not choice.chosen:
            return
        if self.own_quantifiers is None:
            self.own_quantifiers = triggers.cell_quantifiers(self.cell)
        code = triggers.TRIGGER_CHOSEN if choice.found else triggers.NO_TRIGGER
        if id(e) not in self.own_quantifiers or any(
            w.code == code and w.span == e.span for w in self.warnings
        ):
            return
        names = ", ".join(b.local.name for b in e.binders)
        if choice.found:
            chosen = ", ".join(f"`{self.term_text(t, e.span)}`" for t in choice.terms())
            self.warnings.append(
                Diagnostic.warning(
                    code,
                    f"no single call or index mentions every bound variable; "
                    f"the verifier chose the trigger {chosen}",
                    self.file,
                    e.span,
                    notes=(
                        "the solver uses this quantifier only for values at which all of "
                        "these terms occur together",
                    ),
                    help=f"state the property with one call or index that mentions {names}",
                )
            )
            return
        self.warnings.append(
            Diagnostic.warning(
                code,
                f"this quantifier has no usable trigger: no call or index mentions "
                f"every bound variable ({names})",
                self.file,
                e.span,
                notes=(
                    "without a trigger the solver may be unable to use the quantifier, "
                    "and proofs that need it may end `unknown`",
                    "bound variables inside arithmetic (`f(x + 1)`) do not make a trigger",
                ),
                help=f"mention {names} as the arguments of a pure cell's call or of an index",
            )
        )

    def term_text(self, t: z3.ExprRef, fallback: Span) -> str:
        """The source text of the expression ``t`` was encoded from, or of the
        smallest one containing it."""
        best: Span | None = None
        origin = self.term_origins.get(t.get_id())
        if origin is not None:
            best = origin[1]
        else:
            for term, span in self.term_origins.values():
                inside = triggers.occurs_in(t, term)
                if inside and (best is None or span.end - span.start < best.end - best.start):
                    best = span
        span = best or fallback
        return " ".join(self.file.text[span.start : span.end].split())

    # ---------------------------------------------------------------- patterns

    def pattern(
        self, p: tir.Pattern, value: z3.ExprRef, t: Type, st: State, ctx: Ctx
    ) -> z3.BoolRef:
        """The condition for ``value`` to match ``p``; its bindings go into ``st``."""
        if isinstance(p, tir.WildcardPattern):
            return z3.BoolVal(True)
        if isinstance(p, tir.BindPattern):
            st.bind(p.local, value)
            st.assume(self.wf(value, p.local.type, st, ctx))
            return z3.BoolVal(True)
        if isinstance(p, tir.LiteralPattern):
            lit = self.expr(p.value, st, ctx)
            return self.equal(value, lit, t, st)
        info = self.sorts.adt(self._adt(t, ctx))
        conds = [info.is_variant(p.index, value)]
        fields = info.variants[p.index][1]
        for i, (sub, ft) in enumerate(zip(p.args, fields, strict=True)):
            conds.append(self.pattern(sub, info.field(p.index, i, value), ft, st, ctx))
        return z3.And(*conds)

    # --------------------------------------------------------------------- try

    def try_(self, e: tir.Try, st: State, ctx: Ctx) -> z3.ExprRef:
        if ctx.spec:
            raise Unsupported("`?` in a specification")
        v = self.expr(e.expr, st, ctx)
        t = self._adt(e.expr.type, ctx)
        info = self.sorts.adt(t)
        early = st.fork(z3.Not(info.is_variant(0, v)))
        ret = self._adt(self.cell.ret, ctx)
        rinfo = self.sorts.adt(ret)
        if t.decl == prelude.OPTION:
            value = rinfo.ctor(prelude.NONE)()
        else:
            value = rinfo.ctor(prelude.ERR)(info.field(prelude.ERR, 0, v))
        self.early_return(early, value, e.span)
        st.assume(info.is_variant(0, v))
        return info.field(0, 0, v)


CTX_CODE = Ctx()

#: Expressions whose terms can be triggers (their origins are remembered).
_TRIGGER_SOURCES = (tir.Call, tir.MethodCall, tir.StaticCall, tir.Index, tir.FieldGet)


def _seq(elems: list[z3.ExprRef], sort: z3.SortRef) -> z3.ExprRef:
    if not elems:
        return z3.Empty(z3.SeqSort(sort))
    units = [z3.Unit(x) for x in elems]
    return units[0] if len(units) == 1 else z3.Concat(*units)


def _read_step(v: z3.ExprRef, s: Step) -> z3.ExprRef:
    if s.kind == "field":
        assert isinstance(s.info, AdtInfo) and isinstance(s.arg, int)
        return s.info.field(0, s.arg, v)
    assert not isinstance(s.arg, int)
    if s.kind == "key":
        assert isinstance(s.info, MapParts)
        return s.info.val(v)[s.arg]
    return v[s.arg]
