"""RFC 6962 Merkle hashing, inclusion and consistency proofs, signed tree heads."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_pkg.errors import ProofError
from aura_pkg.merkle import (
    ConsistencyProof,
    InclusionProof,
    SignedTreeHead,
    TreeHead,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from aura_pkg.signing import canonical_json, generate_key, statement

# The test data of the certificate-transparency reference implementation.
LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def hashes(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH exactly as RFC 6962 section 2.1 writes it (recursive split)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def test_hashing_prefixes_leaves_and_nodes() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert (
        node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    )


def test_known_roots() -> None:
    assert root_hash([]).hex() == hashlib.sha256(b"").hexdigest()
    leaf_hashes = [leaf_hash(d) for d in LEAVES]
    for n in range(1, 9):
        assert root_hash(leaf_hashes[:n]).hex() == ROOTS[n - 1]


def test_root_matches_the_recursive_definition() -> None:
    for n in range(70):
        assert root_hash(hashes(n)) == reference_root(hashes(n))


def test_a_statement_leaf() -> None:
    data = canonical_json(statement("json", "1.4.2", "sha256:" + "00" * 32, {}))
    assert leaf_hash(data) == hashlib.sha256(b"\x00" + data).digest()


def test_known_inclusion_proof() -> None:
    # RFC 6962 section 2.1.3's example tree of 7 leaves: the path of leaf 3 (d).
    leaves = hashes(7)
    proof = inclusion_proof(leaves, 3)
    assert proof.hashes == (
        leaves[2],
        node_hash(leaves[0], leaves[1]),
        node_hash(node_hash(leaves[4], leaves[5]), leaves[6]),
    )
    # ... and the consistency proof from 3 to 7: c, d, g, l.
    cons = consistency_proof(leaves, 3)
    assert cons.hashes == (
        leaves[2],
        leaves[3],
        node_hash(leaves[0], leaves[1]),
        node_hash(node_hash(leaves[4], leaves[5]), leaves[6]),
    )


sizes_and_index = st.integers(1, 300).flatmap(
    lambda n: st.tuples(st.just(n), st.integers(0, n - 1))
)
sizes_and_old = st.integers(0, 300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[(bit // 8) % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


@given(sizes_and_index, st.integers(0, 10_000))
def test_every_inclusion_proof_verifies_and_tampering_fails(nm: tuple[int, int], bit: int) -> None:
    n, m = nm
    leaves = hashes(n)
    root = root_hash(leaves)
    proof = inclusion_proof(leaves, m)
    assert verify_inclusion(leaves[m], proof, root)
    assert InclusionProof.from_json(json.loads(json.dumps(proof.to_json()))) == proof
    assert not verify_inclusion(flip(leaves[m], bit), proof, root)
    assert not verify_inclusion(leaves[m], proof, flip(root, bit))
    if proof.hashes:
        i = bit % len(proof.hashes)
        bad = (*proof.hashes[:i], flip(proof.hashes[i], bit), *proof.hashes[i + 1 :])
        assert not verify_inclusion(leaves[m], InclusionProof(m, n, bad), root)
        assert not verify_inclusion(leaves[m], InclusionProof(m, n, proof.hashes[:-1]), root)
    assert not verify_inclusion(leaves[m], InclusionProof(m, n, (*proof.hashes, root)), root)
    if n > 1:
        other = (m + 1) % n
        assert not verify_inclusion(leaves[m], InclusionProof(other, n, proof.hashes), root)
        assert not verify_inclusion(leaves[other], proof, root)
    assert not verify_inclusion(leaves[m], InclusionProof(m, m, proof.hashes), root)


@given(sizes_and_old, st.integers(0, 10_000))
def test_every_consistency_proof_verifies_and_tampering_fails(
    mn: tuple[int, int], bit: int
) -> None:
    m, n = mn
    leaves = hashes(n)
    old, new = root_hash(leaves[:m]), root_hash(leaves)
    proof = consistency_proof(leaves, m)
    assert verify_consistency(old, new, proof)
    assert ConsistencyProof.from_json(json.loads(json.dumps(proof.to_json()))) == proof
    if m > 0:  # every tree extends the empty one, whatever its root
        assert not verify_consistency(old, flip(new, bit), proof)
        assert not verify_consistency(flip(old, bit), new, proof)
    if proof.hashes:
        i = bit % len(proof.hashes)
        bad = (*proof.hashes[:i], flip(proof.hashes[i], bit), *proof.hashes[i + 1 :])
        assert not verify_consistency(old, new, ConsistencyProof(m, n, bad))
        assert not verify_consistency(old, new, ConsistencyProof(m, n, proof.hashes[:-1]))
        assert not verify_consistency(old, new, ConsistencyProof(m, n, (*proof.hashes, new)))
    if 0 < m < n:
        # A log that rewrote an early entry is caught.
        rewritten = [flip(leaves[0], bit), *leaves[1:]]
        assert not verify_consistency(old, root_hash(rewritten), consistency_proof(rewritten, m))
    assert not verify_consistency(old, new, ConsistencyProof(n + 1, n, proof.hashes))


def test_proof_generation_rejects_impossible_requests() -> None:
    with pytest.raises(ValueError):
        inclusion_proof(hashes(3), 3)
    with pytest.raises(ValueError):
        consistency_proof(hashes(3), 4)


@pytest.mark.parametrize(
    "doc",
    [
        [],
        {"leaf_index": 0, "tree_size": 1},
        {"leaf_index": -1, "tree_size": 1, "hashes": []},
        {"leaf_index": True, "tree_size": 1, "hashes": []},
        {"leaf_index": 0, "tree_size": 1, "hashes": ["AB" * 32]},
        {"leaf_index": 0, "tree_size": 1, "hashes": ["ab"]},
    ],
)
def test_malformed_inclusion_proofs(doc: Any) -> None:
    with pytest.raises(ProofError, match="malformed"):
        InclusionProof.from_json(doc)


def test_malformed_consistency_proof() -> None:
    with pytest.raises(ProofError, match="malformed"):
        ConsistencyProof.from_json({"old_size": 1, "tree_size": "2", "hashes": []})


def test_signed_tree_heads() -> None:
    root_key, root_public = generate_key()
    head = TreeHead(root_hash(hashes(5)), 5)
    signed = head.signed(root_key)
    doc = json.loads(json.dumps(signed.to_json()))
    assert set(doc) == {"root", "size", "signature"}
    assert SignedTreeHead.from_json(doc, root_public) == signed
    for change in ({"size": 6}, {"root": "00" * 32}, {"extra": 1}):
        with pytest.raises(ProofError):
            SignedTreeHead.from_json({**doc, **change}, root_public)
    _, other = generate_key()
    with pytest.raises(ProofError, match="signature does not match"):
        SignedTreeHead.from_json(doc, other)
    with pytest.raises(ProofError, match="malformed"):
        SignedTreeHead.from_json({**doc, "root": "xyz"}, root_public)
