"""The server's remembered subtree hashes give exactly the client's roots and proofs."""

from __future__ import annotations

import hashlib

from aura_pkg.merkle import consistency_proof, inclusion_proof, root_hash
from aura_pkg.server.logtree import MEMO_MIN, TreeHashes


def leaves(n: int, salt: str = "") -> list[bytes]:
    return [hashlib.sha256(f"{salt}{i}".encode()).digest() for i in range(n)]


def test_roots_and_proofs_equal_the_reference_for_every_small_tree() -> None:
    tree = TreeHashes()
    for n in range(1, 4 * MEMO_MIN + 3):
        log = leaves(n)
        assert tree.root(log, n) == root_hash(log), n
        for i in range(n):
            assert tree.inclusion(log, i) == inclusion_proof(log, i), (n, i)
        for m in range(n + 1):
            assert tree.consistency(log, m) == consistency_proof(log, m), (n, m)


def test_uncommitted_leaves_are_never_remembered() -> None:
    tree = TreeHashes()
    committed = leaves(2 * MEMO_MIN - 1)
    for attempt in ("first", "second"):
        # A publication computes the next root, then is rolled back; the next one differs.
        extra = leaves(1, attempt)
        grown = [*committed, *extra]
        assert tree.root(grown, len(committed)) == root_hash(grown)
    larger = leaves(3 * MEMO_MIN)
    assert tree.root(larger, len(larger)) == root_hash(larger)
    assert tree.inclusion(larger, 5) == inclusion_proof(larger, 5)
