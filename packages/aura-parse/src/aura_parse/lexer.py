"""The lexer: one compiled regular expression derived from the lark grammar.

Lark's own lexer costs more per token than everything else in the parser put
together, so Aura scans with a single master pattern built from the grammar's
terminal definitions (nothing is spelled twice: keywords and operators come
from the grammar's string terminals, literals from its regex terminals).
Tokens carry absolute offsets into the file, so a declaration parsed on its
own needs no offset arithmetic afterwards.

Two things lark's contextual lexer did are done elsewhere: a keyword is always
a keyword (reserved words are reserved everywhere, spec section 1), and ``>>``
or ``>=`` closing a type-argument list is split by the parser driver
(:mod:`aura_parse.lalr`), which knows when a ``>`` alone is wanted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from aura_core.keywords import RESERVED_WORDS

__all__ = ["LexError", "Lexer", "TerminalSpec", "Token"]


#: Regex terminals in the order they are tried: the first alternative that
#: matches wins, so floats precede integers and bytes literals precede names.
_REGEX_ORDER = ("_NL", "FLOAT", "INT", "BYTES", "STRING", "NAME")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Token:
    """A terminal with absolute character offsets ``[start_pos, end_pos)``."""

    __slots__ = ("end_pos", "start_pos", "type", "value")

    def __init__(self, type: str, value: str, start_pos: int, end_pos: int):
        self.type = type
        self.value = value
        self.start_pos = start_pos
        self.end_pos = end_pos

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r}, {self.start_pos})"


class LexError(Exception):
    """No terminal matches at ``pos``."""

    def __init__(self, pos: int):
        super().__init__(f"no token at offset {pos}")
        self.pos = pos


@dataclass(frozen=True, slots=True)
class TerminalSpec:
    """What the lexer needs of one grammar terminal."""

    name: str
    pattern: str
    is_regex: bool


class Lexer:
    """Scans text into :class:`Token` objects; whitespace is skipped."""

    def __init__(self, terminals: Sequence[TerminalSpec], ignore: Sequence[str]):
        regexes = {t.name: t.pattern for t in terminals if t.is_regex}
        literals = [t for t in terminals if not t.is_regex]
        # A reserved word the grammar does not use yet (``ghost``) is still no name.
        self._keywords = {w: "RESERVED" for w in RESERVED_WORDS}
        self._keywords.update({t.pattern: t.name for t in literals if _NAME.fullmatch(t.pattern)})
        operators = sorted(
            (t for t in literals if t.pattern not in self._keywords), key=lambda t: -len(t.pattern)
        )
        self._operators = {t.pattern: t.name for t in operators}
        parts = [f"(?P<{name}>{regexes[name]})" for name in _REGEX_ORDER]
        parts.append("(?P<OP>" + "|".join(re.escape(t.pattern) for t in operators) + ")")
        parts.append("(?P<WS>" + "|".join(regexes[name] for name in ignore) + ")")
        self._master = re.compile("|".join(parts))

    def tokens(self, text: str, start: int, end: int) -> Iterator[Token]:
        """Tokens of ``text[start:end]`` with offsets into ``text``."""
        match = self._master.match
        keywords = self._keywords
        operators = self._operators
        pos = start
        while pos < end:
            m = match(text, pos, end)
            if m is None:
                raise LexError(pos)
            kind = m.lastgroup
            value = m.group()
            new = m.end()
            if kind == "NAME":
                yield Token(keywords.get(value, "NAME"), value, pos, new)
            elif kind == "OP":
                yield Token(operators[value], value, pos, new)
            elif kind != "WS":
                yield Token(kind, value, pos, new)  # type: ignore[arg-type]
            pos = new
