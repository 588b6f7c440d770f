"""``aura run`` (through the interpreter engine, engine.py) and ``aura test`` (commands.py),
in process and as real processes.  Each test has a run cache of its own; the cache
itself is tested in test_run_cache.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aura_core.cli import main
from aura_interpret import runtime


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def aura(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / ".cache"))
    return tmp_path


def test_the_interpreter_is_the_installed_engine(here: Path) -> None:
    from aura_core.engine_lookup import locate

    assert locate("interpreter", fresh=True) == "aura_interpret.engine:run"


def test_run_prints_and_exits_with_mains_status(here: Path) -> None:
    _write(here / "p.aura", 'cell main() -> i32:\n    println("hi")\n    return 7\n')
    r = aura("run", "p.aura")
    assert (r.stdout, r.stderr, r.exit_code) == ("hi\n", "", 7)


def test_run_gives_the_program_every_argument_after_its_file(here: Path) -> None:
    _write(
        here / "args.aura",
        """
        import std::env

        cell main():
            assert false
            println(env::args())
        """,
    )
    r = aura("run", "--release", "args.aura", "a", "-x", "--release", "--help", "--")
    assert (r.stdout, r.exit_code) == ('["a", "-x", "--release", "--help", "--"]\n', 0)
    # `--release` after the file is the program's: the checks stay on.
    r = aura("run", "args.aura", "--release")
    assert r.exit_code == 101 and r.stderr.startswith("panic: assertion failed: false\n")
    r = aura("run", "args.aura")
    assert r.exit_code == 101 and r.stderr.startswith("panic: assertion failed: false\n")


def test_run_trust_proofs_leaves_out_proven_checks(here: Path) -> None:
    from aura_core.proofs import (
        CellProofs,
        ModuleProofs,
        ProofFile,
        ProvenCheck,
        proofs_path,
        source_hash,
        write_proofs,
    )

    text = (
        "cell main():\n    val x: i64 = 9223372036854775807\n    assume x < 0\n    println(x + 1)\n"
    )
    _write(here / "p.aura", text)
    r = aura("run", "--release", "--trust-proofs", "p.aura")  # nothing proven yet
    assert r.exit_code == 101 and r.stderr.startswith("panic: integer overflow")
    start = text.index("x + 1")
    checks = (ProvenCheck("overflow", start, start + 5),)
    module = ModuleProofs(("p",), "p.aura", source_hash(text), (CellProofs("main", True, checks),))
    path = proofs_path(Path("p.aura"))
    assert path is not None
    write_proofs(path, ProofFile("test", (module,)))
    r = aura("run", "--release", "--trust-proofs", "p.aura")
    assert (r.stdout, r.exit_code) == ("9223372036854775808\n", 0)
    r = aura("run", "--release", "p.aura")
    assert r.exit_code == 101 and r.stderr.startswith("panic: integer overflow")


def test_run_reports_compile_errors_and_does_not_run(here: Path) -> None:
    _write(here / "bad.aura", 'cell main():\n    println("x")\n    val y: i64 = "no"\n')
    r = aura("run", "bad.aura")
    assert r.exit_code == 1 and r.stdout == ""
    assert "error[E0109]" in r.stderr and "bad.aura:3" in r.stderr


def test_run_without_main(here: Path) -> None:
    _write(here / "lib.aura", "cell helper() -> i64:\n    return 1\n")
    r = aura("run", "lib.aura")
    assert r.exit_code == 1
    assert r.stderr == "error: `lib.aura` has no `main` cell to run\n"


def test_run_missing_file_and_usage(here: Path) -> None:
    r = aura("run", "nope.aura")
    assert r.exit_code == 1 and "E0019" in r.stderr
    assert aura("run").exit_code == 2


def test_panic_after_output(here: Path) -> None:
    _write(here / "p.aura", 'cell main():\n    print("partial")\n    panic("stop")\n')
    r = aura("run", "p.aura")
    assert (r.stdout, r.exit_code) == ("partial", 101)
    assert r.stderr == "panic: stop\n  at p.aura:3:5 in main\n"


def test_internal_error_is_reported_without_traceback(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(message: str) -> None:
        raise TypeError("broken helper")

    original = runtime.helpers

    def patched() -> dict[str, object]:
        table = original()
        table["_fail"] = broken
        return table

    monkeypatch.setattr("aura_interpret.compiler.helpers", patched)
    _write(here / "p.aura", "cell main():\n    assert 1 == 2\n")
    monkeypatch.delenv("AURA_BACKTRACE", raising=False)
    r = aura("run", "p.aura")
    assert r.exit_code == 3
    assert r.stderr.startswith("error: internal compiler error: TypeError: broken helper\n")
    assert "Traceback" not in r.stderr
    monkeypatch.setenv("AURA_BACKTRACE", "1")
    assert "Traceback" in aura("run", "p.aura").stderr


TESTS = """
pure cell double(x: i64) -> i64:
    return x * 2

