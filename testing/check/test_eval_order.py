"""Arguments that change a place the same call takes as ``mut`` (E0140, spec 3.1 and 7.1).

The receiver of a method that changes it counts as a ``mut`` argument, and a
place changed anywhere inside another argument (a ``mut`` argument of a nested
call, the receiver of a nested ``push``) overlaps it as two ``mut`` arguments
would.  Arguments that only read the place, or change other places, are fine.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aura_core.check import CheckResult

Codes = Callable[[str], list[tuple[str, int, int]]]
Check = Callable[[str], CheckResult]

_CELLS = (
    "type P = record { x: i64, v: Vec<i64> }\n"
    "cell set5(mut a: i64) -> i64:\n    a = 5\n    return 0\n"
    "cell add1(mut a: i64, b: i64):\n    a = a + b + 1\n"
    "cell both(b: i64, mut a: i64):\n    a = a + b\n"
    "cell grow(mut v: Vec<i64>) -> i64:\n    v.push(1)\n    return 1\n"
    "cell f():\n"
    "    val mut a: i64 = 1\n"
    "    val mut i: i64 = 0\n"
    "    val mut v = [1, 2]\n"
    "    val mut vs = [[1], [2]]\n"
    "    val mut p = P { x: 1, v: [] }\n"
)
_LINE = _CELLS.count("\n") + 1


@pytest.mark.parametrize(
    ("stmt", "changed"),
    [
        ("add1(mut a, set5(mut a))", "a)"),
        ("both(set5(mut a), mut a)", "a), mut"),
        ("v.push(grow(mut v))", "v)"),
        ("vs[0].push(set5(mut vs[0][0]))", "vs[0][0]"),
        ("vs[i].push(grow(mut vs[i]))", "vs[i])"),
        ("v.insert(0, grow(mut v))", "v)"),
        ("add1(mut v[0], grow(mut v))", "v)"),
        ("add1(mut p.x, set5(mut p.x) + 1)", "p.x) + 1"),
        ("add1(mut v[0], 1 + v.pop().unwrap())", "v.pop"),
        ("v.push(1 + v.remove(0))", "v.remove"),
    ],
)
def test_an_argument_may_not_change_a_mut_place(codes: Codes, stmt: str, changed: str) -> None:
    """The error points at the changed place inside the other argument."""
    column = 5 + stmt.index(changed)
    assert codes(_CELLS + f"    {stmt}\n") == [("E0140", _LINE, column)]


@pytest.mark.parametrize(
    "stmt",
    [
        "add1(mut a, a)",
        "add1(mut v[i], set5(mut i))",
        "add1(mut v[0], set5(mut v[1]))",
        "vs[i].push(set5(mut i))",
        "v.push(v.len())",
        "v.push(grow(mut vs[0]))",
        "add1(mut a, set5(mut i) + set5(mut i))",
        "val n = grow(mut v) + grow(mut v)",
        "p.v.push(set5(mut p.x))",
    ],
)
def test_reading_the_place_or_changing_another_is_allowed(codes: Codes, stmt: str) -> None:
    assert codes(_CELLS + f"    {stmt}\n") == []


def test_a_receiver_changed_by_its_argument_says_it_counts_as_mut(check: Check) -> None:
    (d,) = check(_CELLS + "    v.push(grow(mut v))\n").diagnostics
    assert any("receiver" in n for n in d.notes)
    (d,) = check(_CELLS + "    add1(mut a, set5(mut a))\n").diagnostics
    assert not d.notes
