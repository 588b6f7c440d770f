"""Keeps the install benchmark honest: it must run, at a tiny size, against the real installer.

The benchmark itself is run by hand (``python testing/bench/install_bench.py``).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().with_name("install_bench.py")


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("aura_install_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


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
