"""Reuse gives the fresh answer for spans a cell borrows from other declarations.

A cell's typed definition holds nodes of other declarations: the predicate of a
refinement alias, the typed default of a record field, a callee's signature.
Their spans point into the declaring module, which may not be the cell's own.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tree_spans import spans

from aura_core.check import CheckResult, check_modules
from aura_core.check.reuse import reuse_plan
from aura_core.modules import ParsedModule
from aura_core.source import SourceFile
from aura_core.types import QualName
from aura_parse import parse_module

B = (
    "pub type Pos = { n: i64 | n > 0 }\n"
    "pub type Conf = record { size: i64 = 1 + 2, step: Pos = 3 }\n"
    "pub cell make(x: i64 where x > 0) -> { v: i64 | v > 1 }:\n"
    "    return 2\n"
)
A = (
    "import b\n"
    "type Near = { k: i64 | k < 9 }\n"
    "cell first() -> i64:\n"
    "    return 1\n"
    "\n"
    "cell use(p: b::Pos) -> i64:\n"
    "    val c = b::Conf {}\n"
    "    val q: b::Pos = p\n"
    "    val m = b::make(1)\n"
    "    return c.size + q + m + later()\n"
    "\n"
    "cell later() -> Near:\n"
    "    return 3\n"
)


def modules(a: str, b: str) -> list[ParsedModule]:
    out = []
    for name, text in (("a", a), ("b", b)):
        source = SourceFile(f"{name}.aura", text)
        parsed = parse_module(source)
        assert parsed.ok, [d.message for d in parsed.diagnostics]
        out.append(ParsedModule((name,), "a", source, parsed.module))
    return out


def diagnostics(result: CheckResult) -> list[Any]:
    return [
        (
            d.code,
            d.message,
            d.span,
            d.file,
            [(label.span, label.message, label.file) for label in d.labels],
        )
        for d in result.diagnostics
    ]


def assert_same(fresh: CheckResult, again: CheckResult) -> None:
    assert fresh.program == again.program
    assert spans(fresh.program.modules, []) == spans(again.program.modules, [])
    assert diagnostics(fresh) == diagnostics(again)
    files = {m.path: m.source for m in again.modules}
    for d in again.diagnostics:  # the very files of this check, not earlier versions
        assert d.file is None or d.file is files[(d.file.name.removesuffix(".aura"),)]


def recheck(a0: str, b0: str, a1: str, b1: str) -> tuple[CheckResult, CheckResult]:
    first = check_modules(modules(a0, b0))
    new = modules(a1, b1)
    return check_modules(new), check_modules(new, first)


def reused(a0: str, b0: str, a1: str, b1: str) -> set[str]:
    """The cells of module ``a`` whose previous results the re-check takes over."""
    first = check_modules(modules(a0, b0))
    plan = reuse_plan(
        modules(a1, b1),
        first.modules,
        first.program,
        first.cell_diagnostics,
        first.cell_borrowed,
    )
    return {q.name for q in plan if q.module == ("a",)}


def test_an_edit_above_a_cell_leaves_spans_borrowed_from_another_module() -> None:
    a1 = A.replace("cell first()", "# moves the cells below\ncell first()")
    fresh, again = recheck(A, B, a1, B)
    assert_same(fresh, again)
    assert reused(A, B, a1, B) == {"first", "use", "later"}  # moved, not checked again


def test_moving_a_borrowed_declaration_moves_the_spans_that_borrow_it() -> None:
    b1 = "## Positive numbers.\n\n" + B
    fresh, again = recheck(A, B, A, b1)
    assert_same(fresh, again)
    assert reused(A, B, A, b1) == {"first", "use", "later"}


def test_editing_a_callee_s_body_leaves_its_callers_reused() -> None:
    b1 = ("# moves `make`\n" + B).replace("    return 2\n", "    val two = 2\n    return two\n")
    fresh, again = recheck(A, B, A, b1)
    assert_same(fresh, again)
    assert reused(A, B, A, b1) == {"first", "use", "later"}
    b2 = B.replace("make(x: i64 where x > 0)", "make(x: i64 where x  > 0)")
    fresh, again = recheck(A, B, A, b2)
    assert_same(fresh, again)
    assert reused(A, B, A, b2) == {"first", "later"}  # its signature's text changed


def test_spaces_inside_an_unchanged_tree_move_its_spans() -> None:
    a1 = A.replace("return c.size + q", "return c.size  +  q")
    b1 = B.replace("n > 0", "n >  0")
    fresh, again = recheck(A, B, a1, b1)
    assert_same(fresh, again)


def test_the_check_records_what_a_cell_borrowed_and_from_where() -> None:
    result = check_modules(modules(A, B))
    owners = set(result.cell_borrowed[QualName(("a",), "use")].values())
    assert owners == {QualName(("b",), n) for n in ("Pos", "Conf", "make")} | {
        QualName(("a",), "Near")
    }
    assert not result.cell_borrowed[QualName(("a",), "first")]


def test_a_cell_above_an_edit_borrowing_from_below_it() -> None:
    a1 = A.replace("    return 3\n", "    val pad = 0\n    return 3\n").replace(
        "    return 1\n", "    val grown = 1\n    return 1\n"
    )
    fresh, again = recheck(A, B, a1, B)
    assert_same(fresh, again)


def test_a_diagnostic_keeps_naming_the_current_files() -> None:
    a0 = A.replace("val q: b::Pos = p", "val q: b::Pos = true").replace("b::make(1)", "b::make()")
    a1 = a0.replace("cell first()", "\n\ncell first()")
    b1 = "\n" + B
    fresh, again = recheck(a0, B, a1, b1)
    assert_same(fresh, again)
    (wrong_count,) = (d for d in again.diagnostics if d.code == "E0108")
    (declared,) = wrong_count.labels
    assert declared.file is again.modules[1].source  # the callee is declared in `b`
    assert b1[declared.span.start :].startswith("pub cell make(")


@settings(max_examples=25)
@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 10_000), st.sampled_from(["\n", "\n# x\n", " "])),
        min_size=1,
        max_size=3,
    )
)
def test_random_line_insertions_in_either_module_give_the_fresh_answer(
    edits: list[tuple[bool, int, str]],
) -> None:
    previous = check_modules(modules(A, B))
    a, b = A, B
    for in_a, where, text in edits:
        target = a if in_a else b
        # Line breaks, or the spaces after `=` (inside a declaration).
        breaks = [i + 1 for i, ch in enumerate(target) if ch == ("\n" if text != " " else "=")]
        at = breaks[where % len(breaks)]
        changed = target[:at] + text + target[at:]
        a, b = (changed, b) if in_a else (a, changed)
        new = modules(a, b)
        again = check_modules(new, previous)
        assert_same(check_modules(new), again)
        previous = again