test cell doubles():
    assert double(2) == 4

test cell prints_then_fails():
    println("some output")
    assert double(2) == 5

test cell overflows():
    val big: i64 = 9223372036854775807
    assert double(big) > 0

test cell passes_too():
    val v = [1]
    assert v.len() == 1

cell main():
    println("main is not run")
"""


def test_test_command_output(here: Path) -> None:
    _write(here / "t.aura", TESTS)
    r = aura("test", "t.aura")
    assert r.exit_code == 1
    assert r.stdout == (
        "test doubles ... ok\n"
        "test prints_then_fails ... FAILED\n"
        "    output:\n"
        "        some output\n"
        "    panic: assertion failed: double(2) == 5\n"
        "      at t.aura:9:5 in prints_then_fails\n"
        "test overflows ... FAILED\n"
        "    panic: integer overflow: 18446744073709551614 does not fit in i64\n"
        "      at t.aura:2:12 in double\n"
        "      at t.aura:13:12 in overflows\n"
        "test passes_too ... ok\n"
        "2 passed, 2 failed\n"
    )


def test_test_command_on_a_directory_and_exit_status(here: Path) -> None:
    d = here / "suite"
    d.mkdir()
    _write(d / "a.aura", "test cell one():\n    assert true\n")
    _write(d / "b.aura", "test cell two():\n    assert 1 + 1 == 2\n")
    r = aura("test", str(d))
    assert (r.stdout, r.exit_code) == ("test one ... ok\ntest two ... ok\n2 passed, 0 failed\n", 0)
    _write(d / "c.aura", "test cell three():\n    val x: i64 = true\n")
    r = aura("test", str(d))
    assert r.exit_code == 1 and "E0109" in r.stderr
    assert r.stdout.endswith("2 passed, 0 failed\n")


def test_test_command_release(here: Path) -> None:
    _write(here / "t.aura", "test cell checked():\n    assert false\n")
    assert aura("test", "t.aura").exit_code == 1
    r = aura("test", "--release", "t.aura")
    assert (r.stdout, r.exit_code) == ("test checked ... ok\n1 passed, 0 failed\n", 0)


# ------------------------------------------------------------- real processes


def _aura_command() -> list[str]:
    exe = Path(sys.executable).with_name("aura")
    assert exe.exists(), "the aura command is not installed next to the interpreter"
    return [str(exe)]


def test_real_process_hello_and_panic(here: Path) -> None:
    _write(here / "h.aura", 'cell main():\n    println("hello")\n    println([1][1])\n')
    proc = subprocess.run(
        [*_aura_command(), "run", "h.aura"], capture_output=True, text=True, check=False
    )
    assert proc.stdout == "hello\n"
    assert proc.returncode == 101
    assert proc.stderr == (
        "panic: index out of bounds: the length is 1 but the index is 1\n  at h.aura:3:13 in main\n"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_exits_130_without_traceback(here: Path) -> None:
    _write(
        here / "loop.aura",
        """
        cell main():
            println("started")
            val mut i: Int = 0
            while true:
                i += 1
        """,
    )
    proc = subprocess.Popen(
        [*_aura_command(), "run", "loop.aura"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "started\n"
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err and out == ""
