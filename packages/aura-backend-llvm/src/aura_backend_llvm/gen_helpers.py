"""Per-type helper functions: sharing, copy on write, release, map keys, equality.

Each is generated once per concrete type, on first use, as an internal LLVM
function (LLVM inlines the small ones).  A recursive type's helper calls itself
through the declaration registered before its body is generated.
"""

from __future__ import annotations

from collections.abc import Callable

from llvmlite import ir

from aura_backend_llvm.errors import Unsupported
from aura_backend_llvm.gen_module import ModuleGen
from aura_backend_llvm.layout import (
    F64,
    I1,
    I32,
    I64,
    MAP_STRUCT,
    PTR,
    VEC_STRUCT,
)
from aura_backend_llvm.rtdecls import VOID
from aura_core.types import FIXED_WIDTH, Adt, MapType, Prim, Type, VecType, strip_refinement

__all__ = [
    "c32",
    "elem_size",
    "emit_loop",
    "eq_fn",
    "equal",
    "key_bits",
    "key_from_bits",
    "key_kind",
    "release_fn",
    "release_value",
    "share_fn",
    "unique_map_fn",
    "unique_vec_fn",
]

ZERO = ir.Constant(I64, 0)
ONE = ir.Constant(I64, 1)


def c32(i: int) -> ir.Constant:
    return ir.Constant(I32, i)


def elem_size(mg: ModuleGen, t: Type) -> int:
    size: int = mg.layout.llvm(t).get_abi_size(mg.target_data)
    return size


def emit_loop(
    b: ir.IRBuilder, fn: ir.Function, n: ir.Value, body: Callable[[ir.Value], None]
) -> None:
    """``for i in 0..n: body(i)`` at the builder's position."""
    head, step, done = (
        fn.append_basic_block("head"),
        fn.append_basic_block("body"),
        fn.append_basic_block("done"),
    )
    counter = b.alloca(I64)
    b.store(ZERO, counter)
    b.branch(head)
    b.position_at_end(head)
    i = b.load(counter, typ=I64)
    b.cbranch(b.icmp_signed("<", i, n), step, done)
    b.position_at_end(step)
    body(i)
    b.store(b.add(i, ONE), counter)
    b.branch(head)
    b.position_at_end(done)


def _share_value(mg: ModuleGen, b: ir.IRBuilder, value: ir.Value, t: Type) -> None:
    t = strip_refinement(t)
    if mg.layout.is_counted(t):
        b.store(b.add(b.load(value, typ=I64), ONE), value)
    elif isinstance(t, Adt) and mg.layout.is_record(t) and mg.layout.has_shared(t):
        b.call(share_fn(mg, t), [value])


def share_fn(mg: ModuleGen, t: Adt) -> ir.Function:
    """``void share(record)``: one more holder of every vector and map in it."""

    def make(fn: ir.Function) -> None:
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        for i, ft in enumerate(mg.layout.field_types(t)):
            if mg.layout.has_shared(ft):
                _share_value(mg, b, b.extract_value(fn.args[0], i), ft)
        b.ret_void()

    return mg.helper("share", t, make, ir.FunctionType(VOID, [mg.layout.llvm(t)]))


def unique_vec_fn(mg: ModuleGen, elem: Type) -> ir.Function:
    """``ptr unique(ptr slot)``: the vector in ``slot``, copied first if it is shared."""

    def make(fn: ir.Function) -> None:
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        slot = fn.args[0]
        v = b.load(slot, typ=PTR)
        rc = b.load(v, typ=I64)
        rc.set_metadata("tbaa", mg.tbaa["header"])
        copy, done = fn.append_basic_block("copy"), fn.append_basic_block("done")
        br = b.cbranch(b.icmp_signed(">", rc, ONE), copy, done)
        br.set_weights([1, 100])
        b.position_at_end(copy)
        size = ir.Constant(I64, elem_size(mg, elem))
        fresh = b.call(mg.runtime("aura_vec_clone"), [v, size])
        b.store(b.sub(rc, ONE), v)
        if mg.layout.has_shared(elem):
            data = b.load(b.gep(fresh, [c32(0), c32(3)], source_etype=VEC_STRUCT), typ=PTR)
            n = b.load(b.gep(fresh, [c32(0), c32(1)], source_etype=VEC_STRUCT), typ=I64)
            ety = mg.layout.llvm(elem)

            def each(i: ir.Value) -> None:
                x = b.load(b.gep(data, [i], source_etype=ety), typ=ety)
                _share_value(mg, b, x, elem)

            emit_loop(b, fn, n, each)
        b.store(fresh, slot)
        b.ret(fresh)
        b.position_at_end(done)
        b.ret(v)

    return mg.helper("unique_vec", elem, make, ir.FunctionType(PTR, [PTR]))


