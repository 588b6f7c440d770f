"""Every Aura program the project shows must parse: the cookbook and the docs.

Collected: each ``cookbook/*.aura`` file, and each fenced code block marked
``aura`` in ``docs/**/*.md`` and the top-level ``README.md``.  A block whose first
line is ``# fragment`` holds statements shown outside their cell; it is wrapped
in one before parsing.  A block marked with a syntax error
(``<!-- error: E0010 at 2:10 -->``) must fail to parse with that code.  The
cookbook is also run through the installed ``aura check`` command.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from doc_blocks import read_blocks

from aura_core.source import SourceFile

ROOT = Path(__file__).resolve().parent.parent
COOKBOOK = sorted((ROOT / "cookbook").glob("*.aura"))
DOCS = sorted((ROOT / "docs").rglob("*.md")) + sorted(ROOT.glob("README.md"))


@dataclass(frozen=True)
class Block:
    """An ``aura`` code block: where it is and its text."""

    path: Path
    line: int  # 1-based line of the block's first line of code
    text: str
    #: The codes of the parser's errors (E00xx) that the block's marks expect.
    syntax_errors: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def is_fragment(self) -> bool:
        first = self.text.lstrip("\n").split("\n", 1)[0].strip()
        return first == "# fragment"


def aura_blocks(path: Path) -> list[Block]:
    """The fenced blocks whose info string starts with ``aura`` in a Markdown file."""
    return [
        Block(
            path,
            b.line,
            b.text,
            frozenset(e[1] for e in b.expected("error") if e[1].startswith("E00")),
        )
        for b in read_blocks(path)
        if b.lang == "aura"
    ]


def as_module(block: Block) -> str:
    """The block as a whole module: fragments become the body of a cell."""
    if not block.is_fragment:
        return block.text
    body = ["    " + line if line.strip() else "" for line in block.text.splitlines()]
    return "cell fragment():\n" + "\n".join(body) + "\n"


def describe(result: object, source: SourceFile) -> str:
    lines = []
    for d in getattr(result, "diagnostics", ()):
        where = source.name
        if d.span is not None:
            pos = (d.file or source).position(d.span.start)
            where = f"{where}:{pos.line}:{pos.column}"
            line_text = (d.file or source).line_text(pos.line)
            lines.append(
                f"{d.severity.value}[{d.code}]: {d.message}\n  --> {where}\n  | {line_text}"
            )
        else:
            lines.append(f"{d.severity.value}[{d.code}]: {d.message} ({where})")
    return "\n".join(lines)


def check_parses(source: SourceFile) -> None:
    from aura_parse import parse_module

    result = parse_module(source)
    errors = [d for d in result.diagnostics if d.is_error]
    assert result.ok and not errors, "\n" + describe(result, source)
    assert result.module is not None


DOC_BLOCKS = [b for path in DOCS for b in aura_blocks(path)]


def test_cookbook_is_not_empty() -> None:
    names = {p.name for p in COOKBOOK}
    assert "binary_search.aura" in names
    assert len(COOKBOOK) >= 6


@pytest.mark.parametrize("path", COOKBOOK, ids=lambda p: p.name)
def test_cookbook_program_parses(path: Path) -> None:
    check_parses(SourceFile.from_path(path, str(path.relative_to(ROOT))))


@pytest.mark.parametrize("block", DOC_BLOCKS, ids=lambda b: b.id)
def test_docs_code_block_parses(block: Block) -> None:
    if not block.syntax_errors:
        check_parses(SourceFile(block.id, as_module(block)))
        return
    from aura_parse import parse_module

    result = parse_module(SourceFile(block.id, block.text))
    assert {d.code for d in result.diagnostics if d.is_error} == block.syntax_errors


def _check_command() -> click.Command:
    eps = {ep.name: ep for ep in entry_points(group="aura.commands")}
    assert "check" in eps, "aura-parse does not register an `aura check` command"
    command = eps["check"].load()
    assert isinstance(command, click.Command)
    return command


def test_aura_check_accepts_the_cookbook() -> None:
    result = CliRunner().invoke(
        _check_command(), [str(p) for p in COOKBOOK], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output


def test_block_extraction(tmp_path: Path) -> None:
    doc = tmp_path / "page.md"
    doc.write_text(
        "# Title\n\n```aura\ncell main():\n    println(1)\n```\n\n"
        "```python\nprint(1)\n```\n\n"
        "- a list item:\n\n  ```aura\n  # fragment\n  val x = 1\n  ```\n",
        encoding="utf-8",
    )
    blocks = aura_blocks(doc)
    assert [b.line for b in blocks] == [4, 15]
    assert blocks[0].text == "cell main():\n    println(1)\n"
    assert not blocks[0].is_fragment
    assert blocks[1].is_fragment
    assert as_module(blocks[1]) == "cell fragment():\n    # fragment\n    val x = 1\n"
