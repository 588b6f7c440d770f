"""Block scopes of local names inside one cell."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from aura_core import tir

__all__ = ["Scopes"]


@dataclass
class _Block:
    names: dict[str, tir.Local] = field(default_factory=dict)


class Scopes:
    """A stack of blocks; an inner block may shadow, one block may not redeclare."""

    def __init__(self) -> None:
        self._blocks: list[_Block] = [_Block()]
        self._next_id = 0

    def skip_ids(self, count: int) -> None:
        """Reserve the first ``count`` ids (a cell's parameters)."""
        self._next_id = max(self._next_id, count)

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def push(self) -> None:
        self._blocks.append(_Block())

    def pop(self) -> None:
        self._blocks.pop()

    def declare(self, local: tir.Local) -> tir.Local | None:
        """Add ``local`` to the innermost block; returns the local it would redeclare."""
        block = self._blocks[-1]
        previous = block.names.get(local.name)
        if previous is None:
            block.names[local.name] = local
        return previous

    def lookup(self, name: str) -> tir.Local | None:
        for block in reversed(self._blocks):
            local = block.names.get(name)
            if local is not None:
                return local
        return None

    def visible(self) -> Iterator[str]:
        for block in self._blocks:
            yield from block.names
