"""The checker benchmark runs (at a tiny size), so it cannot rot."""

from __future__ import annotations

import check_bench
import pytest


def test_check_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_bench.main(["--lines", "300", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "parse + check:" in out and "re-check after one edit" in out


def test_edit_adds_one_line() -> None:
    text = "cell a():\n    return\n\ncell b():\n    requires true\n    return\n"
    changed = check_bench.edited(text)
    assert changed.count("\n") == text.count("\n") + 1
    assert "val edit_marker = 1" in changed
