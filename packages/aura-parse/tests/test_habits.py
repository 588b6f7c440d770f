"""Habits from other languages get a dedicated message and a fix that works.

For each habit: the code, the message, the position, and that applying the
help's edit gives a program that parses and, where the fix is complete, checks.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aura_core.check import check_modules
from aura_core.diagnostics import Diagnostic
from aura_core.modules import ParsedModule
from aura_core.source import SourceFile
from aura_parse import parse_module
from aura_parse.habits import HABITS

_SYNTAX_PAGE = Path(__file__).parents[3] / "docs" / "reference" / "syntax.md"

_OPT = "cell f(o: Option<i64>) -> i64:\n    match o:\n        Some(x) {arrow} return x\n"
_OPT += "        None:\n            return 0\n"

# (habit, text, code, line, column, words in the message, the fixed text)
CASES = [
    (
        "let",
        "cell f() -> i64:\n    let x = 1\n    return x\n",
        "E0001",
        2,
        5,
        "`let` is not an Aura keyword",
        "cell f() -> i64:\n    val x = 1\n    return x\n",
    ),
    (
        "var",
        "cell f() -> i64:\n    var x = 1\n    x = 2\n    return x\n",
        "E0001",
        2,
        5,
        "`var` is not an Aura keyword",
        "cell f() -> i64:\n    val mut x = 1\n    x = 2\n    return x\n",
    ),
    (
        "fn",
        "fn f(a: i64) -> i64:\n    return a\n",
        "E0001",
        1,
        1,
        "declared with `cell`",
        "cell f(a: i64) -> i64:\n    return a\n",
    ),
    (
        "def",
        "def f(a: i64) -> i64:\n    return a\n",
        "E0001",
        1,
        1,
        "`def` is not an Aura keyword",
        "cell f(a: i64) -> i64:\n    return a\n",
    ),
    (
        "function",
        "function f(a: i64) -> i64:\n    return a\n",
        "E0001",
        1,
        1,
        "`function` is not an Aura keyword",
        "cell f(a: i64) -> i64:\n    return a\n",
    ),
    (
        "&&",
        "cell f(a: bool, b: bool) -> bool:\n    return a && b\n",
        "E0001",
        2,
        14,
        "logical and is written `and`",
        "cell f(a: bool, b: bool) -> bool:\n    return a and b\n",
    ),
    (
        "||",
        "cell f(a: bool, b: bool) -> bool:\n    return a||b\n",
        "E0001",
        2,
        13,
        "logical or is written `or`",
        "cell f(a: bool, b: bool) -> bool:\n    return a or b\n",
    ),
    (
        "!",
        "cell f(a: bool, b: bool) -> bool:\n    return !(a and b)\n",
        "E0013",
        2,
        12,
        "negation is written `not`",
        "cell f(a: bool, b: bool) -> bool:\n    return not (a and b)\n",
    ),
    (
        "!",
        "cell g(a: bool) -> bool:\n    return a\n\ncell f(a: bool) -> bool:\n    return !g(a)\n",
        "E0013",
        5,
        12,
        "negation is written `not`",
        "cell g(a: bool) -> bool:\n    return a\n\ncell f(a: bool) -> bool:\n    return not g(a)\n",
    ),
    (
        ";",
        "cell f() -> i64:\n    val x = 1;  # one\n    return x\n",
        "E0013",
        2,
        14,
        "a statement ends at the end of its line",
        "cell f() -> i64:\n    val x = 1  # one\n    return x\n",
    ),
    (
        "{",
        "cell f(c: bool) -> i64:\n    if c {\n        return 1\n    }\n    return 0\n",
        "E0001",
        2,
        10,
        "not `{ }`",
        "cell f(c: bool) -> i64:\n    if c:\n        return 1\n    return 0\n",
    ),
    (
        "{",
        "cell f(n: i64):\n    val mut i = n\n    while i > 0 {\n        i -= 1\n    }\n",
        "E0001",
        3,
        17,
        "not `{ }`",
        "cell f(n: i64):\n    val mut i = n\n    while i > 0:\n        i -= 1\n",
    ),
    (
        "{",
        "cell f() -> i64 {\n    return 1\n}\n",
        "E0001",
        1,
        17,
        "not `{ }`",
        "cell f() -> i64:\n    return 1\n",
    ),
    (
        HABITS[12],
        'cell g(s: String) -> i64:\n    return 1\n\ncell f() -> String:\n    return "n={g("x")}"\n',
        "E0001",
        5,
        18,
        "a string literal cannot appear inside an interpolation",
        'cell g(s: String) -> i64:\n    return 1\n\ncell f() -> String:\n    val part = g("x")\n'
        '    return "n={part}"\n',
    ),
    (
        "else if",
        "cell f(c: bool, d: bool) -> i64:\n    if c:\n        return 1\n    else if d:\n"
        "        return 2\n    return 0\n",
        "E0001",
        4,
        5,
        "`else if` is written `elif`",
        "cell f(c: bool, d: bool) -> i64:\n    if c:\n        return 1\n    elif d:\n"
        "        return 2\n    return 0\n",
    ),
]

CASES += [
    (
        arrow,
        _OPT.format(arrow=arrow),
        "E0001",
        3,
        17,
        f"not `Pattern {arrow} body`",
        _OPT.replace(" {arrow} return x", ":\n            return x"),
    )
    for arrow in ("=>", "->")
]


def _diagnostic(text: str) -> Diagnostic:
    result = parse_module(SourceFile("t.aura", text))
    assert len(result.diagnostics) == 1, [d.message for d in result.diagnostics]
    return result.diagnostics[0]


def _checks(text: str) -> list[str]:
    source = SourceFile("t.aura", text)
    parsed = parse_module(source)
    assert parsed.ok, [d.message for d in parsed.diagnostics]
    checked = check_modules([ParsedModule(("t",), "t", source, parsed.module)])
    return [f"{d.code} {d.message}" for d in checked.diagnostics]


@pytest.mark.parametrize(
    ("habit", "text", "code", "line", "column", "words", "fixed"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_habit_has_a_message_and_a_fix_that_checks(
    habit: str, text: str, code: str, line: int, column: int, words: str, fixed: str
) -> None:
    d = _diagnostic(text)
    assert d.span is not None and d.file is not None
    pos = d.file.position(d.span.start)
    assert (d.code, pos.line, pos.column) == (code, line, column), d.message
    assert words in d.message
    assert d.help is not None and d.help.edit is not None
    edit = d.help.edit
    applied = text[: edit.span.start] + edit.replacement + text[edit.span.end :]
    assert applied == fixed
    assert _checks(applied) == []


def test_a_braced_block_closed_mid_line_gets_the_message_without_an_edit() -> None:
    d = _diagnostic("cell f(c: bool) -> i64:\n    if c {\n        return 1\n    } else {\n")
    assert "not `{ }`" in d.message
    assert d.help is not None and d.help.edit is None


def test_a_semicolon_between_statements_keeps_the_plain_error() -> None:
    d = _diagnostic("cell f():\n    val x = 1; val y = 2\n")
    assert d.code == "E0013" and d.message == "unexpected character `;`"


def test_an_arrow_outside_a_match_keeps_the_plain_error() -> None:
    d = _diagnostic("cell f(a: bool):\n    if a => a:\n        return\n")
    assert d.message == "unexpected `=`"


def test_bitwise_operators_keep_working() -> None:
    ok = parse_module(
        SourceFile("t.aura", "cell f(a: i64, b: i64) -> i64:\n    return a & b | a\n")
    )
    assert ok.ok


def test_comparing_with_none_is_valid_aura() -> None:
    """`o == None` is structural equality on `Option`: it checks, as `is_none()` does."""
    text = "cell f(o: Option<i64>) -> bool:\n    return o == None or o != None\n"
    assert _checks(text) == []


def test_the_syntax_page_lists_every_habit() -> None:
    page = _SYNTAX_PAGE.read_text(encoding="utf-8")
    section = page.split("## Habits from other languages", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([^`]+)`", section, flags=re.MULTILINE)
    assert [h.replace("\\|", "|") for h in listed] == list(HABITS)
    assert {c[0] for c in CASES} == set(HABITS)


def test_a_string_in_the_second_interpolation_points_into_it() -> None:
    text = 'cell f(x: i64) -> String:\n    return "{x} and {g("y")}"\n'
    d = _diagnostic(text)
    assert d.span is not None and d.help is not None and d.help.edit is not None
    assert text[d.span.start : d.span.end] == '"y")'
    assert d.help.edit.replacement.endswith('val part = g("y")\n    return "{x} and {part')