def unique_map_fn(mg: ModuleGen, t: MapType) -> ir.Function:
    """``ptr unique(ptr slot)``: the map in ``slot``, copied first if it is shared."""

    def make(fn: ir.Function) -> None:
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        slot = fn.args[0]
        m = b.load(slot, typ=PTR)
        rc = b.load(m, typ=I64)
        copy, done = fn.append_basic_block("copy"), fn.append_basic_block("done")
        b.cbranch(b.icmp_signed(">", rc, ONE), copy, done)
        b.position_at_end(copy)
        fresh = b.call(mg.runtime("aura_map_clone"), [m])
        b.store(b.sub(rc, ONE), m)
        if mg.layout.has_shared(t.value):
            data = b.load(b.gep(fresh, [c32(0), c32(6)], source_etype=MAP_STRUCT), typ=PTR)
            n = b.load(b.gep(fresh, [c32(0), c32(1)], source_etype=MAP_STRUCT), typ=I64)
            vty = mg.layout.llvm(t.value)

            def each(i: ir.Value) -> None:
                _share_value(mg, b, b.load(b.gep(data, [i], source_etype=vty), typ=vty), t.value)

            emit_loop(b, fn, n, each)
        b.store(fresh, slot)
        b.ret(fresh)
        b.position_at_end(done)
        b.ret(m)

    return mg.helper("unique_map", t, make, ir.FunctionType(PTR, [PTR]))


def release_value(mg: ModuleGen, b: ir.IRBuilder, value: ir.Value, t: Type) -> None:
    """One holder of ``value`` less: what no one holds any more is freed."""
    t = strip_refinement(t)
    if t == Prim("String"):
        b.call(mg.runtime("aura_str_release"), [value])
    elif mg.layout.has_shared(t):
        b.call(release_fn(mg, t), [value])


def release_fn(mg: ModuleGen, t: Type) -> ir.Function:
    """``void release(value)`` for a vector, map or record holding them."""

    def make(fn: ir.Function) -> None:
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        value = fn.args[0]
        if isinstance(t, Adt) and mg.layout.is_record(t):
            for i, ft in enumerate(mg.layout.field_types(t)):
                if mg.layout.has_shared(ft):
                    release_value(mg, b, b.extract_value(value, i), ft)
            b.ret_void()
            return
        free, keep = fn.append_basic_block("free"), fn.append_basic_block("keep")
        drop = fn.append_basic_block("drop")
        # The count is dropped in line (no runtime call): null is an empty slot.
        b.cbranch(b.icmp_unsigned("==", value, ir.Constant(PTR, None)), keep, drop)
        b.position_at_end(drop)
        count = b.load(value, typ=I64)
        count.set_metadata("tbaa", mg.tbaa["header"])
        left = b.sub(count, ir.Constant(I64, 1))
        b.store(left, value).set_metadata("tbaa", mg.tbaa["header"])
        b.cbranch(b.icmp_signed("==", left, ir.Constant(I64, 0)), free, keep)
        b.position_at_end(keep)
        b.ret_void()
        b.position_at_end(free)
        if isinstance(t, VecType):
            _release_elements(mg, b, fn, value, VEC_STRUCT, 3, t.elem)
            b.call(mg.runtime("aura_vec_free"), [value])
        elif isinstance(t, Adt):
            _release_payload(mg, b, fn, value, t)
            b.call(mg.runtime("aura_free"), [value])
        else:
            assert isinstance(t, MapType)
            _release_elements(mg, b, fn, value, MAP_STRUCT, 6, t.value)
            b.call(mg.runtime("aura_map_free"), [value])
        b.ret_void()

    return mg.helper("release", t, make, ir.FunctionType(VOID, [mg.layout.llvm(t)]))


def _release_elements(
    mg: ModuleGen,
    b: ir.IRBuilder,
    fn: ir.Function,
    value: ir.Value,
    struct: ir.Type,
    data_field: int,
    elem: Type,
) -> None:
    """Release each of the ``len`` (field 1) elements of the array in ``data_field``
    of a vector or map's header (nothing when the element type holds no shared value)."""
    if not mg.layout.has_shared(elem):
        return
    ety = mg.layout.llvm(elem)
    data = b.load(b.gep(value, [c32(0), c32(data_field)], source_etype=struct), typ=PTR)
    n = b.load(b.gep(value, [c32(0), c32(1)], source_etype=struct), typ=I64)
    emit_loop(
        b,
        fn,
        n,
        lambda i: release_value(mg, b, b.load(b.gep(data, [i], source_etype=ety), typ=ety), elem),
    )


