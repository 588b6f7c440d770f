"""The verifier benchmark runs, and its generated program verifies (small size)."""

from __future__ import annotations

from pathlib import Path

import bench_verify as bench

BENCH = Path(__file__).with_name("bench_verify.py")


def test_generated_program_verifies() -> None:
    elapsed, lines, counts = bench.run(120, 1)
    assert lines >= 120
    assert set(counts) == {"verified"}
    assert elapsed < 60
