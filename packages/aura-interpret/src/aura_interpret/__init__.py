"""The Aura interpreter: ``aura run`` and ``aura test`` (spec section 7).

A checked program (:mod:`aura_core.tir`) is compiled cell by cell to Python
functions and run; ``docs/reference/runtime.md`` describes the design and the
run-time interface a native backend mirrors.  The names below are the stable
API; :mod:`aura_interpret.externs` (the extern registry) and
:mod:`aura_interpret.sourcemap` are documented submodules.
"""

from __future__ import annotations

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
