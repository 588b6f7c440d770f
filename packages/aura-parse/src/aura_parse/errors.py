"""Turning lark's parse errors into Aura diagnostics with codes and hints.

Lark reports *which* terminals it expected; people want to hear what they
wrote wrong.  The special cases below cover the mistakes the spec names
(chained comparisons, one-line blocks, unterminated strings, modifier order)
and the ones newcomers from Python and Rust make most.
"""

from __future__ import annotations

from dataclasses import dataclass

from aura_core.keywords import RESERVED_WORDS
from aura_parse.lexer import Token

__all__ = [
    "SyntaxProblem",
    "describe_bad_character",
    "describe_terminal",
    "describe_unexpected_token",
]

_PUNCT = {
    "IMPLIES": "==>",
    "EQEQ": "==",
    "NE": "!=",
    "LE": "<=",
    "GE": ">=",
    "SHL": "<<",
    "SHR": ">>",
    "LT": "<",
    "GT": ">",
    "PLUS_ASSIGN": "+=",
    "MINUS_ASSIGN": "-=",
    "STAR_ASSIGN": "*=",
    "SLASH_ASSIGN": "/=",
    "PERCENT_ASSIGN": "%=",
    "ASSIGN": "=",
    "_ARROW": "->",
    "PLUS": "+",
    "MINUS": "-",
    "STAR": "*",
    "SLASH": "/",
    "PERCENT": "%",
    "AMP": "&",
    "PIPE": "|",
    "CARET": "^",
    "TILDE": "~",
    "DOTDOTEQ": "..=",
    "DOTDOT": "..",
    "DOT": ".",
    "QMARK": "?",
    "_COLONCOLON": "::",
    "_COLON": ":",
    "_COMMA": ",",
    "LPAR": "(",
    "RPAR": ")",
    "LSQB": "[",
    "RSQB": "]",
    "LBRACE": "{",
    "RBRACE": "}",
}
_WORDS = {
    "NAME": "a name",
    "INT": "an integer",
    "FLOAT": "a number",
    "STRING": "a string",
    "BYTES": "a bytes literal",
    "_NL": "end of line",
    "_INDENT": "an indented block",
    "_DEDENT": "end of block",
    "$END": "end of file",
}
_EXPR_START = frozenset({"NAME", "INT", "FLOAT", "STRING", "LPAR", "LSQB", "MINUS"})
_COMPARISONS = frozenset({"EQEQ", "NE", "LT", "LE", "GT", "GE"})
_MODIFIERS = frozenset({"PUB", "PURE", "LEMMA", "TEST", "TRUSTED", "EXTERN"})


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A syntax error with offsets into the file's text."""

    code: str
    message: str
    start: int
    end: int
    help: str | None = None
    fix: tuple[int, int, str] | None = None  # replace text[start:end] with the string


def describe_terminal(name: str) -> str:
    if name in _WORDS:
        return _WORDS[name]
    if name in _PUNCT:
        return f"`{_PUNCT[name]}`"
    if name.lower() in RESERVED_WORDS:
        return f"`{name.lower()}`"
    return name


def describe_bad_character(text: str, pos: int) -> SyntaxProblem:
    """No token starts at ``pos``: an unterminated string or a stray character."""
    ch = text[pos]
    if ch == '"':
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        return SyntaxProblem(
            "E0004",
            "unterminated string literal",
            pos,
            end,
            'close the string with `"` on the same line',
        )
    shown = ch if ch.isprintable() else f"\\u{{{ord(ch):x}}}"
    help = None
    if ch == "'":
        help = 'strings use double quotes: "text"'
    elif ch in "&|":
        help = "logical operators are the words `and` and `or`"
    return SyntaxProblem("E0013", f"unexpected character `{shown}`", pos, pos + 1, help)


def describe_unexpected_token(tok: Token, expected: set[str], text: str) -> SyntaxProblem:
    """The parser had no action for ``tok``; ``expected`` is what it could take."""
    kind = tok.type
    start, end = tok.start_pos, tok.end_pos
    if kind in ("_NL", "$END", "_DEDENT"):
        start, end = _end_of_line(text, start)
    got = _shown(tok)

    def problem(code: str, message: str, help: str | None = None) -> SyntaxProblem:
        return SyntaxProblem(code, message, start, end, help)

    if kind in _COMPARISONS and not expected & _EXPR_START:
        return problem(
            "E0007",
            "chained comparisons are not allowed",
            "compare twice and join with `and`: `a < b and b < c`",
        )
    if expected == {"_NL"} and _previous_char(text, start) == ":":
        return problem(
            "E0010",
            "a block must start on its own line after `:`",
            "move the statement to the next line and indent it",
        )
    if kind in _MODIFIERS and expected & (_MODIFIERS | {"CELL"}):
        return problem(
            "E0016",
            f"modifier `{tok}` is out of order",
            "write modifiers in the order `[pub] [pure | lemma | test] cell` or "
            "`[pub] [trusted] extern cell`",
        )
    if kind != "NAME" and tok.value in RESERVED_WORDS and "NAME" in expected:
        return problem(
            "E0001",
            f"`{tok}` is a reserved word and cannot be used as a name",
            f"choose another name, such as `{tok}_`",
        )
    if kind == "ASSIGN":
        return problem(
            "E0001",
            "unexpected `=`",
            "use `==` to compare; an assignment is a statement of its own",
        )
    if "_COLON" in expected and kind in ("_NL", "$END"):
        return problem(
            "E0001",
            "expected `:` at the end of this line",
            "a line that opens a block ends with `:`",
        )
    want = _summarise(expected)
    return problem("E0001", f"expected {want}, found {got}")


def _summarise(expected: set[str]) -> str:
    names: list[str] = []
    rest = set(expected)
    if {"CELL", "IMPORT", "TYPE", "CONST"} <= rest:
        return "a declaration (`cell`, `type`, `const` or `import`)"
    if len(rest & _EXPR_START) >= 3:
        names.append("an expression")
        rest -= _EXPR_START | {
            "TILDE",
            "NOT",
            "TRUE",
            "FALSE",
            "BYTES",
            "RESULT",
            "OLD",
            "FORALL",
            "EXISTS",
        }
    names.extend(sorted(describe_terminal(n) for n in rest if not n.startswith("__")))
    if not names:
        return "something else"
    if len(names) > 8:
        names = [*names[:8], "..."]
    return names[0] if len(names) == 1 else "one of " + ", ".join(names)


def _shown(tok: Token) -> str:
    if tok.type in _WORDS and tok.type not in ("NAME", "INT", "FLOAT"):
        return _WORDS[tok.type]
    value = tok.value
    if len(value) > 40:
        value = value[:37] + "..."
    return f"`{value}`"


def _end_of_line(text: str, pos: int) -> tuple[int, int]:
    """Point a missing-token error at the end of the last line with code."""
    pos = min(pos, len(text))
    while pos > 0 and text[pos - 1] in " \t\r\n\f":
        pos -= 1
    line_start = text.rfind("\n", 0, pos) + 1
    comment = text.find("#", line_start, pos)
    if comment != -1:
        pos = comment
        while pos > line_start and text[pos - 1] in " \t":
            pos -= 1
    return pos, pos


def _previous_char(text: str, pos: int) -> str:
    i = min(pos, len(text)) - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return text[i] if i >= 0 else ""
