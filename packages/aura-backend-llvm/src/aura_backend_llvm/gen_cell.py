"""One cell instance as one LLVM function: entry checks, body, exits.

Entry, in the interpreter's order: push the frame (depth limit), parameter
refinements, ``requires``, the values ``old(...)`` needs, the ``decreases``
measure.  Every exit checks the result's refinement and the ``ensures``
clauses, then pops the frame.
"""

from __future__ import annotations

from llvmlite import ir

from aura_backend_llvm.gen_module import ModuleGen
from aura_backend_llvm.gen_stmt import StmtGen
from aura_backend_llvm.layout import I1, I64, PTR, opaque
from aura_backend_llvm.purity import may_continue_after_failure
from aura_backend_llvm.walk import bound_locals, olds_of
from aura_core import tir
from aura_core.source import Span
from aura_core.types import Type, TypeParam, substitute

__all__ = ["CellGen", "signature"]


def signature(mg: ModuleGen, cell: tir.CellDef, type_args: tuple[Type, ...]) -> ir.FunctionType:
    mapping = {TypeParam(p, cell.name): a for p, a in zip(cell.type_params, type_args, strict=True)}
    params = [
        PTR if p.mutable else mg.layout.llvm(substitute(p.type, mapping)) for p in cell.params
    ]
    # The first parameter is the call's depth (its frame of the shadow stack).
    return ir.FunctionType(mg.layout.llvm(substitute(cell.ret, mapping)), [I64, *params])


class CellGen(StmtGen):
    def __init__(
        self,
        mg: ModuleGen,
        cell: tir.CellDef,
        type_args: tuple[Type, ...],
        fn: ir.Function,
        fast: bool = False,
    ):
        super().__init__(mg, cell, type_args, fn, fast)
        self.measure_stack: tuple[ir.GlobalVariable, ir.GlobalVariable, int] | None = None

    def generate(self) -> None:
        cell = self.cell
        if cell.body is None:
            raise self.unsupported(f"the extern cell `{cell.name}`")
        if self.fast:
            self.fast_prologue()
            args = self.fn.args[:-1]
            options = self.mg.options
            if may_continue_after_failure(self.cell, options.trust_proofs, options.release):
                # No loop, and no unchecked operation can misbehave on a
                # failed call's zero, so the body may go on after a failed
                # call and return the flag at its end: then LLVM can merge
                # equal calls across inlined levels.
                self.sticky = self.alloca(I1)
                self.b.store(ir.Constant(I1, 0), self.sticky)
        else:
            self.prologue()
            args = self.fn.args[1:]
        for p, arg in zip(cell.params, args, strict=True):
            if p.mutable:
                self.slots[p.id] = arg
            else:
                slot = self.alloca(arg.type, name=p.name)
                self.b.store(arg, slot)
                self.slots[p.id] = slot
        for local in bound_locals(cell.body):
            if local.id not in self.slots and self.layout.has_shared(self.base(local.type)):
                self.owned_slots[local.id] = local
                self.b.store(ir.Constant(self.llvm(local.type), None), self.slot(local))
        for p, arg in zip(cell.params, args, strict=True):
            value = self.b.load(arg, typ=self.llvm(p.type)) if p.mutable else arg
            self.refine(value, p.type, f"parameter `{p.name}`", p.span)
        if not self.release:
            requires = () if self.mg.proven.requires_proven(cell.name) else cell.contract.requires
            for clause in requires:
                self.check(clause, "precondition failed: " + self.text(clause.span), clause.span)
            with self.specification():
                for old in olds_of(cell):
                    value = self.expr(old.expr)
                    self.share(value, old.expr.type)
                    self.olds[id(old)] = value
            self.measure_entry()
        self.block_(cell.body)
        if not self.b.block.is_terminated:
            if self.is_unit(cell.ret):
                self.do_return(self.unit(), cell.span)
            else:
                self.b.unreachable()
        for block in self.fn.blocks:
            if not block.is_terminated:
                self.b.position_at_end(block)
                self.b.unreachable()

    def measure_entry(self) -> None:
        contract = self.cell.contract
        if not contract.decreases:
            return
        span = contract.decreases_span or contract.decreases[0].span
        text = self.measure_text(contract.decreases)
        values = self.measure(contract.decreases)
        self.measure_nonnegative(values, text, span)
        stack = self.mg.measure_stack(self.cell.name, len(values))
        if stack is None:
            return
        array_g, count_g, k = stack
        array, count = opaque(array_g), opaque(count_g)
        array_t = array_g.value_type
        n = self.b.load(count, typ=I64)
        has_prev = self.b.icmp_signed(">", n, ir.Constant(I64, 0))
        check, after = self.block("dec_prev"), self.block("dec_push")
        self.b.cbranch(has_prev, check, after)
        self.b.position_at_end(check)
        row_t = array_t.element
        prev_row = self.b.gep(
            array, [ir.Constant(I64, 0), self.b.sub(n, ir.Constant(I64, 1))], source_etype=array_t
        )
        prev = [
            self.b.load(
                self.b.gep(
                    prev_row, [ir.Constant(I64, 0), ir.Constant(I64, j)], source_etype=row_t
                ),
                typ=values[0].type,
            )
            for j in range(k)
        ]
        self.measure_smaller(prev, values, text, " in a recursive call", span)
        self.b.branch(after)
        self.b.position_at_end(after)
        row = self.b.gep(array, [ir.Constant(I64, 0), n], source_etype=array_t)
        for j, v in enumerate(values):
            self.b.store(
                v, self.b.gep(row, [ir.Constant(I64, 0), ir.Constant(I64, j)], source_etype=row_t)
            )
        self.b.store(self.b.add(n, ir.Constant(I64, 1)), count)
        self.measure_stack = stack

    def do_return(self, value: ir.Value | None, span: Span, moved: int | None = None) -> None:
        cell = self.cell
        v = value if value is not None else self.unit()
        if not self.release:
            self.refine(v, cell.ret, f"the result of `{cell.name.name}`", cell.span)
            if cell.contract.ensures:
                saved = self.result
                self.result = v
                for clause in cell.contract.ensures:
                    if self.proven("postcondition", clause.span):
                        continue
                    self.check(
                        clause, "postcondition failed: " + self.text(clause.span), clause.span
                    )
                self.result = saved
        self.release_slots(moved)
        if self.measure_stack is not None:
            count = opaque(self.measure_stack[1])
            self.b.store(self.b.sub(self.b.load(count, typ=I64), ir.Constant(I64, 1)), count)
        if self.fast:
            ret = self.fn.function_type.return_type
            v = self.b.insert_value(ir.Constant(ret, None), v, 0)
            if self.sticky is not None:
                v = self.b.insert_value(v, self.b.load(self.sticky, typ=I1), 1)
        self.b.ret(v)
        self.dead_end()
