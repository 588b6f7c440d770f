"""The aura-core and aura-parse wheels work on their own.

Builds both wheels, installs only them (and their third-party dependencies from
the package index) into a fresh virtual environment, and uses the result the way a
user would: the Python API, ``aura check``, a command whose package is missing, and
``aura --help``.  Nothing from the working tree is importable in that environment,
so a file left out of a wheel or a dependency missing from a ``pyproject.toml``
fails here.

A required test: it runs in every test run.  All tests of this module share one
build and one environment, also across pytest-xdist workers (see ``_shared``).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("aura-core", "aura-parse")
NOT_INSTALLED = ("run", "test", "verify", "build", "lsp", "pkg")
TIMEOUT = 300

pytestmark = pytest.mark.xdist_group("wheels")


@dataclass(frozen=True)
class Env:
    """A virtual environment holding only the wheels under test."""

    root: Path
    workdir: Path

    @property
    def bin(self) -> Path:
        return self.root / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / ("python.exe" if os.name == "nt" else "python")

    @property
    def aura(self) -> Path:
        return self.bin / ("aura.exe" if os.name == "nt" else "aura")

    def environ(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
        }
        env["PATH"] = str(self.bin) + os.pathsep + env.get("PATH", "")
        env["VIRTUAL_ENV"] = str(self.root)
        env["PYTHONNOUSERSITE"] = "1"
        env["NO_COLOR"] = "1"
        env["COLUMNS"] = "100"
        return env

    def run(self, *argv: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in argv],
            cwd=self.workdir,
            env=self.environ(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )


def _run(argv: list[str]) -> None:
    proc = subprocess.run(
        argv,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"command failed ({proc.returncode}): {' '.join(argv)}\n"
            f"--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}"
        )


@contextmanager
def _shared(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[Path, bool]]:
    """A directory shared by all pytest workers of this run, and whether it is ready.

    Under pytest-xdist every worker has its own session, so a session fixture runs
    once per worker.  The first worker to get here builds; the others wait on a lock
    and reuse its result.  The caller creates the ``ready`` file when done.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = tmp_path_factory.getbasetemp().parent / "aura-wheel-test"
    else:
        base = tmp_path_factory.getbasetemp() / "aura-wheel-test"
    base.mkdir(parents=True, exist_ok=True)
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield base / name, (base / f"{name}.ready").exists()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _mark_ready(directory: Path) -> None:
    directory.with_name(f"{directory.name}.ready").touch()


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The aura-core and aura-parse wheels, built once per test run."""
    with _shared(tmp_path_factory, "wheels") as (out, ready):
        if not ready:
            shutil.rmtree(out, ignore_errors=True)
            for name in PACKAGES:
                package = ROOT / "packages" / name
                _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(package)])
            _mark_ready(out)
    built = sorted(out.glob("*.whl"))
    assert [w.name.split("-")[0] for w in built] == ["aura_core", "aura_parse"], built
    return built


@pytest.fixture(scope="session")
def env(wheels: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Env:
    """A fresh virtual environment with only the two wheels installed."""
    with _shared(tmp_path_factory, "venv") as (root, ready):
        e = Env(root, tmp_path_factory.mktemp("work"))
        if not ready:
            venv.EnvBuilder(with_pip=True, clear=True).create(root)
            _run([str(e.python), "-m", "pip", "install", "--quiet", *map(str, wheels)])
            _mark_ready(root)
    return e


def test_only_the_wheels_are_installed(env: Env) -> None:
    proc = env.run(env.python, "-m", "pip", "list", "--format=freeze")
    assert proc.returncode == 0, proc.stderr
    installed = {line.split("==")[0].lower() for line in proc.stdout.split()}
    assert {"aura-core", "aura-parse", "lark", "click"} <= installed
    assert not installed & {f"aura-{p}" for p in ("verify", "interpret", "lsp", "pkg")}


def test_python_api_parses_a_file(env: Env) -> None:
    source = env.workdir / "api.aura"
    source.write_text(
        "pub cell double(x: i64) -> i64:\n"
        "    requires x < 1_000\n"
        "    ensures result == 2 * x\n"
        "    return x + x\n",
        encoding="utf-8",
    )
    script = (
        "import sys, aura_parse\n"
        "from aura_core.source import SourceFile\n"
        "from aura_parse import parse_module\n"
        "r = parse_module(SourceFile.from_path(sys.argv[1]))\n"
        "print(aura_parse.__file__)\n"
        "print(r.ok, len(r.diagnostics), [d.name for d in r.module.decls])\n"
    )
    proc = env.run(env.python, "-c", script, source)
    assert proc.returncode == 0, proc.stderr
    where, summary = proc.stdout.splitlines()[-2:]
    assert Path(where).is_relative_to(env.root), f"aura_parse imported from {where}"
    assert summary == "True 0 ['double']"


def test_check_accepts_a_cookbook_program(env: Env) -> None:
    proc = env.run(env.aura, "check", ROOT / "cookbook" / "binary_search.aura")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_check_reports_a_syntax_error(env: Env) -> None:
    bad = env.workdir / "bad.aura"
    bad.write_text("cell main():\n    val x = (1 +\n    println(x\n", encoding="utf-8")
    proc = env.run(env.aura, "check", bad.name)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert re.search(r"\bE\d{4}\b", output), output
    assert "bad.aura" in output


def test_missing_command_names_its_package(env: Env) -> None:
    program = env.workdir / "x.aura"
    program.write_text('cell main():\n    println("hi")\n', encoding="utf-8")
    proc = env.run(env.aura, "run", program.name)
    assert proc.returncode == 1
    assert "aura-interpret" in proc.stdout + proc.stderr
    assert "hi" not in proc.stdout


def test_help_lists_installed_commands_as_available(env: Env) -> None:
    proc = env.run(env.aura, "--help")
    assert proc.returncode == 0, proc.stderr
    commands = _command_lines(proc.stdout)
    for name in ("check", "fmt"):
        assert name in commands, proc.stdout
        assert "not installed" not in commands[name], commands[name]
    for name in NOT_INSTALLED:
        if name in commands:
            assert "not installed" in commands[name], commands[name]


def _command_lines(help_text: str) -> dict[str, str]:
    """The ``Commands:`` section of click's help, as name -> rest of its line."""
    lines = help_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "Commands:")
    commands: dict[str, str] = {}
    name = ""
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        if line[2] != " ":  # a command's first line; deeper lines continue its help
            name, _, rest = line.strip().partition(" ")
            commands[name] = rest.strip()
        elif name:
            commands[name] += " " + line.strip()
    return commands
