"""Semantic tokens: names coloured by what they resolve to, plus the lexical kinds.

Resolved names come from :mod:`aura_lsp.index` (a call is a function, a local a
variable or parameter, ...); keywords, numbers, strings and comments from a
light scan of the text, so that a module with errors is still coloured.  Tokens
never overlap: a name inside a string (an interpolation) stays part of the
string.
"""

from __future__ import annotations

import re

from aura_core.keywords import RESERVED_WORDS
from aura_core.modules import ModulePath
from aura_core.source import SourceFile, Span
from aura_lsp.analysis import Snapshot
from aura_lsp.index import Occurrence, occurrences
from aura_lsp.positions import utf16_length

__all__ = ["MODIFIERS", "TOKEN_TYPES", "semantic_tokens"]

TOKEN_TYPES = [
    "namespace",
    "type",
    "struct",
    "enum",
    "enumMember",
    "function",
    "parameter",
    "variable",
    "property",
    "keyword",
    "number",
    "string",
    "comment",
]
MODIFIERS = ["declaration", "readonly"]

_TYPE = {name: i for i, name in enumerate(TOKEN_TYPES)}
_DECLARATION = 1

_LEXICAL = re.compile(
    r"(?P<comment>#[^\n]*)"
    r'|(?P<string>b?"(?:[^"\\\n]|\\.)*"?)'
    r"|(?P<number>\b\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?(?:[iuf]\d+)?\b)"
    r"|(?P<word>\b[A-Za-z_][A-Za-z0-9_]*\b)"
)


def _kind(snapshot: Snapshot, occ: Occurrence) -> str:
    target = occ.target
    if target.kind == "local":
        cell = snapshot.program.modules.get(target.owner.module)
        if cell is not None and target.owner.name in cell.cells:
            params = cell.cells[target.owner.name].params
            if any(str(p.id) == target.member for p in params):
                return "parameter"
        return "variable"
    if target.kind == "field":
        return "property"
    if target.kind == "variant":
        return "enumMember"
    module = snapshot.program.modules.get(target.owner.module)
    if module is None:
        return "variable"
    name = target.owner.name
    if name in module.cells:
        return "function"
    if name in module.records:
        return "struct"
    if name in module.enums:
        return "enum"
    if name in module.aliases:
        return "type"
    return "variable"


def semantic_tokens(
    snapshot: Snapshot, path: ModulePath, source: SourceFile, within: Span | None = None
) -> list[int]:
    """The encoded token data of one module, or of the part ``within`` (LSP's
    relative five-integer form)."""
    text = source.text
    lo, hi = (within.start, within.end) if within is not None else (0, len(text))
    # Whole lines, so that the scan starts outside any string or comment.
    lo = text.rfind("\n", 0, lo) + 1
    tokens: list[tuple[int, int, int, int]] = []  # start, end, type, modifiers
    for m in _LEXICAL.finditer(text, lo, hi):
        group = m.lastgroup
        if group == "word":
            if m.group() in RESERVED_WORDS:
                tokens.append((m.start(), m.end(), _TYPE["keyword"], 0))
        elif group is not None:
            tokens.append((m.start(), m.end(), _TYPE[group], 0))
    for occ in occurrences(snapshot, path, within):
        if occ.span.end < lo or occ.span.start > hi:
            continue
        modifiers = _DECLARATION if occ.declaration else 0
        tokens.append((occ.span.start, occ.span.end, _TYPE[_kind(snapshot, occ)], modifiers))
    tokens.sort(key=lambda t: (t[0], -t[1]))
    data: list[int] = []
    last_line, last_col, covered = 0, 0, -1
    for start, end, kind, modifiers in tokens:
        if start < covered or "\n" in text[start:end]:
            continue
        covered = end
        pos = source.position(start)
        line = pos.line - 1
        line_start = start - (pos.column - 1)
        col = utf16_length(text[line_start:start])
        length = utf16_length(text[start:end])
        delta_col = col - last_col if line == last_line else col
        data.extend((line - last_line, delta_col, length, kind, modifiers))
        last_line, last_col = line, col
    return data
