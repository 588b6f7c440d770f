"""Every program of the language reference (`docs/reference/language.md`)
verifies as its marks say, and so do the cookbook's contracts and the standard
library's pure cells.

A reference program without marks verifies completely, with no warning;
`<!-- expect: ... -->` and `<!-- warn: ... -->` marks list exactly the
obligations not proven and the warnings (as in `test_book.py`).  Programs marked
`<!-- error: ... -->` do not compile (`testing/check/test_clean.py` holds them to
their codes) and fragments are statements out of their cell, so neither is
verified here."""

from __future__ import annotations

from pathlib import Path

import pytest
from block_results import verify_text
from doc_blocks import Block, reference_programs

from aura_core.stdlib import std_root
from aura_verify import Options, verify_paths

ROOT = Path(__file__).resolve().parents[2]

#: Cookbook cells whose contracts say too little for their callers' asserts
#: (modular verification: `fizzbuzz` has no postcondition) or that use text
#: and map operations modelled only in part.
COOKBOOK_NOT_VERIFIED = {"fizzbuzz_words": "failed", "word_count": "unknown"}


PROGRAMS = [b for b in reference_programs() if not b.is_fragment and not b.has_mark("error")]


def statuses(path: Path) -> dict[str, str]:
    files, compiled, _ = verify_paths([str(path)], Options(timeout=30.0))
    assert compiled
    return {c.name.name: c.status for f in files for c in f.cells}


def test_the_reference_has_programs_to_verify() -> None:
    assert len(PROGRAMS) >= 35


@pytest.mark.parametrize("block", PROGRAMS, ids=lambda b: f"line{b.line}")
def test_reference_program_verifies_as_marked(block: Block, tmp_path: Path) -> None:
    failures, warnings = verify_text(block.text, tmp_path / "example.aura")
    assert failures == block.expected("expect")
    assert warnings == block.expected("warn")


def test_binary_search_verifies() -> None:
    # Its time is a benchmark figure (testing/verify/bench_verify.py), not a test.
    path = ROOT / "cookbook" / "binary_search.aura"
    assert statuses(path)["binary_search"] == "verified"


@pytest.mark.parametrize("path", sorted((ROOT / "cookbook").glob("*.aura")), ids=lambda p: p.name)
def test_cookbook(path: Path) -> None:
    for name, status in statuses(path).items():
        assert status == COOKBOOK_NOT_VERIFIED.get(name, "verified"), name


@pytest.mark.parametrize("path", sorted(std_root().rglob("*.aura")), ids=lambda p: p.name)
def test_standard_library(path: Path) -> None:
    assert set(statuses(path).values()) <= {"verified"}
