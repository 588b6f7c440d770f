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

__all__ = ["BlobStore"]

_DIGEST = re.compile(r"[0-9a-f]{64}")


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
        if target.is_file() and target.stat().st_size == len(data):
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
        """The stored bytes, as they are on disk (clients check them), or None."""
        try:
            return self.path(checksum).read_bytes()
        except FileNotFoundError:
            return None


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
