"""Finding and reading sources, reporting diagnostics, and guarding commands."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from aura_core.cli_support import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    Reporter,
    collect_sources,
    color_enabled,
    format_option,
    guarded,
    read_source,
    run_guarded,
)
from aura_core.diagnostics import Diagnostic
from aura_core.source import SourceFile, Span


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ collect_sources


def test_directories_are_walked_sorted_and_skip_noise(tmp_path: Path) -> None:
    for rel in [
        "b.aura",
        "a.aura",
        "sub/z.aura",
        "sub/deeper/a.aura",
        "notes.txt",
        ".hidden/x.aura",
        ".swap.aura",
        "node_modules/m.aura",
        "target/t.aura",
        ".git/g.aura",
        "sub/target/t.aura",
    ]:
        touch(tmp_path / rel)
    found = collect_sources([str(tmp_path)])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.aura",
        "b.aura",
        "sub/deeper/a.aura",
        "sub/z.aura",
    ]


def test_files_are_kept_as_given_and_missing_paths_pass_through(tmp_path: Path) -> None:
    txt = touch(tmp_path / "prog.txt")
    a = touch(tmp_path / "a.aura")
    missing = tmp_path / "nope.aura"
    found = collect_sources([str(txt), str(missing), str(tmp_path), str(a)])
    assert found == [txt, missing, a]  # a.aura only once, at its first place


def test_no_paths_gives_no_files() -> None:
    assert collect_sources([]) == []


# -------------------------------------------------------------------- read_source


def test_reads_text_drops_bom_and_keeps_crlf(tmp_path: Path) -> None:
    p = tmp_path / "w.aura"
    p.write_bytes(b"\xef\xbb\xbfcell f():\r\n    x\r\n")
    src = read_source(p)
    assert isinstance(src, SourceFile)
    assert src.text == "cell f():\r\n    x\r\n"
    assert src.name == str(p)
    named = read_source(p, name="shown.aura")
    assert isinstance(named, SourceFile) and named.name == "shown.aura"


def test_invalid_utf8_points_at_the_first_bad_byte(tmp_path: Path) -> None:
    p = tmp_path / "latin1.aura"
    p.write_bytes(b'cell main():\n    println("caf' + b'\xe9")\n')
    d = read_source(p, name="latin1.aura")
    assert isinstance(d, Diagnostic)
    assert d.code == "E0008" and d.is_error
    assert d.file is not None and d.span is not None
    pos = d.file.position(d.span.start)
    assert (pos.line, pos.column) == (2, 17)
    assert d.file.text[d.span.start] == "\ufffd"
    assert d.help is not None and "UTF-8" in d.help.message
    assert any("0xE9" in n for n in d.notes)


def test_non_ascii_before_the_bad_byte_counts_as_characters(tmp_path: Path) -> None:
    p = tmp_path / "u.aura"
    p.write_bytes("é漢".encode() + b"\xff")
    d = read_source(p)
    assert isinstance(d, Diagnostic) and d.span == Span(2, 3)


def test_nul_byte_means_binary(tmp_path: Path) -> None:
    p = tmp_path / "bin.aura"
    p.write_bytes(b"ab\ncd\x00\x01\x02\xff")
    d = read_source(p, name="bin.aura")
    assert isinstance(d, Diagnostic) and d.code == "E0008"
    assert "binary" in d.message
    assert d.file is not None and d.span is not None
    assert d.file.position(d.span.start).line == 2


def test_missing_file_and_directory_are_e0019(tmp_path: Path) -> None:
    d = read_source(tmp_path / "nope.aura", name="nope.aura")
    assert isinstance(d, Diagnostic)
    assert d.code == "E0019"
    assert d.message == "cannot read `nope.aura`: No such file or directory"
    assert d.file is None
    d = read_source(tmp_path)
    assert isinstance(d, Diagnostic) and d.code == "E0019"


def test_a_file_past_the_size_limit_is_e0021_and_read_no_further(tmp_path: Path) -> None:
    from aura_core.cli_support import MAX_SOURCE_BYTES

    big = tmp_path / "big.aura"
    with big.open("wb") as f:  # sparse: no disk is used
        f.truncate(MAX_SOURCE_BYTES + 1)
    d = read_source(big, name="big.aura")
    assert isinstance(d, Diagnostic) and d.code == "E0021"
    assert d.message == "`big.aura` is larger than 16 MiB, the limit for a source file"
    with big.open("r+b") as f:
        f.truncate(MAX_SOURCE_BYTES)
    at_limit = read_source(big)
    assert isinstance(at_limit, Diagnostic) and at_limit.code == "E0008"  # read, and all NULs


def test_an_endless_input_is_e0021(tmp_path: Path) -> None:
    d = read_source("/dev/zero")
    assert isinstance(d, Diagnostic) and d.code == "E0021"


# ----------------------------------------------------------------------- Reporter

SRC = SourceFile("a.aura", "cell f()\n")
ERR = Diagnostic.error("E0001", "expected `:`", SRC, Span(8, 8))
WARN = Diagnostic.warning("W0006", "no decreases", SRC, Span(0, 4))


def test_human_reporter_prints_to_stderr_with_summary(capsys: pytest.CaptureFixture[str]) -> None:
    r = Reporter("human")
    assert r.color is False  # captured stderr is not a terminal
    r.extend([ERR, WARN, ERR])
    assert (r.errors, r.warnings, r.has_errors) == (2, 1, True)
    assert r.finish() == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error[E0001]: expected `:`\n --> a.aura:1:9\n")
    assert "\n\nwarning[W0006]" in err  # a blank line after each diagnostic
    assert err.endswith("\n\nerror: aborting due to 2 previous errors; 1 warning emitted\n")


def test_json_reporter_writes_json_lines_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    r = Reporter("json")
    r.extend([ERR, WARN])
    assert r.finish() == 1
    out, err = capsys.readouterr()
    assert err == ""
    objs = [json.loads(line) for line in out.splitlines()]
    assert [o["code"] for o in objs] == ["E0001", "W0006"]
    assert objs[0]["line"] == 1 and objs[0]["column"] == 9


def test_clean_run_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    r = Reporter("human")
    assert r.finish() == 0
    assert capsys.readouterr() == ("", "")
    only_warning = Reporter("human")
    only_warning.emit(WARN)
    assert only_warning.finish() == 0
    assert capsys.readouterr().err.endswith("warning: 1 warning emitted\n")


def test_reporter_rejects_unknown_format() -> None:
    with pytest.raises(ValueError):
        Reporter("xml")


def test_color_needs_a_terminal_and_no_NO_COLOR(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert color_enabled(Tty()) is True  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert color_enabled(Tty()) is False  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "")
    assert color_enabled(Tty()) is True  # type: ignore[arg-type]


# ------------------------------------------------------------- commands and guards


def make_command(action: object) -> click.Command:
    @click.command()
    @format_option
    @guarded
    def cmd(output_format: str) -> None:
        click.echo(f"format={output_format}")
        if isinstance(action, BaseException):
            raise action

    return cmd


def test_format_option() -> None:
    runner = CliRunner()
    assert runner.invoke(make_command(None), []).output == "format=human\n"
    assert runner.invoke(make_command(None), ["--format", "json"]).output == "format=json\n"
    bad = runner.invoke(make_command(None), ["--format", "xml"])
    assert bad.exit_code == 2


def test_unexpected_exception_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AURA_BACKTRACE", raising=False)
    result = CliRunner().invoke(make_command(ValueError("boom\nsecond line")), [])
    assert result.exit_code == EXIT_INTERNAL
    assert "error: internal compiler error: ValueError: boom\n" in result.stderr
    assert "second line" not in result.stderr
    assert "Traceback" not in result.stderr
    assert "AURA_BACKTRACE=1" in result.stderr


def test_backtrace_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURA_BACKTRACE", "1")
    result = CliRunner().invoke(make_command(RecursionError("deep")), [])
    assert result.exit_code == EXIT_INTERNAL
    assert "internal compiler error: RecursionError: deep" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr


def test_interrupt_and_click_errors_pass_through() -> None:
    runner = CliRunner()
    interrupted = runner.invoke(make_command(KeyboardInterrupt()), [])
    assert interrupted.exit_code == EXIT_INTERRUPTED
    assert interrupted.stderr == ""
    usage = runner.invoke(make_command(click.UsageError("bad")), [])
    assert usage.exit_code == 2
    assert "internal" not in usage.stderr
    exited = runner.invoke(make_command(SystemExit(5)), [])
    assert exited.exit_code == 5


def test_run_guarded_returns_the_value() -> None:
    assert run_guarded(lambda a, b: a + b, 1, b=2) == 3
    with pytest.raises(SystemExit) as info:
        run_guarded(lambda: 1 // 0)
    assert info.value.code == EXIT_INTERNAL
