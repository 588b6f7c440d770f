"""The whole program as one LLVM module: cell instances, constants, sites, entry.

Generics are monomorphised: each (cell, type arguments) pair the entry can
reach becomes one LLVM function, generated from a worklist.  Per-type helpers
(text form, equality, sharing) are made once per type on first use by
:mod:`aura_backend_llvm.gen_helpers`.

Sites: every operation that can panic and every call has a *site*, an index into
the ``aura_sites`` table of (file, line, column).  Panics receive the site of the
failing operation; a call stores its site in the caller's frame of the shadow
stack first, which is what stack traces read (docs/backend-llvm.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from llvmlite import binding, ir

from aura_backend_llvm.layout import I1, I8, I32, I64, PTR, Layout, opaque
from aura_backend_llvm.purity import has_loops, pure_cells
from aura_backend_llvm.rtdecls import declare
from aura_backend_llvm.walk import unroll_levels
from aura_core import tir
from aura_core.graphs import cyclic_components
from aura_core.source import SourceFile
from aura_core.trust import ProvenChecks
from aura_core.types import QualName, Type

__all__ = ["MAX_DEPTH", "ModuleGen", "Options", "display_name"]

#: Calls nest at most this deep (the interpreter's limit); the next call panics.
MAX_DEPTH = 50_000
RC_STATIC = 1 << 62
#: At most this many levels of a directly recursive cell's recursion are made
#: into one function, within a budget of typed-program nodes (all copies).
UNROLL_LEVELS = 4
UNROLL_BUDGET = 800

SITE = ir.LiteralStructType([PTR, I32, I32, PTR])


@dataclass(frozen=True, slots=True)
class Options:
    """What ``aura build`` was asked for."""

    release: bool = False
    trust_proofs: bool = False
    #: Use every feature of this machine's CPU (``aura run --native``); an
    #: executable of ``aura build`` targets the CPU family, so it runs elsewhere.
    host_cpu: bool = False


def display_name(name: QualName) -> str:
    """How a cell is named in stack traces: bare in a one-file program, else in full."""
    return name.name if len(name.module) <= 1 else str(name)


class ModuleGen:
    """The state of one program's code generation."""

    def __init__(self, program: tir.Program, options: Options, triple: str, data_layout: str):
        self.program = program
        self.options = options
        self.layout = Layout(program)
        self.proven = ProvenChecks()
        self.module = ir.Module(name="aura")
        self.module.triple = triple
        self.module.data_layout = data_layout
        self.target_data = binding.create_target_data(data_layout)
        self.sites: list[tuple[str, int, int, str]] = []
        self._site_index: dict[tuple[str, int, int, str], int] = {}
        self._cstrings: dict[str, ir.GlobalVariable] = {}
        self._strings: dict[str, ir.GlobalVariable] = {}
        self.functions: dict[tuple[QualName, tuple[Type, ...]], ir.Function] = {}
        #: The ring of a directly recursive cell instance and its twins (see
        #: ``function``): each member's recursive calls go to the next one.
        self.next_twin: dict[ir.Function, ir.Function] = {}
        #: Each member of a ring, mapped to the cell instance's own function.
        self.twin_of: dict[ir.Function, ir.Function] = {}
        self._pending: list[tuple[QualName, tuple[Type, ...]]] = []
        #: Pure integer cells (``purity``): their function only tries the fast
        #: twin and, when it fails, runs the framed version (``slow``).
        self.pure = pure_cells(program, options.release)
        self.slow: dict[ir.Function, ir.Function] = {}
        self.fast: dict[ir.Function, ir.Function] = {}
        #: How many levels of pure cells one function may hold at most (each
        #: LLVM function is inlined at most once along a chain of inlined calls).
        self.fast_levels = sum(
            unroll_levels(program.cell(name), UNROLL_LEVELS, UNROLL_BUDGET) for name in self.pure
        )
        self.helpers: dict[tuple[str, Type], ir.Function] = {}
        self._statics: dict[tuple[Type, int], ir.GlobalVariable] = {}
        # The shadow stack lives in the program's module, so it is reached directly.
        frames = ir.GlobalVariable(self.module, ir.ArrayType(I32, MAX_DEPTH + 2), "aura_frames")
        frames.initializer = ir.Constant(frames.value_type, None)
        # Defined in this executable: reached PC-relative, not through the GOT.
        frames.linkage = "dso_local"
        self.frames_type = frames.value_type
        self.frames = opaque(frames)
        depth = ir.GlobalVariable(self.module, I64, "aura_depth")
        depth.initializer = ir.Constant(I64, 0)
        depth.linkage = "dso_local"
        self.depth = opaque(depth)
        self._counter = 0
        # Type-based alias information: the headers of counted objects (counts,
        # lengths, capacities, buffer pointers) and the element buffers of
        # vectors and maps are never the same memory, so a store to an element
        # does not force reloading a header (the checks of a loop hoist).
        root = self.module.add_metadata(["aura tbaa"])
        header = self.module.add_metadata(["aura header", root, ir.Constant(I64, 0)])
        element = self.module.add_metadata(["aura element", root, ir.Constant(I64, 0)])
        self.tbaa = {
            "header": self.module.add_metadata([header, header, ir.Constant(I64, 0)]),
            "element": self.module.add_metadata([element, element, ir.Constant(I64, 0)]),
        }
        self._components: dict[QualName, frozenset[QualName]] | None = None
        self._measure_stacks: dict[
            tuple[frozenset[QualName], int], tuple[ir.GlobalVariable, ir.GlobalVariable, int]
        ] = {}

    # -------------------------------------------------------------- naming
    def fresh(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}.{self._counter}"

    def runtime(self, name: str) -> ir.Function:
        return declare(self.module, name)

    # --------------------------------------------------------------- sites
    def site(self, source: SourceFile, offset: int, cell: str) -> ir.Constant:
        pos = source.position(offset)
        key = (source.name, pos.line, pos.column, cell)
        index = self._site_index.get(key)
        if index is None:
            index = len(self.sites)
            self.sites.append(key)
            self._site_index[key] = index
        return ir.Constant(I32, index)

    # ----------------------------------------------------------- constants
    def cstring(self, text: str) -> ir.GlobalVariable:
        """A NUL-terminated constant (file and cell names, messages)."""
        found = self._cstrings.get(text)
        if found is None:
            data = text.encode("utf-8") + b"\0"
            ty = ir.ArrayType(I8, len(data))
            found = ir.GlobalVariable(self.module, ty, self.fresh("cstr"))
            found.global_constant = True
            found.linkage = "private"
            found.unnamed_addr = True
            found.initializer = ir.Constant(ty, bytearray(data))
            self._cstrings[text] = found
        return found

    def const_array(self, ty: ir.ArrayType, values: list[ir.Value]) -> ir.GlobalVariable:
        """A read-only private array initialised with ``values`` (constants)."""
        found = ir.GlobalVariable(self.module, ty, self.fresh("arr"))
        found.global_constant = True
        found.linkage = "private"
        found.unnamed_addr = True
        found.initializer = ir.Constant(ty, values)
        return found

    def string(self, text: str) -> ir.GlobalVariable:
        """A static ``AuraStr`` holding ``text``."""
        found = self._strings.get(text)
        if found is None:
            data = text.encode("utf-8")
            body = ir.ArrayType(I8, len(data) + 1)
            ty = ir.LiteralStructType([I64, I64, body])
            found = ir.GlobalVariable(self.module, ty, self.fresh("str"))
            found.linkage = "private"  # writable: counting a holder adds to its huge count
            found.initializer = ir.Constant(
                ty,
                [
                    ir.Constant(I64, RC_STATIC),
                    ir.Constant(I64, len(data)),
                    ir.Constant(body, bytearray(data + b"\0")),
                ],
            )
            self._strings[text] = found
        return found

    def fieldless_variant(self, enum_type: Type, index: int) -> ir.GlobalVariable:
        """The one static box of a variant without fields."""
        key = (enum_type, index)
        found = self._statics.get(key)
        if found is None:
            ty = ir.LiteralStructType([I64, I32])
            found = ir.GlobalVariable(self.module, ty, self.fresh("variant"))
            found.linkage = "private"  # writable: counting a holder adds to its huge count
            found.initializer = ir.Constant(
                ty, [ir.Constant(I64, RC_STATIC), ir.Constant(I32, index)]
            )
            self._statics[key] = found
        return found

    # ----------------------------------------------------------- functions
    def function(self, name: QualName, type_args: tuple[Type, ...]) -> ir.Function:
        """The LLVM function of a cell instance, declared now, generated later."""
        key = (name, type_args)
        fn = self.functions.get(key)
        if fn is None:
            cell = self.program.cell(name)
            from aura_backend_llvm.gen_cell import signature

            fnty = signature(self, cell, type_args)
            suffix = "" if not type_args else "<" + ",".join(map(str, type_args)) + ">"
            label = f"aura:{name}{suffix}"
            if name in self.pure:
                fn = self._declare(cell, fnty, label)
                self.slow[fn] = self._declare_ring(cell, fnty, f"{label}.slow")
                ret = fnty.return_type
                # The fast twin: the cell's parameters and the stack limit.
                fast_ty = ir.FunctionType(ir.LiteralStructType([ret, I1]), [*fnty.args[1:], I64])
                fast = self._declare_ring(cell, fast_ty, f"{label}.fast", depth=False)
                self.fast[fn] = fast
            else:
                fn = self._declare_ring(cell, fnty, label)
            self.functions[key] = fn
            self._pending.append(key)
        return fn

    def _declare_ring(
        self, cell: tir.CellDef, fnty: ir.FunctionType, name: str, depth: bool = True
    ) -> ir.Function:
        fn = self._declare(cell, fnty, name, depth)
        levels = unroll_levels(cell, UNROLL_LEVELS, UNROLL_BUDGET) if cell.body else 1
        if levels > 1:
            # A cell that calls itself gets twins with the same body, in a
            # ring: each member's recursive calls go to the next one.  The
            # twins are `alwaysinline`, so LLVM (which never inlines a
            # function into itself) unrolls the recursion `levels` levels,
            # making fewer calls.  Frames, sites and checks stay per level.
            ring = [fn]
            for k in range(1, levels):
                twin = self._declare(cell, fnty, f"{name}.twin{k}", depth)
                twin.attributes.add("alwaysinline")
                ring.append(twin)
            for k, member in enumerate(ring):
                self.next_twin[member] = ring[(k + 1) % len(ring)]
                self.twin_of[member] = fn
        return fn

    def _declare(
        self, cell: tir.CellDef, fnty: ir.FunctionType, name: str, depth: bool = True
    ) -> ir.Function:
        fn = ir.Function(self.module, fnty, name)
        fn.linkage = "internal"
        fn.attributes.add("nounwind")
        if not depth and not has_loops(cell, (tir.While,)):
            # A fast twin without `while` loops always returns (its stack is
            # bounded), which lets LLVM compute a call that every path
            # reaches once.  llvmlite does not list the attribute: add it to
            # the set directly.
            set.add(fn.attributes, "willreturn")
        for param, arg in zip(cell.params, fn.args[1:] if depth else fn.args[:-1], strict=True):
            if param.mutable:  # `mut` places never overlap (E0117)
                arg.add_attribute("noalias")
                arg.add_attribute("nonnull")
        return fn

    def helper(
        self, kind: str, t: Type, make: Callable[[ir.Function], None], fnty: ir.FunctionType
    ) -> ir.Function:
        """A per-type helper function, generated by ``make`` on first use."""
        key = (kind, t)
        fn = self.helpers.get(key)
        if fn is None:
            fn = ir.Function(self.module, fnty, self.fresh(f"{kind}:{t}"))
            fn.linkage = "internal"
            fn.attributes.add("nounwind")
            self.helpers[key] = fn
            make(fn)
        return fn

    def measure_stack(
        self, name: QualName, k: int
    ) -> tuple[ir.GlobalVariable, ir.GlobalVariable, int] | None:
        """The stack of ``decreases`` measures of ``name``'s recursive component, if any."""
        if self._components is None:
            self._components = _components(self.program.calls)
        component = self._components.get(name)
        if component is None:
            return None
        key = (component, k)
        found = self._measure_stacks.get(key)
        if found is None:
            i128 = ir.IntType(128)
            row = ir.ArrayType(i128, k)
            array = ir.GlobalVariable(
                self.module, ir.ArrayType(row, MAX_DEPTH + 2), self.fresh("measures")
            )
            array.linkage = "internal"
            array.initializer = ir.Constant(array.value_type, None)
            count = ir.GlobalVariable(self.module, I64, self.fresh("measure_count"))
            count.linkage = "internal"
            count.initializer = ir.Constant(I64, 0)
            found = (array, count, k)
            self._measure_stacks[key] = found
        return found

    def generate(self, entry: QualName) -> None:
        """Every cell instance ``entry`` reaches, then the entry point and site table."""
        from aura_backend_llvm.gen_cell import CellGen
        from aura_backend_llvm.gen_fast import fast_entry

        main = self.function(entry, ())
        while self._pending:
            name, type_args = self._pending.pop()
            fn = self.functions[(name, type_args)]
            cell = self.program.cell(name)
            rings = [(fn, "framed")]
            if fn in self.fast:
                fast_entry(self, fn)
                rings = [(self.slow[fn], "framed"), (self.fast[fn], "fast")]
            for head, mode in rings:
                each = head
                while True:
                    CellGen(self, cell, type_args, each, fast=mode == "fast").generate()
                    each = self.next_twin.get(each, head)
                    if each is head:
                        break
        self._entry(main, self.program.cell(entry))
        self._site_table()

    def _entry(self, main: ir.Function, cell: tir.CellDef) -> None:
        fn = ir.Function(self.module, ir.FunctionType(I32, ()), "aura_program_main")
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        value = b.call(main, [ir.Constant(I64, 0)])
        if isinstance(main.function_type.return_type, ir.IntType) and str(cell.ret) == "i32":
            b.ret(value)
        else:
            b.ret(ir.Constant(I32, 0))

    def _site_table(self) -> None:
        entries = [
            ir.Constant.literal_struct(
                [
                    opaque(self.cstring(f)),
                    ir.Constant(I32, line),
                    ir.Constant(I32, col),
                    opaque(self.cstring(cell)),
                ]
            )
            for f, line, col, cell in self.sites or [("?", 0, 0, "?")]
        ]
        ty = ir.ArrayType(SITE, len(entries))
        table = ir.GlobalVariable(self.module, ty, "aura_sites")
        table.global_constant = True
        table.initializer = ir.Constant(ty, entries)


def _components(
    calls: Mapping[QualName, frozenset[QualName]],
) -> dict[QualName, frozenset[QualName]]:
    """Each cell on a cycle of the call graph, mapped to its strongly connected component."""
    out: dict[QualName, frozenset[QualName]] = {}
    for component in cyclic_components(calls, lambda n: sorted(calls.get(n, ()), key=str)):
        group = frozenset(component)
        for member in component:
            out[member] = group
    return out
