"""Aura types as LLVM types (docs/backend-llvm.md, "Values").

Every type reaching here is concrete: generics are monomorphised, so type
parameters have been substituted before a type is laid out.

| Aura | LLVM |
| --- | --- |
| ``bool`` | ``i1`` |
| ``i8`` ... ``u64`` | ``iN`` (signedness is in the operations) |
| ``f64`` | ``double`` |
| ``Unit`` | ``i8`` (always 0) |
| ``String`` | ``ptr`` to an immutable ``AuraStr`` |
| ``Vec<T>`` | ``ptr`` to an ``AuraVec`` holding ``T``s inline |
| ``Map<K, V>`` | ``ptr`` to an ``AuraMap`` |
| record | a struct of its fields, by value |
| enum | ``ptr`` to an immutable box ``{i64 rc, i32 tag, fields...}`` |
"""

from __future__ import annotations

from llvmlite import ir

from aura_backend_llvm.errors import Unsupported
from aura_core import tir
from aura_core.prelude import prelude_enum
from aura_core.types import (
    FIXED_WIDTH,
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

__all__ = ["I1", "I8", "I32", "I64", "I128", "PTR", "Layout", "int_code", "opaque"]

I1 = ir.IntType(1)
I8 = ir.IntType(8)
I32 = ir.IntType(32)
I64 = ir.IntType(64)
#: Exact integers of specifications (gen_specops.py).
I128 = ir.IntType(128)
F64 = ir.DoubleType()
PTR = ir.PointerType()

#: ``AuraVec``: rc, len, cap, data.
VEC_STRUCT = ir.LiteralStructType([I64, I64, I64, PTR])
#: ``AuraMap``: rc, len, cap, key kind, value size, keys, values, slots, nslots.
MAP_STRUCT = ir.LiteralStructType([I64, I64, I64, I32, I32, PTR, PTR, PTR, I64])
#: ``AuraStr`` header: rc, len; the bytes follow.
STR_HEADER = ir.LiteralStructType([I64, I64])


def int_code(name: str) -> int:
    """The runtime's code of an integer type: bit width, plus 256 when signed."""
    bits, signed = FIXED_WIDTH[name]
    return bits | (256 if signed else 0)


class Layout:
    """LLVM types and shapes of the program's (concrete) types."""

    def __init__(self, program: tir.Program) -> None:
        self.program = program

    def record(self, name: QualName) -> tir.RecordDef | None:
        module = self.program.modules.get(name.module)
        return module.records.get(name.name) if module is not None else None

    def enum(self, name: QualName) -> tir.EnumDef | None:
        found = prelude_enum(name)
        if found is not None:
            return found
        module = self.program.modules.get(name.module)
        return module.enums.get(name.name) if module is not None else None

    def field_types(self, t: Adt) -> list[Type]:
        """The (substituted, unrefined) field types of a record type."""
        decl = self.record(t.decl)
        assert decl is not None
        mapping = {TypeParam(p, t.decl): a for p, a in zip(decl.type_params, t.args, strict=True)}
        return [strip_refinement(substitute(f.type, mapping)) for f in decl.fields]

    def variant_types(self, t: Adt, index: int) -> list[Type]:
        """The (substituted, unrefined) field types of one variant of an enum type."""
        decl = self.enum(t.decl)
        assert decl is not None
        mapping = {TypeParam(p, t.decl): a for p, a in zip(decl.type_params, t.args, strict=True)}
        return [strip_refinement(substitute(ft, mapping)) for _, ft in decl.variants[index].fields]

    def is_record(self, t: Type) -> bool:
        t = strip_refinement(t)
        return isinstance(t, Adt) and self.record(t.decl) is not None

    def is_enum(self, t: Type) -> bool:
        t = strip_refinement(t)
        return isinstance(t, Adt) and self.enum(t.decl) is not None

    def llvm(self, t: Type) -> ir.Type:
        t = strip_refinement(t)
        match t:
            case Prim(name="bool"):
                return I1
            case Prim(name="f64"):
                return F64
            case Prim(name="Unit"):
                return I8
            case Prim(name="String"):
                return PTR
            case Prim(name=n) if n in FIXED_WIDTH:
                return ir.IntType(FIXED_WIDTH[n][0])
            case VecType() | MapType():
                return PTR
            case Adt() if self.is_record(t):
                return ir.LiteralStructType([self.llvm(f) for f in self.field_types(t)])
            case Adt():
                return PTR
        raise Unsupported(f"values of type `{t}`")

    def is_counted(self, t: Type) -> bool:
        """Whether ``t`` is itself a pointer to a reference-counted object."""
        t = strip_refinement(t)
        return isinstance(t, VecType | MapType) or t == Prim("String") or self.is_enum(t)

    def variant_struct(self, t: Adt, index: int) -> ir.LiteralStructType:
        """The box of one variant: reference count, tag, then the variant's fields."""
        return ir.LiteralStructType(
            [I64, I32, *(self.llvm(f) for f in self.variant_types(t, index))]
        )

    def has_shared(self, t: Type) -> bool:
        """Whether ``t`` is or holds a counted value: a string, vector, map or enum box."""
        t = strip_refinement(t)
        if isinstance(t, VecType | MapType) or t == Prim("String"):
            return True
        if isinstance(t, Adt) and self.is_enum(t):
            return True
        if isinstance(t, Adt) and self.is_record(t):
            return any(self.has_shared(f) for f in self.field_types(t))
        return False


def opaque(g: ir.GlobalValue) -> ir.Constant:
    """A global as an opaque ``ptr`` operand (the IR layer may track pointee types)."""
    return ir.FormattedConstant(PTR, g.get_reference())
