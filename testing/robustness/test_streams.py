"""What a program's streams, arguments and environment do when they misbehave.

Both engines must agree (``docs/reference/runtime.md``, Streams): a closed pipe
kills the program with ``SIGPIPE``, silently; any other failed write to stdout
or stderr is ``error: cannot write to stdout: <reason>`` and exit 1; an
argument that is not UTF-8 makes ``std::env::args()`` panic, as Rust's does;
such an environment variable is ``None`` from ``std::env::var``, as Rust's
``var(name).ok()``; such a line makes ``read_line`` panic.  Each case runs the
interpreter (``aura run``) and the executable ``aura build`` made, as separate
processes, since what is tested is how the process ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import systools

AURA = Path(sys.executable).with_name("aura")

MANY_LINES = """
cell main():
    for i in 0..200000:
        println("line {i}")
"""

PANICS_AFTER_OUTPUT = """
cell main():
    println("some output")
    assert false
"""

TO_STDERR = """
import std::io

cell main():
    io::eprintln("to stderr")
"""

INPUTS = """
import std::io
import std::env

cell show():
    val v = env::var("AURA_TEST_VALUE")
    println("var {v}")
    val line = io::read_line()
    println("line {line}")

cell main():
    show()
    val a = env::args()
    println("args {a.len()}")
"""


@pytest.fixture(params=["interpreter", "native"])
def engine(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], list[str]]:
    """The command that runs a program's source (``p.aura`` in the current
    directory, so traces name it so), by each engine."""
    monkeypatch.chdir(tmp_path)

    def command(source: str) -> list[str]:
        Path("p.aura").write_text(source, encoding="utf-8")
        if request.param == "interpreter":
            return [str(AURA), "run", "p.aura"]
        systools.require("cc", package="gcc")
        exe = tmp_path / "p"
        built = subprocess.run(
            [str(AURA), "build", "p.aura", "-o", str(exe)], capture_output=True, check=False
        )
        assert built.returncode == 0, built.stderr
        return [str(exe)]

    return command


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    streams: dict[str, object] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    streams.update(kwargs)
    return subprocess.run(command, timeout=120, check=False, **streams)  # type: ignore[call-overload, no-any-return]


def test_a_closed_pipe_ends_the_program_quietly(engine: Callable[[str], list[str]]) -> None:
    proc = subprocess.Popen(engine(MANY_LINES), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"line 0\n"
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == -signal.SIGPIPE
    assert err == b""


def test_a_closed_pipe_is_quiet_even_where_sigpipe_is_ignored(
    engine: Callable[[str], list[str]],
) -> None:
    # A parent that ignores SIGPIPE passes that on: the write fails with EPIPE.
    def ignore() -> None:
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    proc = subprocess.Popen(
        engine(MANY_LINES),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=ignore,
        restore_signals=False,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == -signal.SIGPIPE
    assert err == b""


@pytest.mark.parametrize("source", [MANY_LINES, PANICS_AFTER_OUTPUT], ids=["lines", "panic"])
def test_a_full_disk_on_stdout_is_an_error(engine: Callable[[str], list[str]], source: str) -> None:
    with open("/dev/full", "wb") as full:
        proc = _run(engine(source), stdout=full)
    assert proc.returncode == 1
    assert proc.stderr == b"error: cannot write to stdout: No space left on device\n"


def test_a_full_disk_on_stderr_is_an_error(engine: Callable[[str], list[str]]) -> None:
    with open("/dev/full", "wb") as full:
        proc = _run(engine(TO_STDERR), stderr=full)
    assert (proc.returncode, proc.stdout) == (1, b"")


def test_text_that_is_not_utf8(engine: Callable[[str], list[str]]) -> None:
    command = engine(INPUTS)
    env = {**os.environ, "AURA_TEST_VALUE": "ok"}
    good = _run([*command, "x"], input=b"first\n", env=env)
    assert (good.returncode, good.stdout) == (0, b'var Some("ok")\nline Some("first")\nargs 1\n')

    bad_env = {**os.environ, "AURA_TEST_VALUE": os.fsdecode(b"\xff")}
    proc = _run(command, input=b"first\n\xff\n", env=bad_env)
    assert (proc.returncode, proc.stdout) == (0, b'var None\nline Some("first")\nargs 0\n')

    proc = _run(command, input=b"a\xffb\nfine\n", env=env)
    assert proc.returncode == 101
    assert proc.stderr == (
        b"panic: read_line: stdin is not valid UTF-8\n"
        b"  at p.aura:8:16 in show\n  at p.aura:12:5 in main\n"
    )

    proc = _run([*command, "ok", os.fsdecode(b"\xfe")], input=b"", env=env)
    assert proc.returncode == 101
    assert proc.stderr == b"panic: argument 2 is not valid UTF-8\n  at p.aura:13:13 in main\n"
