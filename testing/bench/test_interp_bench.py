"""The interpreter benchmark runs (at a tiny size), so it cannot rot."""

from __future__ import annotations

from pathlib import Path

import interp_bench
import pytest


def test_interp_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert interp_bench.main(["--tiny", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for case in interp_bench.CASES:
        assert f"\n{case.name} " in out
    assert "median ratio" in out and "start-up of `aura run`" in out


def test_words_file_has_the_asked_size(tmp_path: Path) -> None:
    path = interp_bench.words_file(tmp_path, 10_000)
    size = path.stat().st_size
    assert 10_000 <= size < 10_200
