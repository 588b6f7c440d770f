"""Cells verified one after another in one process do not see each other's types
(Z3's context is process-wide and identifies sorts by name)."""

from __future__ import annotations

from collections.abc import Callable

from aura_verify import CellResult

Verify = Callable[[str], dict[str, CellResult]]


def test_same_type_name_different_fields(verify: Verify) -> None:
    a = verify(
        "type P = record { x: i64 }\n"
        "cell f(p: P) -> i64:\n    requires p.x > 0\n    return 10 / p.x\n"
    )
    b = verify(
        "type P = record { x: bool, y: i64 }\n"
        "cell f(p: P) -> i64:\n    requires p.x\n    return 10 / p.y\n"
    )
    assert a["f"].status == "verified"
    assert b["f"].status == "failed"
    (failure,) = b["f"].failures
    assert failure.code == "V0008"
    assert dict(failure.counterexample)["p"] == "P { x: true, y: 0 }"
