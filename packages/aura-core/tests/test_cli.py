"""The root `aura` command: plugin discovery, failures to load, `aura explain`."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint
from typing import Any

import click
import pytest
from click.testing import CliRunner

from aura_core import cli, run_command
from aura_core.explain import explanation


@dataclass
class FakeDist:
    name: str
    summary: str

    @property
    def metadata(self) -> dict[str, str]:
        return {"Summary": self.summary}


@dataclass
class FakeEntryPoint:
    """Quacks like importlib.metadata.EntryPoint; `load` returns or raises `target`."""

    name: str
    target: Any
    dist: FakeDist | None = None
    value: str = "fake_module:attr"

    def load(self) -> Any:
        if isinstance(self.target, BaseException):
            raise self.target
        return self.target


def use_plugins(monkeypatch: pytest.MonkeyPatch, *eps: FakeEntryPoint | EntryPoint) -> None:
    """Only ``eps`` are installed: no other command, and no engine for ``aura run``."""
    monkeypatch.setattr(cli, "_discover", lambda: {ep.name: ep for ep in eps})
    monkeypatch.setattr(run_command, "engine_entry_point", lambda name, fresh=False: None)


@click.command()
@click.argument("paths", nargs=-1)
def fake_check(paths: tuple[str, ...]) -> None:
    """Check files."""
    click.echo(f"checked {len(paths)}")


@click.command()
def exploding() -> None:
    raise RuntimeError("kaboom")


def run(*args: str) -> Any:
    return CliRunner().invoke(cli.main, list(args))


def test_help_lists_commands_without_importing_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    never = AssertionError("plugins must not be imported for --help")
    use_plugins(
        monkeypatch,
        FakeEntryPoint("check", never, FakeDist("aura-parse", "parser")),
        FakeEntryPoint("extra", never, FakeDist("aura-extra", "Third-party extras.")),
    )
    result = run("--help")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "check     parse and type-check files or a package\n" in out
    assert "extra     Third-party extras.\n" in out
    assert "explain   explain a diagnostic code\n" in out
    assert "run       check, then run main (not installed: pip install aura-interpret)" in out


def test_installed_plugin_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    use_plugins(monkeypatch, FakeEntryPoint("check", fake_check))
    result = run("check", "a.aura", "b.aura")
    assert result.exit_code == 0
    assert result.output == "checked 2\n"


def test_missing_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    use_plugins(monkeypatch)
    result = run("run", "main.aura", "--release")
    assert result.exit_code == 1
    assert "error: `aura run` is provided by the aura-interpret package" in result.stderr
    assert "pip install aura-interpret" in result.stderr


def test_plugin_that_fails_to_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AURA_BACKTRACE", raising=False)
    use_plugins(
        monkeypatch,
        FakeEntryPoint("check", ImportError("no module named lark"), FakeDist("aura-parse", "")),
    )
    result = run("check", "x.aura")
    assert result.exit_code == 3
    first = result.stderr.splitlines()[0]
    assert first == (
        "error: the command `aura check` from package aura-parse failed to load: "
        "ImportError: no module named lark"
    )
    assert "Traceback" not in result.stderr


def test_real_entry_point_with_missing_module(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = EntryPoint("check", "aura_no_such_module_xyz.commands:check", cli.ENTRY_POINT_GROUP)
    use_plugins(monkeypatch, ep)
    result = run("check")
    assert result.exit_code == 3
    assert (
        "`aura check` from package aura-parse failed to load: ModuleNotFoundError" in result.stderr
    )
    assert run("--help").exit_code == 0


def test_entry_point_that_is_not_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    use_plugins(monkeypatch, FakeEntryPoint("verify", 42, FakeDist("aura-verify", "")))
    result = run("verify")
    assert result.exit_code == 3
    assert "from package aura-verify failed to load: TypeError: entry point" in result.stderr


def test_crash_inside_a_plugin_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AURA_BACKTRACE", raising=False)
    use_plugins(monkeypatch, FakeEntryPoint("check", exploding))
    result = run("check")
    assert result.exit_code == 3
    assert result.stderr.startswith("error: internal compiler error: RuntimeError: kaboom\n")


def test_unknown_command_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    use_plugins(monkeypatch)
    assert run("frobnicate").exit_code == 2


def test_explain_prints_the_page() -> None:
    result = run("explain", "E0003")
    assert result.exit_code == 0
    assert result.output == explanation("E0003")
    assert run("explain", "w0006").output.startswith("# W0006: while loop without")


def test_explain_unknown_and_malformed_codes() -> None:
    unknown = run("explain", "E9999")
    assert unknown.exit_code == 1
    assert unknown.stderr == "error: unknown diagnostic code `E9999`\n"
    assert unknown.stdout == ""
    malformed = run("explain", "hello")
    assert malformed.exit_code == 2
    assert "`hello` is not a diagnostic code" in malformed.stderr
    assert run("explain").exit_code == 2
