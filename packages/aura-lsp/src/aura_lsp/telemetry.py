"""Per-phase timings, kept in memory and summarised by the ``aura/stats`` request.

Each phase (``parse``, ``check``, ``verify``, ``z3``, ``diagnostics`` and the
handled requests) keeps its most recent samples; the summary gives count,
p50, p95 and max in milliseconds, and the hit rate of the proof cache.
Recording and summarising take a lock: samples come from the analysis and
proof threads while the request thread reads them.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from typing import Any

__all__ = ["Telemetry"]

_KEEP = 2000


class Telemetry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._samples: dict[str, deque[float]] = {}
        self._hits = 0
        self._misses = 0

    def record(self, phase: str, ms: float) -> None:
        with self._lock:
            samples = self._samples.get(phase)
            if samples is None:
                samples = self._samples[phase] = deque(maxlen=_KEEP)
            samples.append(ms)

    def cache(self, hits: int, misses: int) -> None:
        with self._lock:
            self._hits += hits
            self._misses += misses

    def percentile(self, phase: str, q: float) -> float | None:
        with self._lock:
            samples = sorted(self._samples.get(phase, ()))
        return _percentile(samples, q) if samples else None

    def stats(self) -> dict[str, Any]:
        with self._lock:
            phases = {name: sorted(s) for name, s in self._samples.items() if s}
            hits, misses = self._hits, self._misses
        total = hits + misses
        return {
            "phases": {
                name: {
                    "count": len(s),
                    "p50": round(_percentile(s, 0.50), 3),
                    "p95": round(_percentile(s, 0.95), 3),
                    "max": round(s[-1], 3),
                }
                for name, s in sorted(phases.items())
            },
            "cache": {
                "hits": hits,
                "misses": misses,
                "hit_rate": round(hits / total, 4) if total else None,
            },
        }


def _percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile of sorted samples."""
    rank = max(1, min(len(ordered), math.ceil(q * len(ordered))))
    return ordered[rank - 1]
