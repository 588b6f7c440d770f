"""Splitting a file into top-level declarations before parsing.

Each declaration is parsed on its own.  That is how the parser reports every
syntax error of a file (an error ends only its own declaration) and what lets
the language server re-parse just the declarations an edit touched.

A declaration starts at a line in column 1 that begins with a declaration
keyword, or with anything but a comment when no bracket is open.  Brackets are
counted outside strings and comments; the keyword rule recovers from an
unclosed bracket at the next declaration.
"""

from __future__ import annotations

import re

__all__ = ["split_declarations"]

_DECL_START = re.compile(r"(?:pub|pure|lemma|test|cell|extern|trusted|type|const|import)\b")
_SCAN = re.compile(r'b?"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[()\[\]{}]')
_LINE = re.compile(r"[^\n]*\n?")
_BRACKET = re.compile(r"[()\[\]{}]")


def split_declarations(text: str) -> list[tuple[int, int]]:
    """Half-open ``(start, end)`` offsets of each top-level chunk of ``text``.

    The chunks cover the whole text in order; the first starts at 0 and may
    hold only blank lines and comments.
    """
    starts = [0]
    depth = 0
    pos = 0
    n = len(text)
    while pos < n:
        m = _LINE.match(text, pos)
        assert m is not None
        line = m.group()
        first = line[:1]
        at_margin = pos and first not in (" ", "\t", "\f", "\r", "\n", "#", "")
        if at_margin and (depth == 0 or _DECL_START.match(line)):
            depth = 0
            starts.append(pos)
        if _BRACKET.search(line):
            for tok in _SCAN.findall(line):
                if tok in "([{":
                    depth += 1
                elif tok in ")]}":
                    depth = max(0, depth - 1)
        pos = m.end()
    return list(zip(starts, [*starts[1:], n], strict=True))
