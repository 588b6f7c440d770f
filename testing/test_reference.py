"""The language reference (`docs/reference/language.md`) has the shape its
readers and its tests rely on: sections 1-16 in order, a "Not yet implemented"
box with a rejected program for each part of version 0.2 the checker refuses,
only marks that some test reads (a misspelt mark would leave its block
untested in the way the page claims), and the codes of each block that must
fail named where a reader sees them.

What the marks say is checked elsewhere: `testing/check/test_clean.py`
(errors), `testing/verify/test_spec_examples.py` (verification),
`packages/aura-parse/tests/test_parser.py` (parsing and formatting) and
`testing/test_doc_outputs.py` (transcripts).
"""

from __future__ import annotations

import re

from doc_blocks import REFERENCE, read_blocks

TEXT = REFERENCE.read_text(encoding="utf-8")
BLOCKS = read_blocks(REFERENCE)

#: The marks each kind of block may carry.
MARKS = {"aura": {"error", "expect", "warn"}, "text": {"output"}, "json": {"output"}}


def _sections() -> dict[int, str]:
    """Each numbered top-level section's number and text."""
    parts = re.split(r"^## (\d+)\. ", TEXT, flags=re.MULTILINE)
    return {int(n): body for n, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_sections_1_to_16_in_order() -> None:
    numbers = [int(n) for n in re.findall(r"^## (\d+)\. ", TEXT, flags=re.MULTILINE)]
    assert numbers == list(range(1, 17))


def test_every_part_of_0_2_says_it_is_not_implemented_and_shows_the_rejection() -> None:
    sections = _sections()
    for number in range(12, 17):
        body = sections[number]
        assert "**Not yet implemented.**" in body, number
        assert re.search(r"<!-- error: E\d{4} at \d+:\d+ -->\n```aura\n", body), number


def test_marks_are_ones_the_tests_read() -> None:
    for block in BLOCKS:
        allowed = MARKS.get(block.lang, set())
        unknown = {name for name, _ in block.marks} - allowed
        assert not unknown, f"line {block.line}: marks {unknown} on a {block.lang!r} block"


def test_a_rejected_program_is_neither_verified_nor_a_fragment() -> None:
    for block in BLOCKS:
        if block.has_mark("error"):
            assert not block.has_mark("expect") and not block.is_fragment, block.line


def test_a_block_that_fails_says_so_where_a_reader_sees_it() -> None:
    # Marks are HTML comments, hidden when the page is rendered, so the prose
    # just above the block names each code it must fail with.
    for block in BLOCKS:
        codes = {code for kind in ("error", "expect") for _, code, _, _ in block.expected(kind)}
        missing = {code for code in codes if code not in block.prose}
        assert not missing, f"line {block.line}: the prose above does not name {missing}"
