"""Panics (spec section 7.2): the exception, its message and its Aura stack trace.

Generated code and the runtime raise :class:`AuraPanic`; arithmetic raises
:class:`aura_core.arith.AuraArithmeticError` with the shared messages.  A few
failures are left to Python on the fast path and translated here:
``IndexError``/``KeyError`` from a generated line with a
:class:`~aura_interpret.sourcemap.Site`, ``RecursionError`` (stack exhaustion)
and ``MemoryError``.  Anything else escaping generated code is a bug in the
interpreter, reported as an internal error by the caller.

:func:`panic_report` turns the exception into a :class:`PanicReport`, whose
:meth:`~PanicReport.render` is what the user sees on stderr::

    panic: index out of bounds: the length is 3 but the index is 7
      at demo.aura:4:12 in last
      at demo.aura:9:5 in main

Frames are innermost first.  A run of identical frames (deep recursion) is
shown once with a count, and a very long trace keeps its two ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import NoReturn

from aura_core.arith import AuraArithmeticError
from aura_interpret.sourcemap import CodeMap, SourceMap

__all__ = [
    "AuraPanic",
    "PanicReport",
    "TraceEntry",
    "panic",
    "panic_report",
]

#: Frames shown at most: the innermost ones, then the outermost ones.
_SHOW_INNER = 40
_SHOW_OUTER = 10
#: A run of identical frames longer than this is folded into one line and a count.
_FOLD_RUN = 3


class AuraPanic(Exception):
    """A panic of the running program; ``message`` follows ``panic:``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def panic(message: str) -> NoReturn:
    raise AuraPanic(message)


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """One Aura frame: where it is executing and in which cell."""

    file: str
    line: int
    column: int
    cell: str

    def render(self) -> str:
        return f"  at {self.file}:{self.line}:{self.column} in {self.cell}"


@dataclass(frozen=True, slots=True)
class PanicReport:
    message: str
    trace: tuple[TraceEntry, ...]

    def render(self) -> str:
        """The panic as printed on stderr, without a final newline."""
        return "\n".join([f"panic: {self.message}", *_fold(self.trace)])


def _fold(trace: tuple[TraceEntry, ...]) -> list[str]:
    runs: list[tuple[TraceEntry, int]] = []
    for entry in trace:
        if runs and runs[-1][0] == entry:
            runs[-1] = (entry, runs[-1][1] + 1)
        else:
            runs.append((entry, 1))
    lines: list[str] = []
    for entry, count in runs:
        if count > _FOLD_RUN:
            lines.append(entry.render())
            lines.append(f"  ... the frame above repeats {count - 1} more times")
        else:
            lines.extend([entry.render()] * count)
    if len(lines) > _SHOW_INNER + _SHOW_OUTER + 1:
        omitted = len(lines) - _SHOW_INNER - _SHOW_OUTER
        lines = [*lines[:_SHOW_INNER], f"  ... {omitted} frames omitted", *lines[-_SHOW_OUTER:]]
    return lines


def _frames(tb: TracebackType | None) -> list[tuple[FrameType, int]]:
    """The traceback's frames with their current lines, innermost first."""
    out: list[tuple[FrameType, int]] = []
    while tb is not None:
        out.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    out.reverse()
    return out


def _entries(
    frames: list[tuple[FrameType, int]], smap: SourceMap
) -> list[tuple[TraceEntry, CodeMap, int, FrameType]]:
    """The Aura frames among ``frames`` (innermost first), nested code merged."""
    out: list[tuple[TraceEntry, CodeMap, int, FrameType]] = []
    merge_next = False
    for frame, line in frames:
        code = frame.f_code
        cmap = smap.get(code.co_filename)
        if cmap is None:
            continue
        if merge_next:
            # Nested code inside nested code (a check inside a quantifier) is
            # merged too, up to and including the cell's own frame.
            merge_next = code.co_name.startswith("<")
            continue
        source, pos = cmap.location(line)
        entry = TraceEntry(source.name, pos.line, pos.column, cmap.cell)
        out.append((entry, cmap, line, frame))
        # A generator expression (a quantifier) runs inside its cell: its frame
        # carries the precise position, the cell's own frame the same cell again.
        merge_next = code.co_name.startswith("<")
    return out


def _site_message(cmap: CodeMap, line: int, frame: FrameType, exc: BaseException) -> str | None:
    site = cmap.sites.get(line)
    if site is None:
        return None
    if site.kind == "unwrap":
        return site.container
    if site.kind == "index":
        scope = dict(frame.f_locals)
        try:
            items = eval(site.container, frame.f_globals, scope)
            index = eval(site.index, frame.f_globals, scope)
            length = len(items)
        except Exception:  # the locals are not what the site expects: not our failure
            return None
        return f"index out of bounds: the length is {length} but the index is {index}"
    key = exc.args[0] if exc.args else None
    shown = site.key_text(key) if site.key_text is not None else repr(key)
    return f"key not found in map: {shown}"


def panic_report(exc: BaseException, smap: SourceMap, depth_limit: int) -> PanicReport | None:
    """The panic ``exc`` stands for, with its Aura stack trace; None if it is no panic.

    ``depth_limit`` is named in the stack-overflow message.
    """
    entries = _entries(_frames(exc.__traceback__), smap)
    trace = tuple(e for e, _, _, _ in entries)
    message: str | None
    if isinstance(exc, AuraPanic | AuraArithmeticError):
        message = exc.message
    elif isinstance(exc, RecursionError):
        message = f"stack overflow: more than {depth_limit} nested calls"
        # Python's limit has some slack for the runner's own frames, so more
        # Aura calls may be active: the trace is the one of the first refused
        # call, the outermost ``depth_limit`` frames, as in a native build.
        trace = trace[-depth_limit:]
    elif isinstance(exc, MemoryError):
        message = "out of memory"
    elif isinstance(exc, IndexError | KeyError):
        innermost = _frames(exc.__traceback__)[:1]
        if not entries or not innermost or innermost[0][0] is not entries[0][3]:
            return None  # raised inside the runtime, not by a generated line
        _, cmap, line, frame = entries[0]
        message = _site_message(cmap, line, frame, exc)
    else:
        message = None
    if message is None:
        return None
    return PanicReport(message, trace)
