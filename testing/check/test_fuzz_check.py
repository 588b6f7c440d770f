"""The checker never crashes: mutated programs give diagnostics, not exceptions."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from aura_core.check import check_modules
from aura_core.modules import ParsedModule
from aura_core.source import SourceFile
from aura_parse import parse_module

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "cookbook").glob("*.aura"))]
PIECES = [
    "x",
    "1",
    "-",
    "+",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    "?",
    " ",
    "\n    ",
    "val y = 1\n    ",
    "return ",
    "mut ",
    "None",
    "Some(",
    "true",
    "1u8",
    '"s"',
    "v[0]",
    " as i32",
    "result",
    "old(",
    "forall(i in 0..3): ",
    "match x:\n        _:\n            ",
]


@settings(max_examples=250)
@given(st.data())
def test_mutated_programs_check_without_crashing(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(PROGRAMS))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:at] + data.draw(st.sampled_from(PIECES)) + text[at:]
        else:
            text = text[:at] + text[at + data.draw(st.integers(1, 12)) :]
    source = SourceFile("fuzz.aura", text)
    parsed = parse_module(source)
    result = check_modules([ParsedModule(("fuzz",), "fuzz", source, parsed.module)])
    for d in result.diagnostics:
        assert d.code[0] in "EW" and d.message
