"""Checking enum variants and record literals.

``Some(x)``, ``Shape::Circle(r)`` and ``Point { x: 1 }`` build values of declared
(or prelude) types; their type arguments come from the expected type or the
values given (:meth:`~aura_core.check.base.CheckerBase._infer_args`).
"""

from __future__ import annotations

from collections.abc import Sequence

from aura_core import ast, prelude, tir
from aura_core.check.base import CheckerBase, type_mapping
from aura_core.types import ERROR, Adt, QualName, Type, TypeParam, strip_refinement

__all__ = ["ConstructorChecker"]


class ConstructorChecker(CheckerBase):
    """Enum values and record literals."""

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
            binding.update(type_mapping(enum_name, definition.type_params, want.args))
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
            binding.update(type_mapping(ref.name, definition.type_params, want.args))
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
