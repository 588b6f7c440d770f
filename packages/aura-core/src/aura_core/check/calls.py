"""Checking calls: cells, prelude functions, static functions and methods.

Calls are where the rules about *who may call what* live: only pure cells in
specifications, only pure cells from pure cells, untrusted externs only inside
``unsafe:``, lemmas only as statements, and ``mut`` arguments exactly where the
parameter is ``mut`` (:mod:`aura_core.check.places`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from aura_core import ast, methods, prelude, tir
from aura_core.check.constructors import ConstructorChecker
from aura_core.check.env import DeclRef
from aura_core.check.places import check_changed_by_others, check_mut_args, mutable_place
from aura_core.check.typeops import contains_param, display, is_error, substitute, unify
from aura_core.diagnostics import Label
from aura_core.types import (
    ERROR,
    STRING,
    UNIT,
    Type,
    TypeParam,
    is_integer,
    strip_refinement,
)

__all__ = ["CallChecker"]

_BUILTINS = {"print", "println", "panic"}
_PRELUDE_VARIANTS = {"Some": prelude.OPTION, "Ok": prelude.RESULT, "Err": prelude.RESULT}
_I64_HINT = methods.I64


class CallChecker(ConstructorChecker):
    """Everything call-shaped."""

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

    def declared_here(self, ref: DeclRef) -> Label:
        """A label at a callee's declaration, naming its file if another module's."""
        file = None if ref.module is self.module else ref.module.parsed.source
        return Label(ref.decl.span, "declared here", file)

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
        self._call_rules(e, ref)
        given = len(args) + (receiver is not None)
        if given != len(sig.params):
            self.error(
                "E0108",
                f"`{decl.name}` takes {len(sig.params)} argument"
                f"{'s' if len(sig.params) != 1 else ''}, but {given} "
                f"{'were' if given != 1 else 'was'} given",
                e.span,
                labels=(self.declared_here(ref),),
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

    def _call_rules(self, e: ast.Node, ref: DeclRef) -> None:
        """Where a cell may be called from: specifications, pure cells, ``unsafe:``."""
        decl = ref.decl
        assert isinstance(decl, ast.CellDecl)
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
                labels=(self.declared_here(ref),),
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
            elif mutable_place(self, receiver, f"call `{e.method}` on it"):
                as_args = [tir.Arg(receiver, True), *(tir.Arg(v, False) for v in values)]
                check_changed_by_others(self, as_args, receiver=True)
        return tir.MethodCall(sig.ret, receiver, e.method, tuple(values), span=e.span)


def _param_type(t: methods.ParamType) -> Type:
    return _I64_HINT if isinstance(t, methods.AnyInt) else t
