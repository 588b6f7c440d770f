"""The function of a pure integer cell: try its fast twin, else run it framed.

The fast twin (``CellGen`` with ``fast=True``) has no depth argument and
writes no frames: every check that would panic makes it return a failure flag
instead, and it fails as well when the machine stack below this function has
grown past a limit, its last argument (the same in every call, so that
equal calls stay equal).  That limit is computed here so that the twin
cannot nest more cell calls than the depth limit still allows: every call that
is not inlined pushes at least a return address (8 bytes, the calls are marked
``notail``), and one function holds at most ``fast_levels`` levels of pure
cells, so ``room`` levels need at least ``8 * room / fast_levels`` bytes.
When the twin fails, the framed version runs the same call again from the
start, with frames and depth, and panics (or, past the twin's conservative
limit, finishes) exactly as a cell without a twin would.
"""

from __future__ import annotations

from llvmlite import ir

from aura_backend_llvm.gen_module import MAX_DEPTH, ModuleGen
from aura_backend_llvm.layout import I32, I64, PTR

__all__ = ["FRAME_BYTES", "fast_entry", "frame_address"]

#: The fewest bytes of machine stack a call that is not inlined takes.
FRAME_BYTES = 8


def frame_address(mg: ModuleGen, b: ir.IRBuilder) -> ir.Value:
    """This function's frame address, as an integer."""
    name = "llvm.frameaddress.p0"
    fn = mg.module.globals.get(name)
    if not isinstance(fn, ir.Function):
        fn = ir.Function(mg.module, ir.FunctionType(PTR, [I32]), name)
    return b.ptrtoint(b.call(fn, [ir.Constant(I32, 0)]), I64)


def fast_entry(mg: ModuleGen, fn: ir.Function) -> None:
    """The body of ``fn``: call the fast twin within the room left, else the framed one."""
    fast, slow = mg.fast[fn], mg.slow[fn]
    levels = max(mg.fast_levels, 1)
    b = ir.IRBuilder(fn.append_basic_block("entry"))
    depth, *args = fn.args
    # Levels the twin may use: what the depth limit leaves, less the levels
    # this function and the twin's first function may hold without a check.
    room = b.sub(ir.Constant(I64, MAX_DEPTH - 2 * levels), depth)
    try_fast, framed = fn.append_basic_block("try_fast"), fn.append_basic_block("framed")
    b.cbranch(b.icmp_signed(">", room, ir.Constant(I64, 0)), try_fast, framed)
    b.position_at_end(try_fast)
    budget = b.sdiv(b.mul(room, ir.Constant(I64, FRAME_BYTES)), ir.Constant(I64, levels))
    limit = b.sub(frame_address(mg, b), budget)
    result = b.call(fast, [*args, limit], tail="notail")
    done = fn.append_basic_block("done")
    b.cbranch(b.extract_value(result, 1), framed, done)
    b.position_at_end(done)
    b.ret(b.extract_value(result, 0))
    b.position_at_end(framed)
    b.ret(b.call(slow, [depth, *args]))
