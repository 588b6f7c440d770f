"""The Ctrl-C benchmark runs, and what it measures holds: exit status 130 and
only the finished cell in the proof cache (its time is the benchmark's figure)."""

from __future__ import annotations

import verify_interrupt_bench as bench


def test_interrupt_benchmark_once() -> None:
    ((_, status, entries),) = bench.run(1)
    assert (status, entries) == (130, 1)