def _release_payload(
    mg: ModuleGen, b: ir.IRBuilder, fn: ir.Function, box: ir.Value, t: Adt
) -> None:
    """Release the counted fields of an enum box's variant."""
    decl = mg.layout.enum(t.decl)
    assert decl is not None
    head = ir.LiteralStructType([I64, I32])
    tag = b.load(b.gep(box, [c32(0), c32(1)], source_etype=head), typ=I32)
    done = fn.append_basic_block("released")
    switch = b.switch(tag, done)
    for i in range(len(decl.variants)):
        fields = mg.layout.variant_types(t, i)
        if not any(mg.layout.has_shared(f) for f in fields):
            continue
        case = fn.append_basic_block("variant")
        switch.add_case(ir.Constant(I32, i), case)
        b.position_at_end(case)
        st = mg.layout.variant_struct(t, i)
        for k, ft in enumerate(fields):
            if mg.layout.has_shared(ft):
                x = b.load(
                    b.gep(box, [c32(0), c32(k + 2)], source_etype=st), typ=st.elements[k + 2]
                )
                release_value(mg, b, x, ft)
        b.branch(done)
    b.position_at_end(done)


# ----------------------------------------------------------------- map keys


def key_kind(t: Type) -> int:
    """The runtime's kind of a map key type (``AURA_KEY_*``)."""
    t = strip_refinement(t)
    if t == Prim("String"):
        return 2
    if t == Prim("f64"):
        return 1
    return 0


def key_bits(b: ir.IRBuilder, value: ir.Value, t: Type) -> ir.Value:
    """A key as the runtime's 64-bit key word."""
    t = strip_refinement(t)
    if t == Prim("String"):
        return b.ptrtoint(value, I64)
    if t == Prim("f64"):
        return b.bitcast(value, I64)
    if t == Prim("bool"):
        return b.zext(value, I64)
    assert isinstance(t, Prim)
    bits, signed = FIXED_WIDTH[t.name]
    if bits == 64:
        return value
    return b.sext(value, I64) if signed else b.zext(value, I64)


def key_from_bits(b: ir.IRBuilder, word: ir.Value, t: Type, ty: ir.Type) -> ir.Value:
    t = strip_refinement(t)
    if t == Prim("String"):
        return b.inttoptr(word, PTR)
    if t == Prim("f64"):
        return b.bitcast(word, F64)
    if ty == I64:
        return word
    return b.trunc(word, ty)


# ----------------------------------------------------------------- equality


def equal(mg: ModuleGen, b: ir.IRBuilder, x: ir.Value, y: ir.Value, t: Type) -> ir.Value:
    """``x == y`` for values of type ``t`` (floats by IEEE rules, also inside containers)."""
    t = strip_refinement(t)
    if isinstance(t, Prim):
        if t.name == "f64":
            return b.fcmp_ordered("==", x, y)
        if t.name == "String":
            return b.trunc(b.call(mg.runtime("aura_str_eq"), [x, y]), I1)
        if t.name == "Unit":
            return ir.Constant(I1, 1)
        return b.icmp_unsigned("==", x, y)
    return b.call(eq_fn(mg, t), [x, y])


