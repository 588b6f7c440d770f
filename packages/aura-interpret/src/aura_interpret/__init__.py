"""The Aura interpreter: ``aura run`` and ``aura test`` (spec section 7).

A checked program (:mod:`aura_core.tir`) is compiled cell by cell to Python
functions and run; ``docs/reference/runtime.md`` describes the design and the
run-time interface a native backend mirrors.  The names below are the stable
API; :mod:`aura_interpret.externs` (the extern registry) and
:mod:`aura_interpret.sourcemap` are documented submodules.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aura_interpret.compiler import CompiledProgram, CompileError, compile_program
    from aura_interpret.externs import EXTERNS, Extern, Host
    from aura_interpret.panics import AuraPanic, PanicReport, TraceEntry
    from aura_interpret.runner import MAX_DEPTH, Outcome, call
    from aura_interpret.session import (
        CaseResult,
        CheckedProgram,
        RunResult,
        load_checked,
        run_main,
        run_tests,
    )

#: Where each public name is defined.  They are imported on first use, so that
#: ``aura run`` of a cached program imports only the run-time half of the
#: interpreter (see :mod:`aura_interpret.run_cache`).
_DEFINED_IN = {
    "EXTERNS": "externs",
    "MAX_DEPTH": "runner",
    "AuraPanic": "panics",
    "CaseResult": "session",
    "CheckedProgram": "session",
    "CompileError": "compiler",
    "CompiledProgram": "compiler",
    "Extern": "externs",
    "Host": "externs",
    "Outcome": "runner",
    "PanicReport": "panics",
    "RunResult": "session",
    "TraceEntry": "panics",
    "call": "runner",
    "compile_program": "compiler",
    "load_checked": "session",
    "run_main": "session",
    "run_tests": "session",
}

__all__ = [
    "EXTERNS",
    "MAX_DEPTH",
    "AuraPanic",
    "CaseResult",
    "CheckedProgram",
    "CompileError",
    "CompiledProgram",
    "Extern",
    "Host",
    "Outcome",
    "PanicReport",
    "RunResult",
    "TraceEntry",
    "call",
    "compile_program",
    "load_checked",
    "run_main",
    "run_tests",
]


def __getattr__(name: str) -> object:
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
