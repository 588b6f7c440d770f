"""Turn diagnostics into rustc-style text and into the JSON objects of spec section 9.

Human layout (``render_human``)::

    error[E0001]: expected `:` after the cell header
     --> main.aura:1:12
      |
    1 | cell main()
      |            ^ expected `:`
      |
      = note: a line that opens a block ends in `:`

Source lines are shown as a terminal would: tabs become ``TAB_WIDTH`` spaces,
East Asian wide characters take two columns and combining marks none, so carets
line up under what they point at.  Control and bidirectional-override characters
are replaced by visible stand-ins so that a source file cannot rewrite the
terminal.  A line wider than ``MAX_LINE_WIDTH`` columns is cut to a window around
each mark, with ``...`` where text was left out, so that the output stays bounded
whatever the input.  A span over several lines underlines the rest of its first
line and the start of its last line.

Line and column numbers in the ``-->`` line and in JSON count characters (code
points), 1-based, as :mod:`aura_core.source` does; only the drawing uses display
widths.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass
from typing import Any

from aura_core.diagnostics import Diagnostic
from aura_core.source import SourceFile, Span

__all__ = ["MAX_LINE_WIDTH", "TAB_WIDTH", "render_human", "render_json", "summary_line"]

#: Columns a tab occupies when a source line is shown (rustc uses 4 as well).
TAB_WIDTH = 4
#: Widest source text, in display columns, shown for one line before it is cut.
MAX_LINE_WIDTH = 120
#: Columns of context kept left of a mark when a long line is cut.
_LEFT_CONTEXT = 24
#: Longest replacement text quoted inline in a ``help:`` line.
_MAX_INLINE_REPLACEMENT = 80

_STYLES = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "note": "\x1b[1;32m",
    "help": "\x1b[1;36m",
    "gutter": "\x1b[1;34m",
    "secondary": "\x1b[1;34m",
    "bold": "\x1b[1m",
}
_RESET = "\x1b[0m"

# Characters that reorder text on screen (the "Trojan Source" set) are never echoed.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _paint(text: str, style: str | None, color: bool) -> str:
    if not color or style is None or not text:
        return text
    return f"{_STYLES[style]}{text}{_RESET}"


# ---------------------------------------------------------------- display widths


def _shown(ch: str) -> str:
    """What is printed for one source character."""
    o = ord(ch)
    if ch == "\t":
        return " " * TAB_WIDTH
    if o < 0x20:
        return chr(0x2400 + o)  # control pictures: ␀ ␁ ... ␟
    if o == 0x7F:
        return "\u2421"
    if 0x80 <= o < 0xA0 or ch in _BIDI:
        return "\ufffd"
    return ch


def _width(ch: str) -> int:
    """Terminal columns taken by ``_shown(ch)``."""
    if ch == "\t":
        return TAB_WIDTH
    o = ord(ch)
    if o < 0xA0 or ch in _BIDI:
        return 1
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


# ------------------------------------------------------------------- line layout


@dataclass(frozen=True, slots=True)
class _Mark:
    """An underline on one line: characters ``[start, end)`` of the line text."""

    start: int
    end: int
    char: str  # "^" primary, "-" secondary, "+" / "~" / "-" in suggestions
    style: str
    message: str = ""


@dataclass(frozen=True, slots=True)
class _Placed:
    col: int  # display column within the shown text
    width: int  # at least 1
    mark: _Mark


def _windows(text: str, marks: list[_Mark]) -> list[tuple[str, list[_Placed]]]:
    """Cut ``text`` into the pieces to show and place each mark in one of them.

    A line that fits is shown once with every mark.  A longer line is shown once
    per group of nearby marks, each time cut to at most ``MAX_LINE_WIDTH`` columns.
    """
    n = len(text)
    cum = [0] * (n + 1)
    for i, ch in enumerate(text):
        cum[i + 1] = cum[i] + _width(ch)

    def piece(ws: int, we: int, group: list[_Mark]) -> tuple[str, list[_Placed]]:
        prefix = "..." if ws > 0 else ""
        shown = prefix + "".join(_shown(c) for c in text[ws:we]) + ("..." if we < n else "")
        placed = []
        for m in group:
            s = min(max(m.start, ws), we)
            e = min(max(m.end, s), we)
            col = len(prefix) + cum[s] - cum[ws]
            placed.append(_Placed(col, max(1, cum[e] - cum[s]), m))
        return shown, placed

    if cum[n] <= MAX_LINE_WIDTH:
        return [piece(0, n, marks)]
    if not marks:
        return [piece(0, bisect.bisect_right(cum, MAX_LINE_WIDTH) - 1, [])]
    out = []
    pending = sorted(marks, key=lambda m: m.start)
    while pending:
        first = min(pending[0].start, n)
        ws = bisect.bisect_left(cum, cum[first] - _LEFT_CONTEXT)
        we = min(n, bisect.bisect_right(cum, cum[ws] + MAX_LINE_WIDTH) - 1)
        if we == n:  # near the end: use the whole width for context on the left
            ws = min(ws, bisect.bisect_left(cum, cum[n] - MAX_LINE_WIDTH))
        we = max(we, min(first + 1, n))
        group = [m for m in pending if m.start < we or (m.start >= n and we == n)]
        pending = pending[len(group) :]
        out.append(piece(ws, we, group))
    return out


def _mark_rows(placed: list[_Placed], color: bool) -> list[str]:
    """The underline rows below one shown line, rustc style.

    Marks that do not overlap share the first row: the rightmost one's message
    follows the underlines and every other message gets a row of its own, joined
    to its mark by ``|``.  A mark overlapping one already drawn (a label inside
    the primary span, say) gets a row of its own below, so no mark hides another.
    """
    shared: list[_Placed] = []
    alone: list[_Placed] = []
    for p in sorted(placed, key=lambda p: (p.mark.char != "^", p.col)):
        overlaps = any(p.col < q.col + q.width and q.col < p.col + p.width for q in shared)
        (alone if overlaps else shared).append(p)
    if not shared:
        return []
    cells = {c: (p.mark.char, p.mark.style) for p in shared for c in range(p.col, p.col + p.width)}
    last = max(shared, key=lambda p: p.col)
    first_tail = None
    if last.mark.message:
        first_tail = (last.col + last.width + 1, last.mark.message, last.mark.style)
    rows = [_row(cells, first_tail, color)]
    hanging = sorted((p for p in shared if p is not last and p.mark.message), key=lambda p: -p.col)
    if hanging:
        rows.append(_row({p.col: ("|", p.mark.style) for p in hanging}, None, color))
        for i, p in enumerate(hanging):
            bars = {q.col: ("|", q.mark.style) for q in hanging[i + 1 :] if q.col < p.col}
            rows.append(_row(bars, (p.col, p.mark.message, p.mark.style), color))
    for p in alone:
        own = {c: (p.mark.char, p.mark.style) for c in range(p.col, p.col + p.width)}
        tail = (p.col + p.width + 1, p.mark.message, p.mark.style) if p.mark.message else None
        rows.append(_row(own, tail, color))
    return rows


def _row(cells: dict[int, tuple[str, str]], tail: tuple[int, str, str] | None, color: bool) -> str:
    """One row of single-column cells, then optionally a message starting at a column."""
    width = max(cells, default=-1) + 1
    if tail is not None:
        width = min(width, tail[0])
    runs: list[tuple[str, str | None]] = []  # (text, style), adjacent cells merged
    for c in range(width):
        ch, style = cells.get(c, (" ", None))
        if runs and runs[-1][1] == style:
            runs[-1] = (runs[-1][0] + ch, style)
        else:
            runs.append((ch, style))
    if tail is not None:
        runs.append((" " * (tail[0] - width), None))
        runs.append((tail[1], tail[2]))
    return "".join(_paint(text, style, color) for text, style in runs).rstrip()


# ------------------------------------------------------------- human rendering


@dataclass(slots=True)
class _Block:
    """The part of a diagnostic shown from one file."""

    file: SourceFile
    arrow: str  # "-->" for the diagnostic's own file, ":::" for others
    head: Span | None  # where the arrow line points
    lines: dict[int, list[_Mark]]


@dataclass(frozen=True, slots=True)
class _Suggestion:
    line: int
    text: str
    mark: _Mark


def _clamp(file: SourceFile, span: Span) -> tuple[int, int]:
    start = max(0, min(span.start, len(file.text)))
    return start, max(start, min(span.end, len(file.text)))


def _add_span(block: _Block, span: Span, char: str, style: str, message: str) -> None:
    """Add the marks for ``span``: one for a span within a line, two for a longer one."""
    file = block.file
    start, end = _clamp(file, span)
    first = file.position(start)
    if block.head is None:
        block.head = Span(start, end)

    def mark(line: int, s: int, e: int, msg: str) -> None:
        block.lines.setdefault(line, []).append(_Mark(s, e, char, style, msg))

    if end == start:
        mark(first.line, first.column - 1, first.column - 1, message)
        return
    last = file.position(end - 1)  # the last character, so a span ending in "\n" stays put
    if last.line == first.line:
        mark(first.line, first.column - 1, last.column, message)
        return
    mark(first.line, first.column - 1, max(len(file.line_text(first.line)), first.column), "")
    text = file.line_text(last.line)
    indent = len(text) - len(text.lstrip())
    mark(last.line, indent if indent < last.column else 0, last.column, message)


def _blocks(diag: Diagnostic, level: str) -> tuple[list[_Block], list[str]]:
    """Group the primary span and the labels by file; labels with no file become notes."""
    blocks: list[_Block] = []
    orphans: list[str] = []
    if diag.file is not None:
        blocks.append(_Block(diag.file, "-->", None, {}))
        if diag.span is not None:
            _add_span(blocks[0], diag.span, "^", level, "")
    for label in diag.labels:
        file = label.file if label.file is not None else diag.file
        if file is None:
            orphans.append(label.message)
            continue
        block = next((b for b in blocks if b.file is file or b.file == file), None)
        if block is None:
            block = _Block(file, ":::", None, {})
            blocks.append(block)
        _add_span(block, label.span, "-", "secondary", label.message)
    return blocks, orphans


def _suggestion(diag: Diagnostic) -> _Suggestion | None:
    """The edit of the diagnostic's help shown as the patched line, if it fits one line."""
    h, file = diag.help, diag.file
    if h is None or h.edit is None or file is None:
        return None
    rep = h.edit.replacement
    if "\n" in rep or "\r" in rep:
        return None
    start, end = _clamp(file, h.edit.span)
    first, last = file.position(start), file.position(end)
    text = file.line_text(first.line)
    s, e = first.column - 1, last.column - 1
    if last.line != first.line or e > len(text):
        return None
    if rep:
        mark = _Mark(s, s + len(rep), "+" if s == e else "~", "help")
        return _Suggestion(first.line, text[:s] + rep + text[e:], mark)
    return _Suggestion(first.line, text, _Mark(s, e, "-", "error"))


