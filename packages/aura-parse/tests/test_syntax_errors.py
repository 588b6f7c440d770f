"""Every syntax error has its code, a precise place and, where one helps, a hint."""

from __future__ import annotations

import pytest

from aura_core.source import SourceFile
from aura_parse import parse_module


def errors(text: str) -> list[tuple[str, int, int, str]]:
    result = parse_module(SourceFile("t.aura", text))
    out = []
    for d in result.diagnostics:
        assert d.span is not None
        pos = result.source.position(d.span.start)
        out.append((d.code, pos.line, pos.column, d.message))
    return out


def only(text: str) -> tuple[str, int, int, str]:
    found = errors(text)
    assert len(found) == 1, found
    return found[0]


def hint(text: str) -> str:
    (d,) = parse_module(SourceFile("t.aura", text)).diagnostics
    assert d.help is not None
    return d.help.message


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "words"),
    [
        ("cell f():\n    val x = a < b < c\n", "E0007", 2, 19, "chained comparisons"),
        ("cell f():\n    val x = a == b != c\n", "E0007", 2, 20, "chained comparisons"),
        ("cell f():\n\tval x = 1\n", "E0003", 2, 1, "tab in indentation"),
        ('cell f():\n    val s = "abc\n', "E0004", 2, 13, "unterminated string"),
        ('cell f():\n    val s = "a\\qb"\n', "E0005", 2, 15, "unknown escape sequence `\\q`"),
        ('cell f():\n    val s = "\\u{D800}"\n', "E0005", 2, 14, "not a unicode scalar"),
        ('cell f():\n    val s = b"\\xZZ"\n', "E0005", 2, 15, "two hex digits"),
        ("cell f():\n    val x = 300u8\n", "E0006", 2, 13, "`300u8` out of range for `u8`"),
        ("cell f():\n    val x = -129i8\n", "E0006", 2, 14, "`-129i8`"),
        ("cell f():\n    val x = 128i8\n", "E0006", 2, 13, "`128i8`"),
        ("cell f():\n    val x = 18446744073709551616u64\n", "E0006", 2, 13, "u64"),
        ("cell f():\n    val x = -1u8\n", "E0006", 2, 14, "`-1u8`"),
        ("cell f():\n    if c: return\n", "E0010", 2, 11, "its own line"),
        ("cell f():\n    val x = 1\n        val y = 2\n", "E0002", 3, 5, "unexpected indent"),
        ("  cell f():\n    return\n", "E0002", 1, 1, "unexpected indent"),
        ("cell f():\n    if x:\n        val y = 1\n      val z = 2\n", "E0009", 4, 1, "dedent"),
        ("cell f():\n    val x = 1\n    requires x > 0\n", "E0011", 3, 5, "after a statement"),
        (
            "cell f():\n    while a:\n        a = 1\n        invariant a\n",
            "E0011",
            4,
            9,
            "after a statement",
        ),
        (
            "cell f():\n    while a invariant a:\n        invariant b\n        a = 1\n",
            "E0012",
            3,
            9,
            "both",
        ),
        ("cell f():\n    invariant x\n    return\n", "E0018", 2, 5, "not allowed"),
        (
            "cell f():\n    while a:\n        requires a\n        a = 1\n",
            "E0018",
            3,
            9,
            "not allowed",
        ),
        ("cell f():\n    if a:\n        ensures a\n", "E0018", 3, 9, "not allowed"),
        ("extern cell f():\n    requires a\n", "E0018", 2, 5, "trusted"),
        ("trusted extern cell f():\n    return 1\n", "E0017", 2, 5, "no body"),
        ("cell f():\n    val x = a $ b\n", "E0013", 2, 15, "unexpected character `$`"),
        ("cell f():\n    val x = 1u7\n", "E0015", 2, 13, "invalid suffix `u7`"),
        ("cell f():\n    val x = 2.0u8\n", "E0015", 2, 13, "invalid suffix `u8`"),
        ("cell f():\n    val x = 1e999\n", "E0015", 2, 13, "out of range"),
        ("cell f():\n    val x = 0x\n", "E0015", 2, 13, "not followed by any hexadecimal"),
        ("cell f():\n    val x = 0o\n", "E0015", 2, 13, "not followed by any octal"),
        ("cell f():\n    val x = 1e\n", "E0015", 2, 13, "no digits in its exponent"),
        ("cell f():\n    val x = 0b102\n", "E0015", 2, 13, "invalid digit `2` in binary"),
        ("cell f():\n    val x = 0o78\n", "E0015", 2, 13, "invalid digit `8` in octal"),
        ('cell f():\n    val s = "a {x"\n', "E0020", 2, 16, "unclosed `{`"),
        ('cell f():\n    val s = "a }"\n', "E0020", 2, 16, "unmatched `}`"),
        ('cell f():\n    val s = "a {} b"\n', "E0020", 2, 16, "empty interpolation"),
        ('cell f():\n    val s = "a {x +} b"\n', "E0001", 2, 20, "expected an expression"),
        ("pure pub cell f():\n    return\n", "E0016", 1, 6, "out of order"),
        ("extern trusted cell f()\n", "E0016", 1, 8, "out of order"),
        ("cell f():\n    val result = 1\n", "E0001", 2, 9, "reserved word"),
        ("cell ghost():\n    return\n", "E0001", 1, 6, "reserved word"),
        ("cell f():\n    if x = 1:\n        return\n", "E0001", 2, 10, "unexpected `=`"),
        ("cell f()\n    return\n", "E0001", 1, 9, "expected `:`"),
        ("cell f():\n    return 1 +\n", "E0001", 2, 15, "expected an expression"),
        ("cell f():\nval x = 1\n", "E0001", 2, 1, "indented block"),
    ],
)
def test_error(text: str, code: str, line: int, column: int, words: str) -> None:
    found = errors(text)
    assert found, "no diagnostic"
    got_code, got_line, got_column, message = found[0]
    assert (got_code, got_line, got_column) == (code, line, column), found
    assert words in message


