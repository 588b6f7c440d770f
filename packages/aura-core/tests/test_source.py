"""Line maps at the edges: empty text, missing final newline, CRLF, non-ASCII."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aura_core.source import Position, SourceFile, Span


def test_empty_file_has_one_empty_line() -> None:
    f = SourceFile("e.aura", "")
    assert f.line_count == 1
    assert f.line_text(1) == ""
    assert f.position(0) == Position(1, 1)
    assert f.offset(1, 1) == 0


def test_positions_are_clamped_to_the_text() -> None:
    f = SourceFile("c.aura", "ab\ncd")
    assert f.position(-5) == Position(1, 1)
    assert f.position(99) == Position(2, 3)
    assert f.offset(7, 1) == 3  # line clamped to the last one
    assert f.offset(2, 50) == 5  # column clamped to the end of the text


def test_no_trailing_newline() -> None:
    f = SourceFile("n.aura", "ab\ncd")
    assert f.line_count == 2
    assert f.line_text(2) == "cd"
    assert f.position(3) == Position(2, 1)
    assert f.position(5) == Position(2, 3)  # end of file: just past the last character
    assert f.offset(2, 3) == 5


def test_trailing_newline_starts_an_empty_last_line() -> None:
    f = SourceFile("t.aura", "ab\n")
    assert f.line_count == 2
    assert f.line_text(1) == "ab"
    assert f.line_text(2) == ""
    assert f.position(2) == Position(1, 3)  # the newline itself
    assert f.position(3) == Position(2, 1)


def test_crlf_line_text_drops_the_carriage_return_but_offsets_keep_it() -> None:
    f = SourceFile("w.aura", "ab\r\ncd\r\n")
    assert f.line_count == 3
    assert f.line_text(1) == "ab"
    assert f.line_text(2) == "cd"
    assert f.position(2) == Position(1, 3)  # "\r"
    assert f.position(3) == Position(1, 4)  # "\n"
    assert f.position(4) == Position(2, 1)
    assert f.offset(2, 2) == 5


def test_lone_carriage_return_is_not_a_line_break() -> None:
    f = SourceFile("r.aura", "a\rb\nc")
    assert f.line_count == 2
    assert f.position(2) == Position(1, 3)


def test_columns_count_characters_not_bytes() -> None:
    f = SourceFile("u.aura", "é漢😀x\ny")
    assert f.position(3) == Position(1, 4)
    assert f.line_text(1) == "é漢😀x"


def test_span_helpers() -> None:
    assert Span(4, 6).to(Span(1, 2)) == Span(1, 6)
    assert Span(1, 2).shifted(3) == Span(4, 5)


@given(st.text(alphabet="ab\r\n\té漢", max_size=40), st.data())
def test_offset_inverts_position(text: str, data: st.DataObject) -> None:
    f = SourceFile("p.aura", text)
    off = data.draw(st.integers(0, len(text)))
    pos = f.position(off)
    assert f.offset(pos.line, pos.column) == off
    assert 1 <= pos.line <= f.line_count
