"""Calls: cells (monomorphised), the prelude, the std externs, ``?``, places.

Calling convention: immutable parameters by value, ``mut`` parameters as a
pointer to the caller's place (made private to it first), the result as the
return value (``Unit`` is an ``i8`` 0).  Before each call the caller records
the call's site in its frame of the shadow stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from llvmlite import ir

from aura_backend_llvm.gen_expr import ExprGen
from aura_backend_llvm.gen_helpers import unique_map_fn
from aura_backend_llvm.layout import I1, I32, I64, PTR, opaque
from aura_core import tir
from aura_core.prelude import ERR, NONE, OK, SOME, option_type
from aura_core.source import Span
from aura_core.types import STRING, Adt, MapType, Prim, Type, VecType

__all__ = ["CallGen"]

_TEXT_IO = {
    "std::io::print": "aura_print",
    "std::io::println": "aura_println",
    "std::io::eprintln": "aura_eprintln",
}


class CallGen(ExprGen):
    # ---------------------------------------------------------------- places
    def place(self, e: tir.Expr, indexes: dict[int, ir.Value] | None = None) -> ir.Value:
        """A pointer to the storage of place ``e``, private to it (for writing).

        ``indexes`` holds the values of the path's index expressions when they
        were evaluated beforehand (:meth:`place_indexes`); otherwise each is
        evaluated as its step is reached.
        """
        if isinstance(e, tir.LocalRef):
            if e.local.id not in self.slots:
                raise self.unsupported(f"writing `{e.local.name}` here", e.span)
            return self.slots[e.local.id]
        if isinstance(e, tir.FieldGet):
            obj = self.place(e.obj, indexes)
            index = [ir.Constant(I32, 0), ir.Constant(I32, e.index)]
            if not obj.type.is_opaque:  # an alloca: the IR layer knows its type
                return self.b.gep(obj, index)
            return self.b.gep(obj, index, source_etype=self.llvm(e.obj.type))
        if isinstance(e, tir.Index):
            t = self.base(e.obj.type)
            slot = self.place(e.obj, indexes)
            given = None if indexes is None else indexes.get(id(e.index))
            if isinstance(t, MapType):
                key = self.expr(e.index) if given is None else given
                m = self.b.call(unique_map_fn(self.mg, t), [slot])
                return self.map_entry(m, key, t, e.span)
            assert isinstance(t, VecType)
            index = self.narrow(self.expr(e.index), e.index.type) if given is None else given
            v = self.unique_vec(slot, self.ty(t.elem))
            i = self.checked_index(v, index, e.index.type, e.span)
            return self.elem_ptr(v, i, t.elem)
        raise self.unsupported("this kind of place", e.span)

    def place_indexes(self, e: tir.Expr) -> dict[int, ir.Value]:
        """The index expressions of place ``e``, evaluated now, left to right (spec 7.1)."""
        if isinstance(e, tir.FieldGet):
            return self.place_indexes(e.obj)
        if isinstance(e, tir.Index):
            out = self.place_indexes(e.obj)
            v = self.expr(e.index)
            if not isinstance(self.base(e.obj.type), MapType):
                v = self.narrow(v, e.index.type)
            out[id(e.index)] = v
            return out
        return {}

    # ----------------------------------------------------------------- calls
    def x_Call(self, e: tir.Call) -> ir.Value:
        cell = self.mg.program.cell(e.cell)
        if cell.extern:
            return self.extern_call(e, cell)
        has_mut = any(a.mut for a in e.args)
        args: list[ir.Value] = []
        mark = len(self.pending)
        for a in e.args:
            if a.mut:
                args.append(self.place(a.value))
            else:
                v = self.use(a.value)
                v = self.narrow(v, a.value.type, a.value.span)
                if has_mut and self.layout.has_shared(self.base(a.value.type)):
                    self.share(v, a.value.type)  # `f(mut v, v)` passes the old `v`
                args.append(v)
        type_args = tuple(self.ty(t) for t in e.type_args)
        fn = self.mg.function(e.cell, type_args)
        if self.fast:
            fn = self.mg.fast[fn]  # a pure cell calls only pure cells (gen_fast)
        elif self.cell.name in self.mg.pure:
            fn = self.mg.slow[fn]  # running framed after its twin failed: stay framed
        if self.mg.twin_of.get(self.fn) is fn:  # recursive: to the next twin (ModuleGen.function)
            fn = self.mg.next_twin[self.fn]
        if self.fast:
            return self.fast_call(fn, args)
        self.mark_call(e.span)
        result = self.b.call(fn, [self.callee_depth(), *args])
        self.release_temps(mark)
        return result

    def fast_call(self, fn: ir.Function, args: list[ir.Value]) -> ir.Value:
        """A call from a fast twin: pass its failure on.  ``notail``: every call
        that stays a call takes stack, which bounds the depth (``gen_fast``)."""
        result = self.b.call(fn, [*args, self.fn.args[-1]], tail="notail")
        if self.sticky is not None:
            flag = self.b.or_(self.b.load(self.sticky, typ=I1), self.b.extract_value(result, 1))
            self.b.store(flag, self.sticky)
            return self.b.extract_value(result, 0)
        failed, good = self.block("fast_failed"), self.block("fast_ok")
        self.b.cbranch(self.b.extract_value(result, 1), failed, good).set_weights([1, 1 << 20])
        self.b.position_at_end(failed)
        self.fail_fast()
        self.b.position_at_end(good)
        return self.b.extract_value(result, 0)

    def extern_call(self, e: tir.Call, cell: tir.CellDef) -> ir.Value:
        name = str(e.cell)
        mark = len(self.pending)
        args = [self.use(a.value) for a in e.args]
        if name in _TEXT_IO:
            self.print_text(_TEXT_IO[name], args[0], e.args[0].value.type)
        else:
            result = self.extern_value(name, e, cell, args)
        self.release_temps(mark)
        return self.unit() if name in _TEXT_IO else result

    def print_text(self, fn: str, value: ir.Value, t: Type) -> None:
        text = self.text_of(value, t)
        self.rt(fn, text)
        if self.base(t) != STRING:
            self.rt("aura_str_release", text)

    def extern_value(
        self, name: str, e: tir.Call, cell: tir.CellDef, args: list[ir.Value]
    ) -> ir.Value:
        if name == "std::math::sqrt":
            self.check_extern_requires(cell, args, e.span)
            return self.rt("sqrt", args[0])
        if name == "std::math::pow":
            return self.rt("pow", *args)
        if name == "std::time::now_ms":
            return self.rt("aura_now_ms")
        if name == "std::time::monotonic_ns":
            return self.rt("aura_monotonic_ns")
        if name == "std::env::args":
            self.may_panic_here(e.span)  # an argument that is not UTF-8
            return self.rt("aura_env_args")
        if name == "std::env::var":
            return self.option_from_nullable(self.rt("aura_env_var", args[0]), STRING)
        if name == "std::io::read_line":
            self.may_panic_here(e.span)  # a read error, a line that is not UTF-8
            return self.option_from_nullable(self.rt("aura_read_line"), STRING)
        if name == "std::io::read_file":
            out = self.alloca(PTR)
            ok = self.rt("aura_read_file", args[0], out)
            return self.result_from(ok, self.b.load(out, typ=PTR), self.base(e.type))
        if name == "std::io::write_file":
            out = self.alloca(PTR)
            ok = self.rt("aura_write_file", args[0], args[1], out)
            return self.result_from(ok, self.b.load(out, typ=PTR), self.base(e.type), unit_ok=True)
        raise self.unsupported(f"the extern cell `{name}`", e.span)

    def check_extern_requires(self, cell: tir.CellDef, args: list[ir.Value], span: Span) -> None:
        if self.release or not cell.contract.requires:
            return
        for p, v in zip(cell.params, args, strict=True):
            self.bound_by_value[p] = v
        for clause in cell.contract.requires:
            self.check(clause, "precondition failed: " + self.clause_text(clause, cell), span)

    def option_from_nullable(self, p: ir.Value, elem: Type) -> ir.Value:
        t = option_type(elem)
        assert isinstance(t, Adt)
        is_null = self.b.icmp_unsigned("==", p, ir.Constant(PTR, None))
        some_block, join = self.block("some"), self.block("opt")
        start = self.b.block
        self.b.cbranch(is_null, join, some_block)
        self.b.position_at_end(some_block)
        box = self.make_variant(t, SOME, [p])
        end = self.b.block
        self.b.branch(join)
        self.b.position_at_end(join)
        phi = self.b.phi(PTR)
        phi.add_incoming(opaque(self.mg.fieldless_variant(t, NONE)), start)
        phi.add_incoming(box, end)
        return phi

    def result_from(self, ok: ir.Value, p: ir.Value, t: Type, unit_ok: bool = False) -> ir.Value:
        assert isinstance(t, Adt)
        yes, no, join = self.block("ok"), self.block("err"), self.block("res")
        self.b.cbranch(self.b.trunc(ok, ir.IntType(1)), yes, no)
        self.b.position_at_end(yes)
        good = self.make_variant(t, OK, [self.unit() if unit_ok else p])
        yes_end = self.b.block
        self.b.branch(join)
        self.b.position_at_end(no)
        bad = self.make_variant(t, ERR, [p])
        no_end = self.b.block
        self.b.branch(join)
        self.b.position_at_end(join)
        phi = self.b.phi(PTR)
        phi.add_incoming(good, yes_end)
        phi.add_incoming(bad, no_end)
        return phi

    def x_BuiltinCall(self, e: tir.BuiltinCall) -> ir.Value:
        mark = len(self.pending)
        value = self.use(e.args[0])
        if e.name == "panic":
            self.publish_depth()
            self.b.call(self.mg.runtime("aura_panic_str"), [self.site(e.span), value])
            self.b.unreachable()
            self.dead_end()
            return ir.Constant(self.llvm(e.type), None) if not self.is_unit(e.type) else self.unit()
        self.print_text(
            "aura_println" if e.name == "println" else "aura_print", value, e.args[0].type
        )
        self.release_temps(mark)
        return self.unit()

    def x_StaticCall(self, e: tir.StaticCall) -> ir.Value:
        t = self.base(e.type)
        if e.owner == "Vec" and e.name == "new":
            assert isinstance(t, VecType)
            return self.rt("aura_vec_new", ir.Constant(I64, 0), ir.Constant(I64, self.size(t.elem)))
        if e.owner == "Map" and e.name == "new":
            assert isinstance(t, MapType)
            from aura_backend_llvm.gen_helpers import key_kind

            return self.rt(
                "aura_map_new",
                ir.Constant(I32, key_kind(self.ty(t.key))),
                ir.Constant(I32, self.size(t.value)),
            )
        if e.owner == "Vec" and e.name == "filled":
            assert isinstance(t, VecType)
            length, elem = e.args
            n = self.to_i64(
                self.narrow(self.expr(length), length.type, length.span), self.signed(length.type)
            )
            x = self.narrow(self.expr(elem), elem.type, elem.span)
            self.fail_if_negative(n, "cannot make a vector of negative length ", e.span)
            v = self.rt("aura_vec_new", n, ir.Constant(I64, self.size(t.elem)))
            self.b.store(n, self.vec_field(v, 1))
            data = self.vec_data(v)
            ety = self.llvm(t.elem)

            def each(i: ir.Value) -> None:
                self.share(x, t.elem)
                self.b.store(x, self.b.gep(data, [i], source_etype=ety))

            self.count_loop(n, each)
            return v
        if e.owner == "String" and e.name == "from_bytes":
            return self.option_from_nullable(
                self.rt("aura_str_from_bytes", self.expr(e.args[0])), STRING
            )
        raise self.unsupported(f"`{e.owner}::{e.name}`", e.span)

    def size(self, t: Type) -> int:
        from aura_backend_llvm.gen_helpers import elem_size

        return elem_size(self.mg, self.ty(t))

    def signed(self, t: Type) -> bool:
        from aura_core.types import FIXED_WIDTH

        base = self.base(t)
        return isinstance(base, Prim) and FIXED_WIDTH.get(base.name, (0, False))[1]

    def fail_if_negative(self, n: ir.Value, prefix: str, span: Span) -> None:
        def fail() -> None:
            buf = self.rt("aura_buf_new")
            self.rt(
                "aura_buf_raw", buf, opaque(self.mg.cstring(prefix)), ir.Constant(I64, len(prefix))
            )
            self.rt("aura_buf_int", buf, n, ir.Constant(I32, 64 | 256))
            self.panic("aura_panic_str", self.site(span), self.rt("aura_buf_finish", buf))

        self.fail_unless(self.b.icmp_signed(">=", n, ir.Constant(I64, 0)), fail)

    def count_loop(self, n: ir.Value, body: Callable[[ir.Value], None]) -> None:
        counter = self.alloca(I64)
        self.b.store(ir.Constant(I64, 0), counter)
        head, step, done = self.block("head"), self.block("body"), self.block("done")
        self.b.branch(head)
        self.b.position_at_end(head)
        i = self.b.load(counter, typ=I64)
        self.b.cbranch(self.b.icmp_signed("<", i, n), step, done)
        self.b.position_at_end(step)
        body(i)
        self.b.store(self.b.add(i, ir.Constant(I64, 1)), counter)
        self.b.branch(head)
        self.b.position_at_end(done)

    # ------------------------------------------------------------------- `?`
    def x_Try(self, e: tir.Try) -> ir.Value:
        t = self.base(e.expr.type)
        assert isinstance(t, Adt)
        mark = len(self.pending)
        box = self.use(e.expr)
        tag = self.tag(box)
        good, bad = self.block("try_ok"), self.block("try_fail")
        self.b.cbranch(self.b.icmp_signed("==", tag, ir.Constant(I32, 0)), good, bad)
        self.b.position_at_end(bad)
        ret = self.base(self.cell.ret)
        assert isinstance(ret, Adt)
        if t.decl.name == "Option":
            early = opaque(self.mg.fieldless_variant(ret, NONE))
        else:
            err = self.payload(box, t, ERR, 0)
            self.share(err, t.args[1])
            early = self.make_variant(ret, ERR, [err])
        self.do_return(early, e.span)
        self.b.position_at_end(good)
        value = self.payload(box, t, 0, 0)
        self.share(value, t.args[0])  # the box keeps its own holder
        self.release_temps(mark)
        return value

    if TYPE_CHECKING:  # implemented by later layers

        def do_return(
            self, value: ir.Value | None, span: Span, moved: int | None = None
        ) -> None: ...

        def check(self, cond: tir.Expr, message: str, span: Span) -> None: ...

        def clause_text(self, clause: tir.Expr, cell: tir.CellDef) -> str: ...
