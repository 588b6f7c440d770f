"""Aura types as Z3 sorts (spec section 2), built once per verified cell.

The encoding, and why:

- every integer type is Z3 ``Int``: fixed-width types get range facts where a
  value enters the proof (:mod:`aura_verify.facts`), so arithmetic is exact and
  overflow is an obligation rather than wrapping;
- ``bool`` is ``Bool``; ``f64`` is IEEE ``Float64``; ``String`` is Z3's string
  sort (equality, concatenation and containment are exact; byte lengths are an
  uninterpreted function, because Z3 counts characters);
- ``Vec<T>`` is a Z3 sequence: value semantics and extensional equality come
  for free;
- ``Map<K, V>`` is a record of a presence array, a value array, the size and an
  insertion-order token (see :mod:`aura_verify.containers`);
- records and enums (``Option`` and ``Result`` included) are Z3 datatypes, one
  per instantiation (``Pair<i64, String>``); mutually recursive declarations
  are created together.  Recursion through a ``Vec`` or ``Map`` is not
  supported and raises :class:`~aura_verify.errors.Unsupported`;
- a type parameter, a handle type and ``Unit`` are opaque or trivial sorts.

Type parameters of the cell being verified stay opaque; those of a callee are
replaced by the call's type arguments before they reach this module.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import z3

from aura_core import prelude, tir
from aura_core.types import (
    FIXED_WIDTH,
    INTEGER_NAMES,
    Adt,
    ErrorType,
    Handle,
    MapType,
    Prim,
    Refined,
    Type,
    TypeParam,
    VecType,
    strip_refinement,
)
from aura_verify.errors import Unsupported

__all__ = ["AdtInfo", "MapParts", "Sorts", "is_fixed", "substitute", "type_name"]


def substitute(t: Type, mapping: Mapping[TypeParam, Type]) -> Type:
    """``t`` with type parameters replaced; refinements keep their predicate."""
    if not mapping:
        return t
    if isinstance(t, TypeParam):
        return mapping.get(t, t)
    if isinstance(t, VecType):
        return VecType(substitute(t.elem, mapping))
    if isinstance(t, MapType):
        return MapType(substitute(t.key, mapping), substitute(t.value, mapping))
    if isinstance(t, Adt):
        return Adt(t.decl, tuple(substitute(a, mapping) for a in t.args))
    if isinstance(t, Handle):
        return Handle(t.name, tuple(substitute(a, mapping) for a in t.args))
    if isinstance(t, Refined):
        return Refined(substitute(t.base, mapping), t.var, t.pred, t.module)
    return t


def type_name(t: Type) -> str:
    """The integer type's primitive name (``"i64"``, ``"Int"``) or ``""``."""
    t = strip_refinement(t)
    if isinstance(t, Prim) and t.name in INTEGER_NAMES:
        return t.name
    return ""


def is_fixed(t: Type) -> bool:
    return type_name(t) in FIXED_WIDTH


@dataclass(frozen=True)
class AdtInfo:
    """A record or enum instantiation: its sort and the types of its fields.

    ``variants`` lists (name, field types) in declaration order; a record has
    one variant named after the record.  ``field_names`` are the record's field
    names (empty for enums), used to print counterexamples.
    """

    type: Adt
    sort: z3.DatatypeSortRef
    is_record: bool
    variants: tuple[tuple[str, tuple[Type, ...]], ...]
    field_names: tuple[str, ...]

    def ctor(self, index: int) -> z3.FuncDeclRef:
        return self.sort.constructor(index)

    def is_variant(self, index: int, value: z3.ExprRef) -> z3.BoolRef:
        return self.sort.recognizer(index)(value)

    def field(self, variant: int, index: int, value: z3.ExprRef) -> z3.ExprRef:
        return self.sort.accessor(variant, index)(value)