def _snippet(file: SourceFile, lines: dict[int, list[_Mark]], width: int, color: bool) -> list[str]:
    """Numbered source lines with their marks; a gap of several lines shows ``...``."""
    rows: list[str] = []
    prev: int | None = None
    for ln in sorted(lines):
        if prev is not None and ln - prev == 2:
            rows.extend(_shown_line(prev + 1, file.line_text(prev + 1), [], width, color))
        elif prev is not None and ln - prev > 2:
            rows.append(_paint("...", "gutter", color))
        rows.extend(_shown_line(ln, file.line_text(ln), lines[ln], width, color))
        prev = ln
    return rows


def _shown_line(number: int, text: str, marks: list[_Mark], width: int, color: bool) -> list[str]:
    rows = []
    bar = _paint(" " * width + " |", "gutter", color)
    for shown, placed in _windows(text, marks):
        rows.append(f"{_paint(f'{number:>{width}} |', 'gutter', color)} {shown}".rstrip())
        rows.extend(f"{bar} {r}" for r in _mark_rows(placed, color))
    return rows


def _inline(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    if len(text) > _MAX_INLINE_REPLACEMENT:
        text = text[:_MAX_INLINE_REPLACEMENT] + "..."
    return text


def render_human(diag: Diagnostic, *, color: bool = False) -> str:
    """The rustc-style text of one diagnostic, ending in a newline.

    ``color`` adds ANSI escapes; callers decide when (a terminal, ``NO_COLOR`` unset).
    Labels in the diagnostic's file are drawn with its primary span; labels in
    other files get a ``:::`` block each, as rustc does.  A help whose edit stays
    within one line is shown as the patched line (``+`` under inserted text, ``~``
    under replaced text, ``-`` under deleted text); other edits are quoted inline.
    """
    level = diag.severity.value
    head = f"{level}[{diag.code}]" if diag.code else level
    out = [_paint(head, level, color) + _paint(f": {diag.message}", "bold", color)]
    blocks, orphans = _blocks(diag, level)
    suggestion = _suggestion(diag)
    numbers = [ln for b in blocks for ln in b.lines]
    if suggestion is not None:
        numbers.append(suggestion.line)
    width = len(str(max(numbers, default=1)))
    pad = " " * width
    bar = _paint(pad + " |", "gutter", color)

    after_snippet = False
    for i, block in enumerate(blocks):
        if i > 0 and after_snippet:
            out.append(bar)
        where = block.file.name
        if block.head is not None:
            pos = block.file.position(block.head.start)
            where = f"{where}:{pos.line}:{pos.column}"
        out.append(f"{pad}{_paint(block.arrow, 'gutter', color)} {where}")
        after_snippet = bool(block.lines)
        if block.lines:
            out.append(bar)
            out.extend(_snippet(block.file, block.lines, width, color))

    tail = [("note", n) for n in (*diag.notes, *orphans)]
    if diag.help is not None and suggestion is None:
        msg = diag.help.message
        if diag.help.edit is not None and diag.help.edit.replacement:
            msg = f"{msg}: `{_inline(diag.help.edit.replacement)}`"
        tail.append(("help", msg))
    if tail and after_snippet:
        out.append(bar)
    for kind, text in tail:
        out.append(f"{pad} = {_paint(kind, 'bold', color)}: {text}")
        after_snippet = False

    if suggestion is not None and diag.help is not None:
        if after_snippet:
            out.append(bar)
        out.append(_paint("help", "help", color) + f": {diag.help.message}")
        out.append(bar)
        out.extend(_shown_line(suggestion.line, suggestion.text, [suggestion.mark], width, color))
    return "\n".join(out) + "\n"


# -------------------------------------------------------------------------- JSON


def _range(file: SourceFile | None, span: Span | None) -> dict[str, int | None]:
    if file is None or span is None:
        return {"line": None, "column": None, "end_line": None, "end_column": None}
    start, end = _clamp(file, span)
    a, b = file.position(start), file.position(end)
    return {"line": a.line, "column": a.column, "end_line": b.line, "end_column": b.column}


def render_json(diag: Diagnostic) -> dict[str, Any]:
    """The spec section 9 object for one diagnostic (ready for :func:`json.dumps`).

    Keys: ``code``, ``severity`` (``"error"``, ``"warning"`` or ``"note"``),
    ``message``, ``file`` (the name it was read under, or null), ``line``,
    ``column``, ``end_line``, ``end_column``, ``notes`` (list of strings),
    ``help`` (the help message, or null), ``fix`` and ``related``.

    Positions are 1-based and count characters (code points; the language server
    converts to UTF-16).  The end is exclusive: ``end_column`` is the column just
    after the last character, so an empty span has ``end_column == column`` and a
    span that ends with a line break ends at column 1 of the next line.  Positions
    are null when the diagnostic has no place in a file.

    ``fix`` is null unless the help carries an edit; then it is ``{"message",
    "replacement", "line", "column", "end_line", "end_column"}``, the range being
    the text to replace in ``file`` (empty for an insertion).  A help without an
    edit is not a fix: its message is only in ``help``.

    ``related`` lists the labels: ``{"file", "line", "column", "end_line",
    "end_column", "message"}`` each.
    """
    obj: dict[str, Any] = {
        "code": diag.code,
        "severity": diag.severity.value,
        "message": diag.message,
        "file": diag.file.name if diag.file is not None else None,
        **_range(diag.file, diag.span),
        "notes": list(diag.notes),
        "help": diag.help.message if diag.help is not None else None,
        "fix": None,
        "related": [],
    }
    if diag.help is not None and diag.help.edit is not None:
        edit = diag.help.edit
        obj["fix"] = {
            "message": diag.help.message,
            "replacement": edit.replacement,
            **_range(diag.file, edit.span),
        }
    for label in diag.labels:
        file = label.file if label.file is not None else diag.file
        obj["related"].append(
            {
                "file": file.name if file is not None else None,
                **_range(file, label.span),
                "message": label.message,
            }
        )
    return obj


# ----------------------------------------------------------------------- summary


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(errors: int, warnings: int, *, color: bool = False) -> str | None:
    """The closing line after a run, rustc's wording, or None when nothing was reported.

    ``error: aborting due to 2 previous errors; 1 warning emitted`` when there were
    errors, ``warning: 3 warnings emitted`` when there were only warnings.
    """
    if errors:
        text = f"aborting due to {_plural(errors, 'previous error')}"
        if warnings:
            text += f"; {_plural(warnings, 'warning')} emitted"
        return _paint("error", "error", color) + _paint(f": {text}", "bold", color)
    if warnings:
        text = f"{_plural(warnings, 'warning')} emitted"
        return _paint("warning", "warning", color) + _paint(f": {text}", "bold", color)
    return None
