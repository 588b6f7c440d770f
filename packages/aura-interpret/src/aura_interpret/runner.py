"""Running compiled cells: the stack, the limits, and what a run ends with.

An Aura call is one Python call.  Calls nest up to :data:`MAX_DEPTH` deep;
beyond that the run panics with a stack overflow instead of crashing.  To make
sure that limit, and not the C stack, is what stops a deep recursion, cells
run in a thread with a large stack (:data:`STACK_BYTES`, or less where the
system refuses).  While a run lasts, the interpreter's recursion limit is
raised and Python's limit on the digits of ``str(int)`` (``Int`` values are
unbounded) is lifted; both are restored afterwards.

Ctrl-C reaches the main thread, which is waiting for the run: the
``KeyboardInterrupt`` propagates to the caller (the command exits 130) while
the daemon thread is abandoned.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from aura_core import deep
from aura_core.deep import STACK_BYTES, start_big_thread
from aura_interpret.panics import PanicReport, panic_report
from aura_interpret.sourcemap import SourceMap

__all__ = ["MAX_DEPTH", "STACK_BYTES", "Mapped", "Outcome", "call", "on_big_stack"]

#: Nested Aura calls allowed before a stack-overflow panic.
MAX_DEPTH = 50_000
#: Python frames beyond the Aura calls: the runner's own, helpers, quantifiers.
_SLACK = 200


class Mapped(Protocol):
    """What a run needs of a compiled program: the map from its code back to Aura.

    A :class:`~aura_interpret.compiler.CompiledProgram` is one; so is a program
    read back from the run cache, which has no typed program to go with it.
    """

    @property
    def source_map(self) -> SourceMap: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a call ended: a value, a panic, or an internal error (a bug here)."""

    value: object = None
    panic: PanicReport | None = None
    error: BaseException | None = None


def call(compiled: Mapped, fn: Callable[[], object]) -> Outcome:
    """Run ``fn`` (a compiled cell without arguments) to its end."""
    result: list[Outcome] = []

    def target() -> None:
        try:
            result.append(Outcome(value=fn()))
        except BaseException as exc:  # every way out of the program is reported
            report = panic_report(exc, compiled.source_map, MAX_DEPTH)
            if report is not None:
                result.append(Outcome(panic=report))
            else:
                result.append(Outcome(error=exc))

    _on_big_stack(target)
    return result[0] if result else Outcome(error=RuntimeError("the run ended without result"))


T = TypeVar("T")


def on_big_stack(fn: Callable[[], T]) -> T:
    """``fn()`` computed on a thread like the program's, with the same limits (the
    compiler recurses over deep expressions too); its exception is raised here."""
    old_digits = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return deep.on_big_stack(fn, MAX_DEPTH + _SLACK, "aura-main")
    finally:
        sys.set_int_max_str_digits(old_digits)


def _on_big_stack(target: Callable[[], None]) -> None:
    old_limit = sys.getrecursionlimit()
    old_digits = sys.get_int_max_str_digits()
    sys.setrecursionlimit(MAX_DEPTH + _SLACK)
    sys.set_int_max_str_digits(0)
    try:
        start_big_thread(target, "aura-main").join()
    finally:
        sys.setrecursionlimit(old_limit)
        sys.set_int_max_str_digits(old_digits)
