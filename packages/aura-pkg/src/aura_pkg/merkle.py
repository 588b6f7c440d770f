"""The registry's transparency log: RFC 6962 Merkle hashing, proofs and signed tree heads.

Every published version is a leaf; the leaf's data is the canonical JSON of the
publisher's statement (:func:`aura_pkg.signing.statement`).  Hashes follow RFC
6962 section 2.1 — a leaf hashes ``0x00 || data``, an interior node
``0x01 || left || right`` — so that a leaf can never be passed off as a node.

Proof generation follows RFC 6962 (``PATH`` and ``SUBPROOF``) and works on the
list of leaf hashes, which is what the registry keeps.  Verification follows the
iterative algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2, which need only
the proof, so clients never see the leaves.  The registry server uses the same
module.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aura_pkg.errors import ProofError, TrustError
from aura_pkg.signing import PrivateKey, PublicKey, sign_document, verify_document

__all__ = [
    "ConsistencyProof",
    "InclusionProof",
    "SignedTreeHead",
    "TreeHead",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_hash",
    "verify_consistency",
    "verify_inclusion",
]

_HEX_HASH = re.compile(r"[0-9a-f]{64}")
_EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data): the hash of one log entry."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf *hashes*; the hash of the empty string for no leaves."""
    if not leaves:
        return _EMPTY_ROOT
    level = list(leaves)
    # Pairing left to right and carrying an odd last node up unchanged builds the
    # same tree as RFC 6962's recursive split at the largest power of two.
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def _path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    n = len(leaves)
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, leaves[:k]), root_hash(leaves[k:])]
    return [*_path(m - k, leaves[k:]), root_hash(leaves[:k])]


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root_hash(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), root_hash(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root_hash(leaves[:k])]


def _hex(data: bytes) -> str:
    return data.hex()


def _unhex(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not _HEX_HASH.fullmatch(value):
        raise ProofError(f"malformed {what}: expected 64 lowercase hex digits")
    return bytes.fromhex(value)


def _size(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"malformed proof: `{what}` is not an integer >= 0")
    return value


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """That the leaf at ``leaf_index`` is in the tree of ``tree_size`` leaves."""

    leaf_index: int
    tree_size: int
    hashes: tuple[bytes, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "hashes": [_hex(h) for h in self.hashes],
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
        }

    @classmethod
    def from_json(cls, doc: Any) -> InclusionProof:
        if not isinstance(doc, Mapping) or not isinstance(doc.get("hashes"), list):
            raise ProofError("malformed inclusion proof: expected an object with `hashes`")
        return cls(
            _size(doc.get("leaf_index"), "leaf_index"),
            _size(doc.get("tree_size"), "tree_size"),
            tuple(_unhex(h, "proof hash") for h in doc["hashes"]),
        )


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """That the tree of ``old_size`` leaves is a prefix of the tree of ``tree_size``."""

    old_size: int
    tree_size: int
    hashes: tuple[bytes, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "hashes": [_hex(h) for h in self.hashes],
            "old_size": self.old_size,
            "tree_size": self.tree_size,
        }

    @classmethod
    def from_json(cls, doc: Any) -> ConsistencyProof:
        if not isinstance(doc, Mapping) or not isinstance(doc.get("hashes"), list):
            raise ProofError("malformed consistency proof: expected an object with `hashes`")
        return cls(
            _size(doc.get("old_size"), "old_size"),
            _size(doc.get("tree_size"), "tree_size"),
            tuple(_unhex(h, "proof hash") for h in doc["hashes"]),
        )


def inclusion_proof(leaves: Sequence[bytes], index: int) -> InclusionProof:
    """PATH(index, D[n]) over the leaf hashes (RFC 6962 section 2.1.1)."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)}")
    return InclusionProof(index, len(leaves), tuple(_path(index, leaves)))


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> ConsistencyProof:
    """PROOF(old_size, D[n]) over the leaf hashes (RFC 6962 section 2.1.2).

    Empty when ``old_size`` is 0 (every tree extends the empty one) or ``n``.
    """
    n = len(leaves)
    if not 0 <= old_size <= n:
        raise ValueError(f"a tree of {old_size} cannot precede a tree of {n}")
    hashes = [] if old_size in (0, n) else _subproof(old_size, leaves, True)
    return ConsistencyProof(old_size, n, tuple(hashes))


def verify_inclusion(leaf: bytes, proof: InclusionProof, root: bytes) -> bool:
    """Whether ``proof`` shows the leaf hash ``leaf`` in the tree with ``root``."""
    if proof.leaf_index >= proof.tree_size:
        return False
    fn, sn = proof.leaf_index, proof.tree_size - 1
    r = leaf
    for p in proof.hashes:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_root: bytes, new_root: bytes, proof: ConsistencyProof) -> bool:
    """Whether ``proof`` shows the tree with ``old_root`` is a prefix of that with ``new_root``."""
    m, n, path = proof.old_size, proof.tree_size, list(proof.hashes)
    if m > n:
        return False
    if m == n:
        return not path and old_root == new_root
    if m == 0:
        return not path and old_root == _EMPTY_ROOT
    if not path:
        return False
    if m & (m - 1) == 0:
        path.insert(0, old_root)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


@dataclass(frozen=True, slots=True)
class TreeHead:
    """The root hash of the log when it had ``size`` leaves."""

    root: bytes
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"root": _hex(self.root), "size": self.size}

    def signed(self, root_key: PrivateKey) -> SignedTreeHead:
        doc = sign_document(root_key, self.to_json())
        return SignedTreeHead(self, doc["signature"])


@dataclass(frozen=True, slots=True)
class SignedTreeHead:
    """A tree head with the registry root key's base64 signature of its canonical JSON."""

    head: TreeHead
    signature: str

    def to_json(self) -> dict[str, Any]:
        return {**self.head.to_json(), "signature": self.signature}

    @classmethod
    def from_json(cls, doc: Any, root_key: PublicKey) -> SignedTreeHead:
        """Read a signed tree head and check its signature; ProofError on any problem."""
        if not isinstance(doc, Mapping) or set(doc) != {"root", "size", "signature"}:
            raise ProofError("malformed tree head: expected `root`, `size` and `signature`")
        head = TreeHead(_unhex(doc["root"], "tree head root"), _size(doc["size"], "size"))
        try:
            verify_document(root_key, doc, "tree head")
        except TrustError as exc:
            raise ProofError(exc.message) from None
        return cls(head, doc["signature"])
