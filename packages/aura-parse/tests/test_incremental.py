"""Parsing with the previous result gives exactly what a fresh parse gives."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aura_core.source import SourceFile, Span
from aura_parse import parse_module
from aura_parse.parser import ParseResult

ROOT = Path(__file__).resolve().parents[3]
BASE = (ROOT / "cookbook" / "option_result.aura").read_text(encoding="utf-8")


def spans(tree: Any, out: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Every span of a tree in order, with the kind of node that holds it."""
    if isinstance(tree, tuple):
        for x in tree:
            spans(x, out)
    elif dataclasses.is_dataclass(tree) and not isinstance(tree, type):
        for f in dataclasses.fields(tree):
            value = getattr(tree, f.name)
            if isinstance(value, Span):
                out.append((type(tree).__name__, value.start, value.end))
            elif not isinstance(value, SourceFile):
                spans(value, out)
    return out


def same(a: ParseResult, b: ParseResult) -> None:
    assert a.module == b.module
    assert spans(a.module, []) == spans(b.module, [])
    assert a.comments == b.comments and spans(a.comments, []) == spans(b.comments, [])
    assert [(d.code, d.span, d.message) for d in a.diagnostics] == [
        (d.code, d.span, d.message) for d in b.diagnostics
    ]
    assert all(d.file is b.source for d in b.diagnostics)


def test_editing_one_cell_reuses_the_others() -> None:
    old = parse_module(SourceFile("t.aura", BASE))
    at = BASE.index("    return Ok(sum)")
    text = BASE[:at] + "    val extra = 1\n" + BASE[at:]
    new = parse_module(SourceFile("t.aura", text), old)
    same(parse_module(SourceFile("t.aura", text)), new)
    reused = [c for c in new.chunks if any(c.decls is o.decls for o in old.chunks)]
    assert len(reused) >= 1  # declarations before the edit are reused as they were


@settings(max_examples=60)
@given(st.data())
def test_any_edit_gives_the_fresh_result(data: st.DataObject) -> None:
    old = parse_module(SourceFile("t.aura", BASE))
    start = data.draw(st.integers(0, len(BASE)))
    end = data.draw(st.integers(start, min(len(BASE), start + 30)))
    insert = data.draw(st.sampled_from(["", "x", "\n", "    ", "val y = 2\n", "(", "## d\n", "#"]))
    text = BASE[:start] + insert + BASE[end:]
    same(parse_module(SourceFile("t.aura", text)), parse_module(SourceFile("t.aura", text), old))
