"""Checking calls, method calls, enum variants and record literals.

Generic cells, records and enums are instantiated here: type arguments are
found by matching parameter types against the arguments and the expected
type (:func:`~aura_core.check.typeops.unify`), never written in expressions.
This module is the base class of :class:`~aura_core.check.exprs.ExprChecker`;
the ``expr``/``expect`` methods it calls are defined there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from aura_core import ast, methods, prelude, tir
from aura_core.check.context import CellContext
from aura_core.check.env import DeclRef
from aura_core.check.places import check_mut_args, mutable_place
from aura_core.check.signatures import TypeScope
from aura_core.check.suggest import did_you_mean
from aura_core.check.typeops import contains_param, display, is_error, substitute, unify
from aura_core.source import Span
from aura_core.types import (
    ERROR,
    STRING,
    UNIT,
    Adt,
    QualName,
    Type,
    TypeParam,
    is_integer,
    strip_refinement,
)

__all__ = ["CallChecker"]

_BUILTINS = {"print", "println", "panic"}
_PRELUDE_VARIANTS = {"Some": prelude.OPTION, "Ok": prelude.RESULT, "Err": prelude.RESULT}
_I64_HINT = methods.I64

PathTarget = (
    tuple[Literal["variant"], tuple[QualName, str]]
    | tuple[Literal["const", "cell", "record"], DeclRef]
)


class CallChecker:
    """Shared state and helpers of expression checking, and everything call-shaped."""

    def __init__(self, ctx: CellContext):
        self.ctx = ctx
        self.scopes = ctx.scopes
        self.env = ctx.program.env
        self.sigs = ctx.program.sigs
        self.module = ctx.module
        self.file = ctx.module.parsed.source

    if TYPE_CHECKING:

        def expr(self, e: ast.Expr, expected: Type | None = None) -> tir.Expr: ...

        def expect(self, e: ast.Expr, expected: Type, what: str = "") -> tir.Expr: ...

        def printable(self, value: tir.Expr) -> None: ...

    # ------------------------------------------------------------- reporting
    def error(self, code: str, message: str, span: Span, **kw: Any) -> None:
        self.ctx.program.report.error(code, message, self.file, span, **kw)

    def suggest(self, name: str, candidates: Sequence[str]) -> str | None:
        return did_you_mean(name, candidates)

    # ----------------------------------------------------------------- types
    def resolve_type(self, t: ast.TypeExpr) -> Type:
        return self.sigs.resolve(t, TypeScope(self.module, self.ctx.type_params))

    def subst(self, t: Type, mapping: dict[TypeParam, Type]) -> Type:
        return substitute(t, mapping)

    def new_local(self, name: str, t: Type, mutable: bool, span: Span) -> tir.Local:
        local = tir.Local(self.scopes.new_id(), name, t, mutable, span)
        previous = self.scopes.declare(local)
        if previous is not None:
            self.error(
                "E0101",
                f"`{name}` is already declared in this block",
                span,
                labels=((previous.span, "first declared here"),),
                help="choose another name, or assign with `=` if it is `val mut`",
            )
        return local

    def const_type(self, ref: DeclRef) -> Type:
        decl = ref.decl
        assert isinstance(decl, ast.ConstDecl)
        return self.sigs.resolve(decl.type, TypeScope(ref.module, {}))

    def record_of(self, t: Type) -> tuple[tir.RecordDef, dict[TypeParam, Type]] | None:
        t = strip_refinement(t)
        if not isinstance(t, Adt):
            return None
        ref = self.env.find(t.decl)
        if ref is None or not isinstance(ref.decl, ast.TypeDecl):
            return None
        if not isinstance(ref.decl.definition, ast.RecordDef):
            return None
        definition = self.sigs.record(ref)
        return definition, _mapping(definition.name, definition.type_params, t.args)

    def enum_of(self, t: Type) -> tuple[tir.EnumDef, dict[TypeParam, Type]] | None:
        t = strip_refinement(t)
        if not isinstance(t, Adt):
            return None
        definition = self.enum_def(t.decl)
        if definition is None:
            return None
        return definition, _mapping(definition.name, definition.type_params, t.args)

    def enum_def(self, name: QualName) -> tir.EnumDef | None:
        builtin = prelude.prelude_enum(name)
        if builtin is not None:
            return builtin
        ref = self.env.find(name)
        if ref is None or not isinstance(ref.decl, ast.TypeDecl):
            return None
        if not isinstance(ref.decl.definition, ast.EnumDef):
            return None
        return self.sigs.enum(ref)

    def has_method(self, t: Type, name: str) -> bool:
        return methods.builtin_method(t, name) is not None

    # ----------------------------------------------------------------- paths
    def resolve_path(self, e: ast.Node, parts: tuple[str, ...]) -> PathTarget | None:
        """``Enum::Variant``, ``module::name`` or ``module::Enum::Variant``."""
        module = self.module
        rest = parts
        if parts[0] in module.imports and len(parts) >= 2:
            if len(parts) == 2:
                ref = self.env.member(module, parts[0], parts[1], e.span)
                if ref is None:
                    return None
                return self._classify(ref)
            target = self.env.imported(module, parts[0])
            if target is None:
                return None
            ref = self.env.member(module, parts[0], parts[1], e.span)
            rest = parts[1:]
        else:
            ref = self.env.own(module, parts[0])
        if len(rest) == 2 and ref is not None and isinstance(ref.decl, ast.TypeDecl):
            definition = ref.decl.definition
            if isinstance(definition, ast.EnumDef):
                names = [v.name for v in definition.variants]
                if rest[1] in names:
                    return ("variant", (ref.name, rest[1]))
                self.error(
                    "E0100",
                    f"enum `{ref.decl.name}` has no variant `{rest[1]}`",
                    e.span,
                    help=self.suggest(rest[1], names),
                )
                return None
        if len(rest) == 2 and rest[0] in ("Option", "Result") and ref is None:
            enum = prelude.OPTION if rest[0] == "Option" else prelude.RESULT
            return ("variant", (enum, rest[1]))
        self.error(
            "E0100",
            f"cannot find `{'::'.join(parts)}`",
            e.span,
            help=self.suggest(parts[0], list(module.imports) + list(module.decls)),
        )
        return None

    def _classify(self, ref: DeclRef) -> PathTarget:
        if isinstance(ref.decl, ast.ConstDecl):
            return ("const", ref)
        if isinstance(ref.decl, ast.CellDecl):
            return ("cell", ref)
        return ("record", ref)

    # -------------------------------------------------------------- variants
    def variant_value(
        self,
        e: ast.Node,
        enum_name: QualName,
        variant: str,
        args: Sequence[ast.Arg],
        expected: Type | None,
        qualified: bool = False,
    ) -> tir.Expr:
        definition = self.enum_def(enum_name)
        assert definition is not None
        index = next(i for i, v in enumerate(definition.variants) if v.name == variant)
        fields = definition.variants[index].fields
        shown = (
            variant
            if enum_name.module == prelude.PRELUDE_MODULE
            else (f"{enum_name.name}::{variant}")
        )
        if len(args) != len(fields):
            self.error(
                "E0108",
                f"`{shown}` takes {len(fields)} argument"
                f"{'s' if len(fields) != 1 else ''}, but {len(args)} "
                f"{'were' if len(args) != 1 else 'was'} given",
                e.span,
            )
        params = frozenset(TypeParam(n, enum_name) for n in definition.type_params)
        binding: dict[TypeParam, Type] = {}
        want = strip_refinement(expected) if expected is not None else None
        if isinstance(want, Adt) and want.decl == enum_name:
            binding.update(_mapping(enum_name, definition.type_params, want.args))
        values = self._infer_args([a.value for a in args], [t for _, t in fields], params, binding)
        missing = [p for p in params if p not in binding]
        if missing:
            self.error(
                "E0110",
                f"cannot infer the type of `{shown}`",
                e.span,
                help="give the binding a type, such as `val x: Option<i64> = None`",
            )
            for p in missing:
                binding[p] = ERROR
        t = Adt(enum_name, tuple(binding[TypeParam(n, enum_name)] for n in definition.type_params))
        return tir.VariantLit(t, variant, index, tuple(values), span=e.span)

    def _infer_args(
        self,
        args: Sequence[ast.Expr],
        param_types: Sequence[Type],
        params: frozenset[TypeParam],
        binding: dict[TypeParam, Type],
    ) -> list[tir.Expr]:
        """Check arguments against generic parameter types, binding type parameters.

        Arguments whose parameter type is fully known (or becomes known from
        earlier arguments) are checked against it; the others are checked alone
        and their types matched.  Unsuffixed literals wait for a binding.
        """
        out: list[tir.Expr | None] = [None] * len(args)
        order = sorted(range(len(args)), key=lambda i: _is_flexible(args[i]))
        for i in order:
            if i >= len(param_types):
                out[i] = self.expr(args[i])
                continue
            want = substitute(param_types[i], binding)
            if not contains_param(want, params):
                out[i] = self.expect(args[i], want, "in argument")
                continue
            value = self.expr(args[i])
            if not unify(want, value.type, params, binding):
                self.error(
                    "E0109",
                    f"mismatched types in argument: expected "
                    f"`{display(want)}`, found `{display(value.type)}`",
                    value.span,
                )
            out[i] = value
        return [v for v in out if v is not None]

    # ----------------------------------------------------------------- calls
    def call(self, e: ast.Call, expected: Type | None) -> tir.Expr:
        callee = e.callee
        if isinstance(callee, ast.Name):
            name = callee.id
            if self.scopes.lookup(name) is None:
                if name in _PRELUDE_VARIANTS:
                    return self.variant_value(e, _PRELUDE_VARIANTS[name], name, e.args, expected)
                if name in _BUILTINS and self.env.own(self.module, name) is None:
                    return self.builtin(e, name)  # type: ignore[arg-type]
            ref = self.env.own(self.module, name)
            if ref is None or not isinstance(ref.decl, ast.CellDecl):
                cells = [n for n, d in self.module.decls.items() if isinstance(d, ast.CellDecl)]
                self.error(
                    "E0100",
                    f"cannot find cell `{name}` in this scope",
                    callee.span,
                    help=self.suggest(name, [*cells, *_BUILTINS]),
                )
                for a in e.args:
                    self.expr(a.value)
                return tir.UnitConst(ERROR, span=e.span)
            return self.cell_call(e, ref, e.args, expected)
        if isinstance(callee, ast.Path):
            parts = callee.parts
            if (
                len(parts) == 2
                and parts[0] in ("Vec", "Map", "String")
                and (parts[0] not in self.module.decls)
            ):
                return self.static_call(e, parts[0], parts[1], expected)
            target = self.resolve_path(callee, parts)
            if target is None:
                for a in e.args:
                    self.expr(a.value)
                return tir.UnitConst(ERROR, span=e.span)
            if target[0] == "variant":
                enum_name, variant = target[1]
                return self.variant_value(e, enum_name, variant, e.args, expected, True)
            if target[0] == "cell":
                return self.cell_call(e, target[1], e.args, expected)
            self.error("E0100", f"`{'::'.join(parts)}` cannot be called", callee.span)
            return tir.UnitConst(ERROR, span=e.span)
        raise AssertionError(callee)

    def builtin(self, e: ast.Call, name: Literal["print", "println", "panic"]) -> tir.Expr:
        if len(e.args) != 1:
            self.error("E0108", f"`{name}` takes 1 argument, but {len(e.args)} were given", e.span)
        if self.ctx.spec:
            self.error("E0122", f"`{name}` cannot be called in a specification", e.span)
        elif name != "panic" and self.ctx.pure:
            self.error("E0123", f"a {self.ctx.kind} cell cannot do I/O (`{name}`)", e.span)
        values: list[tir.Expr] = []
        for a in e.args:
            value = (
                self.expect(a.value, STRING, "panic message")
                if name == "panic"
                else (self.expr(a.value))
            )
            if name != "panic":
                self.printable(value)
            values.append(value)
        return tir.BuiltinCall(UNIT, name, tuple(values), span=e.span)

    def cell_call(
        self,
        e: ast.Node,
        ref: DeclRef,
        args: Sequence[ast.Arg],
        expected: Type | None,
        receiver: tir.Expr | None = None,
    ) -> tir.Expr:
        decl = ref.decl
        assert isinstance(decl, ast.CellDecl)
        sig = self.sigs.cell(ref)
        self.ctx.callees.add(ref.name)
        self._call_rules(e, decl, ref.name)
        given = len(args) + (receiver is not None)
        if given != len(sig.params):
            self.error(
                "E0108",
                f"`{decl.name}` takes {len(sig.params)} argument"
                f"{'s' if len(sig.params) != 1 else ''}, but {given} "
                f"{'were' if given != 1 else 'was'} given",
                e.span,
                labels=((decl.span, "declared here"),),
            )
        params = frozenset(sig.type_params)
        binding: dict[TypeParam, Type] = {}
        if expected is not None and contains_param(sig.ret, params):
            unify(sig.ret, expected, params, binding)
        param_types = [p.type for p in sig.params]
        offset = 0
        values: list[tir.Expr] = []
        if receiver is not None:
            unify(param_types[0], receiver.type, params, binding)
            values.append(receiver)
            offset = 1
        values += self._infer_args([a.value for a in args], param_types[offset:], params, binding)
        for p in params:
            if p not in binding:
                self.error(
                    "E0110",
                    f"cannot infer the type parameter `{p.name}` of `{decl.name}`",
                    e.span,
                    help="give the result a type: `val x: ... = ...`",
                )
                binding[p] = ERROR
        flags = ([sig.params[0].mutable] if receiver is not None else []) + [a.mut for a in args]
        call_args = tuple(tir.Arg(v, m) for v, m in zip(values, flags, strict=False))
        check_mut_args(self, sig.params, call_args, args, offset)
        return tir.Call(
            substitute(sig.ret, binding),
            ref.name,
            tuple(binding[p] for p in sig.type_params),
            call_args,
            span=e.span,
        )

    def _call_rules(self, e: ast.Node, decl: ast.CellDecl, name: QualName) -> None:
        """Where a cell may be called from: specifications, pure cells, ``unsafe:``."""
        if decl.kind == "lemma" and not self.ctx.statement_call:
            self.error(
                "E0121",
                f"the lemma `{decl.name}` can only be called as a statement",
                e.span,
                help="call it on a line of its own; its postcondition then holds as a fact",
            )
        if self.ctx.spec and decl.kind != "pure":
            self.error(
                "E0122",
                f"only `pure` cells can be called in specifications, and `{decl.name}` is not pure",
                e.span,
                labels=((decl.span, "declared here"),),
                help=f"declare it `pure cell {decl.name}` if it has no effects",
            )
        elif self.ctx.pure and decl.kind not in ("pure", "lemma"):
            self.error(
                "E0123",
                f"a {self.ctx.kind} cell may only call pure cells, and `{decl.name}` is not pure",
                e.span,
            )
        if decl.extern and not decl.trusted and not self.ctx.unsafe:
            self.error(
                "E0119",
                f"`{decl.name}` is an untrusted extern cell and may only be "
                "called inside `unsafe:`",
                e.span,
                help="wrap the call in an `unsafe:` block",
            )

    def static_call(self, e: ast.Call, owner: str, name: str, expected: Type | None) -> tir.Expr:
        sig = methods.static_function(owner, name)
        if sig is None:
            self.error(
                "E0107",
                f"`{owner}` has no function `{name}`",
                e.callee.span,
                help=self.suggest(name, methods.static_function_names(owner)),
            )
            return tir.UnitConst(ERROR, span=e.span)
        params = frozenset(sig.type_params)
        binding: dict[TypeParam, Type] = {}
        if expected is not None:
            unify(sig.ret, expected, params, binding)
        types = [_param_type(p.type) for p in sig.params]
        values = self._infer_args([a.value for a in e.args], types, params, binding)
        self._any_int(sig.params, values)
        if len(e.args) != len(sig.params):
            self.error(
                "E0108",
                f"`{owner}::{name}` takes {len(sig.params)} argument"
                f"{'s' if len(sig.params) != 1 else ''}, but {len(e.args)} were given",
                e.span,
            )
        if any(p not in binding for p in params):
            self.error(
                "E0110",
                f"cannot infer the type of `{owner}::{name}()`",
                e.span,
                help=f"give the binding a type: `val x: {owner}<...> = {owner}::{name}()`",
            )
            for p in params:
                binding.setdefault(p, ERROR)
        return tir.StaticCall(
            substitute(sig.ret, binding), sig.owner, name, tuple(values), span=e.span
        )

    def _any_int(self, params: Sequence[methods.Param], values: Sequence[tir.Expr]) -> None:
        for p, v in zip(params, values, strict=False):
            if isinstance(p.type, methods.AnyInt) and not (is_integer(v.type) or is_error(v.type)):
                self.error(
                    "E0109", f"`{p.name}` must be an integer, not `{display(v.type)}`", v.span
                )

    # ---------------------------------------------------------- method calls
    def method_call(self, e: ast.MethodCall, expected: Type | None) -> tir.Expr:
        receiver = self.expr(e.receiver)
        rt = strip_refinement(receiver.type)
        if is_error(rt):
            for a in e.args:
                self.expr(a.value)
            return tir.MethodCall(ERROR, receiver, e.method, (), span=e.span)
        sig = methods.builtin_method(rt, e.method)
        if sig is None:
            ref = self.env.own(self.module, e.method)
            if ref is not None and isinstance(ref.decl, ast.CellDecl) and ref.decl.params:
                first = self.sigs.cell(ref).params[0]
                params = frozenset(self.sigs.cell(ref).type_params)
                if unify(first.type, rt, params, {}):
                    return self.cell_call(e, ref, e.args, expected, receiver=receiver)
            reason = methods.unavailable_reason(rt, e.method)
            self.error(
                "E0107",
                f"no method `{e.method}` on `{display(rt)}`",
                e.span,
                notes=(reason,) if reason else (),
                help=None if reason else self.suggest(e.method, methods.method_names(rt)),
            )
            for a in e.args:
                self.expr(a.value)
            return tir.MethodCall(ERROR, receiver, e.method, (), span=e.span)
        if len(e.args) != len(sig.params):
            self.error(
                "E0108",
                f"`{e.method}` takes {len(sig.params)} argument"
                f"{'s' if len(sig.params) != 1 else ''}, but {len(e.args)} "
                f"{'were' if len(e.args) != 1 else 'was'} given",
                e.span,
            )
        values: list[tir.Expr] = []
        for p, a in zip(sig.params, e.args, strict=False):
            if isinstance(p.type, methods.AnyInt):
                values.append(self.expr(a.value, _I64_HINT))
            else:
                values.append(self.expect(a.value, p.type, f"in argument `{p.name}`"))
        self._any_int(sig.params, values)
        if sig.mutates:
            if self.ctx.spec:
                self.error(
                    "E0121",
                    f"`{e.method}` changes its receiver and cannot be used in a specification",
                    e.span,
                )
            else:
                mutable_place(self, receiver, f"call `{e.method}` on it")
        return tir.MethodCall(sig.ret, receiver, e.method, tuple(values), span=e.span)

    # -------------------------------------------------------- record literals
    def record_lit(self, e: ast.RecordLit, expected: Type | None) -> tir.Expr:
        parts = e.path
        if len(parts) == 2 and parts[0] in self.module.imports:
            ref = self.env.member(self.module, parts[0], parts[1], e.span)
        elif len(parts) == 1:
            ref = self.env.own(self.module, parts[0])
        else:
            ref = None
        if ref is None or not (
            isinstance(ref.decl, ast.TypeDecl) and isinstance(ref.decl.definition, ast.RecordDef)
        ):
            if ref is None or len(parts) == 1:
                records = [
                    n
                    for n, d in self.module.decls.items()
                    if isinstance(d, ast.TypeDecl) and isinstance(d.definition, ast.RecordDef)
                ]
                self.error(
                    "E0102",
                    f"unknown record type `{'::'.join(parts)}`",
                    e.span,
                    help=self.suggest(parts[-1], records),
                )
            for f in e.fields:
                self.expr(f.value)
            return tir.RecordLit(ERROR, (), span=e.span)
        definition = self.sigs.record(ref)
        params = frozenset(TypeParam(n, ref.name) for n in definition.type_params)
        binding: dict[TypeParam, Type] = {}
        want = strip_refinement(expected) if expected is not None else None
        if isinstance(want, Adt) and want.decl == ref.name:
            binding.update(_mapping(ref.name, definition.type_params, want.args))
        by_name = {f.name: i for i, f in enumerate(definition.fields)}
        given: dict[str, ast.FieldInit] = {}
        for f in e.fields:
            if f.name not in by_name:
                self.error(
                    "E0130",
                    f"record `{definition.name.name}` has no field `{f.name}`",
                    f.span,
                    help=self.suggest(f.name, list(by_name)),
                )
                self.expr(f.value)
            elif f.name in given:
                self.error(
                    "E0130",
                    f"field `{f.name}` is given twice",
                    f.span,
                    labels=((given[f.name].span, "first given here"),),
                )
            else:
                given[f.name] = f
        inits = list(given.values())
        checked = self._infer_args(
            [f.value for f in inits],
            [definition.fields[by_name[f.name]].type for f in inits],
            params,
            binding,
        )
        values = dict(zip((f.name for f in inits), checked, strict=True))
        missing = [
            f.name
            for f in definition.fields
            if f.name not in values and (self.ctx.program.field_default(ref, f.name) is None)
        ]
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            self.error(
                "E0130",
                f"missing field{'s' if len(missing) > 1 else ''} {listed} in "
                f"`{definition.name.name}` literal",
                e.span,
                help="give every field without a default a value",
            )
        for p in params:
            if p not in binding:
                self.error(
                    "E0110",
                    f"cannot infer the type parameter `{p.name}` of `{definition.name.name}`",
                    e.span,
                )
                binding[p] = ERROR
        fields: list[tir.Expr] = []
        for fd in definition.fields:
            value = values.get(fd.name)
            if value is None:
                value = self.ctx.program.field_default(ref, fd.name) or tir.UnitConst(
                    ERROR, span=e.span
                )
            fields.append(value)
        t = Adt(ref.name, tuple(binding[TypeParam(n, ref.name)] for n in definition.type_params))
        return tir.RecordLit(t, tuple(fields), span=e.span)


def _mapping(owner: QualName, names: Sequence[str], args: Sequence[Type]) -> dict[TypeParam, Type]:
    return {TypeParam(n, owner): a for n, a in zip(names, args, strict=False)}


def _param_type(t: methods.ParamType) -> Type:
    return _I64_HINT if isinstance(t, methods.AnyInt) else t


def _is_flexible(e: ast.Expr) -> bool:
    """Arguments that take their type from the parameter: literals, ``[]``, ``None``."""
    if isinstance(e, ast.Unary) and e.op == "-":
        e = e.operand
    return (
        (isinstance(e, ast.IntLit) and e.suffix is None)
        or (isinstance(e, ast.VecLit) and not e.elems)
        or (isinstance(e, ast.Name) and e.id == "None")
    )
