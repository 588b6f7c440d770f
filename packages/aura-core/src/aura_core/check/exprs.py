"""Checking expressions: types from context, operators, names, specifications.

Checking is bidirectional.  :meth:`ExprChecker.expr` takes the *expected type*
of spec section 1 (a declared type, a parameter, the other operand of a binary
operator ...) and returns a typed :mod:`~aura_core.tir` expression; literals
take their type from it, and nothing flows backwards from later uses.

Calls, method calls, records and variants are in :mod:`aura_core.check.calls`,
which this class mixes in.
"""

from __future__ import annotations

from aura_core import ast, prelude, tir
from aura_core.check.context import CellContext
from aura_core.check.operators import CAST_TARGETS, OperatorChecker, is_float, numeric
from aura_core.check.typeops import accepts, display, is_error, same
from aura_core.types import (
    BOOL,
    ERROR,
    F64,
    STRING,
    UNIT,
    Adt,
    MapType,
    Prim,
    Type,
    VecType,
    fixed_width_range,
    int_range,
    is_integer,
    strip_refinement,
)

__all__ = ["ExprChecker"]

_I64 = Prim("i64")


class ExprChecker(OperatorChecker):
    """Typed expressions for one cell (or a declaration-level predicate)."""

    def __init__(self, ctx: CellContext):
        super().__init__(ctx)

    # -------------------------------------------------------------- entry
    def expr(self, e: ast.Expr, expected: Type | None = None) -> tir.Expr:
        match e:
            case ast.IntLit():
                return self.int_lit(e, expected, negated=False)
            case ast.FloatLit(value):
                return tir.FloatConst(F64, value, span=e.span)
            case ast.BoolLit(value):
                return tir.BoolConst(BOOL, value, span=e.span)
            case ast.StringLit():
                return self.string(e)
            case ast.BytesLit(value):
                return tir.BytesConst(VecType(Prim("u8")), value, span=e.span)
            case ast.UnitLit():
                return tir.UnitConst(UNIT, span=e.span)
            case ast.VecLit(elems):
                return self.vec_lit(e, elems, expected)
            case ast.Name(name):
                return self.name(e, name, expected)
            case ast.Path(parts):
                return self.path_value(e, parts, expected)
            case ast.ResultRef():
                return self.result_ref(e)
            case ast.Old(inner):
                return self.old(e, inner, expected)
            case ast.Call():
                return self.call(e, expected)
            case ast.MethodCall():
                return self.method_call(e, expected)
            case ast.FieldAccess(obj, name):
                return self.field(e, obj, name)
            case ast.Index(obj, index):
                return self.index(e, obj, index)
            case ast.Try(inner):
                return self.try_(e, inner, expected)
            case ast.Unary():
                return self.unary(e, expected)
            case ast.Binary():
                return self.binary(e, expected)
            case ast.Cast(inner, target):
                return self.cast(e, inner, target)
            case ast.Conditional(then, cond, otherwise):
                return self.conditional(e, then, cond, otherwise, expected)
            case ast.Quantifier():
                return self.quantifier(e)
            case ast.RecordLit():
                return self.record_lit(e, expected)
        raise AssertionError(e)

    def expect(self, e: ast.Expr, expected: Type, what: str = "") -> tir.Expr:
        """Check ``e`` against ``expected`` and report a mismatch (E0109)."""
        result = self.expr(e, expected)
        self.require(result, expected, e.span, what)
        return result

    def require(self, result: tir.Expr, expected: Type, span: object, what: str = "") -> None:
        if accepts(expected, result.type):
            return
        help = self.conversion_help(result, expected)
        where = f" {what}" if what else ""
        self.error(
            "E0109",
            f"mismatched types{where}: expected `{display(expected)}`, found "
            f"`{display(result.type)}`",
            result.span,
            help=help,
        )

    def conversion_help(self, result: tir.Expr, expected: Type) -> str | None:
        source = strip_refinement(result.type)
        target = strip_refinement(expected)
        if isinstance(target, Prim) and target.name in CAST_TARGETS and numeric(source):
            return f"convert explicitly: `... as {target.name}`"
        if target == STRING and isinstance(source, Prim):
            return 'convert with `.to_string()` or use interpolation `"{x}"`'
        if (
            isinstance(target, Adt)
            and target.decl == prelude.OPTION
            and accepts(target.args[0], source)
        ):
            return "wrap the value: `Some(...)`"
        return None

    # ---------------------------------------------------------- literals
    def int_lit(self, e: ast.IntLit, expected: Type | None, negated: bool) -> tir.Expr:
        value = -e.value if negated else e.value
        span = e.span
        if e.suffix is not None:
            t: Type = Prim(e.suffix)  # type: ignore[arg-type]
        elif expected is not None and is_integer(expected):
            t = strip_refinement(expected)
        elif expected is not None and is_float(expected):
            self.error(
                "E0109",
                "mismatched types: expected `f64`, found an integer literal",
                span,
                help=f"write a float literal: `{'-' if negated else ''}{e.text}.0`",
            )
            return tir.FloatConst(F64, float(value), span=span)
        else:
            t = _I64
        rng = int_range(t)
        if rng is not None and not rng[0] <= value <= rng[1]:
            bigger = _wider(value, t)
            self.error(
                "E0112",
                f"integer literal `{'-' if negated else ''}{e.text}` is out of "
                f"range for `{display(t)}`",
                span,
                notes=(f"`{display(t)}` holds {rng[0]} to {rng[1]}",),
                help=f"use a wider type such as `{bigger}`",
            )
        return tir.IntConst(t, value, span=span)

    def string(self, e: ast.StringLit) -> tir.Expr:
        if all(isinstance(p, ast.StrText) for p in e.parts):
            text = "".join(p.value for p in e.parts if isinstance(p, ast.StrText))
            return tir.StrConst(STRING, text, span=e.span)
        parts: list[str | tir.Expr] = []
        for p in e.parts:
            if isinstance(p, ast.StrText):
                parts.append(p.value)
            else:
                inner = self.expr(p.expr)
                self.printable(inner)
                parts.append(inner)
        return tir.Interpolation(STRING, tuple(parts), span=e.span)

    def printable(self, value: tir.Expr) -> None:
        """A value shown in text form must not contain an opaque type parameter."""
        if self.mentions_param(value.type):
            self.error(
                "E0128",
                f"a value of type `{display(value.type)}` cannot be printed",
                value.span,
                notes=(
                    "a type parameter is opaque: values of it can be "
                    "stored, moved and returned, not printed",
                ),
            )

    def vec_lit(
        self, e: ast.VecLit, elems: tuple[ast.Expr, ...], expected: Type | None
    ) -> tir.Expr:
        want = strip_refinement(expected) if expected is not None else None
        elem_t: Type | None = want.elem if isinstance(want, VecType) else None
        items: list[tir.Expr] = []
        for el in elems:
            if elem_t is None:
                item = self.expr(el)
                elem_t = item.type
            else:
                item = self.expect(el, elem_t, "in vector literal")
            items.append(item)
        if elem_t is None:
            self.error(
                "E0110",
                "cannot infer the element type of `[]`",
                e.span,
                help="give the binding a type: `val v: Vec<i64> = []`",
            )
            elem_t = ERROR
        return tir.VecLit(VecType(strip_refinement(elem_t)), tuple(items), span=e.span)

    # ------------------------------------------------------------- names
    def name(self, e: ast.Name, name: str, expected: Type | None) -> tir.Expr:
        local = self.scopes.lookup(name)
        if local is not None:
            return tir.LocalRef(local.type, local, span=e.span)
        if name == "None":
            return self.variant_value(e, prelude.OPTION, "None", (), expected)
        ref = self.env.own(self.module, name)
        if ref is not None and isinstance(ref.decl, ast.ConstDecl):
            return tir.ConstRef(self.const_type(ref), ref.name, span=e.span)
        if ref is not None and isinstance(ref.decl, ast.CellDecl):
            self.error(
                "E0100", f"`{name}` is a cell, not a value", e.span, help=f"call it: `{name}(...)`"
            )
            return tir.UnitConst(ERROR, span=e.span)
        if name in self.module.imports:
            self.error(
                "E0100",
                f"`{name}` is a module, not a value",
                e.span,
                help=f"name one of its members: `{name}::...`",
            )
            return tir.UnitConst(ERROR, span=e.span)
        candidates = [
            *self.scopes.visible(),
            *(n for n, d in self.module.decls.items() if isinstance(d, ast.ConstDecl)),
        ]
        self.error(
            "E0100",
            f"cannot find `{name}` in this scope",
            e.span,
            help=self.suggest(name, candidates),
        )
        return tir.UnitConst(ERROR, span=e.span)

    def path_value(self, e: ast.Path, parts: tuple[str, ...], expected: Type | None) -> tir.Expr:
        found = self.resolve_path(e, parts)
        if found is None:
            return tir.UnitConst(ERROR, span=e.span)
        if found[0] == "variant":
            enum_name, variant = found[1]
            return self.variant_value(e, enum_name, variant, (), expected, qualified=True)
        if found[0] == "const":
            ref = found[1]
            return tir.ConstRef(self.const_type(ref), ref.name, span=e.span)
        self.error(
            "E0100",
            f"`{'::'.join(parts)}` is a cell, not a value",
            e.span,
            help=f"call it: `{'::'.join(parts)}(...)`",
        )
        return tir.UnitConst(ERROR, span=e.span)

    # ------------------------------------------------------ access paths
    def field(self, e: ast.FieldAccess, obj: ast.Expr, name: str) -> tir.Expr:
        value = self.expr(obj)
        t = strip_refinement(value.type)
        if is_error(t):
            return tir.FieldGet(ERROR, value, name, -1, span=e.span)
        record = self.record_of(t)
        if record is None:
            self.error(
                "E0106",
                f"`{display(t)}` has no fields",
                e.span,
                help=f"`{name}` is a method? call it: `.{name}()`"
                if self.has_method(t, name)
                else None,
            )
            return tir.FieldGet(ERROR, value, name, -1, span=e.span)
        definition, mapping = record
        for i, f in enumerate(definition.fields):
            if f.name == name:
                return tir.FieldGet(self.subst(f.type, mapping), value, name, i, span=e.span)
        self.error(
            "E0106",
            f"record `{definition.name.name}` has no field `{name}`",
            e.span,
            help=self.suggest(name, [f.name for f in definition.fields]),
        )
        return tir.FieldGet(ERROR, value, name, -1, span=e.span)

    def index(self, e: ast.Index, obj: ast.Expr, index: ast.Expr) -> tir.Expr:
        value = self.expr(obj)
        t = strip_refinement(value.type)
        if isinstance(t, VecType):
            i = self.expr(index, _I64)
            if not is_integer(i.type) and not is_error(i.type):
                self.error(
                    "E0109", f"a vector index must be an integer, not `{display(i.type)}`", i.span
                )
            return tir.Index(t.elem, value, i, span=e.span)
        if isinstance(t, MapType):
            k = self.expect(index, t.key, "as map key")
            return tir.Index(t.value, value, k, span=e.span)
        if not is_error(t):
            self.error("E0111", f"cannot index into a value of type `{display(t)}`", e.span)
        return tir.Index(ERROR, value, self.expr(index), span=e.span)

    def try_(self, e: ast.Try, inner: ast.Expr, expected: Type | None) -> tir.Expr:
        value = self.expr(inner)
        t = strip_refinement(value.type)
        ret = strip_refinement(self.ctx.ret)
        if is_error(t):
            return tir.Try(ERROR, value, span=e.span)
        option, result = prelude.OPTION, prelude.RESULT
        if not (isinstance(t, Adt) and t.decl in (option, result)):
            self.error("E0125", f"`?` needs an `Option` or a `Result`, not `{display(t)}`", e.span)
            return tir.Try(ERROR, value, span=e.span)
        if self.ctx.spec:
            self.error("E0125", "`?` cannot be used in a specification", e.span)
        elif not (isinstance(ret, Adt) and ret.decl == t.decl):
            kind = "Option" if t.decl == option else "Result"
            self.error(
                "E0125",
                f"`?` on an `{kind}` needs a cell that returns an `{kind}`",
                e.span,
                notes=(f"this cell returns `{display(ret)}`",),
            )
        elif t.decl == result and not same(ret.args[1], t.args[1]):
            self.error(
                "E0125",
                f"`?` would return `Err` of type `{display(t.args[1])}` from a "
                f"cell whose error type is `{display(ret.args[1])}`",
                e.span,
            )
        return tir.Try(t.args[0], value, span=e.span)


def _wider(value: int, t: Type) -> str:
    """The narrowest integer type that holds ``value``, preferring ``t``'s signedness."""
    signed = not (isinstance(t, Prim) and t.name.startswith("u")) or value < 0
    for name in ("i8", "i16", "i32", "i64") if signed else ("u8", "u16", "u32", "u64"):
        lo, hi = fixed_width_range(name)
        if lo <= value <= hi:
            return name
    return "Int"
