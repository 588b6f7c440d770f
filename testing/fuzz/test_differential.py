"""The differential test of the engines (``differential.py``), a bounded run.

A fixed seed, so a failure reproduces: the message names the batch program and
the case's argument.  ``python testing/fuzz/differential.py --count 2000`` is the
longer run.
"""

from __future__ import annotations

from pathlib import Path

import differential
import pytest
import systools


def test_random_programs_run_alike_in_both_engines(tmp_path: Path) -> None:
    systools.require("cc", package="gcc")
    findings = differential.run_batches(
        seed=7, count=60, batch=30, workdir=tmp_path, whole_stderr=True, report=lambda _: None
    )
    assert not findings, "\n".join(map(differential.describe, findings))


def test_the_generator_is_seeded() -> None:
    assert differential.program(5, 4) == differential.program(5, 4)
    assert differential.program(5, 4) != differential.program(6, 4)


def test_a_disagreement_is_found_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    systools.require("cc", package="gcc")
    real = differential._run_native

    def off_by_one_line(exe: Path, arg: str, cwd: Path) -> differential.Outcome:
        got = real(exe, arg, cwd)
        if arg != "1":
            return got
        return differential.Outcome(got.stdout + "extra\n", got.stderr, got.status)

    monkeypatch.setattr(differential, "_run_native", off_by_one_line)
    keep = tmp_path / "programs"
    status = differential.main(["--count", "3", "--batch", "3", "--seed", "3", "--keep", str(keep)])
    out = capsys.readouterr().out
    assert status == 1
    assert "engines disagree on case 1 of" in out
    assert "3 cases, 1 disagreement\n" in out
    assert (keep / "seed_3" / "batch_3.aura").is_file()
