""" "Did you mean" suggestions by edit distance."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["did_you_mean", "edit_distance"]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent transpositions, or ``limit + 1`` if larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A ``help:`` text naming the closest candidate, if one is close enough.

    Close enough: at most a third of the name's length in edits (at least one),
    or the same name in another case.
    """
    limit = max(1, len(name) // 3)
    best: tuple[int, str] | None = None
    for candidate in candidates:
        if candidate == name:
            continue
        d = 0 if candidate.lower() == name.lower() else edit_distance(name, candidate, limit)
        if d <= limit and (best is None or (d, candidate) < best):
            best = (d, candidate)
    return f"a name that exists: `{best[1]}`" if best else None
