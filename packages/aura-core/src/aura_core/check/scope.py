"""Block scopes of local names inside one cell.

One dictionary maps each name to the stack of locals it denotes, innermost
last, and each block remembers the names it declared: lookups cost one
dictionary access however deep the nesting, and leaving a block pops exactly
its own names.
"""

from __future__ import annotations

from collections.abc import Iterator

from aura_core import tir

__all__ = ["Scopes"]


class Scopes:
    """A stack of blocks; an inner block may shadow, one block may not redeclare."""

    def __init__(self) -> None:
        self._visible: dict[str, list[tir.Local]] = {}
        self._blocks: list[dict[str, tir.Local]] = [{}]
        self._next_id = 0

    def skip_ids(self, count: int) -> None:
        """Reserve the first ``count`` ids (a cell's parameters)."""
        self._next_id = max(self._next_id, count)

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def push(self) -> None:
        self._blocks.append({})

    def pop(self) -> None:
        for name in self._blocks.pop():
            stack = self._visible[name]
            stack.pop()
            if not stack:
                del self._visible[name]

    def declare(self, local: tir.Local) -> tir.Local | None:
        """Add ``local`` to the innermost block; returns the local it would redeclare."""
        block = self._blocks[-1]
        previous = block.get(local.name)
        if previous is None:
            block[local.name] = local
            self._visible.setdefault(local.name, []).append(local)
        return previous

    def lookup(self, name: str) -> tir.Local | None:
        stack = self._visible.get(name)
        return stack[-1] if stack else None

    def visible(self) -> Iterator[str]:
        yield from self._visible
