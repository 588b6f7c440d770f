"""`aura verify` replays a kept report while no input changed (aura_verify/replay.py)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_core.cli import main as aura
from aura_core.proofs import proofs_path
from aura_verify import command

MAIN = """\
import app::helper

cell twice(x: i64) -> i64:
    requires -1000 <= x and x <= 1000
    ensures result == 2 * x
    return helper::double(x)
"""

HELPER = """\
pub cell double(x: i64) -> i64:
    requires -1000 <= x and x <= 1000
    ensures result == x + x
    return x + x
"""

WRONG = """\
cell half(x: i64) -> i64:
    ensures result * 2 == x
    return x / 2
"""


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The paths of each run that really loaded and verified (not replayed)."""
    seen: list[tuple[str, ...]] = []
    original = command._verify

    def counting(paths, options, names, *, export):  # type: ignore[no-untyped-def]
        seen.append(tuple(paths))
        return original(paths, options, names, export=export)

    monkeypatch.setattr(command, "_verify", counting)
    return seen


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "aura.toml").write_text(
        '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n', encoding="utf-8"
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.aura").write_text(MAIN, encoding="utf-8")
    (tmp_path / "src" / "helper.aura").write_text(HELPER, encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(aura, ["verify", *args])
    return result.exit_code, result.stdout, result.stderr


def served(report: tuple[int, str, str]) -> tuple[int, str, str]:
    """``report`` as a run served from the cache prints it: every cell `(cached)`."""
    code, out, err = report
    return code, re.sub(r"\(\d+ ms\)", "(cached)", out), err


def test_a_second_run_replays_the_first_without_loading(here: Path, loads: list) -> None:
    first = run("src/main.aura")
    second = run("src/main.aura")
    assert first[0] == 0 and "verified" in first[1]
    assert "verified twice (cached)" in second[1]
    assert second == served(first)
    assert len(loads) == 1


def test_a_failing_report_replays_with_its_status_and_diagnostics(here: Path, loads: list) -> None:
    (here / "src" / "wrong.aura").write_text(WRONG, encoding="utf-8")
    first = run("src/wrong.aura")
    assert first[0] == 1 and "V0002" in first[2]
    assert run("src/wrong.aura") == served(first)
    assert len(loads) == 1


def test_json_replay_marks_every_cell_cached(here: Path, loads: list) -> None:
    code, out, _ = run("--format", "json", "src/main.aura")
    again_code, again, _ = run("--format", "json", "src/main.aura")
    assert (code, again_code) == (0, 0) and len(loads) == 1
    first, second = json.loads(out), json.loads(again)
    assert all(c["cached"] for f in second["files"] for c in f["cells"])
    for f in first["files"]:
        for c in f["cells"]:
            c["cached"] = True
    assert second == first


def test_editing_the_program_or_a_module_it_imports_runs_again(here: Path, loads: list) -> None:
    run("src/main.aura")
    (here / "src/main.aura").write_text(MAIN + "\n# edited\n", encoding="utf-8")
    run("src/main.aura")
    edited = HELPER.replace("x + x\n", "2 * x\n")
    (here / "src" / "helper.aura").write_text(edited, encoding="utf-8")
    run("src/main.aura")
    run("src/main.aura")
    assert len(loads) == 3


def test_options_that_shape_the_output_have_entries_of_their_own(here: Path, loads: list) -> None:
    run("src/main.aura")
    run("--rlimit", "1000000", "src/main.aura")
    run("--cell", "twice", "src/main.aura")
    run("--format", "json", "src/main.aura")
    run("--jobs", "2", "src/main.aura")  # parallelism changes nothing printed: replayed
    run("--timeout", "5", "src/main.aura")  # it can only cut proofs short, never kept
    assert len(loads) == 4


def test_no_cache_never_replays(here: Path, loads: list) -> None:
    run("src/main.aura")
    run("--no-cache", "src/main.aura")
    assert len(loads) == 2


def test_losing_the_proven_checks_file_runs_again(here: Path, loads: list) -> None:
    run("src/main.aura")
    proven = proofs_path(Path("src/main.aura"))
    assert proven is not None and proven.is_file()
    os.unlink(proven)
    run("src/main.aura")
    assert len(loads) == 2 and proven.is_file()


def test_programs_with_errors_are_not_kept(here: Path, loads: list) -> None:
    (here / "src" / "broken.aura").write_text("import app::missing\n", encoding="utf-8")
    first = run("src/broken.aura")
    assert first[0] == 1
    missing = "pub cell f() -> i64:\n    return 1\n"
    (here / "src" / "missing.aura").write_text(missing, encoding="utf-8")
    assert run("src/broken.aura")[0] == 0
    assert len(loads) == 2


def test_a_package_directory_runs_again_when_it_gains_a_module(here: Path, loads: list) -> None:
    first = run(".")
    assert first[0] == 0
    assert run(".") == served(first)
    (here / "src" / "extra.aura").write_text("pub cell g() -> i64:\n    return 2\n")
    run(".")
    assert len(loads) == 2
