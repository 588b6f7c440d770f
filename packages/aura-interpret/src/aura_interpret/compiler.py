"""From a checked program to Python functions, one cell at a time.

:func:`compile_program` compiles the entry cells and, transitively, every cell
they call (the standard library included), each exactly once: the cell's
Python source is generated (:mod:`aura_interpret.codegen_cell`), compiled with
``compile()`` under a file name of its own and executed into the program's
globals.  The result, :class:`CompiledProgram`, owns everything one run
needs -- the globals, the source map, the stacks of ``decreases`` measures --
so nothing is shared between runs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from aura_core import tir
from aura_core.graphs import cyclic_components
from aura_core.trust import ProvenChecks
from aura_core.types import QualName
from aura_interpret.codegen_cell import CellGen
from aura_interpret.externs import EXTERNS, Extern, Host
from aura_interpret.runtime import helpers
from aura_interpret.sourcemap import SourceMap
from aura_interpret.textform import Formatters
from aura_interpret.typeinfo import TypeInfo

__all__ = ["CompileError", "CompiledProgram", "compile_program"]


class CompileError(Exception):
    """The program cannot run here (an extern this runtime does not provide)."""


@dataclass
class CompiledProgram:
    """A program ready to run: its globals and what maps them back to Aura."""

    program: tir.Program
    globals: dict[str, object]
    source_map: SourceMap
    host: Host
    functions: dict[QualName, str]
    measure_stacks: list[list[object]] = field(default_factory=list)

    def function(self, name: QualName) -> Callable[[], object]:
        """The Python function of a compiled cell."""
        fn = self.globals[self.functions[name]]
        assert callable(fn)
        return fn

    def reset(self) -> None:
        """Forget the state a panicking run may leave behind (before the next test)."""
        for stack in self.measure_stacks:
            stack.clear()


def display_name(name: QualName) -> str:
    """How a cell is named in stack traces: bare in a one-file program, else in full."""
    return name.name if len(name.module) <= 1 else str(name)


class _Compiler:
    """The state of one :func:`compile_program` call (implements ProgramContext)."""

    def __init__(
        self,
        program: tir.Program,
        release: bool,
        host: Host,
        proven: ProvenChecks,
        entries: frozenset[QualName],
    ) -> None:
        self.program = program
        self.release = release
        self.proven = proven
        self.entries = entries
        self.host = host
        self.types = TypeInfo(program)
        self.fmts = Formatters(self.types)
        self.globals = helpers()
        self.source_map = SourceMap()
        self.functions: dict[QualName, str] = {}
        self.stacks: list[list[object]] = []
        self._names: dict[int, str] = {}
        self._keep: list[object] = []
        self._queue: deque[tuple[QualName, str | None]] = deque()
        self._tag = f"{id(self):x}"
        self._scc: dict[QualName, str] | None = None
        self._warned: set[str] = set()
        for builtin, name in (("print", "_print"), ("println", "_println"), ("panic", "_panic")):
            self.globals[name] = EXTERNS[builtin].bind(host)

    # ----------------------------------------------------- ProgramContext
    def intern(self, value: object, prefix: str) -> str:
        key = id(value)
        name = self._names.get(key)
        if name is None:
            name = f"_{prefix.upper()}{len(self._names)}"
            self._names[key] = name
            self._keep.append(value)
            self.globals[name] = value
        return name

    def cell_ref(self, name: QualName) -> str:
        known = self.functions.get(name)
        if known is not None:
            return known
        cell = self.program.cell(name)
        if cell.extern:
            bound = self.extern(name).bind(self.host)
            impl = self.intern(bound, "x")
            contract = cell.contract
            if self.release or not (contract.requires or contract.ensures):
                self.functions[name] = impl
                return impl
            fname = f"_C{len(self.functions)}"
            self._queue.append((name, impl))
        else:
            fname = f"_C{len(self.functions)}"
            self._queue.append((name, None))
        self.functions[name] = fname
        return fname

    def extern(self, name: QualName) -> Extern:
        ext = EXTERNS.get(str(name))
        if ext is None:
            raise CompileError(
                f"the extern cell `{name}` is not provided by the interpreter's runtime"
            )
        return ext

    def const_value(self, name: QualName) -> tir.ConstValue:
        return self.program.modules[name.module].consts[name.name].value

    def measure_stack(self, name: QualName) -> str | None:
        if self._scc is None:
            self._scc = {}
            for component in _cycles(self.program.calls):
                stack: list[object] = []
                self.stacks.append(stack)
                stack_name = self.intern(stack, "ds")
                for member in component:
                    self._scc[member] = stack_name
        return self._scc.get(name)

    def quantifier_warning(self, where: str) -> str:
        host, warned = self.host, self._warned

        def warn() -> bool:
            if where not in warned:
                warned.add(where)
                host.stderr.write(
                    f"warning: the quantifier at {where} ranges over a type and is not "
                    "checked at run time\n"
                )
            return True

        return self.intern(warn, "w")

    def requires_trusted(self, name: QualName) -> bool:
        return name not in self.entries and self.proven.requires_proven(name)

    # ------------------------------------------------------------ driving
    def compile_pending(self) -> None:
        while self._queue:
            name, impl = self._queue.popleft()
            cell = self.program.cell(name)
            module = self.program.modules[name.module]
            fname = self.functions[name]
            filename = f"<aura:{self._tag}:{name}>"
            gen = CellGen(self, cell, module.source, fname, display_name(name), filename)
            cmap = gen.generate(impl)
            try:
                code = compile(cmap.python, filename, "exec")
            except (SyntaxError, RecursionError, MemoryError) as e:
                if isinstance(e, SyntaxError) and "nested" not in str(e):
                    raise
                raise CompileError(
                    f"an expression in `{name}` is nested too deeply to run here; "
                    "split it with `val` bindings"
                ) from None
            exec(code, self.globals)
            self.source_map.add(cmap)


def _cycles(graph: Mapping[QualName, frozenset[QualName]]) -> Iterable[list[QualName]]:
    """The strongly connected components of the call graph that contain a cycle."""
    return cyclic_components(graph, lambda name: graph.get(name, ()))


def compile_program(
    program: tir.Program,
    entries: Iterable[QualName],
    *,
    release: bool = False,
    host: Host,
    proven: ProvenChecks | None = None,
) -> CompiledProgram:
    """Compile ``entries`` and every cell they reach; raises :class:`CompileError`.

    ``proven`` lists the checks ``aura verify`` proved (``aura run --trust-proofs``,
    see :func:`aura_core.trust.proven_for`): they are left out.
    """
    entries = list(entries)
    c = _Compiler(program, release, host, proven or ProvenChecks(), frozenset(entries))
    for name in entries:
        c.cell_ref(name)
    c.compile_pending()
    return CompiledProgram(program, c.globals, c.source_map, host, c.functions, c.stacks)
