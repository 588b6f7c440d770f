"""End to end: `aura verify` exports proven checks, `aura run --trust-proofs` drops them.

The verifier's places and the interpreter's check sites must agree for every
kind of check; these tests verify real programs and look at the code the
interpreter generates, and at how the programs behave.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from aura_core.cli import main as aura
from aura_core.trust import proven_for
from aura_core.types import QualName
from aura_interpret.compiler import compile_program
from aura_interpret.externs import Host
from aura_interpret.session import CheckedProgram, load_checked, run_main
from aura_verify import Options, verify_paths

KINDS = """\
type Small = i64[0..100]

cell clamp(x: i64) -> i64:
    requires x >= 0
    val s: Small = x % 100
    val mut t: Small = s
    t = s / 2
    return t

cell sh(x: u32, n: i64) -> u32:
    requires 0 <= n and n < 32
    return (x << n) >> n

cell avg(a: Vec<i64>, n: i64) -> i64:
    requires n > 0 and n < 1000
    requires a.len() < 1000
    requires forall(i in 0..a.len()): a[i] >= 0 and a[i] < 1000
    ensures result >= 0
    val mut s: i64 = 0
    for i in 0..a.len():
        invariant s >= 0 and s <= i * 1000
        s = s + a[i] % n
    assert s >= 0
    return s / n

cell first(v: Vec<i64>) -> i64:
    requires v.len() > 0
    return v.get(0).unwrap()

cell at(v: Vec<i64>, k: i64) -> i64:
    requires 0 <= k and k < v.len()
    return v[k]

cell main():
    println(avg([1, 2, 3], 2))
    println(first([5]))
    println(at([7, 8], 1))
    println(clamp(250))
    println(sh(7, 3))
"""

#: `grow`'s overflow is proven from an `assume`; `bump`'s is not proven at all.
ASSUMED = """\
cell grow(x: i64) -> i64:
    assume x < 100
    return x + 1

cell bump(x: i64) -> i64:
    return x + 1

cell main():
    println(grow(9223372036854775807))
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AURA_CACHE_DIR", str(tmp_path / "cache"))


def verify(text: str) -> dict[str, str]:
    Path("t.aura").write_text(text, encoding="utf-8")
    files, compiled, _ = verify_paths(["t.aura"], Options(timeout=30.0), export=True)
    assert compiled
    return {c.name.name: c.status for f in files for c in f.cells}


def checked() -> CheckedProgram:
    result = load_checked(Path("t.aura"))
    assert not isinstance(result, list)
    return result


def generated(*, trust: bool) -> dict[str, str]:
    program = checked()
    proven = proven_for(program.program, program.entry, release=False) if trust else None
    main = QualName(program.entry, "main")
    compiled = compile_program(program.program, [main], host=Host(), proven=proven)
    return {
        name.split("::")[-1].rstrip(">"): code.python
        for name, code in compiled.source_map.maps.items()
    }


def run(*, release: bool, trust: bool) -> tuple[str, str | None]:
    out = io.StringIO()
    host = Host(stdout=out, stderr=io.StringIO())
    result = run_main(checked(), host, release=release, trust_proofs=trust)
    return out.getvalue(), None if result.panic is None else result.panic.message


def test_proven_checks_of_every_kind_are_left_out() -> None:
    assert set(verify(KINDS).values()) == {"verified"}
    before, after = generated(trust=False), generated(trust=True)
    gone = {
        "avg": ["_ovf", "_idiv", "_rem", "postcondition failed", "assertion failed"],
        "first": ["_unwrapnone"],
        "at": ["_negix"],
        "clamp": ["_reffail"],
        "sh": ["_shl", "_shr"],
    }
    for cell, helpers in gone.items():
        for helper in helpers:
            assert helper in before[cell], (cell, helper)
            assert helper not in after[cell], (cell, helper)
    # `avg` is called once, with proven preconditions; `first`'s call is proven by
    # simplification alone, which records nothing, so its check stays.
    assert "precondition failed" not in after["avg"]
    assert "precondition failed" in after["first"]
    assert (
        run(release=False, trust=True)
        == run(release=False, trust=False)
        == ("1\n5\n8\n25\n7\n", None)
    )


def test_unproven_checks_stay_and_stale_proofs_are_ignored() -> None:
    statuses = verify(ASSUMED)
    assert statuses == {"grow": "verified", "bump": "failed", "main": "verified"}
    code = generated(trust=True)
    assert "_ovf" not in code["grow"]
    _, panic = run(release=True, trust=False)
    assert panic is not None and panic.startswith("integer overflow")
    # Under --release the `assume` does not run, so only proofs of a program
    # verified completely are trusted; `bump` failed.
    _, panic = run(release=True, trust=True)
    assert panic is not None and panic.startswith("integer overflow")

    fixed = ASSUMED.replace("    return x + 1\n\ncell main", "    return x\n\ncell main")
    assert set(verify(fixed).values()) == {"verified"}
    assert run(release=True, trust=True) == ("9223372036854775808\n", None)
    Path("t.aura").write_text(fixed + "# edited\n", encoding="utf-8")
    _, panic = run(release=True, trust=True)
    assert panic is not None and panic.startswith("integer overflow")


def test_the_example_of_the_docs_page() -> None:
    page = Path(__file__).parents[2] / "docs" / "reference" / "proven-checks.md"
    text = page.read_text(encoding="utf-8")
    example = text.split("```aura\n", 1)[1].split("```", 1)[0]
    assert verify(example) == {"grow": "verified", "main": "verified"}
    assert run(release=True, trust=True) == ("9223372036854775808\n", None)
    assert run(release=False, trust=True)[1] == "assumption failed: x < 100"


