"""The archive store: content-addressed files under ``STORAGE/blobs/sha256/``.

An archive is stored under the SHA-256 of its bytes
(``blobs/sha256/ab/abcdef…``), written to a temporary file, synced, then
renamed into place (and the directory synced), so a reader sees the whole file
or none.  Writing the same bytes twice is harmless, which is what makes
publishing crash-safe: the blob is written before the database transaction that
makes it visible, so a crash leaves at most an unreferenced blob, never a
version without its archive.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

__all__ = ["BlobStore", "CorruptBlob"]

_DIGEST = re.compile(r"[0-9a-f]{64}")


class CorruptBlob(Exception):
    """A stored archive whose bytes no longer hash to its checksum (disk or operator error)."""


class BlobStore:
    """The archives of one registry, by checksum (``sha256:HEX``)."""

    def __init__(self, root: Path) -> None:
        self.root = root / "blobs" / "sha256"

    def path(self, checksum: str) -> Path:
        digest = checksum.removeprefix("sha256:")
        if not _DIGEST.fullmatch(digest):
            raise ValueError(f"not a checksum: {checksum!r}")
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store ``data`` durably; returns its checksum."""
        checksum = "sha256:" + hashlib.sha256(data).hexdigest()
        target = self.path(checksum)
        if self._intact(target, checksum):
            return checksum
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".blob.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _sync_directory(target.parent)
        return checksum

    def get(self, checksum: str) -> bytes | None:
        """The stored bytes, or None; :class:`CorruptBlob` when they are not the checksum's.

        Clients check what they download, but a registry that served a damaged
        archive would only break every install of it; checking here says where the
        fault is and keeps it from being cached anywhere downstream.
        """
        try:
            data = self.path(checksum).read_bytes()
        except FileNotFoundError:
            return None
        if "sha256:" + hashlib.sha256(data).hexdigest() != checksum:
            raise CorruptBlob(checksum)
        return data

    def _intact(self, target: Path, checksum: str) -> bool:
        """Whether ``target`` holds the bytes of ``checksum`` (a damaged one is rewritten)."""
        try:
            data = target.read_bytes()
        except OSError:
            return False
        return "sha256:" + hashlib.sha256(data).hexdigest() == checksum


def _sync_directory(path: Path) -> None:
    """Make a rename in ``path`` durable (where the platform allows it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
