"""From generated Python code back to Aura source positions.

Each cell is compiled to its own piece of Python source, with a file name of
its own (``<aura:N:module::cell>``).  The code generator starts a new physical
line at every operation that can panic or call another cell (Python allows line
breaks anywhere inside brackets), so the line a Python frame is executing
identifies one Aura operation.  :class:`CodeMap` records, for every generated
line, the character offset of that operation in the Aura source file.

A Python traceback thus reads as an Aura stack trace: the innermost frame's
line is the failing operation, every outer frame's line is the call it is in.
The same table serves a debugger (break at an Aura line: the generated lines
mapping to it) and a profiler (attribute time by ``sys.monitoring`` or
``sys.setprofile`` line events); see ``docs/reference/runtime.md``.

Some operations are left to Python's own checks on the fast path: indexing a
list past its end raises ``IndexError``, a missing dictionary key ``KeyError``.
For those lines a :class:`Site` says how to recover the values for the panic
message from the frame's local variables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from aura_core.source import Position, SourceFile

__all__ = ["CodeMap", "Site", "SourceMap"]


@dataclass(frozen=True, slots=True)
class Site:
    """How to explain an ``IndexError`` or ``KeyError`` raised on one generated line.

    ``container`` and ``index`` are Python expressions over the frame's locals
    giving the list (or :class:`~aura_interpret.values.Map`) and the index.
    ``key_text`` formats a missing map key for the message.  An ``unwrap`` site
    is an ``Option``'s value taken without its check (proven, ``--trust-proofs``):
    an ``IndexError`` there is ``None`` after all, the panic ``container``.
    """

    kind: Literal["index", "key", "unwrap"]
    container: str
    index: str = ""
    key_text: Callable[[object], str] | None = None


@dataclass(slots=True)
class CodeMap:
    """One compiled cell: its generated source and the Aura offset of each line.

    ``offsets[n]`` is the Aura character offset of generated line ``n`` (1-based;
    entry 0 is unused), into ``source`` unless ``files`` names the line's file
    (code of another module generated into the cell: a refinement predicate of a
    type declared there).  ``cell`` is the name shown in stack traces.
    """

    filename: str
    cell: str
    source: SourceFile
    python: str
    offsets: list[int]
    sites: dict[int, Site] = field(default_factory=dict)
    files: dict[int, SourceFile] = field(default_factory=dict)

    def location(self, line: int) -> tuple[SourceFile, Position]:
        """The Aura file and position of generated line ``line``."""
        n = line if 0 < line < len(self.offsets) else len(self.offsets) - 1
        source = self.files.get(n, self.source)
        return source, source.position(self.offsets[n])

    def position(self, line: int) -> Position:
        return self.location(line)[1]


@dataclass(slots=True)
class SourceMap:
    """Every compiled cell of one program, by generated file name."""

    maps: dict[str, CodeMap] = field(default_factory=dict)

    def add(self, code_map: CodeMap) -> None:
        self.maps[code_map.filename] = code_map

    def get(self, filename: str) -> CodeMap | None:
        return self.maps.get(filename)
