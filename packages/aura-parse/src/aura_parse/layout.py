"""The indentation post-lexer: turns ``_NL`` tokens into layout tokens.

Aura's blocks follow spec section 1: a line ending in ``:`` opens a block whose
first line fixes a deeper indentation; a deeper line anywhere else is an
"unexpected indent"; a dedent must return to an enclosing level.  Inside
brackets newlines and indentation mean nothing.  Comments arrive folded into
``_NL`` tokens (the lexer cannot see them otherwise) and are collected here.

All per-parse state lives in :meth:`LayoutPostLexer.process`'s locals, so one
post-lexer serves any number of parses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lark import Token
from lark.lark import PostLex

__all__ = ["LayoutError", "LayoutPostLexer", "MAX_NESTING"]

#: Deepest bracket or block nesting accepted; deeper input gets E0014 instead of
#: exhausting the recursion of later passes.
MAX_NESTING = 200

_OPEN = frozenset({"LPAR", "LSQB", "LBRACE"})
_CLOSE = frozenset({"RPAR", "RSQB", "RBRACE"})
_COMMENT = re.compile(r"#[^\n]*")


@dataclass(frozen=True, slots=True)
class CommentToken:
    """A comment seen by the post-lexer: offsets relative to the parsed text."""

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


class LayoutPostLexer(PostLex):
    """Emits ``_NL``, ``_INDENT`` and ``_DEDENT``; records comments in a sink.

    The sink is the ``comments`` list passed through :meth:`process`'s token
    stream owner (see :func:`aura_parse.parser.parse_chunk`): lark gives the
    post-lexer no per-call argument, so the parser hands it one by setting
    ``Token``-independent state on the stream.
    """

    always_accept = ("_NL",)

    def __init__(self) -> None:
        self.sink: list[CommentToken] | None = None

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        comments = self.sink if self.sink is not None else []
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
                    # Leading blank and comment lines: the first line must not be indented.
                    indent = _indentation(tok)
                    if indent:
                        pos = tok.end_pos - indent
                        raise LayoutError("E0002", "unexpected indent", pos, tok.end_pos,
                                          "the first line of a file starts in column 1")
                    continue
                pending_newline = True
                indent = _indentation(tok)
                yield _layout("_NL", tok, tok.start_pos)
                here = tok.end_pos
                if opens_block:
                    if indent <= indents[-1]:
                        raise LayoutError("E0001", "expected an indented block after `:`",
                                          here, here, "indent the block's lines deeper than "
                                          "the line that opens it")
                    indents.append(indent)
                    if len(indents) > MAX_NESTING:
                        raise LayoutError("E0014", "blocks are nested too deeply", here, here)
                    yield _layout("_INDENT", tok, here)
                elif indent > indents[-1]:
                    raise LayoutError("E0002", "unexpected indent", here - indent + indents[-1],
                                      here, "only a line ending in `:` opens a deeper block")
                else:
                    while indent < indents[-1]:
                        indents.pop()
                        yield _layout("_DEDENT", tok, here)
                    if indent != indents[-1]:
                        raise LayoutError("E0009", "dedent does not match any outer "
                                          "indentation level", here - indent, here)
                opens_block = False
                continue
            if tok.type in _OPEN:
                depth += 1
                if depth > MAX_NESTING:
                    raise LayoutError("E0014", "brackets are nested too deeply",
                                      tok.start_pos, tok.end_pos)
            elif tok.type in _CLOSE and depth > 0:
                depth -= 1
            opens_block = tok.type == "_COLON" and depth == 0
            pending_newline = False
            last = tok
            yield tok
        if last is not None:
            end = last.end_pos
            if not pending_newline:
                yield _layout("_NL", last, end)
            for _ in indents[1:]:
                yield _layout("_DEDENT", last, end)


def _indentation(tok: Token) -> int:
    """Width of the indentation after the last newline of an ``_NL`` token.

    A tab there is E0003.  A token that ends in a comment (the file's last
    line) has no following line: indentation 0.
    """
    value = str(tok.value)
    nl = value.rfind("\n")
    tail = value[nl + 1 :]
    if "#" in tail or nl == -1:
        return 0
    tab = tail.find("\t")
    if tab != -1:
        pos = tok.start_pos + nl + 1 + tab
        raise LayoutError("E0003", "tab in indentation", pos, pos + 1,
                          "indent with spaces only (Aura uses 4 spaces per level)")
    return len(tail.replace("\f", ""))


def _collect_comments(tok: Token, sink: list[CommentToken], at_start: bool) -> None:
    value = str(tok.value)
    if "#" not in value:
        return
    for m in _COMMENT.finditer(value):
        before = value[: m.start()]
        own_line = "\n" in before or (at_start and not before.strip(" \t\f"))
        sink.append(CommentToken(tok.start_pos + m.start(), tok.start_pos + m.end(),
                                 m.group().rstrip("\r"), own_line))


def _layout(kind: str, like: Token, pos: int) -> Token:
    return Token.new_borrow_pos(kind, "", like) if pos == like.start_pos else Token(
        kind, "", start_pos=pos, line=like.line, column=like.column, end_pos=pos
    )
