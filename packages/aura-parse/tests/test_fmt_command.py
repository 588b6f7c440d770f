"""Tests of ``aura fmt`` (aura_parse.fmt_command) through click's test runner."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_parse import reformatting
from aura_parse.fmt_command import fmt

CANONICAL = "cell main():\n    val x = 1  # one\n    println(x)\n"
MESSY = "cell main( ):\n  val x=1 # one\n  println( x )\n"
BROKEN = "cell main(:\n    x\n"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(fmt, list(args), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"canonical": CANONICAL, "messy": MESSY, "broken": BROKEN}
    out = {}
    for name, text in paths.items():
        p = tmp_path / f"{name}.aura"
        p.write_text(text, encoding="utf-8")
        out[name] = p
    return out


def test_check_reports_files_that_would_change_and_writes_nothing(files: dict[str, Path]) -> None:
    code, out, _ = run("--check", str(files["canonical"]), str(files["messy"]))
    assert code == 1
    assert out == f"would reformat: {files['messy']}\n"
    assert files["messy"].read_text(encoding="utf-8") == MESSY


def test_check_passes_on_canonical_files(files: dict[str, Path]) -> None:
    assert run("--check", str(files["canonical"])) == (0, "", "")


def test_rewrites_in_place(files: dict[str, Path]) -> None:
    code, out, _ = run(str(files["messy"]), str(files["canonical"]))
    assert (code, out) == (0, "")
    assert files["messy"].read_text(encoding="utf-8") == CANONICAL
    assert run("--check", str(files["messy"]))[0] == 0


def test_unchanged_files_are_not_written(files: dict[str, Path]) -> None:
    path = files["canonical"]
    os.utime(path, (1_000_000, 1_000_000))
    assert run(str(path))[0] == 0
    assert path.stat().st_mtime == 1_000_000


def test_syntax_errors_leave_the_file_alone(files: dict[str, Path]) -> None:
    code, _, err = run(str(files["broken"]), str(files["messy"]))
    assert code == 1
    assert "error[E0001]" in err
    assert files["broken"].read_text(encoding="utf-8") == BROKEN
    # The other file is still formatted.
    assert files["messy"].read_text(encoding="utf-8") == CANONICAL


def test_directories_are_searched(files: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not aura", encoding="utf-8")
    code, out, _ = run("--check", str(tmp_path))
    assert code == 1
    assert "messy.aura" in out and "canonical.aura" not in out and "notes" not in out


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.aura"))
    assert code == 1
    assert "E0019" in err


def test_stdin_to_stdout() -> None:
    assert run("-", input=MESSY) == (0, CANONICAL, "")


def test_stdin_check() -> None:
    assert run("--check", "-", input=MESSY) == (1, "would reformat: -\n", "")
    assert run("--check", "-", input=CANONICAL) == (0, "", "")


def test_stdin_past_the_size_limit_is_e0021(monkeypatch: pytest.MonkeyPatch) -> None:
    from aura_core import cli_support

    monkeypatch.setattr(cli_support, "MAX_SOURCE_BYTES", len(CANONICAL) - 1)
    code, out, err = run("-", input=CANONICAL)
    assert (code, out) == (1, "")
    assert "error[E0021]: `standard input` is larger than" in err


def test_stdin_with_syntax_error_prints_nothing_on_stdout() -> None:
    code, out, err = run("-", input=BROKEN)
    assert (code, out) == (1, "")
    assert "<stdin>" in err


def test_json_output(files: dict[str, Path]) -> None:
    code, out, _ = run("--check", "--format", "json", str(files["messy"]), str(files["broken"]))
    assert code == 1
    objects = [json.loads(line) for line in out.splitlines()]
    assert {"would_reformat": str(files["messy"])} in objects
    assert any(o.get("code") == "E0001" for o in objects)


def test_write_is_atomic_and_keeps_permissions(files: dict[str, Path]) -> None:
    path = files["messy"]
    path.chmod(0o640)
    assert run(str(path))[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        f"{n}.aura" for n in ("canonical", "messy", "broken")
    )


def test_symlinks_are_written_through(files: dict[str, Path], tmp_path: Path) -> None:
    link = tmp_path / "link.aura"
    link.symlink_to(files["messy"])
    assert run(str(link))[0] == 0
    assert link.is_symlink()
    assert files["messy"].read_text(encoding="utf-8") == CANONICAL


def test_a_formatter_bug_never_reaches_the_file(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reformatting, "format_module", lambda *a, **k: "cell main():\n    y\n")
    code, _, err = run(str(files["messy"]))
    assert code == 3
    assert "internal formatter error" in err
    assert files["messy"].read_text(encoding="utf-8") == MESSY


def test_usage_error_without_paths() -> None:
    assert run()[0] == 2


def test_a_long_chain_of_prefix_operators_formats() -> None:
    # Each nested `not` and `-` used to get brackets, past the parser's limit on
    # open brackets: the formatter's own output did not parse (exit 3).
    source = "cell f() -> bool:\n    return " + "not " * 90 + "(" + "- " * 90 + "1 == 1)\n"
    code, out, err = run("-", input=source)
    assert (code, err) == (0, "")
    assert out == "cell f() -> bool:\n    return " + "not " * 90 + "- " * 89 + "-1 == 1\n"
    assert run("--check", "-", input=out) == (0, "", "")
