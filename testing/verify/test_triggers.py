"""Triggers of quantifiers over a type (spec section 5): the warnings W0008 (no
usable trigger) and W0009 (a trigger the verifier combined), where they are
given, how they are printed, and that the chosen patterns reach the solver.

Each program under `triggers/` ends with `# warn: CODE LINE:COLUMN` lines (or
`# warn: none`): the exact set of trigger warnings it must produce.  Every
cell of these programs verifies: a trigger warning never changes a verdict.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import z3
from click.testing import CliRunner

from aura_core.cli import main as aura
from aura_core.explain import explanation
from aura_verify import Options, verify_paths
from aura_verify.triggers import NO_TRIGGER, TRIGGER_CHOSEN, choose

HERE = Path(__file__).parent
PROGRAMS = sorted((HERE / "triggers").glob("*.aura"))
_WARN = re.compile(r"^# warn: (?:(W\d{4}) (\d+):(\d+)|none)$", re.MULTILINE)
_CODES = {NO_TRIGGER, TRIGGER_CHOSEN}


def _warnings(path: Path) -> tuple[set[tuple[str, int, int]], list[str]]:
    files, compiled, _ = verify_paths([str(path)], Options(timeout=30.0))
    assert compiled
    found = set()
    statuses: list[str] = []
    for f in files:
        for d in f.diagnostics:
            if d.code in _CODES:
                assert d.file is not None and d.span is not None
                pos = d.file.position(d.span.start)
                found.add((d.code, pos.line, pos.column))
        statuses.extend(c.status for c in f.cells)
    return found, statuses


def test_every_warning_has_programs() -> None:
    codes = {m.group(1) for p in PROGRAMS for m in _WARN.finditer(p.read_text("utf-8"))}
    assert codes == {NO_TRIGGER, TRIGGER_CHOSEN, None}


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_trigger_warnings_are_exactly_the_expected_ones(path: Path) -> None:
    marks = list(_WARN.finditer(path.read_text(encoding="utf-8")))
    assert marks, "the program says which warnings it expects"
    expected = {(m.group(1), int(m.group(2)), int(m.group(3))) for m in marks if m.group(1)}
    found, statuses = _warnings(path)
    assert found == expected
    assert statuses and all(s == "verified" for s in statuses)


def test_the_chosen_trigger_is_named_as_written() -> None:
    files, _, _ = verify_paths([str(HERE / "triggers" / "chosen_in_contract.aura")], Options())
    (d,) = [d for f in files for d in f.diagnostics if d.code == TRIGGER_CHOSEN]
    assert "`m.contains_key(a)`, `m.contains_key(b)`" in d.message


def test_warnings_appear_in_both_output_formats() -> None:
    path = str(HERE / "triggers" / "no_trigger_arith.aura")
    human = CliRunner().invoke(aura, ["verify", path])
    assert human.exit_code == 0
    assert "warning[W0008]: this quantifier has no usable trigger" in human.stderr
    result = CliRunner().invoke(aura, ["verify", "--format", "json", path])
    assert result.exit_code == 0
    (file,) = json.loads(result.stdout)["files"]
    (w,) = file["diagnostics"]
    assert (w["code"], w["severity"], w["line"], w["column"]) == ("W0008", "warning", 4, 12)


# ------------------------------------------------------------- the choice


def test_a_single_term_with_every_variable_is_the_pattern() -> None:
    x, y = z3.Ints("x y")
    f = z3.Function("f", z3.IntSort(), z3.IntSort(), z3.IntSort())
    g = z3.Function("g", z3.IntSort(), z3.IntSort())
    choice = choose(f(g(x), y) + g(x) > 0, [x, y])
    assert not choice.chosen
    assert [str(t) for t in choice.terms()] == ["f(g(x), y)"]


def test_minimal_terms_are_preferred_and_all_kept_as_alternatives() -> None:
    x = z3.Int("x")
    f = z3.Function("f", z3.IntSort(), z3.IntSort())
    g = z3.Function("g", z3.IntSort(), z3.IntSort())
    choice = choose(z3.And(f(g(x)) > 0, g(x) < 5, f(x) > 1), [x])
    assert sorted(str(t) for t in choice.terms()) == ["f(x)", "g(x)"]
    assert len(choice.z3_patterns()) == 2


def test_arithmetic_on_a_bound_variable_is_not_a_trigger() -> None:
    x = z3.Int("x")
    f = z3.Function("f", z3.IntSort(), z3.IntSort())
    n = z3.Int("n")
    assert not choose(f(x + 1) > x, [x]).found
    # Arithmetic on values that do not mention the bound variable is fine.
    assert [str(t) for t in choose(f(x) > n + 1, [x]).terms()] == ["f(x)"]


def test_terms_with_an_if_are_not_given_to_z3() -> None:
    x, c = z3.Ints("x c")
    f = z3.Function("f", z3.IntSort(), z3.IntSort(), z3.IntSort())
    choice = choose(f(z3.If(c > 0, c, 0), x) > 0, [x])
    assert choice.found and choice.z3_patterns() == []


def test_vector_reads_are_triggers_left_to_z3() -> None:
    """Z3 rewrites ``seq.nth`` internally: an explicit pattern on it never
    matches, so a quantifier with one gets Z3's own selection instead."""
    x = z3.Int("x")
    v = z3.Const("v", z3.SeqSort(z3.IntSort()))
    f = z3.Function("f", z3.IntSort(), z3.IntSort())
    choice = choose(z3.And(v[x] > 0, f(x) > 0), [x])
    assert sorted(str(t) for t in choice.terms()) == ["Nth(v, x)", "f(x)"]
    assert choice.z3_patterns() == []


def test_a_quantified_fact_with_its_trigger_is_used() -> None:
    """The pattern the verifier attaches lets the solver instantiate the fact
    even with model-based instantiation off."""
    x, n = z3.Ints("x n")
    f = z3.Function("f", z3.IntSort(), z3.IntSort())
    choice = choose(f(x) > 0, [x])
    s = z3.Solver()
    s.set("mbqi", False)
    s.add(z3.ForAll([x], f(x) > 0, patterns=choice.z3_patterns()), z3.Not(f(n) > 0))
    assert s.check() == z3.unsat


@pytest.mark.parametrize("code", sorted(_CODES))
def test_explanation_pages_agree(code: str, tmp_path: Path) -> None:
    page = explanation(code)
    assert page is not None
    example, fix = re.findall(r"^```aura\n(.*?)^```$", page, flags=re.MULTILINE | re.DOTALL)
    for text, warned in ((example, True), (fix, False)):
        path = tmp_path / "page.aura"
        path.write_text(text, encoding="utf-8")
        found, statuses = _warnings(path)
        assert any(c == code for c, _, _ in found) == warned
        assert statuses and all(s == "verified" for s in statuses)
