"""Property: ``--trust-proofs`` never changes what a verified program does.

Generated packages declare refinement types in module ``b`` and use them in
``main`` -- as parameter, binding and return types of cells that also divide
(a check the verifier proves from ``requires``).  Each package is verified,
then every case of its ``main`` (chosen by the first argument) is run on both
engines, with and without ``--trust-proofs``: stdout, stderr and exit status
must be the same.  Only checks that cannot fail may go, so nothing observable
may change -- in particular not the check of a predicate written in another
file whose offsets happen to be those of a proven site (the generator lines
them up on purpose, as a comment line above the types can).

Native builds are slow: one executable per package and setting runs all its
cases, the example count is small, and failures are not shrunk.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from pathlib import Path

import systools
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from trust_modules import Outcome, build, execute, interpret, verify, write_package

#: The first line of every cell: a division the verifier proves from ``requires``.
_DIVIDE = "    val q: i64 = {k} / d\n"
#: A predicate that divides by the refined value; the same width as ``_DIVIDE``'s
#: division, so that one can be placed at the other's offsets.
_DIVIDING = "{k} / v > {c}"


@dataclass(frozen=True)
class Cell:
    """``f<n>(d: i64, x: b::T<param>)``: divides, binds a ``b::T<bound>``, returns."""

    param: int
    bound: int
    returns: int | None  # the index of a refined return type, or plain i64
    requires: bool
    k: int
    d: int
    xs: tuple[int, ...]
    #: Whether ``main`` binds each argument to the parameter type before the call.
    bind_in_main: bool


@dataclass(frozen=True)
class Package:
    modules: dict[str, str]
    cases: int


def _predicates() -> st.SearchStrategy[str]:
    small = st.integers(-3, 3)
    return st.one_of(
        st.builds(_DIVIDING.format, k=st.integers(100, 999), c=small),
        st.builds("v % {k} != {r}".format, k=st.integers(2, 9), r=st.integers(0, 1)),
        st.builds("v >= {c}".format, c=small),
        st.builds("v > {lo} and v < {hi}".format, lo=st.integers(-20, 0), hi=st.integers(1, 2000)),
    )


@st.composite
def packages(draw: st.DrawFn) -> Package:
    preds = draw(st.lists(_predicates(), min_size=1, max_size=3))
    n = len(preds)
    cells = draw(
        st.lists(
            st.builds(
                Cell,
                param=st.integers(0, n - 1),
                bound=st.integers(0, n - 1),
                returns=st.none() | st.integers(0, n - 1),
                requires=st.booleans(),
                k=st.integers(100, 999),
                d=st.sampled_from([3, -7, 1, 0]),
                xs=st.tuples(st.just(0), st.sampled_from([1, -1, 5, 120, 1000])),
                bind_in_main=st.booleans(),
            ),
            min_size=1,
            max_size=3,
        )
    )
    # Line a dividing predicate up with a cell's proven division; the cell gets its
    # arguments unchecked by `main`, so that its own check of them is the one that runs.
    aligned = draw(st.none() | st.integers(0, len(cells) - 1))
    if aligned is not None:
        cell = cells[aligned]
        cells[aligned] = dataclasses.replace(cell, requires=True, bind_in_main=False)
        preds[cell.param] = _DIVIDING.format(k=draw(st.integers(100, 999)), c=0)
    main = _main(cells)
    types = "".join(f"pub type T{i} = {{ v: i64 | {p} }}\n" for i, p in enumerate(preds))
    b = types
    if aligned is not None:
        cell = cells[aligned]
        header = main.index(f"cell f{aligned}(")
        target = main.index(_DIVIDE.format(k=cell.k), header) + len("    val q: i64 = ")
        written = types.index(f"type T{cell.param} =")
        pad = target - (written + types[written:].index(" / v") - 3)
        if pad >= 2:
            b = "#" + "-" * (pad - 2) + "\n" + types
        elif pad == 1:
            b = "\n" + types
    return Package({"b": b, "main": main}, sum(len(c.xs) for c in cells))


def _main(cells: list[Cell]) -> str:
    out = ["import std::env\nimport app::b\n"]
    for n, c in enumerate(cells):
        ret = f"b::T{c.returns}" if c.returns is not None else "i64"
        out.append(
            f"\ncell f{n}(d: i64, x: b::T{c.param}) -> {ret}:\n"
            + ("    requires d != 0\n" if c.requires else "")
            + _DIVIDE.format(k=c.k)
            + f"    val y: b::T{c.bound} = x + q\n"
            + ("    return y\n" if c.returns is not None else "    return q + y\n")
        )
    out.append("\ncell main():\n    val k = env::args()[0].parse_int().unwrap()\n")
    case = itertools.count()
    for n, c in enumerate(cells):
        for x in c.xs:
            out.append(f"    if k == {next(case)}:\n")
            if c.bind_in_main:
                out.append(f"        val a: b::T{c.param} = {x}\n        println(f{n}({c.d}, a))\n")
            else:
                out.append(f"        println(f{n}({c.d}, {x}))\n")
    return "".join(out)


def _runs(root: Path, cases: int, work: Path) -> dict[tuple[str, bool], list[Outcome]]:
    """Every case's outcome per (engine, trust)."""
    out: dict[tuple[str, bool], list[Outcome]] = {}
    for trust in (False, True):
        out["interpreter", trust] = [interpret(root, str(k), trust=trust) for k in range(cases)]
        exe = work / f"native-{trust}"
        build(root, exe, trust=trust)
        out["native", trust] = [execute(exe, str(k)) for k in range(cases)]
    return out


def test_trusting_proofs_changes_nothing_a_program_does(tmp_path: Path) -> None:
    systools.require("cc", package="gcc")
    examples = itertools.count()
    seen = {"aligned panics": 0}

    @settings(
        max_examples=8,
        derandomize=True,
        database=None,
        # No shrinking: each example builds two executables, so shrinking a failure
        # would take many minutes; the failure message shows the whole package.
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(packages())
    def check(package: Package) -> None:
        work = tmp_path / f"p{next(examples)}"
        root = write_package(work / "app", package.modules)
        statuses = verify(root)
        runs = _runs(root, package.cases, work)
        for engine in ("interpreter", "native"):
            plain, trusting = runs[engine, False], runs[engine, True]
            for k, (p, t) in enumerate(zip(plain, trusting, strict=True)):
                assert t == p, f"{engine}, case {k}, {statuses}:\n" + "\n".join(
                    f"--- {name}\n{text}" for name, text in package.modules.items()
                )
        if any("src/b.aura" in o.stderr for o in runs["native", True]):
            seen["aligned panics"] += 1

    check()
    # The generator reaches what it is for: panics inside b's predicates.
    assert seen["aligned panics"] >= 1, seen
