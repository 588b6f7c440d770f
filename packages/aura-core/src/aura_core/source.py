"""Source text, spans and line maps.

A :class:`Span` is a half-open range of *character* offsets into one
:class:`SourceFile`.  Spans carry no file reference so that AST nodes stay small
and hashable; whoever holds a node also holds the file it came from.  Line and
column numbers are computed on demand from the file's line map, 1-based, with
columns counted in characters (what an editor shows).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Position", "SourceFile", "Span"]


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range ``[start, end)`` in a source file."""

    start: int
    end: int

    def to(self, other: Span) -> Span:
        """The smallest span covering ``self`` and ``other``."""
        return Span(min(self.start, other.start), max(self.end, other.end))

    def shifted(self, delta: int) -> Span:
        return Span(self.start + delta, self.end + delta)


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column."""

    line: int
    column: int


@dataclass(frozen=True)
class SourceFile:
    """The decoded text of one module and where it came from.

    ``name`` is what diagnostics print (usually the path as the user gave it).
    """

    name: str
    text: str
    _line_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        object.__setattr__(self, "_line_starts", tuple(starts))

    @classmethod
    def from_path(cls, path: Path | str, name: str | None = None) -> SourceFile:
        """Read and decode a file; raises :class:`UnicodeDecodeError` on bad UTF-8."""
        p = Path(path)
        return cls(name if name is not None else str(path), p.read_bytes().decode("utf-8"))

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def position(self, offset: int) -> Position:
        """Line and column of a character offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return Position(line + 1, offset - self._line_starts[line] + 1)

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based line and column."""
        line = max(1, min(line, len(self._line_starts)))
        return min(self._line_starts[line - 1] + column - 1, len(self.text))

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its line break."""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")
