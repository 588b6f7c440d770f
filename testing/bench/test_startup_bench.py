"""The start-up benchmark runs (one process of each kind), so it cannot rot."""

from __future__ import annotations

import pytest
import startup_bench


def test_startup_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert startup_bench.main(["--runs", "1", "--imports"]) == 0
    out = capsys.readouterr().out
    for row in ("cold (empty run cache)", "warm (from the run cache)", "peer: python -c"):
        assert row in out
    assert "warm / peer:" in out and "goal: warm start-up under 0.3 s wall:" in out
    assert "aura_core.cli" in out and "all imports" in out


def test_median_of_samples() -> None:
    samples = [startup_bench.Sample(w, c) for w, c in ((0.3, 0.2), (0.1, 0.1), (0.2, None))]
    assert startup_bench.median(samples) == 0.2
    assert startup_bench.median(samples, cpu=True) is None
    assert startup_bench.median(samples[:2], cpu=True) == pytest.approx(0.15)
