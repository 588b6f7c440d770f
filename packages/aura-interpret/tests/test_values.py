"""Value representation and copy on write (values.py, typeinfo.py)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from aura_interpret import typeinfo, values
from aura_interpret.typeinfo import float_eq
from aura_interpret.values import Map, Vec, dup_any, own_vec, own_vec_shared, share


def test_share_marks_and_returns_the_same_object() -> None:
    v = Vec([1, 2])
    assert share(v) is v
    assert v.shared


def test_owning_copies_and_clears_the_flag() -> None:
    v = Vec([1, 2])
    share(v)
    w = own_vec(v)
    assert w is not v and w.items == [1, 2] and w.items is not v.items
    assert not w.shared


def test_owning_a_vector_of_vectors_shares_the_elements() -> None:
    inner = Vec([1])
    outer = Vec([inner])
    copy = own_vec_shared(outer)
    assert copy.items[0] is inner
    assert inner.shared


def test_dup_any_copies_records_and_marks_containers() -> None:
    inner = Vec([1])
    record = [1, inner, [2, Map({})]]
    copy = dup_any(record)
    assert copy == record and copy is not record
    assert isinstance(copy, list) and copy[2] is not record[2]
    assert inner.shared and record[2][1].shared  # type: ignore[index]
    t = (0, inner)
    assert dup_any(t) is t


def test_equality_is_structural() -> None:
    assert Vec([1, 2]) == Vec([1, 2])
    assert Vec([1]) != Vec([2])
    assert Map({"a": Vec([1])}) == Map({"a": Vec([1])})
    assert Vec([]) != Map({})


def test_float_equality_follows_ieee_inside_containers() -> None:
    nan = math.nan
    assert [nan] == [nan]  # Python: identity first
    assert not float_eq(Vec([nan]), Vec([nan]))
    assert not float_eq((0, nan), (0, nan))
    assert float_eq([0.0, Vec([1.0])], [-0.0, Vec([1.0])])
    assert not float_eq(Map({"a": nan}), Map({"a": nan}))


def _count_copies(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count every private copy the compiled program makes of a shared vector."""
    copies: list[int] = []
    original = values.own_vec

    def counting(v: Vec) -> Vec:
        copies.append(len(v.items))
        return original(v)

    monkeypatch.setattr(typeinfo, "own_vec", counting)
    return copies


def test_a_copy_that_is_only_read_is_never_made(
    run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = _count_copies(monkeypatch)
    r = run(
        """
        cell total(v: Vec<i64>) -> i64:
            val mut s = 0
            for x in v:
                s += x
            return s

        cell main():
            val a = Vec::filled(1000000, 1)
            val mut n = 0
            for i in 0..100:
                val b = a
                val c = b
                n += c.len() + b[i]
            println(n + total(a))
        """,
    )
    assert r.stdout == "101000100\n"
    assert copies == []


def test_a_write_after_a_copy_copies_once(
    run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = _count_copies(monkeypatch)
    r = run(
        """
        cell main():
            val a = Vec::filled(1000, 0)
            val mut b = a
            for i in 0..1000:
                b[i] = i
            println("{a[999]} {b[999]}")
        """,
    )
    assert r.stdout == "0 999\n"
    assert copies == [1000]


def test_a_vector_built_and_returned_is_not_copied(
    run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = _count_copies(monkeypatch)
    r = run(
        """
        cell build(n: i64) -> Vec<i64>:
            val mut v: Vec<i64> = []
            for i in 0..n:
                v.push(i)
            return v

        cell main():
            val mut v = build(10)
            v.push(10)
            val mut w = v.slice(0, 3)
            w.push(1)
            println(v.len() + w.len())
        """,
    )
    assert r.stdout == "15\n"
    assert copies == []


def test_passing_to_an_immutable_parameter_does_not_mark(
    run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = _count_copies(monkeypatch)
    r = run(
        """
        cell first(v: Vec<i64>) -> i64:
            return v[0]

        cell main():
            val mut v = [1]
            for i in 0..50:
                v.push(first(v))
            println(v.len())
        """,
    )
    assert r.stdout == "51\n"
    assert copies == []


def test_value_semantics_of_records_in_vectors(body_out: Callable[[str], str]) -> None:
    assert (
        body_out(
            """
        val mut ps = [[1, 2], [3]]
        val qs = ps
        ps[1].push(4)
        ps[0][0] = 9
        println("{ps} {qs}")
        """
        )
        == "[[9, 2], [3, 4]] [[1, 2], [3]]\n"
    )
