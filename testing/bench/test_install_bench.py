"""Keeps the install benchmark honest: it must run, at a tiny size, against the real installer.

The benchmark itself is run by hand (``python testing/bench/install_bench.py``).
"""

from __future__ import annotations

from pathlib import Path

import install_bench as bench
import pytest

BENCH = Path(__file__).resolve().with_name("install_bench.py")


def test_synthetic_registry_and_warm_cache(tmp_path: Path) -> None:
    setup = bench.build(tmp_path, 8, seed=1)
    assert len(setup.lock.packages) == 8
    assert all(p.checksum for p in setup.lock.packages)
    assert len(list((tmp_path / "cache" / "archives" / "sha256").rglob("*"))) >= 8
    warm = (tmp_path / "warmup" / ".aura" / "deps").iterdir()
    assert len([p for p in warm if p.is_dir()]) == 8


def test_main_reports_both_goals(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--packages", "6", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "warm install:" in out
    assert "no-op install:" in out
    assert "as a new Python process" in out
    assert "goal:" in out
