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

from pathlib import Path

import pytest
from block_results import verify_text
from doc_blocks import Block, read_blocks

BOOK = Path(__file__).parents[2] / "docs" / "book"
CHAPTER = BOOK / "10_verification.md"

BLOCKS = read_blocks(CHAPTER)
PROGRAMS = [b for b in BLOCKS if b.lang == "aura"]
OUTPUTS = [b for b in BLOCKS if b.has_mark("output")]


def test_the_chapter_has_programs_and_outputs() -> None:
    assert len(PROGRAMS) >= 25 and len(OUTPUTS) >= 3
    assert all(b.lang in {"aura", "text", "json", "sh"} for b in BLOCKS)
    assert (BOOK / "README.md").read_text(encoding="utf-8").count("10_verification.md") == 1


@pytest.mark.parametrize("block", PROGRAMS, ids=[f"line{b.line}" for b in PROGRAMS])
def test_program_verifies_as_the_chapter_says(block: Block, tmp_path: Path) -> None:
    failures, warnings = verify_text(block.text, tmp_path / "example.aura")
    assert failures == block.expected("expect")
    assert warnings == block.expected("warn")
