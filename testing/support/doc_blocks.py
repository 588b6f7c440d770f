"""The fenced blocks of a Markdown page, with the marks written before each.

A mark is an HTML comment in the prose between two blocks, such as
``<!-- output -->``, ``<!-- expect: V0007 at 4:16 -->``,
``<!-- error: E0109 at 3:17 -->`` or
``<!-- output: not run (needs a registry) -->``; it belongs to the block that
follows it.  Each block also knows the most recent ``aura`` block before it on
the same page: the program a terminal transcript runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: ``expect``, ``warn`` and ``error`` marks: ``V0007 at 4:16``, optionally with a
#: status first (``unknown V0009 at 3:12``).
_WHERE = re.compile(r"^(?:(failed|unknown|timeout) )?([EVW]\d{4}) at (\d+):(\d+)$")
#: The status a mark of each kind gives when it names none.
_DEFAULT_STATUS = {"expect": "failed", "warn": "warning", "error": "error"}

#: The language reference: its examples are the suites' test programs.
REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "language.md"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")
_MARK = re.compile(r"<!-- (\w[\w-]*)(?::(.*?))? -->", re.DOTALL)


@dataclass(frozen=True)
class Block:
    """A fenced code block: its language, its text and what the prose says of it."""

    path: Path
    #: The first word of the info string (``aura``, ``text``, ``json``) or "".
    lang: str
    text: str
    #: 1-based line of the block's first line of code.
    line: int
    #: ``(name, value)`` of each mark between the previous block and this one.
    marks: tuple[tuple[str, str], ...]
    #: The most recent ``aura`` block before this one on the page.
    program: str | None
    #: The page's text between the previous block and this one, marks left out:
    #: what a reader sees of the block's introduction.
    prose: str = ""

    def mark_values(self, name: str) -> list[str]:
        return [value for key, value in self.marks if key == name]

    def has_mark(self, name: str) -> bool:
        return any(key == name for key, _ in self.marks)

    def expected(self, kind: str) -> set[tuple[str, str, int, int]]:
        """``(status, code, line, column)`` of each ``expect``, ``warn`` or ``error``
        mark of this block: what must go wrong where, and nothing else."""
        out = set()
        for value in self.mark_values(kind):
            m = _WHERE.match(value)
            assert m, f"{self.path.name}:{self.line}: cannot read the mark `{kind}: {value}`"
            status = m.group(1) or _DEFAULT_STATUS[kind]
            out.add((status, m.group(2), int(m.group(3)), int(m.group(4))))
        return out

    @property
    def is_fragment(self) -> bool:
        """Statements shown out of their cell: the first line is ``# fragment``."""
        return self.text.lstrip("\n").split("\n", 1)[0].strip() == "# fragment"


def reference_programs() -> list[Block]:
    """The ``aura`` blocks of the language reference (which must exist)."""
    return [b for b in read_blocks(REFERENCE) if b.lang == "aura"]


def read_blocks(path: Path) -> list[Block]:
    """Every fenced block of the page at ``path``, in order (indented ones too)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    prose: list[str] = []
    program: str | None = None
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            prose.append(lines[i])
            i += 1
            continue
        indent, fence = m["indent"], m["fence"]
        info = m["info"].split()
        body: list[str] = []
        j = i + 1
        while j < len(lines):
            close = lines[j].strip()
            if close.startswith(fence[0] * len(fence)) and not close.strip(fence[0]):
                break
            line = lines[j]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            j += 1
        marks = tuple((k, (v or "").strip()) for k, v in _MARK.findall("\n".join(prose)))
        text = "\n".join(body) + "\n"
        lang = info[0] if info else ""
        shown = _MARK.sub("", "\n".join(prose)).strip()
        blocks.append(Block(path, lang, text, i + 2, marks, program, shown))
        if lang == "aura":
            program = text
        prose = []
        i = j + 1
    return blocks
