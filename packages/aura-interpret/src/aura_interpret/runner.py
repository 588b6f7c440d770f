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
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from aura_interpret.panics import PanicReport, panic_report
from aura_interpret.sourcemap import SourceMap

__all__ = ["MAX_DEPTH", "STACK_BYTES", "Mapped", "Outcome", "call", "on_big_stack"]

#: Nested Aura calls allowed before a stack-overflow panic.
MAX_DEPTH = 50_000
#: The stack of the thread that runs the program.
STACK_BYTES = 512 * 1024 * 1024
_FALLBACK_STACKS = (256 * 1024 * 1024, 64 * 1024 * 1024, 0)
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
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as exc:  # handed to the caller
            error.append(exc)

    _on_big_stack(target)
    if error:
        raise error[0]
    return result[0]


def _on_big_stack(target: Callable[[], None]) -> None:
    old_limit = sys.getrecursionlimit()
    old_digits = sys.get_int_max_str_digits()
    sys.setrecursionlimit(MAX_DEPTH + _SLACK)
    sys.set_int_max_str_digits(0)
    try:
        thread = _start(target)
        thread.join()
    finally:
        sys.setrecursionlimit(old_limit)
        sys.set_int_max_str_digits(old_digits)


def _start(target: Callable[[], None]) -> threading.Thread:
    """A daemon thread running ``target``, with the largest stack the system allows."""
    for size in (STACK_BYTES, *_FALLBACK_STACKS):
        old = threading.stack_size()
        try:
            threading.stack_size(size)
            thread = threading.Thread(target=target, name="aura-main", daemon=True)
            thread.start()
            return thread
        except (ValueError, RuntimeError, MemoryError):
            continue
        finally:
            threading.stack_size(old)
    raise RuntimeError("cannot start a thread to run the program")
