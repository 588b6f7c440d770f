"""Loading, checking and running a program: what ``aura run`` and ``aura test`` share.

A program that has errors never runs (the typed program of a failed check may
hold error types).  Warnings do not stop it and are not shown by ``aura run``
(``aura check`` shows them).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from aura_core import tir
from aura_core.trust import proven_for
from aura_core.types import QualName
from aura_interpret.compiler import CompiledProgram, CompileError, compile_program
from aura_interpret.externs import Host
from aura_interpret.panics import PanicReport
from aura_interpret.runner import call, on_big_stack
from aura_parse import CheckedProgram, load_checked

__all__ = [
    "CaseResult",
    "CheckedProgram",
    "RunResult",
    "find_tests",
    "load_checked",
    "run_main",
    "run_tests",
]


@dataclass(frozen=True)
class RunResult:
    """The end of ``main``: its exit status, and the panic or internal error if any."""

    status: int
    panic: PanicReport | None = None
    error: BaseException | None = None


def run_main(
    checked: CheckedProgram, host: Host, *, release: bool = False, trust_proofs: bool = False
) -> RunResult:
    """Run the entry module's ``main``; raises :class:`CompileError` if it cannot run.

    With ``trust_proofs``, the checks ``aura verify`` proved on the current sources
    are left out (:mod:`aura_core.trust`).
    """
    name = QualName(checked.entry, "main")
    module = checked.program.modules[checked.entry]
    cell = module.cells.get("main")
    if cell is None or cell.kind != "cell":
        raise CompileError(f"`{module.source.name}` has no `main` cell to run")
    proven = proven_for(checked.program, checked.entry, release=release) if trust_proofs else None
    compiled = on_big_stack(
        lambda: compile_program(checked.program, [name], release=release, host=host, proven=proven)
    )
    outcome = call(compiled, compiled.function(name))
    if outcome.panic is not None:
        return RunResult(101, panic=outcome.panic)
    if outcome.error is not None:
        return RunResult(3, error=outcome.error)
    value = outcome.value
    return RunResult(value if isinstance(value, int) and not isinstance(value, bool) else 0)


@dataclass(frozen=True)
class CaseResult:
    name: str
    passed: bool
    output: str
    panic: PanicReport | None = None
    error: BaseException | None = None


def find_tests(checked: CheckedProgram) -> list[tir.CellDef]:
    """The ``test cell``\\ s of the program's own modules, in declaration order."""
    return [
        c
        for path in checked.own
        for c in checked.program.modules[path].cells.values()
        if c.kind == "test"
    ]


def case_name(name: QualName) -> str:
    """A test's name as ``aura test`` prints it: below the package's root module."""
    return "::".join((*name.module[1:], name.name))


def run_tests(
    checked: CheckedProgram,
    host: Host,
    *,
    release: bool = False,
    on_result: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Run every test cell; each one's stdout is captured into its result."""
    tests = find_tests(checked)
    names = [t.name for t in tests]
    compiled: CompiledProgram = on_big_stack(
        lambda: compile_program(checked.program, names, release=release, host=host)
    )
    results: list[CaseResult] = []
    real_stdout = host.stdout
    try:
        for t in tests:
            buffer = io.StringIO()
            host.stdout = buffer
            outcome = call(compiled, compiled.function(t.name))
            compiled.reset()
            passed = outcome.panic is None and outcome.error is None
            result = CaseResult(
                case_name(t.name), passed, buffer.getvalue(), outcome.panic, outcome.error
            )
            results.append(result)
            if on_result is not None:
                host.stdout = real_stdout
                on_result(result)
    finally:
        host.stdout = real_stdout
    return results
