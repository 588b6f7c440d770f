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

from aura_core.keywords import RESERVED_WORDS
from aura_core.methods import method_names, static_function_names
from aura_core.prelude import option_type, result_type
from aura_core.stdlib import std_root
from aura_core.types import F64, STRING, MapType, Prim, Type, VecType

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


def test_the_reserved_words_listed_are_the_lexers() -> None:
    section = _sections()[1]
    listing = next(b for b in BLOCKS if b.lang == "text" and "invariant" in b.text)
    assert listing.text in section
    assert set(listing.text.split()) == RESERVED_WORDS


def _receiver(label: str) -> Type:
    """A receiver type for a row of the methods table (a fixed width for integers)."""
    receivers: dict[str, Type] = {
        "integers": Prim("u8"),
        "`f64`": F64,
        "`String`": STRING,
        "`Vec<T>`": VecType(Prim("i64")),
        "`Map<K, V>`": MapType(STRING, Prim("i64")),
        "`Option<T>`": option_type(Prim("i64")),
        "`Result<T, E>`": result_type(Prim("i64"), STRING),
    }
    return receivers[label]


def _named(cell: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The methods and the static functions (owner, name) a table cell names;
    ``checked_add/sub/mul(o)`` names three methods."""
    methods, statics = set(), set()
    for owner, names in re.findall(r"(?:(\w+)::)?(\w+(?:/\w+)*)\(", cell):
        first, *more = names.split("/")
        prefix = first.rsplit("_", 1)[0] + "_" if more else ""
        group = {first, *(prefix + m for m in more)}
        if owner:
            statics |= {(owner, n) for n in group}
        else:
            methods |= group
    return methods, statics


def test_the_methods_table_lists_every_built_in_method() -> None:
    table = _sections()[6].split("| type | methods |", 1)[1].split("\n\n", 1)[0]
    rows = [line.split(" | ", 1) for line in table.splitlines() if line.startswith("| ")]
    listed_statics = set()
    for label, cell in ((r[0].lstrip("| "), r[1]) for r in rows if not r[0].startswith("| ---")):
        methods, statics = _named(cell)
        assert methods == set(method_names(_receiver(label))), label
        listed_statics |= statics
    owners = {"Vec", "Map", "String"}
    assert listed_statics == {(o, n) for o in owners for n in static_function_names(o)}


def test_the_standard_modules_table_lists_every_public_declaration() -> None:
    table = _sections()[6].split("| module | contents |", 1)[1].split("\n\n", 1)[0]
    modules = {}
    for line in table.splitlines()[2:]:  # after the header row and the rule
        name, cell = line.strip("| ").split(" | ", 1)
        spans = re.findall(r"`(\w+)", cell)
        modules[name.strip("`")] = {w for w in spans if not w[0].isupper() or w.isupper()}
    declared = {}
    for path in sorted(std_root().glob("*.aura")):
        text = path.read_text(encoding="utf-8")
        names = re.findall(r"^pub (?:\w+ )*(?:cell|const) (\w+)", text, flags=re.MULTILINE)
        declared[f"std::{path.stem}"] = set(names)
    assert modules == declared