@dataclass(frozen=True)
class MapParts:
    """The datatype of one ``Map<K, V>`` instantiation and its accessors."""

    sort: z3.DatatypeSortRef
    key: Type
    value: Type

    def make(
        self, has: z3.ExprRef, val: z3.ExprRef, size: z3.ExprRef, order: z3.ExprRef
    ) -> z3.ExprRef:
        return self.sort.constructor(0)(has, val, size, order)

    def has(self, m: z3.ExprRef) -> z3.ExprRef:
        return self.sort.accessor(0, 0)(m)

    def val(self, m: z3.ExprRef) -> z3.ExprRef:
        return self.sort.accessor(0, 1)(m)

    def size(self, m: z3.ExprRef) -> z3.ArithRef:
        return self.sort.accessor(0, 2)(m)

    def order(self, m: z3.ExprRef) -> z3.ArithRef:
        return self.sort.accessor(0, 3)(m)


class Sorts:
    """Z3 sorts for the types of one program; the cache lives as long as one cell's proof."""

    def __init__(self, program: tir.Program) -> None:
        self.program = program
        self._adts: dict[Adt, AdtInfo] = {}
        self._maps: dict[MapType, MapParts] = {}
        self._opaque: dict[str, z3.SortRef] = {}
        # Z3 identifies sorts by name within its (process-wide) context, so two
        # programs declaring `t::Point` differently must not share the name.
        self._tag = uuid.uuid4().hex[:10]
        unit = z3.Datatype("Unit")
        unit.declare("()")
        self.unit_sort: z3.DatatypeSortRef = unit.create()
        self.unit: z3.ExprRef = self.unit_sort.constructor(0)()

    # ------------------------------------------------------------------ sorts

    def sort(self, t: Type) -> z3.SortRef:
        t = strip_refinement(t)
        if isinstance(t, Prim):
            if t.name in INTEGER_NAMES:
                return z3.IntSort()
            if t.name == "bool":
                return z3.BoolSort()
            if t.name == "f64":
                return z3.Float64()
            if t.name == "String":
                return z3.StringSort()
            return self.unit_sort
        if isinstance(t, VecType):
            return z3.SeqSort(self.sort(t.elem))
        if isinstance(t, MapType):
            return self.map_parts(t).sort
        if isinstance(t, Adt):
            return self.adt(t).sort
        if isinstance(t, TypeParam):
            return self._opaque_sort(f"{t.owner}::{t.name}")
        if isinstance(t, Handle):
            return self._opaque_sort(str(t))
        if isinstance(t, ErrorType):
            raise Unsupported("a part of the program that did not type-check")
        raise Unsupported(f"values of type `{t}`")

    def _opaque_sort(self, name: str) -> z3.SortRef:
        if name not in self._opaque:
            self._opaque[name] = z3.DeclareSort(f"{name}#{self._tag}")
        return self._opaque[name]

    def map_parts(self, t: MapType) -> MapParts:
        t = MapType(strip_refinement(t.key), strip_refinement(t.value))
        if t not in self._maps:
            k, v = self.sort(t.key), self.sort(t.value)
            name = f"Map<{t.key}, {t.value}>#{self._tag}"
            d = z3.Datatype(name)
            d.declare(
                f"{name}.mk",
                ("has", z3.ArraySort(k, z3.BoolSort())),
                ("val", z3.ArraySort(k, v)),
                ("size", z3.IntSort()),
                ("order", z3.IntSort()),
            )
            self._maps[t] = MapParts(d.create(), t.key, t.value)
        return self._maps[t]

    # ------------------------------------------------------------- datatypes

    def definition(
        self, t: Adt
    ) -> tuple[bool, tuple[tuple[str, tuple[Type, ...]], ...], tuple[str, ...]]:
        """(is_record, variants with instantiated field types, record field names)."""
        decl = prelude.prelude_enum(t.decl)
        module = self.program.modules.get(t.decl.module)
        params: tuple[str, ...]
        if decl is None and module is not None and t.decl.name in module.enums:
            decl = module.enums[t.decl.name]
        if decl is not None:
            params = decl.type_params
            mapping = {TypeParam(p, t.decl): a for p, a in zip(params, t.args, strict=False)}
            variants = tuple(
                (v.name, tuple(substitute(ft, mapping) for _, ft in v.fields))
                for v in decl.variants
            )
            return False, variants, ()
        if module is not None and t.decl.name in module.records:
            rec = module.records[t.decl.name]
            mapping = {
                TypeParam(p, t.decl): a for p, a in zip(rec.type_params, t.args, strict=False)
            }
            fields = tuple(substitute(f.type, mapping) for f in rec.fields)
            return True, ((t.decl.name, fields),), tuple(f.name for f in rec.fields)
        raise Unsupported(f"the type `{t}`, whose declaration was not found")

    def adt(self, t: Adt) -> AdtInfo:
        t = Adt(t.decl, tuple(strip_refinement(a) for a in t.args))
        if t in self._adts:
            return self._adts[t]
        group = self._group(t)
        for dep in self._direct(group):
            if dep not in group:
                self.adt(dep)
        decls = {g: z3.Datatype(self._dt_name(g)) for g in group}
        defs = {g: self.definition(g) for g in group}
        for g in group:
            _, variants, _ = defs[g]
            for name, fields in variants:
                ctor = f"{self._dt_name(g)}.{name}"
                accessors = [
                    (f"{ctor}.{i}", self._field_sort(ft, group, decls))
                    for i, ft in enumerate(fields)
                ]
                decls[g].declare(ctor, *accessors)
        created = z3.CreateDatatypes(*[decls[g] for g in group])
        for g, s in zip(group, created, strict=True):
            is_record, variants, names = defs[g]
            self._adts[g] = AdtInfo(g, s, is_record, variants, names)
        return self._adts[t]

    def _dt_name(self, t: Adt) -> str:
        return f"{_adt_name(t)}#{self._tag}"

    def _field_sort(
        self, ft: Type, group: list[Adt], decls: Mapping[Adt, z3.Datatype]
    ) -> z3.SortRef | z3.Datatype:
        ft = strip_refinement(ft)
        if isinstance(ft, Adt):
            key = Adt(ft.decl, tuple(strip_refinement(a) for a in ft.args))
            if key in decls:
                return decls[key]
        if any(_mentions(ft, g) for g in group):
            raise Unsupported(f"the recursive type `{ft}` (recursion through `Vec` or `Map`)")
        return self.sort(ft)

    def _direct(self, members: list[Adt]) -> list[Adt]:
        """ADT instantiations that occur directly as fields of ``members``."""
        out: list[Adt] = []
        for g in members:
            for _, fields in self.definition(g)[1]:
                for ft in fields:
                    ft = strip_refinement(ft)
                    if isinstance(ft, Adt):
                        key = Adt(ft.decl, tuple(strip_refinement(a) for a in ft.args))
                        if key not in out:
                            out.append(key)
        return out

    def _group(self, t: Adt) -> list[Adt]:
        """The instantiations mutually recursive with ``t`` (``t`` first), by direct fields."""
        reach: dict[Adt, set[Adt]] = {}

        def reachable(a: Adt) -> set[Adt]:
            if a in reach:
                return reach[a]
            seen: set[Adt] = set()
            todo = [a]
            while todo:
                cur = todo.pop()
                for d in self._direct([cur]):
                    if d not in seen:
                        if len(seen) > 200:
                            raise Unsupported(f"the type `{t}` (too many nested instantiations)")
                        seen.add(d)
                        todo.append(d)
            reach[a] = seen
            return seen

        group = [t]
        for u in sorted(reachable(t), key=str):
            if u != t and t in reachable(u):
                group.append(u)
        return group


def _adt_name(t: Adt) -> str:
    return str(t.decl) + (f"<{', '.join(map(str, t.args))}>" if t.args else "")


def _mentions(t: Type, target: Adt) -> bool:
    t = strip_refinement(t)
    if isinstance(t, Adt):
        if t.decl == target.decl and tuple(map(strip_refinement, t.args)) == target.args:
            return True
        return any(_mentions(a, target) for a in t.args)
    if isinstance(t, VecType):
        return _mentions(t.elem, target)
    if isinstance(t, MapType):
        return _mentions(t.key, target) or _mentions(t.value, target)
    return False
