"""``aura run`` in aura-core: its command line, its engines, and where it finds them."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aura_core import cli, engine_lookup, run_command
from aura_core.engines import RunRequest


def run(*args: str) -> Any:
    return CliRunner().invoke(cli.main, list(args))


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, RunRequest]]:
    """Every engine is installed; each records what it was asked and returns 7."""
    seen: list[tuple[str, RunRequest]] = []

    def engine_named(name: str) -> Any:
        def engine(request: RunRequest) -> int:
            seen.append((name, request))
            return 7

        return engine

    monkeypatch.setattr(run_command, "_engine", engine_named)
    return seen


def test_arguments_after_the_file_are_the_programs(
    requests: list[tuple[str, RunRequest]],
) -> None:
    # As `python FILE ARGS`: options stand before FILE, and nothing after it is
    # aura's, not even `--release`, `--help` or `--`.
    r = run("run", "p.aura", "a", "-x", "--release", "b", "--help", "--", "-h")
    assert r.exit_code == 7
    assert requests.pop() == (
        "interpreter",
        RunRequest(Path("p.aura"), ("a", "-x", "--release", "b", "--help", "--", "-h")),
    )
    r = run("run", "--trust-proofs", "--release", "p.aura", "--native")
    assert r.exit_code == 7
    name, request = requests.pop()
    assert name == "interpreter"
    assert request == RunRequest(Path("p.aura"), ("--native",), release=True, trust_proofs=True)
    assert run("run", "--native", "p.aura").exit_code == 7
    assert requests.pop()[0] == "native"
    # `--` before FILE ends the options, for a file named like one.
    assert run("run", "--", "--odd.aura", "x").exit_code == 7
    assert requests.pop() == ("interpreter", RunRequest(Path("--odd.aura"), ("x",)))


def test_usage_errors(requests: list[tuple[str, RunRequest]]) -> None:
    assert run("run").exit_code == 2
    assert "FILE [ARGS]..." in run("run", "--help").output
    assert requests == []


def test_exit_status_keeps_the_low_eight_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_command, "_engine", lambda name: lambda request: 257)
    expected = 257 if sys.platform == "win32" else 1
    assert run("run", "p.aura").exit_code == expected


def test_missing_engines_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_command, "engine_entry_point", lambda name, fresh=False: None)
    r = run("run", "p.aura")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr == (
        "error: `aura run` is provided by the aura-interpret package, which is not installed\n"
        "help: pip install aura-interpret\n"
    )
    r = run("run", "--native", "p.aura")
    assert r.exit_code == 1
    assert "`aura run --native` is provided by the aura-backend-llvm package" in r.stderr
    assert "run       check, then run main (not installed: pip install aura-interpret)" in (
        run("--help").output
    )


# ------------------------------------------------------------- engine lookup


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_lookup_is_remembered_until_the_installation_changes(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def metadata(name: str) -> str | None:
        asked.append(name)
        return "aura_interpret.engine:run" if name == "interpreter" else None

    monkeypatch.setattr(engine_lookup, "_from_metadata", metadata)
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(sys, "path", [str(site)])
    assert engine_lookup.locate("interpreter") == "aura_interpret.engine:run"
    assert engine_lookup.locate("interpreter") == "aura_interpret.engine:run"
    assert asked == ["interpreter"]
    assert engine_lookup.locate("native") is None  # a missing engine is asked every time
    assert engine_lookup.locate("native") is None
    assert asked == ["interpreter", "native", "native"]
    # A distribution installed or removed changes its directory.
    (site / "new.dist-info").mkdir()
    os.utime(site, ns=(1, 1))
    assert engine_lookup.locate("interpreter") == "aura_interpret.engine:run"
    assert asked[-1] == "interpreter"


def test_a_remembered_engine_that_no_longer_imports_is_looked_up_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["aura_no_such_module_xyz:run", "aura_core.run_command:_exit_status"])
    monkeypatch.setattr(engine_lookup, "_from_metadata", lambda name: next(answers))
    assert engine_lookup.locate("interpreter") == "aura_no_such_module_xyz:run"
    engine = run_command._engine("interpreter")
    assert engine is run_command._exit_status
    assert engine_lookup.locate("interpreter") == "aura_core.run_command:_exit_status"


def test_an_engine_that_fails_to_import_is_an_internal_error(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AURA_BACKTRACE", raising=False)
    monkeypatch.setattr(engine_lookup, "_from_metadata", lambda name: "aura_no_such_module_xyz:run")
    r = run("run", "p.aura")
    assert r.exit_code == 3
    assert r.stderr == (
        "error: the interpreter engine (aura_no_such_module_xyz:run) failed to load: "
        "ModuleNotFoundError: No module named 'aura_no_such_module_xyz'\n"
    )


def test_a_damaged_or_foreign_record_is_ignored(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_lookup, "_from_metadata", lambda name: "pkg.mod:engine")
    cache.mkdir(mode=0o700)
    (cache / "engines").write_bytes(b"\xff\xfe garbage\ninterpreter=elsewhere:run\n")
    assert engine_lookup.locate("interpreter") == "pkg.mod:engine"
    assert engine_lookup.locate("interpreter") == "pkg.mod:engine"
