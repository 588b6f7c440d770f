"""Keeps the registry benchmark honest: it must run, at a tiny size, against the real server.

The benchmark itself is run by hand (``python testing/bench/registry_bench.py``).
"""

from __future__ import annotations

import pytest
import registry_bench as bench


def test_main_reports_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--leaves", "300", "--packages", "3"]) == 0
    out = capsys.readouterr().out
    for figure in ("peer", "subtrees remembered", "publish", "index", "inclusion proof", "goal:"):
        assert figure in out
