"""The state of one cell instance's code generation, and what every layer needs.

Locals live in ``alloca`` slots (LLVM's mem2reg turns them into registers); a
``mut`` parameter's slot is the caller's place, passed by pointer.  A panic is a
call of a ``noreturn`` runtime function on a cold branch, given the site of the
failing operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from llvmlite import ir

from aura_backend_llvm.errors import Unsupported
from aura_backend_llvm.gen_module import ModuleGen, display_name
from aura_backend_llvm.layout import I1, I8, I32, I64, PTR, VEC_STRUCT, opaque
from aura_core import tir
from aura_core.modules import ModulePath
from aura_core.source import SourceFile, Span
from aura_core.types import (
    Adt,
    Prim,
    Type,
    TypeParam,
    strip_refinement,
    substitute,
)

__all__ = ["FuncBase"]

ZERO64 = ir.Constant(I64, 0)

#: Runtime functions that may panic themselves (given a site): the depth is
#: published before calling them.
MAY_PANIC = frozenset(
    {
        "aura_str_slice",
        "aura_str_repeat",
        "aura_vec_insert_at",
        "aura_vec_remove_at",
        "aura_vec_slice",
        "aura_int_pow",
    }
)
ONE64 = ir.Constant(I64, 1)


class FuncBase:
    """Builder, locals, sites, panics and value sharing for one function."""

    def __init__(
        self,
        mg: ModuleGen,
        cell: tir.CellDef,
        type_args: tuple[Type, ...],
        fn: ir.Function,
        fast: bool = False,
    ) -> None:
        self.mg = mg
        #: The fast twin of a pure integer cell (``gen_fast``): no frames, no
        #: depth argument, and a failed check returns a failure flag.
        self.fast = fast
        #: In a fast twin without loops: whether a call failed so far (the
        #: body goes on with the failed call's zero, and the flag is returned).
        self.sticky: ir.Value | None = None
        self.layout = mg.layout
        self.cell = cell
        self.fn = fn
        #: The file of the spans being generated (see ``written_in``) and its module.
        self.source: SourceFile = mg.program.modules[cell.name.module].source
        self.module: ModulePath = cell.name.module
        self.subst = {
            TypeParam(p, cell.name): a for p, a in zip(cell.type_params, type_args, strict=True)
        }
        entry = fn.append_basic_block("entry")
        self.b = ir.IRBuilder(entry)
        self._alloca_b = ir.IRBuilder(entry)
        self.slots: dict[int, ir.Value] = {}
        self.bound: dict[int, ir.Value] = {}  # predicate variables, by id() of the Local
        self.bound_by_value: dict[tir.Local, ir.Value] = {}
        #: Locals whose slots hold a counted value (strings, vectors, maps, records of them):
        #: null before their binding runs, released when rebound and at every exit.
        self.owned_slots: dict[int, tir.Local] = {}
        #: Counted temporaries used but not stored, released by ``release_temps``.
        self.pending: list[tuple[ir.Value, Type]] = []
        #: Ids of the expressions whose value gets one more holder when generated
        #: (:func:`aura_core.tirwalk.snapshots`).
        self.copied: set[int] = set()
        self.loops: list[tuple[ir.Block, ir.Block]] = []
        self.spec = False
        self.release = mg.options.release
        self.frame: ir.Value = ir.Constant(PTR, None)
        self.depth: ir.Value = ZERO64
        self.result: ir.Value | None = None
        self.olds: dict[int, ir.Value] = {}
        self.span: Span = cell.span
        self.display = display_name(cell.name)

    # ---------------------------------------------------------------- types
    def ty(self, t: Type) -> Type:
        """``t`` in this instance: type parameters substituted, refinements kept."""
        return substitute(t, self.subst)

    def base(self, t: Type) -> Type:
        return strip_refinement(self.ty(t))

    def llvm(self, t: Type) -> ir.Type:
        return self.layout.llvm(self.ty(t))

    def proven(self, kind: str, span: Span) -> bool:
        """Whether the check of ``kind`` at ``span`` may be left out (--trust-proofs;
        the rule is ``ProvenChecks.trusted``)."""
        return isinstance(span, Span) and self.mg.proven.trusted(self.cell, kind, self.module, span)

    @contextmanager
    def written_in(self, module: ModulePath) -> Iterator[None]:
        """While generating code written in ``module`` (a refinement predicate of a
        type declared there): its spans, sites and texts are that module's file's."""
        saved = self.module, self.source
        self.module = module
        self.source = self.mg.program.modules[module].source
        try:
            yield
        finally:
            self.module, self.source = saved

    def unsupported(self, what: str, span: Span | None = None) -> Unsupported:
        return Unsupported(what, self.source, span or self.span)

    # ---------------------------------------------------------------- slots
    def alloca(self, ty: ir.Type, name: str = "") -> ir.Value:
        entry = self.fn.entry_basic_block
        if entry.instructions:
            self._alloca_b.position_before(entry.instructions[0])
        else:
            self._alloca_b.position_at_end(entry)
        return self._alloca_b.alloca(ty, name=name)

    def slot(self, local: tir.Local) -> ir.Value:
        found = self.slots.get(local.id)
        if found is None:
            found = self.alloca(self.llvm(local.type), name=local.name)
            self.slots[local.id] = found
        return found

    # --------------------------------------------------------------- blocks
    def block(self, name: str) -> ir.Block:
        return self.fn.append_basic_block(name)

    def branch(self, target: ir.Block) -> None:
        if not self.b.block.is_terminated:
            self.b.branch(target)

    def dead_end(self) -> None:
        """Continue in a fresh block after a terminator (code that cannot run)."""
        self.b.position_at_end(self.block("dead"))

    @contextmanager
    def at(self, span: Span) -> Iterator[None]:
        saved = self.span
        self.span = span
        try:
            yield
        finally:
            self.span = saved

    # ------------------------------------------------------------- panics
    def site(self, span: Span | int | None = None) -> ir.Constant:
        offset = span if isinstance(span, int) else (span or self.span).start
        return self.mg.site(self.source, offset, self.display)

    def fail_unless(self, ok: ir.Value, fail: Callable[[], None], entered: bool = True) -> None:
        """Run ``fail`` (which must panic) on a cold branch when ``ok`` is false."""
        good, bad = self.block("ok"), self.block("fail")
        br = self.b.cbranch(ok, good, bad)
        br.set_weights([1 << 20, 1])
        self.b.position_at_end(bad)
        if self.fast:
            self.fail_fast()
            self.b.position_at_end(good)
            return
        self.publish_depth(entered)
        fail()
        self.b.unreachable()
        self.b.position_at_end(good)

    def panic(self, name: str, *args: ir.Value) -> None:
        self.b.call(self.mg.runtime(name), list(args))

    def panic_text(self, span: Span, text: str) -> None:
        """Panic with a fixed message."""
        data = self.mg.cstring(text)
        self.panic(
            "aura_panic_bytes", self.site(span), opaque(data), ir.Constant(I64, len(text.encode()))
        )

    def raw(self, buf: ir.Value, text: str) -> None:
        self.rt(
            "aura_buf_raw", buf, opaque(self.mg.cstring(text)), ir.Constant(I64, len(text.encode()))
        )

    def rt(self, name: str, *args: ir.Value) -> ir.Value:
        if name in MAY_PANIC:
            self.publish_depth()
        return self.b.call(self.mg.runtime(name), list(args))

    # --------------------------------------------------------------- frames
    def prologue(self) -> None:
        """Enter this call's frame of the shadow stack; panic past the depth limit.

        Every function receives its frame's index ``d`` (its depth) as a hidden
        first argument, so entering a frame touches no memory; a frame is one
        site, where the call is executing, stored before each call it makes
        (the site names the cell too).  The runtime reads the depth only on a
        panic, which stores it first (``publish_depth``).
        """
        from aura_backend_llvm.gen_module import MAX_DEPTH

        d = self.fn.args[0]
        self.depth = d
        ok = self.b.icmp_signed("<", d, ir.Constant(I64, MAX_DEPTH))
        self.fail_unless(ok, lambda: self.panic("aura_panic_stack_overflow"), entered=False)
        self.frame = self.b.gep(
            self.mg.frames, [ZERO64, d], inbounds=True, source_etype=self.mg.frames_type
        )

    def fail_fast(self) -> None:
        """In a fast twin: return the failure flag (the framed version runs the call again)."""
        ret = self.fn.function_type.return_type
        assert isinstance(ret, ir.LiteralStructType)
        self.b.ret(ir.Constant(ret, [ir.Constant(ret.elements[0], None), ir.Constant(I1, 1)]))

    def fast_prologue(self) -> None:
        """Fail when the machine stack has grown past the limit (last argument, ``gen_fast``)."""
        from aura_backend_llvm.gen_fast import frame_address

        here = frame_address(self.mg, self.b)
        self.fail_unless(self.b.icmp_unsigned(">=", here, self.fn.args[-1]), lambda: None)

    def publish_depth(self, entered: bool = True) -> None:
        """Tell the runtime how many frames are active (before anything that may panic)."""
        self.b.store(self.b.add(self.depth, ONE64) if entered else self.depth, self.mg.depth)

    def callee_depth(self) -> ir.Value:
        return self.b.add(self.depth, ONE64)

    def mark_call(self, span: Span) -> None:
        """Record in this frame where it is executing a call (for stack traces)."""
        if self.fast:
            return
        self.b.store(self.site(span), self.frame)

    def may_panic_here(self, span: Span) -> None:
        """Before a runtime function that may panic without a site argument: this
        frame's site is ``span`` and the depth is published, so the trace is right."""
        self.mark_call(span)
        self.publish_depth()

    def store_owned(self, local: tir.Local, value: ir.Value) -> None:
        """Bind ``local`` to ``value``, releasing what its slot held before."""
        slot = self.slot(local)
        if local.id not in self.owned_slots:
            self.b.store(value, slot)
            return
        from aura_backend_llvm.gen_helpers import release_value

        old = self.b.load(slot, typ=value.type)
        self.b.store(value, slot)
        release_value(self.mg, self.b, old, self.base(local.type))

    def release_temps(self, mark: int) -> None:
        """Release the temporaries used since ``mark`` (a length of ``pending``)."""
        from aura_backend_llvm.gen_helpers import release_value

        while len(self.pending) > mark:
            value, t = self.pending.pop()
            if not self.b.block.is_terminated:
                release_value(self.mg, self.b, value, t)

    def release_slots(self, keep: int | None) -> None:
        """At an exit: one holder less for every owned local but ``keep`` (moved out)."""
        from aura_backend_llvm.gen_helpers import release_value

        for local in self.owned_slots.values():
            if local.id == keep:
                continue
            value = self.b.load(self.slots[local.id], typ=self.llvm(local.type))
            release_value(self.mg, self.b, value, self.base(local.type))

    # ------------------------------------------------------------- sharing
    def share(self, value: ir.Value, t: Type) -> None:
        """Count one more holder of the strings, vectors, maps and boxes in ``value``."""
        t = self.base(t)
        if self.layout.is_counted(t):
            self.store(self.b.add(self.load(value, I64, "header"), ONE64), value, "header")
        elif isinstance(t, Adt) and self.layout.is_record(t) and self.layout.has_shared(t):
            from aura_backend_llvm.gen_helpers import share_fn

            self.b.call(share_fn(self.mg, t), [value])

    def vec_field(self, vec: ir.Value, index: int) -> ir.Value:
        return self.b.gep(
            vec, [ir.Constant(I32, 0), ir.Constant(I32, index)], source_etype=VEC_STRUCT
        )

    def load(self, ptr: ir.Value, typ: ir.Type, memory: str) -> ir.Value:
        """A load from a counted object's ``header`` or from an ``element`` buffer."""
        value = self.b.load(ptr, typ=typ)
        value.set_metadata("tbaa", self.mg.tbaa[memory])
        return value

    def store(self, value: ir.Value, ptr: ir.Value, memory: str) -> None:
        """A store to a counted object's ``header`` or to an ``element`` buffer."""
        self.b.store(value, ptr).set_metadata("tbaa", self.mg.tbaa[memory])

    def vec_len(self, vec: ir.Value) -> ir.Value:
        return self.load(self.vec_field(vec, 1), I64, "header")

    def vec_data(self, vec: ir.Value) -> ir.Value:
        return self.load(self.vec_field(vec, 3), PTR, "header")

    def elem_ptr(self, vec: ir.Value, i: ir.Value, elem: Type) -> ir.Value:
        return self.b.gep(self.vec_data(vec), [i], source_etype=self.llvm(elem), inbounds=True)

    def unique_vec(self, slot: ir.Value, elem: Type) -> ir.Value:
        """The vector in ``slot``, made private to it first (copy on write)."""
        from aura_backend_llvm.gen_helpers import unique_vec_fn

        return self.b.call(unique_vec_fn(self.mg, elem), [slot])

    def unit(self) -> ir.Constant:
        return ir.Constant(I8, 0)

    def is_unit(self, t: Type) -> bool:
        return self.base(t) == Prim("Unit")
