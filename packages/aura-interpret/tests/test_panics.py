"""Panics of spec section 7.2: messages, stack traces, exit status (panics.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aura_interpret.panics import PanicReport, TraceEntry
from aura_interpret.runner import MAX_DEPTH

Run = Callable[..., Any]


def _main(body: str) -> str:
    lines = body.strip("\n").split("\n")
    return "cell main():\n" + "\n".join("    " + line for line in lines) + "\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "val x: i64 = 9223372036854775807\nprintln(x + 1)",
            "integer overflow: 9223372036854775808 does not fit in i64",
        ),
        (
            "val x: i32 = -2147483648\nprintln(x - 1)",
            "integer overflow: -2147483649 does not fit in i32",
        ),
        ("val x: u16 = 300\nprintln(x * x)", "integer overflow: 90000 does not fit in u16"),
        ("val x: i8 = -128\nprintln(-x)", "integer overflow: 128 does not fit in i8"),
        ("val x: u8 = 1\nprintln(-x)", "integer overflow: -1 does not fit in u8"),
        ("val x: i8 = -128\nprintln(x.abs())", "integer overflow: 128 does not fit in i8"),
        ("val x: i64 = -1\nprintln(x as u64)", "integer overflow: -1 does not fit in u64"),
        ("val x = 1e300\nprintln(x as i64)", "cannot convert 1e+300 to i64: out of range"),
        ("val x: i32 = 2\nprintln(x.pow(31))", "integer overflow: 2147483648 does not fit in i32"),
        ("val z = 0\nprintln(1 / z)", "division by zero"),
        ("val z: u8 = 0\nprintln(1 % z)", "remainder by zero"),
        (
            "val a: i16 = -32768\nval b: i16 = -1\nprintln(a / b)",
            "integer overflow: 32768 does not fit in i16",
        ),
        ("val n: u32 = 32\nval x: u32 = 1\nprintln(x << n)", "shift by 32 is out of range for u32"),
        (
            "val v = [1]\nval i: u8 = 1\nprintln(v[i])",
            "index out of bounds: the length is 1 but the index is 1",
        ),
        (
            "val v: Vec<i64> = []\nprintln(v[0])",
            "index out of bounds: the length is 0 but the index is 0",
        ),
        (
            "val mut v = [1]\nv.insert(3, 1)",
            "insert index out of bounds: the length is 1 but the index is 3",
        ),
        (
            "val mut v = [1]\nprintln(v.remove(1))",
            "remove index out of bounds: the length is 1 but the index is 1",
        ),
        (
            "val v = [1, 2]\nprintln(v.slice(1, 3))",
            "slice 1..3 is out of bounds of a vector of length 2",
        ),
        ("val v = [1, 2]\nprintln(v.slice(2, 1))", "slice 2..1 starts after its end"),
        ('val s = "hé"\nprintln(s.slice(0, 2))', "byte index 2 is not a char boundary"),
        (
            'val s = "abc"\nprintln(s.slice(1, 4))',
            "string slice 1..4 is out of bounds of a string of 3 bytes",
        ),
        ('println("ab".repeat(-1))', "cannot repeat a string -1 times"),
        ("val n = -2\nprintln(Vec::filled(n, 0))", "cannot make a vector of negative length -2"),
        ("val m: Map<i64, i64> = Map::new()\nprintln(m[5])", "key not found in map: 5"),
        ("val o: Option<i64> = None\nprintln(o.unwrap())", "called `unwrap()` on `None`"),
        (
            'val r: Result<i64, String> = Err("x")\nprintln(r.unwrap())',
            'called `unwrap()` on `Err("x")`',
        ),
        (
            "val r: Result<i64, String> = Ok(3)\nprintln(r.unwrap_err())",
            "called `unwrap_err()` on `Ok(3)`",
        ),
        ('val o: Option<i64> = None\nprintln(o.expect("needed"))', "needed"),
        ('panic("custom {1 + 1}")', "custom 2"),
    ],
)
def test_panic_messages(run: Run, body: str, message: str) -> None:
    r = run(_main(body))
    assert r.status == 101
    assert r.panic_message == message
    assert r.stdout == ""


def test_stack_trace_is_innermost_first(run: Run) -> None:
    r = run(
        """
        cell c(v: Vec<i64>) -> i64:
            return v[10]

        cell b(v: Vec<i64>) -> i64:
            val x = 1
            return x + c(v)

        cell main():
            println("out")
            println(b([1]))
        """
    )
    assert r.stdout == "out\n"
    assert r.panic.split("\n") == [
        "panic: index out of bounds: the length is 1 but the index is 10",
        "  at t.aura:2:12 in c",
        "  at t.aura:6:16 in b",
        "  at t.aura:10:13 in main",
    ]


def test_position_of_the_failing_operation_within_a_line(run: Run) -> None:
    r = run(
        """
        cell main():
            val a: u8 = 200
            val b: Vec<u8> = [1, 2]
            println(b[0] + b[1] * (a + a))
        """
    )
    assert r.panic.split("\n")[1] == "  at t.aura:4:27 in main"


def test_stack_overflow_is_a_panic(run: Run) -> None:
    r = run(
        """
        cell down(n: i64) -> i64:
            if n == 0:
                return 0
            return 1 + down(n - 1)

        cell main():
            println(down(10000))
            println(down(1000000))
        """
    )
    assert r.stdout == "10000\n"
    assert r.panic_message == f"stack overflow: more than {MAX_DEPTH} nested calls"
    lines = r.panic.split("\n")
    assert lines[1] == "  at t.aura:4:16 in down"
    assert lines[2].startswith("  ... the frame above repeats ")
    assert lines[-1] == "  at t.aura:8:13 in main"


def test_panic_inside_a_quantifier_names_the_cell(run: Run) -> None:
    r = run(
        """
        cell get(v: Vec<i64>, n: i64) -> i64:
            requires forall(i in 0..n): v[i] >= 0
            return n

        cell main():
            println(get([1, 2], 3))
        """
    )
    assert r.panic.split("\n") == [
        "panic: index out of bounds: the length is 2 but the index is 2",
        "  at t.aura:2:33 in get",
        "  at t.aura:6:13 in main",
    ]


def test_trace_folding() -> None:
    e = TraceEntry("f.aura", 3, 5, "f")
    m = TraceEntry("f.aura", 9, 1, "main")
    report = PanicReport("boom", (e,) * 10 + (m,))
    assert report.render().split("\n") == [
        "panic: boom",
        "  at f.aura:3:5 in f",
        "  ... the frame above repeats 9 more times",
        "  at f.aura:9:1 in main",
    ]
    many = tuple(TraceEntry("f.aura", i, 1, "f") for i in range(1, 101))
    lines = PanicReport("boom", many).render().split("\n")
    assert len(lines) == 1 + 40 + 1 + 10
    assert lines[41] == "  ... 50 frames omitted"


def test_cells_of_other_modules_are_named_in_full(run: Run) -> None:
    r = run(
        """
        import std::math

        cell main():
            println(math::gcd(-1, 2))
        """
    )
    assert r.panic_message == "precondition failed: a >= 0 and b >= 0"
    assert r.panic.split("\n")[1].endswith(" in std::math::gcd")
    assert r.panic.split("\n")[2] == "  at t.aura:4:13 in main"