def eq_fn(mg: ModuleGen, t: Type) -> ir.Function:
    """``i1 eq(a, b)`` for vectors, maps, records and enums."""
    t = strip_refinement(t)

    def make(fn: ir.Function) -> None:
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        x, y = fn.args
        yes, no = fn.append_basic_block("yes"), fn.append_basic_block("no")
        if isinstance(t, VecType):
            ety = mg.layout.llvm(t.elem)
            n = b.load(b.gep(x, [c32(0), c32(1)], source_etype=VEC_STRUCT), typ=I64)
            m = b.load(b.gep(y, [c32(0), c32(1)], source_etype=VEC_STRUCT), typ=I64)
            same = fn.append_basic_block("same_len")
            b.cbranch(b.icmp_signed("==", n, m), same, no)
            b.position_at_end(same)
            dx = b.load(b.gep(x, [c32(0), c32(3)], source_etype=VEC_STRUCT), typ=PTR)
            dy = b.load(b.gep(y, [c32(0), c32(3)], source_etype=VEC_STRUCT), typ=PTR)

            def each(i: ir.Value) -> None:
                a = b.load(b.gep(dx, [i], source_etype=ety), typ=ety)
                c = b.load(b.gep(dy, [i], source_etype=ety), typ=ety)
                _unless_equal(mg, b, fn, (a, c), t.elem, no)

            emit_loop(b, fn, n, each)
            b.branch(yes)
        elif isinstance(t, Adt) and mg.layout.is_record(t):
            for i, ft in enumerate(mg.layout.field_types(t)):
                pair = (b.extract_value(x, i), b.extract_value(y, i))
                _unless_equal(mg, b, fn, pair, ft, no)
            b.branch(yes)
        elif isinstance(t, Adt) and mg.layout.is_enum(t):
            decl = mg.layout.enum(t.decl)
            assert decl is not None
            head = ir.LiteralStructType([I64, I32])
            tx = b.load(b.gep(x, [c32(0), c32(1)], source_etype=head), typ=I32)
            ty_ = b.load(b.gep(y, [c32(0), c32(1)], source_etype=head), typ=I32)
            same = fn.append_basic_block("same_tag")
            b.cbranch(b.icmp_signed("==", tx, ty_), same, no)
            b.position_at_end(same)
            switch = b.switch(tx, yes)
            for i, _ in enumerate(decl.variants):
                fields = mg.layout.variant_types(t, i)
                if not fields:
                    continue
                case = fn.append_basic_block("variant")
                switch.add_case(ir.Constant(I32, i), case)
                b.position_at_end(case)
                st = mg.layout.variant_struct(t, i)
                for k, ft in enumerate(fields):
                    fty = st.elements[k + 2]
                    a = b.load(b.gep(x, [c32(0), c32(k + 2)], source_etype=st), typ=fty)
                    c = b.load(b.gep(y, [c32(0), c32(k + 2)], source_etype=st), typ=fty)
                    _unless_equal(mg, b, fn, (a, c), ft, no)
                b.branch(yes)
        elif isinstance(t, MapType):
            _map_eq(mg, b, fn, t, x, y, yes, no)
        else:
            raise Unsupported(f"`==` on `{t}`")
        b.position_at_end(yes)
        b.ret(ir.Constant(I1, 1))
        b.position_at_end(no)
        b.ret(ir.Constant(I1, 0))

    return mg.helper("eq", t, make, ir.FunctionType(I1, [mg.layout.llvm(t), mg.layout.llvm(t)]))


def _map_eq(
    mg: ModuleGen,
    b: ir.IRBuilder,
    fn: ir.Function,
    t: MapType,
    x: ir.Value,
    y: ir.Value,
    yes: ir.Block,
    no: ir.Block,
) -> None:
    """Maps are equal when they hold the same keys with equal values, whatever
    the order they were inserted in (the interpreter's rule, and Rust's for its
    maps; docs/reference/runtime.md)."""
    n = b.load(b.gep(x, [c32(0), c32(1)], source_etype=MAP_STRUCT), typ=I64)
    m = b.load(b.gep(y, [c32(0), c32(1)], source_etype=MAP_STRUCT), typ=I64)
    same = fn.append_basic_block("same_len")
    b.cbranch(b.icmp_signed("==", n, m), same, no)
    b.position_at_end(same)
    vty = mg.layout.llvm(t.value)
    keys = b.load(b.gep(x, [c32(0), c32(5)], source_etype=MAP_STRUCT), typ=PTR)
    xv = b.load(b.gep(x, [c32(0), c32(6)], source_etype=MAP_STRUCT), typ=PTR)

    def each(i: ir.Value) -> None:
        key = b.load(b.gep(keys, [i], source_etype=I64), typ=I64)
        j = b.call(mg.runtime("aura_map_find"), [y, key])
        found = fn.append_basic_block("found")
        b.cbranch(b.icmp_signed("<", j, ZERO), no, found)
        b.position_at_end(found)
        # Read after the lookup: y's value array is stable while it is only read.
        yv = b.load(b.gep(y, [c32(0), c32(6)], source_etype=MAP_STRUCT), typ=PTR)
        a = b.load(b.gep(xv, [i], source_etype=vty), typ=vty)
        c = b.load(b.gep(yv, [j], source_etype=vty), typ=vty)
        _unless_equal(mg, b, fn, (a, c), t.value, no)

    emit_loop(b, fn, n, each)
    b.branch(yes)


def _unless_equal(
    mg: ModuleGen,
    b: ir.IRBuilder,
    fn: ir.Function,
    pair: tuple[ir.Value, ir.Value],
    t: Type,
    no: ir.Block,
) -> None:
    """Go to ``no`` unless the two values of ``pair`` (of type ``t``) are equal;
    the builder continues in a new block where they are."""
    go = fn.append_basic_block("next")
    b.cbranch(equal(mg, b, pair[0], pair[1], t), go, no)
    b.position_at_end(go)
