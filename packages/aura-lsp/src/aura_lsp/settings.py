"""The solver's wall-clock safety net and parallelism, from the editor's options or
from measurements.

``initializationOptions`` may set ``verify`` (false turns background proofs
off), ``timeout`` (seconds per obligation) and ``jobs`` (processes proving in
parallel).  Verdicts are decided by the resource budgets of ``aura verify``
(:mod:`aura_verify.budgets`: the default and each cell's ``# verify: rlimit``
line), so that the editor shows what the command prints; the timeout is only
the same safety net as ``aura verify --timeout`` and defaults to the same
value, since a shorter one would turn proofs the command finds into timeouts.
What is left to measurements is parallelism: parallel provers once there is
enough work for them to pay for their start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from aura_verify import DEFAULT_TIMEOUT

__all__ = ["Settings", "Tuning", "choose"]


@dataclass(frozen=True)
class Settings:
    """What the editor asked for; None means "choose for me"."""

    verify: bool = True
    timeout: float | None = None
    jobs: int | None = None

    @classmethod
    def from_options(cls, options: Any) -> tuple[Settings, list[str]]:
        """Settings from ``initializationOptions`` (a plain object, possibly under
        ``aura``), and a message for each value that was ignored."""
        problems: list[str] = []
        if isinstance(options, dict) and isinstance(options.get("aura"), dict):
            options = options["aura"]
        if not isinstance(options, dict):
            if options is not None:
                problems.append("initializationOptions is not an object; using defaults")
            return cls(), problems
        verify = options.get("verify", True)
        if not isinstance(verify, bool):
            problems.append("`verify` must be true or false")
            verify = True
        timeout = options.get("timeout")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
        ):
            problems.append("`timeout` must be a positive number of seconds")
            timeout = None
        jobs = options.get("jobs")
        if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
            problems.append("`jobs` must be a positive integer")
            jobs = None
        return cls(verify, float(timeout) if timeout is not None else None, jobs), problems


@dataclass(frozen=True)
class Tuning:
    """What one verification run uses."""

    timeout: float
    jobs: int


def choose(settings: Settings, lines: int, cells: int, cell_p95_ms: float | None) -> Tuning:
    """Timeout and parallelism for a run over ``cells`` cells of a ``lines``-line file,
    given the 95th percentile of cell times measured so far (None before any)."""
    timeout = settings.timeout if settings.timeout is not None else DEFAULT_TIMEOUT
    if settings.jobs is not None:
        jobs = settings.jobs
    else:
        cpus = os.cpu_count() or 1
        slow = cell_p95_ms is not None and cell_p95_ms > 200
        jobs = min(4, max(1, cpus - 1)) if cells >= 8 and slow else 1
    return Tuning(timeout, jobs)
