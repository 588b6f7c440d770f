"""``--trust-proofs`` with refinement types declared in another module.

A type's predicate is compiled into every cell that checks it, but its spans are
offsets into the module that declares it.  A proof of the cell covers none of
it, even where those offsets equal a proven site of the cell's own file; a
panic inside it is reported at the declaring file's line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import systools
from trust_modules import build, execute, interpret, verify, write_package

MAIN = """\
import app::b

cell f(d: i64, x: b::Pos) -> i64:
    requires d != 0
    return 100 / d

cell main():
    println(f(5, 0))
"""
PREDICATE = "pub type Pos = { p: i64 | 100 / p > 0 }\n"


def aligned_b() -> str:
    """Module ``b``, padded so that its predicate's ``100 / p`` sits at the offsets of
    ``f``'s proven ``100 / d`` in ``main``."""
    pad = MAIN.index("100 / d") - PREDICATE.index("100 / p")
    return "#" + "-" * (pad - 2) + "\n" + PREDICATE


EXPECTED = (
    "panic: division by zero\n"
    "  at src/b.aura:2:27 in app::main::f\n"
    "  at src/main.aura:8:13 in app::main::main\n"
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
def test_interpreter_keeps_the_check_of_a_foreign_predicate(package: Path, trust: bool) -> None:
    ran = interpret(package, trust=trust)
    assert (ran.stdout, ran.stderr, ran.status) == ("", EXPECTED, 101)


@pytest.mark.parametrize("trust", [False, True])
def test_native_keeps_the_check_of_a_foreign_predicate(package: Path, trust: bool) -> None:
    systools.require("cc", package="gcc")
    exe = Path("..", "f")
    build(package, exe, trust=trust)
    ran = execute(exe)
    assert (ran.stdout, ran.stderr, ran.status) == ("", EXPECTED, 101)
