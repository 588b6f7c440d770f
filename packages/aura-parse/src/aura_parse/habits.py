"""Syntax errors that are habits from Rust, Dafny, Python or C, and their fixes.

A programmer who writes ``let x = 1`` or ``a && b`` knows what they mean; a
list of expected terminals does not help them, a one-line fix does.  Each
function here recognises one habit at the place the parser gave up and returns
a :class:`~aura_parse.errors.SyntaxProblem` whose ``fix`` is a machine-applicable
edit (the language server offers it as a quick fix).  They read only the text
and the failing token, so the grammar and its error behaviour stay untouched.

``docs/reference/syntax.md`` lists every habit ("Habits from other languages");
a test keeps that list and :data:`HABITS` in step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aura_parse.errors import SyntaxProblem
from aura_parse.lexer import Token

__all__ = ["HABITS", "bad_character_habit", "unexpected_token_habit"]

#: What each habit is called in the reference page, in the order listed there.
HABITS = (
    "let",
    "var",
    "fn",
    "def",
    "function",
    "&&",
    "||",
    "!",
    ";",
    "=>",
    "->",
    "{",
    '"{f("x")}"',
    "else if",
)

_FOREIGN_CELL = frozenset({"fn", "def", "function"})
_BLOCK_WORDS = re.compile(
    r"[ \t]*(?:pub |pure |lemma |test |trusted )*(?:if|elif|else|while|for|match|cell)\b"
)
_WORD_BEFORE = re.compile(r"([A-Za-z_]+)[ \t]*$")
_CLAUSE_WORDS = ("requires", "ensures", "invariant", "decreases", "const", "cell", "pub")


def bad_character_habit(text: str, pos: int) -> SyntaxProblem | None:
    """``!`` for ``not`` and a statement's trailing ``;``."""
    ch = text[pos]
    if ch == "!":
        spaced = pos + 1 < len(text) and text[pos + 1] not in " \t"
        return SyntaxProblem(
            "E0013",
            "unexpected character `!`: logical negation is written `not`",
            pos,
            pos + 1,
            "replace `!` with `not`",
            (pos, pos + 1, "not " if spaced else "not"),
        )
    if ch == ";" and _rest_of_line_is_blank(text, pos + 1):
        start = pos
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        return SyntaxProblem(
            "E0013",
            "unexpected `;`: a statement ends at the end of its line",
            pos,
            pos + 1,
            "remove the `;`",
            (start, pos + 1, ""),
        )
    return None


def unexpected_token_habit(tok: Token, expected: set[str], text: str) -> SyntaxProblem | None:
    """A habit that explains why the parser had no action for ``tok``, if any."""
    for recognise in (_binding, _foreign_cell, _double_operator, _else_if, _arm_arrow):
        found = recognise(tok, expected, text)
        if found is not None:
            return found
    return _string_in_interpolation(tok, text) or _brace_block(tok, expected, text)


def _binding(tok: Token, expected: set[str], text: str) -> SyntaxProblem | None:
    """``let x = 1`` or ``var x = 1`` as the first words of a statement."""
    if tok.type not in ("NAME", "MUT"):
        return None
    before = text[: tok.start_pos]
    m = _WORD_BEFORE.search(before)
    if m is None or m.group(1) not in ("let", "var"):
        return None
    line_start = before.rfind("\n") + 1
    if text[line_start : m.start()].strip(" \t"):
        return None
    word = m.group(1)
    mutable = word == "var"
    if tok.type == "MUT":
        mutable = False  # `let mut x` keeps its own `mut`
    new = "val mut" if mutable else "val"
    return SyntaxProblem(
        "E0001",
        f"`{word}` is not an Aura keyword: bindings are written `val x = ...`"
        + (" (`val mut x = ...` when assigned again)" if word == "let" else ""),
        m.start(1),
        m.end(1),
        f"replace `{word}` with `{new}`",
        (m.start(1), m.end(1), new),
    )


