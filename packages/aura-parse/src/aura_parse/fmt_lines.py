"""Output lines, comment placement and rendering for the formatter.

:mod:`aura_parse.formatter` lays a module out as a list of :class:`Unit` (one
output line each, with the source offsets it shows); this module puts the
comments back among them and prints the result with the canonical blank lines.
Keeping the two apart means no printing routine has to know about comments:
placement uses only offsets and, with a source, columns.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from aura_core import ast
from aura_core.source import SourceFile

__all__ = ["INDENT", "Unit", "place_comments", "render"]

#: One level of indentation.
INDENT = "    "
#: Declaration kinds whose consecutive members are not separated by a blank line.
_GROUPED = ("import", "const")


@dataclass(slots=True)
class Unit:
    """One output line (plus doc lines above it): a unit of code or an own-line comment.

    ``start``/``end`` are the source offsets of what the line shows (for a block
    header, only the head); comments falling inside that range were written
    inside a construct this line collapses, so they trail the line.
    """

    depth: int
    lines: list[str]
    start: int | None = None
    end: int | None = None
    #: Top-level declaration kind ("import", "const", "type", "cell"); None elsewhere.
    decl: str | None = None
    #: The line ends with ``:`` and the following deeper items are its block.
    opens: bool = False
    is_comment: bool = False
    trailing: list[tuple[int, str]] = field(default_factory=list)


# ---------------------------------------------------------------------- comments


def place_comments(
    units: list[Unit], comments: Sequence[ast.Comment], source: SourceFile | None
) -> list[Unit]:
    """Interleave comments with the units; returns the output sequence.

    A trailing comment, or any comment inside the source range a unit shows,
    trails that unit's line.  An own-line comment goes before the next unit, at
    that unit's depth, unless it is indented at least as deep as a block that
    closes in between: then it ends that block (needs the source for columns).
    """
    anchored = sorted((u.start, i) for i, u in enumerate(units) if u.start is not None)
    starts = [s for s, _ in anchored]
    before: dict[int, list[Unit]] = {}
    # Units followed by an own-line comment: a later trailing comment cannot be
    # theirs (it follows code no unit shows, such as `else` without a source,
    # or the `)` of a multi-line header) and goes with those comments instead.
    followed: set[int] = set()
    for c in sorted(comments, key=lambda c: c.span.start):
        text = c.text.rstrip()
        o = c.span.start
        k = bisect.bisect_right(starts, o) - 1
        owner = anchored[k][1] if k >= 0 else None
        if owner is not None:
            u = units[owner]
            inside = u.end is not None and o < u.end
            if inside or (not c.own_line and owner not in followed):
                u.trailing.append((o, text))
                continue
            followed.add(owner)
        nxt = anchored[k + 1][1] if k + 1 < len(anchored) else len(units)
        depth = _comment_depth(units, owner, nxt, o, source)
        before.setdefault(nxt, []).append(Unit(depth, [text], o, o + 1, is_comment=True))
    seq: list[Unit] = []
    for i, u in enumerate(units):
        seq.extend(before.get(i, ()))
        seq.append(u)
    seq.extend(before.get(len(units), ()))
    return seq


def _comment_depth(
    units: list[Unit], prev: int | None, nxt: int, offset: int, source: SourceFile | None
) -> int:
    """Depth of an own-line comment between units ``prev`` and ``nxt``.

    Blocks at depths between the two close there; the comment ends the deepest
    of them whose statements start at or left of the comment's column.
    """
    floor = units[nxt].depth if nxt < len(units) else 0
    if source is None or prev is None:
        return floor
    column = source.position(offset).column
    for depth in range(units[prev].depth, floor, -1):
        for j in range(prev, -1, -1):
            u = units[j]
            if u.depth < depth:
                break
            if u.depth == depth and u.start is not None:
                if column >= source.position(u.start).column:
                    return depth
                break
    return floor


# --------------------------------------------------------------------- rendering


def render(seq: list[Unit], source: SourceFile | None) -> str:
    """The final text: indentation, trailing comments and blank lines.

    Blank lines between top-level declarations follow fixed rules so that
    every file agrees; inside blocks they follow the source, where a blank line
    usually separates steps of an algorithm that the reader should see.
    """
    # The declaration each item leads into: top-level comments belong to the next one.
    leads: list[str | None] = [None] * len(seq)
    upcoming: str | None = None
    for i in range(len(seq) - 1, -1, -1):
        upcoming = seq[i].decl if seq[i].decl is not None else upcoming
        leads[i] = upcoming
    out: list[str] = []
    prev: Unit | None = None
    last_decl: str | None = None  # kind of the last declaration printed
    in_group = False  # comments leading into the next declaration were printed
    for i, item in enumerate(seq):
        if item.decl is not None or (item.is_comment and item.depth == 0):
            kind = leads[i]
            if kind is not None and not in_group:
                # Exactly one blank line between declarations; none inside a run
                # of imports, and inside a run of consts only where the source
                # had one (documented consts read better apart). Leading
                # comments travel with their declaration.
                grouped = last_decl == kind and kind in _GROUPED
                blank = last_decl is not None and (
                    not grouped or (kind == "const" and _source_blank(prev, item, source))
                )
            else:
                blank = _source_blank(prev, item, source)
            if item.decl is not None:
                last_decl, in_group = item.decl, False
            elif kind is not None:
                in_group = True
        elif prev is not None and prev.opens and item.depth > prev.depth:
            blank = False  # never a blank line at the top of a block
        else:
            blank = _source_blank(prev, item, source)
        if blank and out:
            out.append("")
        prefix = INDENT * item.depth
        out.extend(prefix + line for line in item.lines)
        if item.trailing:
            out[-1] += "".join("  " + text for _, text in item.trailing)
        prev = item
    return "\n".join(out) + "\n" if out else ""


def _source_blank(prev: Unit | None, item: Unit, source: SourceFile | None) -> bool:
    """Whether the source had a blank line between what ``prev`` and ``item`` show."""
    if source is None or prev is None or prev.start is None or item.start is None:
        return False
    last = _last_line(prev, source)
    first = source.position(item.start).line
    return any(not source.line_text(n).strip() for n in range(last + 1, first))


def _last_line(item: Unit, source: SourceFile) -> int:
    assert item.start is not None
    end = item.end if item.end is not None and item.end > item.start else item.start + 1
    line = source.position(end - 1).line
    for o, _ in item.trailing:
        line = max(line, source.position(o).line)
    return line
