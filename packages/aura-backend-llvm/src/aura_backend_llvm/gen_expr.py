"""Expressions: values of the typed program as LLVM values.

Three ways to take a value, by what happens to it (docs/backend-llvm.md,
"Values"):

- ``expr(e)``: the value as it is, no holder counted;
- ``owned(e)``: for storing into a new holder (a binding, field, element, a
  returned value): a value read from a place gets one more holder counted;
- ``use(e)``: for reading without storing (an operand, a printed value): a
  fresh counted temporary is released when the operation is done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llvmlite import ir

from aura_backend_llvm.gen_helpers import elem_size, equal, key_bits
from aura_backend_llvm.gen_ops import I128, OpsGen
from aura_backend_llvm.gen_specops import SpecOpsGen
from aura_backend_llvm.gen_textform import text_into
from aura_backend_llvm.layout import F64, I1, I8, I32, I64, MAP_STRUCT, PTR, int_code, opaque
from aura_core import tir
from aura_core.source import Span
from aura_core.specarith import fixed_name
from aura_core.tirwalk import snapshots
from aura_core.types import FIXED_WIDTH, Adt, MapType, Prim, Type, VecType

__all__ = ["ExprGen"]

_PLACES = (tir.LocalRef, tir.FieldGet, tir.Index)
#: Expressions whose value belongs to a place (or is static): never released by their reader.
_BORROWED = (*_PLACES, tir.ConstRef, tir.StrConst, tir.Old, tir.ResultRef)


class ExprGen(OpsGen, SpecOpsGen):
    # ---------------------------------------------------------- entry points
    def owned(self, e: tir.Expr) -> ir.Value:
        v = self.expr(e)
        if isinstance(e, _PLACES) and self.layout.has_shared(self.base(e.type)):
            self.share(v, e.type)
        return v

    def use(self, e: tir.Expr) -> ir.Value:
        """The value of ``e`` for an operation that reads it without storing it.

        A counted temporary (the fresh result of a call, literal or method) is
        released once the operation is done (see ``release_temps``).
        """
        v = self.expr(e)
        if not isinstance(e, _BORROWED) and self.layout.has_shared(self.base(e.type)):
            self.pending.append((v, self.ty(e.type)))
        return v

    def expr(self, e: tir.Expr) -> ir.Value:
        method = getattr(self, "x_" + type(e).__name__, None)
        if method is None:
            raise self.unsupported(f"the expression `{type(e).__name__}`", e.span)
        for kid in snapshots(e):
            self.copied.add(id(kid))
        value: ir.Value = method(e)
        if id(e) in self.copied:
            # A later sibling changes the variable this value is read from: one
            # more holder for the operation, so that the change copies and this
            # value stays the one of before (spec 7.1).
            self.copied.discard(id(e))
            if self.layout.has_shared(self.base(e.type)):
                self.share(value, e.type)
                self.pending.append((value, self.ty(e.type)))
        return value

    # -------------------------------------------------------------- literals
    def x_IntConst(self, e: tir.IntConst) -> ir.Value:
        t = self.base(e.type)
        if not (isinstance(t, Prim) and t.name in FIXED_WIDTH):
            raise self.unsupported(f"values of type `{t}`", e.span)
        bits = FIXED_WIDTH[t.name][0]
        value = e.value & ((1 << bits) - 1)
        if value >> (bits - 1):
            value -= 1 << bits
        return ir.Constant(ir.IntType(bits), value)

    def x_FloatConst(self, e: tir.FloatConst) -> ir.Value:
        return ir.Constant(F64, e.value)

    def x_BoolConst(self, e: tir.BoolConst) -> ir.Value:
        return ir.Constant(I1, int(e.value))

    def x_StrConst(self, e: tir.StrConst) -> ir.Value:
        return opaque(self.mg.string(e.value))

    def x_UnitConst(self, e: tir.UnitConst) -> ir.Value:
        return self.unit()

    def x_BytesConst(self, e: tir.BytesConst) -> ir.Value:
        v = self.rt("aura_vec_new", ir.Constant(I64, len(e.value)), ir.Constant(I64, 1))
        data = self.vec_data(v)
        for i, byte in enumerate(e.value):
            self.b.store(
                ir.Constant(I8, byte), self.b.gep(data, [ir.Constant(I64, i)], source_etype=I8)
            )
        self.b.store(ir.Constant(I64, len(e.value)), self.vec_field(v, 1))
        return v

    def x_Interpolation(self, e: tir.Interpolation) -> ir.Value:
        buf = self.rt("aura_buf_new")
        for part in e.parts:
            if isinstance(part, str):
                data = self.mg.cstring(part)
                self.rt("aura_buf_raw", buf, opaque(data), ir.Constant(I64, len(part.encode())))
            else:
                value = self.expr(part)
                text_into(
                    self.mg,
                    self.b,
                    buf,
                    self.narrow(value, part.type),
                    self.ty(part.type),
                    top=True,
                )
        return self.rt("aura_buf_finish", buf)

    def text_of(self, value: ir.Value, t: Type) -> ir.Value:
        """The text form of ``value`` as a String (top level)."""
        if self.base(t) == Prim("String"):
            return value
        buf = self.rt("aura_buf_new")
        text_into(self.mg, self.b, buf, value, self.ty(t), top=True)
        return self.rt("aura_buf_finish", buf)

    def x_VecLit(self, e: tir.VecLit) -> ir.Value:
        t = self.base(e.type)
        assert isinstance(t, VecType)
        ety = self.llvm(t.elem)
        values = [self.narrow(self.owned(x), t.elem, x.span) for x in e.elems]
        n = ir.Constant(I64, len(values))
        size = ir.Constant(I64, elem_size(self.mg, self.ty(t.elem)))
        if values and all(isinstance(x, ir.Constant) for x in values):
            # One constant array and one copy: a store per element puts the
            # whole literal in one basic block, which LLVM's instruction
            # selection handles in superlinear time.
            table = self.mg.const_array(ir.ArrayType(ety, len(values)), values)
            return self.rt("aura_vec_from_data", opaque(table), n, size)
        v = self.rt("aura_vec_new", n, size)
        data = self.vec_data(v)
        for i, x in enumerate(values):
            self.b.store(x, self.b.gep(data, [ir.Constant(I64, i)], source_etype=ety))
        self.b.store(n, self.vec_field(v, 1))
        return v

    # ----------------------------------------------------------------- names
    def x_LocalRef(self, e: tir.LocalRef) -> ir.Value:
        bound = self.bound.get(id(e.local))
        if bound is None:
            bound = self.bound_by_value.get(e.local)
        if bound is not None:
            return bound
        if e.local.id not in self.slots:
            raise self.unsupported(f"the use of `{e.local.name}` here", e.span)
        return self.b.load(self.slots[e.local.id], typ=self.llvm(e.local.type))

    def x_ConstRef(self, e: tir.ConstRef) -> ir.Value:
        const = self.mg.program.modules[e.name.module].consts[e.name.name]
        value = const.value
        t = self.base(const.type)
        if isinstance(value, bool):
            return ir.Constant(I1, int(value))
        if isinstance(value, int):
            return self.x_IntConst(tir.IntConst(t, value, span=e.span))
        if isinstance(value, float):
            return ir.Constant(F64, value)
        return opaque(self.mg.string(value))

    # ---------------------------------------------------------- aggregates
    def x_RecordLit(self, e: tir.RecordLit) -> ir.Value:
        t = self.base(e.type)
        assert isinstance(t, Adt)
        decl = self.layout.record(t.decl)
        assert decl is not None
        value: ir.Value = ir.Constant(self.llvm(t), ir.Undefined)
        for i, (f, x) in enumerate(zip(decl.fields, e.fields, strict=True)):
            v = self.narrow(self.owned(x), x.type, x.span)
            if not self.proven("refinement", x.span):
                self.refine(v, f.type, f"field `{f.name}` of `{decl.name.name}`", x.span)
            value = self.b.insert_value(value, v, i)
        return value

    def x_VariantLit(self, e: tir.VariantLit) -> ir.Value:
        t = self.base(e.type)
        assert isinstance(t, Adt)
        if not e.args:
            return opaque(self.mg.fieldless_variant(t, e.index))
        values = [self.narrow(self.owned(a), a.type, a.span) for a in e.args]
        decl = self.layout.enum(t.decl)
        assert decl is not None
        name = f"{decl.name.name}::{e.variant}"
        for k, (a, v) in enumerate(zip(e.args, values, strict=True)):
            if not self.proven("refinement", a.span):
                self.refine(
                    v, decl.variants[e.index].fields[k][1], f"field {k} of `{name}`", a.span
                )
        return self.make_variant(t, e.index, values)

    def make_variant(self, t: Adt, index: int, values: list[ir.Value]) -> ir.Value:
        if not values:
            return opaque(self.mg.fieldless_variant(t, index))
        st = self.layout.variant_struct(t, index)
        box = self.rt("aura_alloc", ir.Constant(I64, st.get_abi_size(self.mg.target_data)))
        self.b.store(ir.Constant(I64, 1), box)
        self.b.store(
            ir.Constant(I32, index),
            self.b.gep(box, [ir.Constant(I32, 0), ir.Constant(I32, 1)], source_etype=st),
        )
        for k, v in enumerate(values):
            self.b.store(
                v, self.b.gep(box, [ir.Constant(I32, 0), ir.Constant(I32, k + 2)], source_etype=st)
            )
        return box

    def tag(self, box: ir.Value) -> ir.Value:
        head = ir.LiteralStructType([I64, I32])
        return self.b.load(
            self.b.gep(box, [ir.Constant(I32, 0), ir.Constant(I32, 1)], source_etype=head), typ=I32
        )

    def payload(self, box: ir.Value, t: Adt, index: int, k: int) -> ir.Value:
        st = self.layout.variant_struct(t, index)
        ptr = self.b.gep(box, [ir.Constant(I32, 0), ir.Constant(I32, k + 2)], source_etype=st)
        return self.b.load(ptr, typ=st.elements[k + 2])

    def x_FieldGet(self, e: tir.FieldGet) -> ir.Value:
        return self.b.extract_value(self.expr(e.obj), e.index)

    def x_Index(self, e: tir.Index) -> ir.Value:
        t = self.base(e.obj.type)
        obj = self.expr(e.obj)  # a temporary object is not released: its element is borrowed
        if isinstance(t, MapType):
            key = self.expr(e.index)
            return self.b.load(self.map_entry(obj, key, t, e.span), typ=self.llvm(t.value))
        assert isinstance(t, VecType)
        index = self.narrow(self.expr(e.index), e.index.type, e.index.span)
        i = self.checked_index(obj, index, e.index.type, e.span)
        return self.load(self.elem_ptr(obj, i, t.elem), self.llvm(t.elem), "element")

    def checked_index(
        self, vec: ir.Value, index: ir.Value, it: Type, span: Span, extra: int = 0
    ) -> ir.Value:
        """``index`` as an ``i64`` known to be in ``0..len + extra``; panics otherwise."""
        base = self.base(it)
        assert isinstance(base, Prim)
        signed = FIXED_WIDTH[base.name][1]
        i = self.to_i64(index, signed)
        n = self.vec_len(vec)
        limit = self.b.add(n, ir.Constant(I64, extra)) if extra else n
        site = self.site(span)
        if self.proven("index", span):
            return i
        self.fail_unless(
            self.b.icmp_unsigned("<", i, limit),
            lambda: self.panic(
                "aura_panic_index", site, n, i, ir.Constant(I32, int_code(base.name))
            ),
        )
        return i

    def map_entry(self, m: ir.Value, key: ir.Value, t: MapType, span: Span) -> ir.Value:
        """Pointer to the value of ``key`` in ``m``; a missing key panics."""
        found = self.rt("aura_map_find", m, key_bits(self.b, key, t.key))
        ok = self.b.icmp_signed(">=", found, ir.Constant(I64, 0))

        def missing() -> None:
            buf = self.rt("aura_buf_new")
            text = "key not found in map: "
            self.rt("aura_buf_raw", buf, opaque(self.mg.cstring(text)), ir.Constant(I64, len(text)))
            text_into(self.mg, self.b, buf, key, self.ty(t.key), top=False)
            self.panic("aura_panic_str", self.site(span), self.rt("aura_buf_finish", buf))

        if not self.proven("key", span):
            self.fail_unless(ok, missing)
        values = self.b.load(
            self.b.gep(m, [ir.Constant(I32, 0), ir.Constant(I32, 6)], source_etype=MAP_STRUCT),
            typ=PTR,
        )
        return self.b.gep(values, [found], source_etype=self.llvm(t.value))

    # ------------------------------------------------------------ operators
    def x_Unary(self, e: tir.Unary) -> ir.Value:
        t = self.base(e.type)
        x = self.expr(e.operand)
        if e.op == "not":
            return self.b.not_(x)
        if e.op == "~":
            if self.spec:
                return self.spec_not(x, e.operand.type)
            return self.b.not_(x)
        if t == Prim("f64"):
            return self.b.fneg(x)
        if self.spec:
            return self.spec_neg(x, e.operand.type, e.span)
        return self.int_neg(x, t, e.span)

    def x_Binary(self, e: tir.Binary) -> ir.Value:
        op = e.op
        if op in ("and", "or", "==>"):
            return self.short_circuit(e)
        t = self.base(e.left.type)
        if self.layout.has_shared(t):
            mark = len(self.pending)
            x, y = self.use(e.left), self.use(e.right)
            result = self.binary_values(e, t, x, y)
            self.release_temps(mark)
            return result
        return self.binary_values(e, t, self.expr(e.left), self.expr(e.right))

    def binary_values(self, e: tir.Binary, t: Type, x: ir.Value, y: ir.Value) -> ir.Value:
        op = e.op
        if op in ("==", "!="):
            if isinstance(t, Prim) and t.name in FIXED_WIDTH:
                return self.compare(op, x, y, t)
            same = equal(self.mg, self.b, x, y, self.ty(t))
            return same if op == "==" else self.b.not_(same)
        if op in ("<", "<=", ">", ">="):
            return self.compare(op, x, y, t)
        if t == Prim("String") and op == "+":
            return self.rt("aura_str_concat", x, y)
        if t == Prim("f64"):
            fop = {"+": self.b.fadd, "-": self.b.fsub, "*": self.b.fmul, "/": self.b.fdiv}.get(op)
            if fop is not None:
                return fop(x, y)
            if op == "%":
                return self.b.frem(x, y)
        if self.spec and op in ("<<", ">>"):
            return self.spec_shift(op, x, y, t, self.base(e.right.type), e.span)
        if op in ("<<", ">>"):
            return self.shift(
                op,
                self.narrow(x, t),
                self.narrow(y, e.right.type),
                t,
                self.base(e.right.type),
                e.span,
            )
        if self.spec and op in ("+", "-", "*"):
            return self.spec_arith(op, x, y, t, e.span)
        if self.spec and op in ("&", "|", "^"):
            return self.spec_bitwise(op, x, y, t)
        if self.spec and op in ("/", "%"):
            wx, wy = self.wide(x, t), self.wide(y, t)
            zero = ir.Constant(I128, 0)
            message = "division by zero" if op == "/" else "remainder by zero"
            self.fail_unless(
                self.b.icmp_signed("!=", wy, zero), lambda: self.panic_text(e.span, message)
            )
            return self.b.sdiv(wx, wy) if op == "/" else self.b.srem(wx, wy)
        return self.int_arith(op, self.narrow(x, t), self.narrow(y, t), t, e.span)

    def short_circuit(self, e: tir.Binary) -> ir.Value:
        left = self.expr(e.left)
        start = self.b.block
        rhs, done = self.block("rhs"), self.block("sc")
        if e.op in ("and", "==>"):  # `a ==> b` is `not a or b`: b only when a holds
            self.b.cbranch(left, rhs, done)
        else:
            self.b.cbranch(left, done, rhs)
        self.b.position_at_end(rhs)
        right = self.expr(e.right)
        end = self.b.block
        self.b.branch(done)
        self.b.position_at_end(done)
        phi = self.b.phi(I1)
        phi.add_incoming(ir.Constant(I1, 0 if e.op == "and" else 1), start)
        phi.add_incoming(right, end)
        return phi

    def x_Cast(self, e: tir.Cast) -> ir.Value:
        v = self.expr(e.expr)
        src, dst = self.base(e.expr.type), self.base(e.type)
        if self.spec and fixed_name(src) and fixed_name(dst):
            # Exact, then checked as in code: a cast that would panic panics.
            return self.narrow(self.wide(v, src), dst, e.span)
        return self.cast(v, src, dst, e.span)

    def x_Conditional(self, e: tir.Conditional) -> ir.Value:
        c = self.expr(e.cond)
        yes, no, done = self.block("then"), self.block("else"), self.block("endif")
        self.b.cbranch(c, yes, no)
        self.b.position_at_end(yes)
        a = self.owned(e.then)
        a_end = self.b.block
        self.b.position_at_end(no)
        z = self.owned(e.otherwise)
        z_end = self.b.block
        if a.type != z.type:  # one side exact (a specification), the other not
            self.b.position_at_end(a_end)
            a = self.wide(a, e.type)
            self.b.position_at_end(z_end)
            z = self.wide(z, e.type)
        self.b.position_at_end(a_end)
        self.b.branch(done)
        self.b.position_at_end(z_end)
        self.b.branch(done)
        self.b.position_at_end(done)
        phi = self.b.phi(a.type)
        phi.add_incoming(a, a_end)
        phi.add_incoming(z, z_end)
        return phi

    # ------------------------------------------------------- specifications
    def x_Old(self, e: tir.Old) -> ir.Value:
        found = self.olds.get(id(e))
        if found is None:
            raise self.unsupported("`old(...)` here", e.span)
        return found

    def x_ResultRef(self, e: tir.ResultRef) -> ir.Value:
        if self.result is None:
            raise self.unsupported("`result` here", e.span)
        return self.result

    def x_Quantifier(self, e: tir.Quantifier) -> ir.Value:
        if any(bd.lo is None or bd.hi is None for bd in e.binders):
            return self.unchecked_quantifier(e)
        exists = e.kind == "exists"
        out = self.alloca(I1)
        self.b.store(ir.Constant(I1, 0 if exists else 1), out)
        done = self.block("q_done")
        self._quantify(e, list(e.binders), out, done, exists)
        self.branch(done)
        self.b.position_at_end(done)
        return self.b.load(out, typ=I1)

    def unchecked_quantifier(self, e: tir.Quantifier) -> ir.Value:
        """A quantifier over a type: taken as true, with a warning once per run."""
        pos = self.source.position(e.span.start)
        text = (
            f"warning: the quantifier at {self.source.name}:{pos.line}:{pos.column} "
            "ranges over a type and is not checked at run time"
        )
        flag = ir.GlobalVariable(self.mg.module, I1, self.mg.fresh("warned"))
        flag.linkage = "internal"
        flag.initializer = ir.Constant(I1, 0)
        warned = opaque(flag)
        first, done = self.block("warn"), self.block("warned")
        self.b.cbranch(self.b.load(warned, typ=I1), done, first)
        self.b.position_at_end(first)
        self.b.store(ir.Constant(I1, 1), warned)
        self.rt("aura_warn", opaque(self.mg.cstring(text)))
        self.b.branch(done)
        self.b.position_at_end(done)
        return ir.Constant(I1, 1)

    def _quantify(
        self,
        e: tir.Quantifier,
        binders: list[tir.Binder],
        out: ir.Value,
        done: ir.Block,
        exists: bool,
    ) -> None:
        if not binders:
            value = self.expr(e.body)
            decided = value if exists else self.b.not_(value)
            go = self.block("q_next")
            found = self.block("q_found")
            self.b.cbranch(decided, found, go)
            self.b.position_at_end(found)
            self.b.store(ir.Constant(I1, 1 if exists else 0), out)
            self.b.branch(done)
            self.b.position_at_end(go)
            return
        bd = binders[0]
        assert bd.lo is not None and bd.hi is not None
        vt = self.llvm(bd.local.type)
        lo, hi, inclusive = self.spec_range(
            self.expr(bd.lo), self.expr(bd.hi), bd.local.type, bd.inclusive, e.span
        )
        base = self.base(bd.local.type)
        signed = isinstance(base, Prim) and FIXED_WIDTH.get(base.name, (0, True))[1]
        counter = self.alloca(vt)
        self.b.store(lo, counter)
        head, body, end = self.block("q_head"), self.block("q_body"), self.block("q_end")
        self.b.branch(head)
        self.b.position_at_end(head)
        i = self.b.load(counter, typ=vt)
        op = "<=" if inclusive else "<"
        more = self.b.icmp_signed(op, i, hi) if signed else self.b.icmp_unsigned(op, i, hi)
        self.b.cbranch(more, body, end)
        self.b.position_at_end(body)
        self.bound[id(bd.local)] = i
        self.bound_by_value[bd.local] = i
        self._quantify(e, binders[1:], out, done, exists)
        at_max = self.b.icmp_unsigned("==", i, hi)
        step = self.block("q_step")
        self.b.cbranch(at_max, end, step)
        self.b.position_at_end(step)
        self.b.store(self.b.add(i, ir.Constant(vt, 1)), counter)
        self.b.branch(head)
        self.b.position_at_end(end)

    # ---------------------------------------------------------------- hooks
    if TYPE_CHECKING:  # implemented by later layers

        def refine(self, value: ir.Value, t: Type, what: str, span: Span) -> None: ...
