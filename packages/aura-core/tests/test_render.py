"""Rendering of diagnostics: exact rustc-style text, JSON objects, summary lines."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from aura_core.diagnostics import Diagnostic, Edit, Help, Label
from aura_core.render import MAX_LINE_WIDTH, render_human, render_json, summary_line
from aura_core.source import SourceFile, Span

ANSI = re.compile(r"\x1b\[[0-9;]*m")

MAIN = SourceFile("main.aura", "cell main()\n    val x = 1 < 2 < 3\n")


def at(f: SourceFile, needle: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = f.text.index(needle, start + 1)
    return Span(start, start + len(needle))


def test_primary_span_with_insertion_suggestion() -> None:
    d = Diagnostic.error(
        "E0001",
        "expected `:` after the cell header",
        MAIN,
        Span(11, 11),
        labels=(Label(at(MAIN, "cell"), "this cell"),),
        notes=("a line that opens a block ends in `:`",),
        help=Help("add `:`", Edit(Span(11, 11), ":")),
    )
    assert render_human(d) == (
        "error[E0001]: expected `:` after the cell header\n"
        " --> main.aura:1:12\n"
        "  |\n"
        "1 | cell main()\n"
        "  | ----       ^\n"
        "  | |\n"
        "  | this cell\n"
        "  |\n"
        "  = note: a line that opens a block ends in `:`\n"
        "help: add `:`\n"
        "  |\n"
        "1 | cell main():\n"
        "  |            +\n"
    )


def test_labels_inside_the_primary_span_get_their_own_rows() -> None:
    span = Span(at(MAIN, "1").start, at(MAIN, "3").end)
    d = Diagnostic.error(
        "E0007",
        "comparison operators cannot be chained",
        MAIN,
        span,
        labels=(Label(at(MAIN, "<"), "first"), Label(at(MAIN, "<", 1), "second")),
        help=Help("split the comparison", Edit(span, "1 < 2 and 2 < 3")),
    )
    assert render_human(d) == (
        "error[E0007]: comparison operators cannot be chained\n"
        " --> main.aura:2:13\n"
        "  |\n"
        "2 |     val x = 1 < 2 < 3\n"
        "  |             ^^^^^^^^^\n"
        "  |               - first\n"
        "  |                   - second\n"
        "  |\n"
        "help: split the comparison\n"
        "  |\n"
        "2 |     val x = 1 < 2 and 2 < 3\n"
        "  |             ~~~~~~~~~~~~~~~\n"
    )


def test_warning_with_label_in_another_file_and_wide_gutter() -> None:
    lib = SourceFile("lib.aura", "\n" * 11 + "cell f(x: i64):\n    requires x > 0\n")
    d = Diagnostic.warning(
        "W0006",
        "message",
        MAIN,
        at(MAIN, "val"),
        labels=(Label(at(lib, "x > 0"), "declared here", lib),),
    )
    assert render_human(d) == (
        "warning[W0006]: message\n"
        "  --> main.aura:2:5\n"
        "   |\n"
        " 2 |     val x = 1 < 2 < 3\n"
        "   |     ^^^\n"
        "   |\n"
        "  ::: lib.aura:13:14\n"
        "   |\n"
        "13 |     requires x > 0\n"
        "   |              ----- declared here\n"
    )


def test_diagnostic_without_a_place() -> None:
    d = Diagnostic.error("E0019", "cannot read `x.aura`: No such file or directory", notes=("n",))
    assert render_human(d) == (
        "error[E0019]: cannot read `x.aura`: No such file or directory\n  = note: n\n"
    )


def test_plain_help_and_inline_multiline_replacement() -> None:
    d = Diagnostic.error("E0001", "m", MAIN, Span(0, 4), help="just a hint")
    assert render_human(d).endswith("  |\n  = help: just a hint\n")
    d = Diagnostic.error(
        "E0001", "m", MAIN, Span(0, 4), help=Help("rewrite", Edit(Span(0, 11), "a\nb"))
    )
    assert render_human(d).endswith("  = help: rewrite: `a\\nb`\n")


def test_deletion_suggestion_underlines_removed_text() -> None:
    d = Diagnostic.error(
        "E0001", "m", MAIN, Span(4, 9), help=Help("remove it", Edit(Span(4, 9), ""))
    )
    assert render_human(d).endswith("help: remove it\n  |\n1 | cell main()\n  |     -----\n")


def test_tabs_and_wide_characters_keep_carets_aligned() -> None:
    f = SourceFile("t.aura", "\tval 漢字 = x\n")
    d = Diagnostic.error("E0003", "m", f, at(f, "x"), labels=(Label(at(f, "漢字"), "wide"),))
    lines = render_human(d).splitlines()
    assert lines[3] == "1 |     val 漢字 = x"
    assert lines[4] == "  |         ----   ^"
    assert lines[5] == "  |         |"
    assert lines[6] == "  |         wide"


def test_zero_width_span_at_end_of_file_shows_one_caret() -> None:
    f = SourceFile("e.aura", "cell f():\n    x")
    lines = render_human(Diagnostic.error("E0001", "eof", f, Span(len(f.text), len(f.text))))
    assert lines.splitlines()[1:] == [" --> e.aura:2:6", "  |", "2 |     x", "  |      ^"]
    empty = SourceFile("e.aura", "")
    out = render_human(Diagnostic.error("E0001", "eof", empty, Span(0, 0)))
    assert out.splitlines()[1:] == [" --> e.aura:1:1", "  |", "1 |", "  | ^"]


def test_multiline_span_marks_first_and_last_line_and_elides_the_middle() -> None:
    f = SourceFile("m.aura", "cell f():\n    a\n    b\n    c\n    d\n")
    span = Span(at(f, "cell").start, at(f, "d").end)
    lines = render_human(Diagnostic.error("E0017", "m", f, span)).splitlines()
    assert lines[3:] == ["1 | cell f():", "  | ^^^^^^^^^", "...", "5 |     d", "  |     ^"]
    # one line apart: the line in between is shown instead of "..."
    span = Span(at(f, "a").start, at(f, "    c").end)
    lines = render_human(Diagnostic.error("E0017", "m", f, span)).splitlines()
    assert lines[3:] == ["2 |     a", "  |     ^", "3 |     b", "4 |     c", "  |     ^"]


def test_span_ending_with_the_line_break_stays_on_its_line() -> None:
    f = SourceFile("n.aura", "abc\ndef\n")
    lines = render_human(Diagnostic.error("E0001", "m", f, Span(0, 4))).splitlines()
    assert lines[3:] == ["1 | abc", "  | ^^^"]


def test_control_and_bidi_characters_are_not_echoed() -> None:
    f = SourceFile("c.aura", "a\x1b[31mb\u202ec\n")
    out = render_human(Diagnostic.error("E0013", "m", f, Span(1, 2)))
    assert "\x1b" not in out and "\u202e" not in out
    assert "1 | a\u241b[31mb\ufffdc" in out


def test_very_long_line_is_cut_around_each_mark() -> None:
    text = "x" * 50_000 + "BAD" + "y" * 50_000 + "\n"
    f = SourceFile("long.aura", text)
    d = Diagnostic.error(
        "E0013",
        "m",
        f,
        at(f, "BAD"),
        labels=(Label(Span(3, 4), "early"), Label(Span(100_002, 100_003), "late")),
    )
    out = render_human(d)
    assert len(out) < 1_000
    assert all(len(line) <= MAX_LINE_WIDTH + 20 for line in out.splitlines())
    lines = out.splitlines()
    bad = next(i for i, line in enumerate(lines) if "BAD" in line)
    assert lines[bad].startswith("1 | ...x")
    assert lines[bad].endswith("y...")
    caret = lines[bad + 1].index("^")
    assert lines[bad][caret : caret + 3] == "BAD"
    assert lines[bad + 1].count("^") == 3
    assert any(line.endswith("- early") for line in lines)
    late = next(i for i, line in enumerate(lines) if line.endswith("- late"))
    assert lines[late - 1].endswith("yy")  # the window reaches the end of the line
    assert lines[late].index("-") == len(lines[late - 1]) - 1


def test_color_adds_escapes_only() -> None:
    d = Diagnostic.error("E0007", "m", MAIN, at(MAIN, "<"), labels=(Label(at(MAIN, "val"), "l"),))
    colored = render_human(d, color=True)
    assert "\x1b[1;31merror[E0007]\x1b[0m" in colored
    assert ANSI.sub("", colored) == render_human(d)


def test_json_object() -> None:
    lib = SourceFile("lib.aura", "cell f():\n")
    d = Diagnostic.error(
        "E0001",
        "expected `:`",
        MAIN,
        at(MAIN, "1 < 2"),
        labels=(Label(Span(0, 4), "here"), Label(Span(5, 6), "there", lib)),
        notes=("a", "b"),
        help=Help("add it", Edit(Span(11, 11), ":")),
    )
    obj = render_json(d)
    assert obj == {
        "code": "E0001",
        "severity": "error",
        "message": "expected `:`",
        "file": "main.aura",
        "line": 2,
        "column": 13,
        "end_line": 2,
        "end_column": 18,
        "notes": ["a", "b"],
        "help": "add it",
        "fix": {
            "message": "add it",
            "replacement": ":",
            "line": 1,
            "column": 12,
            "end_line": 1,
            "end_column": 12,
        },
        "related": [
            {
                "file": "main.aura",
                "line": 1,
                "column": 1,
                "end_line": 1,
                "end_column": 5,
                "message": "here",
            },
            {
                "file": "lib.aura",
                "line": 1,
                "column": 6,
                "end_line": 1,
                "end_column": 7,
                "message": "there",
            },
        ],
    }
    assert json.loads(json.dumps(obj)) == obj


def test_json_without_place_or_edit() -> None:
    obj = render_json(Diagnostic.warning("W0006", "w", help="think again"))
    assert obj["file"] is None
    assert obj["line"] is obj["column"] is obj["end_line"] is obj["end_column"] is None
    assert obj["fix"] is None
    assert obj["help"] == "think again"
    assert obj["severity"] == "warning"
    assert obj["notes"] == [] and obj["related"] == []


def test_json_span_ending_with_newline_ends_on_next_line() -> None:
    f = SourceFile("n.aura", "abc\ndef")
    obj = render_json(Diagnostic.error("E0001", "m", f, Span(0, 4)))
    assert (obj["line"], obj["column"], obj["end_line"], obj["end_column"]) == (1, 1, 2, 1)


def test_summary_line() -> None:
    assert summary_line(2, 1) == "error: aborting due to 2 previous errors; 1 warning emitted"
    assert summary_line(1, 0) == "error: aborting due to 1 previous error"
    assert summary_line(1, 3) == "error: aborting due to 1 previous error; 3 warnings emitted"
    assert summary_line(0, 2) == "warning: 2 warnings emitted"
    assert summary_line(0, 0) is None
    colored = summary_line(1, 0, color=True)
    assert colored is not None and ANSI.sub("", colored) == summary_line(1, 0)


@given(
    st.text(alphabet="ab \t\r\n漢é\u0301\x00\u202e", max_size=60),
    st.integers(-3, 70),
    st.integers(-3, 70),
    st.integers(0, 70),
    st.integers(0, 70),
)
def test_any_span_renders(text: str, a: int, b: int, c: int, d: int) -> None:
    f = SourceFile("h.aura", text)
    diag = Diagnostic.error(
        "E0001",
        "m",
        f,
        Span(a, b),
        labels=(Label(Span(c, d), "l"),),
        help=Help("h", Edit(Span(min(c, d), max(c, d)), "zz")),
    )
    out = render_human(diag)
    assert out.startswith("error[E0001]: m\n")
    assert out.count("^") >= 1
    obj = render_json(diag)
    assert 1 <= obj["line"] <= obj["end_line"] <= f.line_count
    if obj["line"] == obj["end_line"]:
        assert obj["column"] <= obj["end_column"]