def _foreign_cell(tok: Token, expected: set[str], text: str) -> SyntaxProblem | None:
    """``fn f(...)``, ``def f(...):`` or ``function f(...)`` where a declaration starts."""
    if tok.type != "NAME" or tok.value not in _FOREIGN_CELL or "CELL" not in expected:
        return None
    return SyntaxProblem(
        "E0001",
        f"`{tok.value}` is not an Aura keyword: functions are declared with `cell`",
        tok.start_pos,
        tok.end_pos,
        f"replace `{tok.value}` with `cell`",
        (tok.start_pos, tok.end_pos, "cell"),
    )


def _double_operator(tok: Token, expected: set[str], text: str) -> SyntaxProblem | None:
    """``a && b`` and ``a || b``: the second character is where parsing stops."""
    pairs = {"AMP": ("&&", "and"), "PIPE": ("||", "or")}
    if tok.type not in pairs or tok.start_pos == 0:
        return None
    written, word = pairs[tok.type]
    start = tok.start_pos - 1
    if text[start : tok.end_pos] != written:
        return None
    left = "" if start > 0 and text[start - 1] in " \t(" else " "
    right = "" if tok.end_pos < len(text) and text[tok.end_pos] in " \t\n" else " "
    return SyntaxProblem(
        "E0001",
        f"`{written}` is not an Aura operator: logical {word} is written `{word}`",
        start,
        tok.end_pos,
        f"replace `{written}` with `{word}`",
        (start, tok.end_pos, f"{left}{word}{right}"),
    )


def _else_if(tok: Token, expected: set[str], text: str) -> SyntaxProblem | None:
    """``else if c:``: Aura spells it ``elif``."""
    if tok.type != "IF":
        return None
    m = _WORD_BEFORE.search(text, 0, tok.start_pos)
    if m is None or m.group(1) != "else":
        return None
    return SyntaxProblem(
        "E0001",
        "`else if` is written `elif` in Aura",
        m.start(1),
        tok.end_pos,
        "replace `else if` with `elif`",
        (m.start(1), tok.end_pos, "elif"),
    )


def _arm_arrow(tok: Token, expected: set[str], text: str) -> SyntaxProblem | None:
    """``Some(x) => e`` or ``Some(x) -> e`` where a match arm wants ``:``."""
    if "_COLON" not in expected:
        return None
    if tok.type == "ASSIGN" and text.startswith("=>", tok.start_pos):
        arrow = "=>"
    elif tok.type == "_ARROW":
        arrow = "->"
    else:
        return None
    if not _in_match(text, tok.start_pos):
        return None
    end = tok.start_pos + 2
    start = tok.start_pos
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    body = end
    while body < len(text) and text[body] in " \t":
        body += 1
    line_start = text.rfind("\n", 0, start) + 1
    indent = len(text[line_start:start]) - len(text[line_start:start].lstrip(" "))
    if _rest_of_line_is_blank(text, body):
        replacement = ":"
        body = end
    else:
        replacement = ":\n" + " " * (indent + 4)
    return SyntaxProblem(
        "E0001",
        f"a match arm is written `Pattern:` with its body below, not `Pattern {arrow} body`",
        tok.start_pos,
        end,
        f"replace `{arrow}` with `:` and move the body to the next line, indented",
        (start, body, replacement),
    )


def _in_match(text: str, pos: int) -> bool:
    """Whether the nearest less indented line above ``pos`` opens a ``match``."""
    line_start = text.rfind("\n", 0, pos) + 1
    line = text[line_start:pos]
    indent = len(line) - len(line.lstrip(" "))
    for above in reversed(text[:line_start].splitlines()):
        code = above.lstrip(" ")
        if code and not code.startswith("#") and len(above) - len(code) < indent:
            return code.startswith("match ")
    return False


