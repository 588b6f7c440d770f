"""``--trust-proofs`` with refinement types declared in another module.

A type's predicate is compiled into every cell that checks it, but its spans are
offsets into the module that declares it.  A proof of the cell covers none of
it, even where those offsets equal a proven site of the cell's own file; a
panic inside it is reported at the declaring file's line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import systools
from trust_modules import build, execute, interpret, verify, write_package

MAIN = """\
import app::b
import std::env

cell f(d: i64, x: b::Pos) -> i64:
    requires d != 0
    return 100 / d

cell g(x: i64) -> b::Pos:
    return x

cell h(x: i64) -> i64:
    val y: b::Pos = x
    return y

cell main():
    val k = env::args()[0]
    if k == "f":
        println(f(5, 0))
    if k == "g":
        println(g(0))
    if k == "h":
        println(h(0))
"""
PREDICATE = "pub type Pos = { p: i64 | 100 / p > 0 }\n"


def aligned_b() -> str:
    """Module ``b``, padded so that its predicate's ``100 / p`` sits at the offsets of
    ``f``'s proven ``100 / d`` in ``main``."""
    pad = MAIN.index("100 / d") - PREDICATE.index("100 / p")
    return "#" + "-" * (pad - 2) + "\n" + PREDICATE


#: Per cell checking a `b::Pos` (parameter, result, binding): the panic, at the
#: division in b's predicate, called from main's line.
CASES = {"f": 18, "g": 20, "h": 22}


def expected(cell: str) -> str:
    return (
        "panic: division by zero\n"
        f"  at src/b.aura:2:27 in app::main::{cell}\n"
        f"  at src/main.aura:{CASES[cell]}:17 in app::main::main\n"
    )


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    b = aligned_b()
    assert b.index("100 / p") == MAIN.index("100 / d")
    monkeypatch.chdir(write_package(tmp_path / "app", {"main": MAIN, "b": b}))
    statuses = verify(Path("."))
    assert statuses["app::main::f"] == "verified"  # its division is a proven site
    return Path(".")


@pytest.mark.parametrize("trust", [False, True])
@pytest.mark.parametrize("cell", sorted(CASES))
def test_interpreter_keeps_the_check_of_a_foreign_predicate(
    package: Path, cell: str, trust: bool
) -> None:
    ran = interpret(package, cell, trust=trust)
    assert (ran.stdout, ran.stderr, ran.status) == ("", expected(cell), 101)


@pytest.mark.parametrize("trust", [False, True])
def test_native_keeps_the_check_of_a_foreign_predicate(package: Path, trust: bool) -> None:
    systools.require("cc", package="gcc")
    exe = Path("..", "f")
    build(package, exe, trust=trust)
    for cell in sorted(CASES):
        ran = execute(exe, cell)
        assert (ran.stdout, ran.stderr, ran.status) == ("", expected(cell), 101)


def test_a_cached_program_names_the_foreign_file_too(package: Path) -> None:
    """The run cache keeps each generated line's file (an image of the program)."""
    runs = [interpret(Path("src", "main.aura"), "g", trust=False) for _ in range(2)]
    # The first run stored the program, the second read it.
    assert list(Path(os.environ["AURA_CACHE_DIR"], "run").iterdir())
    for ran in runs:
        assert (ran.stdout, ran.stderr, ran.status) == ("", expected("g"), 101)
