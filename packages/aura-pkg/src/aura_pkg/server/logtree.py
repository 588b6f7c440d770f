"""Merkle tree hashes and proofs over a growing log, with complete subtrees remembered.

:mod:`aura_pkg.merkle` computes a proof from the list of leaf hashes in time
linear in the log's size, which is right for a client and too slow for a
registry answering many proofs over a large log.  A *complete* subtree (a
power-of-two run of leaves starting at a multiple of its size) never changes
once its leaves are logged, so its hash is computed once and kept; every root,
inclusion proof and consistency proof then costs O(log² n) hashes.  The
algorithms are RFC 6962's ``MTH``, ``PATH`` and ``SUBPROOF``, so the answers are
exactly :mod:`aura_pkg.merkle`'s (a test compares them).

Only subtrees of at least :data:`MEMO_MIN` leaves are kept (the small ones are
cheap to recompute), and only those lying wholly within the leaves known to be
committed, so a publication that is rolled back leaves nothing behind.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from aura_pkg.merkle import ConsistencyProof, InclusionProof, node_hash, root_hash

__all__ = ["MEMO_MIN", "TreeHashes"]

MEMO_MIN = 16


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class TreeHashes:
    """Subtree hashes of one log; ``committed`` leaves may be remembered."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, int], bytes] = {}
        self._lock = threading.Lock()

    def subtree(self, leaves: Sequence[bytes], start: int, size: int, committed: int) -> bytes:
        """MTH of ``leaves[start:start + size]`` (size >= 1)."""
        if size == 1:
            return leaves[start]
        complete = size & (size - 1) == 0 and start % size == 0
        if complete:
            with self._lock:
                known = self._memo.get((start, size))
            if known is not None:
                return known
        if size < MEMO_MIN:
            value = root_hash(leaves[start : start + size])
        else:
            k = _split(size)
            value = node_hash(
                self.subtree(leaves, start, k, committed),
                self.subtree(leaves, start + k, size - k, committed),
            )
        if complete and size >= MEMO_MIN and start + size <= committed:
            with self._lock:
                self._memo[(start, size)] = value
        return value

    def root(self, leaves: Sequence[bytes], committed: int) -> bytes:
        """The root hash of all of ``leaves``."""
        return self.subtree(leaves, 0, len(leaves), committed) if leaves else root_hash([])

    def inclusion(self, leaves: Sequence[bytes], index: int) -> InclusionProof:
        """PATH(index, leaves): ``leaves`` are committed leaves only."""
        n = len(leaves)
        if not 0 <= index < n:
            raise ValueError(f"leaf {index} is not in a tree of {n}")
        hashes: list[bytes] = []
        start, size, m = 0, n, index
        while size > 1:
            k = _split(size)
            if m < k:
                hashes.append(self.subtree(leaves, start + k, size - k, n))
                size = k
            else:
                hashes.append(self.subtree(leaves, start, k, n))
                start, size, m = start + k, size - k, m - k
        return InclusionProof(index, n, tuple(reversed(hashes)))

    def consistency(self, leaves: Sequence[bytes], old_size: int) -> ConsistencyProof:
        """PROOF(old_size, leaves): ``leaves`` are committed leaves only."""
        n = len(leaves)
        if not 0 <= old_size <= n:
            raise ValueError(f"a tree of {old_size} cannot precede a tree of {n}")
        if old_size in (0, n):
            return ConsistencyProof(old_size, n, ())
        hashes: list[bytes] = []
        start, size, m, complete = 0, n, old_size, True
        while m != size:
            k = _split(size)
            if m <= k:
                hashes.append(self.subtree(leaves, start + k, size - k, n))
                size = k
            else:
                hashes.append(self.subtree(leaves, start, k, n))
                start, size, m, complete = start + k, size - k, m - k, False
        if not complete:
            hashes.append(self.subtree(leaves, start, size, n))
        return ConsistencyProof(old_size, n, tuple(reversed(hashes)))
