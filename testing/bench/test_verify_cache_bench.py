"""The proof-cache benchmark runs on a tiny program, and the cache does its job there:
a second run proves nothing, an edit of one body proves that cell alone."""

from __future__ import annotations

import verify_cache_bench as bench


def test_cache_benchmark_on_a_small_program() -> None:
    figures = bench.run(lines=60, jobs=1)
    cold, warm, edit = figures["cold"], figures["warm"], figures["edit"]
    assert cold[1] == cold[2] > 1
    assert warm[1] == 0 and warm[2] == cold[2]
    assert edit[1] == 1 and edit[2] == cold[2]
