"""JSON documents as served: canonical bytes and an ETag, and a cache of them by revision.

A package's index document is read far more often than it changes, and most
reads are revalidations.  :class:`DocumentCache` keeps the serialised bytes and
ETag of recent documents in memory, each under the ``revision`` of its package
at the time it was built.  Every write that changes what a package's documents
show bumps the package's revision in the same transaction
(:func:`aura_pkg.server.queries.bump_revision`), so a reader that finds the
current revision in the database (one indexed lookup) knows whether the cached
bytes are still right.  That check also sees writes made by other server
processes on a shared PostgreSQL database, which an invalidation in memory
alone would miss.  The same :class:`RevisionCache` keeps search rankings,
valid for one size of the transparency log (see :mod:`aura_pkg.server.queries`),
and dependency graphs (:class:`GraphAnswer`), valid for one state of the whole
registry (:func:`aura_pkg.server.queries.graph_revision`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["DocumentCache", "GraphAnswer", "RevisionCache", "Serialised", "graph_size", "serialise"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Serialised:
    """A document's JSON bytes (sorted keys, no spaces) and its strong ETag."""

    body: bytes
    etag: str


@dataclass(frozen=True, slots=True)
class GraphAnswer:
    """A dependency graph as served, or the refusal that is served instead."""

    document: Serialised | None
    status: int = 200
    code: str = ""
    message: str = ""


def graph_size(answer: GraphAnswer) -> int:
    """Roughly the bytes an answer takes in memory, for the cache's bound."""
    body = len(answer.document.body) if answer.document is not None else 0
    return 200 + body + len(answer.message)


def serialise(value: Any) -> Serialised:
    body = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return Serialised(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


class RevisionCache(Generic[T]):
    """Values by key, each valid for one revision; the least recently used go first.

    Bounded by the total ``size`` of the values (``max_size``), so a few huge
    ones cannot exhaust memory.  Safe to use from several threads.
    """

    def __init__(self, size: Callable[[T], int], max_size: int) -> None:
        self.size = size
        self.max_size = max_size
        self._entries: OrderedDict[str, tuple[int, T, int]] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: str, revision: int) -> T | None:
        """The value cached for ``key`` at ``revision``, if any."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != revision:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, revision: int, value: T) -> T:
        """Remember ``value`` as ``key`` at ``revision`` (replacing an older one)."""
        size = self.size(value)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._total -= old[2]
            if size <= self.max_size:
                self._entries[key] = (revision, value, size)
                self._total += size
            while self._total > self.max_size:
                _, (_, _, dropped) = self._entries.popitem(last=False)
                self._total -= dropped
        return value

    def __len__(self) -> int:
        return len(self._entries)


class DocumentCache(RevisionCache[Serialised]):
    """Serialised documents, bounded by the bytes of their bodies (64 MiB by default)."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        super().__init__(lambda document: len(document.body), max_bytes)
