"""``--trust-proofs``: checks listed as proven in the proven-checks file are left out.

The files here are written by hand (``testing/verify/test_trust_proofs.py`` runs
the verifier end to end), so each test says exactly which check is proven.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from aura_core.proofs import (
    CellProofs,
    CheckKind,
    ModuleProofs,
    ProofFile,
    ProvenCheck,
    proofs_path,
    source_hash,
    write_proofs,
)
from aura_core.trust import proven_for
from aura_core.types import QualName
from aura_interpret.compiler import compile_program
from aura_interpret.externs import Host
from aura_interpret.session import CheckedProgram, load_checked, run_main

PROGRAM = """\
cell grow(x: i64) -> i64:
    assume x < 100
    return x + 1

cell twice(y: i64) -> i64:
    return y * 2

cell main():
    println(grow(9223372036854775807))
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))


def prove(text: str, checks: dict[str, list[tuple[CheckKind, str]]], verified: bool = True) -> None:
    """Record ``checks`` (cell -> (kind, the text the check is at)) as proven for ``t.aura``."""
    cells = []
    for cell, sites in checks.items():
        found = []
        for kind, snippet in sites:
            start = text.index(snippet)
            found.append(ProvenCheck(kind, start, start + len(snippet)))
        cells.append(CellProofs(cell, verified, tuple(found)))
    module = ModuleProofs(("t",), "t.aura", source_hash(text), tuple(cells))
    path = proofs_path(Path("t.aura"))
    assert path is not None
    write_proofs(path, ProofFile("test", (module,)))


def checked(text: str) -> CheckedProgram:
    Path("t.aura").write_text(text, encoding="utf-8")
    result = load_checked(Path("t.aura"))
    assert not isinstance(result, list), [d.message for d in result]
    return result


def generated(text: str) -> dict[str, str]:
    """Cell name -> its generated Python, compiled with what is proven."""
    program = checked(text)
    proven = proven_for(program.program, program.entry, release=False)
    names = [QualName(program.entry, n) for n in ("main", "twice")]
    compiled = compile_program(program.program, names, host=Host(), proven=proven)
    return {
        name.split(":")[-1].rstrip(">"): code.python
        for name, code in compiled.source_map.maps.items()
    }


def run(text: str, *, release: bool, trust: bool) -> tuple[str, str | None]:
    program = checked(text)
    out = io.StringIO()
    result = run_main(
        program, Host(stdout=out, stderr=io.StringIO()), release=release, trust_proofs=trust
    )
    return out.getvalue(), None if result.panic is None else result.panic.message


def test_a_proven_overflow_check_is_not_generated() -> None:
    assert "_ovf" in generated(PROGRAM)["grow"]
    prove(PROGRAM, {"grow": [("overflow", "x + 1")]})
    code = generated(PROGRAM)
    assert "_ovf" not in code["grow"]
    assert "_ovf" in code["twice"]  # nothing proven there


def test_stale_proofs_are_not_trusted() -> None:
    prove(PROGRAM, {"grow": [("overflow", "x + 1")]})
    edited = PROGRAM.replace("cell main():", "# edited\ncell main():")
    assert "_ovf" in generated(edited)["grow"]


def test_release_drops_proven_checks_only_when_every_cell_is_verified() -> None:
    prove(PROGRAM, {"grow": [("overflow", "x + 1")], "twice": [], "main": []})
    assert run(PROGRAM, release=True, trust=True) == ("9223372036854775808\n", None)
    _, panic = run(PROGRAM, release=True, trust=False)
    assert panic is not None and panic.startswith("integer overflow")
    prove(PROGRAM, {"grow": [("overflow", "x + 1")], "main": []})  # `twice` unverified
    _, panic = run(PROGRAM, release=True, trust=True)
    assert panic is not None and panic.startswith("integer overflow")


def test_assumptions_still_run_without_release() -> None:
    prove(PROGRAM, {"grow": [("overflow", "x + 1")], "twice": [], "main": []})
    _, panic = run(PROGRAM, release=False, trust=True)
    assert panic == "assumption failed: x < 100"


CALLED = """\
cell half(x: i64) -> i64:
    requires x >= 0
    return x / 2

cell main():
    println(half(4))
    println(half(-2))
"""


def test_requires_go_only_when_every_call_is_proven() -> None:
    one_call = {"main": [("precondition", "half(4)")]}
    prove(CALLED, one_call)
    _, panic = run(CALLED, release=False, trust=True)
    assert panic == "precondition failed: x >= 0"
    prove(CALLED, {"main": [("precondition", "half(4)"), ("precondition", "half(-2)")]})
    assert run(CALLED, release=False, trust=True) == ("2\n-1\n", None)


def test_proven_clauses_and_division_are_not_generated() -> None:
    text = """\
cell avg(a: Vec<i64>, n: i64) -> i64:
    requires n > 0
    ensures result == result
    val mut s: i64 = 0
    for i in 0..a.len():
        invariant i >= 0
        s = s + a[i] % n
    assert s == s
    return s / n

cell twice(y: i64) -> i64:
    return y * 2

cell main():
    println(avg([1, 2, 3], 2))
"""
    before = generated(text)["avg"]
    prove(
        text,
        {
            "avg": [
                ("postcondition", "result == result"),
                ("invariant_entry", "i >= 0"),
                ("invariant_preserved", "i >= 0"),
                ("assertion", "assert s == s"),
                ("division", "s / n"),
                ("overflow", "s / n"),
                ("division", "a[i] % n"),
            ]
        },
    )
    after = generated(text)["avg"]
    for helper in ("postcondition failed", "_invfail", "assertion failed", "_idiv", "_rem"):
        assert helper in before and helper not in after, helper
    assert run(text, release=False, trust=True) == ("1\n", None)


def test_only_the_proven_half_of_an_invariant_goes() -> None:
    text = """\
cell count(n: i64) -> i64:
    requires n >= 0
    val mut c: i64 = 0
    while c < n:
        invariant c <= n
        decreases n - c
        c += 1
    return c

cell twice(y: i64) -> i64:
    return y * 2

cell main():
    println(count(3))
"""
    prove(text, {"count": [("invariant_preserved", "c <= n")]})
    code = generated(text)["count"]
    assert "_invfail" in code
    assert code.count("if _e") == 1 and "and not" in code  # checked on entry only
    assert run(text, release=False, trust=True) == ("3\n", None)