def test_hints_name_the_fix() -> None:
    assert "`a < b and b < c`" in hint("cell f():\n    val x = a < b < c\n")
    assert "spaces" in hint("cell f():\n\tval x = 1\n")
    assert "`==`" in hint("cell f():\n    if x = 1:\n        return\n")
    assert "\\{" in hint('cell f():\n    val s = "{"\n')
    assert "i8 i16" in hint("cell f():\n    val x = 1u7\n")
    assert "-128 to 127" in hint("cell f():\n    val x = 128i8\n")


def test_every_declaration_reports_its_first_error() -> None:
    found = errors(
        "cell f(:\n    x\n\n"
        "cell g():\n    val = 3\n\n"
        "cell ok():\n    return\n\n"
        "cell h():\n    return 1 +\n"
    )
    assert [(code, line) for code, line, _, _ in found] == [
        ("E0001", 1),
        ("E0001", 5),
        ("E0001", 11),
    ]


def test_good_declarations_survive_bad_neighbours() -> None:
    result = parse_module(
        SourceFile(
            "t.aura",
            ("cell a():\n    return\ncell b():\n    val x = foo(1, 2\ncell c():\n    return\n"),
        )
    )
    assert [d.name for d in result.module.decls] == ["a", "c"]  # type: ignore[union-attr]
    assert len(result.diagnostics) == 1


def test_unclosed_bracket_recovers_at_the_next_declaration_keyword() -> None:
    found = errors("cell f():\n    val x = foo(1,\n\ncell g():\n    return 1 +\n")
    assert [line for _, line, _, _ in found] == [2, 5]


def test_nesting_limits() -> None:
    deep = "cell f():\n    val x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n"
    assert only(deep)[0] == "E0014"
    chain = "cell f():\n    val x = " + " + ".join(["a"] * 5_000) + "\n"
    assert only(chain)[0] == "E0014"
    minus = "cell f():\n    val x = " + "-" * 5_000 + "1\n"
    assert only(minus)[0] == "E0014"
    generic = "cell f(v: " + "Vec<" * 3_000 + "i64" + ">" * 3_000 + "):\n    return\n"
    assert only(generic)[0] == "E0014"
    blocks = (
        "cell f():\n"
        + "".join(" " * (4 * i) + "if a:\n" for i in range(1, 150))
        + " " * 600
        + "return\n"
    )
    assert only(blocks)[0] == "E0014"


def test_reasonable_nesting_is_fine() -> None:
    text = "cell f():\n    val x = " + "(" * 50 + "1" + ")" * 50 + "\n"
    assert errors(text) == []
    text = "cell f():\n    val x = " + " + ".join(["a"] * 150) + "\n"
    assert errors(text) == []
