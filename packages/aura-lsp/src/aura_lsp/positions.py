"""Positions between LSP and Aura.

LSP counts columns in UTF-16 code units; :class:`aura_core.source.SourceFile`
counts characters.  A character outside the Basic Multilingual Plane is one
character but two UTF-16 units, so a column is converted by walking the line
up to it; lines without such characters (almost all) take the fast path.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from aura_core.source import SourceFile, Span

__all__ = [
    "column_offset",
    "line_starts",
    "lsp_position",
    "lsp_range",
    "source_offset",
    "utf16_length",
]

_BMP_END = "\uffff"


def utf16_length(text: str) -> int:
    """How many UTF-16 code units ``text`` takes."""
    if not text or max(text) <= _BMP_END:
        return len(text)
    return len(text) + sum(1 for c in text if c > _BMP_END)


def column_offset(line: str, units: int) -> int:
    """How many characters of ``line`` the first ``units`` UTF-16 units cover.

    A column past the end of the line is its end; a column inside a surrogate
    pair goes to the character's end.
    """
    if not line or max(line) <= _BMP_END:
        return max(0, min(units, len(line)))
    count = 0
    for i, c in enumerate(line):
        if count >= units:
            return i
        count += 2 if c > _BMP_END else 1
    return len(line)


def line_starts(text: str) -> list[int]:
    """The offset of each line's first character."""
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def lsp_position(source: SourceFile, offset: int) -> lsp.Position:
    """The LSP position (0-based line, UTF-16 column) of a character offset."""
    pos = source.position(offset)
    start = source.offset(pos.line, 1)
    return lsp.Position(pos.line - 1, utf16_length(source.text[start : start + pos.column - 1]))


def lsp_range(source: SourceFile, span: Span) -> lsp.Range:
    return lsp.Range(lsp_position(source, span.start), lsp_position(source, span.end))


def source_offset(source: SourceFile, position: lsp.Position) -> int:
    """The character offset of an LSP position in ``source`` (clamped to the text)."""
    if position.line >= source.line_count:
        return len(source.text)
    start = source.offset(position.line + 1, 1)
    return start + column_offset(source.line_text(position.line + 1), position.character)
