"""Keeps the registry load benchmark honest: it must run, at a tiny size, end to end.

It starts ``aura registry serve``, fills the database, drives load from a second
process and publishes; the figures themselves are measured by hand
(``python testing/bench/registry_load_bench.py``), never asserted here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import registry_load_bench as bench

from aura_pkg.server import Settings
from aura_pkg.server.service import RegistryService


def test_every_figure_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--packages", "60", "--seconds", "0.3", "--publishes", "2"]) == 0
    out = capsys.readouterr().out
    for figure in (
        "60 packages",
        "load average",
        "index (200)",
        "revalidation (304)",
        "search, uncached",
        "publish, 10",
        "Ed25519 signature check",
        "goal",
    ):
        assert figure in out, out
    assert "answered" not in out, out  # every request got the expected status


def test_the_filled_registry_passes_the_start_up_checks(tmp_path: Path) -> None:
    storage = tmp_path / "storage"
    seeded = bench.seed(storage, 25)
    service = RegistryService(Settings(storage=storage))  # checks the log and its head
    try:
        assert service.log_size_at_start == 25 == len(seeded.names)
    finally:
        service.close()
