"""State and helpers shared by every part of expression checking.

:class:`CheckerBase` holds one cell's context and offers what calls, literals
and operators all need: reporting, type resolution, locals, lookups of records,
enums and paths, and the inference of generic arguments
(:func:`~aura_core.check.typeops.unify`): type arguments are found by matching
parameter types against the arguments and the expected type, never written in
expressions.  The ``expr``/``expect`` methods are defined by
:class:`~aura_core.check.exprs.ExprChecker`, the class all parts combine into.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from aura_core import ast, methods, prelude, tir
from aura_core.check.context import CellContext
from aura_core.check.env import DeclRef
from aura_core.check.signatures import TypeScope
from aura_core.check.suggest import did_you_mean
from aura_core.check.typeops import (
    contains_param,
    display,
    has_type_param,
    substitute,
    unify,
)
from aura_core.source import Span
from aura_core.types import Adt, QualName, Type, TypeParam, strip_refinement

__all__ = ["CheckerBase", "PathTarget", "is_flexible", "type_mapping"]

PathTarget = (
    tuple[Literal["variant"], tuple[QualName, str]]
    | tuple[Literal["const", "cell", "record"], DeclRef]
)


class CheckerBase:
    """One cell's checking state, and the helpers every kind of expression uses."""

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

        def int_lit(self, e: ast.IntLit, expected: Type | None, negated: bool) -> tir.Expr: ...

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
        return self.sigs.const_type(ref)

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
        return definition, type_mapping(definition.name, definition.type_params, t.args)

    def enum_of(self, t: Type) -> tuple[tir.EnumDef, dict[TypeParam, Type]] | None:
        t = strip_refinement(t)
        if not isinstance(t, Adt):
            return None
        definition = self.enum_def(t.decl)
        if definition is None:
            return None
        return definition, type_mapping(definition.name, definition.type_params, t.args)

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

    def mentions_param(self, t: Type) -> bool:
        return has_type_param(t)

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
        order = sorted(range(len(args)), key=lambda i: is_flexible(args[i]))
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


def type_mapping(
    owner: QualName, names: Sequence[str], args: Sequence[Type]
) -> dict[TypeParam, Type]:
    """The type arguments of an instantiated declaration, by parameter."""
    return {TypeParam(n, owner): a for n, a in zip(names, args, strict=False)}


def is_flexible(e: ast.Expr) -> bool:
    """Arguments that take their type from the parameter: literals, ``[]``, ``None``."""
    if isinstance(e, ast.Unary) and e.op == "-":
        e = e.operand
    return (
        (isinstance(e, ast.IntLit) and e.suffix is None)
        or (isinstance(e, ast.VecLit) and not e.elems)
        or (isinstance(e, ast.Name) and e.id == "None")
    )
