"""Which cells are *pure integer* cells, the ones that get a fast twin.

A pure integer cell takes and returns fixed-width integers or ``bool`` (no
refinements, no ``mut``, no type parameters), and its body and contract use
only integer and boolean arithmetic, comparisons, control flow, assertions and
calls of pure integer cells.  Its fast twin runs without frames or a depth
argument and writes no memory, so LLVM may compute two equal calls once
(docs/backend-llvm.md, "Calling convention").
"""

from __future__ import annotations

from collections.abc import Mapping

from aura_backend_llvm.walk import nodes
from aura_core import tir
from aura_core.types import FIXED_WIDTH, Prim, QualName, Type

__all__ = ["has_loops", "may_continue_after_failure", "pure_cells"]

#: Typed-program nodes a pure integer cell may contain (besides its values'
#: types being integers or ``bool``).
_ALLOWED = (
    tir.Local,
    tir.IntConst,
    tir.BoolConst,
    tir.LocalRef,
    tir.ConstRef,
    tir.Arg,
    tir.Call,
    tir.Unary,
    tir.Binary,
    tir.Cast,
    tir.Conditional,
    tir.ResultRef,
    tir.Block,
    tir.Let,
    tir.Assign,
    tir.ExprStmt,
    tir.If,
    tir.LoopSpec,
    tir.While,
    tir.ForRange,
    tir.Return,
    tir.Break,
    tir.Continue,
    tir.Assert,
    tir.Assume,
    QualName,
)


def _plain(t: Type) -> bool:
    """An unrefined fixed-width integer or ``bool``."""
    return isinstance(t, Prim) and (t.name in FIXED_WIDTH or t.name == "bool")


def _locally_pure(cell: tir.CellDef, release: bool) -> bool:
    if cell.extern or cell.body is None or cell.type_params:
        return False
    if any(p.mutable or not _plain(p.type) for p in cell.params) or not _plain(cell.ret):
        return False
    if cell.contract.decreases and not release:
        return False  # the measure is compared through a stack in memory
    contract = cell.contract
    for node in nodes((contract.requires, contract.ensures, cell.body)):
        if isinstance(node, tuple | str | int | bool | float) or node is None:
            continue
        if not isinstance(node, _ALLOWED):
            return False
        if isinstance(node, tir.Local) and not _plain(node.type):
            return False
        if isinstance(node, tir.Arg) and node.mut:
            return False
        if isinstance(node, tir.ExprBase) and not _plain(node.type):
            return False
        if isinstance(node, tir.Call) and node.type_args:
            return False
    return True


def has_loops(cell: tir.CellDef, kinds: tuple[type, ...] = (tir.While, tir.ForRange)) -> bool:
    """Whether ``cell``'s body has a loop of one of ``kinds``."""
    return any(isinstance(n, kinds) for n in nodes(cell.body))


#: Operations whose unchecked form (a check the verifier proved) is undefined
#: or poison for some operands: division, remainder, shifts, casts.
_RISKY_UNCHECKED = frozenset({"/", "%", "<<", ">>"})


def may_continue_after_failure(cell: tir.CellDef, trust_proofs: bool, release: bool) -> bool:
    """Whether ``cell``'s fast twin may go on after a failed call (with its zero).

    Only without loops (the rest of the body runs once), and, when proven
    checks are left out, without an operation whose unchecked form could
    misbehave on that zero (``+ - *`` are then generated wrapping).  With
    ``--release`` the contract is not run, so only the body counts.
    """
    if has_loops(cell):
        return False
    if not trust_proofs:
        return True
    contract = () if release else (cell.contract.requires, cell.contract.ensures)
    return not any(
        isinstance(n, tir.Cast) or (isinstance(n, tir.Binary) and n.op in _RISKY_UNCHECKED)
        for n in nodes((contract, cell.body))
    )


def pure_cells(program: tir.Program, release: bool) -> frozenset[QualName]:
    """The pure integer cells of ``program``: locally pure, calling only pure cells."""
    calls: Mapping[QualName, frozenset[QualName]] = program.calls
    found = {
        cell.name
        for module in program.modules.values()
        for cell in module.cells.values()
        if _locally_pure(cell, release)
    }
    changed = True
    while changed:
        changed = False
        for name in sorted(found, key=str):
            if not calls.get(name, frozenset()) <= found:
                found.discard(name)
                changed = True
    return frozenset(found)