def _string_in_interpolation(tok: Token, text: str) -> SyntaxProblem | None:
    """``"{f("x")}"``: the lexer ended the string at the inner quote."""
    m = re.search(r'"[^"\n]*\{[^}"\n]*"$', text[: tok.start_pos])
    if m is None or (m.start() > 0 and text[m.start() - 1] in "bB"):
        return None
    outer = m.start()
    brace = outer + m.group().rindex("{")
    inner_quote = m.end() - 1
    close = _matching_close(text, brace)
    if close is None or close < inner_quote:
        return None
    expr = text[brace + 1 : close]
    line_start = text.rfind("\n", 0, outer) + 1
    line = text[line_start:outer]
    indent = line[: len(line) - len(line.lstrip(" "))]
    fix: tuple[int, int, str] | None = None
    if indent and not line.lstrip(" ").startswith(_CLAUSE_WORDS):
        name = _fresh_name(text)
        fix = (
            line_start,
            close,
            f"{indent}val {name} = {expr}\n{text[line_start : brace + 1]}{name}",
        )
    return SyntaxProblem(
        "E0001",
        "a string literal cannot appear inside an interpolation `{...}`",
        inner_quote,
        close,
        "bind the expression to a `val` first and interpolate its name",
        fix,
    )


def _brace_block(tok: Token, expected: set[str], text: str) -> SyntaxProblem | None:
    """``if c {``, ``while c {``, ``cell f() {``: a block in braces."""
    brace = _open_block_brace(text, tok.start_pos)
    if tok.type == "LBRACE" and "_COLON" in expected:
        brace = tok.start_pos
    if brace is None:
        return None
    start = brace
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    fix: tuple[int, int, str] | None = (start, brace + 1, ":")
    close = _matching_close(text, brace)
    if close is not None:
        close_line = text.rfind("\n", 0, close)
        if text[close_line + 1 : close].strip(" \t") or not _rest_of_line_is_blank(text, close + 1):
            fix = None  # `} else {` and the like: no single edit says it
        else:
            fix = (start, close + 1, ":" + text[brace + 1 : close_line])
    return SyntaxProblem(
        "E0001",
        "blocks are written with `:` and indentation, not `{ }`",
        brace,
        brace + 1,
        "end the line with `:`, indent the block and remove the closing `}`",
        fix,
    )


def _open_block_brace(text: str, pos: int) -> int | None:
    """The innermost ``{`` still open at ``pos`` that ends a line opening a block."""
    stack: list[int] = []
    for i in _braces(text, 0, pos):
        if text[i] == "{":
            stack.append(i)
        elif stack:
            stack.pop()
    for brace in reversed(stack):
        line_start = text.rfind("\n", 0, brace) + 1
        if _rest_of_line_is_blank(text, brace + 1) and _BLOCK_WORDS.match(text, line_start):
            return brace
    return None


def _matching_close(text: str, brace: int) -> int | None:
    """The ``}`` closing the ``{`` at ``brace``."""
    depth = 0
    for i in _braces(text, brace, len(text)):
        depth += 1 if text[i] == "{" else -1
        if depth == 0:
            return i
    return None


def _braces(text: str, start: int, end: int) -> Iterator[int]:
    """Offsets of the braces in ``text[start:end]`` outside strings and comments."""
    i = start
    while i < end:
        ch = text[i]
        if ch == '"':
            i = _after_string(text, i)
            continue
        if ch == "#":
            nl = text.find("\n", i)
            i = len(text) if nl == -1 else nl
            continue
        if ch in "{}":
            yield i
        i += 1


def _after_string(text: str, quote: int) -> int:
    """The offset after the string literal starting at ``quote`` (or its line's end)."""
    i = quote + 1
    while i < len(text) and text[i] not in '"\n':
        i += 2 if text[i] == "\\" else 1
    return i + 1 if i < len(text) and text[i] == '"' else i


def _fresh_name(text: str) -> str:
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    name, n = "part", 1
    while name in words:
        n += 1
        name = f"part{n}"
    return name


def _rest_of_line_is_blank(text: str, pos: int) -> bool:
    """Only blanks or a comment follow ``pos`` on its line."""
    nl = text.find("\n", pos)
    rest = text[pos : len(text) if nl == -1 else nl].strip(" \t\r")
    return not rest or rest.startswith("#")
