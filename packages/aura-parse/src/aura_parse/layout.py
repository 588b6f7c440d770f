"""The indentation post-lexer: turns ``_NL`` tokens into layout tokens.

Aura's blocks follow spec section 1: a line ending in ``:`` opens a block whose
first line fixes a deeper indentation; a deeper line anywhere else is an
"unexpected indent"; a dedent must return to an enclosing level.  Inside
brackets newlines and indentation mean nothing.  Comments arrive folded into
``_NL`` tokens (the lexer cannot see them otherwise) and are collected here.

A post-lexer serves one declaration of one file; the parser makes a new one
for each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from aura_parse.lexer import Token

__all__ = ["MAX_NESTING", "LayoutError", "LayoutPostLexer"]

#: Deepest bracket or block nesting accepted (as CPython's parser: 100 levels);
#: deeper input gets E0014 instead of exhausting the recursion of later passes.
MAX_NESTING = 100

_OPEN = frozenset({"LPAR", "LSQB", "LBRACE"})
_CLOSE = frozenset({"RPAR", "RSQB", "RBRACE"})
_COMMENT = re.compile(r"#[^\n]*")


@dataclass(frozen=True, slots=True)
class CommentToken:
    """A comment seen by the post-lexer, with absolute offsets."""

    start: int
    end: int
    text: str
    own_line: bool


class LayoutError(Exception):
    """A layout problem found while lexing, with its diagnostic code."""

    def __init__(self, code: str, message: str, start: int, end: int, help: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.start = start
        self.end = end
        self.help = help


class LayoutPostLexer:
    """Emits ``_NL``, ``_INDENT`` and ``_DEDENT``; appends comments to ``comments``."""

    def __init__(self, text: str, comments: list[CommentToken], top_level: bool = True):
        self.text = text
        self.comments = comments
        self.top_level = top_level  # a declaration (starts in column 1), not an interpolation

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        comments = self.comments
        indents = [0]
        depth = 0
        last: Token | None = None  # last significant token emitted
        opens_block = False
        pending_newline = False
        for tok in stream:
            if tok.type == "_NL":
                _collect_comments(tok, comments, at_start=last is None)
                if depth > 0:
                    continue
                if last is None:
                    continue  # leading blank and comment lines
                pending_newline = True
                indent = _indentation(tok)
                yield Token("_NL", "", tok.start_pos, tok.start_pos)
                here = tok.end_pos
                if opens_block:
                    if indent <= indents[-1]:
                        raise LayoutError(
                            "E0001",
                            "expected an indented block after `:`",
                            here,
                            here,
                            "indent the block's lines deeper than the line that opens it",
                        )
                    indents.append(indent)
                    if len(indents) > MAX_NESTING:
                        raise LayoutError("E0014", "blocks are nested too deeply", here, here)
                    yield Token("_INDENT", "", here, here)
                elif indent > indents[-1]:
                    raise LayoutError(
                        "E0002",
                        "unexpected indent",
                        here - indent + indents[-1],
                        here,
                        "only a line ending in `:` opens a deeper block",
                    )
                else:
                    while indent < indents[-1]:
                        indents.pop()
                        yield Token("_DEDENT", "", here, here)
                    if indent != indents[-1]:
                        raise LayoutError(
                            "E0009",
                            "dedent does not match any outer indentation level",
                            here - indent,
                            here,
                        )
                opens_block = False
                continue
            if last is None and self.top_level:
                line_start = self.text.rfind("\n", 0, tok.start_pos) + 1
                if line_start != tok.start_pos:
                    raise LayoutError(
                        "E0002",
                        "unexpected indent",
                        line_start,
                        tok.start_pos,
                        "declarations start in column 1",
                    )
            if tok.type in _OPEN:
                depth += 1
                if depth > MAX_NESTING:
                    raise LayoutError(
                        "E0014", "brackets are nested too deeply", tok.start_pos, tok.end_pos
                    )
            elif tok.type in _CLOSE and depth > 0:
                depth -= 1
            opens_block = tok.type == "_COLON" and depth == 0
            pending_newline = False
            last = tok
            yield tok
        if last is not None:
            end = last.end_pos
            if not pending_newline:
                yield Token("_NL", "", end, end)
            for _ in indents[1:]:
                yield Token("_DEDENT", "", end, end)


def _indentation(tok: Token) -> int:
    """Width of the indentation after the last newline of an ``_NL`` token.

    A tab there is E0003.  A token that ends in a comment (the file's last
    line) has no following line: indentation 0.
    """
    value = tok.value
    nl = value.rfind("\n")
    tail = value[nl + 1 :]
    if "#" in tail or nl == -1:
        return 0
    tab = tail.find("\t")
    if tab != -1:
        pos = tok.start_pos + nl + 1 + tab
        raise LayoutError(
            "E0003",
            "tab in indentation",
            pos,
            pos + 1,
            "indent with spaces only (Aura uses 4 spaces per level)",
        )
    return len(tail.replace("\f", ""))


def _collect_comments(tok: Token, sink: list[CommentToken], at_start: bool) -> None:
    value = tok.value
    if "#" not in value:
        return
    # A comment has its own line when a line break comes before it in the token,
    # or nothing but blanks at the start of the file.  Looking for the break once
    # keeps a run of many comment lines (one token) linear.
    first_break = value.find("\n")
    for m in _COMMENT.finditer(value):
        after_break = first_break != -1 and first_break < m.start()
        own_line = after_break or (at_start and not value[: m.start()].strip(" \t\f"))
        sink.append(
            CommentToken(
                tok.start_pos + m.start(), tok.start_pos + m.end(), m.group().rstrip("\r"), own_line
            )
        )
