"""The repository's own Aura sources are in canonical layout (`aura fmt --check`)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from aura_parse.fmt_command import fmt

ROOT = Path(__file__).resolve().parent.parent


def test_cookbook_and_standard_library_are_formatted() -> None:
    result = CliRunner().invoke(fmt, ["--check", str(ROOT / "cookbook"), str(ROOT / "sdk")])
    assert result.exit_code == 0, result.output
