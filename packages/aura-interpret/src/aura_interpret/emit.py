"""Writing generated Python source line by line, with its map back to Aura.

Expression code is built as strings.  Where an operation that can panic or
call a cell begins, the generator inserts a *mark* (:meth:`Emitter.mark`), an
invisible token holding the operation's Aura offset.  :meth:`Emitter.line`
turns every mark into a line break -- legal because the generator only marks
inside brackets, and wraps statement-level expressions that contain marks in
parentheses (:func:`wrap`) -- and records the offset of each physical line.
See :mod:`aura_interpret.sourcemap` for how the table is used.

Offsets are into the cell's own file, except while :attr:`Emitter.file` names
another: a refinement predicate of a type declared in another module is
generated into the cell that checks it, and its operations are that module's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from aura_core.source import SourceFile
from aura_interpret.sourcemap import Site

__all__ = ["Emitter", "has_mark", "wrap"]

_MARK = re.compile("\x01(\\d+)\x02")
_INDENT = "    "


def has_mark(code: str) -> bool:
    return "\x01" in code


def wrap(code: str) -> str:
    """``code`` in parentheses if it holds a mark (so that it may span lines)."""
    return f"({code})" if has_mark(code) else code


class Emitter:
    """The lines of one generated function and the Aura offset of each."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        #: ``offsets[n]`` is the Aura offset of physical line ``n`` (1-based).
        self.offsets: list[int] = [0]
        self.sites: dict[int, Site] = {}
        #: ``files[n]``: the file of line ``n``'s offset, when it is not the cell's.
        self.files: dict[int, SourceFile] = {}
        #: The file of the offsets given from now on; None while it is the cell's.
        self.file: SourceFile | None = None
        self.depth = 0
        self._marks: list[tuple[int, Site | None, SourceFile | None]] = []

    def mark(self, offset: int, site: Site | None = None) -> str:
        """A token placed where an operation at Aura ``offset`` (of :attr:`file`) begins."""
        self._marks.append((offset, site, self.file))
        return f"\x01{len(self._marks) - 1}\x02"

    @contextmanager
    def indented(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def line(self, text: str, offset: int) -> None:
        """Emit one statement (which may span several physical lines)."""
        pieces = _MARK.split(text)
        segments: list[tuple[str, int, Site | None, SourceFile | None]] = [
            (pieces[0], offset, None, self.file)
        ]
        for k in range(1, len(pieces), 2):
            mark_offset, site, file = self._marks[int(pieces[k])]
            prev_text, _, prev_site, _ = segments[-1]
            if not prev_text.strip():
                # Nothing of the statement before this mark: the mark names the line.
                segments[-1] = (prev_text + pieces[k + 1], mark_offset, site or prev_site, file)
            else:
                segments.append((pieces[k + 1], mark_offset, site, file))
        pad = _INDENT * self.depth
        for n, (seg, seg_offset, site, file) in enumerate(segments):
            self.lines.append((pad if n == 0 else pad + _INDENT * 2) + (seg if n else seg.lstrip()))
            self.offsets.append(seg_offset)
            if site is not None:
                self.sites[len(self.lines)] = site
            if file is not None:
                self.files[len(self.lines)] = file

    def source(self) -> str:
        return "\n".join(self.lines) + "\n"
