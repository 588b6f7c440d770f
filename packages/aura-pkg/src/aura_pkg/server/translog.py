"""The transparency log in the database: appending leaves, signed heads, proofs, the start-up check.

The log is ``log_entries`` (leaf *i* holds statement *i* as canonical JSON)
and the one ``log_head`` row, the root key's signature over the tree of every
leaf.  Hashing and proofs are :mod:`aura_pkg.merkle`'s, the code clients verify
with.  Leaves never change once written, so :class:`LeafCache` keeps their
hashes in memory and only reads the rows added since it last looked (another
server process on the same PostgreSQL database may have appended some).
"""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from aura_pkg.merkle import ConsistencyProof, InclusionProof, TreeHead, leaf_hash, root_hash
from aura_pkg.server.logtree import TreeHashes
from aura_pkg.server.models import LogEntry, LogHead
from aura_pkg.server.settings import StartupError
from aura_pkg.signing import PrivateKey, PublicKey, verify_document

__all__ = ["HEAD_ID", "LeafCache", "append_leaf", "check_log", "signed_head", "start_log"]

HEAD_ID = 1


class LeafCache:
    """The leaf hashes of one registry's log, read from the database as it grows.

    It also keeps the hashes of complete subtrees (:class:`TreeHashes`), so that
    roots and proofs cost O(log² n) rather than O(n).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._leaves: list[bytes] = []
        self.tree = TreeHashes()

    def leaves(self, session: Session, size: int) -> list[bytes]:
        """The first ``size`` leaf hashes (``size`` at most the log's size)."""
        with self._lock:
            if len(self._leaves) < size:
                rows = session.execute(
                    select(LogEntry.log_index, LogEntry.leaf_hash)
                    .where(LogEntry.log_index >= len(self._leaves))
                    .order_by(LogEntry.log_index)
                ).all()
                for index, value in rows:
                    if index != len(self._leaves):
                        break
                    self._leaves.append(bytes.fromhex(value))
            return self._leaves[:size]

    def inclusion(self, session: Session, leaf_index: int, size: int) -> InclusionProof:
        return self.tree.inclusion(self.leaves(session, size), leaf_index)

    def consistency(self, session: Session, old_size: int, size: int) -> ConsistencyProof:
        return self.tree.consistency(self.leaves(session, size), old_size)


def signed_head(session: Session, *, lock: bool = False) -> LogHead:
    """The stored head row; ``lock`` takes a row lock that serialises writers of the log."""
    query = select(LogHead).where(LogHead.id == HEAD_ID)
    if lock:
        query = query.with_for_update()
    head = session.execute(query).scalar_one_or_none()
    if head is None:
        raise StartupError("the registry database has no tree head; it was not initialised")
    return head


def start_log(session: Session, root: PrivateKey) -> None:
    """Give a new registry its empty log's signed head (nothing when it has one)."""
    if session.get(LogHead, HEAD_ID) is None:
        signed = TreeHead(root_hash([]), 0).signed(root)
        session.add(
            LogHead(id=HEAD_ID, size=0, root=signed.head.root.hex(), signature=signed.signature)
        )


def append_leaf(
    session: Session, head: LogHead, statement: bytes, log: LeafCache, root: PrivateKey
) -> int:
    """Add ``statement`` as the next leaf and re-sign the head (in the caller's transaction).

    ``head`` is the row locked by :func:`signed_head`.  Returns the new leaf's index.
    """
    index = head.size
    leaves = log.leaves(session, index)
    if len(leaves) != index:
        raise RuntimeError(f"the log has {len(leaves)} readable leaves, its head says {index}")
    leaf = leaf_hash(statement)
    session.add(
        LogEntry(log_index=index, statement=statement.decode("utf-8"), leaf_hash=leaf.hex())
    )
    signed = TreeHead(log.tree.root([*leaves, leaf], committed=index), index + 1).signed(root)
    head.size = index + 1
    head.root = signed.head.root.hex()
    head.signature = signed.signature
    return index


def check_log(session: Session, root: PublicKey) -> int:
    """Recompute the log from its statements and compare with the signed head; its size.

    Raises :class:`StartupError` naming the first problem: a missing or
    out-of-order leaf, a stored leaf hash that is not its statement's, a root
    that differs from the signed head's, or a head the root key did not sign.
    """
    head = signed_head(session)
    statements = session.execute(
        select(LogEntry.log_index, LogEntry.statement, LogEntry.leaf_hash).order_by(
            LogEntry.log_index
        )
    ).all()
    leaves = []
    for position, (index, text, stored) in enumerate(statements):
        if index != position:
            raise StartupError(
                f"the transparency log is damaged: leaf {position} is missing (found {index})"
            )
        leaf = leaf_hash(text.encode("utf-8"))
        if leaf.hex() != stored:
            raise StartupError(
                f"the transparency log is damaged: leaf {index}'s statement does not match its "
                "stored hash"
            )
        leaves.append(leaf)
    document = {"root": head.root, "size": head.size, "signature": head.signature}
    try:
        verify_document(root, document, "tree head")
    except Exception as exc:
        raise StartupError(
            f"the stored tree head is not signed by the root key {root.key_id[:16]}…: {exc}"
        ) from None
    recomputed = root_hash(leaves).hex()
    if head.size != len(leaves) or head.root != recomputed:
        raise StartupError(
            f"the transparency log does not match its signed tree head: the head says "
            f"{head.size} entries with root {head.root[:16]}…, the database holds "
            f"{len(leaves)} entries with root {recomputed[:16]}…; refusing to serve a log "
            "that was rewritten"
        )
    return head.size