#: `g`'s operation is proven from an `assume` whose quantifier ranges over a type,
#: which the interpreter cannot check: the `assume` passes, its condition is false.
UNCHECKED_ASSUME = """\
cell g(d: i64, x: i32) -> i64:
    assume forall(k: i64): d != 0 and d >= 0 and d < 32
    return OPERATION

cell main():
    println(g(ARGS))
"""


def trusted_panic(*, release: bool) -> list[str]:
    """The lines of the panic a run with ``--trust-proofs`` ends with (it must be one,
    not an internal error)."""
    host = Host(stdout=io.StringIO(), stderr=io.StringIO())
    result = run_main(checked(), host, release=release, trust_proofs=True)
    assert result.error is None, result.error
    assert result.panic is not None
    return result.panic.render().splitlines()


@pytest.mark.parametrize(
    ("operation", "checked_form", "args", "message"),
    [
        ("100 / d", "_idiv", "0, 1", "division by zero"),
        ("100 % d", "_rem", "0, 1", "remainder by zero"),
        ("(x >> d) as i64", "_shr", "-1, 1", "shift by -1 is out of range for i32"),
        ("(x << d) as i64", "_shl", "-1, 1", "shift by -1 is out of range for i32"),
    ],
)
@pytest.mark.parametrize("release", [False, True])
def test_a_check_trusted_on_a_broken_assume_still_panics(
    operation: str, checked_form: str, args: str, message: str, release: bool
) -> None:
    """The operation's own failure is the panic its check would have raised, never a
    Python error escaping the program (an internal error)."""
    program = UNCHECKED_ASSUME.replace("OPERATION", operation).replace("ARGS", args)
    assert verify(program) == {"g": "verified", "main": "verified"}
    assert checked_form in generated(trust=False)["g"]
    assert checked_form not in generated(trust=True)["g"]
    assert trusted_panic(release=release) == [
        f"panic: {message}",
        "  at t.aura:3:12 in g",
        "  at t.aura:6:13 in main",
    ]


UNCHECKED_UNWRAP = """\
pure cell same(x: i64) -> i64:
    ensures result == x
    return x

cell g(v: Vec<i64>, k: i64) -> i64:
    assume forall(q: i64): k >= 0 and k < v.len()
    return OPERATION

cell main():
    println(g([1, 2], 5))
"""


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ("v.get(k).unwrap()", "called `unwrap()` on `None`"),
        ('v.get(same(k)).expect("k is in range")', "k is in range"),
    ],
)
def test_an_unwrap_trusted_on_a_broken_assume_still_panics(operation: str, message: str) -> None:
    assert verify(UNCHECKED_UNWRAP.replace("OPERATION", operation))["g"] == "verified"
    assert "_unwrapnone" in generated(trust=False)["g"] or "_expect" in generated(trust=False)["g"]
    assert "_unwrapnone" not in generated(trust=True)["g"]
    assert "_expect" not in generated(trust=True)["g"]
    assert trusted_panic(release=False) == [
        f"panic: {message}",
        "  at t.aura:7:12 in g",
        "  at t.aura:10:13 in main",
    ]


#: An exact value in a typed place of a `requires`: it used to be read back as
#: an i64 without an obligation, which proved `x + 1` cannot overflow.
TYPED_PLACE = """\
type Box = record { v: i64 }

cell inc(x: i64) -> i64:
    requires Box { v: x + 1 }.v > x
    return x + 1

cell main():
    println(inc(9223372036854775807))
"""


def test_a_typed_place_of_a_specification_proves_nothing_wrong() -> None:
    assert verify(TYPED_PLACE) == {"inc": "failed", "main": "verified"}
    # The precondition's record field panics; under --release, where the
    # precondition does not run, the program is not verified completely, so
    # the overflow check of `x + 1` stays.
    for release in (False, True):
        out, panic = run(release=release, trust=True)
        assert out == ""
        assert panic == "integer overflow: 9223372036854775808 does not fit in i64"


#: `grow`'s overflow is proven from a lemma whose own proof fails; `twice`'s
#: from a pure cell whose definition never returns (its measure fails).
UNPROVEN_FACTS = """\
lemma cell small(x: i64):
    ensures x < 100
    return

cell grow(x: i64) -> i64:
    small(x)
    return x + 1

pure cell stuck(x: Int) -> Int:
    decreases 0
    return 1 + stuck(x)

cell twice(x: i64) -> i64:
    assert stuck(x as Int) == 0
    return x * 2

cell main():
    println(grow(9223372036854775807))
    println(twice(1))
"""


def test_checks_resting_on_an_unproven_lemma_or_pure_cell_stay() -> None:
    assert verify(UNPROVEN_FACTS) == {
        "small": "failed",
        "grow": "verified",
        "stuck": "failed",
        "twice": "verified",
        "main": "verified",
    }
    code = generated(trust=True)
    assert "_ovf" in code["grow"] and "_ovf" in code["twice"]
    result = CliRunner().invoke(aura, ["run", "--trust-proofs", "t.aura"])
    assert result.exit_code == 101, result.output
    assert "integer overflow" in result.output
    # Once the lemma is proven, the checks of its callers go.
    fixed = UNPROVEN_FACTS.replace("    ensures", "    requires x < 100\n    ensures", 1)
    fixed = fixed.replace("    small(x)\n", "    requires x < 100\n    small(x)\n")
    assert verify(fixed)["small"] == "verified"
    code = generated(trust=True)
    assert "_ovf" not in code["grow"] and "_ovf" in code["twice"]
