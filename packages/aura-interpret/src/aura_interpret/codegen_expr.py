"""Code for expressions.

:meth:`ExprGen.expr` gives a Python expression for an Aura expression used in
place: read, compared, printed, passed to an immutable parameter (a borrow).
:meth:`ExprGen.value` gives the value to store into a *new* holder (a
binding, a container, a field, a returned result): if the expression reads an
existing place, the value is copied (a vector or map is marked shared, a
record copied, see :mod:`aura_interpret.values`).

Evaluation is left to right as in spec section 7.1: Python evaluates operands,
arguments and list displays left to right too, and the inline forms below keep
that order.  Indexing a vector is Python indexing guarded against negative
indexes; an index past the end raises ``IndexError``, which the panic report
explains through the :class:`~aura_interpret.sourcemap.Site` of the line.
"""

from __future__ import annotations

from aura_core import tir
from aura_core.prelude import OPTION
from aura_core.tirwalk import snapshots
from aura_core.types import (
    INTEGER_NAMES,
    Adt,
    MapType,
    Prim,
    Refined,
    Type,
    strip_refinement,
)
from aura_interpret.codegen_ops import float_literal, int_literal
from aura_interpret.codegen_place import PlaceGen
from aura_interpret.emit import wrap
from aura_interpret.sourcemap import Site
from aura_interpret.tirwalk import children

__all__ = ["ExprGen"]

_STRING = Prim("String")


#: Aura expression nesting beyond which sub-expressions get statements of their
#: own: the generated Python nests a few brackets per level, and CPython allows
#: 200 at once.
HOIST_DEPTH = 30


def _conditional_child(parent: tir.Expr, e: tir.Expr) -> bool:
    """Whether ``e`` is evaluated only under a condition inside ``parent``."""
    match parent:
        case tir.Binary(op="and" | "or" | "==>", right=r):
            return r is e
        case tir.Conditional(then=a, otherwise=b):
            return a is e or b is e
        case tir.Quantifier():
            return True
    return False


def _pure_child(e: tir.Expr) -> bool:
    """No effects and no failures: evaluating it later is unobservable."""
    match e:
        case tir.LocalRef() | tir.IntConst() | tir.FloatConst() | tir.BoolConst():
            return True
        case tir.StrConst() | tir.ConstRef() | tir.UnitConst():
            return True
        case tir.FieldGet(obj=o):
            return _pure_child(o)
    return False


def _local_path(e: tir.Expr) -> bool:
    """A variable or a field of one: cheap, no effects, cannot fail."""
    while isinstance(e, tir.FieldGet):
        e = e.obj
    return isinstance(e, tir.LocalRef)


