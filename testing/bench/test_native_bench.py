"""The native benchmark runs (at a tiny size), so it cannot rot."""

from __future__ import annotations

import native_bench
import pytest
import systools


def test_native_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    systools.require("gcc", package="gcc")
    assert native_bench.main(["--tiny", "--repeat", "1", "--trust-proofs"]) == 0
    out = capsys.readouterr().out
    for case in native_bench.CASES:
        assert f"\n{case.name} " in out
    assert "median ratio" in out and "-line program" in out
    # The verified versions are proven completely, so they are built with --release too.
    for name in ("fib", "sieve", "binary_trees"):
        row = next(line for line in out.splitlines() if line.startswith(f"{name} "))
        assert row.endswith("release+trust"), row
    assert "median ratio trusting proofs" in out
