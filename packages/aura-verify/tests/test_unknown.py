"""Soundness first: what the encoding does not model is `unknown`, never `verified`,
and the message names the construct (spec section 8)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aura_verify import CellResult

Verify = Callable[[str], dict[str, CellResult]]


def only(results: dict[str, CellResult]) -> CellResult:
    (r,) = results.values()
    return r


def test_string_slice_boundaries(verify: Verify) -> None:
    r = only(verify("cell f(s: String) -> String:\n    return s.slice(0, 1)\n"))
    assert r.status == "unknown"
    (f,) = r.failures
    assert f.status == "unknown" and "String.slice" in f.message


def test_pow_with_a_variable_exponent(verify: Verify) -> None:
    r = only(verify("cell f(x: i64, e: u32) -> i64:\n    return x.pow(e)\n"))
    assert r.status == "unknown" and "`pow`" in r.failures[0].message


def test_counterexample_through_a_partial_model_is_unknown(verify: Verify) -> None:
    r = only(verify("cell f(n: i64):\n    val s = n.to_string()\n    assert s.len() < 30\n"))
    assert r.status == "unknown"
    assert "to_string" in r.failures[0].message


def test_bitwise_on_int_is_partial(verify: Verify) -> None:
    r = only(verify("cell f(a: Int, b: Int):\n    assert (a & b) <= a\n"))
    assert r.status == "unknown" and "`&` on values of unbounded width" in r.failures[0].message


def test_specification_shift_by_a_large_unknown_amount_is_partial(verify: Verify) -> None:
    # Exact below 128; beyond, `x << n` is a function of its operands only.
    r = only(verify("cell f(x: i64, n: i64):\n    requires n >= 200\n    assert (x << n) != 1\n"))
    assert r.status == "unknown" and "`<<` in a specification" in r.failures[0].message


def test_recursive_type_through_vec(verify: Verify) -> None:
    r = only(
        verify(
            "type Tree = record { children: Vec<Tree> }\n"
            "cell size(t: Tree) -> i64:\n    return t.children.len()\n"
        )
    )
    assert r.status == "unknown" and "recursive type" in r.failures[0].message


def test_float_remainder_is_partial(verify: Verify) -> None:
    r = only(verify("cell f(x: f64):\n    assert x % 2.0 == 0.0\n"))
    assert r.status == "unknown" and "`%` on f64" in r.failures[0].message


def test_map_keys_order(verify: Verify) -> None:
    r = only(
        verify(
            "cell f(m: Map<i64, i64>) -> i64:\n"
            "    val k = m.keys()\n"
            "    assert k.len() == 0 or k[0] >= 0\n"
            "    return 0\n"
        )
    )
    assert r.status == "unknown"


@pytest.mark.parametrize(
    "source",
    [
        # A verified callee cannot hide the caller's own panic.
        "cell g(x: i64) -> i64:\n    return 1\ncell f(x: i64) -> i64:\n    return g(x) / x\n",
        # A loop's body is checked for every iteration, not only the first.
        "cell f(n: i64):\n    val mut i: i64 = 0\n    while i < n:\n        decreases n - i\n"
        "        i += 1\n    assert i == n or n < 0\n    val z = 1 / (i - 3)\n",
        # Values from a `mut` call are unknown afterwards.
        "cell g(mut v: Vec<i64>):\n    v.push(1)\ncell f(mut v: Vec<i64>) -> i64:\n"
        "    requires v.len() > 0\n    g(mut v)\n    return v[1]\n",
    ],
)
def test_panics_are_never_verified(verify: Verify, source: str) -> None:
    results = verify(source)
    assert results["f"].status == "failed"


def test_partial_models_only_blur_what_depends_on_them(verify: Verify) -> None:
    r = only(verify('cell f(x: i64) -> i64:\n    println("x = {x}")\n    return x * 2\n'))
    assert r.status == "failed"
    assert dict(r.failures[0].counterexample)["x"]


def test_onto_functions_fail_with_a_note(verify: Verify) -> None:
    r = only(verify("cell f(s: String) -> i64:\n    return s.parse_int().unwrap()\n"))
    assert r.status == "failed"
    assert "String.parse_int" in r.failures[0].message
