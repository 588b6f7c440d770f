"""Programs that must check clean: the language reference's examples, the
cookbook, the standard library.

A reference example marked `<!-- error: E0109 at 3:17 -->` must instead fail with
exactly the errors its marks list (code and position): the reference shows what
the checker rejects, including the parts of the language not implemented yet."""

from __future__ import annotations

from pathlib import Path

import pytest
from doc_blocks import Block, reference_programs

from aura_core.stdlib import std_root
from aura_parse.check_command import check_program

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [b for b in reference_programs() if not b.is_fragment]


def errors(entry: Path) -> list[str]:
    return [
        f"{d.code} {d.file.name if d.file else ''}:"
        f"{d.file.position(d.span.start).line if d.file and d.span else 0} {d.message}"
        for d in check_program(entry)
        if d.is_error
    ]


def test_the_reference_shows_rejected_programs() -> None:
    assert len(EXAMPLES) >= 50
    assert sum(b.has_mark("error") for b in EXAMPLES) >= 10


@pytest.mark.parametrize("block", EXAMPLES, ids=lambda b: f"line{b.line}")
def test_reference_example_checks_as_marked(block: Block, tmp_path: Path) -> None:
    path = tmp_path / "example.aura"
    path.write_text(block.text, encoding="utf-8")
    found = set()
    for d in check_program(path):
        if d.is_error:
            assert d.file is not None and d.span is not None, d.message
            pos = d.file.position(d.span.start)
            found.add(("error", d.code, pos.line, pos.column))
    assert found == block.expected("error"), errors(path)


@pytest.mark.parametrize("path", sorted((ROOT / "cookbook").glob("*.aura")), ids=lambda p: p.name)
def test_cookbook_checks_clean(path: Path) -> None:
    assert errors(path) == []


@pytest.mark.parametrize("path", sorted(std_root().rglob("*.aura")), ids=lambda p: p.name)
def test_standard_library_checks_clean(path: Path) -> None:
    assert errors(path) == []
