"""The verifier benchmark runs, and its generated program verifies (small size)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).with_name("bench_verify.py")


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("aura_verify_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_generated_program_verifies() -> None:
    bench = load()
    elapsed, lines, counts = bench.run(120, 1)
    assert lines >= 120
    assert set(counts) == {"verified"}
    assert elapsed < 60
