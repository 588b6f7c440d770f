"""File-system helpers of the cache, the file registry and the installer.

Three things every writer here needs: replacing a file so that readers see the
old or the new content and never a mix, an exclusive lock between processes
(two ``aura pkg`` commands writing one registry or one project), and copying a
directory cheaply by hard links.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from aura_pkg.errors import CODE_IO, PackageError

__all__ = ["copy_tree_linked", "exclusive_lock", "write_atomic"]


def _io_error(path: Path, what: str, exc: OSError) -> PackageError:
    return PackageError(f"cannot {what}: {exc.strerror or exc}", file=str(path), code=CODE_IO)


def write_atomic(path: Path, data: bytes, *, durable: bool = False, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``.

    ``durable`` adds an ``fsync`` before the rename.  Content that can be
    fetched again (archives, index documents) skips it, because a lost write
    only costs a download; trust state (a pinned key, a tree head) and registry
    files use it, because losing them weakens a check or loses a publication.
    Missing parent directories are created.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _io_error(path, "write", exc) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _io_error(path, "write", exc) from None


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on the file ``path`` (created if needed).

    The lock is released when the block ends or the process dies, so a crashed
    command never leaves a stale lock behind.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _io_error(path, "lock", exc) from None
    try:
        if sys.platform == "win32":  # pragma: no cover
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def copy_tree_linked(source: Path, target: Path) -> None:
    """Copy the directory ``source`` to ``target`` (which must not exist) by hard links.

    A link costs one system call and no data, which makes reusing an installed
    package nearly free; where links are impossible the files are copied.
    """

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link, symlinks=True)
