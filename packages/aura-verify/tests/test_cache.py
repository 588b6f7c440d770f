"""The proof cache: what reuses a result, what invalidates it, and that output is the same.

Every test runs with its own cache directory (``AURA_CACHE_DIR``, see conftest),
and verifies lone files, whose entries live there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_core.check import check_modules
from aura_core.cli import main as aura
from aura_core.proofs import ProvenCheck, proofs_path, read_proofs, source_hash
from aura_parse.loader import load_program
from aura_verify import Options, verification_keys, verify_paths

CALLEE_AND_CALLERS = """\
cell half(x: i64) -> i64:
    requires x >= 0
    ensures result >= 0 and result <= x
    return x / 2

cell quarter(x: i64) -> i64:
    requires x >= 0
    ensures result >= 0
    return half(half(x))

cell unrelated(a: i64) -> i64:
    requires 0 <= a and a < 100
    return a + 1
"""

#: A failing cell below a verified one: its failure has a place and a related place.
FAILING = """\
cell pos(x: i64) -> i64:
    requires x > 0
    ensures result > 0
    return x

cell bad(x: i64) -> i64:
    return pos(x) + 1
"""

CACHED = Options(timeout=30.0, cache=True)


def proven_again(path: Path, options: Options = CACHED) -> dict[str, bool]:
    """Cell name -> whether this run proved it (rather than reading the cache)."""
    files, compiled, _ = verify_paths([str(path)], options)
    assert compiled
    return {c.name.name: not c.cached for f in files for c in f.cells}


def test_second_run_reads_every_result(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text(CALLEE_AND_CALLERS, encoding="utf-8")
    assert proven_again(path) == {"half": True, "quarter": True, "unrelated": True}
    assert proven_again(path) == {"half": False, "quarter": False, "unrelated": False}


def test_callee_body_edit_keeps_callers_contract_edit_does_not(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text(CALLEE_AND_CALLERS, encoding="utf-8")
    proven_again(path)
    path.write_text(CALLEE_AND_CALLERS.replace("return x / 2", "return x >> 1"), "utf-8")
    assert proven_again(path) == {"half": True, "quarter": False, "unrelated": False}
    weaker = CALLEE_AND_CALLERS.replace("result >= 0 and result <= x", "result <= x")
    path.write_text(weaker, encoding="utf-8")
    again = proven_again(path)
    assert again == {"half": True, "quarter": True, "unrelated": False}


def test_edit_above_moves_cached_failures(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text(FAILING, encoding="utf-8")
    proven_again(path)
    path.write_text("## A new first line.\n\n" + FAILING, encoding="utf-8")
    cached = CliRunner().invoke(aura, ["verify", str(path), "--format", "json"])
    fresh = CliRunner().invoke(aura, ["verify", str(path), "--format", "json", "--no-cache"])
    assert cached.exit_code == fresh.exit_code == 1
    got, want = json.loads(cached.stdout), json.loads(fresh.stdout)
    assert [c["cached"] for c in got["files"][0]["cells"]] == [True, True]
    failure = got["files"][0]["cells"][1]["failures"][0]
    assert (failure["line"], failure["related"][0]["line"]) == (9, 4)
    for report in (got, want):
        for c in report["files"][0]["cells"]:
            del c["cached"], c["time_ms"]
        for f in report["files"][0]["cells"][1]["failures"]:
            del f["counterexample"]  # the solver may pick another model
    assert got == want


def test_human_output_is_the_same_from_the_cache_but_says_cached(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text(FAILING, encoding="utf-8")
    first = CliRunner().invoke(aura, ["verify", str(path)])
    second = CliRunner().invoke(aura, ["verify", str(path)])
    assert first.exit_code == second.exit_code == 1
    assert "verified pos (cached)" in second.stdout.splitlines()
    assert "(cached)" not in first.stdout
    assert re.sub(r"\(\d+ ms\)", "(cached)", first.stdout) == second.stdout
    assert first.stderr == second.stderr


def test_corrupt_entries_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text(CALLEE_AND_CALLERS, encoding="utf-8")
    proven_again(path)
    entries = list(Path(str(_cache_dir())).rglob("*.json"))
    assert entries
    for n, entry in enumerate(entries):
        entry.write_text(['{"format": 1', "[]", '{"format": 1, "key": 3}'][n % 3], "utf-8")
    files, _, _ = verify_paths([str(path)], CACHED)
    assert [(c.status, c.cached) for f in files for c in f.cells] == [("verified", False)] * 3


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text(CALLEE_AND_CALLERS, encoding="utf-8")
    result = CliRunner().invoke(aura, ["verify", str(path), "--no-cache"])
    assert result.exit_code == 0, result.output
    # Nothing at all: no proof, no report to replay, no proven-checks file.
    assert [p for p in _cache_dir().rglob("*") if p.is_file()] == []
    assert proofs_path(path) is not None and not proofs_path(path).exists()
    proven_again(path)
    result = CliRunner().invoke(aura, ["verify", str(path), "--no-cache", "--format", "json"])
    cells = json.loads(result.stdout)["files"][0]["cells"]
    assert [c["cached"] for c in cells] == [False, False, False]


def test_results_are_reused_under_any_timeout_but_only_the_same_budget(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text("cell cut(s: String) -> String:\n    return s.slice(0, 1)\n", "utf-8")
    files, _, _ = verify_paths([str(path)], Options(timeout=7.0, cache=True))
    assert files[0].cells[0].status == "unknown"
    assert proven_again(path, Options(timeout=7.0, cache=True)) == {"cut": False}
    assert proven_again(path, Options(timeout=8.0, cache=True)) == {"cut": False}
    assert proven_again(path, Options(cache=True, rlimit=1_000_000)) == {"cut": True}
    assert proven_again(path, Options(cache=True, rlimit=1_000_000)) == {"cut": False}


def test_keys_ignore_positions_and_follow_contracts(tmp_path: Path) -> None:
    def keys(text: str) -> dict[str, str]:
        path = tmp_path / "m.aura"
        path.write_text(text, encoding="utf-8")
        loaded = load_program(path)
        return verification_keys(check_modules(loaded.modules).program)

    base = keys(CALLEE_AND_CALLERS)
    assert set(base) == {"m::half", "m::quarter", "m::unrelated"}
    assert len(set(base.values())) == 3
    assert keys("\n\n# moved down\n\n" + CALLEE_AND_CALLERS) == base
    stronger = keys(
        CALLEE_AND_CALLERS.replace(
            "requires x >= 0\n    ensures result >= 0 and",
            "requires x >= 1\n    ensures result >= 0 and",
        )
    )
    assert stronger["m::half"] != base["m::half"]
    assert stronger["m::quarter"] != base["m::quarter"]
    assert stronger["m::unrelated"] == base["m::unrelated"]


def _cache_dir() -> Path:
    return Path(os.environ["AURA_CACHE_DIR"]) / "verify"


@pytest.fixture(autouse=True)
def _no_project(tmp_path: Path) -> None:
    """The files of these tests are outside any project (their cache is the user's)."""
    assert not any((d / "aura.toml").exists() for d in (tmp_path, *tmp_path.parents))


def test_concurrent_runs_leave_whole_entries(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text(CALLEE_AND_CALLERS, encoding="utf-8")
    aura_exe = Path(sys.executable).with_name("aura")
    runs = [
        subprocess.Popen(
            [str(aura_exe), "verify", str(path)],
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    assert [r.wait(timeout=120) for r in runs] == [0, 0]
    for entry in _cache_dir().rglob("*.json"):
        json.loads(entry.read_text("utf-8"))  # every file is whole
    assert proven_again(path) == {"half": False, "quarter": False, "unrelated": False}


def test_aura_verify_records_proven_checks(tmp_path: Path) -> None:
    path = tmp_path / "m.aura"
    path.write_text(FAILING, encoding="utf-8")
    CliRunner().invoke(aura, ["verify", str(path)])
    recorded = read_proofs(proofs_path(path) or tmp_path / "none")
    assert recorded is not None
    (module,) = recorded.modules
    assert module.source_sha256 == source_hash(FAILING)
    cells = {c.cell: c for c in module.cells}
    assert (cells["pos"].verified, cells["bad"].verified) == (True, False)
    ensures = FAILING.index("result > 0")
    assert cells["pos"].checks == (ProvenCheck("postcondition", ensures, ensures + 10),)
    assert cells["bad"].checks == ()  # its call and its addition failed
