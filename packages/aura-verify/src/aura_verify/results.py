"""What ``aura verify`` reports: per cell a status, a time and the unproven obligations.

A cell is ``verified`` when every obligation is proven; otherwise its status is
the worst of its failures' statuses, in the order ``failed`` (a counterexample),
``timeout``, ``unknown`` (spec section 8).  Results are plain data, picklable
so that cells can be verified in worker processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from aura_core.diagnostics import Diagnostic, Label
from aura_core.source import SourceFile, Span
from aura_core.types import QualName
from aura_verify.obligations import KINDS

__all__ = ["CellResult", "Failure", "Status", "worst"]

Status = Literal["verified", "failed", "timeout", "unknown"]

_RANK: dict[str, int] = {"verified": 0, "unknown": 1, "timeout": 2, "failed": 3}


def worst(statuses: Iterable[Status]) -> Status:
    out: Status = "verified"
    for s in statuses:
        if _RANK[s] > _RANK[out]:
            out = s
    return out


@dataclass(frozen=True)
class Failure:
    """An obligation that was not proven."""

    status: Status
    code: str
    message: str
    file: SourceFile
    span: Span
    counterexample: tuple[tuple[str, str], ...] = ()
    related: tuple[Label, ...] = ()

    @property
    def kind(self) -> str:
        return KINDS[self.code]


@dataclass(frozen=True)
class CellResult:
    name: QualName
    file: SourceFile
    span: Span
    status: Status
    time_ms: int
    failures: tuple[Failure, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    cached: bool = False
