"""Helpers for interpreter tests: Aura source in, what the run printed and returned out."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from aura_core.types import QualName
from aura_interpret.compiler import CompiledProgram, compile_program
from aura_interpret.externs import Host
from aura_interpret.session import CheckedProgram, load_checked, run_main


@dataclass(frozen=True)
class Ran:
    """The end of a run: stdout, stderr, exit status and the panic text (if any)."""

    stdout: str
    stderr: str
    status: int
    panic: str | None

    @property
    def panic_message(self) -> str | None:
        return None if self.panic is None else self.panic.split("\n")[0].removeprefix("panic: ")


def write(tmp_path: Path, source: str, name: str = "t") -> Path:
    """Write ``name.aura``; returns its path relative to ``tmp_path`` (the working directory)."""
    path = tmp_path / f"{name}.aura"
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return Path(path.name)


def checked(path: Path) -> CheckedProgram:
    result = load_checked(path)
    if isinstance(result, list):
        raise AssertionError("\n".join(f"{d.code}: {d.message}" for d in result))
    return result


def run_source(
    tmp_path: Path,
    source: str,
    *,
    args: tuple[str, ...] = (),
    stdin: str = "",
    release: bool = False,
) -> Ran:
    program = checked(write(tmp_path, source))
    out, err = io.StringIO(), io.StringIO()
    host = Host(stdout=out, stderr=err, stdin=io.StringIO(stdin), args=list(args))
    result = run_main(program, host, release=release)
    if result.error is not None:
        raise result.error
    panic = result.panic.render() if result.panic is not None else None
    return Ran(out.getvalue(), err.getvalue(), result.status, panic)


def compile_source(tmp_path: Path, source: str, *, release: bool = False) -> CompiledProgram:
    program = checked(write(tmp_path, source))
    return compile_program(
        program.program, [QualName(program.entry, "main")], release=release, host=Host()
    )


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    """``run(source, args=..., stdin=..., release=...)``: run a one-file program ``t.aura``."""
    monkeypatch.chdir(tmp_path)

    def go(source: str, **kw: object) -> Ran:
        return run_source(tmp_path, source, **kw)  # type: ignore[arg-type]

    return go


@pytest.fixture
def out(run: Callable[..., Ran]) -> Callable[[str], str]:
    """``out(source)``: the stdout of a program that must not panic."""

    def go(source: str) -> str:
        r = run(source)
        assert r.panic is None, r.panic
        assert r.status == 0
        return r.stdout

    return go


@pytest.fixture
def body_out(out: Callable[[str], str]) -> Callable[[str], str]:
    """``body_out(statements)``: stdout of ``cell main():`` with these statements."""

    def go(statements: str) -> str:
        body = textwrap.indent(textwrap.dedent(statements).strip("\n"), "    ")
        return out("cell main():\n" + body + "\n")

    return go


@pytest.fixture
def compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., CompiledProgram]:
    """``compiled(source, release=...)``: the compiled program ``t.aura``, not run."""
    monkeypatch.chdir(tmp_path)

    def go(source: str, *, release: bool = False) -> CompiledProgram:
        return compile_source(tmp_path, source, release=release)

    return go
