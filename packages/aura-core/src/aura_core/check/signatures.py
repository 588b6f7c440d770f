"""Types written in source, and the signatures of declarations.

Resolves an :class:`~aura_core.ast.TypeExpr` to a :class:`~aura_core.types.Type`
and computes, once each, the typed definition of every record, enum, alias and
the signature of every cell.  Refinement predicates are checked by the body
checker through the ``predicate`` callback, which keeps this module free of
expression checking.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aura_core import ast, tir
from aura_core.check.env import DeclRef, Environment, ModuleEnv
from aura_core.check.map_keys import bad_key, report_key
from aura_core.check.owners import Owners
from aura_core.check.report import Reporter
from aura_core.check.suggest import did_you_mean
from aura_core.modules import ModulePath
from aura_core.prelude import OPTION, RESULT
from aura_core.source import Span
from aura_core.types import (
    ERROR,
    PRIMITIVE_NAMES,
    Adt,
    MapType,
    Prim,
    QualName,
    Refined,
    Type,
    TypeParam,
    VecType,
    is_integer,
)

__all__ = ["CellSig", "PredicateChecker", "Signatures", "TypeScope"]

#: Checks ``pred`` as a bool specification over a variable ``var`` of type ``base``;
#: returns the local standing for ``var``, the typed predicate and the module it is
#: written in (a :class:`Refined`'s last three fields).
PredicateChecker = Callable[
    [ModuleEnv, str, Type, ast.Expr, Mapping[str, TypeParam]],
    tuple[tir.Local, tir.Expr, ModulePath],
]

_BUILTIN_GENERICS = {"Vec": 1, "Map": 2, "Option": 1, "Result": 2}
_RANGE_VAR = "#v"


@dataclass(frozen=True, slots=True)
class TypeScope:
    """Where a type is written: its module and the type parameters in scope."""

    module: ModuleEnv
    params: Mapping[str, TypeParam]


@dataclass(frozen=True, slots=True)
class CellSig:
    name: QualName
    decl: ast.CellDecl
    module: ModuleEnv
    type_params: tuple[TypeParam, ...]
    params: tuple[tir.Local, ...]
    ret: Type


class Signatures:
    """Typed definitions of declarations, computed on first use."""

    def __init__(
        self, env: Environment, report: Reporter, predicate: PredicateChecker, owners: Owners
    ):
        self.env = env
        self.report = report
        self.predicate = predicate
        #: Each result computed here is claimed by its declaration (see :mod:`.owners`).
        self.owners = owners
        self._consts: dict[QualName, Type] = {}
        self._records: dict[QualName, tir.RecordDef] = {}
        self._enums: dict[QualName, tir.EnumDef] = {}
        self._aliases: dict[QualName, Type] = {}
        self._cells: dict[QualName, CellSig] = {}
        self._resolving: set[QualName] = set()

    # ------------------------------------------------------------- type exprs
    def resolve(self, t: ast.TypeExpr, scope: TypeScope, *, as_argument: bool = False) -> Type:
        file = scope.module.parsed.source
        match t:
            case ast.RefinedType(var, base, pred):
                if as_argument:
                    return self._refined_argument(t, scope)
                base_t = self.resolve(base, scope)
                return Refined(
                    base_t, *self.predicate(scope.module, var, base_t, pred, scope.params)
                )
            case ast.RangeType(base, rng):
                if as_argument:
                    return self._refined_argument(t, scope)
                base_t = self.resolve(base, scope)
                if not is_integer(base_t):
                    self.report.error(
                        "E0109",
                        f"a range type needs an integer type, not `{base_t}`",
                        file,
                        base.span,
                    )
                    return ERROR
                # `T[lo..hi]` is `{ v: T | lo <= v and v < hi }` over a variable no
                # source name can capture.
                upper: ast.BinaryOp = "<=" if rng.inclusive else "<"
                value = ast.Name(_RANGE_VAR, span=rng.span)
                pred = ast.Binary(
                    "and",
                    ast.Binary("<=", rng.lo, value, span=rng.span),
                    ast.Binary(upper, value, rng.hi, span=rng.span),
                    span=rng.span,
                )
                return Refined(
                    base_t, *self.predicate(scope.module, _RANGE_VAR, base_t, pred, scope.params)
                )
            case ast.NamedType(path, args):
                named = self._named(t, path, args, scope)
                if as_argument and isinstance(named, Refined):  # an alias of a refinement
                    return self._refined_argument(t, scope)
                return named
        raise AssertionError(t)

    def _refined_argument(self, t: ast.TypeExpr, scope: TypeScope) -> Type:
        self.report.error(
            "E0127",
            "a refinement type cannot be a type argument",
            scope.module.parsed.source,
            t.span,
            help="use the base type here and check the predicate where values are stored",
        )
        return ERROR

    def _named(
        self,
        t: ast.NamedType,
        path: tuple[str, ...],
        args: tuple[ast.TypeExpr, ...],
        scope: TypeScope,
    ) -> Type:
        file = scope.module.parsed.source
        arg_types = tuple(self.resolve(a, scope, as_argument=True) for a in args)
        if len(path) == 1:
            name = path[0]
            if name in scope.params:
                return self._no_args(t, arg_types, scope.params[name], scope)
            if name in PRIMITIVE_NAMES:
                return self._no_args(t, arg_types, Prim(name), scope)  # type: ignore[arg-type]
            if name in _BUILTIN_GENERICS:
                want = _BUILTIN_GENERICS[name]
                if len(arg_types) != want:
                    self._arity(t, name, want, len(arg_types), scope)
                    return ERROR
                if name == "Vec":
                    return VecType(arg_types[0])
                if name == "Map":
                    if bad_key(arg_types[0]):
                        report_key(self.report, arg_types[0], file, args[0].span)
                    return MapType(arg_types[0], arg_types[1])
                return Adt(OPTION if name == "Option" else RESULT, arg_types)
            ref = self.env.own(scope.module, name)
        elif len(path) == 2 and path[0] in scope.module.imports:
            ref = self.env.member(scope.module, path[0], path[1], t.span)
            if ref is None:
                return ERROR
        else:
            self.report.error("E0102", f"unknown type `{'::'.join(path)}`", file, t.span)
            return ERROR
        if ref is None or not isinstance(ref.decl, ast.TypeDecl):
            candidates = [n for n, d in scope.module.decls.items() if isinstance(d, ast.TypeDecl)]
            candidates += [*PRIMITIVE_NAMES, *_BUILTIN_GENERICS, *scope.params]
            self.report.error(
                "E0102",
                f"unknown type `{path[-1]}`",
                file,
                t.span,
                help=did_you_mean(path[-1], candidates),
            )
            return ERROR
        return self.instantiate(ref, arg_types, t.span, scope)

    def _no_args(
        self, t: ast.NamedType, args: tuple[Type, ...], result: Type, scope: TypeScope
    ) -> Type:
        if args:
            self._arity(t, t.path[-1], 0, len(args), scope)
        return result

    def _arity(self, t: ast.NamedType, name: str, want: int, got: int, scope: TypeScope) -> None:
        self.report.error(
            "E0129",
            f"`{name}` takes {want} type argument{'s' if want != 1 else ''}, "
            f"but {got} {'were' if got != 1 else 'was'} given",
            scope.module.parsed.source,
            t.span,
        )

    def instantiate(
        self, ref: DeclRef, args: tuple[Type, ...], span: Span, scope: TypeScope
    ) -> Type:
        decl = ref.decl
        assert isinstance(decl, ast.TypeDecl)
        if len(args) != len(decl.params):
            self.report.error(
                "E0129",
                f"`{decl.name}` takes {len(decl.params)} type argument"
                f"{'s' if len(decl.params) != 1 else ''}, but {len(args)} "
                f"{'were' if len(args) != 1 else 'was'} given",
                scope.module.parsed.source,
                span,
            )
            return ERROR
        if isinstance(decl.definition, ast.RecordDef | ast.EnumDef):
            return Adt(ref.name, args)
        return self.alias(ref)

    # ------------------------------------------------------------ declarations
    def alias(self, ref: DeclRef) -> Type:
        if ref.name in self._aliases:
            return self.owners.lend(self._aliases[ref.name])
        decl = ref.decl
        assert isinstance(decl, ast.TypeDecl) and not isinstance(
            decl.definition, ast.RecordDef | ast.EnumDef
        )
        if ref.name in self._resolving:
            self.report.error(
                "E0102",
                f"the type alias `{decl.name}` refers to itself",
                ref.module.parsed.source,
                decl.span,
            )
            return ERROR
        self._resolving.add(ref.name)
        try:
            t = self.resolve(decl.definition, TypeScope(ref.module, {}))
        finally:
            self._resolving.discard(ref.name)
        self._aliases[ref.name] = t
        self.owners.claim(ref.name, t)
        return self.owners.lend(t)

    def const_type(self, ref: DeclRef) -> Type:
        """The declared type of a constant."""
        cached = self._consts.get(ref.name)
        if cached is not None:
            return self.owners.lend(cached)
        decl = ref.decl
        assert isinstance(decl, ast.ConstDecl)
        t = self.resolve(decl.type, TypeScope(ref.module, {}))
        self._consts[ref.name] = t
        self.owners.claim(ref.name, t)
        return self.owners.lend(t)

    def type_params(self, owner: QualName, names: tuple[str, ...]) -> dict[str, TypeParam]:
        return {n: TypeParam(n, owner) for n in names}

    def record(self, ref: DeclRef) -> tir.RecordDef:
        cached = self._records.get(ref.name)
        if cached is not None:
            return self.owners.lend(cached)
        decl = ref.decl
        assert isinstance(decl, ast.TypeDecl) and isinstance(decl.definition, ast.RecordDef)
        scope = TypeScope(ref.module, self.type_params(ref.name, decl.params))
        fields = tuple(
            tir.FieldDef(f.name, self.resolve(f.type, scope), None, f.span)
            for f in decl.definition.fields
        )
        result = tir.RecordDef(
            ref.name, decl.params, fields, decl.definition.resource, decl.pub, decl.doc, decl.span
        )
        self._records[ref.name] = result
        self.owners.claim(ref.name, result)
        return self.owners.lend(result)

    def enum(self, ref: DeclRef) -> tir.EnumDef:
        cached = self._enums.get(ref.name)
        if cached is not None:
            return self.owners.lend(cached)
        decl = ref.decl
        assert isinstance(decl, ast.TypeDecl) and isinstance(decl.definition, ast.EnumDef)
        scope = TypeScope(ref.module, self.type_params(ref.name, decl.params))
        variants = tuple(
            tir.VariantDef(
                v.name,
                tuple((f.name, self.resolve(f.type, scope)) for f in v.fields or ()),
                v.span,
            )
            for v in decl.definition.variants
        )
        result = tir.EnumDef(ref.name, decl.params, variants, decl.pub, decl.doc, decl.span)
        self._enums[ref.name] = result
        self.owners.claim(ref.name, result)
        return self.owners.lend(result)

    def cell(self, ref: DeclRef) -> CellSig:
        """A cell's signature; its parameters are the locals with ids 1 to n."""
        cached = self._cells.get(ref.name)
        if cached is not None:
            return self.owners.lend(cached)
        decl = ref.decl
        assert isinstance(decl, ast.CellDecl)
        params_map = self.type_params(ref.name, decl.type_params)
        scope = TypeScope(ref.module, params_map)
        locals_: list[tir.Local] = []
        for i, p in enumerate(decl.params, 1):
            t = self.resolve(p.type, scope)
            if p.where is not None:
                t = Refined(t, *self.predicate(ref.module, p.name, t, p.where, params_map))
            locals_.append(tir.Local(i, p.name, t, p.mutable, p.span))
        ret = self.resolve(decl.ret, scope) if decl.ret is not None else Prim("Unit")
        sig = CellSig(ref.name, decl, ref.module, tuple(params_map.values()), tuple(locals_), ret)
        self._cells[ref.name] = sig
        self.owners.claim(ref.name, sig, (sig.params, sig.ret))
        return self.owners.lend(sig)
