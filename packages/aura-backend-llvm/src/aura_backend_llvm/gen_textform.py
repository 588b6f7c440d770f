"""Text form (spec 7.4) of values, generated per type.

Scalars are appended to a runtime text buffer directly; containers, records and
enums get one internal function per concrete type (recursive types call
themselves).  A ``String`` is itself at top level and quoted inside containers.
"""

from __future__ import annotations

from llvmlite import ir

from aura_backend_llvm.errors import Unsupported
from aura_backend_llvm.gen_helpers import c32, emit_loop, key_from_bits
from aura_backend_llvm.gen_module import ModuleGen
from aura_backend_llvm.layout import I32, I64, MAP_STRUCT, PTR, VEC_STRUCT, int_code, opaque
from aura_backend_llvm.rtdecls import VOID
from aura_core import prelude
from aura_core.types import FIXED_WIDTH, Adt, MapType, Prim, Type, VecType, strip_refinement

__all__ = ["text_fn", "text_into"]

ZERO = ir.Constant(I64, 0)


def _raw(mg: ModuleGen, b: ir.IRBuilder, buf: ir.Value, text: str) -> None:
    data = mg.cstring(text)
    b.call(mg.runtime("aura_buf_raw"), [buf, opaque(data), ir.Constant(I64, len(text.encode()))])


def text_into(
    mg: ModuleGen, b: ir.IRBuilder, buf: ir.Value, value: ir.Value, t: Type, top: bool
) -> None:
    """Append the text form of ``value`` (spec 7.4) to ``buf``."""
    t = strip_refinement(t)
    if isinstance(t, Prim):
        name = t.name
        if name == "String":
            b.call(mg.runtime("aura_buf_str" if top else "aura_buf_quoted"), [buf, value])
        elif name == "f64":
            b.call(mg.runtime("aura_buf_f64"), [buf, value])
        elif name == "Unit":
            _raw(mg, b, buf, "()")
        elif name == "bool":
            t_, f_ = mg.cstring("true"), mg.cstring("false")
            text = b.select(value, opaque(t_), opaque(f_))
            n = b.select(value, ir.Constant(I64, 4), ir.Constant(I64, 5))
            b.call(mg.runtime("aura_buf_raw"), [buf, text, n])
        elif name in FIXED_WIDTH:
            bits, signed = FIXED_WIDTH[name]
            wide = value if bits == 64 else (b.sext(value, I64) if signed else b.zext(value, I64))
            b.call(mg.runtime("aura_buf_int"), [buf, wide, ir.Constant(I32, int_code(name))])
        else:
            raise Unsupported(f"the text form of `{t}`")
        return
    b.call(text_fn(mg, t), [buf, value])


def text_fn(mg: ModuleGen, t: Type) -> ir.Function:
    """``void text(buf, value)``: the text form of a container, record or enum value."""
    t = strip_refinement(t)

    def make(fn: ir.Function) -> None:
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        buf, value = fn.args
        if isinstance(t, VecType):
            _raw(mg, b, buf, "[")
            ety = mg.layout.llvm(t.elem)
            n = b.load(b.gep(value, [c32(0), c32(1)], source_etype=VEC_STRUCT), typ=I64)
            data = b.load(b.gep(value, [c32(0), c32(3)], source_etype=VEC_STRUCT), typ=PTR)

            def each(i: ir.Value) -> None:
                sep, go = fn.append_basic_block("sep"), fn.append_basic_block("elem")
                b.cbranch(b.icmp_signed(">", i, ZERO), sep, go)
                b.position_at_end(sep)
                _raw(mg, b, buf, ", ")
                b.branch(go)
                b.position_at_end(go)
                x = b.load(b.gep(data, [i], source_etype=ety), typ=ety)
                text_into(mg, b, buf, x, t.elem, top=False)

            emit_loop(b, fn, n, each)
            _raw(mg, b, buf, "]")
        elif isinstance(t, MapType):
            _raw(mg, b, buf, "{")
            kty, vty = mg.layout.llvm(t.key), mg.layout.llvm(t.value)
            n = b.load(b.gep(value, [c32(0), c32(1)], source_etype=MAP_STRUCT), typ=I64)
            keys = b.load(b.gep(value, [c32(0), c32(5)], source_etype=MAP_STRUCT), typ=PTR)
            values = b.load(b.gep(value, [c32(0), c32(6)], source_etype=MAP_STRUCT), typ=PTR)

            def each(i: ir.Value) -> None:
                sep, go = fn.append_basic_block("sep"), fn.append_basic_block("entry")
                b.cbranch(b.icmp_signed(">", i, ZERO), sep, go)
                b.position_at_end(sep)
                _raw(mg, b, buf, ", ")
                b.branch(go)
                b.position_at_end(go)
                word = b.load(b.gep(keys, [i], source_etype=I64), typ=I64)
                text_into(mg, b, buf, key_from_bits(b, word, t.key, kty), t.key, top=False)
                _raw(mg, b, buf, ": ")
                x = b.load(b.gep(values, [i], source_etype=vty), typ=vty)
                text_into(mg, b, buf, x, t.value, top=False)

            emit_loop(b, fn, n, each)
            _raw(mg, b, buf, "}")
        elif isinstance(t, Adt) and mg.layout.is_record(t):
            decl = mg.layout.record(t.decl)
            assert decl is not None
            if not decl.fields:
                _raw(mg, b, buf, decl.name.name + " {}")
            else:
                _raw(mg, b, buf, decl.name.name + " { ")
                for i, (f, ft) in enumerate(
                    zip(decl.fields, mg.layout.field_types(t), strict=True)
                ):
                    _raw(mg, b, buf, (", " if i else "") + f.name + ": ")
                    text_into(mg, b, buf, b.extract_value(value, i), ft, top=False)
                _raw(mg, b, buf, " }")
        elif isinstance(t, Adt) and mg.layout.is_enum(t):
            _enum_text(mg, b, fn, buf, value, t)
        else:
            raise Unsupported(f"the text form of `{t}`")
        b.ret_void()

    return mg.helper("text", t, make, ir.FunctionType(VOID, [PTR, mg.layout.llvm(t)]))


def _enum_text(
    mg: ModuleGen, b: ir.IRBuilder, fn: ir.Function, buf: ir.Value, value: ir.Value, t: Adt
) -> None:
    decl = mg.layout.enum(t.decl)
    assert decl is not None
    bare = t.decl.module == prelude.PRELUDE_MODULE
    tag = b.load(
        b.gep(value, [c32(0), c32(1)], source_etype=ir.LiteralStructType([I64, I32])), typ=I32
    )
    done = fn.append_basic_block("done")
    switch = b.switch(tag, done)
    for i, v in enumerate(decl.variants):
        case = fn.append_basic_block(v.name)
        switch.add_case(ir.Constant(I32, i), case)
        b.position_at_end(case)
        name = v.name if bare else f"{decl.name.name}::{v.name}"
        fields = mg.layout.variant_types(t, i)
        if not fields:
            _raw(mg, b, buf, name)
        else:
            _raw(mg, b, buf, name + "(")
            st = mg.layout.variant_struct(t, i)
            for k, ft in enumerate(fields):
                if k:
                    _raw(mg, b, buf, ", ")
                x = b.load(
                    b.gep(value, [c32(0), c32(k + 2)], source_etype=st), typ=st.elements[k + 2]
                )
                text_into(mg, b, buf, x, ft, top=False)
            _raw(mg, b, buf, ")")
        b.branch(done)
    b.position_at_end(done)
