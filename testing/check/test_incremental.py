"""Re-checking after an edit reuses unchanged cells and gives the fresh result."""

from __future__ import annotations

from pathlib import Path

from tree_spans import spans

from aura_core.check import CheckResult, check_modules
from aura_core.modules import ParsedModule
from aura_core.source import SourceFile
from aura_parse import parse_module
from aura_parse.parser import ParseResult

ROOT = Path(__file__).resolve().parents[2]
BASE = (ROOT / "cookbook" / "option_result.aura").read_text(encoding="utf-8")


def check(
    text: str, previous: tuple[ParseResult, CheckResult] | None = None
) -> tuple[ParseResult, CheckResult]:
    source = SourceFile("t.aura", text)
    parsed = parse_module(source, previous[0] if previous else None)
    module = ParsedModule(("t",), "t", source, parsed.module)
    return parsed, check_modules([module], previous[1] if previous else None)


def same(fresh: CheckResult, incremental: CheckResult) -> None:
    assert fresh.program == incremental.program
    assert spans(fresh.program.modules, []) == spans(incremental.program.modules, [])
    assert [(d.code, d.span, d.message, d.file) for d in fresh.diagnostics] == [
        (d.code, d.span, d.message, d.file) for d in incremental.diagnostics
    ]


def edit(text: str, anchor: str, insert: str) -> str:
    at = text.index(anchor)
    return text[:at] + insert + text[at:]


def test_editing_a_body_reuses_the_other_cells() -> None:
    first = check(BASE)
    text = edit(BASE, "    return Ok(sum)", "    val extra: i64 = 1\n")
    again = check(text, first)
    same(check(text)[1], again[1])
    old_cells = first[1].program.modules[("t",)].cells
    new_cells = again[1].program.modules[("t",)].cells
    assert new_cells["parse_count"] is old_cells["parse_count"]  # before the edit: as it was
    assert new_cells["describe"] is not old_cells["describe"]  # after it: moved


def test_an_error_introduced_and_fixed_again() -> None:
    first = check(BASE)
    broken_text = edit(BASE, "    return Ok(sum)", "    val oops: bool = 1\n")
    broken = check(broken_text, first)
    assert [d.code for d in broken[1].diagnostics] == ["E0109"]
    same(check(broken_text)[1], broken[1])
    fixed = check(BASE, broken)
    same(check(BASE)[1], fixed[1])
    assert fixed[1].diagnostics == ()


def test_a_signature_change_checks_everything_again() -> None:
    first = check(BASE)
    text = BASE.replace("cell first_even(v: Vec<i64>)", "cell first_even(v: Vec<i32>)")
    again = check(text, first)
    same(check(text)[1], again[1])
    assert again[1].diagnostics  # the callers now pass the wrong type
