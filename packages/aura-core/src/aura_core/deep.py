"""Running a computation on a thread with a large stack and a raised recursion limit.

The passes recurse over trees and call graphs that the parser bounds in depth
but not in length: a chain of a few hundred pure cells each calling the next,
or a recursive cell unfolded by the verifier, nests deeper than Python's
default limit of 1000 frames.  Such work runs here, on a thread whose stack
(:data:`STACK_BYTES`, or less where the system refuses) holds the raised
limit, so that the limit and not the C stack is what stops it; what is still
deeper ends with ``RecursionError``, which the caller turns into a diagnostic.
The interpreter runs programs this way too.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["STACK_BYTES", "on_big_stack", "start_big_thread"]

#: The stack of a thread started here.
STACK_BYTES = 512 * 1024 * 1024
_FALLBACK_STACKS = (256 * 1024 * 1024, 64 * 1024 * 1024, 0)

T = TypeVar("T")


def start_big_thread(target: Callable[[], None], name: str) -> threading.Thread:
    """A started daemon thread running ``target``, with the largest stack the system allows."""
    for size in (STACK_BYTES, *_FALLBACK_STACKS):
        old = threading.stack_size()
        try:
            threading.stack_size(size)
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            return thread
        except (ValueError, RuntimeError, MemoryError):
            continue
        finally:
            threading.stack_size(old)
    raise RuntimeError("cannot start a thread with a large stack")


def on_big_stack(fn: Callable[[], T], recursion_limit: int, name: str = "aura-deep") -> T:
    """``fn()`` computed on a thread with a large stack while the recursion limit is
    at least ``recursion_limit``; its exception is raised here.

    The limit is the interpreter's, shared by every thread: it is raised, never
    lowered, and put back afterwards.
    """
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as exc:  # handed to the caller
            error.append(exc)

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, recursion_limit))
    try:
        start_big_thread(target, name).join()
    finally:
        sys.setrecursionlimit(old)
    if error:
        raise error[0]
    if not result:
        raise RuntimeError("the computation ended without a result")
    return result[0]
