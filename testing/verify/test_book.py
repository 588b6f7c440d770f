"""The verification chapter of the book (`docs/book/10_verification.md`) says
what `aura verify` does, and this test holds it to that.

Every ```aura block is a complete program, verified on its own:

- without a mark, every cell verifies and there is no warning;
- `<!-- expect: V0007 at 4:16 -->` lines (status `failed` unless written
  first, as in `<!-- expect: unknown V0009 at 3:12 -->`) list exactly the
  obligations that must not be proven;
- `<!-- warn: W0008 at 4:12 -->` lines list exactly the verifier's warnings.

The terminal outputs the chapter shows (blocks marked `<!-- output -->`) are
checked with those of every other page by `testing/test_doc_outputs.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from doc_blocks import Block, read_blocks

from aura_verify import Options, verify_paths

BOOK = Path(__file__).parents[2] / "docs" / "book"
CHAPTER = BOOK / "10_verification.md"

_EXPECT = re.compile(r"^(?:(failed|unknown|timeout) )?([VW]\d{4}) at (\d+):(\d+)$")

BLOCKS = read_blocks(CHAPTER)
PROGRAMS = [b for b in BLOCKS if b.lang == "aura"]
OUTPUTS = [b for b in BLOCKS if b.has_mark("output")]


def _expected(block: Block, kind: str) -> set[tuple[str, str, int, int]]:
    out = set()
    for value in block.mark_values(kind):
        m = _EXPECT.match(value)
        assert m, f"line {block.line}: cannot read the mark `{value}`"
        status = m.group(1) or ("warning" if kind == "warn" else "failed")
        out.add((status, m.group(2), int(m.group(3)), int(m.group(4))))
    return out


def test_the_chapter_has_programs_and_outputs() -> None:
    assert len(PROGRAMS) >= 25 and len(OUTPUTS) >= 3
    assert all(b.lang in {"aura", "text", "json", "sh"} for b in BLOCKS)
    assert (BOOK / "README.md").read_text(encoding="utf-8").count("10_verification.md") == 1


@pytest.mark.parametrize("block", PROGRAMS, ids=[f"line{b.line}" for b in PROGRAMS])
def test_program_verifies_as_the_chapter_says(block: Block, tmp_path: Path) -> None:
    path = tmp_path / "example.aura"
    path.write_text(block.text, encoding="utf-8")
    files, compiled, _ = verify_paths([str(path)], Options(timeout=30.0))
    errors = [d.message for f in files for d in f.diagnostics if d.is_error]
    assert compiled and not errors, errors
    cells = [c for f in files for c in f.cells]
    assert cells
    failures = set()
    for c in cells:
        for fl in c.failures:
            pos = fl.file.position(fl.span.start)
            failures.add((fl.status, fl.code, pos.line, pos.column))
    warnings = set()
    for f in files:
        for d in f.diagnostics:
            assert d.file is not None and d.span is not None
            pos = d.file.position(d.span.start)
            warnings.add(("warning", d.code, pos.line, pos.column))
    assert failures == _expected(block, "expect")
    assert warnings == _expected(block, "warn")
