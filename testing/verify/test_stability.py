"""`aura verify --stability N` (aura_verify/stability.py): the project's own
verified programs are stable under mutated queries, and an obligation whose
proof hangs on the shape of its query is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from doc_blocks import read_blocks

from aura_core.cli import main as aura
from aura_core.stdlib import std_root

ROOT = Path(__file__).resolve().parents[2]

#: Near its budget, the postcondition's proof succeeds or runs out by the order
#: of the assertions and the names of the symbols (as measured: 66,000 to
#: 150,000+ units over ten mutations).
NEAR_THE_BUDGET = """\
# verify: rlimit = 150_000
pure cell gcd(a: i64, b: i64) -> i64:
    requires a >= 0 and b >= 0
    ensures result >= 0
    decreases b
    if b == 0:
        return a
    return gcd(b, a % b)
"""


def _book_programs(tmp_path: Path) -> list[Path]:
    out = []
    blocks = read_blocks(ROOT / "docs" / "book" / "10_verification.md")
    for n, block in enumerate(b for b in blocks if b.lang == "aura"):
        path = tmp_path / f"book{n}.aura"
        path.write_text(block.text, encoding="utf-8")
        out.append(path)
    return out


# About a minute of one core, measured at 73 s (the heaviest obligations use
# millions of units, ten times each): a group of its own, so that pytest-xdist's
# loadgroup runs it beside the rest rather than after it.
@pytest.mark.xdist_group("stability")
def test_the_projects_own_verified_programs_are_stable(tmp_path: Path) -> None:
    paths = [
        *sorted((ROOT / "cookbook").glob("*.aura")),
        *_book_programs(tmp_path),
        *sorted((ROOT / "testing" / "bench" / "interp" / "verified").glob("*.aura")),
        *sorted(std_root().rglob("*.aura")),
    ]
    result = CliRunner().invoke(
        aura, ["verify", "--stability", "10", "--format", "json", *map(str, paths)]
    )
    report = json.loads(result.stdout)
    unstable = [o for o in report["obligations"] if not o["stable"]]
    assert unstable == [] and result.exit_code == 0
    assert report["runs"] == 10 and report["summary"]["obligations"] > 300


def test_an_obligation_near_its_budget_is_unstable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path("gcd.aura")
    path.write_text(NEAR_THE_BUDGET, encoding="utf-8")
    result = CliRunner().invoke(aura, ["verify", "--stability", "10", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    (post,) = [line for line in lines if "V0002" in line]
    assert post.startswith("unstable gcd.aura:4:5: V0002 in `gcd`: out-of-budget x")
    assert "proven x" in post and "of 150,000" in post
    assert lines[-1].startswith("stability: ") and lines[-1].endswith("unstable")
    document = json.loads(
        CliRunner()
        .invoke(aura, ["verify", "--stability", "10", "--format", "json", str(path)])
        .stdout
    )
    (ob,) = [o for o in document["obligations"] if not o["stable"] and o["code"] == "V0002"]
    assert (ob["line"], ob["column"]) == (4, 5)
    assert not ob["stable"] and set(ob["verdicts"]) == {"proven", "out-of-budget"}
    assert sum(ob["verdicts"].values()) == 10
    assert ob["rlimit"]["min"] <= ob["rlimit"]["median"] <= ob["rlimit"]["max"] <= 150_000


def test_a_stable_file_exits_0_and_writes_no_cache(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text("cell inc(a: i64) -> i64:\n    requires a < 100\n    return a + 1\n", "utf-8")
    result = CliRunner().invoke(aura, ["verify", "--stability", "3", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "stability: 1 obligations, 3 mutated runs each: 0 unstable"
    ]
