"""Contracts at run time (codegen_spec.py, codegen_cell.py, codegen_stmt.py loops)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Run = Callable[..., Any]

ABS = """
cell abs(x: i64) -> i64:
    requires x > -9223372036854775807 - 1
    ensures result >= 0
    ensures result == x or result == -x
    if x < 0:
        return -x
    return x

cell main():
    println(abs(-3))
    val smallest: i64 = -9223372036854775808
    println(abs(smallest))
"""


def test_requires_is_checked_with_exact_arithmetic(run: Run) -> None:
    r = run(ABS)
    assert r.stdout == "3\n"
    assert r.panic_message == "precondition failed: x > -9223372036854775807 - 1"
    assert r.panic.split("\n")[1] == "  at t.aura:2:14 in abs"


def test_release_skips_contracts_but_not_overflow(run: Run) -> None:
    r = run(ABS, release=True)
    assert r.stdout == "3\n"
    assert r.panic_message == "integer overflow: 9223372036854775808 does not fit in i64"


def test_release_skips_assertions_refinements_and_invariants(run: Run) -> None:
    src = """
    type Pos = { p: i64 | p > 0 }

    cell main():
        val p: Pos = 0
        assert p > 0
        assume false
        val mut i = 0
        while i < 3:
            invariant i < 2
            decreases 0 - i
            i += 1
        println(i)
    """
    r = run(src, release=True)
    assert r.stdout == "3\n" and r.panic is None
    assert run(src).panic_message == "refinement of `p` failed: 0 does not satisfy `p > 0`"


def test_ensures_sees_result_old_and_final_mut_values(run: Run) -> None:
    r = run(
        """
        cell take(mut v: Vec<i64>) -> i64:
            requires v.len() > 0
            ensures result == old(v)[old(v).len() - 1]
            ensures v.len() == old(v.len()) - 1
            ensures forall(i in 0..v.len()): v[i] == old(v)[i]
            return v.pop().unwrap()

        cell main():
            val mut v = [4, 5, 6]
            println(take(mut v))
            println(v)
        """
    )
    assert r.stdout == "6\n[4, 5]\n" and r.panic is None


def test_ensures_is_checked_on_an_early_return_by_try(run: Run) -> None:
    r = run(
        """
        cell first_positive(v: Vec<i64>) -> Option<i64>:
            ensures result.is_some()
            val x = v.get(0)?
            return Some(x)

        cell main():
            println(first_positive([3]))
            val none: Vec<i64> = []
            println(first_positive(none))
        """
    )
    assert r.stdout == "Some(3)\n"
    assert r.panic_message == "postcondition failed: result.is_some()"


def test_range_loop_invariant_sees_the_next_value(run: Run) -> None:
    r = run(
        """
        cell main():
            val v = [3, 1, 2]
            val mut best = v[0]
            for i in 1..v.len():
                invariant 1 <= i and i <= v.len()
                invariant forall(j in 0..i): v[j] <= best
                if v[i] > best:
                    best = v[i]
            println(best)
            val mut n = 0
            for k in 0..=3:
                invariant n == k * (k - 1) / 2
                n += k
            println(n)
        """
    )
    assert r.stdout == "3\n6\n" and r.panic is None


def test_for_each_invariant_on_the_element_is_checked_after_iterations(run: Run) -> None:
    r = run(
        """
        cell main():
            val mut total = 0
            for x in [1, 2, 3]:
                invariant total >= 0
                invariant x <= 2
                total += x
            println(total)
        """
    )
    assert r.panic_message == "loop invariant not maintained: x <= 2"


def test_break_and_continue_in_checked_loops(run: Run) -> None:
    r = run(
        """
        cell main():
            val mut i = 0
            val mut seen = 0
            while i < 100:
                invariant i <= 100
                decreases 100 - i
                i += 1
                if i % 2 == 0:
                    continue
                if i > 9:
                    break
                seen += 1
            println("{i} {seen}")
            for k in 0..10:
                invariant k <= 10
                if k == 4:
                    break
                if k == 1:
                    continue
                print("{k} ")
            println("")
        """
    )
    assert r.stdout == "11 5\n0 2 3 \n" and r.panic is None


def test_mutual_recursion_measure(run: Run) -> None:
    r = run(
        """
        cell even(n: i64) -> bool:
            requires n >= 0
            decreases n
            if n == 0:
                return true
            return odd(n - 1)

        cell odd(n: i64) -> bool:
            requires n >= 0
            decreases n
            if n == 0:
                return false
            return even(n)

        cell main():
            println(even(0))
            println(even(3))
        """
    )
    assert r.stdout == "true\n"
    assert r.panic_message == (
        "decreases measure did not decrease in a recursive call: n went from 2 to 2"
    )


def test_lexicographic_measure(run: Run) -> None:
    r = run(
        """
        cell ack(m: i64, n: i64) -> i64:
            requires m >= 0 and n >= 0
            decreases m, n
            if m == 0:
                return n + 1
            if n == 0:
                return ack(m - 1, 1)
            return ack(m - 1, ack(m, n - 1))

        cell main():
            println(ack(2, 3))
        """
    )
    assert r.stdout == "9\n" and r.panic is None


def test_refinement_of_record_fields_and_variant_fields(run: Run) -> None:
    src = """
    type Percent = { p: i64 | 0 <= p and p <= 100 }
    type Grade = record { score: Percent }
    type Mark = enum { Scored(p: Percent), Absent }

    cell main():
        val mut g = Grade { score: 90 }
        println(Mark::Scored(g.score))
        g.score += 20
    """
    r = run(src)
    assert r.stdout == "Mark::Scored(90)\n"
    assert (
        r.panic_message
        == "refinement of field `score` failed: 110 does not satisfy `0 <= p and p <= 100`"
    )
    r = run(src.replace("g.score += 20", "println(Mark::Scored(101))"))
    assert r.panic_message == (
        "refinement of field 0 of `Mark::Scored` failed: 101 does not satisfy `0 <= p and p <= 100`"
    )


def test_refinement_of_a_binding_may_mention_other_variables(run: Run) -> None:
    r = run(
        """
        cell main():
            val limit = 10
            val x: i64 where x < limit = 5
            println(x)
            val y: i64 where y < limit = limit
        """
    )
    assert r.stdout == "5\n"
    assert r.panic_message == "refinement of `y` failed: 10 does not satisfy `y < limit`"


def test_quantifier_over_a_type_warns_once(run: Run) -> None:
    r = run(
        """
        pure cell sq(x: i64) -> i64:
            requires x >= 0 and x < 1000
            return x * x

        cell check(n: i64):
            assert forall(x: i64): x < 0 or x >= 1000 or sq(x) >= 0
            assert n >= 0

        cell main():
            check(1)
            check(2)
            println("done")
        """
    )
    assert r.stdout == "done\n"
    assert r.stderr == (
        "warning: the quantifier at t.aura:6:12 ranges over a type and is not checked at run time\n"
    )


def test_exists_and_implication(run: Run) -> None:
    r = run(
        """
        cell main():
            val v = [1, 4, 9]
            assert exists(i in 0..v.len()): v[i] == 4
            assert forall(i in 0..v.len(), j in 0..v.len()): i < j ==> v[i] < v[j]
            assert exists(k in 0..=3): k * k == 9
            assert not (exists(k in 0..3): k == 5)
            println("ok")
        """
    )
    assert r.stdout == "ok\n" and r.panic is None


def test_specification_arithmetic_does_not_overflow(run: Run) -> None:
    r = run(
        """
        cell main():
            val big: i64 = 9223372036854775807
            assert big + 1 > big
            assert big * big / big == big
            val b: u8 = 255
            assert (b + 1) as Int == 256
            println("ok")
        """
    )
    assert r.stdout == "ok\n" and r.panic is None


def test_trusted_extern_requires_is_checked(run: Run) -> None:
    r = run(
        """
        import std::math

        cell main():
            println(math::sqrt(4.0))
            println(math::sqrt(-1.0))
        """
    )
    assert r.stdout == "2.0\n"
    assert r.panic_message == "precondition failed: x >= 0.0"
    r = run(
        """
        import std::math

        cell main():
            println(math::sqrt(-1.0))
        """,
        release=True,
    )
    assert r.stdout == "nan\n"


def test_division_by_a_constant_inside_a_quantifier(run: Run) -> None:
    r = run(
        """
        cell main():
            val v = [-7, 7]
            assert forall(i in 0..v.len()): v[i] / 2 == v[i] - v[i] % 2 - v[i] / 2
            assert forall(i in 0..2): v[i] % 4 == 3 or v[i] % 4 == -3
            println("ok")
        """
    )
    assert r.stdout == "ok\n" and r.panic is None


def test_specification_integers_are_exact_beyond_any_width(run: Run) -> None:
    # What the native backend may refuse beyond 128 bits, the interpreter
    # computes: a shift by 200, a power of 1260 bits and its float.
    src = """
cell main():
    val x = 9223372036854775807
    assert (x << 200) >> 199 == x * 2
    assert (x.pow(20) as f64) > 1e300
    assert (x.pow(20) & 1) == 1 and ~x.pow(20) < 0
    println("ok")
"""
    r = run(src)
    assert (r.stdout, r.panic) == ("ok\n", None)
