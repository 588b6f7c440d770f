"""Keeps the resolution benchmark working: its registry, both resolvers and the report.

The benchmark itself is run by hand (``python testing/bench/resolve_bench.py``);
these tests run it at a small size, so that a change to the resolver or to the
peer's library that breaks it shows up here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import resolve_bench as bench

from aura_pkg.versions import Requirement, Version

BENCH = Path(__file__).resolve().with_name("resolve_bench.py")


def test_registry_is_deterministic_and_acyclic() -> None:
    a = bench.generate_registry(120, 6, 5)
    assert a == bench.generate_registry(120, 6, 5)
    assert a != bench.generate_registry(120, 6, 6)
    assert len(a.packages) == 120 and a.version_count == 720
    for name, versions in a.packages.items():
        for deps in versions.values():
            assert all(dep < name for dep in deps)  # only on earlier packages


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_both_resolvers_find_valid_solutions(seed: int) -> None:
    registry = bench.generate_registry(150, 8, seed)
    deps = bench.root_dependencies(registry, 8, seed)
    assert deps
    ours = bench.resolve_aura(registry, deps)
    assert bench.check(registry, deps, ours) == []
    theirs = bench.resolve_peer(registry, deps, timeout=5.0)
    assert bench.check(registry, deps, theirs) == []


def test_check_catches_an_unmet_requirement() -> None:
    registry = bench.Registry(
        {
            "a": {Version(1, 0, 0): {"b": Requirement.parse("^2")}},
            "b": {Version(1, 0, 0): {}, Version(2, 0, 0): {}},
        }
    )
    deps = {"a": Requirement.parse("^1")}
    assert bench.check(registry, deps, {"a": Version(1, 0, 0), "b": Version(2, 0, 0)}) == []
    problems = bench.check(registry, deps, {"a": Version(1, 0, 0), "b": Version(1, 0, 0)})
    assert problems == ["a 1.0.0 needs b ^2, got 1.0.0"]


def test_main_reports_both_and_the_goal(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--packages", "200", "--direct", "10", "--repeat", "1", "--peer-timeout", "20"]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    assert "aura (PubGrub):" in out
    assert "peer resolvelib:" in out
    assert out.count("; valid") == 2
    assert "ratio:" in out
    assert "goal:" in out and "met" in out
