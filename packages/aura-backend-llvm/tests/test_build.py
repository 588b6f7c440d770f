"""``aura build``: executables, diagnostics, options, toolchain errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_core.cli import main
from aura_core.engines import RunRequest

PROGRAM = """\
cell total(v: Vec<i64>) -> i64:
    val mut s = 0
    for x in v:
        s += x
    return s

cell main():
    val v = [1, 2, 3]
    val t = total(v)
    assert t == 7
    val words = ["a"]
    println("sum {total(v)} {0.1 + 0.2} {-0.0} {1e16} {words}")
"""


def _build(tmp_path: Path, source: str, *options: str) -> tuple[int, str, Path]:
    src = tmp_path / "prog.aura"
    src.write_text(source, encoding="utf-8")
    exe = tmp_path / "prog"
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(exe), *options])
    return r.exit_code, r.stderr, exe


def test_release_drops_assertions_and_text_form_matches(tmp_path: Path) -> None:
    status, err, exe = _build(tmp_path, PROGRAM, "--release", "--emit-llvm", str(tmp_path / "p.ll"))
    assert status == 0, err
    proc = subprocess.run([str(exe)], capture_output=True, text=True, check=False)
    assert proc.stdout == 'sum 6 0.30000000000000004 -0.0 1e+16 ["a"]\n'
    assert "define" in (tmp_path / "p.ll").read_text()


def test_assertion_panics_without_release(tmp_path: Path) -> None:
    status, err, exe = _build(tmp_path, PROGRAM)
    assert status == 0, err
    proc = subprocess.run([str(exe)], capture_output=True, text=True, check=False)
    assert proc.returncode == 101
    assert proc.stderr.startswith("panic: assertion failed: t == 7\n  at ")
    assert proc.stderr.endswith("prog.aura:10:5 in main\n")


def test_unsupported_construct_is_a_diagnostic(tmp_path: Path) -> None:
    status, err, exe = _build(tmp_path, "cell main():\n    val n: Int = 3\n    println(n)\n")
    assert status == 1
    assert "error[E1001]" in err and "`Int`" in err
    assert not exe.exists()


def test_missing_compiler_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CC", "no-such-compiler-anywhere")
    status, err, _ = _build(tmp_path, "cell main():\n    println(1)\n")
    assert status == 1
    assert "apt-get install gcc" in err and "build-essential" in err


def test_native_engine_runs_with_arguments(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from aura_backend_llvm import run_native

    src = tmp_path / "args.aura"
    src.write_text(
        "import std::env\n\ncell main() -> i32:\n    println(env::args())\n    return 7\n",
        encoding="utf-8",
    )
    assert run_native(RunRequest(src, ("x", "y z"))) == 7
    assert capfd.readouterr().out == '["x", "y z"]\n'


def test_the_docs_example_prints_what_the_docs_say(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "backend-llvm.md").read_text()
    program = doc.split("```aura\n", 1)[1].split("```", 1)[0]
    # The output block after the program shows `aura run --native` and what it prints.
    shown = doc.split("<!-- output -->", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    expected = shown.split("$ aura run --native ", 1)[1].split("\n")[1]
    status, err, exe = _build(tmp_path, program)
    assert status == 0, err
    proc = subprocess.run([str(exe)], capture_output=True, text=True, check=False)
    assert proc.stdout == expected + "\n"


def test_trust_proofs_drops_what_the_verifier_proved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "inc.aura"
    src.write_text(
        "cell inc(x: i64) -> i64:\n    requires x < 100\n    return x + 1\n\n"
        "cell main():\n    for i in 0..3:\n        println(inc(i))\n",
        encoding="utf-8",
    )
    verified = CliRunner().invoke(main, ["verify", "--timeout", "60", str(src)])
    assert verified.exit_code == 0, verified.output
    plain, trusting = tmp_path / "plain.ll", tmp_path / "trusting.ll"
    for ir_file, extra in ((plain, []), (trusting, ["--trust-proofs"])):
        r = CliRunner().invoke(
            main,
            ["build", str(src), "-o", str(tmp_path / "inc"), "--emit-llvm", str(ir_file), *extra],
        )
        assert r.exit_code == 0, r.output
    checks = '@"llvm.sadd.with.overflow.i64"('
    assert plain.read_text().count(checks) > trusting.read_text().count(checks), verified.output
    assert "precondition failed" in plain.read_text()
    assert "precondition failed" not in trusting.read_text(), verified.output
    proc = subprocess.run([str(tmp_path / "inc")], capture_output=True, text=True, check=False)
    assert proc.stdout == "1\n2\n3\n"


def test_native_engine_reuses_an_unchanged_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import aura_backend_llvm.pipeline as pipeline
    from aura_backend_llvm import run_native

    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "again.aura"
    src.write_text('cell main():\n    println("again")\n', encoding="utf-8")
    assert run_native(RunRequest(src)) == 0

    def no_build(ir_text: str, output: Path, host_cpu: bool = False) -> None:
        raise AssertionError("the cached executable was not reused")

    monkeypatch.setattr(pipeline, "build_executable", no_build)
    assert run_native(RunRequest(src)) == 0
    assert capfd.readouterr().out == "again\nagain\n"


def test_bad_requests_are_errors_not_crashes(tmp_path: Path) -> None:
    status, err, _ = _build(tmp_path, "cell helper():\n    println(1)\n")
    assert status == 1 and "has no `main` cell" in err
    src = tmp_path / "ok.aura"
    src.write_text("cell main():\n    println(1)\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(tmp_path / "no" / "such" / "x")])
    assert r.exit_code == 1 and "cannot write" in r.stderr


def test_an_executable_needs_nothing_from_the_python_environment(tmp_path: Path) -> None:
    status, err, exe = _build(tmp_path, PROGRAM, "--release")
    assert status == 0, err
    # Moved away from the build and its cache, run with an empty environment.
    alone = tmp_path / "elsewhere"
    alone.mkdir()
    moved = alone / "prog"
    exe.rename(moved)
    proc = subprocess.run([str(moved)], capture_output=True, text=True, env={}, cwd=alone)
    assert (proc.returncode, proc.stdout) == (0, 'sum 6 0.30000000000000004 -0.0 1e+16 ["a"]\n')
    # It links only the C library's parts (no Python, no LLVM).
    needed = subprocess.run(["ldd", str(moved)], capture_output=True, text=True, check=True).stdout
    libraries = {line.split()[0] for line in needed.splitlines() if line.strip()}
    allowed = ("linux-vdso", "libc.", "libm.", "libpthread.", "ld-linux", "/lib")
    assert all(lib.startswith(allowed) for lib in libraries), libraries
