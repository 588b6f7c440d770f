"""What the code generator needs to know about types, computed once per type.

Types are static in Aura, so everything that depends on them -- how a value is
copied into a second holder, how a shared container is made private, whether
``==`` must look at floats one by one -- is decided at compile time and handed
to the generated code as a ready-made function.  Generic cells are compiled
once for all their instantiations, so inside them a type parameter is handled
by the type-generic :func:`~aura_interpret.values.dup_any`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from aura_core.types import (
    Adt,
    MapType,
    Prim,
    QualName,
    Type,
    TypeParam,
    VecType,
    strip_refinement,
    substitute,
)
from aura_interpret.values import (
    Cow,
    Map,
    Vec,
    dup_any,
    own_map,
    own_map_with,
    own_vec,
    own_vec_shared,
    own_vec_with,
    share,
)

if TYPE_CHECKING:
    from aura_core import tir

__all__ = ["Dup", "Kind", "TypeInfo", "int_name"]

#: How a value is copied into a second holder: None means "it is immutable, share it".
Dup = Callable[[object], object] | None

#: ``plain``: immutable (primitives, strings, enum values); ``cow``: Vec or Map;
#: ``record``: a list copied field by field; ``generic``: a type parameter.
Kind = Literal["plain", "cow", "record", "generic"]


def int_name(t: Type) -> str:
    """The name of an integer type (``i64``, ``u8``, ``Int``), refinements removed."""
    base = strip_refinement(t)
    assert isinstance(base, Prim), t
    return base.name


class TypeInfo:
    """Declarations of one program and per-type facts derived from them."""

    def __init__(self, program: tir.Program) -> None:
        # Imported here: the run-time helpers import this module, and a cached
        # program runs without the typed program's modules (see run_cache).
        from aura_core import prelude

        self.program = program
        self._records: dict[QualName, tir.RecordDef] = {}
        self._enums: dict[QualName, tir.EnumDef] = {
            prelude.OPTION: prelude.OPTION_DEF,
            prelude.RESULT: prelude.RESULT_DEF,
        }
        for module in program.modules.values():
            for r in module.records.values():
                self._records[r.name] = r
            for e in module.enums.values():
                self._enums[e.name] = e
        self._dups: dict[Type, Dup] = {}
        self._owners: dict[Type, Callable[[Cow], Cow]] = {}
        self._floats: dict[Type, bool] = {}
        self._deep: dict[Type, bool] = {}

    # ------------------------------------------------------------ declarations
    def record(self, t: Type) -> tir.RecordDef | None:
        t = strip_refinement(t)
        return self._records.get(t.decl) if isinstance(t, Adt) else None

    def enum(self, t: Type) -> tir.EnumDef | None:
        t = strip_refinement(t)
        return self._enums.get(t.decl) if isinstance(t, Adt) else None

    def record_def(self, name: QualName) -> tir.RecordDef:
        return self._records[name]

    def enum_def(self, name: QualName) -> tir.EnumDef:
        return self._enums[name]

    @staticmethod
    def _mapping(
        owner: QualName, params: tuple[str, ...], args: tuple[Type, ...]
    ) -> dict[TypeParam, Type]:
        return {TypeParam(p, owner): a for p, a in zip(params, args, strict=False)}

    def field_types(self, t: Type) -> list[Type]:
        """The field types of a record type, its type arguments substituted."""
        t = strip_refinement(t)
        assert isinstance(t, Adt)
        r = self._records[t.decl]
        m = self._mapping(r.name, r.type_params, t.args)
        return [substitute(f.type, m) for f in r.fields]

    def variant_types(self, t: Type, index: int) -> list[Type]:
        """The field types of one variant of an enum type, its type arguments substituted."""
        t = strip_refinement(t)
        assert isinstance(t, Adt)
        e = self._enums[t.decl]
        m = self._mapping(e.name, e.type_params, t.args)
        return [substitute(ft, m) for _, ft in e.variants[index].fields]

    # ------------------------------------------------------------------- kinds
    def kind(self, t: Type) -> Kind:
        t = strip_refinement(t)
        if isinstance(t, VecType | MapType):
            return "cow"
        if isinstance(t, TypeParam):
            return "generic"
        if isinstance(t, Adt) and t.decl in self._records:
            return "record"
        return "plain"

    def dup(self, t: Type) -> Dup:
        """How to copy a value of ``t`` into a second holder (None: share it as is)."""
        t = strip_refinement(t)
        if t in self._dups:
            return self._dups[t]
        kind = self.kind(t)
        result: Dup
        if kind == "plain":
            result = None
        elif kind == "cow":
            result = share  # type: ignore[assignment]
        elif kind == "generic":
            result = dup_any
        else:
            self._dups[t] = dup_any  # placeholder while the fields are looked at
            result = self._record_dup(t)
        self._dups[t] = result
        return result

    def _record_dup(self, t: Type) -> Dup:
        parts = [(i, self.dup(ft)) for i, ft in enumerate(self.field_types(t))]
        copies = [(i, d) for i, d in parts if d is not None]
        if not copies:
            return list.copy  # type: ignore[return-value]
        if all(d is share for _, d in copies):
            indexes = [i for i, _ in copies]

            def dup_shallow(r: object) -> object:
                n: list[object] = r.copy()  # type: ignore[attr-defined]
                for i in indexes:
                    n[i].shared = True  # type: ignore[attr-defined]
                return n

            return dup_shallow

        def dup_record(r: object) -> object:
            n: list[object] = r.copy()  # type: ignore[attr-defined]
            for i, d in copies:
                n[i] = d(n[i])
            return n

        return dup_record

    def owner(self, t: Type) -> Callable[[Cow], Cow]:
        """The function that makes a private copy of a shared ``Vec`` or ``Map`` of type ``t``."""
        t = strip_refinement(t)
        known = self._owners.get(t)
        if known is None:
            known = self._owners[t] = self._owner(t)
        return known

    def _owner(self, t: Type) -> Callable[[Cow], Cow]:
        if isinstance(t, VecType):
            d = self.dup(t.elem)
            if d is None:
                return own_vec  # type: ignore[return-value]
            if d is share:
                return own_vec_shared  # type: ignore[return-value]
            return own_vec_with(d)  # type: ignore[return-value]
        assert isinstance(t, MapType), t
        d = self.dup(t.value)
        if d is None:
            return own_map  # type: ignore[return-value]
        return own_map_with(d)  # type: ignore[return-value]

    # ---------------------------------------------------------------- equality
    def has_float(self, t: Type) -> bool:
        """Whether ``==`` on ``t`` must compare floats inside containers one by one.

        Python compares container elements by identity first, so ``[nan] == [nan]``
        would be true for one shared NaN object; IEEE says false.
        """
        t = strip_refinement(t)
        if t in self._floats:
            return self._floats[t]
        self._floats[t] = False  # a recursive type finds its floats along another path
        result = False
        match t:
            case Prim(name):
                result = name == "f64"
            case VecType(elem):
                result = self.has_float(elem)
            case MapType(key, value):
                result = self.has_float(key) or self.has_float(value)
            case Adt():
                if t.decl in self._records:
                    result = any(self.has_float(f) for f in self.field_types(t))
                elif t.decl in self._enums:
                    n = len(self._enums[t.decl].variants)
                    result = any(
                        self.has_float(f) for i in range(n) for f in self.variant_types(t, i)
                    )
        self._floats[t] = result
        return result

    def is_deep(self, t: Type) -> bool:
        """Whether values of ``t`` may nest without bound: ``t`` reaches a recursive
        type (a list built in a loop is as deep as it is long).  Their equality
        and text form use an explicit stack instead of Python's (spec 7.2: only
        deep recursion of calls may exhaust the stack)."""
        t = strip_refinement(t)
        known = self._deep.get(t)
        if known is None:
            known = self._deep[t] = self._reaches_cycle(t, [])
        return known

    def _reaches_cycle(self, t: Type, path: list[Type]) -> bool:
        t = strip_refinement(t)
        if t in path or len(path) > 64:  # 64: a type nested that far is as good as deep
            return True
        match t:
            case VecType(elem):
                parts = [elem]
            case MapType(key, value):
                parts = [key, value]
            case Adt() if t.decl in self._records:
                parts = self.field_types(t)
            case Adt() if t.decl in self._enums:
                n = len(self._enums[t.decl].variants)
                parts = [f for i in range(n) for f in self.variant_types(t, i)]
            case _:
                return False
        path.append(t)
        found = any(self._reaches_cycle(p, path) for p in parts)
        path.pop()
        return found


def float_eq(a: object, b: object) -> bool:
    """Structural equality that compares every float by IEEE rules (NaN != NaN).

    An explicit stack of pairs, not recursion: it also compares values nested
    arbitrarily deep (see :meth:`TypeInfo.is_deep`)."""
    stack: list[tuple[object, object]] = [(a, b)]
    pop, extend = stack.pop, stack.extend
    while stack:
        x, y = pop()
        tx = type(x)
        if tx is tuple or tx is list:
            mine: tuple[object, ...] | list[object] = x  # type: ignore[assignment]
            other: tuple[object, ...] | list[object] = y  # type: ignore[assignment]
            if len(mine) != len(other):
                return False
            extend(zip(mine, other, strict=True))
        elif tx is Vec:
            xs, ys = x.items, y.items  # type: ignore[attr-defined]
            if len(xs) != len(ys):
                return False
            extend(zip(xs, ys, strict=True))
        elif tx is Map:
            dx, dy = x.d, y.d  # type: ignore[attr-defined]
            if dx.keys() != dy.keys():
                return False
            extend((v, dy[k]) for k, v in dx.items())
        elif x != y:  # floats by IEEE rules (NaN != NaN); integers, strings, bools, units
            return False
    return True


__all__ += ["float_eq"]