class ExprGen(PlaceGen):
    """Every kind of expression."""

    def expr(self, e: tir.Expr) -> str:
        stack = self.nesting
        spine = self._on_spine(e)
        if spine and len(stack) >= HOIST_DEPTH:
            return self._hoist(e)
        for kid in snapshots(e):
            self.copied.add(id(kid))
        stack.append((e, spine))
        try:
            code = self._expr(e)
        finally:
            stack.pop()
            self.spine_children.pop(id(e), None)
        if id(e) in self.copied:
            # A later sibling changes the variable this value is read from:
            # the value is the one of before (spec 7.1), so it is a copy.
            self.copied.discard(id(e))
            dup = self.dup_name(e.type)
            if dup is not None:
                return f"{dup}({code})"
        return code

    def _on_spine(self, e: tir.Expr) -> bool:
        """Whether ``e`` is evaluated first in its statement (nothing observable before it)."""
        if self.no_walrus:
            return False
        if not self.nesting:
            return self.hoist_ok
        parent, parent_spine = self.nesting[-1]
        if not parent_spine or _conditional_child(parent, e):
            return False
        on_spine = self.spine_children.get(id(parent))
        if on_spine is None:
            # The children up to and including the first that is not pure,
            # found once per parent rather than once per child (a long vector
            # literal was quadratic).
            first: list[int] = []
            for sibling in children(parent):
                first.append(id(sibling))
                if not _pure_child(sibling):
                    break
            on_spine = frozenset(first)
            self.spine_children[id(parent)] = on_spine
        return id(e) in on_spine

    def _hoist(self, e: tir.Expr) -> str:
        """Compute ``e`` in a statement of its own before the current one (deep nesting)."""
        saved = self.nesting
        self.nesting = []
        try:
            code = self.expr(e)
        finally:
            self.nesting = saved
        h = self.tmp("h")
        self.emit(f"{h} = {wrap(code)}", e.span)
        return h

    def _expr(self, e: tir.Expr) -> str:
        match e:
            case tir.IntConst(value=v):
                return int_literal(v)
            case tir.FloatConst(value=v):
                return float_literal(v)
            case tir.BoolConst(value=v):
                return "True" if v else "False"
            case tir.StrConst(value=v):
                return repr(v)
            case tir.BytesConst(value=v):
                return f"_Vec(list({v!r}))"
            case tir.UnitConst():
                return "None"
            case tir.Interpolation(parts=parts):
                return self.interpolation(parts)
            case tir.VecLit(elems=elems):
                vals = (self.fit(self.value(x), x.type, x) for x in elems)
                return f"_Vec([{', '.join(vals)}])"
            case tir.LocalRef(local=local):
                return self.local(local)
            case tir.ConstRef(name=name):
                return self.const_literal(self.ctx.const_value(name))
            case tir.Call():
                return self.call(e)
            case tir.BuiltinCall():
                return self.builtin(e)
            case tir.MethodCall():
                return self.method_call(e)
            case tir.StaticCall():
                return self.static_call(e)
            case tir.VariantLit():
                return self.variant(e)
            case tir.RecordLit():
                return self.record(e)
            case tir.FieldGet(obj=obj, index=k):
                return f"{self.expr(obj)}[{k}]"
            case tir.Index():
                return self.index(e)
            case tir.Unary():
                return self.unary(e)
            case tir.Binary():
                return self.binary(e)
            case tir.Cast():
                return self.cast(e)
            case tir.Conditional(cond=c, then=a, otherwise=b):
                return f"({self.expr(a)} if {self.expr(c)} else {self.expr(b)})"
            case tir.Quantifier():
                return self.quantifier(e)
            case tir.Old():
                return self.old(e)
            case tir.ResultRef():
                return "_res"
            case tir.Try():
                return self.try_expr(e)
        raise AssertionError(f"unexpected expression {e!r}")

    # ------------------------------------------------------------ copying
    def is_place_like(self, e: tir.Expr) -> bool:
        """Whether ``e``'s value may also be held by a variable (so storing it copies)."""
        match e:
            case tir.LocalRef() | tir.Old():
                return True
            case tir.FieldGet(obj=o) | tir.Index(obj=o) | tir.Try(expr=o):
                return self.is_place_like(o)
            case tir.MethodCall(receiver=r, method="unwrap_or", args=args):
                return self.is_place_like(r) or self.is_place_like(args[0])
            case tir.MethodCall(receiver=r, method="unwrap" | "expect" | "unwrap_err"):
                return self.is_place_like(r)
            case tir.Conditional(then=a, otherwise=b):
                return self.is_place_like(a) or self.is_place_like(b)
        return False

    def value(self, e: tir.Expr, *, moving: bool = False) -> str:
        """``e`` as a value for a new holder; ``moving``: the holders of locals are ending."""
        dup = self.dup_name(e.type)
        if dup is None or not self.is_place_like(e):
            return self.expr(e)
        if isinstance(e, tir.Conditional):
            a = self.value(e.then, moving=moving)
            b = self.value(e.otherwise, moving=moving)
            return f"({a} if {self.expr(e.cond)} else {b})"
        if (
            moving
            and isinstance(e, tir.LocalRef)
            and e.local.id in self.owners
            and id(e.local) not in self.rename
        ):
            return self.expr(e)
        return f"{dup}({self.expr(e)})"

    # ------------------------------------------------------------- literals
    @staticmethod
    def const_literal(v: tir.ConstValue) -> str:
        if isinstance(v, bool):
            return "True" if v else "False"
        if isinstance(v, int):
            return int_literal(v)
        if isinstance(v, float):
            return float_literal(v)
        return repr(v)

    def text_of(self, e: tir.Expr) -> str:
        """Code for the top-level text form (spec 7.4) of ``e``."""
        t = strip_refinement(e.type)
        code = self.expr(e)
        if t == _STRING:
            return code
        if isinstance(t, Prim):
            if t.name in INTEGER_NAMES:
                return f"str({code})"
            if t.name == "f64":
                return f"_frepr({code})"
            if t.name == "bool":
                return f"_btext({code})"
            if t.name == "Unit":
                return f"_utext({code})"
        return f"{self.fmt_top(t)}({code})"

    def interpolation(self, parts: tuple[str | tir.Expr, ...]) -> str:
        codes = [repr(p) if isinstance(p, str) else self.text_of(p) for p in parts]
        if not codes:
            return "''"
        return "(" + " + ".join(codes) + ")"

    # ---------------------------------------------------------------- calls
    def call(self, e: tir.Call) -> str:
        if any(a.mut for a in e.args):
            return self.mut_call_expr(e)
        fn = self.ctx.cell_ref(e.cell)
        callee = self.ctx.program.cell(e.cell)
        if callee.extern and self.ctx.extern(e.cell).text_args:
            args = [self.text_of(a.value) for a in e.args]
        else:
            # An argument has its parameter's type (instantiated).
            args = [self.fit(self.expr(a.value), a.value.type, a.value) for a in e.args]
        return f"{self.mark(e.span)}{fn}({', '.join(args)})"

    def builtin(self, e: tir.BuiltinCall) -> str:
        if e.name == "panic":
            return f"{self.mark(e.span)}_panic({self.expr(e.args[0])})"
        fn = "_println" if e.name == "println" else "_print"
        return f"{self.mark(e.span)}{fn}({', '.join(self.text_of(a) for a in e.args)})"

    # --------------------------------------------------------- constructors
    def variant(self, e: tir.VariantLit) -> str:
        if not e.args:
            return f"({e.index},)"
        enum = self.types.enum(e.type)
        assert enum is not None
        name = f"{enum.name.name}::{e.variant}"
        types = self.types.variant_types(e.type, e.index)
        vals = [
            self._stored(a, t, f"field {k} of `{name}`")
            for k, (a, t) in enumerate(zip(e.args, types, strict=True))
        ]
        return f"({e.index}, {', '.join(vals)})"

    def record(self, e: tir.RecordLit) -> str:
        rdef = self.types.record(e.type)
        assert rdef is not None
        types = self.types.field_types(e.type)
        vals = [
            self._stored(a, t, f"field `{f.name}` of `{rdef.name.name}`")
            for a, t, f in zip(e.fields, types, rdef.fields, strict=True)
        ]
        return f"[{', '.join(vals)}]"

    def _stored(self, e: tir.Expr, t: Type, what: str) -> str:
        code = self.fit(self.value(e), t, e)
        if isinstance(t, Refined) and not self.trusted("refinement", e.span):
            code = self.refine_expr(t, code, what, e.span)
        return code

    # ------------------------------------------------------------- indexing
    def index(self, e: tir.Index) -> str:
        ot = strip_refinement(e.obj.type)
        obj = self.expr(e.obj)
        if isinstance(ot, MapType):
            key = self.expr(e.index)
            text = self.ctx.fmts.inner(ot.key)
            if self.no_walrus:
                return f"{self.mark(e.span)}_key({obj}, {key}, {self.obj(text, 'f')})"
            site = Site("key", "", key_text=text)
            return f"{self.mark(e.span, site)}{obj}.d[{key}]"
        if self.no_walrus:
            return f"{self.mark(e.span)}_ix({obj}, {self.expr(e.index)})"
        if _local_path(e.obj):
            items = f"{obj}.items"
            head = items
        else:
            items = self.tmp("l")
            head = f"({items} := {obj}.items)"
        idx = e.index
        if isinstance(idx, tir.IntConst) and idx.value >= 0:
            site = Site("index", items, str(idx.value))
            return f"{self.mark(e.span, site)}{head}[{idx.value}]"
        if self.iv.nonnegative(idx) or self.trusted("index", e.span):
            if isinstance(idx, tir.LocalRef):
                i = self.local(idx.local)
                return f"{self.mark(e.span, Site('index', items, i))}{head}[{i}]"
            i = self.tmp("i")
            site = Site("index", items, i)
            return f"{self.mark(e.span, site)}{head}[({i} := {self.expr(idx)})]"
        if isinstance(idx, tir.LocalRef):
            i = self.local(idx.local)
            test = f"{i} if {i} >= 0"
        else:
            i = self.tmp("i")
            test = f"{i} if ({i} := {self.expr(idx)}) >= 0"
        site = Site("index", items, i)
        fail = f"{self.mark(e.span)}_negix({items}, {i})"
        return f"{self.mark(e.span, site)}{head}[{test} else {fail}]"

    # ------------------------------------------------------------------- ?
    def try_expr(self, e: tir.Try) -> str:
        t = strip_refinement(e.expr.type)
        assert isinstance(t, Adt)
        o = self.tmp("o")
        ret = "(1,)" if t.decl == OPTION else o
        return f"({o}[1] if ({o} := {self.expr(e.expr)})[0] == 0 else _early({ret}))"
